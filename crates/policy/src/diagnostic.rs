//! What a person reads when something is wrong: a code, a message, the
//! place in the file, and how to fix it.
//!
//! Every check in this crate (parse, schema, references, lints) produces a
//! [`Diagnostic`] that names its place by JSON pointer. [`SourceFile`] turns
//! the pointer into a line and column, and [`Report`] renders the lot the
//! way Cedar and rustc do (the source line, a caret, a help line) or as
//! JSON for scripts.

use std::fmt;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan};
use serde::Serialize;

use crate::source::{ByteSpan, LineCol, SourceMap};

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        })
    }
}

/// Where the label goes on the node a pointer names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Anchor {
    /// Under the value (a wrong value).
    #[default]
    Value,
    /// Under the key (an unknown field, an object missing a field).
    Key,
}

/// A secondary place related to a diagnostic ("first declared here").
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Related {
    pub path: String,
    pub label: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
}

/// A resolved place in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Location {
    pub line: usize,
    pub column: usize,
    /// Byte offset and length of the marked text.
    pub offset: usize,
    pub length: usize,
}

/// One finding about a policy file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Stable code: `P0xx` for check errors, `L0xx` for lints.
    pub code: &'static str,
    /// Stable kebab-case name of the code.
    pub name: &'static str,
    pub severity: Severity,
    pub message: String,
    /// JSON pointer to the node concerned (`/purposes/3/categories/1`).
    pub path: String,
    #[serde(skip)]
    pub anchor: Anchor,
    /// The short text shown under the caret.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// How to fix it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// The law or guidance a lint comes from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authority: Option<String>,
    /// Where it is, once resolved against the source.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<Related>,
}

impl Diagnostic {
    pub fn error(
        code: &'static CodeInfo,
        path: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            code: code.code,
            name: code.name,
            severity: code.severity,
            message: message.into(),
            path: path.into(),
            anchor: Anchor::Value,
            label: None,
            help: None,
            authority: None,
            location: None,
            related: Vec::new(),
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    pub fn on_key(mut self) -> Self {
        self.anchor = Anchor::Key;
        self
    }

    pub fn with_related(mut self, path: impl Into<String>, label: impl Into<String>) -> Self {
        self.related.push(Related {
            path: path.into(),
            label: label.into(),
            location: None,
        });
        self
    }
}

/// A stable code, its name, default severity and what it means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CodeInfo {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub summary: &'static str,
}

/// A policy file's text, its name and its source map.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub name: String,
    pub text: String,
    pub map: SourceMap,
}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        let text = text.into();
        let map = SourceMap::build(&text);
        SourceFile {
            name: name.into(),
            text,
            map,
        }
    }

    /// Fills in `location` for the diagnostic and its related places.
    pub fn locate(&self, diagnostic: &mut Diagnostic) {
        if diagnostic.location.is_none() {
            diagnostic.location = self.resolve(&diagnostic.path, diagnostic.anchor);
        }
        for related in &mut diagnostic.related {
            related.location = self.resolve(&related.path, Anchor::Value);
        }
    }

    fn resolve(&self, path: &str, anchor: Anchor) -> Option<Location> {
        let (found, node) = self.map.lookup(path)?;
        // A pointer to something absent lands on the parent: mark its key.
        let exact = found == path;
        let span = match (anchor, exact) {
            (Anchor::Value, true) => node.value,
            _ => node.key.unwrap_or(node.value),
        };
        // Marking a whole collection would underline many lines: mark its first line.
        let span = self.first_line(span);
        Some(self.location_of(span))
    }

    fn first_line(&self, span: ByteSpan) -> ByteSpan {
        let text = &self.text[span.offset.min(self.text.len())..];
        let len = text[..span.len.min(text.len())]
            .find('\n')
            .unwrap_or(span.len.min(text.len()));
        ByteSpan {
            offset: span.offset,
            len: text[..len].trim_end().len(),
        }
    }

    /// The location of a byte span.
    pub fn location_of(&self, span: ByteSpan) -> Location {
        let LineCol { line, column } = self.map.line_col(&self.text, span.offset);
        Location {
            line,
            column,
            offset: span.offset,
            length: span.len,
        }
    }
}

/// Diagnostics about one file, ready to show.
#[derive(Debug, Clone)]
pub struct Report {
    pub file: SourceFile,
    pub diagnostics: Vec<Diagnostic>,
}

