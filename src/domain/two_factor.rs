//! Admin two-factor: TOTP codes (RFC 6238: SHA-1, 6 digits, 30-second steps, one step of clock
//! drift either way, each step accepted once) from any authenticator app, and single-use recovery
//! codes for a lost phone. The secret is 160 random bits; recovery codes are kept as hashes.

use sha2::{Digest, Sha256};
use totp_rs::{Builder, Secret};

/// Recovery codes made at once (each works once).
pub const RECOVERY_CODES: usize = 10;
/// A password proven right waits this long for its second factor.
pub const CHALLENGE_MINUTES: i64 = 5;

/// A new secret: 20 random bytes (the size RFC 4226 recommends for SHA-1).
pub fn new_secret() -> Vec<u8> {
    rand::random::<[u8; 20]>().to_vec()
}

/// The secret as people type it into an app that cannot scan: base32, in groups of four.
pub fn secret_text(secret: &[u8]) -> String {
    let b32 = Secret::new(secret.to_vec().into_boxed_slice()).to_base32();
    b32.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join(" ")
}

fn percent(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// The `otpauth://` address an authenticator app scans: the shop's name as issuer, the admin's
/// email as the account.
pub fn otpauth_uri(issuer: &str, account: &str, secret: &[u8]) -> String {
    let b32 = Secret::new(secret.to_vec().into_boxed_slice()).to_base32();
    let (issuer, account) = (percent(issuer), percent(account));
    format!("otpauth://totp/{issuer}:{account}?secret={b32}&issuer={issuer}&algorithm=SHA1&digits=6&period=30")
}

/// The time step a typed code belongs to, when it is right at `unix_time` and newer than
/// `last_step` (a code is accepted once); `None` otherwise. Spaces people type are ignored.
pub fn verify(secret: &[u8], code: &str, unix_time: u64, last_step: u64) -> Option<u64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 || !code.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let totp = Builder::new().with_secret(secret.to_vec()).build().ok()?;
    let step = totp.check(&code, unix_time)?;
    (step > last_step).then_some(step)
}

/// The code an app shows at `unix_time` (for tests and the CLI's checks).
pub fn code_at(secret: &[u8], unix_time: u64) -> Option<String> {
    let totp = Builder::new().with_secret(secret.to_vec()).build().ok()?;
    Some(totp.generate(unix_time).to_string())
}

/// Whether what was typed looks like a code from the app (six digits) rather than a recovery code.
pub fn looks_like_app_code(typed: &str) -> bool {
    let digits: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    digits.len() == 6 && digits.chars().all(|c| c.is_ascii_digit())
}

const RECOVERY_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";

/// A new recovery code: 10 characters (about 49 bits) in two groups, without look-alike letters.
pub fn new_recovery_code() -> String {
    let chars: String =
        (0..10).map(|_| RECOVERY_ALPHABET[rand::random_range(0..RECOVERY_ALPHABET.len())] as char).collect();
    format!("{}-{}", &chars[..5], &chars[5..])
}

/// What is kept of a recovery code: the hash of it as typed, in any case, with or without its dash.
pub fn recovery_hash(code: &str) -> Vec<u8> {
    let normal: String = code.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_lowercase()).collect();
    Sha256::digest(format!("recovery:{normal}").as_bytes()).to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B: the SHA-1 secret "12345678901234567890" at 59 s gives 94287082 (8
    /// digits); its last six digits are what a 6-digit app shows.
    #[test]
    fn codes_match_the_rfc_test_vectors() {
        let secret = b"12345678901234567890";
        assert_eq!(code_at(secret, 59).as_deref(), Some("287082"));
        assert_eq!(code_at(secret, 1_111_111_109).as_deref(), Some("081804"));
        assert_eq!(code_at(secret, 2_000_000_000).as_deref(), Some("279037"));
    }

    #[test]
    fn a_code_is_accepted_once_and_within_a_step_of_drift() {
        let secret = new_secret();
        let t = 1_800_000_000;
        let code = code_at(&secret, t).unwrap();
        let step = verify(&secret, &code, t, 0).expect("right now");
        assert_eq!(verify(&secret, &code, t, step), None, "the same step again");
        assert!(verify(&secret, &code, t + 30, 0).is_some(), "one step late");
        assert_eq!(verify(&secret, &code, t + 90, 0), None, "three steps late");
        assert_eq!(verify(&secret, "12345", t, 0), None);
        assert!(verify(&secret, &format!("{} {}", &code[..3], &code[3..]), t, 0).is_some());
    }

    #[test]
    fn recovery_codes_are_typed_loosely_and_secrets_read_in_groups() {
        let c = new_recovery_code();
        assert_eq!(c.len(), 11);
        assert_eq!(recovery_hash(&c), recovery_hash(&c.to_uppercase().replace('-', " ")));
        assert_ne!(recovery_hash(&c), recovery_hash(&new_recovery_code()));
        assert!(!looks_like_app_code(&c) && looks_like_app_code("123 456"));
        let text = secret_text(b"12345678901234567890");
        assert_eq!(text, "GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ");
        let uri = otpauth_uri("Asha's Kitchen", "asha@example.com", b"12345678901234567890");
        assert!(uri.starts_with(
            "otpauth://totp/Asha%27s%20Kitchen:asha%40example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
        ));
    }
}
