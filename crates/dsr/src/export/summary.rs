//! `summary.html`: what GDPR Art. 15(1)(a)-(h) says a person must be told
//! about their data, worked out from the policy and the rows found, then
//! laid out by `templates/summary.html.j2`.
//!
//! Everything is decided here, in the person's language; the template only
//! lays it out (and escapes it: every value, the rows above all, is text).
//! Only what is actually held counts: a category is held when some row has
//! a value in one of its columns, and a purpose, a recipient or a retention
//! rule is stated when it touches a category held.

use minijinja::{AutoEscape, Environment, Value};
use serde::Serialize;
use vow_policy::render::{Language, date, group_name, i18n, jurisdiction_name};
use vow_policy::{
    BasisSpec, Category, CategoryKey, ContactRole, Law, LawfulBasis, Policy, Purpose, PurposeTag,
    RetentionPeriod, RetentionRule, RetentionStart, Right, RightKind, Source, Text,
    TransferMechanism, law, taxonomy,
};

use super::phrases::Phrases;
use super::{ExportKind, ExportRequest, ExportedDataset, ExportedTable, text};
use crate::plan::SqlValue;
use crate::request::{covers, laws_in};

const TEMPLATE: &str = include_str!("../../templates/summary.html.j2");

/// Rows shown per table on the page; the files hold every one.
const ROWS_SHOWN: usize = 100;

/// Renders the page.
pub(super) fn render(
    policy: &Policy,
    request: &ExportRequest,
    lang: Language,
    datasets: &[ExportedDataset<'_>],
) -> Result<String, minijinja::Error> {
    let summary = Cx::new(policy, request, lang, datasets).summary();
    let mut env = Environment::new();
    env.set_auto_escape_callback(|_| AutoEscape::Html);
    env.set_syntax(
        minijinja::syntax::SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .build()
            .expect("the default delimiters are valid"),
    );
    env.add_template("summary.html", TEMPLATE)?;
    let mut html = env
        .get_template("summary.html")?
        .render(Value::from(minijinja::value::Serde(&summary)))?;
    if !html.ends_with('\n') {
        html.push('\n');
    }
    Ok(html)
}

/// The page, every phrase final.
#[derive(Serialize)]
struct Summary {
    lang: &'static str,
    t: &'static Phrases,
    organisation: String,
    kind: &'static str,
    intro: String,
    nothing_found: bool,
    meta: Vec<Fact>,
    glance: Vec<Stat>,
    /// The letters (a)-(h) with their headings, for the contents.
    sections: Vec<Fact>,
    cite: Vec<String>,
    files: Vec<FileRow>,
    purposes: Vec<PurposeRow>,
    categories: Vec<CategoryRow>,
    recipients: Vec<RecipientRow>,
    retention: Vec<RetentionRow>,
    rights: Vec<RightCard>,
    other_rights: Vec<RightCard>,
    complaint: Complaint,
    sources: Vec<SourceRow>,
    sources_note: Option<String>,
    automated: Automated,
    copy: Vec<DatasetCopy>,
    contact_intro: String,
    contacts: Vec<Fact>,
    footer: String,
}

#[derive(Serialize)]
struct Fact {
    label: String,
    value: String,
}

#[derive(Serialize)]
struct Stat {
    value: usize,
    label: &'static str,
}

#[derive(Serialize)]
struct FileRow {
    path: String,
    what: String,
    rows: Option<usize>,
}

#[derive(Serialize)]
struct PurposeRow {
    name: String,
    description: Option<String>,
    basis: Option<String>,
    data: String,
    withdraw: Option<String>,
}

#[derive(Serialize)]
struct CategoryRow {
    name: String,
    description: Option<String>,
    keys: Vec<String>,
    places: Vec<String>,
    sensitive: bool,
}

#[derive(Serialize)]
struct RecipientRow {
    name: String,
    kind: String,
    description: Option<String>,
    receives: String,
    locations: String,
    transfers: Vec<TransferRow>,
}

#[derive(Serialize)]
struct TransferRow {
    to: String,
    /// None when the policy names no safeguard (the warning says so).
    mechanism: Option<String>,
    outside: Option<&'static str>,
    warning: Option<&'static str>,
}

/// One table: its kinds of data grouped by the rules that keep them, and
/// the hold that keeps its rows after an erasure.
#[derive(Serialize)]
struct RetentionRow {
    table: String,
    system: String,
    groups: Vec<RetentionGroup>,
    hold: Option<String>,
}

#[derive(Serialize)]
struct RetentionGroup {
    data: String,
    kept: Vec<String>,
}

#[derive(Serialize)]
struct RightCard {
    name: String,
    what: Option<&'static str>,
    description: Option<String>,
    by_law: Option<String>,
    how: Vec<String>,
    deadline: Option<String>,
}

#[derive(Serialize)]
struct Complaint {
    lead: &'static str,
    authority: Option<Authority>,
    details: Vec<&'static str>,
    note: Option<String>,
}

#[derive(Serialize)]
struct Authority {
    label: &'static str,
    name: &'static str,
    url: &'static str,
}

#[derive(Serialize)]
struct SourceRow {
    category: String,
    sources: String,
    /// Some of it comes from elsewhere than the person (GDPR Art. 14).
    not_from_you: bool,
}

#[derive(Serialize)]
struct Automated {
    statement: &'static str,
    profiling_intro: &'static str,
    profiling: Vec<String>,
}

#[derive(Serialize)]
struct DatasetCopy {
    name: String,
    tables: Vec<TableCopy>,
}

#[derive(Serialize)]
struct TableCopy {
    name: String,
    file: String,
    count: usize,
    open: bool,
    columns: Vec<ColumnHead>,
    /// `None` is a null.
    rows: Vec<Vec<Option<String>>>,
    more: Option<String>,
    omitted: Option<String>,
}

#[derive(Serialize)]
struct ColumnHead {
    name: String,
    category: Option<String>,
}

/// A category as the person reads it: the policy's declared category that
/// a column's category falls under, or, for one the policy does not
/// declare, its taxonomy group.
struct Kind<'p> {
    /// The declared key, or the group's.
    key: String,
    name: String,
    declared: Option<&'p Category>,
    /// The columns' own categories that fall under it.
    raw: Vec<CategoryKey>,
    /// Where: the dataset (its index), the table, the columns.
    places: Vec<(usize, String, Vec<String>)>,
    /// Its position in the policy's categories (undeclared ones last).
    order: usize,
}

