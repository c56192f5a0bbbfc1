//! Admin pages.

pub mod api_tokens;
pub mod auth;
pub mod checkout;
pub mod collections;
pub mod dashboard;
pub mod new_order;
pub mod ops;
pub mod order;
pub mod order_edit;
pub mod order_settings;
pub mod order_steps;
pub mod orders;
pub mod print;
pub mod products;
pub mod settings;
pub mod users;
