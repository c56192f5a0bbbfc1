//! Admin accounts: roles, password rules and argon2id hashing.

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};

use super::{FieldErrors, valid_email};

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Owner,
    Staff,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Staff => "staff",
        }
    }

    /// `None` for anything but `owner` or `staff`.
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "owner" => Some(Role::Owner),
            "staff" => Some(Role::Staff),
            _ => None,
        }
    }
}

/// An account as stored (without its password hash).
#[derive(Debug, Clone, PartialEq)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub created_at: String,
}

/// A first-run setup link or a staff invite, stored only as its hash.
#[derive(Debug, Clone)]
pub struct OneTimeToken {
    pub id: i64,
    pub purpose: String,
    pub email: String,
    pub role: Role,
    pub created_by: Option<i64>,
    pub created_at: String,
    pub expires_at: String,
}

pub const MIN_PASSWORD_LEN: usize = 10;
const MAX_PASSWORD_LEN: usize = 256;

/// Argon2id with OWASP's current minimum: 19 MiB of memory, 2 passes, 1 lane.
fn hasher() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// The PHC string to store for a password.
pub fn hash_password(password: &str) -> String {
    hasher().hash_password(password.as_bytes()).expect("argon2 hashing with valid parameters").to_string()
}

/// Whether `password` matches the stored hash; false for a malformed hash.
pub fn verify_password(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored).is_ok_and(|h| hasher().verify_password(password.as_bytes(), &h).is_ok())
}

/// A hash of a random password, verified against when an email is unknown so that an unknown
/// account costs the same time as a wrong password and timing does not reveal which it was.
pub fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password(&hex::encode(rand::random::<[u8; 16]>())))
}

const COMMON: &str = include_str!("common-passwords.txt");

/// Why a new password is refused; `None` when it is acceptable.
pub fn password_problem(password: &str, email: &str) -> Option<String> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_LEN {
        return Some(format!("Use at least {MIN_PASSWORD_LEN} characters."));
    }
    if chars > MAX_PASSWORD_LEN {
        return Some(format!("Use at most {MAX_PASSWORD_LEN} characters."));
    }
    let lower = password.to_lowercase();
    if COMMON.lines().any(|l| l.trim() == lower) {
        return Some("This password is too common. Choose something less guessable.".into());
    }
    let first = lower.chars().next().unwrap_or(' ');
    if lower.chars().all(|c| c == first) {
        return Some("Don't repeat one character.".into());
    }
    let local = email.split('@').next().unwrap_or("").to_lowercase();
    if local.len() >= 4 && lower.contains(&local) {
        return Some("Don't use your email address in your password.".into());
    }
    None
}

/// Checks the fields of an account form (setup, invite acceptance, CLI).
pub fn validate_account(name: &str, email: &str, password: &str, confirm: &str) -> FieldErrors {
    let mut errors = FieldErrors::new();
    if name.trim().is_empty() {
        errors.insert("name", "Enter your name.".into());
    } else if name.chars().count() > 80 {
        errors.insert("name", "Use at most 80 characters.".into());
    }
    if !valid_email(email.trim()) {
        errors.insert("email", "Enter an email address like name@example.com.".into());
    }
    if let Some(problem) = password_problem(password, email.trim()) {
        errors.insert("password", problem);
    } else if password != confirm {
        errors.insert("confirm", "The two passwords differ.".into());
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_are_argon2id() {
        let h = hash_password("correct horse battery");
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify_password("correct horse battery", &h));
        assert!(!verify_password("wrong horse battery", &h));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn password_rules() {
        assert!(password_problem("short", "a@b.co").unwrap().contains("10"));
        assert!(password_problem("password123", "a@b.co").unwrap().contains("common"));
        assert!(password_problem("Qwertyuiop", "a@b.co").unwrap().contains("common"));
        assert!(password_problem("aaaaaaaaaaaa", "a@b.co").is_some());
        assert!(password_problem("asha.k-shop-2026", "asha.k@example.com").unwrap().contains("email"));
        assert_eq!(password_problem("tamarind-lanterns-42", "asha@example.com"), None);
    }

    #[test]
    fn account_form_names_each_bad_field() {
        let e = validate_account("", "nope", "tamarind-lanterns-42", "other");
        assert!(e.contains_key("name") && e.contains_key("email") && e.contains_key("confirm"));
        assert!(
            validate_account("Asha", "asha@example.com", "tamarind-lanterns-42", "tamarind-lanterns-42").is_empty()
        );
    }
}
