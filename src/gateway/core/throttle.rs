//! The token bucket AWS describes for throttling: `rate` tokens a second refill continuously up
//! to `burst`; a request takes one token or is rejected. Buckets start full.

use super::definition::ThrottleDef;
use super::time::VirtualTime;

/// Comparisons allow for the rounding of `elapsed · rate` in floating point, so that exactly
/// one second at rate 1 always yields exactly one token.
const EPSILON: f64 = 1e-9;

#[derive(Debug, Clone, PartialEq)]
pub struct TokenBucket {
    rate: f64,
    burst: f64,
    tokens: f64,
    last: Option<VirtualTime>,
}

/// What one `try_take` did, for the trace: the level before and after.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Take {
    pub admitted: bool,
    pub before: f64,
    pub after: f64,
}

impl TokenBucket {
    pub fn new(settings: ThrottleDef) -> Self {
        let burst = f64::from(settings.burst_limit);
        Self {
            rate: if settings.rate_limit.is_finite() { settings.rate_limit.max(0.0) } else { 0.0 },
            burst,
            tokens: burst,
            last: None,
        }
    }

    pub fn rate(&self) -> f64 {
        self.rate
    }

    pub fn burst(&self) -> f64 {
        self.burst
    }

    /// The level at `now` without taking a token (for gauges).
    pub fn level(&self, now: VirtualTime) -> f64 {
        match self.last {
            None => self.tokens,
            Some(last) if now <= last => self.tokens,
            Some(last) => {
                let elapsed = now.millis_since(last) as f64 / 1000.0;
                (self.tokens + elapsed * self.rate).min(self.burst)
            }
        }
    }

    /// Refills to `now`, then takes one token if a whole one is there.
    ///
    /// A `now` earlier than the last call is treated as the last call's time: time never runs
    /// backwards for a bucket, so out-of-order callers cannot mint tokens.
    pub fn try_take(&mut self, now: VirtualTime) -> Take {
        let before = self.level(now);
        self.tokens = before;
        self.last = Some(match self.last {
            Some(last) if now < last => last,
            _ => now,
        });
        if before >= 1.0 - EPSILON {
            self.tokens = (before - 1.0).max(0.0);
            Take { admitted: true, before, after: self.tokens }
        } else {
            Take { admitted: false, before, after: before }
        }
    }

    /// When (from `now`) the next whole token will be there, in milliseconds; `None` if never.
    pub(crate) fn millis_until_token(&self, now: VirtualTime) -> Option<u64> {
        let level = self.level(now);
        if level >= 1.0 - EPSILON {
            return Some(0);
        }
        if self.rate <= 0.0 || self.burst < 1.0 {
            return None;
        }
        // The small slack stops float noise (0.001 → 1.0000000000000009 ms) from rounding up a whole ms.
        let ms = ((1.0 - level) / self.rate * 1000.0 - 1e-6).ceil();
        Some(if ms.is_finite() && ms >= 0.0 { ms as u64 } else { u64::MAX })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bucket(rate: f64, burst: u32) -> TokenBucket {
        TokenBucket::new(ThrottleDef { rate_limit: rate, burst_limit: burst })
    }

    #[test]
    fn rate_one_burst_one_edges() {
        let mut b = bucket(1.0, 1);
        assert!(b.try_take(VirtualTime::from_millis(0)).admitted);
        assert!(!b.try_take(VirtualTime::from_millis(999)).admitted);
        assert!(b.try_take(VirtualTime::from_millis(1000)).admitted);
    }

    #[test]
    fn starts_full_and_caps_at_burst() {
        let mut b = bucket(10.0, 3);
        let t = VirtualTime::from_secs(100);
        assert!((0..3).all(|_| b.try_take(t).admitted));
        assert!(!b.try_take(t).admitted);
        assert_eq!(b.level(VirtualTime::from_secs(200)), 3.0);
        assert_eq!(b.millis_until_token(t), Some(100));
    }

    #[test]
    fn zero_burst_never_admits() {
        let mut b = bucket(100.0, 0);
        assert!(!b.try_take(VirtualTime::from_secs(5)).admitted);
        assert_eq!(b.millis_until_token(VirtualTime::from_secs(5)), None);
    }
}
