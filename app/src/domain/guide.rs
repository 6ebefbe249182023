//! Policy guide pages: the city's measures explained in plain words, one page per kind of assistance.

use super::assistance::AssistanceType;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuidePage {
    /// The last part of the address: /guide/{slug}.
    pub slug: String,
    pub title: String,
    /// One sentence for the list of pages.
    pub summary: String,
    pub body_markdown: String,
    pub sort_order: i32,
}

/// Why a guide source file cannot be used.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum GuideSourceError {
    #[error("guide page {0}: missing front matter (--- title/summary ---)")]
    NoFrontMatter(String),
    #[error("guide page {0}: front matter needs title and summary")]
    MissingField(String),
}

impl GuidePage {
    /// Reads a page written as Markdown with a small front matter block:
    /// `---\ntitle: …\nsummary: …\n---\nbody`.
    pub fn from_source(slug: &str, sort_order: i32, source: &str) -> Result<Self, GuideSourceError> {
        let rest =
            source.strip_prefix("---\n").ok_or_else(|| GuideSourceError::NoFrontMatter(slug.into()))?;
        let (front, body) =
            rest.split_once("\n---\n").ok_or_else(|| GuideSourceError::NoFrontMatter(slug.into()))?;
        let field = |name: &str| {
            front
                .lines()
                .find_map(|line| line.strip_prefix(name)?.strip_prefix(':').map(|v| v.trim().to_string()))
        };
        match (field("title"), field("summary")) {
            (Some(title), Some(summary)) if !title.is_empty() && !summary.is_empty() => Ok(Self {
                slug: slug.into(),
                title,
                summary,
                body_markdown: body.trim().to_string(),
                sort_order,
            }),
            _ => Err(GuideSourceError::MissingField(slug.into())),
        }
    }
}

/// Why an administrator's edit of a guide page cannot be saved: (form field, message).
pub fn check_guide_edit(title: &str, summary: &str, body: &str) -> Vec<(&'static str, &'static str)> {
    let mut errors = Vec::new();
    if !(2..=40).contains(&title.trim().chars().count()) {
        errors.push(("title", "标题应为2到40个字"));
    }
    if !(5..=200).contains(&summary.trim().chars().count()) {
        errors.push(("summary", "摘要应为5到200个字"));
    }
    if !(20..=20_000).contains(&body.trim().chars().count()) {
        errors.push(("body", "正文应为20到20000个字"));
    }
    errors
}

impl AssistanceType {
    /// The guide page that explains this kind of assistance.
    pub fn guide_slug(self) -> &'static str {
        match self {
            Self::Dibao => "dibao",
            Self::Tekun => "tekun",
            Self::DibaoEdge => "dibao-edge",
            Self::RigidSpending => "rigid-spending",
            Self::Temporary => "temporary",
            Self::Medical => "medical",
            Self::Education => "education",
            Self::Housing => "housing",
            Self::Employment => "employment",
            Self::Disaster => "disaster",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_gives_title_and_summary() {
        let page = GuidePage::from_source(
            "dibao",
            2,
            "---\ntitle: 低保\nsummary: 按月领取\n---\n## 谁可以申请\n\n正文\n",
        )
        .unwrap();
        assert_eq!(page.title, "低保");
        assert_eq!(page.summary, "按月领取");
        assert_eq!(page.body_markdown, "## 谁可以申请\n\n正文");
    }

    #[test]
    fn edits_need_a_title_a_summary_and_a_body() {
        assert!(check_guide_edit("低保", "按月领取低保金", &"正文".repeat(20)).is_empty());
        let fields: Vec<_> = check_guide_edit("", "短", "短").into_iter().map(|(f, _)| f).collect();
        assert_eq!(fields, vec!["title", "summary", "body"]);
    }

    #[test]
    fn a_page_without_front_matter_is_refused() {
        assert_eq!(
            GuidePage::from_source("x", 1, "# 标题"),
            Err(GuideSourceError::NoFrontMatter("x".into()))
        );
        assert_eq!(
            GuidePage::from_source("x", 1, "---\ntitle: 标题\n---\n正文"),
            Err(GuideSourceError::MissingField("x".into()))
        );
    }
}
