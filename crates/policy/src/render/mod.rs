//! `vow policy render`: the human-readable privacy policy and cookie notice.
//!
//! The policy is turned into a document tree in the target language
//! (`view`, with every fixed phrase from `i18n`), which a small template lays
//! out as Markdown or as a standalone HTML page. Templates hold no logic
//! beyond layout, so both formats say exactly the same thing.

pub mod i18n;
mod view;

use std::str::FromStr;

use minijinja::{Environment, context};

use crate::model::Policy;

pub use i18n::Language;
// The phrases and names, for other documents in the policy's language
// (the export package's summary).
pub use view::{date, group_name, jurisdiction_name};

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Markdown,
    Html,
}

impl FromStr for Format {
    type Err = RenderError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "md" | "markdown" => Ok(Format::Markdown),
            "html" | "htm" => Ok(Format::Html),
            other => Err(RenderError::UnknownFormat(other.to_owned())),
        }
    }
}

/// Why a policy could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("`{0}` is not a format vow renders: use `md` or `html`")]
    UnknownFormat(String),
    #[error("`{0}` is not a language vow renders: use one of en, fr, uk")]
    UnknownLanguage(String),
    #[error("the {0} template failed: {1}")]
    Template(&'static str, minijinja::Error),
}

const MARKDOWN: &str = include_str!("templates/policy.md.j2");
const HTML: &str = include_str!("templates/policy.html.j2");

/// Renders `policy` in `format` and language `lang` (`en`, `fr`, `uk`).
pub fn render(policy: &Policy, format: Format, lang: &str) -> Result<String, RenderError> {
    let language =
        Language::parse(lang).ok_or_else(|| RenderError::UnknownLanguage(lang.to_owned()))?;
    let document = view::build(policy, language);
    let (name, source) = match format {
        Format::Markdown => ("policy.md", MARKDOWN),
        Format::Html => ("policy.html", HTML),
    };
    let mut env = Environment::new();
    env.set_syntax(
        minijinja::syntax::SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .build()
            .expect("the default delimiters are valid"),
    );
    env.add_filter("md", markdown_text);
    env.add_filter("md_cell", markdown_cell);
    env.add_template(name, source)
        .map_err(|e| RenderError::Template(name, e))?;
    let template = env
        .get_template(name)
        .map_err(|e| RenderError::Template(name, e))?;
    let mut out = template
        .render(context! { doc => minijinja::Value::from(minijinja::value::Serde(&document)) })
        .map_err(|e| RenderError::Template(name, e))?;
    if !out.ends_with('\n') {
        out.push('\n');
    }
    Ok(out)
}

/// Escapes text so Markdown shows it as written (`_ga`, `TS*`, `<b>`).
fn markdown_text(text: String) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '*' | '_' | '`' | '<' | '>' | '[' | ']' | '#' | '|'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Like [`markdown_text`], on one line, for a table cell.
fn markdown_cell(text: String) -> String {
    markdown_text(text.replace(['\n', '\r'], " "))
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = include_str!("../../tests/fixtures/minimal.yaml");

    fn policy(text: &str) -> Policy {
        crate::check("minimal.yaml", text)
            .unwrap_or_else(|r| panic!("{}", r.render(false)))
            .policy
    }

    #[test]
    fn escapes_html() {
        let p = policy(&MINIMAL.replace(
            "name: Answering your questions",
            "name: \"<script>alert(1)</script>\"",
        ));
        let html = render(&p, Format::Html, "en").expect("renders");
        assert!(!html.contains("<script>alert"));
        assert!(html.contains("&lt;script&gt;alert(1)"));
    }

    #[test]
    fn escapes_markdown_table_cells() {
        assert_eq!(markdown_cell("a | b\nc".into()), "a \\| b c");
        assert_eq!(markdown_text("_ga and TS*".into()), "\\_ga and TS\\*");
    }

    #[test]
    fn unknown_language_and_format() {
        let p = policy(MINIMAL);
        let err = render(&p, Format::Html, "de").expect_err("no German");
        assert_eq!(
            err.to_string(),
            "`de` is not a language vow renders: use one of en, fr, uk"
        );
        assert!("pdf".parse::<Format>().is_err());
        assert_eq!("md".parse::<Format>().ok(), Some(Format::Markdown));
    }
}
