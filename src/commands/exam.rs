//! `gatewise exam …`: starting or resuming an exam, and the history of past exams.
use std::io::Write;
use std::process::ExitCode;

use anyhow::Result;

use super::{check_topics, open_db, resolve_theme, select_bank};
use crate::cli::{Cli, ExamArgs, ExamCommand};
use crate::clock;
use crate::store::Db;
use crate::study::exam::{ExamResult, ExamSpec};
use crate::tui::Launch;

pub fn run(cli: &Cli, args: &ExamArgs) -> Result<ExitCode> {
    let mut db = open_db(cli)?;
    let sel = select_bank(cli, Some(&db))?;
    if let Some(ExamCommand::History { json }) = &args.command {
        return exam_history(&db, &sel.name, *json);
    }
    check_topics(&sel.bank, &args.topics)?;
    if args.plain {
        return super::plain::exam(args, db, sel);
    }
    let launch = if args.resume {
        if db.in_progress_exam(&sel.name)?.is_none() {
            anyhow::bail!("there is no unfinished exam to resume; start one with `gatewise exam`");
        }
        Launch::ResumeExam
    } else {
        Launch::Exam { spec: spec_from(args), seed: args.seed }
    };
    let theme = resolve_theme(cli, &mut db)?;
    super::run_tui(cli, db, sel, theme, launch)?;
    Ok(ExitCode::SUCCESS)
}

/// The exam the flags ask for: --full, --questions/--minutes, else the quick exam.
pub(crate) fn spec_from(args: &ExamArgs) -> ExamSpec {
    let spec = match (args.full, args.questions, args.minutes) {
        (true, _, _) => ExamSpec { topics: args.topics.clone(), ..ExamSpec::full() },
        (false, Some(n), Some(m)) => ExamSpec::custom(usize::from(n), m, args.topics.clone()),
        _ => ExamSpec { topics: args.topics.clone(), ..ExamSpec::quick() },
    };
    spec.with_unseen_first(args.unseen_first)
}

#[derive(serde::Serialize)]
struct HistoryRow {
    id: i64,
    label: String,
    seed: u64,
    started_at: i64,
    submitted_at: Option<i64>,
    questions: usize,
    minutes: u32,
    correct: usize,
    total: usize,
    unanswered: usize,
    percent: f64,
    scaled: u32,
    passed: bool,
    elapsed_ms: i64,
}

fn exam_history(db: &Db, bank: &str, json: bool) -> Result<ExitCode> {
    let mut rows = Vec::new();
    for e in db.exam_history(bank)? {
        let (Ok(spec), Some(Ok(result))) =
            (serde_json::from_str::<ExamSpec>(&e.spec), e.result.as_deref().map(serde_json::from_str::<ExamResult>))
        else {
            continue;
        };
        rows.push(HistoryRow {
            id: e.id,
            label: spec.label,
            seed: e.seed,
            started_at: e.created_at,
            submitted_at: e.submitted_at,
            questions: e.items.len(),
            minutes: spec.minutes,
            correct: result.correct,
            total: result.total,
            unanswered: result.unanswered,
            percent: result.percent,
            scaled: result.scaled,
            passed: result.passed,
            elapsed_ms: result.elapsed_ms,
        });
    }
    let mut out = crate::term::stdout();
    if json {
        serde_json::to_writer_pretty(&mut out, &rows)?;
        writeln!(out)?;
        return Ok(ExitCode::SUCCESS);
    }
    if rows.is_empty() {
        writeln!(out, "No exams submitted yet. Start one with `gatewise exam`.")?;
        return Ok(ExitCode::SUCCESS);
    }
    writeln!(
        out,
        "{:<17} {:<40} {:>7} {:>5} {:>6} {:<7} {:>8}  seed",
        "submitted (UTC)", "exam", "score", "%", "scaled", "result", "time"
    )?;
    for r in &rows {
        let when = r.submitted_at.map_or_else(String::new, clock::datetime);
        writeln!(
            out,
            "{:<17} {:<40} {:>7} {:>4.0}% {:>6} {:<7} {:>8}  {}",
            when,
            r.label,
            format!("{}/{}", r.correct, r.total),
            r.percent,
            r.scaled,
            if r.passed { "pass" } else { "not yet" },
            crate::tui::screens::exam::clock_text(r.elapsed_ms),
            r.seed
        )?;
    }
    writeln!(out, "\nScaled scores are estimates: {}", crate::study::exam::SCALED_NOTE)?;
    Ok(ExitCode::SUCCESS)
}
