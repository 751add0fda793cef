//! The slow-client guard: each connection has a deadline by which its next request's headers
//! must have arrived, and one sweeper per server closes the connections past it. The same
//! signal tells every connection when the server begins to close.
//!
//! hyper's own header-read timeout does the same with a timer per request (boxed, registered
//! and dropped again each time), a visible share of a served request's cost. Here a request
//! costs two atomic stores, and the server has one timer, the sweeper's tick.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

// tokio's clock, the system's monotonic clock except in tests that pause it.
use tokio::time::Instant;

/// While a request is being served the deadline is off: the body has its own timeout.
const BUSY: u64 = u64::MAX;

/// One server's guard over all its connections.
pub(crate) struct Watchdog {
    start: Instant,
    /// Milliseconds since `start`, as of the sweeper's last tick: read per request instead of
    /// the clock, so deadlines are coarse by one tick (the margin below allows for that).
    now_ms: AtomicU64,
    timeout_ms: u64,
    tick: Duration,
    conns: Mutex<Vec<Weak<Guard>>>,
}

/// One connection's deadline, and the signals that it has passed or that the server is closing.
pub(crate) struct Guard {
    deadline: AtomicU64,
    expired: AtomicBool,
    closing: AtomicBool,
    /// The connection task to wake when either signal is raised. Flags and a waker rather than
    /// a `tokio::sync::Notify` or a `watch` channel: the task polls this at every wake-up
    /// (about once per request), and a `Notified` poll cost several times as much.
    waker: Mutex<Option<Waker>>,
}

/// What a connection is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Signal {
    /// Its deadline passed: close it now.
    Expired,
    /// The server is closing: finish the request in flight, then close.
    Closing,
}

impl Guard {
    /// Resolves once the sweeper finds the deadline passed or, if `closing` counts, once the
    /// server begins to close.
    pub(crate) fn signal(&self, closing: bool) -> Wait<'_> {
        Wait { guard: self, closing }
    }

    /// Resolves once the sweeper finds the deadline passed.
    pub(crate) async fn expired(&self) {
        self.signal(false).await;
    }

    fn raise(&self, flag: &AtomicBool) {
        flag.store(true, Ordering::Release);
        if let Some(w) = self.waker.lock().unwrap_or_else(PoisonError::into_inner).take() {
            w.wake();
        }
    }

    fn raised(&self, closing: bool) -> Option<Signal> {
        if self.expired.load(Ordering::Acquire) {
            Some(Signal::Expired)
        } else if closing && self.closing.load(Ordering::Acquire) {
            Some(Signal::Closing)
        } else {
            None
        }
    }
}

/// The future of [`Guard::signal`].
pub(crate) struct Wait<'a> {
    guard: &'a Guard,
    closing: bool,
}

impl Future for Wait<'_> {
    type Output = Signal;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Signal> {
        let Wait { guard, closing } = *self;
        if let Some(s) = guard.raised(closing) {
            return Poll::Ready(s);
        }
        let mut slot = guard.waker.lock().unwrap_or_else(PoisonError::into_inner);
        if !slot.as_ref().is_some_and(|w| w.will_wake(cx.waker())) {
            *slot = Some(cx.waker().clone());
        }
        drop(slot);
        // Raised between the first check and storing the waker: `raise` found no waker.
        guard.raised(closing).map_or(Poll::Pending, Poll::Ready)
    }
}

impl Watchdog {
    /// A connection is closed between `timeout` and `timeout` plus two ticks after it went idle;
    /// the tick is a quarter of the timeout, at most a second.
    pub(crate) fn new(timeout: Duration) -> Arc<Self> {
        let tick = (timeout / 4).clamp(Duration::from_millis(5), Duration::from_secs(1));
        Arc::new(Self {
            start: Instant::now(),
            now_ms: AtomicU64::new(0),
            timeout_ms: u64::try_from(timeout.as_millis()).unwrap_or(u64::MAX / 2),
            tick,
            conns: Mutex::new(Vec::new()),
        })
    }

    pub(crate) fn timeout(&self) -> Duration {
        Duration::from_millis(self.timeout_ms)
    }

