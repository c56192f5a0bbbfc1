//! Payments and refunds: what the seller may record, and the payment status that follows from them.

use super::FieldErrors;
use super::checkout::PaymentKind;
use super::money;
use super::orders::PaymentStatus;

/// A payment row is money received or money given back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Payment,
    Refund,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Payment => "payment",
            Kind::Refund => "refund",
        }
    }

    /// The kind with this name; `None` for anything else.
    pub fn parse(s: &str) -> Option<Kind> {
        match s {
            "payment" => Some(Kind::Payment),
            "refund" => Some(Kind::Refund),
            _ => None,
        }
    }
}

/// The payment status of an order of `total` that received `received` and gave back `refunded`
/// (all minor units): refunded once refunds leave nothing kept, paid when what is kept covers the
/// total, partially paid when something is kept, unpaid otherwise.
pub fn status(total: i64, received: i64, refunded: i64) -> PaymentStatus {
    let kept = received - refunded;
    if refunded > 0 && kept <= 0 {
        PaymentStatus::Refunded
    } else if received > 0 && kept >= total {
        PaymentStatus::Paid
    } else if kept > 0 {
        PaymentStatus::PartiallyPaid
    } else {
        PaymentStatus::Unpaid
    }
}

/// What the seller typed into the payment form.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct PaymentInput {
    /// "payment" or "refund".
    pub kind: String,
    /// In major units as people write them: "1499", "1,499.50".
    pub amount: String,
    /// A payment method's code.
    pub method: String,
    pub reference: String,
    /// Ticked to record more than the balance (or to refund more than was kept).
    pub over: bool,
}

/// A payment or refund that passed every check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPayment {
    pub kind: Kind,
    pub amount: i64,
    pub method: String,
    pub reference: String,
}

/// Most characters of a reference: bank and UPI references are 12 to 22, transaction hashes 66.
pub const MAX_REFERENCE: usize = 100;

/// What the order looks like to the payment form.
#[derive(Debug, Clone, Copy)]
pub struct Balance {
    pub total: i64,
    /// Payments less refunds so far.
    pub kept: i64,
    pub minor_units: u8,
}

