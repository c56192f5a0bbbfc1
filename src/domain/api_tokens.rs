//! API tokens for integrations: each acts as one account with a scope (read, or read and write).
//! The token is shown once; only its SHA-256 hash is kept.

use super::FieldErrors;
use super::auth::Role;
use super::tokens;

/// What a token may do: `read` answers GET calls only; `write` may also change orders.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    Read,
    Write,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Read => "read",
            Scope::Write => "write",
        }
    }

    pub fn parse(s: &str) -> Option<Scope> {
        match s {
            "read" => Some(Scope::Read),
            "write" => Some(Scope::Write),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Scope::Read => "Read only",
            Scope::Write => "Read and write",
        }
    }
}

/// Every token starts with this, so a leaked one is easy to recognise (and to search for).
pub const PREFIX: &str = "souk_";

/// The longest name a token may have.
pub const MAX_NAME: usize = 60;

/// A token as the admin sees it (never the token itself).
#[derive(Debug, Clone)]
pub struct ApiToken {
    pub id: i64,
    pub name: String,
    pub scope: Scope,
    /// The last four characters of the token.
    pub hint: String,
    pub user_id: i64,
    pub user_email: String,
    pub role: Role,
    pub created_at: String,
    pub created_by: String,
    pub last_used_at: Option<String>,
    pub revoked_at: Option<String>,
}

/// A new token (`souk_` and 64 hex characters: 256 random bits), its hash and its hint.
pub fn new_token() -> (String, Vec<u8>, String) {
    let (raw, _) = tokens::new_token();
    let token = format!("{PREFIX}{raw}");
    let hash = tokens::hash_token(&token);
    let hint = token[token.len() - 4..].to_string();
    (token, hash, hint)
}

/// Whether a presented string has a token's shape (checked before any lookup).
pub fn well_formed(token: &str) -> bool {
    token.len() == PREFIX.len() + 64
        && token.starts_with(PREFIX)
        && token[PREFIX.len()..].bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

/// The name and scope the owner typed, checked.
pub fn check(name: &str, scope: &str) -> Result<(String, Scope), FieldErrors> {
    let mut errors = FieldErrors::new();
    let name = name.trim();
    if name.is_empty() {
        errors.insert("name", "Name the token after what will use it, e.g. “Courier sync”.".into());
    } else if name.chars().count() > MAX_NAME {
        errors.insert("name", format!("A name is at most {MAX_NAME} characters."));
    } else if name.chars().any(char::is_control) {
        errors.insert("name", "A name is one line of plain text.".into());
    }
    let scope = Scope::parse(scope.trim());
    if scope.is_none() {
        errors.insert("scope", "Choose read only, or read and write.".into());
    }
    match scope {
        Some(s) if errors.is_empty() => Ok((name.to_string(), s)),
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_have_256_bits_a_prefix_and_a_hint() {
        let (t, h, hint) = new_token();
        assert!(well_formed(&t), "{t}");
        assert_eq!(h, tokens::hash_token(&t));
        assert!(t.ends_with(&hint) && hint.len() == 4);
        assert_ne!(new_token().0, t);
        assert!(!well_formed(&t[1..]));
        assert!(!well_formed(&t.to_uppercase()));
        assert!(!well_formed("souk_xyz"));
    }

    #[test]
    fn names_and_scopes_are_checked() {
        assert_eq!(check(" Courier sync ", "write").unwrap(), ("Courier sync".to_string(), Scope::Write));
        let e = check("", "admin").unwrap_err();
        assert!(e.contains_key("name") && e.contains_key("scope"));
        assert!(check(&"x".repeat(61), "read").unwrap_err().contains_key("name"));
        assert!(check("a\nb", "read").unwrap_err().contains_key("name"));
    }
}
