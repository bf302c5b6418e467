//! The export package of an access or portability request: one zip that
//! holds a copy of everything the datasets hold about the person, and what
//! GDPR Art. 15(1) says they must be told about it.
//!
//! ```text
//! manifest.json                 the request, the datasets and tables with their
//!                               row counts, the SHA-256 of every other file
//! summary.html                  a self-contained page in the policy's language:
//!                               Art. 15(1)(a)-(h) and the rows themselves
//! data.json                     every row, per dataset and table, typed values
//! csv/<dataset>/<table>.csv     one per table: a header row, RFC 4180, nulls empty
//! ```
//!
//! [`write_package`] takes what access found ([`Found`], with the dataset
//! it was found in, for each column's category and each table's retention)
//! and writes the zip; it reads no clock and no database. The same inputs
//! give the same bytes: every entry carries the request's time, entries
//! come in a fixed order, datasets sorted by id.
//!
//! Columns the dataset marks `secret`, or whose category the policy marks
//! secret, are left out of every file; the manifest names them.

mod phrases;
mod summary;

use std::collections::BTreeSet;
use std::io::{Seek, Write};

use chrono::{DateTime, Datelike, Timelike, Utc};
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use vow_policy::render::Language;
use vow_policy::{CategoryKey, Policy};
use zip::write::SimpleFileOptions;

use crate::access::{Found, TableRows};
use crate::dataset::{Dataset, TableSpec};
use crate::plan::SqlValue;
use crate::request::RequestKind;

/// The package format this build writes (`vow_export` in `manifest.json`
/// and `data.json`).
pub const FORMAT_VERSION: u32 = 1;

/// What a request for a copy of one's data asks for. Both get the same
/// package; for portability `data.json` is the machine-readable copy the
/// person takes elsewhere (GDPR Art. 20).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExportKind {
    Access,
    Portability,
}

impl ExportKind {
    /// The package a request of `kind` is answered with, if any.
    pub fn of(kind: &RequestKind) -> Option<ExportKind> {
        match kind {
            RequestKind::Access => Some(ExportKind::Access),
            RequestKind::Portability => Some(ExportKind::Portability),
            _ => None,
        }
    }
}

/// The request a package answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportRequest {
    pub id: String,
    /// The subject, as the request names them.
    pub subject: String,
    pub kind: ExportKind,
    /// The subject's jurisdiction (`FR`, `GB`, `US-CA`): which legal basis,
    /// rights and supervisory authority the summary states.
    pub jurisdiction: String,
    /// When the package is made: `generated_at`, and every entry's time in
    /// the zip (UTC; the zip format has none before 1980 nor after 2107).
    pub at: DateTime<Utc>,
    /// The language the person asked in. The summary uses it when the
    /// policy is published in it, the policy's first language otherwise.
    pub language: Option<String>,
}

/// One dataset's part of a package: the dataset, and what access found in it.
#[derive(Debug, Clone, Copy)]
pub struct Held<'a> {
    pub dataset: &'a Dataset,
    pub found: &'a Found,
}

/// `manifest.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub vow_export: u32,
    pub request: RequestRef,
    pub generated_at: DateTime<Utc>,
    /// The organisation that answers.
    pub controller: String,
    pub policy: PolicyRef,
    /// The language of `summary.html`.
    pub language: String,
    pub datasets: Vec<DatasetEntry>,
    /// Every other file of the package, in the zip's order.
    pub files: Vec<FileEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestRef {
    pub id: String,
    pub subject: String,
    pub kind: ExportKind,
    pub jurisdiction: String,
}

