//! Catalogue rules: slugs, what a variant can sell, drops, and product descriptions as safe Markdown.

use chrono::{DateTime, Utc};
use pulldown_cmark::{CowStr, Event, Options, Parser, Tag};

mod records;
pub use records::*;

/// A URL slug from a title: lower-case ASCII letters and digits joined by single dashes. Titles in
/// any script are transliterated first (Devanagari, Arabic, accented Latin…), so each gets a
/// readable address of its own; "item" only when nothing in it can be spelled.
pub fn slugify(title: &str) -> String {
    let ascii = deunicode::deunicode_with_tofu(title, " ");
    let mut slug = String::with_capacity(ascii.len());
    for c in ascii.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-');
    let slug: String = slug.chars().take(80).collect();
    if slug.is_empty() { "item".into() } else { slug.trim_end_matches('-').to_string() }
}

/// Whether `s` is a slug as [`slugify`] makes them.
pub fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 80
        && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
}

/// Stock facts of one variant.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stock {
    pub on_hand: i64,
    pub reserved: i64,
    pub track: bool,
    pub backorder: bool,
}

/// What a customer is told about a variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Availability {
    /// Stock is not tracked, or plenty is left.
    InStock,
    /// Only this many left (shown when few remain).
    Few(i64),
    /// None left, but it can be ordered.
    Backorder,
    SoldOut,
}

/// At or below this many units the page says "only N left".
pub const FEW: i64 = 5;

impl Stock {
    /// Units that can be bought now: on hand less reserved, never negative; `None` when not tracked.
    pub fn available(&self) -> Option<i64> {
        self.track.then(|| (self.on_hand - self.reserved).max(0))
    }

    pub fn availability(&self) -> Availability {
        match self.available() {
            None => Availability::InStock,
            Some(0) if self.backorder => Availability::Backorder,
            Some(0) => Availability::SoldOut,
            Some(n) if n <= FEW => Availability::Few(n),
            Some(_) => Availability::InStock,
        }
    }
}

/// A product's drop: before `publish_at` it shows a countdown and cannot be bought.
pub fn is_released(publish_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    publish_at.is_none_or(|t| t <= now)
}

/// Renders a seller's Markdown to HTML that is safe to embed: raw HTML is shown as text, and links
/// and images keep only http(s), mailto, tel and relative targets.
pub fn markdown_to_html(md: &str) -> String {
    render_markdown(md, false)
}

/// As [`markdown_to_html`], but every line break typed stays one: for short texts written line by
/// line in a textarea, like the shop's introduction.
pub fn markdown_lines_to_html(md: &str) -> String {
    render_markdown(md, true)
}

fn render_markdown(md: &str, keep_lines: bool) -> String {
    let safe_url = |url: &str| {
        let lower = url.trim().to_ascii_lowercase();
        let scheme = lower.split_once(':').map(|(s, _)| s);
        match scheme {
            Some(s) if !s.contains('/') => matches!(s, "http" | "https" | "mailto" | "tel"),
            _ => true,
        }
    };
    let parser = Parser::new_ext(md, Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TABLES).map(|event| match event {
        Event::Html(html) | Event::InlineHtml(html) => Event::Text(html),
        Event::SoftBreak if keep_lines => Event::HardBreak,
        Event::Start(Tag::Link { link_type, dest_url, title, id }) if !safe_url(&dest_url) => {
            Event::Start(Tag::Link { link_type, dest_url: CowStr::from("#"), title, id })
        }
        Event::Start(Tag::Image { link_type, dest_url, title, id }) if !safe_url(&dest_url) => {
            Event::Start(Tag::Image { link_type, dest_url: CowStr::from(""), title, id })
        }
        other => other,
    });
    let mut out = String::with_capacity(md.len() * 2);
    pulldown_cmark::html::push_html(&mut out, parser);
    out
}

/// The first paragraph of a Markdown text as plain text, at most `max` characters (for previews).
pub fn plain_summary(md: &str, max: usize) -> String {
    let mut text = String::new();
    for event in Parser::new(md) {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            Event::End(pulldown_cmark::TagEnd::Paragraph) if !text.is_empty() => break,
            _ => {}
        }
    }
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= max {
        return text;
    }
    let cut: String = text.chars().take(max.saturating_sub(1)).collect();
    format!("{}…", cut.trim_end())
}

/// The collection form as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct CollectionInput {
    pub title: String,
    pub slug: String,
    pub description_md: String,
    pub featured: Option<String>,
    pub position: String,
}

/// A checked collection.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidCollection {
    pub title: String,
    pub slug: String,
    pub description_md: String,
    pub featured: bool,
    pub position: i64,
}

