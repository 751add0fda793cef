//! A progress report in Markdown that a learner can keep or share.
use std::fmt::Write as _;

use super::dashboard::Dashboard;
use crate::bank::Bank;

pub fn markdown(d: &Dashboard, bank: &Bank, bank_name: &str, date: &str) -> String {
    let mut s = String::new();
    let pct = |c: i64, a: i64| if a == 0 { 0.0 } else { 100.0 * c as f64 / a as f64 };
    let _ = writeln!(s, "# gatewise progress report — {date}\n");
    let _ = writeln!(
        s,
        "Bank: **{bank_name}** ({}). Amazon API Gateway for AWS Certified Cloud Practitioner (CLF-C02).\n",
        crate::text::plural(d.total, "question")
    );
    let _ = writeln!(s, "| | |\n|---|---|");
    let _ = writeln!(s, "| Answers | {} ({:.0}% right) |", d.answered, pct(d.correct, d.answered));
    let _ = writeln!(s, "| Questions seen | {} of {} |", d.seen, d.total);
    let _ = writeln!(s, "| Mastered (last three answers right) | {} |", d.mastered);
    let _ = writeln!(s, "| Study streak | {} |", crate::text::plural(d.streak, "day"));
    let _ = writeln!(s, "| Reviews due in the next 14 days | {} |", d.due_next_14_days.iter().sum::<usize>());
    let _ = writeln!(
        s,
        "| Estimated readiness | {} ({}) |\n",
        d.readiness.scaled,
        if d.readiness.likely_pass { "at or above 700" } else { "below 700" }
    );
    let _ = writeln!(s, "_{}_ {}\n", d.readiness.caveat, d.readiness.formula);
    if let Some(p) = &d.plan {
        let _ = writeln!(s, "## Plan\n");
        for l in p.describe().lines() {
            let _ = writeln!(s, "- {l}");
        }
        s.push('\n');
    }
    let _ = writeln!(s, "## Mastery by level\n\n| Level | Mastered | Seen | Total |\n|---|---:|---:|---:|");
    for m in &d.mastery_by_level {
        let _ = writeln!(s, "| {} | {} | {} | {} |", m.title, m.mastered, m.seen, m.total);
    }
    let _ = writeln!(
        s,
        "\n## Mastery by domain\n\n| Domain | Mastered | Seen | Total | Predicted |\n|---|---:|---:|---:|---:|"
    );
    for m in &d.mastery_by_domain {
        let predicted = d.readiness.domains.iter().find(|r| r.domain == m.id).map_or(0.0, |r| r.predicted * 100.0);
        let _ = writeln!(s, "| {} | {} | {} | {} | {predicted:.0}% |", m.title, m.mastered, m.seen, m.total);
    }
    let _ = writeln!(s, "\n## Mastery by topic\n\n| Topic | Mastered | Seen | Total |\n|---|---:|---:|---:|");
    for m in &d.mastery_by_topic {
        let _ = writeln!(s, "| {} | {} | {} | {} |", m.title, m.mastered, m.seen, m.total);
    }
    if !d.misconceptions.is_empty() {
        let _ = writeln!(s, "\n## Misconceptions shown\n\n| Belief | Times | Last | Status |\n|---|---:|---|---|");
        for b in &d.misconceptions {
            let status = if b.corrected {
                "corrected"
            } else if b.active {
                "active"
            } else {
                "not yet corrected"
            };
            let last = crate::study::stats::day_of(b.last_at);
            let _ = writeln!(s, "| {} | {} | {} | {status} |", b.belief, b.times, crate::clock::date(last));
        }
    }
    let _ = writeln!(s, "\n## Weakest topics\n");
    for a in d.weak_topics.iter().take(3) {
        let _ = writeln!(s, "- {} — predicted {:.0}%, seen {} of {}", a.title, a.predicted * 100.0, a.seen, a.total);
    }
    if !d.exams.is_empty() {
        let _ = writeln!(s, "\n## Mock exams\n\n| # | Estimated score | Correct |\n|---:|---:|---:|");
        for (i, e) in d.exams.iter().enumerate() {
            let _ = writeln!(s, "| {} | {} | {:.0}% |", i + 1, e.scaled, e.percent);
        }
    }
    if !d.custom_exams.is_empty() {
        let _ = writeln!(
            s,
            "\n## Custom exams (not in the trend)\n\n| Exam | Estimated score | Correct |\n|---|---:|---:|"
        );
        for e in &d.custom_exams {
            let _ = writeln!(s, "| {} | {} | {:.0}% |", e.label, e.scaled, e.percent);
        }
    }
    if !d.most_missed.is_empty() {
        let _ = writeln!(s, "\n## Most missed\n");
        for m in &d.most_missed {
            let stem = bank.question(&m.question_id).map_or("", |q| q.stem.as_str());
            let leech = if m.leech { " **(leech: read its note)**" } else { "" };
            let _ = writeln!(s, "- `{}` missed {} of {}{leech}: {stem}", m.question_id, m.misses, m.answered);
        }
    }
    if !d.calibration.is_empty() {
        let _ = writeln!(s, "\n## Confidence calibration\n");
        for c in &d.calibration {
            let label = crate::text::confidence_label(c.confidence);
            let answers = crate::text::plural(c.answered, "answer");
            let _ = writeln!(s, "- When {label}: right {:.0}% of {answers}", pct(c.correct, c.answered));
        }
    }
    s
}