impl Kind<'_> {
    fn touches(&self, keys: &[CategoryKey]) -> bool {
        self.raw
            .iter()
            .any(|r| keys.iter().any(|k| r.is_within(k) || k.is_within(r)))
    }
}

struct Cx<'a, 'p> {
    policy: &'p Policy,
    request: &'a ExportRequest,
    lang: Language,
    t: &'static Phrases,
    datasets: &'a [ExportedDataset<'a>],
    laws: Vec<Law>,
    kinds: Vec<Kind<'p>>,
}

impl<'a, 'p> Cx<'a, 'p> {
    fn new(
        policy: &'p Policy,
        request: &'a ExportRequest,
        lang: Language,
        datasets: &'a [ExportedDataset<'a>],
    ) -> Self {
        let mut cx = Cx {
            policy,
            request,
            lang,
            t: Phrases::of(lang),
            datasets,
            laws: laws_in(policy, &request.jurisdiction),
            kinds: Vec::new(),
        };
        cx.kinds = cx.held_kinds();
        cx
    }

    fn text(&self, text: &Text) -> String {
        text.get(self.lang.tag()).trim().to_owned()
    }

    fn opt(&self, text: &Option<Text>) -> Option<String> {
        text.as_ref()
            .map(|t| self.text(t))
            .filter(|s| !s.is_empty())
    }

    fn jurisdiction(&self) -> &str {
        &self.request.jurisdiction
    }

    /// Every kind of data held: each column with a category and a value
    /// in some row, under the policy's category it falls in.
    fn held_kinds(&self) -> Vec<Kind<'p>> {
        let mut kinds: Vec<Kind<'p>> = Vec::new();
        for (d, dataset) in self.datasets.iter().enumerate() {
            for table in &dataset.tables {
                for (i, column) in table.rows.columns.iter().enumerate() {
                    let Some(raw) = table.category(i) else {
                        continue;
                    };
                    if table.rows.rows.iter().all(|r| r[i] == SqlValue::Null) {
                        continue;
                    }
                    let at = match kinds.iter().position(|k| k.raw.contains(raw)) {
                        Some(at) => at,
                        None => {
                            let kind = self.resolve(raw);
                            match kinds.iter().position(|k| k.key == kind.key) {
                                Some(at) => at,
                                None => {
                                    kinds.push(kind);
                                    kinds.len() - 1
                                }
                            }
                        }
                    };
                    let kind = &mut kinds[at];
                    if !kind.raw.contains(raw) {
                        kind.raw.push(raw.clone());
                    }
                    let table_name = &table.rows.table;
                    match kind
                        .places
                        .iter_mut()
                        .find(|(at, t, _)| *at == d && t == table_name)
                    {
                        Some((_, _, columns)) => columns.push(column.clone()),
                        None => kind
                            .places
                            .push((d, table_name.clone(), vec![column.clone()])),
                    }
                }
            }
        }
        kinds.sort_by(|a, b| a.order.cmp(&b.order).then_with(|| a.key.cmp(&b.key)));
        kinds
    }

    /// The kind a column's category falls under, no place yet.
    fn resolve(&self, raw: &CategoryKey) -> Kind<'p> {
        let declared = self
            .policy
            .categories
            .iter()
            .enumerate()
            .filter(|(_, c)| raw.is_within(&c.id))
            .max_by_key(|(_, c)| c.id.as_str().len());
        let (key, name, order, declared) = match declared {
            Some((order, c)) => (c.id.to_string(), self.text(&c.name), order, Some(c)),
            None => {
                let group: Vec<&str> = raw.as_str().splitn(3, '.').take(2).collect();
                (
                    group.join("."),
                    group_name(self.lang, raw.as_str()),
                    usize::MAX,
                    None,
                )
            }
        };
        Kind {
            key,
            name,
            declared,
            raw: Vec::new(),
            places: Vec::new(),
            order,
        }
    }

    fn names<'k>(&self, kinds: impl Iterator<Item = &'k Kind<'k>>) -> String {
        kinds
            .map(|k| k.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn summary(&self) -> Summary {
        let t = self.t;
        let org = &self.policy.organisation.name;
        let purposes = self.purposes();
        let rows: usize = self
            .datasets
            .iter()
            .flat_map(|d| &d.tables)
            .map(|t| t.rows.rows.len())
            .sum();
        let tables = self
            .datasets
            .iter()
            .flat_map(|d| &d.tables)
            .filter(|t| !t.rows.rows.is_empty())
            .count();
        let letters = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
        let headings = [
            t.a_heading,
            t.b_heading,
            t.c_heading,
            t.d_heading,
            t.e_heading,
            t.f_heading,
            t.g_heading,
            t.h_heading,
        ];
        Summary {
            lang: self.lang.tag(),
            t,
            organisation: org.clone(),
            kind: match self.request.kind {
                ExportKind::Access => t.kind_access,
                ExportKind::Portability => t.kind_portability,
            },
            intro: match self.request.kind {
                ExportKind::Access => t.intro_access,
                ExportKind::Portability => t.intro_portability,
            }
            .replace("{org}", org),
            nothing_found: self.datasets.iter().all(|d| d.subjects == 0),
            meta: self.meta(),
            glance: vec![
                Stat {
                    value: rows,
                    label: t.glance_records,
                },
                Stat {
                    value: tables,
                    label: t.glance_tables,
                },
                Stat {
                    value: self.datasets.len(),
                    label: t.glance_systems,
                },
                Stat {
                    value: self.kinds.len(),
                    label: t.glance_categories,
                },
            ],
            sections: letters
                .iter()
                .zip(headings)
                .map(|(l, h)| fact(l.to_string(), h))
                .collect(),
            cite: letters
                .iter()
                .map(|l| t.cite.replace("{x}", &l.to_string()))
                .collect(),
            files: self.files(),
            categories: self.categories(),
            recipients: self.recipients(&purposes),
            retention: self.retention(),
            rights: self.rights(),
            other_rights: self.other_rights(),
            complaint: self.complaint(),
            sources: self.sources(),
            sources_note: self.sources_note(),
            automated: self.automated(&purposes),
            purposes: purposes.iter().map(|p| self.purpose_row(p)).collect(),
            copy: self.copy(),
            contact_intro: t.contact_intro.replace("{org}", org),
            contacts: self.contacts(),
            footer: t
                .footer
                .replace("{id}", &self.request.id)
                .replace("{date}", &date(self.lang, self.request.at.date_naive())),
        }
    }

    fn meta(&self) -> Vec<Fact> {
        let t = self.t;
        let meta = &self.policy.policy;
        vec![
            fact(t.meta_reference, &self.request.id),
            fact(t.meta_about, &self.request.subject),
            fact(
                t.meta_prepared,
                format!(
                    "{}, {} UTC",
                    date(self.lang, self.request.at.date_naive()),
                    self.request.at.format("%H:%M")
                ),
            ),
            fact(
                t.meta_policy,
                format!(
                    "{}, {}",
                    self.text(&meta.title),
                    t.policy_version.replace("{v}", &meta.version)
                ),
            ),
        ]
    }

    fn files(&self) -> Vec<FileRow> {
        let t = self.t;
        let mut files = vec![
            FileRow {
                path: "summary.html".into(),
                what: t.file_summary.into(),
                rows: None,
            },
            FileRow {
                path: "data.json".into(),
                what: match self.request.kind {
                    ExportKind::Access => t.file_data_access,
                    ExportKind::Portability => t.file_data_portability,
                }
                .into(),
                rows: None,
            },
        ];
        for dataset in self.datasets {
            for table in &dataset.tables {
                files.push(FileRow {
                    path: table.csv.clone(),
                    what: t
                        .file_csv
                        .replace("{table}", &table.rows.table)
                        .replace("{system}", dataset.name()),
                    rows: Some(table.rows.rows.len()),
                });
            }
        }
        files.push(FileRow {
            path: "manifest.json".into(),
            what: t.file_manifest.into(),
            rows: None,
        });
        files
    }

    // (a)

    /// The purposes that use a category held and may apply to the person.
    fn purposes(&self) -> Vec<&'p Purpose> {
        self.policy
            .purposes
            .iter()
            .filter(|p| {
                p.audience.as_ref().is_none_or(|a| {
                    a.jurisdictions.is_empty()
                        || a.jurisdictions
                            .iter()
                            .any(|j| covers(j.as_str(), self.jurisdiction()))
                })
            })
            .filter(|p| self.kinds.iter().any(|k| k.touches(&p.categories)))
            .collect()
    }

    fn purpose_row(&self, p: &Purpose) -> PurposeRow {
        let basis = self.basis(&p.basis);
        let withdraw = (basis == Some(LawfulBasis::Consent) && !p.consent.withdrawal.is_empty())
            .then(|| {
                let ways: Vec<String> = p
                    .consent
                    .withdrawal
                    .iter()
                    .map(|w| {
                        let way = i18n::withdrawal(self.lang, w.method);
                        match &w.address {
                            Some(address) => format!("{way} ({address})"),
                            None => way.to_owned(),
                        }
                    })
                    .collect();
                format!("{} {}.", self.t.withdraw, ways.join(", "))
            });
        PurposeRow {
            name: self.text(&p.name),
            description: self.opt(&p.description),
            basis: basis.map(|b| capitalise(i18n::basis(self.lang, b))),
            data: self.names(self.kinds.iter().filter(|k| k.touches(&p.categories))),
            withdraw,
        }
    }

    /// The basis in the person's jurisdiction: its own entry, a region's
    /// that covers it, `GLOBAL`'s, then `default`.
    fn basis(&self, spec: &BasisSpec) -> Option<LawfulBasis> {
        let BasisSpec::PerJurisdiction(map) = spec else {
            return spec.for_jurisdiction(self.jurisdiction());
        };
        let here = self.jurisdiction();
        map.get(here)
            .or_else(|| {
                map.iter()
                    .find(|(k, _)| !matches!(k.as_str(), "default" | "GLOBAL") && covers(k, here))
                    .map(|(_, b)| b)
            })
            .or_else(|| map.get("GLOBAL"))
            .or_else(|| map.get("default"))
            .copied()
    }

    // (b)

    fn categories(&self) -> Vec<CategoryRow> {
        self.kinds
            .iter()
            .map(|k| CategoryRow {
                name: k.name.clone(),
                description: k.declared.and_then(|c| self.opt(&c.description)),
                keys: k.raw.iter().map(|r| r.to_string()).collect(),
                places: k
                    .places
                    .iter()
                    .map(|(d, table, columns)| {
                        format!(
                            "{} › {table}: {}",
                            self.datasets[*d].name(),
                            columns.join(", ")
                        )
                    })
                    .collect(),
                sensitive: k.declared.is_some_and(|c| c.sensitive)
                    || k.raw.iter().any(|r| taxonomy::is_sensitive(r.as_str())),
            })
            .collect()
    }

    // (c)

    fn recipients(&self, purposes: &[&Purpose]) -> Vec<RecipientRow> {
        if self.kinds.is_empty() {
            return Vec::new();
        }
        let mut rows = Vec::new();
        for r in &self.policy.recipients {
            let receives = if r.uses.is_empty() {
                self.t.receives_unnamed.to_owned()
            } else {
                let uses: Vec<CategoryKey> = r
                    .uses
                    .iter()
                    .filter(|u| purposes.iter().any(|p| p.id == u.purpose))
                    .flat_map(|u| u.categories.iter().cloned())
                    .collect();
                let names = self.names(self.kinds.iter().filter(|k| k.touches(&uses)));
                if names.is_empty() {
                    continue;
                }
                names
            };
            rows.push(RecipientRow {
                name: r.name.clone(),
                kind: i18n::recipient_kind(self.lang, r.kind).to_owned(),
                description: self.opt(&r.description),
                receives,
                locations: capitalise(
                    &r.locations
                        .iter()
                        .map(|j| jurisdiction_name(self.lang, j.as_str()))
                        .collect::<Vec<_>>()
                        .join(", "),
                ),
                transfers: r
                    .transfers
                    .iter()
                    .map(|tr| TransferRow {
                        to: capitalise(&jurisdiction_name(self.lang, tr.to.as_str())),
                        mechanism: (tr.mechanism != TransferMechanism::Unspecified)
                            .then(|| i18n::mechanism(self.lang, tr.mechanism).to_owned()),
                        outside: self.outside(tr.to.as_str()),
                        warning: match tr.mechanism {
                            TransferMechanism::Unspecified => Some(self.t.no_safeguard),
                            TransferMechanism::PrivacyShield => Some(self.t.invalidated),
                            _ => None,
                        },
                    })
                    .collect(),
            });
        }
        rows
    }

    /// Whether data sent to `to` leaves the area whose law protects the
    /// person: the EEA, or the United Kingdom.
    fn outside(&self, to: &str) -> Option<&'static str> {
        let here = self.jurisdiction();
        if law::in_eu(here) && !law::in_eu(to) {
            Some(self.t.outside_eea)
        } else if law::in_uk(here) && !law::in_uk(to) {
            Some(self.t.outside_uk)
        } else {
            None
        }
    }

    // (d)

    fn retention(&self) -> Vec<RetentionRow> {
        let mut rows = Vec::new();
        for (d, dataset) in self.datasets.iter().enumerate() {
            for table in dataset.tables.iter().filter(|t| !t.rows.rows.is_empty()) {
                let here: Vec<&Kind> = self
                    .kinds
                    .iter()
                    .filter(|k| {
                        k.places
                            .iter()
                            .any(|(at, t, _)| *at == d && *t == table.rows.table)
                    })
                    .collect();
                if here.is_empty() {
                    continue;
                }
                // Kinds under the same rules share a line.
                let mut groups: Vec<(Vec<&RetentionRule>, Vec<&Kind>)> = Vec::new();
                for kind in here {
                    let rules = self.rules(kind, table);
                    match groups.iter_mut().find(|(r, _)| *r == rules) {
                        Some((_, kinds)) => kinds.push(kind),
                        None => groups.push((rules, vec![kind])),
                    }
                }
                rows.push(RetentionRow {
                    table: table.rows.table.clone(),
                    system: dataset.name().to_owned(),
                    groups: groups
                        .into_iter()
                        .map(|(rules, kinds)| RetentionGroup {
                            data: self.names(kinds.into_iter()),
                            kept: if rules.is_empty() {
                                vec![self.t.no_rule.to_owned()]
                            } else {
                                rules.iter().flat_map(|r| self.rule(r)).collect()
                            },
                        })
                        .collect(),
                    hold: self.hold(dataset, table),
                });
            }
        }
        rows
    }

    /// The rules that say how long `kind`'s columns in `table` are kept:
    /// for each, the rules naming the closest category above it.
    fn rules(&self, kind: &Kind, table: &ExportedTable<'_>) -> Vec<&'p RetentionRule> {
        let mut out: Vec<&'p RetentionRule> = Vec::new();
        let in_table = kind.raw.iter().filter(|raw| {
            table
                .rows
                .columns
                .iter()
                .enumerate()
                .any(|(i, _)| table.category(i) == Some(*raw))
        });
        for raw in in_table {
            let closest = |r: &RetentionRule| {
                r.categories
                    .iter()
                    .filter(|c| raw.is_within(c))
                    .map(|c| c.as_str().len())
                    .max()
            };
            let Some(best) = self.policy.retention.iter().filter_map(closest).max() else {
                continue;
            };
            for rule in &self.policy.retention {
                if closest(rule) == Some(best) && !out.iter().any(|r| r.id == rule.id) {
                    out.push(rule);
                }
            }
        }
        out
    }

    fn rule(&self, rule: &RetentionRule) -> Vec<String> {
        let t = self.t;
        let period = i18n::retention_period(self.lang, &rule.keep);
        let mut lines = vec![match rule.keep {
            RetentionPeriod::For(_) => {
                let from = match rule.from {
                    RetentionStart::Collection => t.start_collection,
                    RetentionStart::LastActivity => t.start_last_activity,
                    RetentionStart::AccountClosure => t.start_account_closure,
                    RetentionStart::ContractEnd => t.start_contract_end,
                };
                capitalise(&format!("{period} {from}"))
            }
            _ => capitalise(&period),
        }];
        for e in &rule.exceptions {
            let mut line = t
                .longer_if
                .replace("{reason}", i18n::retention_reason(self.lang, e.reason));
            if let Some(up_to) = &e.up_to {
                line.push_str(&format!(
                    " ({})",
                    t.up_to.replace("{d}", &i18n::duration(self.lang, up_to))
                ));
            }
            if let Some(description) = self.opt(&e.description) {
                line.push_str(&format!(": {description}"));
            }
            lines.push(line);
        }
        lines.extend(self.opt(&rule.description));
        lines
    }

    /// The line a table under a hold adds: how long, from when, and why.
    fn hold(&self, dataset: &ExportedDataset<'_>, table: &ExportedTable<'_>) -> Option<String> {
        let hold = dataset.dataset.hold(table.spec.hold.as_deref()?)?;
        let t = self.t;
        let line = match (&hold.retention, &table.spec.retention) {
            (Some(d), Some(column)) => t
                .hold_for
                .replace("{d}", &i18n::duration(self.lang, d))
                .replace("{column}", column),
            (Some(d), None) => t
                .hold_for_plain
                .replace("{d}", &i18n::duration(self.lang, d)),
            (None, _) => t.hold_open.to_owned(),
        };
        Some(line.replace("{reason}", &hold.reason))
    }

    // (e)

    /// The GDPR (or UK GDPR) where it protects the person, as cited.
    fn gdpr(&self) -> Option<&'static str> {
        if self.laws.contains(&Law::UkGdpr) {
            Some(self.t.uk_gdpr)
        } else if self.laws.contains(&Law::Gdpr) {
            Some(self.t.gdpr)
        } else {
            None
        }
    }

    fn granted(&self, kind: RightKind) -> Vec<&'p Right> {
        self.policy
            .rights
            .iter()
            .filter(|r| r.right == kind && r.applies_in(self.jurisdiction()))
            .collect()
    }

    /// Art. 15(1)(e): rectification, erasure, restriction and objection,
    /// each as the policy grants it, or as the GDPR does when the policy
    /// is silent.
    fn rights(&self) -> Vec<RightCard> {
        let t = self.t;
        let four = [
            (RightKind::Rectification, t.rectification_what, 16),
            (RightKind::Erasure, t.erasure_what, 17),
            (RightKind::Restriction, t.restriction_what, 18),
            (RightKind::Objection, t.objection_what, 21),
        ];
        let gdpr = self.gdpr();
        four.into_iter()
            .filter_map(|(kind, what, article)| {
                let rights = self.granted(kind);
                if rights.is_empty() && gdpr.is_none() {
                    return None;
                }
                let mut card = self.card(kind, &rights);
                card.what = Some(what);
                if rights.is_empty()
                    && let Some(law) = gdpr
                {
                    let article = t
                        .article
                        .replace("{law}", law)
                        .replace("{n}", &article.to_string());
                    card.by_law = Some(t.by_law.replace("{article}", &article));
                }
                Some(card)
            })
            .collect()
    }

    /// The other rights the policy grants the person.
    fn other_rights(&self) -> Vec<RightCard> {
        let mut kinds: Vec<RightKind> = Vec::new();
        for r in &self.policy.rights {
            let shown = matches!(
                r.right,
                RightKind::Rectification
                    | RightKind::Erasure
                    | RightKind::Restriction
                    | RightKind::Objection
                    | RightKind::Complaint
            );
            if !shown && r.applies_in(self.jurisdiction()) && !kinds.contains(&r.right) {
                kinds.push(r.right);
            }
        }
        kinds
            .into_iter()
            .map(|kind| self.card(kind, &self.granted(kind)))
            .collect()
    }

    fn card(&self, kind: RightKind, rights: &[&Right]) -> RightCard {
        let mut how: Vec<String> = Vec::new();
        for intake in rights.iter().flat_map(|r| &r.intake) {
            let channel = capitalise(i18n::intake(self.lang, intake.channel));
            let line = match &intake.address {
                Some(address) => format!("{channel}: {address}"),
                None => channel,
            };
            if !how.contains(&line) {
                how.push(line);
            }
        }
        if how.is_empty() {
            how = self.privacy_contact();
        }
        let deadline = rights.first().map(|r| {
            let mut line = self
                .t
                .answer_within
                .replace("{d}", &i18n::duration(self.lang, &r.deadline));
            if let Some(extension) = &r.extension {
                line.push_str(
                    &self
                        .t
                        .extension
                        .replace("{d}", &i18n::duration(self.lang, extension)),
                );
            }
            line.push('.');
            line
        });
        RightCard {
            name: i18n::right(self.lang, kind).to_owned(),
            what: None,
            description: rights.iter().find_map(|r| self.opt(&r.description)),
            by_law: None,
            how,
            deadline,
        }
    }

    /// Where to write: the privacy contact, else the first one, else the
    /// organisation's address.
    fn privacy_contact(&self) -> Vec<String> {
        let org = &self.policy.organisation;
        let p = self.lang.phrases();
        let contact = org
            .contacts
            .iter()
            .find(|c| c.role == ContactRole::Privacy)
            .or_else(|| org.contacts.first());
        let mut lines = Vec::new();
        if let Some(c) = contact {
            lines.extend(c.email.as_ref().map(|e| format!("{}: {e}", p.email)));
            lines.extend(c.phone.as_ref().map(|e| format!("{}: {e}", p.phone)));
            lines.extend(c.url.clone());
            if !c.address.is_empty() {
                lines.push(format!("{}: {}", p.address, c.address.join(", ")));
            }
        }
        if lines.is_empty() && !org.address.is_empty() {
            lines.push(format!("{}: {}", p.address, org.address.join(", ")));
        }
        lines
    }

    // (f)

    fn complaint(&self) -> Complaint {
        let t = self.t;
        let here = self.jurisdiction();
        let gdpr = self.gdpr().is_some();
        let authority = authority(here)
            .map(|(name, url)| Authority {
                label: t.f_authority,
                name,
                url,
            })
            .or_else(|| {
                (gdpr && law::in_eu(here)).then_some(Authority {
                    label: t.f_authority,
                    name: t.f_eu_list,
                    url: "https://www.edpb.europa.eu/about-edpb/about-edpb/members_en",
                })
            });
        let details = if gdpr {
            vec![t.f_where, t.f_judicial]
        } else if authority.is_none() {
            vec![t.f_generic]
        } else {
            Vec::new()
        };
        Complaint {
            lead: t.f_lead,
            authority,
            details,
            note: self
                .granted(RightKind::Complaint)
                .iter()
                .find_map(|r| self.opt(&r.description)),
        }
    }

    // (g)

    fn sources(&self) -> Vec<SourceRow> {
        self.kinds
            .iter()
            .map(|k| {
                let sources: &[Source] = k.declared.map(|c| c.sources.as_slice()).unwrap_or(&[]);
                SourceRow {
                    category: k.name.clone(),
                    sources: if sources.is_empty() {
                        capitalise(self.t.not_stated)
                    } else {
                        capitalise(
                            &sources
                                .iter()
                                .map(|s| i18n::source(self.lang, *s))
                                .collect::<Vec<_>>()
                                .join(", "),
                        )
                    },
                    not_from_you: sources.iter().any(|s| *s != Source::Subject),
                }
            })
            .collect()
    }

    fn sources_note(&self) -> Option<String> {
        if self.kinds.is_empty() {
            return None;
        }
        let not_you: Vec<&Kind> = self
            .kinds
            .iter()
            .filter(|k| {
                k.declared
                    .is_some_and(|c| c.sources.iter().any(|s| *s != Source::Subject))
            })
            .collect();
        let all_you = self.kinds.iter().all(|k| {
            k.declared
                .is_some_and(|c| c.sources.as_slice() == [Source::Subject])
        });
        if all_you {
            Some(self.t.g_all_you.to_owned())
        } else if !not_you.is_empty() {
            Some(
                self.t
                    .g_not_you
                    .replace("{categories}", &self.names(not_you.into_iter())),
            )
        } else {
            None
        }
    }

    // (h)

    /// The policy language has no automated decisions with legal effects
    /// (GDPR Art. 22), so a policy declares none; profiling is what the
    /// purposes tagged for personalisation or targeting do.
    fn automated(&self, purposes: &[&Purpose]) -> Automated {
        let profiling: Vec<String> = purposes
            .iter()
            .filter(|p| {
                p.tags.iter().any(|t| {
                    matches!(
                        t,
                        PurposeTag::Personalisation | PurposeTag::TargetedAdvertising
                    )
                })
            })
            .map(|p| self.text(&p.name))
            .collect();
        Automated {
            statement: self.t.h_none,
            profiling_intro: if profiling.is_empty() {
                self.t.h_no_profiling
            } else {
                self.t.h_profiling
            },
            profiling,
        }
    }

    // The rows themselves.

    fn copy(&self) -> Vec<DatasetCopy> {
        let t = self.t;
        self.datasets
            .iter()
            .map(|dataset| DatasetCopy {
                name: dataset.name().to_owned(),
                tables: dataset
                    .tables
                    .iter()
                    .enumerate()
                    .map(|(n, table)| {
                        let count = table.rows.rows.len();
                        TableCopy {
                            name: table.rows.table.clone(),
                            file: table.csv.clone(),
                            count,
                            open: n == 0 && count > 0,
                            columns: table
                                .keep
                                .iter()
                                .map(|&i| ColumnHead {
                                    name: table.rows.columns[i].clone(),
                                    category: table.category(i).map(|raw| self.resolve(raw).name),
                                })
                                .collect(),
                            rows: table
                                .rows()
                                .take(ROWS_SHOWN)
                                .map(|row| {
                                    row.map(|v| (*v != SqlValue::Null).then(|| text(v)))
                                        .collect()
                                })
                                .collect(),
                            more: (count > ROWS_SHOWN).then(|| {
                                t.more_rows
                                    .replace("{n}", &(count - ROWS_SHOWN).to_string())
                                    .replace("{file}", &table.csv)
                            }),
                            omitted: (!table.omitted.is_empty())
                                .then(|| t.omitted.replace("{columns}", &table.omitted.join(", "))),
                        }
                    })
                    .collect(),
            })
            .collect()
    }

    fn contacts(&self) -> Vec<Fact> {
        let org = &self.policy.organisation;
        let mut facts = vec![fact(
            org.legal_name.as_deref().unwrap_or(&org.name),
            self.privacy_contact().join(" · "),
        )];
        if let Some(dpo) = &org.dpo {
            let p = self.lang.phrases();
            let mut lines: Vec<String> = dpo.name.iter().cloned().collect();
            lines.extend(dpo.email.as_ref().map(|e| format!("{}: {e}", p.email)));
            lines.extend(dpo.phone.as_ref().map(|e| format!("{}: {e}", p.phone)));
            lines.extend(dpo.url.clone());
            facts.push(fact(self.t.dpo, lines.join(" · ")));
        }
        facts
    }
}

