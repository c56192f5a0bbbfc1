//! Admin pages.

pub mod auth;
pub mod dashboard;
pub mod ops;
pub mod products;
pub mod settings;
pub mod users;