    /// Watches a new connection: its first request's headers are due within the timeout.
    pub(crate) fn guard(&self) -> Arc<Guard> {
        let guard = Arc::new(Guard {
            deadline: AtomicU64::new(self.due()),
            expired: AtomicBool::new(false),
            closing: AtomicBool::new(false),
            waker: Mutex::new(None),
        });
        self.conns.lock().unwrap_or_else(PoisonError::into_inner).push(Arc::downgrade(&guard));
        guard
    }

    /// A request's headers have arrived: no deadline until it is answered.
    pub(crate) fn busy(&self, guard: &Guard) {
        guard.deadline.store(BUSY, Ordering::Relaxed);
    }

    /// A request was answered: the next one's headers are due within the timeout (this also
    /// bounds an idle keep-alive connection, and a client that does not read its response).
    pub(crate) fn idle(&self, guard: &Guard) {
        guard.deadline.store(self.due(), Ordering::Relaxed);
    }

    fn due(&self) -> u64 {
        let margin = u64::try_from(self.tick.as_millis()).unwrap_or(0);
        self.now_ms.load(Ordering::Relaxed).saturating_add(self.timeout_ms).saturating_add(margin)
    }

    /// Ticks until `stop` resolves: refreshes the coarse clock, signals every connection past
    /// its deadline, and forgets the closed ones.
    pub(crate) async fn run(self: Arc<Self>, stop: impl Future<Output = ()>) {
        let mut ticks = tokio::time::interval(self.tick);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        tokio::pin!(stop);
        loop {
            tokio::select! {
                () = &mut stop => return,
                _ = ticks.tick() => self.sweep(),
            }
        }
    }

    /// Tells every open connection that the server is closing.
    pub(crate) fn close_all(&self) {
        for guard in self.conns.lock().unwrap_or_else(PoisonError::into_inner).iter().filter_map(Weak::upgrade) {
            guard.raise(&guard.closing);
        }
    }

    fn sweep(&self) {
        let now = u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.now_ms.store(now, Ordering::Relaxed);
        self.conns.lock().unwrap_or_else(PoisonError::into_inner).retain(|weak| match weak.upgrade() {
            None => false,
            Some(guard) => {
                if guard.deadline.load(Ordering::Relaxed) <= now {
                    guard.raise(&guard.expired);
                }
                true
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn idle_connections_expire_and_busy_ones_do_not() {
        let dog = Watchdog::new(Duration::from_millis(400));
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let sweeper = tokio::spawn(Arc::clone(&dog).run(async {
            let _ = stop_rx.await;
        }));
        let idle = dog.guard();
        let busy = dog.guard();
        dog.busy(&busy);
        // Virtual time: the idle one is signalled between the timeout and two ticks past it.
        let waited = Instant::now();
        tokio::time::timeout(Duration::from_secs(5), idle.expired()).await.expect("an idle connection expires");
        let after = waited.elapsed();
        assert!(after >= Duration::from_millis(400) && after <= Duration::from_millis(600), "{after:?}");
        // The busy one is not signalled, however long it takes.
        let still = tokio::time::timeout(Duration::from_secs(60), busy.expired()).await;
        assert!(still.is_err(), "a connection serving a request was closed");
        // Answered, it gets a fresh deadline.
        dog.idle(&busy);
        tokio::time::timeout(Duration::from_secs(1), busy.expired()).await.expect("expires once idle");
        // Dropped connections are forgotten.
        drop((idle, busy));
        dog.sweep();
        assert!(dog.conns.lock().map(|c| c.is_empty()).unwrap_or(false));
        let _ = stop_tx.send(());
        sweeper.await.expect("sweeper stops");
    }

    #[tokio::test(start_paused = true)]
    async fn closing_reaches_every_connection_but_only_those_that_listen_for_it() {
        let dog = Watchdog::new(Duration::from_secs(10));
        let (a, b) = (dog.guard(), dog.guard());
        dog.busy(&a);
        dog.busy(&b);
        let waiting = tokio::spawn({
            let a = Arc::clone(&a);
            async move { a.signal(true).await }
        });
        tokio::task::yield_now().await;
        dog.close_all();
        assert_eq!(waiting.await.ok(), Some(Signal::Closing));
        // Once told, a connection that waits only for its deadline is not woken by the closing.
        let only_deadline = tokio::time::timeout(Duration::from_secs(60), b.expired()).await;
        assert!(only_deadline.is_err(), "a busy connection was expired by the closing");
        assert_eq!(b.signal(true).await, Signal::Closing);
    }
}
