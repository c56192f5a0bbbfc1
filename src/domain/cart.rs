//! What can be bought: a wanted quantity of a variant checked against its price, stock, drop and
//! per-order limit, and the notes a cart shows when something changed since it was filled.

use super::catalog::Stock;
use super::orders::MAX_QUANTITY;

/// What the catalogue says now about one variant, as a cart or an order needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct Offer {
    pub variant_id: i64,
    pub product_id: i64,
    pub product_slug: String,
    pub title: String,
    /// The option values, "M / Blue"; empty for a product without options.
    pub options: String,
    pub sku: String,
    pub price: i64,
    pub stock: Stock,
    pub max_per_order: Option<i64>,
    /// The product is active (not a draft, not archived).
    pub for_sale: bool,
    /// Its drop has opened, or the shopper holds a valid early-access link.
    pub released: bool,
    pub image_id: Option<i64>,
}

impl Offer {
    /// "Kurta (M / Blue)".
    pub fn name(&self) -> String {
        if self.options.is_empty() { self.title.clone() } else { format!("{} ({})", self.title, self.options) }
    }
}

/// A cart as checked again: its lines with what the catalogue offers now, the notes for the
/// shopper about what changed, and the subtotal.
#[derive(Debug, Clone, Default)]
pub struct Cart {
    pub lines: Vec<(Offer, i64)>,
    pub notes: Vec<String>,
    pub subtotal: i64,
}

impl Cart {
    /// Units in the cart.
    pub fn count(&self) -> i64 {
        self.lines.iter().map(|(_, q)| q).sum()
    }
}

/// Why none of a variant can be had.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unavailable {
    NotForSale,
    NotYet,
    SoldOut,
}

/// Why fewer than wanted can be had.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    Stock(i64),
    PerOrder(i64),
    Most(i64),
}

/// How many of `wanted` units can be had now, with the limit that cut it; `Err` when none.
pub fn allowed(offer: &Offer, wanted: i64) -> Result<(i64, Option<Limit>), Unavailable> {
    if !offer.for_sale {
        return Err(Unavailable::NotForSale);
    }
    if !offer.released {
        return Err(Unavailable::NotYet);
    }
    let mut qty = wanted.max(1);
    let mut limit = None;
    if qty > MAX_QUANTITY {
        qty = MAX_QUANTITY;
        limit = Some(Limit::Most(MAX_QUANTITY));
    }
    if let Some(max) = offer.max_per_order.filter(|m| qty > *m) {
        qty = max;
        limit = Some(Limit::PerOrder(max));
    }
    if let Some(available) = offer.stock.available().filter(|_| !offer.stock.backorder) {
        if available == 0 {
            return Err(Unavailable::SoldOut);
        }
        if qty > available {
            qty = available;
            limit = Some(Limit::Stock(available));
        }
    }
    Ok((qty, limit))
}

/// What a cart tells the shopper after checking a line again.
#[derive(Debug, Clone, PartialEq)]
pub enum Note {
    PriceChanged { name: String, from: i64, to: i64 },
    Reduced { name: String, to: i64, limit: Limit },
    Removed { name: String, why: Unavailable },
}

/// A cart line as stored: the variant, how many, and the price the shopper last saw.
#[derive(Debug, Clone, PartialEq)]
pub struct Wanted {
    pub variant_id: i64,
    pub quantity: i64,
    pub seen_price: i64,
}

/// What to do with a stored line after checking it.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    Keep,
    /// Store this quantity and price.
    Update {
        quantity: i64,
        price: i64,
    },
    Remove,
}

/// Checks a stored line against its offer (`None`: the variant is gone): the change to store and
/// the notes to show (a line whose quantity was cut and whose price moved gets both).
pub fn recheck(line: &Wanted, offer: Option<&Offer>) -> (Change, Vec<Note>) {
    let Some(offer) = offer else {
        return (Change::Remove, vec![Note::Removed { name: "An item".into(), why: Unavailable::NotForSale }]);
    };
    match allowed(offer, line.quantity) {
        Err(why) => (Change::Remove, vec![Note::Removed { name: offer.name(), why }]),
        Ok((qty, limit)) => {
            let mut notes = Vec::new();
            if let Some(limit) = limit
                && qty < line.quantity
            {
                notes.push(Note::Reduced { name: offer.name(), to: qty, limit });
            }
            if offer.price != line.seen_price {
                notes.push(Note::PriceChanged { name: offer.name(), from: line.seen_price, to: offer.price });
            }
            if qty == line.quantity && offer.price == line.seen_price {
                (Change::Keep, notes)
            } else {
                (Change::Update { quantity: qty, price: offer.price }, notes)
            }
        }
    }
}

