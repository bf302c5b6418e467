//! `vow policy check`: from text to a checked [`Policy`], or every error at once.
//!
//! The pipeline, each stage reporting by JSON pointer:
//! 1. YAML syntax (serde-saphyr), which stops everything when it fails;
//! 2. structure against the JSON Schema generated from the model (`schema`):
//!    unknown fields with the nearest valid one, missing fields, wrong types,
//!    values outside an enum, malformed ids, durations and dates;
//! 3. the typed parse into [`Policy`] (cannot fail once 2 passed, but is
//!    reported if it does);
//! 4. meaning (`references`): unique ids, references that resolve,
//!    combinations that make no sense.
//!
//! Lints (legal findings) are not here: a policy that checks may still
//! break the law, and `lint` says how.

mod references;
mod schema;

use crate::diagnostic::{CodeInfo, Diagnostic, Report, Severity, SourceFile};
use crate::index::PolicyIndex;
use crate::model::{FORMAT_VERSION, Policy};

pub use schema::{json_schema, json_schema_text};

macro_rules! codes {
    ($($ident:ident = $code:literal, $name:literal, $summary:literal;)*) => {
        $(pub const $ident: CodeInfo = CodeInfo {
            code: $code,
            name: $name,
            severity: Severity::Error,
            summary: $summary,
        };)*
        /// Every check error code, in order.
        pub const CODES: &[CodeInfo] = &[$($ident),*];
    };
}

codes! {
    YAML_SYNTAX = "P001", "yaml-syntax", "The file is not well-formed YAML.";
    UNKNOWN_FIELD = "P002", "unknown-field", "A field that the policy language does not have (often a typo).";
    MISSING_FIELD = "P003", "missing-field", "A required field is absent.";
    WRONG_TYPE = "P004", "wrong-type", "A value of the wrong kind: a list where a text is expected, and so on.";
    INVALID_VALUE = "P005", "invalid-value", "A value outside the allowed set (consent models, lawful bases, tracker categories...).";
    INVALID_FORMAT = "P006", "invalid-format", "A malformed id, category key, promise id, jurisdiction, duration or date.";
    DUPLICATE_ID = "P007", "duplicate-id", "Two elements of the same list share an id.";
    UNRESOLVED_REFERENCE = "P008", "unresolved-reference", "A reference to an element that is not declared.";
    UNSUPPORTED_VERSION = "P009", "unsupported-version", "The `vow:` language version is not one this build reads.";
    OUT_OF_RANGE = "P010", "out-of-range", "A number outside its allowed range.";
    INVALID_COMBINATION = "P011", "invalid-combination", "Fields that contradict each other (advance notice with no period, a consent basis with no consent model...).";
    NOT_A_POLICY = "P012", "not-a-policy", "The document does not have the shape of a policy at all.";
}

/// A policy that passed `check`, with the text it came from.
#[derive(Debug, Clone)]
pub struct Checked {
    pub policy: Policy,
    pub index: PolicyIndex,
    pub source: SourceFile,
}

/// Parses and validates `text` (named `name` in messages). On failure the
/// report holds every error found, each located in the text.
pub fn check(name: &str, text: &str) -> Result<Checked, Box<Report>> {
    let source = SourceFile::new(name, text);
    match check_source(&source) {
        Ok((policy, index)) => Ok(Checked {
            policy,
            index,
            source,
        }),
        Err(diagnostics) => Err(Box::new(Report::new(source, diagnostics))),
    }
}

fn check_source(source: &SourceFile) -> Result<(Policy, PolicyIndex), Vec<Diagnostic>> {
    let value = parse_yaml(&source.text).map_err(|err| vec![yaml_error(source, &err)])?;
    if !value.is_object() {
        return Err(vec![
            Diagnostic::error(&NOT_A_POLICY, "", "a policy is a YAML mapping, starting with `vow: 1`")
                .with_help("start the file with `vow: 1`, then `policy:`, `organisation:`, `jurisdictions:`, `categories:`, `purposes:` and `notice:`"),
        ]);
    }
    if let Some(version) = value.get("vow")
        && version.as_u64() != Some(u64::from(FORMAT_VERSION))
    {
        return Err(vec![
            Diagnostic::error(
                &UNSUPPORTED_VERSION,
                "/vow",
                format!("this build of vow reads policy language version {FORMAT_VERSION}, not {version}"),
            )
            .with_label("unsupported version")
            .with_help(format!("write `vow: {FORMAT_VERSION}`, or upgrade vow")),
        ]);
    }
    let mut value = value;
    let outcome = schema::validate(&value);
    let mut diagnostics = outcome.diagnostics;
    let mut repaired: Vec<String> = Vec::new();
    if !diagnostics.is_empty() {
        // Get past the structural errors so the checks of meaning can still
        // report theirs: every error at once, not only the first kind.
        if !schema::apply(&mut value, &outcome.repairs)
            || !schema::validate(&value).diagnostics.is_empty()
        {
            return Err(diagnostics);
        }
        repaired = outcome
            .repairs
            .iter()
            .map(|r| r.path().to_owned())
            .collect();
    }
    let policy: Policy = match serde_json::from_value(value) {
        Ok(policy) => policy,
        Err(err) if diagnostics.is_empty() => {
            return Err(vec![
                Diagnostic::error(
                    &WRONG_TYPE,
                    "",
                    format!("the policy does not match the language: {err}"),
                )
                .with_help("run `vow policy schema` to see what each field takes"),
            ]);
        }
        Err(_) => return Err(diagnostics),
    };
    let index = PolicyIndex::build(&policy);
    let under_repair = |path: &str| {
        repaired.iter().any(|r| {
            path == r
                || (path.starts_with(r.as_str()) && path.as_bytes().get(r.len()) == Some(&b'/'))
        })
    };
    diagnostics.extend(
        references::validate(&policy, &index)
            .into_iter()
            .filter(|d| !under_repair(&d.path) && !d.related.iter().any(|r| under_repair(&r.path))),
    );
    if diagnostics.is_empty() {
        Ok((policy, index))
    } else {
        Err(diagnostics)
    }
}

