//! Response headers that every page gets, cache rules per kind of resource, and the refusal of form posts
//! that come from another site.

use super::static_pages::cross_site_refused;
use app::shell::content_security_policy;
use axum::{
    extract::{Request, State},
    http::{header, HeaderMap, HeaderName, HeaderValue, Method},
    middleware::Next,
    response::Response,
};

/// Every response's headers, HSTS over TLS (`tls`: Secure cookies are the sign of it) and the `__Host-`
/// cookie prefix, as one layer: a layer of its own costs a clone of the stack below it and two
/// allocations on every request.
pub async fn edge(State(tls): State<bool>, mut request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    if tls {
        keep_host_prefixed_cookies(request.headers_mut());
    }
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    add_page_headers(headers, &path);
    if tls {
        // Browsers then refuse plain HTTP to the portal for a year, so a network attacker cannot strip
        // the TLS from a resident's next visit.
        headers.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000"));
        prefix_set_cookies(headers);
    }
    response
}

fn add_page_headers(headers: &mut HeaderMap, path: &str) {
    // Leptos pages set their own policy carrying the request's script nonce; everything else gets it bare.
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        if let Ok(policy) = HeaderValue::from_str(&content_security_policy(None)) {
            headers.insert(header::CONTENT_SECURITY_POLICY, policy);
        }
    }
    let fixed: [(HeaderName, &'static str); 4] = [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "same-origin"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (HeaderName::from_static("permissions-policy"), "geolocation=(), microphone=(), interest-cohort=()"),
    ];
    for (name, value) in fixed {
        headers.insert(name, HeaderValue::from_static(value));
    }
    let rule = cache_rule(path);
    if rule == NO_STORE || !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(rule));
    }
}

/// `/pkg` holds the stylesheet and the wasm bundle, rebuilt at each release: cached for an hour and then
/// revalidated (ServeDir answers with Last-Modified). Other static files change rarely. Pages are
/// dynamic and may carry personal data: never stored by shared caches.
/// The report flow: nothing kept by the browser either (shared phones, the back button).
const NO_STORE: &str = "no-store";

fn cache_rule(path: &str) -> &'static str {
    const STATIC_EXTENSIONS: [&str; 6] = [".svg", ".ico", ".png", ".txt", ".webmanifest", ".woff2"];
    // The pages of the report flow and the server functions behind them (all named `report-…`).
    if path.starts_with(app::routes::REPORT)
        || path.starts_with("/review/reports")
        || path.starts_with("/api/report")
    {
        NO_STORE
    } else if path.starts_with("/pkg/") {
        "public, max-age=3600"
    } else if STATIC_EXTENSIONS.iter().any(|ext| path.ends_with(ext)) {
        "public, max-age=86400"
    } else {
        "private, no-cache"
    }
}

/// The `__Host-` cookie prefix in production, added here at the edge rather than in every handler: the
/// browser then accepts our cookies only from this exact host over HTTPS with `Path=/` and no `Domain`,
/// so a sibling subdomain cannot plant a session. Outgoing `Set-Cookie` names get the prefix; incoming
/// cookies count only with it (it is taken off for the handlers), unprefixed ones are dropped (`edge`).
fn keep_host_prefixed_cookies(headers: &mut HeaderMap) {
    let jar = axum_extra::extract::CookieJar::from_headers(headers);
    let kept: Vec<String> = jar
        .iter()
        .filter_map(|c| c.name().strip_prefix(HOST_PREFIX).map(|name| format!("{name}={}", c.value())))
        .collect();
    headers.remove(header::COOKIE);
    if let Ok(value) = HeaderValue::from_str(&kept.join("; ")) {
        if !kept.is_empty() {
            headers.insert(header::COOKIE, value);
        }
    }
}

fn prefix_set_cookies(headers: &mut HeaderMap) {
    let set: Vec<HeaderValue> = headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|value| HeaderValue::from_str(&format!("{HOST_PREFIX}{}", value.to_str().ok()?)).ok())
        .collect();
    headers.remove(header::SET_COOKIE);
    for value in set {
        headers.append(header::SET_COOKIE, value);
    }
}

const HOST_PREFIX: &str = "__Host-";

/// Refuses state-changing requests sent by another site's page (cross-site request forgery). Browsers
/// send `Sec-Fetch-Site` or `Origin` with every form post; requests with neither (scripts, old
/// browsers) carry no cookies of a victim's browsing and are let through.
pub async fn same_origin_posts(request: Request, next: Next) -> Response {
    if !is_safe_method(request.method()) && is_cross_site(request.headers()) {
        tracing::info!(path = %request.uri().path(), "refused a cross-site form post");
        return cross_site_refused();
    }
    next.run(request).await
}

fn is_safe_method(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

fn is_cross_site(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return !matches!(site, "same-origin" | "none");
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let origin_host = origin.split_once("://").map(|(_, rest)| rest).unwrap_or("null");
    origin_host != host
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        pairs.iter().map(|(k, v)| (HeaderName::from_static(k), HeaderValue::from_static(v))).collect()
    }

    #[test]
    fn same_site_posts_pass_and_cross_site_posts_do_not() {
        assert!(!is_cross_site(&headers(&[("sec-fetch-site", "same-origin")])));
        assert!(is_cross_site(&headers(&[("sec-fetch-site", "cross-site")])));
        assert!(is_cross_site(&headers(&[("sec-fetch-site", "same-site")])));
        assert!(!is_cross_site(&headers(&[("origin", "http://portal.example"), ("host", "portal.example")])));
        assert!(is_cross_site(&headers(&[("origin", "https://evil.example"), ("host", "portal.example")])));
        assert!(is_cross_site(&headers(&[("origin", "null"), ("host", "portal.example")])));
        assert!(!is_cross_site(&headers(&[])));
    }

    #[test]
    fn pages_are_not_cached_by_shared_caches() {
        assert_eq!(cache_rule("/status"), "private, no-cache");
        assert_eq!(cache_rule("/report/view"), "no-store");
        assert_eq!(cache_rule("/review/reports/3"), "no-store");
        assert_eq!(cache_rule("/api/report-view"), "no-store");
        assert_eq!(cache_rule("/pkg/portal.css"), "public, max-age=3600");
        assert_eq!(cache_rule("/favicon.svg"), "public, max-age=86400");
    }
}