/// The JSON shape of one diagnostic: the diagnostic plus its file.
#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    file: &'a str,
    #[serde(flatten)]
    diagnostic: &'a Diagnostic,
}

impl Report {
    /// Locates every diagnostic and sorts them by position.
    pub fn new(file: SourceFile, mut diagnostics: Vec<Diagnostic>) -> Report {
        for d in &mut diagnostics {
            file.locate(d);
        }
        diagnostics.sort_by(|a, b| {
            let pos = |d: &Diagnostic| d.location.map_or((usize::MAX, 0), |l| (l.line, l.column));
            pos(a)
                .cmp(&pos(b))
                .then_with(|| a.code.cmp(b.code))
                .then_with(|| a.message.cmp(&b.message))
        });
        Report { file, diagnostics }
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    }

    pub fn has_errors(&self) -> bool {
        self.count(Severity::Error) > 0
    }

    /// The diagnostics as JSON values (each with its file).
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::Value::Array(
            self.diagnostics
                .iter()
                .map(|d| {
                    serde_json::to_value(JsonDiagnostic {
                        file: &self.file.name,
                        diagnostic: d,
                    })
                    .expect("diagnostics serialise")
                })
                .collect(),
        )
    }

    /// Renders every diagnostic as text: `file:line:col`, the source line,
    /// a caret, and the help. `color` adds ANSI colours.
    pub fn render(&self, color: bool) -> String {
        let theme = if color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        let handler = GraphicalReportHandler::new_themed(theme)
            .with_width(100)
            .with_links(false);
        let mut out = String::new();
        for d in &self.diagnostics {
            let shown = Shown {
                file: &self.file,
                diagnostic: d,
            };
            if handler.render_report(&mut out, &shown).is_err() {
                out.push_str(&shown.to_string());
            }
            out.push('\n');
        }
        out
    }
}

/// Adapter from [`Diagnostic`] to miette's rendering.
struct Shown<'a> {
    file: &'a SourceFile,
    diagnostic: &'a Diagnostic,
}

impl fmt::Debug for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.diagnostic;
        match d.location {
            Some(l) => write!(
                f,
                "{}:{}:{}: {}",
                self.file.name, l.line, l.column, d.message
            ),
            None => write!(f, "{}: {}", self.file.name, d.message),
        }
    }
}

impl std::error::Error for Shown<'_> {}

impl miette::Diagnostic for Shown<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(format!(
            "{}::{}",
            self.diagnostic.code, self.diagnostic.name
        )))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diagnostic.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        let d = self.diagnostic;
        match (&d.help, &d.authority) {
            (Some(help), Some(law)) => Some(Box::new(format!("{help}\nsource: {law}"))),
            (Some(help), None) => Some(Box::new(help)),
            (None, Some(law)) => Some(Box::new(format!("source: {law}"))),
            (None, None) => None,
        }
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.diagnostic
            .location
            .map(|_| &self.file.text as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let d = self.diagnostic;
        let primary = d.location.map(|l| {
            LabeledSpan::new_primary_with_span(d.label.clone(), (l.offset, l.length.max(1)))
        });
        let related = d.related.iter().filter_map(|r| {
            r.location.map(|l| {
                LabeledSpan::new_with_span(Some(r.label.clone()), (l.offset, l.length.max(1)))
            })
        });
        Some(Box::new(primary.into_iter().chain(related)))
    }
}

/// The nearest of `candidates` to `word`, if it is close enough to be a
/// likely typo.
pub fn nearest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let word_lower = word.to_ascii_lowercase().replace('-', "_");
    candidates
        .into_iter()
        .map(|c| {
            (
                strsim::damerau_levenshtein(&word_lower, &c.to_ascii_lowercase()),
                c,
            )
        })
        .filter(|(distance, c)| *distance <= (c.len().max(word.len()) / 3).max(2))
        .min_by_key(|(distance, c)| (*distance, c.len()))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_finds_typos() {
        let fields = ["purposes", "recipients", "trackers", "retention"];
        assert_eq!(nearest("purpses", fields), Some("purposes"));
        assert_eq!(nearest("tracker", fields), Some("trackers"));
        assert_eq!(nearest("colour", fields), None);
        assert_eq!(
            nearest("opt-in", ["opt_in", "opt_out", "none"]),
            Some("opt_in")
        );
    }
}
