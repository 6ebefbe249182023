//! Who the client is, for every per-client budget. Behind the TLS proxy the connection comes from the
//! proxy, so the real client is read from `Forwarded` or `X-Forwarded-For`, but only when the connection
//! comes from a configured proxy address: anyone else could write any address there and get a fresh
//! budget per request. IPv6 clients count as their /64 (one phone or household gets a whole /64).

use axum::{
    extract::{ConnectInfo, FromRequestParts, Request, State},
    http::{header::FORWARDED, request::Parts, HeaderMap},
    middleware::Next,
    response::Response,
};
use forwarded_header_value::ForwardedHeaderValue;
use ipnet::IpNet;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use tower_governor::{key_extractor::KeyExtractor, GovernorError};

/// The client's address as budgets count it: an IPv4 address, or the first 64 bits of an IPv6 one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ClientAddr(IpAddr);

impl ClientAddr {
    pub fn new(ip: IpAddr) -> Self {
        let ip = match ip {
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => IpAddr::V4(v4),
                None => IpAddr::V6(Ipv6Addr::from(v6.to_bits() & !u128::from(u64::MAX))),
            },
            v4 => v4,
        };
        Self(ip)
    }

    pub fn ip(self) -> IpAddr {
        self.0
    }

    /// The text the database budgets store: `10.1.2.3` or `2408:8456:1234:5678::/64`.
    pub fn key(self) -> String {
        match self.0 {
            IpAddr::V4(v4) => v4.to_string(),
            IpAddr::V6(v6) => format!("{v6}/64"),
        }
    }
}

/// The proxy addresses allowed to say who the client is (`trusted_proxies` in the configuration).
#[derive(Clone, Debug, Default)]
pub struct TrustedProxies(Arc<Vec<IpNet>>);

impl TrustedProxies {
    pub fn new(networks: Vec<IpNet>) -> Self {
        Self(Arc::new(networks))
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        let ip = ClientAddr::new(ip).0;
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// The connection's peer unless it is a trusted proxy; then the nearest address in the forwarding
    /// chain that is not itself a trusted proxy (the addresses further left were written by the client
    /// and prove nothing).
    pub fn client_of(&self, peer: IpAddr, headers: &HeaderMap) -> ClientAddr {
        if !self.trusts(peer) {
            return ClientAddr::new(peer);
        }
        let chain = forwarded_chain(headers);
        let client = chain.iter().rev().find(|ip| !self.trusts(**ip)).or(chain.first());
        ClientAddr::new(*client.unwrap_or(&peer))
    }
}

/// The addresses of `Forwarded` (preferred, the standard) or else `X-Forwarded-For`, client first. A
/// header that does not parse counts as absent, so the request is counted against the proxy itself.
fn forwarded_chain(headers: &HeaderMap) -> Vec<IpAddr> {
    let joined = |name: &str| {
        let values: Vec<&str> = headers.get_all(name).iter().filter_map(|v| v.to_str().ok()).collect();
        (!values.is_empty()).then(|| values.join(","))
    };
    if let Some(forwarded) = joined(FORWARDED.as_str()) {
        if let Ok(value) = ForwardedHeaderValue::from_forwarded(&forwarded) {
            return value.iter().filter_map(|stanza| stanza.forwarded_for_ip()).collect();
        }
        return Vec::new();
    }
    joined("x-forwarded-for")
        .and_then(|list| ForwardedHeaderValue::from_x_forwarded_for(&list).ok())
        .map(|value| value.iter().filter_map(|stanza| stanza.forwarded_for_ip()).collect())
        .unwrap_or_default()
}

/// Middleware (outermost, before every budget): works out the client once and leaves it in the
/// request's extensions for the budgets and handlers below.
pub async fn identify(
    State(proxies): State<TrustedProxies>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    mut request: Request,
    next: Next,
) -> Response {
    let client = proxies.client_of(peer.ip(), request.headers());
    request.extensions_mut().insert(client);
    next.run(request).await
}

/// Handlers take `ClientAddr` as an extractor. Without `identify` in front (a router built without
/// it) the request is refused rather than counted against nobody.
impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = (axum::http::StatusCode, &'static str);

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<ClientAddr>()
            .copied()
            .ok_or((axum::http::StatusCode::INTERNAL_SERVER_ERROR, "client not identified"))
    }
}

/// The key of tower_governor's request budgets: the client `identify` found.
#[derive(Clone, Copy, Debug)]
pub struct ClientKeyExtractor;

impl KeyExtractor for ClientKeyExtractor {
    type Key = ClientAddr;

    fn extract<T>(&self, request: &axum::http::Request<T>) -> Result<ClientAddr, GovernorError> {
        request.extensions().get::<ClientAddr>().copied().ok_or(GovernorError::UnableToExtractKey)
    }
}