impl From<&ExportRequest> for RequestRef {
    fn from(request: &ExportRequest) -> Self {
        RequestRef {
            id: request.id.clone(),
            subject: request.subject.clone(),
            kind: request.kind,
            jurisdiction: request.jurisdiction.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyRef {
    pub id: String,
    pub version: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DatasetEntry {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// How many people the request matched in it (usually one; none: no data).
    pub subjects: usize,
    pub tables: Vec<TableEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableEntry {
    /// As the dataset names it.
    pub table: String,
    /// Its file in the package.
    pub csv: String,
    /// The columns exported, in order.
    pub columns: Vec<String>,
    pub rows: usize,
    /// Columns left out: secrets.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub omitted: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    pub path: String,
    pub bytes: u64,
    /// Lower-case hex.
    pub sha256: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("the dataset `{0}` is given twice")]
    DuplicateDataset(String),
    #[error("access found rows in `{table}`, which the dataset `{dataset}` does not list")]
    UnknownTable { dataset: String, table: String },
    #[error("a row of `{dataset}`.`{table}` has {found} values for {columns} columns")]
    RowWidth {
        dataset: String,
        table: String,
        found: usize,
        columns: usize,
    },
    #[error("the summary template failed: {0}")]
    Template(#[from] minijinja::Error),
    #[error("writing a CSV file: {0}")]
    Csv(#[from] csv::Error),
    #[error("writing the zip: {0}")]
    Zip(#[from] zip::result::ZipError),
}

/// Writes the package answering `request` to `out`: the rows of `held`,
/// and the summary of what `policy` says about them.
pub fn write_package<W: Write + Seek>(
    out: W,
    policy: &Policy,
    request: &ExportRequest,
    held: &[Held<'_>],
) -> Result<Manifest, ExportError> {
    let datasets = prepare(policy, held)?;
    let language = language(policy, request.language.as_deref());

    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    files.push((
        "summary.html".to_owned(),
        summary::render(policy, request, language, &datasets)?.into_bytes(),
    ));
    files.push(("data.json".to_owned(), data_json(request, &datasets)));
    for dataset in &datasets {
        for table in &dataset.tables {
            files.push((table.csv.clone(), csv_file(table)?));
        }
    }

    let manifest = Manifest {
        vow_export: FORMAT_VERSION,
        request: RequestRef::from(request),
        generated_at: request.at,
        controller: policy.organisation.name.clone(),
        policy: PolicyRef {
            id: policy.policy.id.to_string(),
            version: policy.policy.version.clone(),
        },
        language: language.tag().to_owned(),
        datasets: datasets.iter().map(ExportedDataset::entry).collect(),
        files: files
            .iter()
            .map(|(path, bytes)| FileEntry {
                path: path.clone(),
                bytes: bytes.len() as u64,
                sha256: hex::encode(Sha256::digest(bytes)),
            })
            .collect(),
    };
    let mut manifest_json =
        serde_json::to_vec_pretty(&manifest).expect("the manifest is plain data");
    manifest_json.push(b'\n');

    let options = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(6))
        .last_modified_time(zip_time(request.at))
        .system(zip::System::Unix)
        .unix_permissions(0o644);
    let mut zip = zip::ZipWriter::new(out);
    for (path, bytes) in std::iter::once(("manifest.json".to_owned(), manifest_json)).chain(files) {
        zip.start_file(path, options)?;
        zip.write_all(&bytes).map_err(zip::result::ZipError::Io)?;
    }
    zip.finish()?;
    Ok(manifest)
}

/// The language of the summary: the one asked for when the policy is
/// published in it, else the policy's first that vow renders, else English.
fn language(policy: &Policy, asked: Option<&str>) -> Language {
    let published = &policy.policy.languages;
    asked
        .filter(|asked| {
            let primary = asked.split('-').next().unwrap_or(asked);
            published
                .iter()
                .any(|l| l.as_str().split('-').next() == Some(primary))
        })
        .and_then(Language::parse)
        .or_else(|| published.iter().find_map(|l| Language::parse(l.as_str())))
        .unwrap_or(Language::En)
}

/// The zip entry time: the request's, clamped to what the format holds.
fn zip_time(at: DateTime<Utc>) -> zip::DateTime {
    match at.year() {
        ..1980 => zip::DateTime::default(),
        2108.. => zip::DateTime::from_date_and_time(2107, 12, 31, 23, 59, 58)
            .expect("the latest time a zip holds"),
        year => zip::DateTime::from_date_and_time(
            year as u16,
            at.month() as u8,
            at.day() as u8,
            at.hour() as u8,
            at.minute() as u8,
            at.second() as u8,
        )
        .expect("a calendar date within the zip's years"),
    }
}

/// One dataset, ready to write: its tables with the columns exported.
struct ExportedDataset<'a> {
    dataset: &'a Dataset,
    subjects: usize,
    tables: Vec<ExportedTable<'a>>,
}

struct ExportedTable<'a> {
    spec: &'a TableSpec,
    rows: &'a TableRows,
    /// Indexes into `rows.columns` of the columns exported, in order.
    keep: Vec<usize>,
    omitted: Vec<String>,
    csv: String,
}

impl ExportedDataset<'_> {
    fn name(&self) -> &str {
        self.dataset.name.as_deref().unwrap_or(&self.dataset.id)
    }

    fn entry(&self) -> DatasetEntry {
        DatasetEntry {
            id: self.dataset.id.clone(),
            name: self.dataset.name.clone(),
            subjects: self.subjects,
            tables: self
                .tables
                .iter()
                .map(|t| TableEntry {
                    table: t.rows.table.clone(),
                    csv: t.csv.clone(),
                    columns: t.columns().map(str::to_owned).collect(),
                    rows: t.rows.rows.len(),
                    omitted: t.omitted.clone(),
                })
                .collect(),
        }
    }
}

impl ExportedTable<'_> {
    fn columns(&self) -> impl Iterator<Item = &str> {
        self.keep.iter().map(|&i| self.rows.columns[i].as_str())
    }

    /// The category the dataset gives column `i` of the rows, if any.
    fn category(&self, i: usize) -> Option<&CategoryKey> {
        self.spec
            .columns
            .get(&self.rows.columns[i])
            .and_then(|c| c.category.as_ref())
    }

    /// Each row, the exported values only.
    fn rows(&self) -> impl Iterator<Item = impl Iterator<Item = &SqlValue>> {
        self.rows
            .rows
            .iter()
            .map(|row| self.keep.iter().map(move |&i| &row[i]))
    }
}

/// Pairs each table's rows with its place in the dataset, drops the
/// secrets, names the files.
fn prepare<'a>(
    policy: &Policy,
    held: &[Held<'a>],
) -> Result<Vec<ExportedDataset<'a>>, ExportError> {
    let mut held: Vec<&Held<'a>> = held.iter().collect();
    held.sort_by(|a, b| a.dataset.id.cmp(&b.dataset.id));
    if let Some(pair) = held.windows(2).find(|w| w[0].dataset.id == w[1].dataset.id) {
        return Err(ExportError::DuplicateDataset(pair[0].dataset.id.clone()));
    }
    let secret_categories: Vec<&CategoryKey> = policy
        .categories
        .iter()
        .filter(|c| c.secret)
        .map(|c| &c.id)
        .collect();
    let mut out = Vec::with_capacity(held.len());
    for h in held {
        let dataset = h.dataset;
        let folder = format!("csv/{}", file_name(&dataset.id));
        let mut used = BTreeSet::new();
        let mut tables = Vec::with_capacity(h.found.tables.len());
        for rows in &h.found.tables {
            let spec = dataset
                .tables
                .iter()
                .find(|t| t.table == rows.table)
                .ok_or_else(|| ExportError::UnknownTable {
                    dataset: dataset.id.clone(),
                    table: rows.table.clone(),
                })?;
            if let Some(row) = rows.rows.iter().find(|r| r.len() != rows.columns.len()) {
                return Err(ExportError::RowWidth {
                    dataset: dataset.id.clone(),
                    table: rows.table.clone(),
                    found: row.len(),
                    columns: rows.columns.len(),
                });
            }
            let (mut keep, mut omitted) = (Vec::new(), Vec::new());
            for (i, column) in rows.columns.iter().enumerate() {
                let secret = spec.columns.get(column).is_some_and(|c| {
                    c.secret
                        || c.category
                            .as_ref()
                            .is_some_and(|k| secret_categories.iter().any(|s| k.is_within(s)))
                });
                if secret {
                    omitted.push(column.clone());
                } else {
                    keep.push(i);
                }
            }
            // Two table names that differ only in characters a file name
            // cannot hold still get a file each.
            let base = file_name(&rows.table);
            let mut name = base.clone();
            let mut n = 1;
            while !used.insert(name.to_lowercase()) {
                n += 1;
                name = format!("{base}-{n}");
            }
            tables.push(ExportedTable {
                spec,
                rows,
                keep,
                omitted,
                csv: format!("{folder}/{name}.csv"),
            });
        }
        out.push(ExportedDataset {
            dataset,
            subjects: h.found.subjects.len(),
            tables,
        });
    }
    Ok(out)
}

/// A name safe in a zip path on every system: letters, digits, `.`, `_`
/// and `-`; anything else (a `/` above all) becomes `_`.
fn file_name(name: &str) -> String {
    if name.is_empty() {
        return "_".to_owned();
    }
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// `data.json`: every row as an object of its exported columns, in order.
fn data_json(request: &ExportRequest, datasets: &[ExportedDataset<'_>]) -> Vec<u8> {
    #[derive(Serialize)]
    struct Data<'a> {
        vow_export: u32,
        request: RequestRef,
        generated_at: DateTime<Utc>,
        datasets: Vec<DatasetData<'a>>,
    }
    #[derive(Serialize)]
    struct DatasetData<'a> {
        id: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        name: Option<&'a str>,
        tables: Vec<TableData<'a>>,
    }
    #[derive(Serialize)]
    struct TableData<'a> {
        table: &'a str,
        columns: Vec<ColumnData<'a>>,
        rows: Rows<'a, 'a>,
    }
    #[derive(Serialize)]
    struct ColumnData<'a> {
        name: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        category: Option<&'a CategoryKey>,
    }
    struct Rows<'t, 'a>(&'t ExportedTable<'a>);
    impl Serialize for Rows<'_, '_> {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            let table = self.0;
            let mut rows = s.serialize_seq(Some(table.rows.rows.len()))?;
            for row in &table.rows.rows {
                rows.serialize_element(&Row(table, row))?;
            }
            rows.end()
        }
    }
    struct Row<'t, 'a>(&'t ExportedTable<'a>, &'t [SqlValue]);
    impl Serialize for Row<'_, '_> {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            let (table, row) = (self.0, self.1);
            let mut map = s.serialize_map(Some(table.keep.len()))?;
            for &i in &table.keep {
                map.serialize_entry(&table.rows.columns[i], &row[i])?;
            }
            map.end()
        }
    }

    let data = Data {
        vow_export: FORMAT_VERSION,
        request: RequestRef::from(request),
        generated_at: request.at,
        datasets: datasets
            .iter()
            .map(|d| DatasetData {
                id: &d.dataset.id,
                name: d.dataset.name.as_deref(),
                tables: d
                    .tables
                    .iter()
                    .map(|t| TableData {
                        table: &t.rows.table,
                        columns: t
                            .keep
                            .iter()
                            .map(|&i| ColumnData {
                                name: &t.rows.columns[i],
                                category: t.category(i),
                            })
                            .collect(),
                        rows: Rows(t),
                    })
                    .collect(),
            })
            .collect(),
    };
    let mut json = serde_json::to_vec_pretty(&data).expect("rows are plain data");
    json.push(b'\n');
    json
}

