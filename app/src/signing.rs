//! The server's secret key and what it signs: the flash cookie and device cookies. The key is
//! created at first start and kept in the database, so every app server of one database signs
//! and checks alike, and a restart does not void the cookies it signed.
//!
//! It also seals (encrypts and authenticates) what must be kept but never read back in clear,
//! such as the secrets of authenticator apps, and keys one-way digests such as those of
//! recovery codes; each use has a key of its own, derived from this one.

use hmac::{Hmac, Mac};
use sha2::Sha256;

#[derive(Clone)]
pub struct ServerKey([u8; 32]);

impl std::fmt::Debug for ServerKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ServerKey([redacted])")
    }
}

impl ServerKey {
    /// A key for tests and tools that have no database.
    pub fn random() -> ServerKey {
        ServerKey(rand::random())
    }

    /// The key as it is stored (hex).
    pub(crate) fn to_stored(&self) -> String {
        hex::encode(self.0)
    }

    /// The key from its stored form.
    pub(crate) fn from_stored(stored: &str) -> Result<ServerKey, String> {
        let bytes = hex::decode(stored).map_err(|_| "server key: the stored key is not hex".to_string())?;
        <[u8; 32]>::try_from(bytes.as_slice())
            .map(ServerKey)
            .map_err(|_| "server key: the stored key is not 32 bytes".into())
    }

    fn mac(&self, purpose: &str, message: &str) -> Hmac<Sha256> {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.0).expect("HMAC takes a key of any length");
        // The purpose keeps a signature for one use from being valid for another.
        mac.update(purpose.as_bytes());
        mac.update(b"\0");
        mac.update(message.as_bytes());
        mac
    }

    /// A key of its own for one use, so that a value sealed or digested for one purpose means
    /// nothing for another.
    fn derived(&self, purpose: &str) -> [u8; 32] {
        self.mac("derive", purpose).finalize().into_bytes().into()
    }

    /// `plaintext` encrypted and authenticated (ChaCha20-Poly1305 with a random nonce), as hex.
    pub fn seal(&self, purpose: &str, plaintext: &[u8]) -> String {
        use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, CHACHA20_POLY1305, NONCE_LEN};
        let key = LessSafeKey::new(UnboundKey::new(&CHACHA20_POLY1305, &self.derived(purpose)).expect("a 32-byte key"));
        let nonce_bytes: [u8; NONCE_LEN] = rand::random();
        let mut sealed = plaintext.to_vec();
        key.seal_in_place_append_tag(
            Nonce::assume_unique_for_key(nonce_bytes),
            Aad::from(purpose.as_bytes()),
            &mut sealed,
        )
        .expect("sealing a short value cannot fail");
        let mut out = nonce_bytes.to_vec();
        out.extend(sealed);
        hex::encode(out)
    }

    /// What [`ServerKey::seal`] sealed for `purpose`, if it was sealed with this key and is whole.
    pub fn open(&self, purpose: &str, sealed: &str) -> Option<Vec<u8>> {
        use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, CHACHA20_POLY1305, NONCE_LEN};
        let bytes = hex::decode(sealed).ok()?;
        if bytes.len() < NONCE_LEN {
            return None;
        }
        let (nonce, body) = bytes.split_at(NONCE_LEN);
        let key = LessSafeKey::new(UnboundKey::new(&CHACHA20_POLY1305, &self.derived(purpose)).ok()?);
        let mut body = body.to_vec();
        let nonce = Nonce::try_assume_unique_for_key(nonce).ok()?;
        let plain = key.open_in_place(nonce, Aad::from(purpose.as_bytes()), &mut body).ok()?;
        Some(plain.to_vec())
    }

    /// A keyed one-way digest (HMAC-SHA256, hex) of `text` for `purpose`: what is stored of a
    /// secret that only needs to be recognised, never read back.
    pub fn digest(&self, purpose: &str, text: &str) -> String {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.derived(purpose)).expect("any key length");
        mac.update(text.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    /// `message.signature`, for a cookie.
    pub fn sign(&self, purpose: &str, message: &str) -> String {
        let tag = hex::encode(self.mac(purpose, message).finalize().into_bytes());
        format!("{message}.{tag}")
    }

    /// The message of a value made by [`ServerKey::sign`] for `purpose`, if its signature holds
    /// (compared in constant time).
    pub fn verify<'a>(&self, purpose: &str, signed: &'a str) -> Option<&'a str> {
        let (message, tag) = signed.rsplit_once('.')?;
        let tag = hex::decode(tag).ok()?;
        self.mac(purpose, message).verify_slice(&tag).ok()?;
        Some(message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_hold_only_for_their_message_purpose_and_key() {
        let key = ServerKey::random();
        let signed = key.sign("flash", "7b7d");
        assert_eq!(key.verify("flash", &signed), Some("7b7d"));
        assert_eq!(key.verify("device", &signed), None, "another purpose");
        assert_eq!(ServerKey::random().verify("flash", &signed), None, "another key");
        let forged = signed.replacen("7b7d", "7b7e", 1);
        assert_eq!(key.verify("flash", &forged), None, "another message");
        assert_eq!(key.verify("flash", "7b7d"), None, "no signature");
        assert_eq!(key.verify("flash", "7b7d.zz"), None, "not hex");
        assert!(!format!("{key:?}").contains(&hex::encode(key.0)));
    }

    #[test]
    fn sealed_values_open_only_with_their_key_and_purpose() {
        let key = ServerKey::random();
        let sealed = key.seal("totp", b"a secret of twenty b");
        assert!(!sealed.contains(&hex::encode(b"a secret of twenty b")), "never in clear");
        assert_eq!(key.open("totp", &sealed).as_deref(), Some(&b"a secret of twenty b"[..]));
        assert_ne!(key.seal("totp", b"same"), key.seal("totp", b"same"), "a fresh nonce each time");
        assert_eq!(key.open("other", &sealed), None, "another purpose");
        assert_eq!(ServerKey::random().open("totp", &sealed), None, "another key");
        let mut tampered = sealed.clone().into_bytes();
        let last = tampered.len() - 1;
        tampered[last] = if tampered[last] == b'0' { b'1' } else { b'0' };
        assert_eq!(key.open("totp", &String::from_utf8(tampered).unwrap()), None, "tampered");
        assert_eq!(key.open("totp", "zz"), None);
        assert_eq!(key.open("totp", ""), None);
    }

    #[test]
    fn digests_are_stable_per_key_and_purpose() {
        let key = ServerKey::random();
        assert_eq!(key.digest("recovery", "abcde"), key.digest("recovery", "abcde"));
        assert_ne!(key.digest("recovery", "abcde"), key.digest("recovery", "abcdf"));
        assert_ne!(key.digest("recovery", "abcde"), key.digest("other", "abcde"));
        assert_ne!(key.digest("recovery", "abcde"), ServerKey::random().digest("recovery", "abcde"));
    }
}
