//! Orders: the checkout's price before placing, placing one (the checkout form and the API alike) with its emails, what a customer does
//! with an order's link, and every status change ([`transition`]).

pub mod links;
mod mail;
mod place;
mod place_order;
mod quote;
mod transition;

pub use place_order::{Basket, Env, Outcome, PlacedOrder, Placing, Request, place_order};
pub use quote::{CheckoutView, checkout_view};
pub use transition::{Reason, TransitionError, Transitioned, expire_drafts, transition};
