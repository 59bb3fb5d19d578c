//! Who is calling: the client's address, believing `X-Forwarded-For` only from a trusted proxy.
//! Behind a reverse proxy every connection comes from the proxy; without this, one client's
//! failed sign-ins would count against everyone's.

use std::net::IpAddr;

/// An address range such as `10.0.0.0/8` or `::1/128`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    network: IpAddr,
    prefix: u8,
}

impl Cidr {
    /// `a.b.c.d/n`, `x::y/n`, or a lone address (a range of one).
    pub fn parse(text: &str) -> Result<Cidr, String> {
        let text = text.trim();
        let bad = || format!("'{text}' is not an address range like 10.0.0.0/8 or 127.0.0.1");
        let (address, prefix) = match text.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (text, None),
        };
        let network: IpAddr = address.parse().map_err(|_| bad())?;
        let max = if network.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => max,
            Some(p) => p.parse::<u8>().ok().filter(|p| *p <= max).ok_or_else(bad)?,
        };
        Ok(Cidr { network, prefix })
    }

    /// A comma-separated list; empty means none.
    pub fn parse_list(text: &str) -> Result<Vec<Cidr>, String> {
        text.split(',').map(str::trim).filter(|s| !s.is_empty()).map(Cidr::parse).collect()
    }

    pub fn contains(&self, address: IpAddr) -> bool {
        match (self.network, address.to_canonical()) {
            (IpAddr::V4(net), IpAddr::V4(a)) => {
                masked(u32::from(net) as u128, 32, self.prefix) == masked(u32::from(a) as u128, 32, self.prefix)
            }
            (IpAddr::V6(net), IpAddr::V6(a)) => {
                masked(u128::from(net), 128, self.prefix) == masked(u128::from(a), 128, self.prefix)
            }
            _ => false,
        }
    }
}

fn masked(bits: u128, width: u8, prefix: u8) -> u128 {
    if prefix == 0 {
        return 0;
    }
    let shift = width - prefix;
    (bits >> shift) << shift
}

/// The client's address: the peer, unless the peer is a trusted proxy; then the right-most
/// address of `X-Forwarded-For` that is not itself a trusted proxy (each proxy appends the
/// address it saw, so only the right-most entries can be believed).
pub fn client_address(peer: IpAddr, forwarded_for: Option<&str>, trusted: &[Cidr]) -> IpAddr {
    let is_trusted = |a: IpAddr| trusted.iter().any(|c| c.contains(a));
    if !is_trusted(peer) {
        return peer;
    }
    let Some(header) = forwarded_for else { return peer };
    let mut client = peer;
    for entry in header.rsplit(',') {
        match entry.trim().parse::<IpAddr>() {
            Ok(address) => {
                client = address;
                if !is_trusted(address) {
                    break;
                }
            }
            // A malformed entry ends what can be believed.
            Err(_) => break,
        }
    }
    client
}

/// The part of an address that stands for one client in the sign-in limits: an IPv4 address
/// as it is, an IPv6 address by its /64. One household or office is given a whole /64, so
/// counting each of its 2^64 addresses apart would let one client take a fresh count for
/// every guess.
pub fn throttle_scope(address: IpAddr) -> String {
    match address.to_canonical() {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => {
            let prefix = std::net::Ipv6Addr::from(masked(u128::from(v6), 128, 64));
            format!("{prefix}/64")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn m3_ipv6_clients_are_counted_by_their_slash_64() {
        assert_eq!(throttle_scope(ip("2001:db8:1:2:aaaa::1")), "2001:db8:1:2::/64");
        assert_eq!(throttle_scope(ip("2001:db8:1:2:ffff:ffff:ffff:ffff")), "2001:db8:1:2::/64");
        assert_ne!(throttle_scope(ip("2001:db8:1:3::1")), throttle_scope(ip("2001:db8:1:2::1")));
        assert_eq!(throttle_scope(ip("203.0.113.9")), "203.0.113.9");
        assert_eq!(throttle_scope(ip("::ffff:203.0.113.9")), "203.0.113.9", "an IPv4 client seen through IPv6");
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn ranges_contain_what_they_should() {
        let private = Cidr::parse("10.0.0.0/8").unwrap();
        assert!(private.contains(ip("10.1.2.3")));
        assert!(!private.contains(ip("11.0.0.1")));
        assert!(Cidr::parse("127.0.0.1").unwrap().contains(ip("127.0.0.1")));
        assert!(!Cidr::parse("127.0.0.1").unwrap().contains(ip("127.0.0.2")));
        assert!(Cidr::parse("::1").unwrap().contains(ip("::1")));
        assert!(Cidr::parse("fd00::/8").unwrap().contains(ip("fd12::1")));
        assert!(Cidr::parse("0.0.0.0/0").unwrap().contains(ip("203.0.113.9")));
        // An IPv4 peer seen as an IPv6-mapped address is the same peer.
        assert!(Cidr::parse("127.0.0.1").unwrap().contains(ip("::ffff:127.0.0.1")));
        for bad in ["10.0.0.0/33", "nonsense", "10.0.0/8", "::1/129", ""] {
            assert!(Cidr::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(Cidr::parse_list(" 10.0.0.0/8, 127.0.0.1 ").unwrap().len(), 2);
        assert!(Cidr::parse_list("").unwrap().is_empty());
    }

    #[test]
    fn forwarded_for_is_believed_only_from_trusted_proxies() {
        let proxies = Cidr::parse_list("10.0.0.0/8").unwrap();
        // Straight from a client: the header is whatever the client wrote.
        assert_eq!(client_address(ip("203.0.113.9"), Some("1.2.3.4"), &proxies), ip("203.0.113.9"));
        // Through our proxy: the address it saw.
        assert_eq!(client_address(ip("10.0.0.5"), Some("198.51.100.7"), &proxies), ip("198.51.100.7"));
        // A client that forges an entry: only the right-most, added by our proxy, counts.
        assert_eq!(client_address(ip("10.0.0.5"), Some("1.2.3.4, 198.51.100.7"), &proxies), ip("198.51.100.7"));
        // Two proxies of ours in a row.
        assert_eq!(client_address(ip("10.0.0.5"), Some("198.51.100.7, 10.0.0.9"), &proxies), ip("198.51.100.7"));
        // No header, or nothing but proxies.
        assert_eq!(client_address(ip("10.0.0.5"), None, &proxies), ip("10.0.0.5"));
        assert_eq!(client_address(ip("10.0.0.5"), Some("garbage"), &proxies), ip("10.0.0.5"));
        // With no trusted proxies (the default), the header never counts.
        assert_eq!(client_address(ip("10.0.0.5"), Some("198.51.100.7"), &[]), ip("10.0.0.5"));
    }
}
