//! The rules, in plain Rust: no HTTP and no SQL here.

pub mod account;
pub mod api_tokens;
pub mod audit;
pub mod auth;
pub mod cart;
pub mod catalog;
pub mod checkout;
pub mod checkout_admin;
pub mod clock;
pub mod cors;
pub mod custom;
pub mod customers;
pub mod dashboard;
pub mod desk;
pub mod jobs;
pub mod messages;
pub mod money;
pub mod notify;
pub mod order_edit;
pub mod order_export;
pub mod order_lists;
pub mod orders;
pub mod outbox;
pub mod payments;
pub mod phone;
pub mod product_change;
pub mod product_csv;
pub mod product_form;
pub mod requests;
pub mod review;
pub mod search;
pub mod shop;
pub mod theme;
pub mod throttle;
pub mod time;
pub mod tokens;
pub mod two_factor;
pub mod webhooks;
pub mod whatsapp;
pub mod whatsapp_cloud;
pub mod zone;

use std::collections::BTreeMap;

/// Messages for a form, keyed by field name; empty means valid.
pub type FieldErrors = BTreeMap<&'static str, String>;

/// A plausible email address: one `@`, a dot in the domain, no spaces, at most 254 characters.
pub fn valid_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    s.len() <= 254
        && !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && !s.chars().any(|c| c.is_whitespace() || c.is_control() || c == '<' || c == '>')
}

/// What a spreadsheet runs as a formula when a cell starts with it.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Text as a cell of a CSV file that people open in a spreadsheet: a cell starting with `=`, `+`,
/// `-`, `@`, a tab or a carriage return would run there as a formula, so it gets a leading `'`
/// (the usual neutraliser). Text that already starts with `'`s before one of those gets one more,
/// so that [`from_csv_cell`] gives back exactly what was written.
pub fn csv_cell(text: &str) -> std::borrow::Cow<'_, str> {
    if text.trim_start_matches('\'').starts_with(FORMULA_STARTS) { format!("'{text}").into() } else { text.into() }
}

/// A cell read back from a CSV file: undoes [`csv_cell`], so export then import is exact; any other
/// cell is returned as it is.
pub fn from_csv_cell(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.trim_start_matches('\'').starts_with(FORMULA_STARTS) => rest,
        _ => cell,
    }
}

#[cfg(test)]
mod tests {
    /// Issue 11 (regression): cells that a spreadsheet would run are neutralised, and read back exactly.
    #[test]
    fn csv_cells_cannot_run_as_formulas_and_read_back_exactly() {
        for (text, cell) in [
            ("=HYPERLINK(\"http://x\",\"y\")", "'=HYPERLINK(\"http://x\",\"y\")"),
            ("+91 98765", "'+91 98765"),
            ("-2", "'-2"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\r=1", "'\r=1"),
            ("'=already quoted", "''=already quoted"),
            ("''-x", "'''-x"),
            ("'quoted", "'quoted"),
            ("'", "'"),
            ("", ""),
            ("Tee = shirt", "Tee = shirt"),
            ("499.00", "499.00"),
        ] {
            assert_eq!(super::csv_cell(text), cell, "{text:?}");
            assert_eq!(super::from_csv_cell(cell), text, "{cell:?}");
        }
    }

    #[test]
    fn emails() {
        for ok in ["a@b.co", "asha.k+shop@example.in"] {
            assert!(super::valid_email(ok), "{ok}");
        }
        for bad in ["", "a", "a@b", "@b.co", "a@.co", "a b@c.co", "a@b.co.", "a@b@c.co", "<a@b.co>"] {
            assert!(!super::valid_email(bad), "{bad}");
        }
    }
}
