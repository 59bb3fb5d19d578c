//! Rules for nomination documents: what a file is (told by its content, not its name), how big
//! it may be, and the safe name it is offered under. Plain Rust.

pub const MAX_BYTES: u64 = 10 * 1024 * 1024;
pub const MAX_PER_NOMINATION: usize = 5;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Pdf,
    Png,
    Jpeg,
}

impl Kind {
    pub fn content_type(self) -> &'static str {
        match self {
            Kind::Pdf => "application/pdf",
            Kind::Png => "image/png",
            Kind::Jpeg => "image/jpeg",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Kind::Pdf => "pdf",
            Kind::Png => "png",
            Kind::Jpeg => "jpg",
        }
    }
}

/// Tells the kind of a file from its first bytes. Anything else (an executable renamed `.pdf`,
/// an HTML page, a ZIP) is `None`.
pub fn sniff(head: &[u8]) -> Option<Kind> {
    if head.starts_with(b"%PDF-") {
        Some(Kind::Pdf)
    } else if head.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        Some(Kind::Png)
    } else if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(Kind::Jpeg)
    } else {
        None
    }
}

/// The name a download is offered under: the user's name reduced to safe characters, with the
/// extension of what the file really is. Never a path.
pub fn safe_name(original: &str, kind: Kind) -> String {
    let base = original.rsplit(['/', '\\']).next().unwrap_or_default();
    let stem = base.rsplit_once('.').map(|(s, _)| s).unwrap_or(base);
    let cleaned: String = stem
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' })
        .collect::<String>()
        .trim_matches('_')
        .chars()
        .take(80)
        .collect();
    let stem = if cleaned.is_empty() { "document".to_string() } else { cleaned };
    format!("{stem}.{}", kind.extension())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_told_by_their_content() {
        assert_eq!(sniff(b"%PDF-1.7\n..."), Some(Kind::Pdf));
        assert_eq!(sniff(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0]), Some(Kind::Png));
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), Some(Kind::Jpeg));
        assert_eq!(sniff(b"MZ\x90\x00 an executable renamed cv.pdf"), None);
        assert_eq!(sniff(b"\x7fELF"), None);
        assert_eq!(sniff(b"<html><script>"), None);
        assert_eq!(sniff(b""), None);
    }

    #[test]
    fn names_cannot_escape_or_inject() {
        assert_eq!(safe_name("../../etc/passwd", Kind::Pdf), "passwd.pdf");
        assert_eq!(safe_name("C:\\Users\\x\\CV Jane Doe.PDF", Kind::Pdf), "CV_Jane_Doe.pdf");
        assert_eq!(safe_name("photo.exe", Kind::Jpeg), "photo.jpg");
        assert_eq!(safe_name("\"; filename=evil.html", Kind::Png), "filename_evil.png");
        assert_eq!(safe_name("", Kind::Pdf), "document.pdf");
        assert_eq!(safe_name("สวัสดี.pdf", Kind::Pdf), "document.pdf");
    }
}
