//! The schema, as an append-only list of migrations tracked by `PRAGMA user_version`.
//!
//! Never edit a migration that has shipped: add a new one. Each says why it exists.

/// Migration `i` takes the schema from version `i` to `i + 1`.
pub const MIGRATIONS: &[&str] = &[
    // 1: the first schema — everything the study features keep.
    r#"
    -- Every answer the learner gives, in any mode. `choices` is a JSON array of option indices
    -- in the bank's file order, so a reshuffled display never changes what was recorded.
    CREATE TABLE sessions (
        id          INTEGER PRIMARY KEY,
        bank        TEXT NOT NULL,
        mode        TEXT NOT NULL CHECK (mode IN ('practice', 'exam', 'cram', 'lab')),
        filter      TEXT NOT NULL DEFAULT '',
        started_at  INTEGER NOT NULL,
        ended_at    INTEGER
    );
    CREATE TABLE exams (
        id            INTEGER PRIMARY KEY,
        bank          TEXT NOT NULL,
        spec          TEXT NOT NULL,              -- JSON: question count, minutes, topics, kind
        seed          INTEGER NOT NULL,
        state         TEXT NOT NULL CHECK (state IN ('in-progress', 'submitted')),
        created_at    INTEGER NOT NULL,
        elapsed_ms    INTEGER NOT NULL DEFAULT 0,  -- time spent with the exam open
        position      INTEGER NOT NULL DEFAULT 0,
        submitted_at  INTEGER,
        result        TEXT                         -- JSON: scores and breakdowns, once submitted
    );
    CREATE INDEX exams_state ON exams(state, created_at);
    CREATE TABLE exam_items (
        exam_id       INTEGER NOT NULL REFERENCES exams(id) ON DELETE CASCADE,
        idx           INTEGER NOT NULL,
        question_id   TEXT NOT NULL,
        option_order  TEXT NOT NULL,   -- JSON array: display position -> file index
        answer        TEXT,            -- JSON array of file indices, NULL when unanswered
        flagged       INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (exam_id, idx)
    ) WITHOUT ROWID;
    CREATE TABLE attempts (
        id           INTEGER PRIMARY KEY,
        bank         TEXT NOT NULL,
        question_id  TEXT NOT NULL,
        choices      TEXT NOT NULL,
        correct      INTEGER NOT NULL CHECK (correct IN (0, 1)),
        confidence   INTEGER CHECK (confidence BETWEEN 1 AND 3),
        seconds      REAL NOT NULL CHECK (seconds >= 0),
        mode         TEXT NOT NULL CHECK (mode IN ('practice', 'exam', 'cram', 'lab')),
        session_id   INTEGER REFERENCES sessions(id),
        exam_id      INTEGER REFERENCES exams(id) ON DELETE SET NULL,
        answered_at  INTEGER NOT NULL
    );
    CREATE INDEX attempts_question ON attempts(bank, question_id, answered_at);
    CREATE INDEX attempts_time ON attempts(answered_at);

    -- Roll-ups kept by triggers in the same transaction as the attempt, so the Review
    -- dashboard reads a few thousand rows instead of scanning millions of attempts.
    CREATE TABLE daily_stats (
        day         INTEGER NOT NULL,   -- days since 1970-01-01 (UTC)
        mode        TEXT NOT NULL,
        confidence  INTEGER NOT NULL,   -- 0 when not given
        answered    INTEGER NOT NULL,
        correct     INTEGER NOT NULL,
        seconds     REAL NOT NULL,
        PRIMARY KEY (day, mode, confidence)
    ) WITHOUT ROWID;
    CREATE TABLE question_stats (
        bank         TEXT NOT NULL,
        question_id  TEXT NOT NULL,
        answered     INTEGER NOT NULL,
        correct      INTEGER NOT NULL,
        last_at      INTEGER NOT NULL,
        last_correct INTEGER NOT NULL,
        recent       INTEGER NOT NULL,  -- bit i = result of the i-th most recent attempt (last 16)
        PRIMARY KEY (bank, question_id)
    ) WITHOUT ROWID;
    CREATE TRIGGER attempts_rollup AFTER INSERT ON attempts BEGIN
        INSERT INTO daily_stats (day, mode, confidence, answered, correct, seconds)
        VALUES (NEW.answered_at / 86400000, NEW.mode, coalesce(NEW.confidence, 0), 1, NEW.correct, NEW.seconds)
        ON CONFLICT (day, mode, confidence) DO UPDATE SET
            answered = answered + 1, correct = correct + excluded.correct, seconds = seconds + excluded.seconds;
        INSERT INTO question_stats (bank, question_id, answered, correct, last_at, last_correct, recent)
        VALUES (NEW.bank, NEW.question_id, 1, NEW.correct, NEW.answered_at, NEW.correct, NEW.correct)
        ON CONFLICT (bank, question_id) DO UPDATE SET
            answered = answered + 1,
            correct = correct + excluded.correct,
            last_at = max(last_at, excluded.last_at),
            last_correct = excluded.last_correct,
            recent = ((recent << 1) | excluded.last_correct) & 65535;
    END;

    CREATE TABLE note_progress (
        bank      TEXT NOT NULL,
        note_id   TEXT NOT NULL,
        scroll    INTEGER NOT NULL DEFAULT 0,
        read_at   INTEGER,
        PRIMARY KEY (bank, note_id)
    ) WITHOUT ROWID;

    -- Spaced repetition: the memory state of each question and every review that changed it.
    CREATE TABLE srs_cards (
        bank         TEXT NOT NULL,
        question_id  TEXT NOT NULL,
        stability    REAL NOT NULL,
        difficulty   REAL NOT NULL,
        due          INTEGER NOT NULL,
        last_review  INTEGER NOT NULL,
        reps         INTEGER NOT NULL,
        lapses       INTEGER NOT NULL,
        PRIMARY KEY (bank, question_id)
    ) WITHOUT ROWID;
    CREATE INDEX srs_due ON srs_cards(bank, due);
    CREATE TABLE review_log (
        id             INTEGER PRIMARY KEY,
        bank           TEXT NOT NULL,
        question_id    TEXT NOT NULL,
        rating         INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 4),
        reviewed_at    INTEGER NOT NULL,
        elapsed_days   REAL NOT NULL,
        scheduled_days REAL NOT NULL,
        stability      REAL NOT NULL,
        difficulty     REAL NOT NULL,
        attempt_id     INTEGER REFERENCES attempts(id)
    );
    CREATE INDEX review_log_question ON review_log(bank, question_id, reviewed_at);

    CREATE TABLE lab_completions (
        scenario      TEXT NOT NULL,
        objective     TEXT NOT NULL,
        completed_at  INTEGER NOT NULL,
        PRIMARY KEY (scenario, objective)
    ) WITHOUT ROWID;
    CREATE TABLE settings (
        key    TEXT PRIMARY KEY,
        value  TEXT NOT NULL
    ) WITHOUT ROWID;
    "#,
    // 2: the per-day roll-up gains the bank, so streaks, weekly accuracy and confidence
    // calibration are kept per bank like everything else. Rebuilt exactly from the attempts.
    r#"
    DROP TRIGGER attempts_rollup;
    DROP TABLE daily_stats;
    CREATE TABLE daily_stats (
        bank        TEXT NOT NULL,
        day         INTEGER NOT NULL,
        mode        TEXT NOT NULL,
        confidence  INTEGER NOT NULL,
        answered    INTEGER NOT NULL,
        correct     INTEGER NOT NULL,
        seconds     REAL NOT NULL,
        PRIMARY KEY (bank, day, mode, confidence)
    ) WITHOUT ROWID;
    INSERT INTO daily_stats (bank, day, mode, confidence, answered, correct, seconds)
        SELECT bank, answered_at / 86400000, mode, coalesce(confidence, 0), count(*), sum(correct), sum(seconds)
        FROM attempts GROUP BY 1, 2, 3, 4;
    CREATE TRIGGER attempts_rollup AFTER INSERT ON attempts BEGIN
        INSERT INTO daily_stats (bank, day, mode, confidence, answered, correct, seconds)
        VALUES (NEW.bank, NEW.answered_at / 86400000, NEW.mode, coalesce(NEW.confidence, 0), 1, NEW.correct, NEW.seconds)
        ON CONFLICT (bank, day, mode, confidence) DO UPDATE SET
            answered = answered + 1, correct = correct + excluded.correct, seconds = seconds + excluded.seconds;
        INSERT INTO question_stats (bank, question_id, answered, correct, last_at, last_correct, recent)
        VALUES (NEW.bank, NEW.question_id, 1, NEW.correct, NEW.answered_at, NEW.correct, NEW.correct)
        ON CONFLICT (bank, question_id) DO UPDATE SET
            answered = answered + 1,
            correct = correct + excluded.correct,
            last_at = max(last_at, excluded.last_at),
            last_correct = excluded.last_correct,
            recent = ((recent << 1) | excluded.last_correct) & 65535;
    END;
    "#,
    // 3: the misconceptions an answer showed (comma-separated catalogue ids), stored with it.
    r#"
    ALTER TABLE attempts ADD COLUMN misconceptions TEXT NOT NULL DEFAULT '';
    "#,
];

/// The schema version this build writes.
pub fn latest() -> i64 {
    MIGRATIONS.len() as i64
}
