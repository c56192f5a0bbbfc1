//! The use cases: one function per thing a person or a job does, each one transaction, called
//! alike by the forms, the API, the CLI and the scheduler. Those that take a `&Db` run their own
//! transaction (reading what they can off the one writer first); those that take a connection run
//! inside the caller's (a form's write, the CLI's or a job's `write_blocking`). Each writes the
//! audit log for what a person did.

pub mod account;
pub mod accounts;
mod actor;
pub mod api_tokens;
pub mod cart;
pub mod checkout;
pub mod collections;
pub mod custom;
pub mod customers;
pub mod import;
pub mod notify;
pub mod order_settings;
pub mod orders;
pub mod privacy;
pub mod products;
pub mod search;
pub mod two_factor;
pub mod webhooks;

pub use actor::Actor;