/// Parses `PORTAL_TRUSTED_PROXIES`-style lists: addresses or networks, comma separated.
pub fn parse_networks(list: &str) -> Result<Vec<IpNet>, String> {
    list.split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(|item| {
            item.parse::<IpNet>()
                .or_else(|_| item.parse::<IpAddr>().map(IpNet::from))
                .map_err(|_| format!("{item} is not an address or network"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, value.parse().unwrap());
        }
        map
    }

    fn proxies(list: &str) -> TrustedProxies {
        TrustedProxies::new(parse_networks(list).unwrap())
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    /// Addresses the generated headers are built from, some of them the trusted proxies.
    const POOL: [&str; 6] = ["10.0.0.1", "10.0.0.2", "203.0.113.7", "198.51.100.9", "2001:db8:1:2::5", "::1"];

    fn header_value() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let address = proptest::sample::select(POOL.to_vec()).prop_map(|ip| match ip.contains(':') {
            true => format!("\"[{ip}]:443\""),
            false => ip.to_string(),
        });
        let garbage = r#"[a-zA-Z=;" _\\]{0,8}"#;
        let token = prop_oneof![
            address.clone(),
            address.prop_map(|a| format!("for={a}")),
            garbage.prop_map(String::from)
        ];
        let separator = proptest::sample::select(vec![",", ";", " , ", ";proto=https,", "  "]);
        proptest::collection::vec((token, separator), 0..6)
            .prop_map(|parts| parts.into_iter().map(|(t, s)| format!("{t}{s}")).collect())
    }

    proptest::proptest! {
        #[test]
        fn any_forwarding_headers_name_the_peer_or_an_address_they_carry(
            forwarded in proptest::collection::vec(header_value(), 0..3),
            x_forwarded_for in proptest::collection::vec(header_value(), 0..3),
            peer in proptest::sample::select(POOL.to_vec()),
            trusted in proptest::sample::select(vec!["", "10.0.0.0/8", "10.0.0.1, ::1/128", "0.0.0.0/0"]),
        ) {
            let mut map = HeaderMap::new();
            for (name, values) in [("forwarded", &forwarded), ("x-forwarded-for", &x_forwarded_for)] {
                for value in values.iter().filter_map(|v| v.parse().ok()) {
                    map.append(name, value);
                }
            }
            let proxies = proxies(trusted);
            let client = proxies.client_of(ip(peer), &map);
            if !proxies.trusts(ip(peer)) {
                proptest::prop_assert_eq!(client, ClientAddr::new(ip(peer)));
            }
            proptest::prop_assert!(POOL.iter().any(|a| ClientAddr::new(ip(a)) == client), "{client:?}");
        }
    }

    #[test]
    fn ipv6_clients_are_counted_by_their_64_bit_prefix() {
        let a = ClientAddr::new(ip("2408:8456:1234:5678::1"));
        let b = ClientAddr::new(ip("2408:8456:1234:5678:abcd:ef01:2345:6789"));
        assert_eq!(a.key(), "2408:8456:1234:5678::/64");
        assert_eq!(a, b);
        assert_ne!(a, ClientAddr::new(ip("2408:8456:1234:5679::1")));
        assert_eq!(ClientAddr::new(ip("::ffff:10.1.2.3")).key(), "10.1.2.3");
        assert_eq!(ClientAddr::new(ip("10.1.2.3")).key(), "10.1.2.3");
    }

    #[test]
    fn forwarding_headers_from_anyone_but_a_trusted_proxy_are_ignored() {
        let spoofed = headers(&[("x-forwarded-for", "1.2.3.4"), ("forwarded", "for=5.6.7.8")]);
        assert_eq!(proxies("").client_of(ip("203.0.113.9"), &spoofed).key(), "203.0.113.9");
        assert_eq!(proxies("10.0.0.0/8").client_of(ip("203.0.113.9"), &spoofed).key(), "203.0.113.9");
    }

    #[test]
    fn behind_a_trusted_proxy_the_nearest_untrusted_address_is_the_client() {
        let trusted = proxies("10.0.0.1, 192.168.0.0/16");
        // The client wrote 6.6.6.6 itself; the proxy appended the address it saw.
        let chain = headers(&[("x-forwarded-for", "6.6.6.6, 198.51.100.7, 192.168.3.4")]);
        assert_eq!(trusted.client_of(ip("10.0.0.1"), &chain).key(), "198.51.100.7");
        let standard = headers(&[("forwarded", "for=6.6.6.6, for=\"[2408:8456:1:2::9]:443\"")]);
        assert_eq!(trusted.client_of(ip("10.0.0.1"), &standard).key(), "2408:8456:1:2::/64");
        // Two header lines count as one list.
        let split = headers(&[("x-forwarded-for", "6.6.6.6"), ("x-forwarded-for", "198.51.100.8")]);
        assert_eq!(trusted.client_of(ip("10.0.0.1"), &split).key(), "198.51.100.8");
    }

    #[test]
    fn a_proxy_without_usable_headers_is_counted_as_itself() {
        let trusted = proxies("10.0.0.1");
        assert_eq!(trusted.client_of(ip("10.0.0.1"), &HeaderMap::new()).key(), "10.0.0.1");
        let garbage = headers(&[("x-forwarded-for", "not an address")]);
        assert_eq!(trusted.client_of(ip("10.0.0.1"), &garbage).key(), "10.0.0.1");
    }

    #[test]
    fn proxy_lists_take_addresses_and_networks() {
        assert_eq!(parse_networks("10.0.0.1, fd00::/8,").unwrap().len(), 2);
        assert!(parse_networks("10.0.0.300").is_err());
    }
}
