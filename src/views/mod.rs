//! maud views: layouts, components and pages mirroring `web/`. Views only render what they are handed.

pub mod account;
pub mod admin;
pub mod assets;
pub mod cart;
pub mod checkout;
pub mod components;
pub mod custom;
pub mod errors;
pub mod images;
pub mod layout;
pub mod order;
pub mod page;
pub mod product;
pub mod storefront;

pub use page::{Admin, ClientInfo, Page};
