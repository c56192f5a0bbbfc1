//! Orders: the checkout's price before placing, placing one (the checkout form and the API alike)
//! with its emails, what a customer does with an order's link, every status change
//! ([`transition`]), payments, and the seller's other actions (messages, notes, tags, links).

pub mod desk;
pub mod edit;
pub mod links;
pub mod manual;
pub mod payments;
mod place;
mod place_order;
mod quote;
pub mod requests;
pub mod review;
pub mod transition;

pub use place_order::{Basket, Env, Outcome, PlacedOrder, Placing, Request, defaults, place_order};
pub use quote::{CheckoutView, checkout_view};
pub use transition::{Refusal, SellerStep, Step, Transitioned, expire_drafts, seller_step, transition};
