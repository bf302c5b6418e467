//! The JSON Schema of the policy language, and the structural check that
//! uses it.
//!
//! The schema is generated from the Rust types (`schemars`), so editors and
//! `vow policy check` agree by construction. Validation errors from
//! `jsonschema` are translated into diagnostics that speak the policy's
//! language: "unknown field `purpse`, did you mean `purposes`?".

use std::sync::OnceLock;

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::{ValidationError, Validator};
use serde_json::Value;

use super::{
    INVALID_FORMAT, INVALID_VALUE, MISSING_FIELD, OUT_OF_RANGE, UNKNOWN_FIELD, WRONG_TYPE,
};
use crate::diagnostic::{Diagnostic, nearest};
use crate::model::Policy;
use crate::source::escape;

/// The JSON Schema (2020-12) of a policy document.
pub fn json_schema() -> &'static Value {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        let mut schema =
            serde_json::to_value(schemars::schema_for!(Policy)).expect("the schema serialises");
        if let Some(obj) = schema.as_object_mut() {
            obj.insert(
                "$id".into(),
                Value::String("https://vow.dev/schema/policy-v1.json".into()),
            );
        }
        schema
    })
}

/// The schema as pretty-printed JSON, as committed in `schema/policy.schema.json`.
pub fn json_schema_text() -> String {
    let mut text = serde_json::to_string_pretty(json_schema()).expect("the schema serialises");
    text.push('\n');
    text
}

fn validator() -> &'static Validator {
    static VALIDATOR: OnceLock<Validator> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        jsonschema::options()
            .should_validate_formats(true)
            .build(json_schema())
            .expect("the generated schema is a valid JSON Schema")
    })
}

/// A change that makes a structurally broken document parse, so that the
/// checks after the schema can still run and report their own errors.
#[derive(Debug, Clone, PartialEq)]
pub enum Repair {
    /// Remove the field at this pointer.
    Remove(String),
    /// Put a valid placeholder at this pointer.
    Set(String, Value),
}

impl Repair {
    /// The pointer below which later diagnostics are noise caused by the repair.
    pub fn path(&self) -> &str {
        match self {
            Repair::Remove(path) | Repair::Set(path, _) => path,
        }
    }
}

/// What the schema check found.
#[derive(Debug, Default)]
pub struct Outcome {
    pub diagnostics: Vec<Diagnostic>,
    pub repairs: Vec<Repair>,
}

/// Every structural error in `document`, and how to get past each.
pub fn validate(document: &Value) -> Outcome {
    validate_with(validator(), json_schema(), document)
}

thread_local! {
    /// The schema the errors being translated come from (the translation
    /// looks up descriptions, alternatives and placeholders in it).
    static SCHEMA: std::cell::Cell<Option<&'static Value>> = const { std::cell::Cell::new(None) };
}

/// The same, against another vow file format's schema (datasets):
/// `validator` is built from `schema`.
pub fn validate_with(validator: &Validator, schema: &'static Value, document: &Value) -> Outcome {
    let previous = SCHEMA.replace(Some(schema));
    let mut out = Outcome::default();
    for error in validator.iter_errors(document) {
        translate(&error, &mut out);
    }
    SCHEMA.set(previous);
    out.diagnostics
        .sort_by(|a, b| a.path.cmp(&b.path).then_with(|| a.message.cmp(&b.message)));
    out.diagnostics.dedup();
    out
}

/// Applies `repairs` to `document`. Returns false when one could not be applied.
pub fn apply(document: &mut Value, repairs: &[Repair]) -> bool {
    for repair in repairs {
        let ok = match repair {
            Repair::Remove(path) => {
                let (parent, key) = split_pointer(path);
                document
                    .pointer_mut(parent)
                    .and_then(Value::as_object_mut)
                    .is_some_and(|obj| obj.shift_remove(&unescape(key)).is_some())
            }
            Repair::Set(path, value) if path.is_empty() => {
                *document = value.clone();
                true
            }
            Repair::Set(path, value) => {
                let (parent, key) = split_pointer(path);
                match document.pointer_mut(parent) {
                    Some(Value::Object(obj)) => {
                        obj.insert(unescape(key), value.clone());
                        true
                    }
                    Some(Value::Array(items)) => match key.parse::<usize>() {
                        Ok(i) if i < items.len() => {
                            items[i] = value.clone();
                            true
                        }
                        _ => false,
                    },
                    _ => false,
                }
            }
        };
        if !ok {
            return false;
        }
    }
    true
}

