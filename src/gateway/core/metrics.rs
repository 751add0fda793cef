//! Per-minute metrics in the shape of CloudWatch's `AWS/ApiGateway` namespace: Count, 4XXError,
//! 5XXError, Latency, IntegrationLatency, CacheHitCount, CacheMissCount, with the dimensions
//! ApiName, Stage, Method and Resource.

use std::collections::BTreeMap;

use super::time::VirtualTime;

/// One minute of history is enough for a lab; a day of it is kept so `serve` stays bounded.
const KEEP_MINUTES: u64 = 24 * 60;

/// A statistic set, as CloudWatch stores it.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Stat {
    pub sample_count: u64,
    pub sum: f64,
    pub min: f64,
    pub max: f64,
}

impl Stat {
    fn add(&mut self, v: f64) {
        if self.sample_count == 0 {
            self.min = v;
            self.max = v;
        } else {
            self.min = self.min.min(v);
            self.max = self.max.max(v);
        }
        self.sample_count += 1;
        self.sum += v;
    }

    pub(crate) fn average(&self) -> Option<f64> {
        (self.sample_count > 0).then(|| self.sum / self.sample_count as f64)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Default)]
struct Counters {
    count: u64,
    e4: u64,
    e5: u64,
    latency: Stat,
    integration_latency: Stat,
    hits: u64,
    misses: u64,
}

/// One data point: a minute and a (Method, Resource) pair, or the API/stage total when those are `None`.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricDatum {
    pub minute: VirtualTime,
    pub api_name: String,
    pub stage: String,
    pub method: Option<String>,
    pub resource: Option<String>,
    pub count: u64,
    pub error_4xx: u64,
    pub error_5xx: u64,
    pub latency_ms: Stat,
    pub integration_latency_ms: Stat,
    pub cache_hit_count: u64,
    pub cache_miss_count: u64,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct MetricsSnapshot {
    pub datapoints: Vec<MetricDatum>,
}

impl MetricsSnapshot {
    /// The ApiName + Stage series (what CloudWatch shows without detailed metrics).
    pub fn totals(&self) -> impl Iterator<Item = &MetricDatum> {
        self.datapoints.iter().filter(|d| d.method.is_none())
    }
}

/// What one request contributes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Sample {
    pub route: Option<usize>,
    pub status: u16,
    pub latency_ms: u64,
    pub integration_latency_ms: Option<u64>,
    pub cache_hit: Option<bool>,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Metrics {
    /// (minute index, route) → counters; `usize::MAX` is "no route" (the request never matched).
    cells: BTreeMap<(u64, usize), Counters>,
}

impl Metrics {
    pub(crate) fn record(&mut self, now: VirtualTime, s: Sample) {
        let minute = now.as_millis() / 60_000;
        let c = self.cells.entry((minute, s.route.unwrap_or(usize::MAX))).or_default();
        c.count += 1;
        match s.status {
            400..=499 => c.e4 += 1,
            500..=599 => c.e5 += 1,
            _ => {}
        }
        c.latency.add(s.latency_ms as f64);
        if let Some(il) = s.integration_latency_ms {
            c.integration_latency.add(il as f64);
        }
        match s.cache_hit {
            Some(true) => c.hits += 1,
            Some(false) => c.misses += 1,
            None => {}
        }
        if let Some((&(oldest, _), _)) = self.cells.first_key_value()
            && minute > oldest + KEEP_MINUTES
        {
            let cutoff = minute - KEEP_MINUTES;
            self.cells.retain(|(m, _), _| *m >= cutoff);
        }
    }

    /// Per-route points plus per-minute totals; `routes[i]` names route `i` as (method, resource).
    pub(crate) fn snapshot(&self, api_name: &str, stage: &str, routes: &[(String, String)]) -> MetricsSnapshot {
        let mut out = Vec::new();
        let mut totals: BTreeMap<u64, Counters> = BTreeMap::new();
        for (&(minute, route), c) in &self.cells {
            let t = totals.entry(minute).or_default();
            merge(t, c);
            if let Some((m, r)) = routes.get(route) {
                out.push(datum(minute, api_name, stage, Some(m.clone()), Some(r.clone()), c));
            }
        }
        for (minute, c) in &totals {
            out.push(datum(*minute, api_name, stage, None, None, c));
        }
        MetricsSnapshot { datapoints: out }
    }
}

fn merge(t: &mut Counters, c: &Counters) {
    t.count += c.count;
    t.e4 += c.e4;
    t.e5 += c.e5;
    t.hits += c.hits;
    t.misses += c.misses;
    for (dst, src) in [(&mut t.latency, &c.latency), (&mut t.integration_latency, &c.integration_latency)] {
        if src.sample_count > 0 {
            if dst.sample_count == 0 {
                *dst = *src;
            } else {
                dst.sample_count += src.sample_count;
                dst.sum += src.sum;
                dst.min = dst.min.min(src.min);
                dst.max = dst.max.max(src.max);
            }
        }
    }
}

fn datum(
    minute: u64,
    api: &str,
    stage: &str,
    method: Option<String>,
    resource: Option<String>,
    c: &Counters,
) -> MetricDatum {
    MetricDatum {
        minute: VirtualTime::from_millis(minute * 60_000),
        api_name: api.to_owned(),
        stage: stage.to_owned(),
        method,
        resource,
        count: c.count,
        error_4xx: c.e4,
        error_5xx: c.e5,
        latency_ms: c.latency,
        integration_latency_ms: c.integration_latency,
        cache_hit_count: c.hits,
        cache_miss_count: c.misses,
    }
}
