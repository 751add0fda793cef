//! `gatewise stats` and `gatewise plan`: progress reports and the exam-date plan.
use std::io::Write;
use std::process::ExitCode;

use anyhow::Result;

use super::{open_db, select_bank};
use crate::cli::{Cli, StatsFormat};
use crate::clock;
use crate::settings;
use crate::study::scheduler::Fsrs;
use crate::text::{confidence_label, plural};

pub fn stats(cli: &Cli, format: StatsFormat) -> Result<ExitCode> {
    let db = open_db(cli)?;
    let sel = select_bank(cli, Some(&db))?;
    let d = crate::progress::load_dashboard(&db, &sel.bank, &sel.name, &Fsrs::default(), clock::now_ms())?;
    let mut out = crate::term::stdout();
    if format == StatsFormat::Markdown {
        let today = clock::date(crate::study::stats::day_of(clock::now_ms()));
        write!(out, "{}", crate::study::report::markdown(&d, &sel.bank, &sel.name, &today))?;
        return Ok(ExitCode::SUCCESS);
    }
    if format == StatsFormat::Json {
        serde_json::to_writer_pretty(&mut out, &d)?;
        writeln!(out)?;
        return Ok(ExitCode::SUCCESS);
    }
    let pct = |c: i64, a: i64| if a == 0 { 0.0 } else { 100.0 * c as f64 / a as f64 };
    writeln!(
        out,
        "Answered {} ({:.0}% right) · seen {} of {} · mastered {} · streak {}",
        d.answered,
        pct(d.correct, d.answered),
        d.seen,
        d.total,
        d.mastered,
        plural(d.streak, "day")
    )?;
    writeln!(
        out,
        "Readiness: estimated {} ({}). {}",
        d.readiness.scaled,
        if d.readiness.likely_pass { "at or above 700" } else { "below 700" },
        d.readiness.caveat
    )?;
    writeln!(out, "  How: {}", d.readiness.formula)?;
    let due_today = d.due_next_14_days.first().copied().unwrap_or(0);
    writeln!(out, "Reviews due today: {due_today}; next 14 days: {}", d.due_next_14_days.iter().sum::<usize>())?;
    writeln!(
        out,
        "Weakest topics: {}",
        d.weak_topics
            .iter()
            .take(3)
            .map(|a| format!("{} ({:.0}%)", a.title, a.predicted * 100.0))
            .collect::<Vec<_>>()
            .join(", ")
    )?;
    for c in &d.calibration {
        writeln!(
            out,
            "When {}, right {:.0}% of {}",
            confidence_label(c.confidence),
            pct(c.correct, c.answered),
            plural(c.answered, "answer")
        )?;
    }
    if !d.custom_exams.is_empty() {
        writeln!(out, "Custom exams (not in the mock trend): {}", d.custom_exams.len())?;
    }
    if let Some(p) = &d.plan {
        write!(out, "{}", p.describe())?;
    }
    Ok(ExitCode::SUCCESS)
}

pub fn plan(cli: &Cli, exam_date: Option<&str>, retention: Option<f64>) -> Result<ExitCode> {
    let mut db = open_db(cli)?;
    let sel = select_bank(cli, Some(&db))?;
    let now = clock::now_ms();
    if let Some(d) = exam_date {
        settings::set_exam_date(&mut db, d, now).map_err(|e| anyhow::anyhow!("--exam-date {e}"))?;
    }
    if let Some(r) = retention {
        settings::set_retention(&mut db, r)?;
    }
    let settings = settings::srs(&db)?;
    let cards = db.srs_cards(&sel.name)?;
    match crate::study::plan::plan(&sel.bank, &cards, settings, now) {
        Some(p) => write!(crate::term::stdout(), "{}", p.describe())?,
        None => crate::say!(
            "No exam date set (retention {:.0}%). Set one with `gatewise plan --exam-date YYYY-MM-DD`.",
            settings.retention * 100.0
        )?,
    }
    Ok(ExitCode::SUCCESS)
}
