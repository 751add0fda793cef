//! "Am I ready?": an estimated exam score from what is known about every question, with the
//! formula stated.
use serde::Serialize;

use super::Millis;
use super::exam::{PASS_MARK, scaled_estimate};
use super::scheduler::Scheduler;
use super::selection::{Knowledge, UNSEEN_PRIOR};
use crate::bank::{Bank, Domain, Level};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DomainReadiness {
    pub domain: String,
    pub weight: u32,
    pub predicted: f64,
    pub seen: usize,
    pub total: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Readiness {
    pub domains: Vec<DomainReadiness>,
    /// Weighted predicted fraction correct.
    pub predicted: f64,
    pub scaled: u32,
    pub likely_pass: bool,
    pub formula: &'static str,
    pub caveat: &'static str,
}

pub(crate) const FORMULA: &str = "Each question's chance = (right + ½) ÷ (answers + 1) over its last 5 answers, \
times its FSRS recall a day or more after the last review; a question never seen counts at 50%, one just missed \
at 25% or less. Each domain's chance is the mean over its exam-level questions (deep dives do not count); the \
estimate is the sum of domain chances weighted 24/30/34/12% as on CLF-C02, shown as 100 + 900 × chance.";

pub(crate) const CAVEAT: &str = "This is not a prediction of your real score: it only knows this bank's API Gateway \
questions, while the real exam covers all of AWS.";

pub fn readiness(bank: &Bank, k: &Knowledge, s: &dyn Scheduler, now: Millis) -> Readiness {
    let mut domains = Vec::new();
    let mut predicted = 0.0;
    for d in Domain::ALL {
        let qs: Vec<_> = bank.questions().iter().filter(|q| q.domain == Some(d) && q.level == Level::Exam).collect();
        let p = if qs.is_empty() {
            UNSEEN_PRIOR
        } else {
            qs.iter().map(|q| k.predicted(&q.id, s, now)).sum::<f64>() / qs.len() as f64
        };
        predicted += p * f64::from(d.weight_percent()) / 100.0;
        domains.push(DomainReadiness {
            domain: d.id().to_string(),
            weight: d.weight_percent(),
            predicted: p,
            seen: qs.iter().filter(|q| k.stats.contains_key(q.id.as_str())).count(),
            total: qs.len(),
        });
    }
    // Express the fraction on the same 100–1000 line the exam results use.
    let scaled = scaled_estimate((predicted * 10_000.0).round() as usize, 10_000);
    Readiness { domains, predicted, scaled, likely_pass: scaled >= PASS_MARK, formula: FORMULA, caveat: CAVEAT }
}
