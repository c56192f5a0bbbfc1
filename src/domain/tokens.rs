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

/// A token derived from a server key and a message (64 hex characters, as unguessable as a random
/// one while the key is secret) and the hash to store. The same message gives the same token, so a
/// retried request can be answered with the link it was given the first time without the token
/// ever being stored.
pub fn derived_token(key: &[u8], message: &str) -> (String, Vec<u8>) {
    let token = sign(key, message);
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
    fn derived_tokens_repeat_only_for_the_same_key_and_message() {
        let (a, ha) = derived_token(b"server key", "order-link\napi\n7\nretry-1");
        assert_eq!(a.len(), 64);
        assert_eq!(derived_token(b"server key", "order-link\napi\n7\nretry-1"), (a.clone(), ha.clone()));
        assert_eq!(hash_token(&a), ha);
        assert_ne!(derived_token(b"other key", "order-link\napi\n7\nretry-1").0, a);
        assert_ne!(derived_token(b"server key", "order-link\napi\n8\nretry-1").0, a);
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
