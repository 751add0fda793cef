//! The learner's settings, typed: the exam date, the retention target, the theme and the bank
//! chosen in the app. The only place that knows their stored keys and text forms.
use crate::store::{Db, StoreError};
use crate::study::Millis;
use crate::study::plan::{parse_exam_date, settings_from};
use crate::study::scheduler::{SrsSettings, clamp_retention};

const EXAM_DATE: &str = "exam_date";
const RETENTION: &str = "retention";
const THEME: &str = "theme";
const BANK: &str = "bank";

/// A setting that could not be changed.
#[derive(Debug, thiserror::Error)]
pub enum SettingError {
    /// The text given is not a valid value; the message says why.
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Retention target and exam date, as the scheduler uses them.
pub fn srs(db: &Db) -> Result<SrsSettings, StoreError> {
    Ok(settings_from(db.setting(RETENTION)?.as_deref(), db.setting(EXAM_DATE)?.as_deref()))
}

/// Sets the exam date from what the learner typed (`YYYY-MM-DD`, after today); empty text or
/// `none` clears it. Returns the stored date.
pub(crate) fn set_exam_date(db: &mut Db, text: &str, now: Millis) -> Result<Option<String>, SettingError> {
    let text = text.trim();
    if text.is_empty() || text == "none" {
        db.remove_setting(EXAM_DATE)?;
        return Ok(None);
    }
    let date = parse_exam_date(text, now).map_err(SettingError::Invalid)?;
    db.set_setting(EXAM_DATE, &date)?;
    Ok(Some(date))
}

/// Sets the retention target, kept within the scheduler's range; returns the value stored.
pub(crate) fn set_retention(db: &mut Db, retention: f64) -> Result<f64, StoreError> {
    let r = clamp_retention(retention);
    db.set_setting(RETENTION, &format!("{r:.2}"))?;
    Ok(r)
}

/// The colour theme a learner can choose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Look {
    Dark,
    Light,
}

/// The theme the learner chose last, if any (an unknown stored value counts as none).
pub fn theme(db: &Db) -> Result<Option<Look>, StoreError> {
    Ok(match db.setting(THEME)?.as_deref() {
        Some("dark") => Some(Look::Dark),
        Some("light") => Some(Look::Light),
        _ => None,
    })
}

pub(crate) fn set_theme(db: &mut Db, look: Look) -> Result<(), StoreError> {
    db.set_setting(THEME, if look == Look::Light { "light" } else { "dark" })
}

/// The bank chosen in the app last time, if any.
pub fn bank(db: &Db) -> Result<Option<String>, StoreError> {
    db.setting(BANK)
}

pub(crate) fn set_bank(db: &mut Db, name: &str) -> Result<(), StoreError> {
    db.set_setting(BANK, name)
}