fn split_pointer(path: &str) -> (&str, &str) {
    path.rsplit_once('/').unwrap_or(("", path))
}

fn unescape(segment: &str) -> String {
    segment.replace("~1", "/").replace("~0", "~")
}

/// A valid value for the schema `node`: the first enum option, the empty
/// list, an object with its required fields, a string matching the id or
/// duration pattern. Used only to let later checks run.
fn placeholder(node: &Value) -> Value {
    if let Some(reference) = node.get("$ref").and_then(Value::as_str) {
        let name = reference.rsplit('/').next().unwrap_or_default();
        let known = match name {
            "ElementId" | "CategoryKey" => Some("x"),
            "PromiseId" => Some("XX-00"),
            "Jurisdiction" => Some("GLOBAL"),
            "Lang" => Some("en"),
            "Duration" => Some("1 day"),
            _ => None,
        };
        if let Some(text) = known {
            return Value::String(text.to_owned());
        }
        return schema_at(reference.trim_start_matches('#')).map_or(Value::Null, placeholder);
    }
    if let Some(value) = node.get("const") {
        return value.clone();
    }
    if let Some(first) = node
        .get("enum")
        .and_then(Value::as_array)
        .and_then(|v| v.first())
    {
        return first.clone();
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(first) = node
            .get(key)
            .and_then(Value::as_array)
            .and_then(|v| v.first())
        {
            return placeholder(first);
        }
    }
    let kind = match node.get("type") {
        Some(Value::String(t)) => t.as_str(),
        Some(Value::Array(ts)) => ts.iter().find_map(Value::as_str).unwrap_or("null"),
        _ => "null",
    };
    if let Some(pattern) = node.get("pattern") {
        let check = serde_json::json!({ "type": "string", "pattern": pattern });
        if let Ok(validator) = jsonschema::validator_for(&check) {
            for candidate in ["x", "XX-00", "GLOBAL", "en", "1 day", "session"] {
                let candidate = Value::String(candidate.to_owned());
                if validator.is_valid(&candidate) {
                    return candidate;
                }
            }
        }
    }
    match kind {
        "string" if node.get("format").and_then(Value::as_str) == Some("date") => {
            Value::String("1970-01-01".into())
        }
        "string" => Value::String("x".into()),
        "integer" | "number" => node.get("minimum").cloned().unwrap_or(Value::from(0)),
        "boolean" => Value::Bool(false),
        "array" => Value::Array(Vec::new()),
        "object" => {
            let mut obj = serde_json::Map::new();
            let required = node
                .get("required")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            for field in required.iter().filter_map(Value::as_str) {
                let sub = node
                    .get("properties")
                    .and_then(|p| p.get(field))
                    .map_or(Value::Null, placeholder);
                obj.insert(field.to_owned(), sub);
            }
            Value::Object(obj)
        }
        _ => Value::Null,
    }
}

