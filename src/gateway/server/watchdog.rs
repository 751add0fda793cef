//! The slow-client guard: each connection has a deadline by which its next request's headers
//! must have arrived, and one sweeper per server closes the connections past it.
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

/// One connection's deadline, and the signal that it has passed.
pub(crate) struct Guard {
    deadline: AtomicU64,
    expired: AtomicBool,
    /// The connection task to wake when the deadline passes. A flag and a waker rather than a
    /// `tokio::sync::Notify`: the task polls this at every wake-up (about once per request),
    /// and a `Notified` poll cost several times as much.
    waker: Mutex<Option<Waker>>,
}

impl Guard {
    /// Resolves once the sweeper finds the deadline passed.
    pub(crate) fn expired(&self) -> Expired<'_> {
        Expired(self)
    }

    fn expire(&self) {
        self.expired.store(true, Ordering::Release);
        if let Some(w) = self.waker.lock().unwrap_or_else(PoisonError::into_inner).take() {
            w.wake();
        }
    }
}

/// The future of [`Guard::expired`].
pub(crate) struct Expired<'a>(&'a Guard);

impl Future for Expired<'_> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let guard = self.0;
        if guard.expired.load(Ordering::Acquire) {
            return Poll::Ready(());
        }
        let mut slot = guard.waker.lock().unwrap_or_else(PoisonError::into_inner);
        if !slot.as_ref().is_some_and(|w| w.will_wake(cx.waker())) {
            *slot = Some(cx.waker().clone());
        }
        drop(slot);
        // Expired between the first check and storing the waker: `expire` found no waker.
        if guard.expired.load(Ordering::Acquire) { Poll::Ready(()) } else { Poll::Pending }
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

    fn sweep(&self) {
        let now = u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.now_ms.store(now, Ordering::Relaxed);
        self.conns.lock().unwrap_or_else(PoisonError::into_inner).retain(|weak| match weak.upgrade() {
            None => false,
            Some(guard) => {
                if guard.deadline.load(Ordering::Relaxed) <= now {
                    guard.expire();
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
}
