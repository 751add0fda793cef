//! A TTL cache on the virtual clock, used for the stage response cache and the authorizer
//! result cache. An entry is served while `now < stored_at + ttl` and never at or after it.

use std::collections::HashMap;
use std::hash::Hash;

use super::time::VirtualTime;

#[derive(Debug, Clone)]
struct Entry<V> {
    value: V,
    expires_at: VirtualTime,
}

#[derive(Debug, Clone)]
pub struct TtlCache<K, V> {
    map: HashMap<K, Entry<V>>,
    /// Past this many entries, expired ones are swept before inserting; a sandbox has no
    /// cache-size knob, but memory must stay bounded in a long `serve` session.
    max_entries: usize,
}

/// A cache hit, with how long the entry has left.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit<'a, V> {
    pub value: &'a V,
    pub expires_at: VirtualTime,
}

impl<K: Eq + Hash + Clone, V> TtlCache<K, V> {
    pub fn new(max_entries: usize) -> Self {
        Self { map: HashMap::new(), max_entries: max_entries.max(1) }
    }

    pub fn get<Q>(&self, key: &Q, now: VirtualTime) -> Option<Hit<'_, V>>
    where
        K: std::borrow::Borrow<Q>,
        Q: Eq + Hash + ?Sized,
    {
        self.map.get(key).filter(|e| now < e.expires_at).map(|e| Hit { value: &e.value, expires_at: e.expires_at })
    }

    pub fn insert(&mut self, key: K, value: V, now: VirtualTime, ttl_millis: u64) -> VirtualTime {
        if self.map.len() >= self.max_entries {
            self.map.retain(|_, e| now < e.expires_at);
            if self.map.len() >= self.max_entries {
                // Still full of live entries: drop the one closest to expiry.
                let victim = self.map.iter().min_by_key(|(_, e)| e.expires_at).map(|(k, _)| k.clone());
                if let Some(v) = victim {
                    self.map.remove(&v);
                }
            }
        }
        let expires_at = now.plus_millis(ttl_millis);
        self.map.insert(key, Entry { value, expires_at });
        expires_at
    }

    pub fn remove<Q>(&mut self, key: &Q)
    where
        K: std::borrow::Borrow<Q>,
        Q: Eq + Hash + ?Sized,
    {
        self.map.remove(key);
    }

    pub fn clear(&mut self) {
        self.map.clear();
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
    fn stays_bounded() {
        let mut c: TtlCache<u32, u32> = TtlCache::new(4);
        for i in 0..100 {
            c.insert(i, i, VirtualTime::from_secs(u64::from(i)), 1_000_000);
        }
        assert!(c.len() <= 4);
        assert!(c.get(&99, VirtualTime::from_secs(99)).is_some());
    }
}