fn translate(error: &ValidationError<'_>, outcome: &mut Outcome) {
    let out = &mut outcome.diagnostics;
    let path = error.instance_path().as_str().to_owned();
    let keyword = keyword_location(error);
    let schema_node = schema_at(keyword.rsplit_once('/').map_or("", |(parent, _)| parent));
    let instance = error.instance();
    let what = describe_path(&path);
    if matches!(
        error.kind(),
        ValidationErrorKind::Type { .. }
            | ValidationErrorKind::Enum { .. }
            | ValidationErrorKind::Constant { .. }
            | ValidationErrorKind::Pattern { .. }
            | ValidationErrorKind::Format { .. }
            | ValidationErrorKind::Minimum { .. }
            | ValidationErrorKind::Maximum { .. }
    ) {
        outcome.repairs.push(Repair::Set(
            path.clone(),
            schema_node.map_or(Value::Null, placeholder),
        ));
    }
    match error.kind() {
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            let allowed: Vec<&str> = schema_node
                .and_then(|s| s.get("properties"))
                .and_then(Value::as_object)
                .map(|p| p.keys().map(String::as_str).collect())
                .unwrap_or_default();
            for key in unexpected {
                outcome
                    .repairs
                    .push(Repair::Remove(format!("{path}/{}", escape(key))));
                let mut d = Diagnostic::error(
                    &UNKNOWN_FIELD,
                    format!("{path}/{}", escape(key)),
                    format!("unknown field `{key}` in {what}"),
                )
                .on_key()
                .with_label("unknown field");
                d = match nearest(key, allowed.iter().copied()) {
                    Some(best) => d.with_help(format!("did you mean `{best}`?")),
                    // `{name: a, b, c}`: the commas split a value into fields.
                    None if key.contains(' ') || key.is_empty() => d.with_help(
                        "if this is part of the previous value, put that value in quotes: inside `{...}` a comma starts a new field",
                    ),
                    None => d.with_help(format!("the fields of {what} are: {}", list(&allowed))),
                };
                out.push(d);
            }
        }
        ValidationErrorKind::Required { property } => {
            let field = property.as_str().unwrap_or_default();
            let field_schema = schema_node
                .and_then(|s| s.get("properties"))
                .and_then(|p| p.get(field));
            outcome.repairs.push(Repair::Set(
                format!("{path}/{}", escape(field)),
                field_schema.map_or(Value::Null, placeholder),
            ));
            let description = field_schema
                .and_then(describe_schema)
                .map(|d| format!(": {}", lower_first(&d)))
                .unwrap_or_default();
            out.push(
                Diagnostic::error(
                    &MISSING_FIELD,
                    path.clone(),
                    format!("{what} is missing the field `{field}`"),
                )
                .on_key()
                .with_label(format!("`{field}` missing"))
                .with_help(format!("add `{field}`{description}")),
            );
        }
        ValidationErrorKind::Type { kind } => {
            let expected = match kind {
                TypeKind::Single(t) => type_name(&t.to_string()).to_owned(),
                TypeKind::Multiple(ts) => ts
                    .iter()
                    .map(|t| type_name(&t.to_string()).to_owned())
                    .collect::<Vec<_>>()
                    .join(" or "),
            };
            let description = schema_node.and_then(|s| s.get("description"));
            out.push(wrong_type(&path, &what, &expected, instance, description));
        }
        ValidationErrorKind::Enum { options }
        | ValidationErrorKind::Constant {
            expected_value: options,
        } => {
            let options: Vec<String> = match options.as_ref() {
                Value::Array(values) => values.iter().map(scalar_text).collect(),
                other => vec![scalar_text(other)],
            };
            out.push(invalid_value(&path, &what, instance, &options));
        }
        ValidationErrorKind::Pattern { .. } | ValidationErrorKind::Format { .. } => {
            let described = || {
                schema_node
                    .and_then(|s| s.get("description"))
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            };
            let expected = match error.kind() {
                ValidationErrorKind::Format { format } if format == "date" => {
                    "a date written YYYY-MM-DD, such as 2026-12-01".to_owned()
                }
                ValidationErrorKind::Format { format } => format!("a valid {format}"),
                _ => described().unwrap_or_else(|| "the documented format".to_owned()),
            };
            out.push(
                Diagnostic::error(
                    &INVALID_FORMAT,
                    path.clone(),
                    format!("`{}` is not a valid {}", scalar_text(instance), noun(&path)),
                )
                .with_label("malformed")
                .with_help(format!("expected {}", first_sentence(&expected))),
            );
        }
        ValidationErrorKind::Minimum { limit } | ValidationErrorKind::Maximum { limit } => {
            let bound = if matches!(error.kind(), ValidationErrorKind::Minimum { .. }) {
                "at least"
            } else {
                "at most"
            };
            out.push(
                Diagnostic::error(
                    &OUT_OF_RANGE,
                    path.clone(),
                    format!("{what} must be {bound} {limit}, not {instance}"),
                )
                .with_label("out of range"),
            );
        }
        ValidationErrorKind::AnyOf { context } | ValidationErrorKind::OneOfNotValid { context } => {
            let alternatives_node = schema_at(&keyword);
            let options = const_options(alternatives_node);
            if instance.is_string() && !options.is_empty() {
                out.push(invalid_value(&path, &what, instance, &options));
                outcome.repairs.push(Repair::Set(
                    path,
                    alternatives_node.map_or(Value::Null, |n| {
                        placeholder(&serde_json::json!({"oneOf": n}))
                    }),
                ));
                return;
            }
            match best_alternative(context) {
                Some(errors) => {
                    for e in errors {
                        translate(e, outcome);
                    }
                }
                None => {
                    outcome.repairs.push(Repair::Set(
                        path.clone(),
                        alternatives_node.map_or(Value::Null, |n| {
                            placeholder(&serde_json::json!({"oneOf": n}))
                        }),
                    ));
                    let expected = alternatives(schema_at(&keyword));
                    let description =
                        schema_at(&keyword_parent(&keyword)).and_then(|s| s.get("description"));
                    out.push(wrong_type(&path, &what, &expected, instance, description));
                }
            }
        }
        _ => {
            outcome.repairs.push(Repair::Set(
                path.clone(),
                schema_node.map_or(Value::Null, placeholder),
            ));
            out.push(
                Diagnostic::error(&WRONG_TYPE, path.clone(), format!("{what}: {error}"))
                    .with_help("run `vow policy schema` to see what each field takes"),
            );
        }
    }
}

