//! Markdown to HTML for text that administrators write (guide pages, announcements). Raw HTML in the
//! source is shown as text, never interpreted, and links may only lead to web pages, phone numbers or
//! e-mail addresses: whoever edits the text cannot put a script on a public page.

use pulldown_cmark::{html, CowStr, Event, Options, Parser, Tag};

pub fn render_markdown(source: &str) -> String {
    let events =
        Parser::new_ext(source, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH).map(|event| {
            match event {
                Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
                Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
                    Event::Start(Tag::Link { link_type, dest_url: safe_url(dest_url), title, id })
                }
                Event::Start(Tag::Image { link_type, dest_url, title, id }) => {
                    Event::Start(Tag::Image { link_type, dest_url: safe_url(dest_url), title, id })
                }
                other => other,
            }
        });
    let mut out = String::with_capacity(source.len() * 3 / 2);
    html::push_html(&mut out, events);
    out
}

fn safe_url(url: CowStr<'_>) -> CowStr<'_> {
    let lower = url.trim().to_ascii_lowercase();
    let allowed = ["http://", "https://", "tel:", "mailto:", "/", "#"].iter().any(|p| lower.starts_with(p))
        && !lower.starts_with("//");
    if allowed {
        url
    } else {
        CowStr::Borrowed("#")
    }
}

#[cfg(test)]
mod tests {
    use super::render_markdown;

    #[test]
    fn ordinary_markdown_becomes_html() {
        let html = render_markdown("## 谁可以申请\n\n- **人均收入**低于标准\n\n[电话](tel:12345)");
        assert!(html.contains("<h2>谁可以申请</h2>"));
        assert!(html.contains("<strong>人均收入</strong>"));
        assert!(html.contains(r#"<a href="tel:12345">电话</a>"#));
    }

    #[test]
    fn a_script_tag_is_inert_text() {
        let html = render_markdown("正文<script>alert('x')</script>\n\n<img src=x onerror=alert(1)>");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
    }

    #[test]
    fn script_links_are_neutralised() {
        let html = render_markdown("[点我](javascript:alert(1)) [图](data:text/html,x) [外](//evil.example)");
        assert!(
            !html.contains("javascript:") && !html.contains("data:") && !html.contains("//evil"),
            "{html}"
        );
    }
}
