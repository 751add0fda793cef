//! Drawing pieces shared by several screens.
pub mod question;
pub mod text_input;