/// "`categories` should be a list, not the text `user.contact`".
fn wrong_type(
    path: &str,
    what: &str,
    expected: &str,
    instance: &Value,
    description: Option<&Value>,
) -> Diagnostic {
    Diagnostic::error(
        &WRONG_TYPE,
        path,
        format!("{what} should be {expected}, not {}", value_kind(instance)),
    )
    .with_label(format!("expected {expected}"))
    .with_help(example_help(description))
}

/// "`opt-in` is not a valid value", with the nearest allowed one.
fn invalid_value(path: &str, what: &str, instance: &Value, options: &[String]) -> Diagnostic {
    let given = scalar_text(instance);
    let help = match nearest(&given, options.iter().map(String::as_str)) {
        Some(best) => format!("did you mean `{best}`? allowed: {}", list(options)),
        None => format!("allowed: {}", list(options)),
    };
    Diagnostic::error(
        &INVALID_VALUE,
        path,
        format!("`{given}` is not a valid value for {what}"),
    )
    .with_label("not allowed here")
    .with_help(help)
}

/// For `anyOf`/`oneOf`: the alternative whose errors say the most — one
/// that got past the type check, reaching deepest into the value. `None`
/// when every alternative failed on the type of the value itself.
fn best_alternative<'a>(
    context: &'a [Vec<ValidationError<'static>>],
) -> Option<&'a Vec<ValidationError<'static>>> {
    let score = |errors: &Vec<ValidationError<'static>>| {
        let depth = errors
            .iter()
            .map(|e| e.instance_path().as_str().matches('/').count())
            .max()
            .unwrap_or(0);
        let typed = errors
            .iter()
            .all(|e| matches!(e.kind(), ValidationErrorKind::Type { .. }));
        (!typed, depth, usize::MAX - errors.len())
    };
    let best = context
        .iter()
        .filter(|e| !e.is_empty())
        .max_by_key(|e| score(e))?;
    if best
        .iter()
        .all(|e| matches!(e.kind(), ValidationErrorKind::Type { .. }))
    {
        None
    } else {
        Some(best)
    }
}

/// The constant values among the alternatives of a `oneOf`/`anyOf`, plus
/// the `key: ...` forms of single-key object alternatives.
fn const_options(node: Option<&Value>) -> Vec<String> {
    let Some(alternatives) = node.and_then(Value::as_array) else {
        return Vec::new();
    };
    let mut consts = Vec::new();
    let mut forms = Vec::new();
    for alternative in alternatives.iter().map(resolve) {
        if let Some(value) = alternative.get("const") {
            consts.push(scalar_text(value));
        } else if let Some(values) = alternative.get("enum").and_then(Value::as_array) {
            consts.extend(values.iter().map(scalar_text));
        } else if let Some(props) = alternative.get("properties").and_then(Value::as_object)
            && props.len() == 1
        {
            forms.push(format!("{}: ...", props.keys().next().expect("one key")));
        }
    }
    if !consts.is_empty() {
        consts.extend(forms);
    }
    consts
}

/// "a text or a map of language to text" for an anyOf of types.
fn alternatives(node: Option<&Value>) -> String {
    let Some(options) = node.and_then(Value::as_array) else {
        return "a different kind of value".to_owned();
    };
    let mut names: Vec<String> = options
        .iter()
        .map(|o| {
            let o = resolve(o);
            if let Some(values) = o.get("enum").and_then(Value::as_array) {
                return format!(
                    "one of {}",
                    list(&values.iter().map(scalar_text).collect::<Vec<_>>())
                );
            }
            if let Some(props) = o.get("properties").and_then(Value::as_object)
                && props.len() == 1
            {
                let key = props.keys().next().expect("one key");
                return format!("`{key}: ...`");
            }
            o.get("type")
                .and_then(Value::as_str)
                .map_or_else(|| "another form".to_owned(), |t| type_name(t).to_owned())
        })
        .collect();
    names.dedup();
    names.join(" or ")
}