fn fact(label: impl Into<String>, value: impl Into<String>) -> Fact {
    Fact {
        label: label.into(),
        value: value.into(),
    }
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The supervisory authority a person in `jurisdiction` complains to,
/// where vow knows it: name and site. Reference data, small on purpose;
/// elsewhere in the EEA the page links the EDPB's list of its members.
fn authority(jurisdiction: &str) -> Option<(&'static str, &'static str)> {
    const AUTHORITIES: &[(&str, &str, &str)] = &[
        (
            "FR",
            "Commission nationale de l'informatique et des libertés (CNIL)",
            "https://www.cnil.fr",
        ),
        (
            "IE",
            "Data Protection Commission",
            "https://www.dataprotection.ie",
        ),
        (
            "NL",
            "Autoriteit Persoonsgegevens",
            "https://autoriteitpersoonsgegevens.nl",
        ),
        (
            "ES",
            "Agencia Española de Protección de Datos (AEPD)",
            "https://www.aepd.es",
        ),
        (
            "IT",
            "Garante per la protezione dei dati personali",
            "https://www.garanteprivacy.it",
        ),
        (
            "GB",
            "Information Commissioner's Office (ICO)",
            "https://ico.org.uk",
        ),
        (
            "CA",
            "Office of the Privacy Commissioner of Canada",
            "https://www.priv.gc.ca",
        ),
        (
            "US-CA",
            "California Privacy Protection Agency",
            "https://cppa.ca.gov",
        ),
        (
            "UA",
            "Уповноважений Верховної Ради України з прав людини",
            "https://ombudsman.gov.ua",
        ),
    ];
    AUTHORITIES
        .iter()
        .find(|(code, _, _)| {
            jurisdiction == *code
                || (code.len() == 2
                    && jurisdiction
                        .strip_prefix(code)
                        .is_some_and(|rest| rest.starts_with('-')))
                || (*code == "GB" && law::in_uk(jurisdiction))
        })
        .map(|(_, name, url)| (*name, *url))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authorities_by_jurisdiction() {
        assert_eq!(authority("FR").map(|a| a.1), Some("https://www.cnil.fr"));
        assert_eq!(authority("UK").map(|a| a.1), Some("https://ico.org.uk"));
        assert_eq!(authority("US-CA").map(|a| a.1), Some("https://cppa.ca.gov"));
        assert_eq!(
            authority("CA-QC").map(|a| a.1),
            Some("https://www.priv.gc.ca")
        );
        assert_eq!(authority("US-TX"), None);
        assert_eq!(authority("DE"), None);
    }

    #[test]
    fn capitalises_the_first_letter() {
        assert_eq!(capitalise("votre consentement"), "Votre consentement");
        assert_eq!(capitalise("ел. пошта"), "Ел. пошта");
        assert_eq!(capitalise(""), "");
    }
}
