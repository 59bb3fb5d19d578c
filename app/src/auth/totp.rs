//! One-time codes from an authenticator app (RFC 6238: HMAC-SHA1, six digits, 30-second
//! steps), recovery codes, and the `otpauth://` address an app reads from the QR code.
//! Plain rules, no IO: the service keeps the secret (encrypted) and the last step used.

use totp_rs::{Algorithm, Builder, Totp};

/// Seconds a code lasts.
pub const STEP_SECONDS: u64 = 30;
/// Steps before and after the current one that are still accepted (a phone's clock drifts).
pub const DRIFT_STEPS: u16 = 1;
pub const DIGITS: u8 = 6;
/// 160 bits, as RFC 4226 recommends.
pub const SECRET_BYTES: usize = 20;
/// How many recovery codes a set has.
pub const RECOVERY_CODES: usize = 10;
/// Letters and digits that cannot be misread for one another (no 0/o, 1/l/i).
const RECOVERY_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
/// Two groups of five: about 49 bits per code.
const RECOVERY_GROUP: usize = 5;

/// Why a code was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Not six digits, or no step in the window gives it.
    Wrong,
    /// It was right, but a code of this step (or a later one) was already used.
    Replayed,
}

impl Refusal {
    pub fn message(self) -> &'static str {
        match self {
            Refusal::Wrong => "That code is not correct. Enter the six digits your authenticator app shows now.",
            Refusal::Replayed => "That code was already used. Wait for the next code in your authenticator app.",
        }
    }
}

fn generator(secret: &[u8]) -> Totp {
    Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(DIGITS)
        .with_skew(DRIFT_STEPS)
        .with_step_duration(STEP_SECONDS)
        .with_secret(secret.to_vec())
        .build_noncompliant()
}

/// The code of one step (tests and the e2e suite compute codes the same way).
pub fn code_at(secret: &[u8], unix_seconds: u64) -> String {
    generator(secret).generate(unix_seconds).to_string()
}

/// The step a code belongs to, when it is right at `unix_seconds` (±[`DRIFT_STEPS`]) and newer
/// than `last_used_step`: a code is accepted once, and none older than one already used.
pub fn verify(secret: &[u8], typed: &str, unix_seconds: u64, last_used_step: Option<u64>) -> Result<u64, Refusal> {
    let code: String = typed.chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
    if code.len() != DIGITS as usize || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Refusal::Wrong);
    }
    let step = generator(secret).check(&code, unix_seconds).ok_or(Refusal::Wrong)?;
    match last_used_step {
        Some(last) if step <= last => Err(Refusal::Replayed),
        _ => Ok(step),
    }
}

/// The secret as authenticator apps type it: RFC 4648 base32 without padding.
pub fn base32(secret: &[u8]) -> String {
    base32_encode(secret)
}

/// The base32 text grouped by four for reading aloud or typing.
pub fn grouped(text: &str) -> String {
    text.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join(" ")
}

fn base32_encode(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut out = String::new();
    let (mut buffer, mut bits) = (0u32, 0u32);
    for &byte in bytes {
        buffer = (buffer << 8) | byte as u32;
        bits += 8;
        while bits >= 5 {
            out.push(ALPHABET[((buffer >> (bits - 5)) & 31) as usize] as char);
            bits -= 5;
        }
    }
    if bits > 0 {
        out.push(ALPHABET[((buffer << (5 - bits)) & 31) as usize] as char);
    }
    out
}

/// The address an authenticator app reads from the QR code (Key Uri Format).
pub fn otpauth_uri(issuer: &str, account: &str, secret: &[u8]) -> String {
    let label = format!("{}:{}", percent(issuer), percent(account));
    format!(
        "otpauth://totp/{label}?secret={}&issuer={}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECONDS}",
        base32(secret),
        percent(issuer)
    )
}