fn resolve(node: &Value) -> &Value {
    match node.get("$ref").and_then(Value::as_str) {
        Some(reference) => schema_at(reference.trim_start_matches('#')).unwrap_or(node),
        None => node,
    }
}

/// The JSON pointer, inside the schema document, of the keyword that failed.
fn keyword_location(error: &ValidationError<'_>) -> String {
    if let Some(uri) = error.absolute_keyword_location()
        && let Some(fragment) = uri.fragment()
    {
        return percent_decode(fragment.as_str());
    }
    error.schema_path().as_str().to_owned()
}

fn keyword_parent(keyword: &str) -> String {
    keyword
        .rsplit_once('/')
        .map_or(String::new(), |(parent, _)| parent.to_owned())
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(&text[i + 1..i + 3], 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn schema_at(pointer: &str) -> Option<&'static Value> {
    SCHEMA.get().unwrap_or_else(json_schema).pointer(pointer)
}

/// "purpose 3 (`marketing_email`)" style names for a pointer.
fn describe_path(path: &str) -> String {
    if path.is_empty() {
        return "the policy".to_owned();
    }
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let mut words = Vec::new();
    let mut i = 0;
    while i < segments.len() {
        let seg = segments[i];
        match segments.get(i + 1).and_then(|n| n.parse::<usize>().ok()) {
            Some(n) => {
                words.push(format!(
                    "{}[{n}]",
                    seg.replace("~1", "/").replace("~0", "~")
                ));
                i += 2;
            }
            None => {
                words.push(seg.replace("~1", "/").replace("~0", "~"));
                i += 1;
            }
        }
    }
    format!("`{}`", words.join("."))
}

/// The last named field of a pointer ("duration", "id").
fn noun(path: &str) -> String {
    let last = path
        .rsplit('/')
        .find(|s| s.parse::<usize>().is_err())
        .unwrap_or("value");
    match last {
        "promises" => "promise id".to_owned(),
        "categories" | "collects" | "required" | "optional" | "read" | "write" => {
            "category key".to_owned()
        }
        "jurisdictions" | "locations" | "required_in" | "to" | "from" | "established_in" => {
            "jurisdiction".to_owned()
        }
        other => format!("`{other}`"),
    }
}

fn describe_schema(node: &Value) -> Option<String> {
    node.get("description")
        .or_else(|| resolve(node).get("description"))
        .and_then(Value::as_str)
        .map(first_sentence)
}

fn first_sentence(text: &str) -> String {
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match one_line.find(". ") {
        Some(end) => one_line[..=end].trim_end().to_owned(),
        None => one_line,
    }
}

fn example_help(description: Option<&Value>) -> String {
    description
        .and_then(Value::as_str)
        .map(|d| format!("this field is {}", lower_first(&first_sentence(d))))
        .unwrap_or_else(|| "run `vow policy schema` to see what each field takes".to_owned())
}

fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn type_name(t: &str) -> &'static str {
    match t {
        "string" => "a text",
        "array" => "a list",
        "object" => "a mapping",
        "integer" => "a whole number",
        "number" => "a number",
        "boolean" => "true or false",
        "null" => "empty",
        _ => "another kind of value",
    }
}

fn value_kind(value: &Value) -> String {
    match value {
        Value::Null => "empty".to_owned(),
        Value::Bool(b) => format!("`{b}`"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => format!("the text `{s}`"),
        Value::Array(_) => "a list".to_owned(),
        Value::Object(_) => "a mapping".to_owned(),
    }
}

fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn list<S: AsRef<str>>(items: &[S]) -> String {
    let shown: Vec<String> = items
        .iter()
        .take(24)
        .map(|s| format!("`{}`", s.as_ref()))
        .collect();
    let more = items.len().saturating_sub(24);
    if more > 0 {
        format!("{} and {more} more", shown.join(", "))
    } else {
        shown.join(", ")
    }
}
