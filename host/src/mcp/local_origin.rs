//! Which `Host` and `Origin` headers the HTTP transport serves: the DNS-rebinding and
//! cross-site rules, in one place. [`LocalOnly`] gives rmcp its allow-lists and also enforces
//! them first, in front of rmcp, so that a refusal is logged the way a person reads it
//! (`origin=http://evil.example`), not as rmcp's internal structures (`origin=Tuple { … }`).
//! rmcp's own check stays on behind it as a second line, with the same lists.

use std::net::IpAddr;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, header, uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The names of this machine a local client or browser may use.
const LOOPBACK_NAMES: [&str; 3] = ["localhost", "127.0.0.1", "::1"];

/// The rules for a server bound to `ip:port`.
#[derive(Debug, Clone)]
pub struct LocalOnly {
    /// `None` when bound to every interface: the name a client uses cannot be known then, and
    /// the bearer token is what protects the server.
    hosts: Option<Vec<String>>,
    port: u16,
}

impl LocalOnly {
    /// Loopback names always; the bind address itself when it is a specific non-loopback one.
    pub fn new(ip: IpAddr, port: u16) -> Self {
        let hosts = (!ip.is_unspecified()).then(|| {
            let mut hosts: Vec<String> = LOOPBACK_NAMES.iter().map(|name| name.to_string()).collect();
            if !ip.is_loopback() {
                hosts.push(ip.to_string());
            }
            hosts
        });
        Self { hosts, port }
    }

    /// The `Host` names for rmcp's list (it matches them with or without a port).
    pub fn allowed_hosts(&self) -> Option<Vec<String>> {
        self.hosts.as_ref().map(|hosts| {
            hosts
                .iter()
                .flat_map(|host| match host.contains(':') {
                    // IPv6 literals appear bracketed in a Host header.
                    true => vec![host.clone(), format!("[{host}]")],
                    false => vec![host.clone()],
                })
                .collect()
        })
    }

    /// Browser origins: pages served by this server itself, on a loopback name.
    pub fn allowed_origins(&self) -> Vec<String> {
        ["localhost", "127.0.0.1", "[::1]"]
            .iter()
            .map(|host| format!("http://{host}:{}", self.port))
            .collect()
    }

    /// Why a request must be refused, if it must. Headers it cannot parse are left to rmcp,
    /// which answers those with its own (already readable) messages.
    fn refusal(&self, headers: &HeaderMap) -> Option<Refusal> {
        if let (Some(hosts), Some(value)) = (&self.hosts, header_text(headers, header::HOST))
            && let Ok(authority) = uri::Authority::try_from(value)
            && !hosts.contains(&normalized_host(authority.host()))
        {
            return Some(Refusal::Host(value.to_string()));
        }
        let value = header_text(headers, header::ORIGIN)?;
        match origin_parts(value) {
            Some(OriginParts::Null) => Some(Refusal::Origin(value.to_string())),
            Some(OriginParts::Tuple { scheme, host, port }) => {
                let local = scheme == "http" && LOOPBACK_NAMES.contains(&host.as_str()) && port == Some(self.port);
                (!local).then(|| Refusal::Origin(value.to_string()))
            }
            None => None,
        }
    }
}

enum Refusal {
    Host(String),
    Origin(String),
}

enum OriginParts {
    Null,
    Tuple {
        scheme: String,
        host: String,
        port: Option<u16>,
    },
}

/// An `Origin` value as RFC 6454 serializes it: `scheme://host[:port]`, the port implied by the
/// scheme when absent, or `null`.
fn origin_parts(value: &str) -> Option<OriginParts> {
    let value = value.trim();
    if value.eq_ignore_ascii_case("null") {
        return Some(OriginParts::Null);
    }
    let parsed = uri::Uri::try_from(value).ok()?;
    let scheme = parsed.scheme_str()?.to_ascii_lowercase();
    let authority = parsed.authority()?;
    let port = authority.port_u16().or(match scheme.as_str() {
        "http" => Some(80),
        "https" => Some(443),
        _ => None,
    });
    Some(OriginParts::Tuple {
        host: normalized_host(authority.host()),
        scheme,
        port,
    })
}

fn normalized_host(host: &str) -> String {
    host.trim_matches(['[', ']']).to_ascii_lowercase()
}

fn header_text(headers: &HeaderMap, name: header::HeaderName) -> Option<&str> {
    headers.get(name).and_then(|value| value.to_str().ok())
}

/// The middleware: 403 for a foreign `Host` or `Origin`, logged with the header as sent.
pub async fn refuse_foreign(State(rules): State<Arc<LocalOnly>>, request: Request, next: Next) -> Response {
    match rules.refusal(request.headers()) {
        None => next.run(request).await,
        Some(Refusal::Host(host)) => {
            tracing::warn!(
                host = %host,
                "refused an HTTP request for a Host that is not this server (possible DNS rebinding)"
            );
            (StatusCode::FORBIDDEN, "Forbidden: Host header is not allowed").into_response()
        }
        Some(Refusal::Origin(origin)) => {
            tracing::warn!(
                origin = %origin,
                "refused an HTTP request from a web page on another origin (possible cross-site request)"
            );
            (StatusCode::FORBIDDEN, "Forbidden: Origin header is not allowed").into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(host: &str, origin: Option<&str>) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, HeaderValue::from_str(host).unwrap());
        if let Some(origin) = origin {
            headers.insert(header::ORIGIN, HeaderValue::from_str(origin).unwrap());
        }
        headers
    }

    fn refused(rules: &LocalOnly, host: &str, origin: Option<&str>) -> Option<String> {
        rules.refusal(&headers(host, origin)).map(|refusal| match refusal {
            Refusal::Host(host) => format!("host {host}"),
            Refusal::Origin(origin) => format!("origin {origin}"),
        })
    }

    #[test]
    fn loopback_server_serves_its_own_origin_only() {
        let rules = LocalOnly::new("127.0.0.1".parse().unwrap(), 3000);
        assert_eq!(refused(&rules, "127.0.0.1:3000", None), None);
        assert_eq!(refused(&rules, "LOCALHOST:3000", Some("http://localhost:3000")), None);
        assert_eq!(refused(&rules, "[::1]:3000", Some("http://[::1]:3000")), None);
        assert_eq!(
            refused(&rules, "evil.example:3000", None).as_deref(),
            Some("host evil.example:3000")
        );
        for origin in [
            "http://evil.example",
            "http://127.0.0.1:3001",
            "https://127.0.0.1:3000",
            "http://localhost",
            "null",
        ] {
            assert_eq!(
                refused(&rules, "127.0.0.1:3000", Some(origin)),
                Some(format!("origin {origin}")),
                "{origin}"
            );
        }
        // Left to rmcp: it answers malformed headers itself.
        assert_eq!(refused(&rules, "127.0.0.1:3000", Some("not a url")), None);
    }

    #[test]
    fn every_interface_means_any_host_but_still_local_origins() {
        let rules = LocalOnly::new("0.0.0.0".parse().unwrap(), 80);
        assert_eq!(rules.allowed_hosts(), None);
        assert_eq!(refused(&rules, "10.0.0.5", Some("http://localhost")), None);
        assert!(refused(&rules, "10.0.0.5", Some("http://10.0.0.5")).is_some());
    }

    #[test]
    fn a_specific_address_is_allowed_as_host() {
        let rules = LocalOnly::new("10.1.2.3".parse().unwrap(), 8080);
        assert_eq!(refused(&rules, "10.1.2.3:8080", None), None);
        assert!(rules.allowed_hosts().unwrap().contains(&"[::1]".to_string()));
    }
}
