//! 通知公告 that administrators publish: what a title and a body must be. Plain rules without I/O.

use serde::{Deserialize, Serialize};

pub const TITLE_MAX_CHARS: usize = 60;
pub const BODY_MAX_CHARS: usize = 10_000;

/// An announcement as published. `body` is Markdown, rendered by `crate::markdown` (raw HTML inert).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Announcement {
    pub id: i64,
    pub title: String,
    pub body: String,
    /// `None` for the whole city.
    pub county_code: Option<String>,
    /// Unix seconds.
    pub published_at: i64,
}

/// Checks a title and a body; errors are (field, message in Chinese).
pub fn check_announcement(title: &str, body: &str) -> Result<(String, String), Vec<(&'static str, String)>> {
    let (title, body) = (title.trim(), body.trim());
    let mut errors = Vec::new();
    match title.chars().count() {
        0 => errors.push(("announcement_title", "请填写标题".to_string())),
        n if n > TITLE_MAX_CHARS => {
            errors.push(("announcement_title", format!("标题最多{TITLE_MAX_CHARS}个字")))
        }
        _ => {}
    }
    match body.chars().count() {
        0 => errors.push(("announcement_body", "请填写正文".to_string())),
        n if n > BODY_MAX_CHARS => {
            errors.push(("announcement_body", format!("正文最多{BODY_MAX_CHARS}个字")))
        }
        _ => {}
    }
    if errors.is_empty() {
        Ok((title.to_string(), body.to_string()))
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_title_and_a_body_are_needed_within_limits() {
        assert_eq!(
            check_announcement(" 春节期间办理安排 ", "正文"),
            Ok(("春节期间办理安排".to_string(), "正文".to_string()))
        );
        let errors = check_announcement("", " ").unwrap_err();
        assert_eq!(
            errors.iter().map(|(f, _)| *f).collect::<Vec<_>>(),
            ["announcement_title", "announcement_body"]
        );
        assert!(check_announcement(&"长".repeat(61), "正文").is_err());
    }
}
