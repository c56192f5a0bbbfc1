//! Admin pages.

pub mod auth;
pub mod checkout;
pub mod collections;
pub mod dashboard;
pub mod ops;
pub mod products;
pub mod settings;
pub mod users;