/// Parses and checks the structure of another vow YAML format (a dataset
/// file) against its JSON Schema (`validator`, built from `schema`), then reads it as `T`. Diagnostics use the
/// same structural codes as a policy (P001 to P006: syntax, unknown and
/// missing fields, wrong types, values, formats), located in `source`;
/// the caller adds the checks of meaning.
///
/// `noun` names the document in messages (`the dataset`) and
/// `schema_command` the command that prints its schema.
pub fn check_document<T: serde::de::DeserializeOwned>(
    source: &SourceFile,
    validator: &jsonschema::Validator,
    schema: &'static serde_json::Value,
    noun: &str,
    schema_command: &str,
) -> Result<T, Vec<Diagnostic>> {
    let value = parse_yaml(&source.text).map_err(|err| vec![yaml_error(source, &err)])?;
    let outcome = schema::validate_with(validator, schema, &value);
    if !outcome.diagnostics.is_empty() {
        let speak = |text: &str| {
            text.replace("`vow policy schema`", &format!("`{schema_command}`"))
                .replace("the policy", noun)
        };
        return Err(outcome
            .diagnostics
            .into_iter()
            .map(|mut d| {
                d.message = speak(&d.message);
                d.help = d.help.as_deref().map(speak);
                d.label = d.label.as_deref().map(speak);
                d
            })
            .collect());
    }
    serde_json::from_value(value).map_err(|err| {
        vec![
            Diagnostic::error(
                &WRONG_TYPE,
                "",
                format!("{noun} does not match its format: {err}"),
            )
            .with_help(format!(
                "run `{schema_command}` to see what each field takes"
            )),
        ]
    })
}

/// The most YAML nodes one policy may hold: a policy with 10,000 purposes,
/// recipients and trackers has about 600,000; a hostile file stops here.
pub const MAX_YAML_NODES: usize = 20_000_000;

/// The YAML text as a JSON value, within vow's size limits: the first stage
/// of `check`, on its own for tools and benchmarks.
pub fn parse_yaml(text: &str) -> Result<serde_json::Value, serde_saphyr::Error> {
    serde_saphyr::from_str_with_options(text, yaml_options())
}

fn yaml_options() -> serde_saphyr::Options {
    let mut budget = serde_saphyr::Budget::default();
    budget.max_nodes = MAX_YAML_NODES;
    budget.max_events = 2 * MAX_YAML_NODES;
    let mut options = serde_saphyr::Options::default();
    options.budget = Some(budget);
    options
}

fn yaml_error(source: &SourceFile, err: &serde_saphyr::Error) -> Diagnostic {
    let message = first_line(&err.to_string());
    let mut d = if message.contains("budget breached") {
        Diagnostic::error(&YAML_SYNTAX, "", format!("the file is larger than vow reads ({message})"))
            .with_label("limit reached here")
            .with_help(format!(
                "a policy may hold at most {MAX_YAML_NODES} YAML nodes, nest 64 levels deep and use 50,000 aliases; move generated data out of the policy"
            ))
    } else if let Some(rest) = message.strip_prefix("duplicate mapping key: ") {
        let key = rest.split(", set ").next().unwrap_or(rest);
        Diagnostic::error(
            &YAML_SYNTAX,
            "",
            format!("the key `{key}` appears twice in the same mapping"),
        )
        .with_label("second occurrence")
        .with_help("keep one of the two entries (YAML does not merge them)")
    } else {
        Diagnostic::error(&YAML_SYNTAX, "", message)
            .with_label("here")
            .with_help(
                "fix the YAML syntax first: indentation with spaces, `key: value`, lists with `- `",
            )
    };
    if let Some(location) = err.location()
        && location.line() > 0
    {
        let span = location.span();
        let offset = span.byte_offset().map_or_else(
            || {
                byte_at(
                    &source.text,
                    location.line() as usize,
                    location.column() as usize,
                )
            },
            |b| b as usize,
        );
        d.location = Some(source.location_of(crate::source::ByteSpan {
            offset: offset.min(source.text.len()),
            len: span.byte_len().unwrap_or(1).max(1) as usize,
        }));
    }
    d
}

/// The byte offset of a 1-based line and column.
fn byte_at(text: &str, line: usize, column: usize) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    let line_text = &text[start.min(text.len())..];
    start
        + line_text
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(line_text.len(), |(i, _)| i)
}

/// The first line of a parser message, without its own "line N column M" prefix.
fn first_line(message: &str) -> String {
    let line = message.lines().next().unwrap_or(message).trim();
    let line = line.strip_prefix("error: ").unwrap_or(line);
    match line
        .strip_prefix("line ")
        .and_then(|rest| rest.split_once(": "))
    {
        Some((position, rest)) if position.contains("column") => rest.to_owned(),
        _ => line.to_owned(),
    }
}