/// Checks a payment or refund against the order's balance. `method_kind` is the kind of the chosen
/// payment method (`None` when the code is not one of the shop's methods); `network` is a crypto
/// method's coin, which decides the shape of its transaction hash.
pub fn check(
    input: &PaymentInput,
    method_kind: Option<PaymentKind>,
    network: &str,
    balance: Balance,
    currency: &str,
) -> Result<NewPayment, FieldErrors> {
    let mut errors = FieldErrors::new();
    let kind = Kind::parse(input.kind.trim()).unwrap_or(Kind::Payment);
    let amount = money::parse(&input.amount, balance.minor_units);
    let fmt = |v: i64| money::format(v, currency, balance.minor_units);
    match amount {
        None => {
            errors.insert("amount", "Enter the amount, e.g. 1499 or 1499.50.".into());
        }
        Some(a) if a <= 0 => {
            errors.insert("amount", "The amount must be more than zero.".into());
        }
        Some(a) if a > balance.total.max(1).saturating_mul(100) => {
            errors
                .insert("amount", format!("{} is far more than this order's total of {}.", fmt(a), fmt(balance.total)));
        }
        Some(a) => match kind {
            Kind::Payment if a > balance.total - balance.kept && !input.over => {
                let due = (balance.total - balance.kept).max(0);
                errors.insert(
                    "amount",
                    format!(
                        "{} is more than the {} still due. Tick “More than the balance” to record it anyway.",
                        fmt(a),
                        fmt(due)
                    ),
                );
            }
            Kind::Refund if a > balance.kept => {
                errors.insert(
                    "amount",
                    format!("Only {} has been received, so at most that can be refunded.", fmt(balance.kept.max(0))),
                );
            }
            _ => {}
        },
    }
    if method_kind.is_none() {
        errors.insert("method", "Choose how the money was paid.".into());
    }
    let reference = match reference(&input.reference, method_kind, network) {
        Ok(r) => r,
        Err(m) => {
            errors.insert("reference", m);
            String::new()
        }
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(NewPayment { kind, amount: amount.unwrap_or_default(), method: input.method.trim().to_string(), reference })
}

/// Cleans a payment reference: spaces at the ends trimmed, "cash" for cash when left empty, a
/// transaction hash checked for its chain's shape, and anything that is not a plain reference
/// (control characters, markup, a web address) refused.
pub fn reference(raw: &str, kind: Option<PaymentKind>, network: &str) -> Result<String, String> {
    let r = raw.trim();
    if r.is_empty() {
        return Ok(if kind == Some(PaymentKind::Cod) { "cash".into() } else { String::new() });
    }
    if r.chars().count() > MAX_REFERENCE {
        return Err(format!("A reference is at most {MAX_REFERENCE} characters."));
    }
    if kind == Some(PaymentKind::Crypto) {
        return tx_hash(r, network);
    }
    let plain = |c: char| c.is_alphanumeric() || " -_/.:#".contains(c);
    if r.contains("://") || !r.chars().all(plain) {
        return Err("Use the reference as the bank or app shows it: letters, digits, spaces and - _ / . : #.".into());
    }
    Ok(r.to_string())
}

/// Checks a transaction hash's shape for a coin: `0x` and 64 hex digits on Ethereum-like chains,
/// 64 hex digits on Bitcoin-like chains and Tron, base58 of 43 to 90 characters on Solana; any of
/// these for other coins. Hex is kept lower case.
pub fn tx_hash(raw: &str, network: &str) -> Result<String, String> {
    let h = raw.trim();
    let hex64 = |s: &str| s.len() == 64 && s.chars().all(|c| c.is_ascii_hexdigit());
    let evm = h.strip_prefix("0x").or_else(|| h.strip_prefix("0X")).is_some_and(hex64);
    let base58 = (43..=90).contains(&h.len()) && h.chars().all(|c| c.is_ascii_alphanumeric() && !"0OIl".contains(c));
    let ok = match network.trim().to_ascii_lowercase().as_str() {
        "ethereum" | "eth" | "polygon" | "matic" | "bsc" | "bnb" | "base" | "arbitrum" | "optimism" | "avalanche" => {
            evm
        }
        "bitcoin" | "btc" | "litecoin" | "ltc" | "dogecoin" | "doge" | "bitcoincash" | "tron" | "trx" => hex64(h),
        "solana" | "sol" => base58,
        _ => evm || hex64(h) || base58,
    };
    if ok {
        Ok(if hex64(h) || evm { h.to_ascii_lowercase() } else { h.to_string() })
    } else {
        Err(format!(
            "That does not look like a {} transaction hash (copy it whole from the wallet or explorer).",
            if network.trim().is_empty() { "crypto" } else { network.trim() }
        ))
    }
}

/// A block explorer link for a transaction: the template's `{hash}` replaced; `None` without a
/// template or when the hash is not a plain hash.
pub fn explorer_link(template: &str, hash: &str) -> Option<String> {
    let plain = !hash.is_empty() && hash.chars().all(|c| c.is_ascii_alphanumeric());
    (template.contains("{hash}") && plain).then(|| template.replace("{hash}", hash))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_status_follows_the_rows() {
        use PaymentStatus::*;
        assert_eq!(status(1000, 0, 0), Unpaid);
        assert_eq!(status(1000, 400, 0), PartiallyPaid);
        assert_eq!(status(1000, 1000, 0), Paid);
        assert_eq!(status(1000, 1200, 0), Paid, "paying more still counts as paid");
        assert_eq!(status(1000, 1000, 300), PartiallyPaid, "a partial refund leaves it part-paid");
        assert_eq!(status(1000, 1000, 1000), Refunded);
        assert_eq!(status(1000, 400, 400), Refunded);
    }

    fn input(kind: &str, amount: &str, method: &str, reference: &str) -> PaymentInput {
        PaymentInput {
            kind: kind.into(),
            amount: amount.into(),
            method: method.into(),
            reference: reference.into(),
            over: false,
        }
    }

    const BAL: Balance = Balance { total: 149_900, kept: 0, minor_units: 2 };

    #[test]
    fn amounts_are_checked_against_the_balance() {
        let ok = check(&input("payment", "1,499", "upi", "UTR 4122 0099"), Some(PaymentKind::Upi), "", BAL, "INR");
        assert_eq!(ok.unwrap().amount, 149_900);
        for bad in ["0", "-5", "abc", ""] {
            let e = check(&input("payment", bad, "upi", ""), Some(PaymentKind::Upi), "", BAL, "INR").unwrap_err();
            assert!(e.contains_key("amount"), "{bad}");
        }
        let over = input("payment", "2000", "upi", "");
        let e = check(&over, Some(PaymentKind::Upi), "", BAL, "INR").unwrap_err();
        assert!(e["amount"].contains("still due"), "{e:?}");
        let ticked = PaymentInput { over: true, ..over };
        assert_eq!(check(&ticked, Some(PaymentKind::Upi), "", BAL, "INR").unwrap().amount, 200_000);
        let absurd = PaymentInput { amount: "99999999".into(), ..ticked };
        assert!(check(&absurd, Some(PaymentKind::Upi), "", BAL, "INR").is_err());
        let refund = input("refund", "10", "upi", "");
        assert!(check(&refund, Some(PaymentKind::Upi), "", BAL, "INR").unwrap_err()["amount"].contains("refunded"));
        let kept = Balance { kept: 149_900, ..BAL };
        assert_eq!(check(&refund, Some(PaymentKind::Upi), "", kept, "INR").unwrap().kind, Kind::Refund);
        assert!(check(&input("payment", "10", "nope", ""), None, "", BAL, "INR").unwrap_err().contains_key("method"));
    }

    #[test]
    fn references_are_plain_text_and_hashes_have_their_chains_shape() {
        assert_eq!(reference("", Some(PaymentKind::Cod), ""), Ok("cash".into()));
        assert_eq!(reference("  UTR/4122-0099  ", Some(PaymentKind::Bank), ""), Ok("UTR/4122-0099".into()));
        assert!(reference("<b>x</b>", Some(PaymentKind::Upi), "").is_err());
        assert!(reference("https://evil.example/x", Some(PaymentKind::Upi), "").is_err());
        assert!(reference(&"9".repeat(101), Some(PaymentKind::Upi), "").is_err());
        let eth = format!("0x{}", "AB".repeat(32));
        assert_eq!(tx_hash(&eth, "ethereum"), Ok(format!("0x{}", "ab".repeat(32))));
        assert!(tx_hash(&"ab".repeat(32), "ethereum").is_err());
        assert!(tx_hash(&eth, "bitcoin").is_err());
        assert!(tx_hash(&"cd".repeat(32), "bitcoin").is_ok());
        assert!(
            tx_hash(
                "5VERv8NMvzbJMEkV8xnrLkEaWRtSz9CosKDYjCJjBRnbJLgp8uirBgmQpjKhoR4tjF3ZpRzrFmBV6UjKdiSZkQUW",
                "solana"
            )
            .is_ok()
        );
        assert!(tx_hash("not a hash", "").is_err());
        assert_eq!(
            explorer_link("https://mempool.space/tx/{hash}", &"cd".repeat(32)).unwrap(),
            format!("https://mempool.space/tx/{}", "cd".repeat(32))
        );
        assert_eq!(explorer_link("", "abc"), None);
        assert_eq!(explorer_link("https://x/{hash}", "a/b"), None);
    }
}
