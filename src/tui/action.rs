//! What a key press asks the app to do, independent of which key it was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Quit,
    Back,
    Help,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    Open,
    /// Choose the n-th item or option (0-based).
    Pick(usize),
    Toggle,
    Submit,
    Next,
    Prev,
    Search,
    SearchNext,
    SearchPrev,
    Confidence,
    OpenNote,
    PractiseTopic,
    SwitchTab,
    Flag,
    ReviewList,
    Finish,
    Filter,
    Drill,
    /// Send a burst of requests (Lab).
    Fire,
    /// Ask how many requests to send, then send them (Lab).
    FireN,
    /// Move the Lab's virtual clock: one second, one minute, to the next midnight UTC.
    ClockSecond,
    ClockMinute,
    ClockMidnight,
    /// Start or stop the Lab's loopback HTTP server.
    Live,
    /// Practice set-up: exam level, deep dives, or both.
    CycleLevel,
    /// WebSocket Lab: the selected client connects (with its key and token, or without).
    WsConnect,
    WsConnectBare,
    /// WebSocket Lab: the selected client closes its connection.
    WsClose,
    /// WebSocket Lab: the backend POSTs to the selected client's `@connections` URL.
    WsCallback,
    /// WebSocket Lab: the virtual clock moves 10 minutes.
    ClockTenMinutes,
}
