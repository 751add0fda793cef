//! A TTL cache on the virtual clock, used for the stage response cache and the authorizer
//! result cache. An entry is served while `now < stored_at + ttl` and never at or after it.

use std::collections::HashMap;
use std::hash::Hash;

use super::time::VirtualTime;

#[derive(Debug, Clone)]
struct Entry<V> {
    value: V,
    expires_at: VirtualTime,
    /// The entry's bytes against the budget (0 where there is none).
    bytes: usize,
}

#[derive(Debug, Clone)]
pub struct TtlCache<K, V> {
    map: HashMap<K, Entry<V>>,
    /// Past this many entries, expired ones are swept before inserting; a sandbox has no
    /// cache-size knob, but memory must stay bounded in a long `serve` session.
    max_entries: usize,
    /// The most bytes the entries may hold together (`usize::MAX`: no budget).
    max_bytes: usize,
    bytes: usize,
}

/// A cache hit, with how long the entry has left.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit<'a, V> {
    pub value: &'a V,
    pub expires_at: VirtualTime,
}

impl<K: Eq + Hash + Clone, V> TtlCache<K, V> {
    pub fn new(max_entries: usize) -> Self {
        Self { map: HashMap::new(), max_entries: max_entries.max(1), max_bytes: usize::MAX, bytes: 0 }
    }

    /// A cache that also keeps the entries' total bytes within `max_bytes`.
    pub(crate) fn with_byte_budget(max_entries: usize, max_bytes: usize) -> Self {
        Self { max_bytes, ..Self::new(max_entries) }
    }

    /// The bytes the entries hold.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// The byte budget.
    pub(crate) fn max_bytes(&self) -> usize {
        self.max_bytes
    }

    pub fn get<Q>(&self, key: &Q, now: VirtualTime) -> Option<Hit<'_, V>>
    where
        K: std::borrow::Borrow<Q>,
        Q: Eq + Hash + ?Sized,
    {
        self.map.get(key).filter(|e| now < e.expires_at).map(|e| Hit { value: &e.value, expires_at: e.expires_at })
    }

    pub fn insert(&mut self, key: K, value: V, now: VirtualTime, ttl_millis: u64) -> VirtualTime {
        self.insert_sized(key, value, now, ttl_millis, 0);
        now.plus_millis(ttl_millis)
    }

    /// Inserts an entry of `bytes` bytes, first making room within the entry count and the byte
    /// budget: expired entries go first, then live ones closest to expiry. Returns how many live
    /// entries were evicted. An entry larger than the whole budget is not stored.
    pub(crate) fn insert_sized(&mut self, key: K, value: V, now: VirtualTime, ttl_millis: u64, bytes: usize) -> usize {
        if let Some(old) = self.map.remove(&key) {
            self.bytes -= old.bytes;
        }
        if bytes > self.max_bytes {
            return 0;
        }
        let full = |c: &Self| c.map.len() >= c.max_entries || c.bytes + bytes > c.max_bytes;
        if full(self) {
            self.map.retain(|_, e| now < e.expires_at);
            self.bytes = self.map.values().map(|e| e.bytes).sum();
        }
        let mut evicted = 0;
        while full(self) {
            let Some(victim) = self.map.iter().min_by_key(|(_, e)| e.expires_at).map(|(k, _)| k.clone()) else {
                break;
            };
            if let Some(e) = self.map.remove(&victim) {
                self.bytes -= e.bytes;
            }
            evicted += 1;
        }
        self.map.insert(key, Entry { value, expires_at: now.plus_millis(ttl_millis), bytes });
        self.bytes += bytes;
        evicted
    }

    pub fn remove<Q>(&mut self, key: &Q)
    where
        K: std::borrow::Borrow<Q>,
        Q: Eq + Hash + ?Sized,
    {
        if let Some(e) = self.map.remove(key) {
            self.bytes -= e.bytes;
        }
    }

    pub fn clear(&mut self) {
        self.map.clear();
        self.bytes = 0;
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expires_exactly_at_ttl() {
        let mut c: TtlCache<String, u32> = TtlCache::new(8);
        let t0 = VirtualTime::from_secs(10);
        c.insert("k".into(), 1, t0, 300_000);
        assert!(c.get("k", t0.plus_millis(299_999)).is_some());
        assert!(c.get("k", t0.plus_millis(300_000)).is_none());
    }

    #[test]
    fn keeps_within_its_byte_budget_evicting_the_soonest_to_expire() {
        let mut c: TtlCache<u32, ()> = TtlCache::with_byte_budget(100, 1000);
        let t0 = VirtualTime::from_secs(1);
        assert_eq!(c.insert_sized(1, (), t0, 5_000, 400), 0);
        assert_eq!(c.insert_sized(2, (), t0, 9_000, 400), 0);
        assert_eq!(c.insert_sized(3, (), t0, 7_000, 400), 1, "one must go to fit");
        assert!(c.get(&1, t0).is_none() && c.get(&2, t0).is_some() && c.get(&3, t0).is_some());
        assert_eq!(c.bytes(), 800);
        assert_eq!(c.insert_sized(4, (), t0, 1_000, 2_000), 0, "larger than the budget: not stored");
        assert!(c.get(&4, t0).is_none());
        c.insert_sized(2, (), t0, 9_000, 100);
        assert_eq!(c.bytes(), 500, "replacing an entry releases its old bytes");
        // Expired entries are swept before any live one is evicted.
        assert_eq!(c.insert_sized(5, (), t0.plus_millis(8_000), 1_000, 800), 0);
        assert!(c.get(&2, t0.plus_millis(8_000)).is_some());
        c.remove(&5);
        c.clear();
        assert_eq!(c.bytes(), 0);
    }

    #[test]
    fn stays_bounded() {
        let mut c: TtlCache<u32, u32> = TtlCache::new(4);
        for i in 0..100 {
            c.insert(i, i, VirtualTime::from_secs(u64::from(i)), 1_000_000);
        }
        assert!(c.len() <= 4);
        assert!(c.get(&99, VirtualTime::from_secs(99)).is_some());
    }
}
