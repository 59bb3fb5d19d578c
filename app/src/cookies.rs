//! Reading cookies from request headers. A leaf module: sessions, the flash and the device
//! cookie all read through here.

use http::HeaderMap;

/// The value of one cookie in a request's headers.
pub fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_one_cookie_among_many() {
        let mut headers = HeaderMap::new();
        headers.insert(http::header::COOKIE, "a=1; hub_session=tok; b=2".parse().unwrap());
        assert_eq!(cookie_value(&headers, "hub_session").as_deref(), Some("tok"));
        assert_eq!(cookie_value(&headers, "missing"), None);
    }
}