fn percent(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'@' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A recovery code from random bytes: `abcde-fghjk`.
pub fn recovery_code(random: &[u8; 2 * RECOVERY_GROUP]) -> String {
    let letters: String =
        random.iter().map(|b| RECOVERY_ALPHABET[*b as usize % RECOVERY_ALPHABET.len()] as char).collect();
    format!("{}-{}", &letters[..RECOVERY_GROUP], &letters[RECOVERY_GROUP..])
}

/// What a typed recovery code is compared as: lower case, without spaces or dashes; `None`
/// when it cannot be one.
pub fn normalise_recovery(typed: &str) -> Option<String> {
    let code: String =
        typed.chars().filter(|c| !c.is_whitespace() && *c != '-').map(|c| c.to_ascii_lowercase()).collect();
    (code.len() == 2 * RECOVERY_GROUP && code.bytes().all(|b| RECOVERY_ALPHABET.contains(&b))).then_some(code)
}

/// Whether what was typed looks like a recovery code rather than a six-digit code.
pub fn looks_like_recovery(typed: &str) -> bool {
    typed.chars().any(|c| c.is_ascii_alphabetic())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B's SHA-1 secret and its codes (the last six digits of each).
    const RFC_SECRET: &[u8] = b"12345678901234567890";

    #[test]
    fn codes_match_the_rfc_test_vectors() {
        assert_eq!(code_at(RFC_SECRET, 59), "287082");
        assert_eq!(code_at(RFC_SECRET, 1_111_111_109), "081804");
        assert_eq!(code_at(RFC_SECRET, 1_234_567_890), "005924");
        assert_eq!(code_at(RFC_SECRET, 2_000_000_000), "279037");
    }

    #[test]
    fn a_code_is_accepted_within_one_step_of_drift_and_not_beyond() {
        let now = 1_800_000_000;
        let step = now / STEP_SECONDS;
        assert_eq!(verify(RFC_SECRET, &code_at(RFC_SECRET, now), now, None), Ok(step));
        assert_eq!(verify(RFC_SECRET, &code_at(RFC_SECRET, now - 30), now, None), Ok(step - 1));
        assert_eq!(verify(RFC_SECRET, &code_at(RFC_SECRET, now + 30), now, None), Ok(step + 1));
        assert_eq!(verify(RFC_SECRET, &code_at(RFC_SECRET, now - 60), now, None), Err(Refusal::Wrong));
        assert_eq!(verify(RFC_SECRET, &code_at(RFC_SECRET, now + 60), now, None), Err(Refusal::Wrong));
    }

    #[test]
    fn a_code_is_accepted_once_and_never_an_older_one_after_it() {
        let now = 1_800_000_000;
        let code = code_at(RFC_SECRET, now);
        let step = verify(RFC_SECRET, &code, now, None).unwrap();
        assert_eq!(verify(RFC_SECRET, &code, now, Some(step)), Err(Refusal::Replayed));
        let older = code_at(RFC_SECRET, now - 30);
        assert_eq!(verify(RFC_SECRET, &older, now, Some(step)), Err(Refusal::Replayed));
        let newer = code_at(RFC_SECRET, now + 30);
        assert_eq!(verify(RFC_SECRET, &newer, now + 30, Some(step)), Ok(step + 1));
    }

    #[test]
    fn typed_codes_may_carry_spaces_but_nothing_else() {
        let now = 1_800_000_000;
        let code = code_at(RFC_SECRET, now);
        assert!(verify(RFC_SECRET, &format!(" {} {} ", &code[..3], &code[3..]), now, None).is_ok());
        for bad in ["", "12345", "1234567", "abcdef", "１２３４５６"] {
            assert_eq!(verify(RFC_SECRET, bad, now, None), Err(Refusal::Wrong), "{bad:?}");
        }
    }

    #[test]
    fn secrets_are_written_in_base32_as_apps_expect() {
        // RFC 4648's test vectors.
        assert_eq!(base32(b"foobar"), "MZXW6YTBOI");
        assert_eq!(base32(b"f"), "MY");
        assert_eq!(base32(RFC_SECRET), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        assert_eq!(grouped("ABCDEFGHIJ"), "ABCD EFGH IJ");
        let uri = otpauth_uri("Secondment Hub", "ana@rso.example", RFC_SECRET);
        assert!(uri.starts_with("otpauth://totp/Secondment%20Hub:ana@rso.example?secret=GEZDGNBV"), "{uri}");
        assert!(uri.contains("issuer=Secondment%20Hub") && uri.contains("digits=6") && uri.contains("period=30"));
    }

    #[test]
    fn recovery_codes_are_readable_and_read_back_however_typed() {
        let code = recovery_code(&[0, 1, 2, 3, 4, 5, 6, 7, 8, 30]);
        assert_eq!(code, "abcde-fghj9");
        assert_eq!(normalise_recovery("ABCDE FGHJ9").as_deref(), Some("abcdefghj9"));
        assert_eq!(normalise_recovery("abcde-fghj9").as_deref(), Some("abcdefghj9"));
        assert_eq!(normalise_recovery("abcde-fghj"), None, "too short");
        assert_eq!(normalise_recovery("abcde-fgh01"), None, "0 and 1 are never in a code");
        assert!(looks_like_recovery(&code) && !looks_like_recovery("123 456"));
    }
}
