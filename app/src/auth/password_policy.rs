//! What a new password must satisfy. Plain rules, shared by the account page and invitations.

/// Passwords that meet the length rule but appear in every breach list. Compared case-insensitively.
const COMMON: &[&str] = &[
    "123456789012",
    "1234567890123",
    "12345678901234",
    "123456789abc",
    "1q2w3e4r5t6y",
    "1qaz2wsx3edc",
    "abc123456789",
    "abcdefghijkl",
    "administrator",
    "changeme1234",
    "iloveyou1234",
    "letmein12345",
    "password1234",
    "password12345",
    "password123456",
    "passwordpassword",
    "qwerty123456",
    "qwertyuiop12",
    "qwertyuiopasdf",
    "welcome12345",
    "demo-password-1",
    "trustno1trustno1",
    "monkey123456",
    "football1234",
    "baseball1234",
    "sunshine1234",
    "princess1234",
    "dragon123456",
    "starwars1234",
    "superman1234",
    "qazwsxedcrfv",
    "zaq12wsxcde3",
    "asdfghjkl123",
    "zxcvbnm12345",
    "111111111111",
    "000000000000",
    "aaaaaaaaaaaa",
    "passw0rd1234",
    "p@ssw0rd1234",
    "secondment123",
];

pub const MIN_CHARS: usize = 12;
pub const MAX_CHARS: usize = 128;

/// Checks a new password. `email` is the account's, which must not serve as its password.
pub fn check_new_password(password: &str, email: &str) -> Result<(), String> {
    let chars = password.chars().count();
    if chars < MIN_CHARS {
        return Err(format!("Use at least {MIN_CHARS} characters."));
    }
    if chars > MAX_CHARS {
        return Err(format!("Use at most {MAX_CHARS} characters."));
    }
    let lower = password.to_lowercase();
    if COMMON.contains(&lower.as_str()) {
        return Err("This password is too common. Choose another.".into());
    }
    let first = lower.chars().next();
    if lower.chars().all(|c| Some(c) == first) {
        return Err("This password is too easy to guess. Choose another.".into());
    }
    let local_part = email.split('@').next().unwrap_or_default().to_lowercase();
    if lower == email.to_lowercase() || (!local_part.is_empty() && lower == local_part) {
        return Err("Do not use your e-mail address as your password.".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_limits() {
        assert!(check_new_password("short-pass", "a@b.org").is_err());
        assert!(check_new_password(&"Ab1-".repeat(33), "a@b.org").is_err());
        assert!(check_new_password("correct horse battery", "a@b.org").is_ok());
        // Counted in characters, not bytes.
        assert!(check_new_password("ñandú-ñandú-", "a@b.org").is_ok());
    }

    #[test]
    fn common_and_trivial_passwords_are_refused() {
        assert!(check_new_password("Password1234", "a@b.org").is_err());
        assert!(check_new_password("demo-password-1", "a@b.org").is_err());
        assert!(check_new_password("zzzzzzzzzzzzzz", "a@b.org").is_err());
        assert!(check_new_password("jane.officer@gov.example", "jane.officer@gov.example").is_err());
    }
}
