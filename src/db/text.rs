//! Our enums as stored: each by its name in a text column. A name the binary does not know is a
//! conversion error, never a silent default.

use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ValueRef};

use crate::domain::auth::Role;
use crate::domain::catalog::ProductStatus;
use crate::domain::orders::{LinkScope, PaymentStatus, Status};
use crate::domain::outbox::MessageStatus;

/// An enum with a stored name.
pub trait Named: Sized {
    /// The value with this name; `None` for anything else.
    fn from_name(name: &str) -> Option<Self>;
}

/// A column holding a [`Named`] value: `r.get::<_, Text<Status>>(2)?.0`.
pub struct Text<T>(pub T);

impl<T: Named> FromSql for Text<T> {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let name = value.as_str()?;
        T::from_name(name).map(Text).ok_or_else(|| FromSqlError::Other(format!("unknown value {name:?}").into()))
    }
}

impl Named for Status {
    fn from_name(name: &str) -> Option<Self> {
        Status::parse(name)
    }
}

impl Named for PaymentStatus {
    fn from_name(name: &str) -> Option<Self> {
        PaymentStatus::parse(name)
    }
}

impl Named for crate::domain::desk::EventKind {
    fn from_name(name: &str) -> Option<Self> {
        crate::domain::desk::EventKind::parse(name)
    }
}

impl Named for crate::domain::payments::Kind {
    fn from_name(name: &str) -> Option<Self> {
        crate::domain::payments::Kind::parse(name)
    }
}

impl Named for LinkScope {
    fn from_name(name: &str) -> Option<Self> {
        LinkScope::parse(name)
    }
}

impl Named for Role {
    fn from_name(name: &str) -> Option<Self> {
        Role::parse(name)
    }
}

impl Named for ProductStatus {
    fn from_name(name: &str) -> Option<Self> {
        ProductStatus::parse(name)
    }
}

impl Named for MessageStatus {
    fn from_name(name: &str) -> Option<Self> {
        MessageStatus::parse(name)
    }
}

impl Named for crate::domain::custom::CustomStatus {
    fn from_name(name: &str) -> Option<Self> {
        crate::domain::custom::CustomStatus::parse(name)
    }
}

impl Named for crate::domain::api_tokens::Scope {
    fn from_name(name: &str) -> Option<Self> {
        crate::domain::api_tokens::Scope::parse(name)
    }
}

#[cfg(test)]
mod tests {
    use rusqlite::Connection;

    use super::*;

    #[test]
    fn an_unknown_name_is_an_error_not_a_default() {
        let c = Connection::open_in_memory().unwrap();
        let read = |sql: &str| c.query_row(sql, [], |r| r.get::<_, Text<Status>>(0)).map(|t| t.0);
        assert_eq!(read("SELECT 'awaiting_payment'").unwrap(), Status::AwaitingPayment);
        assert!(matches!(read("SELECT 'lost'"), Err(rusqlite::Error::FromSqlConversionFailure(0, _, _))));
    }
}
