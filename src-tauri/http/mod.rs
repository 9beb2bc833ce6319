//! Lakegate's HTTP plumbing shared by every outgoing call.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// Resolves `localhost` and every `*.localhost` name to loopback without asking DNS
/// (RFC 6761 §6.3; curl and browsers do the same), so sandbox app hosts such as
/// `hello-1234.apps.localhost` work everywhere; other names go to the system resolver.
#[derive(Debug, Default, Clone, Copy)]
pub struct LoopbackAwareResolver;

pub fn is_localhost_name(name: &str) -> bool {
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    name == "localhost" || name.ends_with(".localhost")
}

impl Resolve for LoopbackAwareResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_string();
        Box::pin(async move {
            if is_localhost_name(&host) {
                let addrs = vec![
                    SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0),
                    SocketAddr::new(IpAddr::V6(Ipv6Addr::LOCALHOST), 0),
                ];
                return Ok(Box::new(addrs.into_iter()) as Addrs);
            }
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            Ok(Box::new(found.into_iter()) as Addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::is_localhost_name;

    #[test]
    fn localhost_names() {
        assert!(is_localhost_name("localhost"));
        assert!(is_localhost_name("LOCALHOST."));
        assert!(is_localhost_name("hello-1234.apps.localhost"));
        assert!(!is_localhost_name("localhost.example.com"));
        assert!(!is_localhost_name("notlocalhost"));
        assert!(!is_localhost_name("example.com"));
    }
}
