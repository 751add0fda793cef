//! Learning logic as plain functions and state machines: practice queues, grading, exams,
//! scheduling, statistics. No SQL, no terminal, no clock reads: time and a seeded RNG come in.
pub mod dashboard;
pub mod exam;
pub mod misconceptions;
pub mod next;
pub mod plan;
pub mod practice;
pub mod readiness;
pub mod records;
pub mod report;
pub mod scheduler;
pub mod selection;
pub mod stats;

/// Milliseconds since the Unix epoch, passed in by the caller.
pub type Millis = i64;