/// The message for a note, prices formatted by `money`.
pub fn note_text(note: &Note, money: impl Fn(i64) -> String) -> String {
    match note {
        Note::PriceChanged { name, from, to } => {
            format!("The price of {name} changed from {} to {}.", money(*from), money(*to))
        }
        Note::Reduced { name, to, limit: Limit::Stock(_) } => {
            format!("Only {to} of {name} left: your quantity was reduced.")
        }
        Note::Reduced { name, to, limit: Limit::PerOrder(_) } => {
            format!("At most {to} of {name} per order: your quantity was reduced.")
        }
        Note::Reduced { name, to, limit: Limit::Most(_) } => format!("At most {to} of {name} in one order."),
        Note::Removed { name, why: Unavailable::SoldOut } => format!("{name} sold out and was removed."),
        Note::Removed { name, why: Unavailable::NotYet } => format!("{name} is not on sale yet and was removed."),
        Note::Removed { name, why: Unavailable::NotForSale } => format!("{name} is no longer sold and was removed."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn offer(on_hand: i64, reserved: i64) -> Offer {
        Offer {
            variant_id: 1,
            product_id: 1,
            product_slug: "kurta".into(),
            title: "Kurta".into(),
            options: "M".into(),
            sku: "K-M".into(),
            price: 129900,
            stock: Stock { on_hand, reserved, track: true, backorder: false },
            max_per_order: None,
            for_sale: true,
            released: true,
            image_id: None,
        }
    }

    #[test]
    fn stock_drops_and_limits_decide_what_can_be_had() {
        assert_eq!(allowed(&offer(5, 0), 2), Ok((2, None)));
        assert_eq!(allowed(&offer(5, 4), 3), Ok((1, Some(Limit::Stock(1)))));
        assert_eq!(allowed(&offer(5, 5), 1), Err(Unavailable::SoldOut));
        let backorder = Offer { stock: Stock { backorder: true, ..offer(0, 0).stock }, ..offer(0, 0) };
        assert_eq!(allowed(&backorder, 3), Ok((3, None)));
        let untracked = Offer { stock: Stock { track: false, ..offer(0, 0).stock }, ..offer(0, 0) };
        assert_eq!(allowed(&untracked, 4), Ok((4, None)));
        assert_eq!(allowed(&Offer { max_per_order: Some(2), ..offer(9, 0) }, 5), Ok((2, Some(Limit::PerOrder(2)))));
        assert_eq!(allowed(&Offer { released: false, ..offer(9, 0) }, 1), Err(Unavailable::NotYet));
        assert_eq!(allowed(&Offer { for_sale: false, ..offer(9, 0) }, 1), Err(Unavailable::NotForSale));
        assert_eq!(allowed(&untracked, 1_000_000), Ok((MAX_QUANTITY, Some(Limit::Most(MAX_QUANTITY)))));
    }

    #[test]
    fn a_cart_says_what_changed() {
        let m = |v: i64| format!("₹{}", v / 100);
        let texts = |notes: Vec<Note>| notes.iter().map(|n| note_text(n, m)).collect::<Vec<_>>();
        let line = Wanted { variant_id: 1, quantity: 3, seen_price: 119900 };
        let (change, notes) = recheck(&line, Some(&offer(10, 0)));
        assert_eq!(change, Change::Update { quantity: 3, price: 129900 });
        assert_eq!(texts(notes), ["The price of Kurta (M) changed from ₹1199 to ₹1299."]);
        let (change, notes) = recheck(&Wanted { seen_price: 129900, ..line.clone() }, Some(&offer(1, 0)));
        assert_eq!(change, Change::Update { quantity: 1, price: 129900 });
        assert_eq!(texts(notes), ["Only 1 of Kurta (M) left: your quantity was reduced."]);
        // Cut and dearer at once: the shopper is told both before the new price is stored.
        let (change, notes) = recheck(&line, Some(&offer(1, 0)));
        assert_eq!(change, Change::Update { quantity: 1, price: 129900 });
        assert_eq!(
            texts(notes),
            [
                "Only 1 of Kurta (M) left: your quantity was reduced.",
                "The price of Kurta (M) changed from ₹1199 to ₹1299."
            ]
        );
        let (change, notes) = recheck(&line, Some(&offer(2, 2)));
        assert_eq!(change, Change::Remove);
        assert_eq!(texts(notes), ["Kurta (M) sold out and was removed."]);
        let same = Wanted { seen_price: 129900, ..line };
        assert_eq!(recheck(&same, Some(&offer(10, 0))), (Change::Keep, vec![]));
        assert_eq!(recheck(&same, None).0, Change::Remove);
    }
}