/// Checks the collection form; the slug comes from the title when left empty.
pub fn validate_collection(input: &CollectionInput) -> Result<ValidCollection, super::FieldErrors> {
    let mut e = super::FieldErrors::new();
    let title = input.title.trim().to_string();
    if title.is_empty() || title.chars().count() > 100 {
        e.insert("title", "Enter a title of at most 100 characters.".into());
    }
    let slug = match input.slug.trim() {
        "" => slugify(&title),
        s => s.to_lowercase(),
    };
    if !is_slug(&slug) {
        e.insert("slug", "Use lower-case letters, digits and single dashes, like summer-sale.".into());
    }
    if input.description_md.chars().count() > 5000 {
        e.insert("description_md", "Use at most 5,000 characters.".into());
    }
    let position = match input.position.trim() {
        "" => 0,
        p => p.parse::<i64>().unwrap_or_else(|_| {
            e.insert("position", "Enter a whole number; lower numbers come first.".into());
            0
        }),
    };
    if !e.is_empty() {
        return Err(e);
    }
    Ok(ValidCollection {
        title,
        slug,
        description_md: input.description_md.trim().to_string(),
        featured: input.featured.is_some(),
        position,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collections_are_checked() {
        let c = validate_collection(&CollectionInput {
            title: "Summer Sale!".into(),
            featured: Some("1".into()),
            ..Default::default()
        })
        .unwrap();
        assert_eq!((c.slug.as_str(), c.featured, c.position), ("summer-sale", true, 0));
        let e = validate_collection(&CollectionInput {
            slug: "Bad Slug".into(),
            position: "x".into(),
            ..Default::default()
        })
        .unwrap_err();
        assert!(e.contains_key("title") && e.contains_key("slug") && e.contains_key("position"));
    }

    #[test]
    fn slugs() {
        assert_eq!(slugify("Hand-block Printed Kurta (Blue)"), "hand-block-printed-kurta-blue");
        assert_eq!(slugify("  Crème brûlée!! "), "creme-brulee");
        assert_eq!(slugify("!!!"), "item");
        // Issue 11 (regression): titles in any script get a readable address of their own, not "item".
        assert_eq!(slugify("हाथ से बना कुर्ता"), "haath-se-bnaa-kurtaa");
        assert_eq!(slugify("قميص قطني"), "qmys-qtny");
        assert_eq!(slugify("Châle en laine d’Aïcha"), "chale-en-laine-d-aicha");
        assert_eq!(slugify("Ærø Øl straße"), "aero-ol-strasse");
        assert!(is_slug("blue-kurta-2"));
        for bad in ["", "Blue", "a--b", "-a", "a-", "a b", "a/b"] {
            assert!(!is_slug(bad), "{bad}");
        }
    }

    #[test]
    fn availability_from_stock() {
        let s = |on_hand, reserved, track, backorder| Stock { on_hand, reserved, track, backorder };
        assert_eq!(s(10, 2, true, false).available(), Some(8));
        assert_eq!(s(10, 2, true, false).availability(), Availability::InStock);
        assert_eq!(s(5, 2, true, false).availability(), Availability::Few(3));
        assert_eq!(s(2, 2, true, false).availability(), Availability::SoldOut);
        assert_eq!(s(0, 0, true, true).availability(), Availability::Backorder);
        assert_eq!(s(-3, 0, true, true).available(), Some(0));
        assert_eq!(s(0, 0, false, false).available(), None);
        assert_eq!(s(0, 0, false, false).availability(), Availability::InStock);
    }

    #[test]
    fn drops_release_at_their_time() {
        let now = Utc::now();
        assert!(is_released(None, now));
        assert!(is_released(Some(now), now));
        assert!(!is_released(Some(now + chrono::Duration::seconds(1)), now));
    }

    #[test]
    fn markdown_is_rendered_without_html_or_script_links() {
        let html = markdown_to_html(
            "**Soft** cotton <script>alert(1)</script>\n\n[x](javascript:alert(1)) [ok](https://a.example)",
        );
        assert!(html.contains("<strong>Soft</strong>"));
        assert!(html.contains("&lt;script&gt;"), "{html}");
        assert!(!html.contains("<script>"));
        assert!(!html.contains("javascript:"), "{html}");
        assert!(html.contains("href=\"https://a.example\""));
        assert!(markdown_to_html("<img src=x onerror=alert(1)>").contains("&lt;img"));
    }

    #[test]
    fn summaries_are_plain_and_short() {
        assert_eq!(plain_summary("**Soft** cotton.\n\nSecond para.", 100), "Soft cotton.");
        assert_eq!(plain_summary("abcdefghij", 5), "abcd…");
    }
}
