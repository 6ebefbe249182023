//! Display preferences kept in a cookie, so that they work without JavaScript and without an account.

/// Cookie that switches on 长辈模式 (large text, higher contrast).
pub const ELDER_MODE_COOKIE: &str = "elder_mode";

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
    fn return_path_stays_on_this_site() {
        assert_eq!(safe_return_path("/notices?county=620702"), "/notices?county=620702");
        assert_eq!(safe_return_path("https://evil.example/"), "/");
        assert_eq!(safe_return_path("//evil.example/"), "/");
        assert_eq!(safe_return_path("/\\evil.example"), "/");
        assert_eq!(safe_return_path(""), "/");
    }
}
