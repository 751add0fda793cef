//! One module per screen: its state, how actions change it, and how it is drawn.
pub mod banks;
pub mod exam;
pub mod home;
pub mod lab;
pub mod practice;
pub mod review;
pub mod study;
