//! Address ranges for `server.trusted_proxies` and `server.admin_allow`: single addresses or CIDR
//! ranges, IPv4 and IPv6 (the `ipnet` crate), matching IPv4 clients seen as IPv4-mapped IPv6; and
//! the config's network settings read from their text.

use std::net::{IpAddr, SocketAddr};

use super::{ConfigError, err};

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

impl super::Config {
    /// The admin's own address, when it has one.
    pub fn admin_listen_addr(&self) -> Result<Option<SocketAddr>, ConfigError> {
        match self.server.admin_listen.trim() {
            "" => Ok(None),
            a => a
                .parse()
                .map(Some)
                .map_err(|_| err("server.admin_listen", format!("{a:?} is not an address like 192.168.1.10:8081"))),
        }
    }

    /// Parsed `server.admin_allow`: the networks the admin answers (empty: any).
    pub fn admin_allow(&self) -> Result<Vec<IpNet>, ConfigError> {
        self.server
            .admin_allow
            .iter()
            .map(|s| {
                IpNet::parse(s)
                    .ok_or_else(|| err("server.admin_allow", format!("{s:?} is not an IP address or CIDR range")))
            })
            .collect()
    }

    /// Parsed `server.trusted_proxies`: single addresses or CIDR ranges.
    pub fn trusted_proxies(&self) -> Result<Vec<IpNet>, ConfigError> {
        self.server
            .trusted_proxies
            .iter()
            .map(|s| {
                IpNet::parse(s)
                    .ok_or_else(|| err("server.trusted_proxies", format!("{s:?} is not an IP address or CIDR range")))
            })
            .collect()
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
