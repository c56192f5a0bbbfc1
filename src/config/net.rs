//! Address ranges for `server.trusted_proxies` and `server.admin_allow`: single addresses or CIDR
//! ranges, IPv4 and IPv6 (the `ipnet` crate), matching IPv4 clients seen as IPv4-mapped IPv6.

use std::net::IpAddr;

/// An address range from the config.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IpNet(ipnet::IpNet);

impl IpNet {
    pub fn parse(s: &str) -> Option<IpNet> {
        let s = s.trim();
        match s.parse::<ipnet::IpNet>() {
            Ok(net) => Some(IpNet(net.trunc())),
            Err(_) => s.parse::<IpAddr>().ok().map(|ip| IpNet(ipnet::IpNet::from(ip))),
        }
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
            v4 => v4,
        };
        self.0.contains(&ip)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cidr_matching() {
        let net = IpNet::parse("10.0.0.0/8").unwrap();
        assert!(net.contains("10.1.2.3".parse().unwrap()));
        assert!(!net.contains("11.1.2.3".parse().unwrap()));
        assert!(IpNet::parse("127.0.0.1").unwrap().contains("::ffff:127.0.0.1".parse().unwrap()));
        assert!(IpNet::parse("::1").unwrap().contains("::1".parse().unwrap()));
        assert!(IpNet::parse("10.0.0.0/33").is_none());
        assert!(IpNet::parse("nope").is_none());
    }
}
