//! Secret tokens: 256 random bits shown once, stored only as a SHA-256 hash.

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

/// A new random token (64 hex characters) and the hash to store.
pub fn new_token() -> (String, Vec<u8>) {
    let bytes: [u8; 32] = rand::random();
    let token = hex::encode(bytes);
    let hash = hash_token(&token);
    (token, hash)
}

/// The stored form of a token.
pub fn hash_token(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// HMAC-SHA256 of `message` under `key`, hex encoded.
pub fn sign(key: &[u8], message: &str) -> String {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(message.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// Constant-time check of a signature made by [`sign`].
pub fn verify(key: &[u8], message: &str, signature: &str) -> bool {
    let Ok(sig) = hex::decode(signature) else {
        return false;
    };
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(message.as_bytes());
    mac.verify_slice(&sig).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_hashed() {
        let (a, ha) = new_token();
        let (b, _) = new_token();
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert_eq!(hash_token(&a), ha);
        assert_ne!(ha, a.as_bytes());
    }

    #[test]
    fn signatures_verify_only_with_the_key_and_message() {
        let s = sign(b"key", "msg");
        assert!(verify(b"key", "msg", &s));
        assert!(!verify(b"other", "msg", &s));
        assert!(!verify(b"key", "msg2", &s));
        assert!(!verify(b"key", "msg", "zz"));
    }
}
