//! Where a page sends the user after signing in: a `next` path, followed only when it is a page
//! of this site.

/// A `next` parameter is followed only when it is a path on this site; anything else goes home.
pub fn safe_next(next: &str) -> &str {
    if is_local_path(next) {
        next
    } else {
        "/"
    }
}

/// A path of this site, and only that, however a browser's URL parser reads it: it starts with
/// one `/`, and neither it nor its percent-decoded forms hold control characters, white space,
/// a backslash or `//` (browsers drop tabs and line breaks and read `\` as `/`, which would
/// turn `/\t/evil.example` into `//evil.example`, another site).
fn is_local_path(raw: &str) -> bool {
    if raw.len() >= 300 || !raw.starts_with('/') || raw.starts_with("/api/") {
        return false;
    }
    let mut text = raw.to_string();
    // Decoded until it stops changing (a double-encoded `%252F` included), a few times at most.
    for _ in 0..4 {
        let unsafe_char = |c: char| c.is_control() || c.is_whitespace() || c == '\\';
        if text.chars().any(unsafe_char) || text.contains("//") {
            return false;
        }
        match percent_decode(&text) {
            Some(decoded) if decoded == text => return true,
            Some(decoded) => text = decoded,
            None => return false,
        }
    }
    false
}

/// `%XX` sequences as bytes, read as UTF-8; `None` for a broken escape or invalid UTF-8.
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_is_only_followed_to_local_pages() {
        assert_eq!(safe_next("/admin/agencies?page=2"), "/admin/agencies?page=2");
        assert_eq!(safe_next("https://evil.example/"), "/");
        assert_eq!(safe_next("//evil.example/"), "/");
        assert_eq!(safe_next("/\\evil.example"), "/");
        assert_eq!(safe_next("/api/logout"), "/");
        assert_eq!(safe_next(""), "/");
    }

    #[test]
    fn next_refuses_whatever_a_browser_would_read_as_another_site() {
        for evil in [
            "/\t/evil.example",
            "/\r\n/evil.example",
            "/\nLocation: https://evil.example",
            "//evil.example",
            "/\\evil.example",
            "/%2F%2Fevil.example",
            "/%2f/evil.example",
            "/%09/evil.example",
            "/%5Cevil.example",
            "/%252F%252Fevil.example",
            "/ /evil.example",
            "/%E0%A4%A",
            "https://evil.example",
            "http:/evil.example",
            "evil.example",
        ] {
            assert_eq!(safe_next(evil), "/", "{evil:?}");
        }
        for fine in ["/nominations?status=submitted&page=2", "/admin/users/abc123", "/nominations?q=n%C3%A9", "/"] {
            assert_eq!(safe_next(fine), fine);
        }
    }
}
