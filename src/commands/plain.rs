//! `--plain` for practice and exams: the line-by-line mode on standard input and output.
use std::process::ExitCode;

use anyhow::Result;
use rand::SeedableRng;
use rand::rngs::StdRng;

use super::{Selected, check_topics, open_db, select_bank};
use crate::cli::{Cli, ExamArgs, PracticeArgs};
use crate::clock;
use crate::plain::Plain;
use crate::progress::PracticeChoice;
use crate::store::{Db, Mode};
use crate::study::practice::Filter;
use crate::study::scheduler::Fsrs;

pub fn practice(cli: &Cli, args: &PracticeArgs) -> Result<ExitCode> {
    let mut db = open_db(cli)?;
    let sel = select_bank(cli, Some(&db))?;
    check_topics(&sel.bank, &args.topics)?;
    let settings = crate::settings::srs(&db)?;
    let scheduler = Fsrs::default();
    let now = clock::now_ms();
    let mut rng = StdRng::seed_from_u64(now as u64);
    let choice = if args.due {
        PracticeChoice::Due
    } else if args.weak {
        PracticeChoice::Weak
    } else {
        let f = if args.topics.is_empty() { Filter::Mixed } else { Filter::Topics(args.topics.clone()) };
        PracticeChoice::Pick(f, args.level.choice())
    };
    let mode = if args.cram { Mode::Cram } else { Mode::Practice };
    let mut now_fn = clock::now_ms;
    let input = super::stdin_lines::StdinLines::start()?;
    let mut p = plain(&mut db, &sel, &scheduler, settings, input, &mut now_fn);
    p.practice(choice, mode, &mut rng)?;
    Ok(ExitCode::SUCCESS)
}

fn plain<'a, R: crate::plain::LineSource>(
    db: &'a mut Db,
    sel: &'a Selected,
    scheduler: &'a Fsrs,
    settings: crate::study::scheduler::SrsSettings,
    input: R,
    clock: &'a mut dyn FnMut() -> i64,
) -> Plain<'a, R, crate::term::Clean<std::io::Stdout>> {
    // Bank text is printed as it is typed; escape sequences in it must not reach the terminal.
    let out = crate::term::Clean(std::io::stdout());
    Plain { db, bank: &sel.bank, bank_name: &sel.name, scheduler, settings, input, out, clock }
}

pub fn exam(args: &ExamArgs, mut db: Db, sel: Selected) -> Result<ExitCode> {
    let settings = crate::settings::srs(&db)?;
    let scheduler = Fsrs::default();
    let resume = if args.resume {
        let Some(row) = db.in_progress_exam(&sel.name)? else {
            anyhow::bail!("there is no unfinished exam to resume; start one with `gatewise exam --plain`");
        };
        Some(row)
    } else {
        None
    };
    let spec = super::exam::spec_from(args);
    let seed = resume.as_ref().map_or_else(|| args.seed.unwrap_or(clock::now_ms() as u64), |r| r.seed);
    let mut now_fn = clock::now_ms;
    let input = super::stdin_lines::StdinLines::start()?;
    let mut p = plain(&mut db, &sel, &scheduler, settings, input, &mut now_fn);
    p.exam(resume, spec, seed)?;
    Ok(ExitCode::SUCCESS)
}
