//! Drawing pieces shared by several screens.
pub mod question;