/// One table as RFC 4180 CSV: a header row, CRLF line ends, fields quoted
/// when they hold a comma, a quote or a line break, nulls empty.
fn csv_file(table: &ExportedTable<'_>) -> Result<Vec<u8>, ExportError> {
    let mut csv = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .quote_style(csv::QuoteStyle::Necessary)
        .from_writer(Vec::new());
    csv.write_record(table.columns())?;
    for row in table.rows() {
        csv.write_record(row.map(text))?;
    }
    csv.into_inner()
        .map_err(|e| ExportError::Csv(e.into_error().into()))
}

/// A value as text: CSV cells and the summary's tables. Null is empty.
fn text(value: &SqlValue) -> String {
    match value {
        SqlValue::Null => String::new(),
        SqlValue::Int(i) => i.to_string(),
        SqlValue::Float(f) => f.to_string(),
        SqlValue::Bool(b) => b.to_string(),
        SqlValue::Text(t) => t.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_safe() {
        assert_eq!(file_name("public.customer"), "public.customer");
        assert_eq!(file_name("Invoice Line/2"), "Invoice_Line_2");
        assert_eq!(file_name("../etc"), ".._etc");
        assert_eq!(file_name(""), "_");
    }

    #[test]
    fn zip_times_are_clamped() {
        let at = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
        let t = zip_time(at("2024-03-05T10:20:31Z"));
        assert_eq!(
            (
                t.year(),
                t.month(),
                t.day(),
                t.hour(),
                t.minute(),
                t.second()
            ),
            (2024, 3, 5, 10, 20, 30)
        );
        assert_eq!(zip_time(at("1970-01-01T00:00:00Z")).year(), 1980);
        assert_eq!(zip_time(at("2200-06-01T00:00:00Z")).year(), 2107);
    }

    #[test]
    fn access_and_portability_are_exported() {
        assert_eq!(
            ExportKind::of(&RequestKind::Access),
            Some(ExportKind::Access)
        );
        assert_eq!(
            ExportKind::of(&RequestKind::Portability),
            Some(ExportKind::Portability)
        );
        assert_eq!(ExportKind::of(&RequestKind::Erasure), None);
    }

    #[test]
    fn values_as_text() {
        assert_eq!(text(&SqlValue::Null), "");
        assert_eq!(text(&SqlValue::Float(1.98)), "1.98");
        assert_eq!(text(&SqlValue::Bool(true)), "true");
        assert_eq!(text(&SqlValue::Int(-3)), "-3");
    }
}
