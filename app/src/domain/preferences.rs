//! Display preferences kept in a cookie, so that they work without JavaScript and without an account.

/// Cookie that switches on 长辈模式 (large text, higher contrast).
pub const ELDER_MODE_COOKIE: &str = "elder_mode";

/// Reads the elder-mode preference from a `Cookie` request header.
pub fn elder_mode_from_cookie_header(header: &str) -> bool {
    header
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .any(|(name, value)| name == ELDER_MODE_COOKIE && value == "1")
}

/// Where to send the browser back after a preference form: only a path on this site, never another origin
/// (an open redirect would let a phishing link borrow the portal's address).
pub fn safe_return_path(candidate: &str) -> &str {
    let local = candidate.starts_with('/')
        && !candidate.starts_with("//")
        && !candidate.contains('\\')
        && !candidate.chars().any(char::is_control);
    if local {
        candidate
    } else {
        "/"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elder_mode_is_read_from_among_other_cookies() {
        assert!(elder_mode_from_cookie_header("a=b; elder_mode=1; c=d"));
        assert!(!elder_mode_from_cookie_header("elder_mode=0"));
        assert!(!elder_mode_from_cookie_header("not_elder_mode=1"));
        assert!(!elder_mode_from_cookie_header(""));
    }

    #[test]
    fn return_path_stays_on_this_site() {
        assert_eq!(safe_return_path("/notices?county=620702"), "/notices?county=620702");
        assert_eq!(safe_return_path("https://evil.example/"), "/");
        assert_eq!(safe_return_path("//evil.example/"), "/");
        assert_eq!(safe_return_path("/\\evil.example"), "/");
        assert_eq!(safe_return_path(""), "/");
    }
}
