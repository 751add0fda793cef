//! Usage-plan quotas: a request count per API key per UTC calendar window (DAY, WEEK starting
//! Sunday, MONTH starting on the 1st), with AWS's `offset` taken off the first window.

use super::definition::{QuotaDef, QuotaPeriod};
use super::time::VirtualTime;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuotaCounter {
    settings: QuotaDef,
    window_start: Option<VirtualTime>,
    /// Whether the window now counting is the first one this key was seen in.
    first_window: bool,
    used: u64,
}

/// One quota check, with what the trace shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuotaCheck {
    pub admitted: bool,
    pub used: u64,
    pub limit: u64,
    pub window_start: VirtualTime,
    pub rolled_over: bool,
}

pub(crate) fn window_start(period: QuotaPeriod, now: VirtualTime) -> VirtualTime {
    match period {
        QuotaPeriod::Day => now.day_start(),
        QuotaPeriod::Week => now.week_start(),
        QuotaPeriod::Month => now.month_start(),
    }
}

impl QuotaCounter {
    pub fn new(settings: QuotaDef) -> Self {
        Self { settings, window_start: None, first_window: true, used: 0 }
    }

    pub fn settings(&self) -> QuotaDef {
        self.settings
    }

    /// The limit in force for the window containing `now`.
    fn limit_for(&self, first: bool) -> u64 {
        if first { self.settings.limit.saturating_sub(self.settings.offset) } else { self.settings.limit }
    }

    fn roll(&mut self, now: VirtualTime) -> bool {
        let start = window_start(self.settings.period, now);
        match self.window_start {
            None => {
                self.window_start = Some(start);
                false
            }
            Some(cur) if start > cur => {
                self.window_start = Some(start);
                self.first_window = false;
                self.used = 0;
                true
            }
            Some(_) => false,
        }
    }

    /// Counts one request if the window still has room.
    pub fn try_consume(&mut self, now: VirtualTime) -> QuotaCheck {
        let rolled_over = self.roll(now);
        let limit = self.limit_for(self.first_window);
        let admitted = self.used < limit;
        if admitted {
            self.used += 1;
        }
        QuotaCheck { admitted, used: self.used, limit, window_start: self.window_start.unwrap_or(now), rolled_over }
    }

    /// `(used, limit)` as of `now`, without counting (for gauges).
    pub fn usage(&self, now: VirtualTime) -> (u64, u64) {
        let start = window_start(self.settings.period, now);
        match self.window_start {
            Some(cur) if start > cur => (0, self.limit_for(false)),
            Some(_) => (self.used, self.limit_for(self.first_window)),
            None => (0, self.limit_for(true)),
        }
    }
}

pub(crate) fn period_word(p: QuotaPeriod) -> &'static str {
    match p {
        QuotaPeriod::Day => "today (UTC day)",
        QuotaPeriod::Week => "this week (UTC, from Sunday)",
        QuotaPeriod::Month => "this month (UTC)",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_rolls_over_at_midnight_utc() {
        let mut q = QuotaCounter::new(QuotaDef { limit: 2, offset: 0, period: QuotaPeriod::Day });
        let day = VirtualTime::from_utc(2026, 3, 1, 23, 59, 58).expect("date");
        assert!(q.try_consume(day).admitted);
        assert!(q.try_consume(day.plus_millis(1000)).admitted);
        assert!(!q.try_consume(day.plus_millis(1999)).admitted, "23:59:59.999 is still the same day");
        let next = q.try_consume(day.plus_millis(2000));
        assert!(next.admitted && next.rolled_over && next.used == 1);
    }

    #[test]
    fn offset_reduces_only_the_first_window() {
        let mut q = QuotaCounter::new(QuotaDef { limit: 3, offset: 2, period: QuotaPeriod::Week });
        let wed = VirtualTime::from_utc(2026, 11, 25, 12, 0, 0).expect("date");
        assert!(q.try_consume(wed).admitted);
        assert!(!q.try_consume(wed).admitted);
        let sunday = VirtualTime::from_utc(2026, 11, 29, 0, 0, 0).expect("date");
        assert_eq!(q.usage(sunday), (0, 3));
        assert!((0..3).all(|_| q.try_consume(sunday).admitted));
        assert!(!q.try_consume(sunday).admitted);
    }

    #[test]
    fn month_windows() {
        let mut q = QuotaCounter::new(QuotaDef { limit: 1, offset: 0, period: QuotaPeriod::Month });
        let jan31 = VirtualTime::from_utc(2027, 1, 31, 23, 0, 0).expect("date");
        assert!(q.try_consume(jan31).admitted);
        assert!(!q.try_consume(jan31).admitted);
        assert!(q.try_consume(VirtualTime::from_utc(2027, 2, 1, 0, 0, 0).expect("date")).admitted);
    }
}
