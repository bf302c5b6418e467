//! The rendered policy as a plain document tree: sections of paragraphs,
//! lists and tables, every phrase already in the target language. Both
//! templates (Markdown and HTML) only lay this tree out.

use serde::Serialize;

use super::i18n::{self, Language, Phrases};
use crate::ids::{CategoryKey, Jurisdiction, Text};
use crate::model::*;

#[derive(Debug, Serialize)]
pub struct Document {
    pub lang: &'static str,
    pub title: String,
    pub organisation: String,
    /// "Effective: 20 July 2017", "Last updated: ..."
    pub meta: Vec<String>,
    pub contents_heading: &'static str,
    /// ":" in English and Ukrainian, " :" in French.
    pub colon: &'static str,
    pub sections: Vec<Section>,
}

#[derive(Debug, Serialize)]
pub struct Section {
    pub id: String,
    pub number: usize,
    pub title: String,
    pub blocks: Vec<Block>,
}

#[derive(Debug, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Block {
    Paragraph {
        text: String,
    },
    Heading {
        text: String,
    },
    List {
        items: Vec<String>,
    },
    /// Term and description pairs.
    Facts {
        items: Vec<(String, String)>,
    },
    Table {
        caption: Option<String>,
        headers: Vec<String>,
        rows: Vec<Vec<String>>,
    },
}

fn p(text: impl Into<String>) -> Block {
    Block::Paragraph { text: text.into() }
}

struct Ctx<'a> {
    policy: &'a Policy,
    lang: Language,
    t: &'static Phrases,
}

impl Ctx<'_> {
    fn text(&self, text: &Text) -> String {
        text.get(self.lang.tag()).trim().to_owned()
    }

    fn opt(&self, text: &Option<Text>) -> Option<String> {
        text.as_ref()
            .map(|t| self.text(t))
            .filter(|s| !s.is_empty())
    }

    fn category_name(&self, key: &CategoryKey) -> String {
        self.policy
            .categories
            .iter()
            .find(|c| &c.id == key)
            .map(|c| self.text(&c.name))
            .unwrap_or_else(|| group_name(self.lang, key.as_str()))
    }

    fn categories(&self, keys: &[CategoryKey]) -> String {
        keys.iter()
            .map(|k| self.category_name(k))
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn purpose_name(&self, id: &str) -> String {
        self.policy
            .purposes
            .iter()
            .find(|p| p.id.as_str() == id)
            .map(|p| self.text(&p.name))
            .unwrap_or_else(|| id.to_owned())
    }

    fn duration(&self, d: &crate::Duration) -> String {
        i18n::duration(self.lang, d)
    }
}

/// A readable name for a jurisdiction code.
pub fn jurisdiction_name(lang: Language, code: &str) -> String {
    let name = match code {
        "EU" => lang.pick(
            "the European Union",
            "l'Union européenne",
            "Європейський Союз",
        ),
        "EEA" => lang.pick(
            "the European Economic Area",
            "l'Espace économique européen",
            "Європейська економічна зона",
        ),
        "GB" | "UK" => lang.pick("the United Kingdom", "le Royaume-Uni", "Велика Британія"),
        "US" => lang.pick("the United States", "les États-Unis", "США"),
        "US-CA" => lang.pick("California", "la Californie", "Каліфорнія"),
        "CA" => lang.pick("Canada", "le Canada", "Канада"),
        "FR" => lang.pick("France", "la France", "Франція"),
        "DE" => lang.pick("Germany", "l'Allemagne", "Німеччина"),
        "UA" => lang.pick("Ukraine", "l'Ukraine", "Україна"),
        "RU" => lang.pick("Russia", "la Russie", "Росія"),
        "NL" => lang.pick("the Netherlands", "les Pays-Bas", "Нідерланди"),
        "FI" => lang.pick("Finland", "la Finlande", "Фінляндія"),
        "IL" => lang.pick("Israel", "Israël", "Ізраїль"),
        "IE" => lang.pick("Ireland", "l'Irlande", "Ірландія"),
        "GLOBAL" => lang.pick("everywhere else", "partout ailleurs", "усюди"),
        other => return other.to_owned(),
    };
    name.to_owned()
}

fn jurisdictions(lang: Language, codes: &[Jurisdiction]) -> String {
    codes
        .iter()
        .map(|j| jurisdiction_name(lang, j.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The heading for a taxonomy group such as `user.contact`.
pub fn group_name(lang: Language, key: &str) -> String {
    let segment = key.split('.').nth(1).unwrap_or(key);
    let name = match segment {
        "contact" => lang.pick("Contact details", "Coordonnées", "Контактні дані"),
        "name" => lang.pick("Names", "Noms", "Імена"),
        "financial" | "payment" => lang.pick(
            "Financial and payment information",
            "Informations financières et de paiement",
            "Фінансова та платіжна інформація",
        ),
        "device" => lang.pick(
            "Device and connection information",
            "Informations sur l'appareil et la connexion",
            "Дані про пристрій і з'єднання",
        ),
        "behavior" => lang.pick(
            "Activity and usage",
            "Activité et utilisation",
            "Активність і використання",
        ),
        "content" => lang.pick(
            "Content you provide",
            "Contenus que vous fournissez",
            "Надані вами матеріали",
        ),
        "account" => lang.pick(
            "Account information",
            "Informations de compte",
            "Дані облікового запису",
        ),
        "authorization" => lang.pick("Credentials", "Identifiants", "Облікові дані"),
        "location" => lang.pick("Location", "Localisation", "Місцезнаходження"),
        "demographic" => lang.pick(
            "Demographic information",
            "Informations démographiques",
            "Демографічні дані",
        ),
        "childrens" => lang.pick(
            "Information about children",
            "Informations sur les enfants",
            "Дані про дітей",
        ),
        "workplace" | "job_title" => lang.pick(
            "Professional information",
            "Informations professionnelles",
            "Професійні дані",
        ),
        "health_and_medical" | "biometric" => lang.pick(
            "Health and biometric data",
            "Données de santé et biométriques",
            "Дані про здоров'я та біометричні дані",
        ),
        "privacy_preferences" => lang.pick(
            "Your privacy choices",
            "Vos choix de confidentialité",
            "Ваші налаштування конфіденційності",
        ),
        "social" => lang.pick(
            "Social network information",
            "Informations des réseaux sociaux",
            "Дані із соцмереж",
        ),
        "unique_id" => lang.pick("Identifiers", "Identifiants", "Ідентифікатори"),
        "telemetry" | "sensor" => lang.pick(
            "Technical telemetry",
            "Télémétrie technique",
            "Технічна телеметрія",
        ),
        _ => lang.pick(
            "Other information",
            "Autres informations",
            "Інша інформація",
        ),
    };
    name.to_owned()
}

/// Builds one section: its title and blocks (none: the section is left out).
type SectionBuilder = fn(&Ctx) -> (String, Vec<Block>);

pub fn build(policy: &Policy, lang: Language) -> Document {
    let cx = Ctx {
        policy,
        lang,
        t: lang.phrases(),
    };
    let t = cx.t;
    let mut meta = vec![format!(
        "{}: {}",
        t.effective,
        date(lang, policy.policy.effective)
    )];
    if let Some(updated) = policy.policy.last_updated {
        meta.push(format!("{}: {}", t.last_updated, date(lang, updated)));
    }
    meta.push(format!("{}: {}", t.version, policy.policy.version));
    let builders: [(&str, SectionBuilder); 17] = [
        ("who-we-are", who_we_are),
        ("scope", scope),
        ("information-we-collect", collect),
        ("how-we-use-information", uses),
        ("messages", communications),
        ("sharing", sharing),
        ("international-transfers", transfers),
        ("cookies", cookies),
        ("retention", retention),
        ("your-rights", rights),
        ("children", children),
        ("browser-signals", signals),
        ("authorities", legal_requests),
        ("security", security),
        ("business-transfers", business_transfer),
        ("changes", changes),
        ("contact", contact),
    ];
    let mut sections = Vec::new();
    for (id, build) in builders {
        let (title, blocks) = build(&cx);
        if !blocks.is_empty() {
            sections.push(Section {
                id: id.to_owned(),
                number: sections.len() + 1,
                title,
                blocks,
            });
        }
    }
    Document {
        lang: lang.tag(),
        title: cx.text(&policy.policy.title),
        organisation: policy
            .organisation
            .legal_name
            .clone()
            .unwrap_or_else(|| policy.organisation.name.clone()),
        meta,
        contents_heading: t.contents,
        colon: lang.pick(":", "\u{a0}:", ":"),
        sections,
    }
}

/// A date in words: "20 July 2017", "20 juillet 2017".
pub fn date(lang: Language, d: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    let months_en = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let months_fr = [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ];
    let months_uk = [
        "січня",
        "лютого",
        "березня",
        "квітня",
        "травня",
        "червня",
        "липня",
        "серпня",
        "вересня",
        "жовтня",
        "листопада",
        "грудня",
    ];
    let m = d.month0() as usize;
    match lang {
        Language::En => format!("{} {} {}", d.day(), months_en[m], d.year()),
        Language::Fr => format!(
            "{} {} {}",
            if d.day() == 1 {
                "1er".to_owned()
            } else {
                d.day().to_string()
            },
            months_fr[m],
            d.year()
        ),
        Language::Uk => format!("{} {} {} р.", d.day(), months_uk[m], d.year()),
    }
}

fn contact_lines(cx: &Ctx, c: &Contact) -> Vec<String> {
    let t = cx.t;
    let mut lines = Vec::new();
    if let Some(name) = &c.name {
        lines.push(name.clone());
    }
    if let Some(email) = &c.email {
        lines.push(format!("{}: {email}", t.email));
    }
    if let Some(phone) = &c.phone {
        lines.push(format!("{}: {phone}", t.phone));
    }
    if !c.address.is_empty() {
        lines.push(format!("{}: {}", t.address, c.address.join(", ")));
    }
    if let Some(url) = &c.url {
        lines.push(url.clone());
    }
    lines
}

fn who_we_are(cx: &Ctx) -> (String, Vec<Block>) {
    let (t, o) = (cx.t, &cx.policy.organisation);
    let mut blocks = Vec::new();
    let name = o
        .legal_name
        .as_ref()
        .map_or_else(|| o.name.clone(), |legal| format!("{} ({legal})", o.name));
    blocks.push(p(format!("{name} {}", t.controller_intro)));
    if let Some(d) = cx.opt(&o.description) {
        blocks.push(p(d));
    }
    let mut facts = Vec::new();
    if !o.address.is_empty() {
        facts.push((t.address.to_owned(), o.address.join(", ")));
    }
    if let Some(site) = &o.website {
        facts.push((t.website.to_owned(), site.clone()));
    }
    if let Some(dpo) = &o.dpo {
        facts.push((t.dpo.to_owned(), contact_lines(cx, dpo).join("; ")));
    }
    if !facts.is_empty() {
        blocks.push(Block::Facts { items: facts });
    }
    if !cx.policy.controllers.is_empty() {
        blocks.push(p(t.controllers_intro));
        blocks.push(Block::List {
            items: cx
                .policy
                .controllers
                .iter()
                .map(|c| {
                    let mut line =
                        format!("{} — {}", c.name, i18n::controller_role(cx.lang, c.role));
                    if c.independently_owned {
                        line.push_str(&format!(" ({})", t.independently_owned));
                    }
                    if let Some(d) = cx.opt(&c.description) {
                        line.push_str(&format!(". {d}"));
                    }
                    line
                })
                .collect(),
        });
    }
    (t.who_we_are.to_owned(), blocks)
}

fn scope(cx: &Ctx) -> (String, Vec<Block>) {
    let meta = &cx.policy.policy;
    let mut blocks = Vec::new();
    if let Some(s) = cx.opt(&meta.scope) {
        blocks.push(p(s));
    }
    for pr in &meta.precedence {
        let lead = match pr.prevails {
            Prevails::Other => cx.t.precedence_other,
            Prevails::ThisPolicy => cx.t.precedence_this,
        };
        let mut line = format!("{lead}: {}", cx.text(&pr.document));
        if let Some(s) = cx.opt(&pr.scope) {
            line.push_str(&format!(" — {s}"));
        }
        if let Some(url) = &pr.url {
            line.push_str(&format!(" ({url})"));
        }
        blocks.push(p(format!("{line}.")));
    }
    (cx.t.scope.to_owned(), blocks)
}

fn collect(cx: &Ctx) -> (String, Vec<Block>) {
    let t = cx.t;
    let mut groups: Vec<(String, Vec<Vec<String>>)> = Vec::new();
    for c in &cx.policy.categories {
        let group = group_name(cx.lang, c.id.as_str());
        let mut notes = Vec::new();
        if c.sensitive {
            notes.push(t.sensitive);
        }
        if c.never_stored {
            notes.push(t.never_stored);
        }
        if c.secret {
            notes.push(t.secret);
        }
        if c.immutable {
            notes.push(t.immutable);
        }
        if c.encrypted_at_rest {
            notes.push(t.encrypted);
        }
        let mut name = cx.text(&c.name);
        if let Some(d) = cx.opt(&c.description) {
            name.push_str(&format!(" — {d}"));
        }
        let sources = c
            .sources
            .iter()
            .map(|s| i18n::source(cx.lang, *s))
            .collect::<Vec<_>>()
            .join(", ");
        let row = vec![name, sources, notes.join("; ")];
        match groups.iter_mut().find(|(g, _)| *g == group) {
            Some((_, rows)) => rows.push(row),
            None => groups.push((group, vec![row])),
        }
    }
    if groups.is_empty() {
        return (t.what_we_collect.to_owned(), Vec::new());
    }
    let mut blocks = vec![p(t.collect_intro)];
    for (group, rows) in groups {
        blocks.push(Block::Table {
            caption: Some(group),
            headers: vec![t.col_data.into(), t.col_source.into(), t.col_notes.into()],
            rows,
        });
    }
    (t.what_we_collect.to_owned(), blocks)
}

fn basis_line(cx: &Ctx, basis: &BasisSpec) -> String {
    match basis {
        BasisSpec::One(b) => i18n::basis(cx.lang, *b).to_owned(),
        BasisSpec::PerJurisdiction(map) => {
            let mut parts: Vec<String> = map
                .iter()
                .filter(|(k, _)| k.as_str() != "default")
                .map(|(k, b)| {
                    format!(
                        "{} ({})",
                        i18n::basis(cx.lang, *b),
                        jurisdiction_name(cx.lang, k)
                    )
                })
                .collect();
            if let Some(b) = map.get("default") {
                parts.push(format!("{} ({})", i18n::basis(cx.lang, *b), cx.t.elsewhere));
            }
            parts.join("; ")
        }
    }
}

fn uses(cx: &Ctx) -> (String, Vec<Block>) {
    let t = cx.t;
    if cx.policy.purposes.is_empty() {
        return (t.how_we_use.to_owned(), Vec::new());
    }
    let mut blocks = vec![p(t.use_intro)];
    for purpose in &cx.policy.purposes {
        blocks.push(Block::Heading {
            text: cx.text(&purpose.name),
        });
        if let Some(d) = cx.opt(&purpose.description) {
            blocks.push(p(d));
        }
        let mut facts = vec![(t.lawful_basis.to_owned(), basis_line(cx, &purpose.basis))];
        let consent = &purpose.consent;
        if consent.asks_consent() {
            let mut line = i18n::consent_model(cx.lang, consent.model).to_owned();
            for (j, m) in &consent.by_jurisdiction {
                line.push_str(&format!(
                    "; {}: {}",
                    jurisdiction_name(cx.lang, j.as_str()),
                    i18n::consent_model(cx.lang, *m)
                ));
            }
            if let Some(soft) = &consent.soft_opt_in {
                line.push_str(&format!(". {} ({})", t.soft_opt_in, cx.text(&soft.scope)));
            }
            if consent.explicit {
                line.push_str(&format!(". {}", t.explicit));
            }
            if let Some(lifetime) = &consent.lifetime {
                line.push_str(&format!(
                    ". {} {}",
                    t.consent_lifetime,
                    cx.duration(lifetime)
                ));
            }
            facts.push((t.consent.to_owned(), line));
        }
        if !consent.withdrawal.is_empty() {
            let ways = consent
                .withdrawal
                .iter()
                .map(|w| match &w.address {
                    Some(a) => format!("{} ({a})", i18n::withdrawal(cx.lang, w.method)),
                    None => i18n::withdrawal(cx.lang, w.method).to_owned(),
                })
                .collect::<Vec<_>>()
                .join(", ");
            facts.push((t.withdraw.to_owned(), ways));
        }
        facts.push((t.data_used.to_owned(), cx.categories(&purpose.categories)));
        let o = &purpose.obligations;
        let mut notes = Vec::new();
        if o.aggregate_only {
            notes.push(t.aggregate_only.to_owned());
        }
        if let Some(ip) = &o.truncate_ip {
            notes.push(format!(
                "{} (IPv4 /{}, IPv6 /{}).",
                t.truncate_ip, ip.ipv4_prefix, ip.ipv6_prefix
            ));
        }
        if let Some(k) = o.k_anonymity {
            notes.push(t.k_anonymity.replace("{k}", &k.to_string()));
        }
        if o.unsubscribe_link {
            notes.push(t.unsubscribe_link.to_owned());
        }
        blocks.push(Block::Facts { items: facts });
        if !notes.is_empty() {
            blocks.push(p(notes.join(" ")));
        }
    }
    (t.how_we_use.to_owned(), blocks)
}

fn communications(cx: &Ctx) -> (String, Vec<Block>) {
    let t = cx.t;
    let rows: Vec<Vec<String>> = cx
        .policy
        .communications
        .iter()
        .map(|c| {
            let mut name = cx.text(&c.name);
            if let Some(d) = cx.opt(&c.description).or_else(|| cx.opt(&c.condition)) {
                name.push_str(&format!(" — {d}"));
            }
            vec![
                name,
                c.channels
                    .iter()
                    .map(|ch| i18n::channel(cx.lang, *ch))
                    .collect::<Vec<_>>()
                    .join(", "),
                if c.essential {
                    t.no_essential.to_owned()
                } else {
                    t.yes.to_owned()
                },
            ]
        })
        .collect();
    if rows.is_empty() {
        return (t.communications.to_owned(), Vec::new());
    }
    let blocks = vec![
        p(t.communications_intro),
        Block::Table {
            caption: None,
            headers: vec![
                t.col_message.into(),
                t.col_channels.into(),
                t.col_can_opt_out.into(),
            ],
            rows,
        },
    ];
    (t.communications.to_owned(), blocks)
}

fn sharing(cx: &Ctx) -> (String, Vec<Block>) {
    let t = cx.t;
    let mut recipients: Vec<&Recipient> = cx.policy.recipients.iter().collect();
    recipients.sort_by_key(|r| r.kind);
    let rows: Vec<Vec<String>> = recipients
        .iter()
        .map(|r| {
            let mut name = r.name.clone();
            if !r.certifications.is_empty() {
                name.push_str(&format!(" ({})", r.certifications.join(", ")));
            }
            let mut receives = r
                .uses
                .iter()
                .map(|u| {
                    format!(
                        "{} {} {}",
                        cx.categories(&u.categories),
                        t.for_purpose,
                        cx.purpose_name(u.purpose.as_str())
                    )
                })
                .collect::<Vec<_>>()
                .join("; ");
            if let Some(d) = cx.opt(&r.description) {
                receives = if receives.is_empty() {
                    d
                } else {
                    format!("{d} {receives}")
                };
            }
            if !r.may_retain && !r.may_use_for_own_purposes && r.kind == RecipientKind::Processor {
                receives.push_str(&format!(" ({})", t.may_not_retain));
            }
            vec![
                name,
                i18n::recipient_kind(cx.lang, r.kind).to_owned(),
                receives,
                jurisdictions(cx.lang, &r.locations),
            ]
        })
        .collect();
    if rows.is_empty() {
        return (t.sharing.to_owned(), Vec::new());
    }
    let mut blocks = vec![
        p(t.sharing_intro),
        Block::Table {
            caption: None,
            headers: vec![
                t.col_recipient.into(),
                t.col_kind.into(),
                t.col_receives.into(),
                t.col_where.into(),
            ],
            rows,
        },
    ];
    if let Some(sale) = &cx.policy.sale {
        blocks.push(Block::Heading {
            text: t.sale.to_owned(),
        });
        blocks.push(p(format!(
            "{} {}",
            i18n::sale_yes_no(cx.lang, sale.sells),
            cx.text(&sale.statement)
        )));
    }
    (t.sharing.to_owned(), blocks)
}

fn transfers(cx: &Ctx) -> (String, Vec<Block>) {
    let t = cx.t;
    let rows: Vec<Vec<String>> = cx
        .policy
        .recipients
        .iter()
        .flat_map(|r| {
            r.transfers.iter().map(move |tr| {
                let mut safeguard = i18n::mechanism(cx.lang, tr.mechanism).to_owned();
                if let Some(n) = cx.opt(&tr.note) {
                    safeguard.push_str(&format!(" — {n}"));
                }
                vec![
                    r.name.clone(),
                    jurisdiction_name(cx.lang, tr.to.as_str()),
                    safeguard,
                ]
            })
        })
        .collect();
    if rows.is_empty() {
        return (t.transfers.to_owned(), Vec::new());
    }
    let blocks = vec![
        p(t.transfers_intro),
        Block::Table {
            caption: None,
            headers: vec![
                t.col_recipient.into(),
                t.col_destination.into(),
                t.col_safeguard.into(),
            ],
            rows,
        },
    ];
    (t.transfers.to_owned(), blocks)
}

fn cookies(cx: &Ctx) -> (String, Vec<Block>) {
    let t = cx.t;
    let trackers = &cx.policy.trackers;
    if trackers.is_empty() {
        return (t.cookies.to_owned(), Vec::new());
    }
    let mut blocks = vec![
        p(t.cookies_intro),
        p(format!(
            "{} {}",
            t.cookies_essential_note, t.cookies_choice_note
        )),
    ];
    let mut categories: Vec<TrackerCategory> = trackers.iter().map(|tr| tr.category).collect();
    categories.sort();
    categories.dedup();
    for category in categories {
        let rows = trackers
            .iter()
            .filter(|tr| tr.category == category)
            .map(|tr| {
                vec![
                    tr.name.clone(),
                    tr.provider.clone(),
                    i18n::party(cx.lang, tr.party).to_owned(),
                    cx.text(&tr.description),
                    cx.duration(&tr.duration),
                    i18n::tracker_kind(cx.lang, tr.kind).to_owned(),
                ]
            })
            .collect();
        blocks.push(Block::Table {
            caption: Some(i18n::tracker_category(cx.lang, category).to_owned()),
            headers: vec![
                t.col_name.into(),
                t.col_provider.into(),
                t.col_party.into(),
                t.col_purpose.into(),
                t.col_duration.into(),
                t.col_type.into(),
            ],
            rows,
        });
    }
    let mut notes = Vec::new();
    if trackers.iter().any(|tr| tr.is_pattern()) {
        notes.push(t.pattern_note);
    }
    if trackers.iter().any(|tr| tr.cross_site) {
        notes.push(t.cross_site_note);
    }
    if !notes.is_empty() {
        blocks.push(p(notes.join(" ")));
    }
    (t.cookies.to_owned(), blocks)
}

fn retention(cx: &Ctx) -> (String, Vec<Block>) {
    let t = cx.t;
    let rows: Vec<Vec<String>> = cx
        .policy
        .retention
        .iter()
        .map(|r| {
            let mut kept = i18n::retention_period(cx.lang, &r.keep);
            if let Some(d) = cx.opt(&r.description) {
                kept.push_str(&format!(" — {d}"));
            }
            let exceptions = r
                .exceptions
                .iter()
                .map(|e| {
                    let mut s = i18n::retention_reason(cx.lang, e.reason).to_owned();
                    if let Some(up_to) = &e.up_to {
                        s.push_str(&format!(" ({} {})", t.at_most, cx.duration(up_to)));
                    }
                    if let Some(d) = cx.opt(&e.description) {
                        s.push_str(&format!(": {d}"));
                    }
                    s
                })
                .collect::<Vec<_>>()
                .join("; ");
            vec![cx.categories(&r.categories), kept, exceptions]
        })
        .collect();
    if rows.is_empty() {
        return (t.retention.to_owned(), Vec::new());
    }
    let blocks = vec![
        p(t.retention_intro),
        Block::Table {
            caption: None,
            headers: vec![
                t.col_data.into(),
                t.col_kept.into(),
                t.col_exceptions.into(),
            ],
            rows,
        },
    ];
    (t.retention.to_owned(), blocks)
}

fn rights(cx: &Ctx) -> (String, Vec<Block>) {
    let t = cx.t;
    if cx.policy.rights.is_empty() {
        return (t.rights.to_owned(), Vec::new());
    }
    let mut blocks = vec![p(t.rights_intro)];
    // Group rights by the jurisdictions they apply to, "everywhere" first.
    let mut groups: Vec<(Vec<Jurisdiction>, Vec<&Right>)> = Vec::new();
    for r in &cx.policy.rights {
        let mut key = r.jurisdictions.clone();
        key.sort();
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, rights)) => rights.push(r),
            None => groups.push((key, vec![r])),
        }
    }
    groups.sort_by_key(|(k, _)| !k.is_empty());
    for (codes, rights) in groups {
        let caption = if codes.is_empty() {
            t.rights_everywhere.to_owned()
        } else {
            format!("{} {}", t.rights_in, jurisdictions(cx.lang, &codes))
        };
        let mut notes: Vec<String> = Vec::new();
        let rows = rights
            .iter()
            .map(|r| {
                let mut name = i18n::right(cx.lang, r.right).to_owned();
                if let Some(d) = cx.opt(&r.description) {
                    name.push_str(&format!(" — {d}"));
                }
                let mut deadline = cx.duration(&r.deadline);
                if let Some(e) = &r.extension {
                    deadline.push_str(&format!(" ({} {})", t.extension_by, cx.duration(e)));
                }
                if let Some(limit) = &r.limit {
                    let window = match &limit.per {
                        LimitWindow::CalendarYear => t.per_calendar_year.to_owned(),
                        LimitWindow::Rolling(d) => format!("{} {}", t.per_rolling, cx.duration(d)),
                    };
                    let times = match (cx.lang, limit.count) {
                        (Language::En, 1) => "once".to_owned(),
                        (Language::En, 2) => "twice".to_owned(),
                        (Language::En, n) => format!("{n} times"),
                        (Language::Fr, n) => format!("{n} fois"),
                        (Language::Uk, n) => format!("{n} раз(и)"),
                    };
                    deadline.push_str(&format!("; {} {times} {window}", t.at_most));
                }
                let how = r
                    .intake
                    .iter()
                    .map(|i| {
                        let mut s = i18n::intake(cx.lang, i.channel).to_owned();
                        if let Some(a) = &i.address {
                            s.push_str(&format!(": {a}"));
                        }
                        if let Some(subject) = &i.subject_line {
                            s.push_str(&format!(
                                " ({}: \u{201c}{subject}\u{201d})",
                                t.subject_line
                            ));
                        }
                        if i.exclusive {
                            s.push_str(&format!(" — {}", t.only_address));
                        }
                        s
                    })
                    .collect::<Vec<_>>()
                    .join("; ");
                if !r.verification.is_empty() {
                    let methods = r
                        .verification
                        .iter()
                        .map(|v| i18n::verification(cx.lang, *v))
                        .collect::<Vec<_>>()
                        .join(", ");
                    let note = format!("{} {methods}.", t.verification);
                    if !notes.contains(&note) {
                        notes.push(note);
                    }
                }
                if let Some(agents) = r.agents.as_ref().filter(|a| a.allowed) {
                    let note = if agents.subject_confirms {
                        format!("{}; {}.", t.agents_allowed, t.agents_confirm)
                    } else {
                        format!("{}.", t.agents_allowed)
                    };
                    if !notes.contains(&note) {
                        notes.push(note);
                    }
                }
                for e in &r.exceptions {
                    notes.push(format!(
                        "{} ({}): {}",
                        t.exceptions_kept,
                        i18n::right(cx.lang, r.right),
                        cx.text(e)
                    ));
                }
                vec![name, deadline, how]
            })
            .collect();
        blocks.push(Block::Table {
            caption: Some(caption),
            headers: vec![t.col_right.into(), t.col_deadline.into(), t.col_how.into()],
            rows,
        });
        if !notes.is_empty() {
            blocks.push(Block::List { items: notes });
        }
    }
    (t.rights.to_owned(), blocks)
}

fn children(cx: &Ctx) -> (String, Vec<Block>) {
    let t = cx.t;
    let Some(c) = &cx.policy.children else {
        return (t.children.to_owned(), Vec::new());
    };
    let age = c.consent_age.to_string();
    let mut text = if c.admitted {
        t.children_admitted
    } else {
        t.children_not_admitted
    }
    .replace("{age}", &age);
    if c.admitted {
        match &c.parental_consent {
            Some(pc) if pc.verified => text.push_str(&format!(" {}", t.parental_verified)),
            _ => text.push_str(&format!(" {}", t.parental_unverified)),
        }
    }
    if c.no_direct_contact {
        text.push_str(&format!(" {}", t.no_direct_contact));
    }
    let mut blocks = vec![p(text)];
    if let Some(d) = cx.opt(&c.description) {
        blocks.push(p(d));
    }
    (t.children.to_owned(), blocks)
}

fn signals(cx: &Ctx) -> (String, Vec<Block>) {
    let t = cx.t;
    let s = &cx.policy.signals;
    let mut facts = Vec::new();
    if let Some(dnt) = &s.do_not_track {
        facts.push((t.dnt.to_owned(), cx.text(&dnt.statement)));
    }
    if let Some(gpc) = &s.global_privacy_control {
        facts.push((t.gpc.to_owned(), cx.text(&gpc.statement)));
    }
    let blocks = if facts.is_empty() {
        Vec::new()
    } else {
        vec![Block::Facts { items: facts }]
    };
    (t.signals.to_owned(), blocks)
}

fn legal_requests(cx: &Ctx) -> (String, Vec<Block>) {
    let t = cx.t;
    let Some(l) = &cx.policy.legal_requests else {
        return (t.legal_requests.to_owned(), Vec::new());
    };
    let mut blocks = Vec::new();
    if let Some(d) = cx.opt(&l.description) {
        blocks.push(p(d));
    }
    let mut items = Vec::new();
    if let Some(within) = &l.notify_subject_within {
        let mut s = t.notify_within.replace("{time}", &cx.duration(within));
        if l.unless_prohibited {
            s = format!("{}, {}.", s.trim_end_matches('.'), t.unless_prohibited);
        }
        items.push(s);
    }
    if l.offer_protective_order {
        items.push(t.protective_order.to_owned());
    }
    if l.object_to_improper {
        items.push(t.object_improper.to_owned());
    }
    for r in &l.referrals {
        items.push(format!(
            "{}: {} {}.",
            cx.text(&r.scope),
            t.referred_to,
            cx.text(&r.refer_to)
        ));
    }
    if !items.is_empty() {
        blocks.push(Block::List { items });
    }
    (t.legal_requests.to_owned(), blocks)
}

fn security(cx: &Ctx) -> (String, Vec<Block>) {
    let t = cx.t;
    let mut items = Vec::new();
    if let Some(s) = &cx.policy.security {
        if s.encryption_in_transit {
            items.push(t.in_transit.to_owned());
        }
        if s.encryption_at_rest {
            items.push(t.at_rest.to_owned());
        }
        if s.role_based_access {
            items.push(t.role_based.to_owned());
        }
        items.extend(s.measures.iter().map(|m| cx.text(m)));
    }
    let mut blocks = Vec::new();
    if !items.is_empty() {
        blocks.push(Block::List { items });
    }
    if let Some(b) = &cx.policy.breach {
        blocks.push(Block::Heading {
            text: t.breach.to_owned(),
        });
        blocks.push(p(t.breach_intro));
        let mut steps: Vec<String> = b
            .steps
            .iter()
            .map(|s| i18n::breach_step(cx.lang, *s).to_owned())
            .collect();
        if let Some(d) = &b.notify_authority_within {
            steps.push(format!("{} {}", t.notify_authority_within, cx.duration(d)));
        }
        if let Some(d) = &b.notify_subjects_within {
            steps.push(format!("{} {}", t.notify_subjects_within, cx.duration(d)));
        }
        blocks.push(Block::List { items: steps });
        if let Some(d) = cx.opt(&b.description) {
            blocks.push(p(d));
        }
    }
    (t.security.to_owned(), blocks)
}

fn business_transfer(cx: &Ctx) -> (String, Vec<Block>) {
    let t = cx.t;
    let Some(b) = &cx.policy.business_transfer else {
        return (t.business_transfer.to_owned(), Vec::new());
    };
    let mut blocks = Vec::new();
    if let Some(d) = cx.opt(&b.description) {
        blocks.push(p(d));
    }
    if b.notice_before_transfer {
        blocks.push(p(t.notice_before_transfer));
    }
    if b.successor_bound {
        blocks.push(p(t.successor_bound));
    }
    (t.business_transfer.to_owned(), blocks)
}

fn changes(cx: &Ctx) -> (String, Vec<Block>) {
    let t = cx.t;
    let n = &cx.policy.notice;
    let mut text = match (n.mode, &n.period) {
        (NoticeMode::Advance, Some(period)) => {
            t.changes_advance.replace("{period}", &cx.duration(period))
        }
        _ => t.changes_immediate.to_owned(),
    };
    if !n.channels.is_empty() {
        let channels = n
            .channels
            .iter()
            .map(|c| i18n::channel(cx.lang, *c))
            .collect::<Vec<_>>()
            .join(", ");
        text.push_str(&format!(" {}: {channels}.", t.changes_channels));
    }
    if n.renew_acceptance {
        text.push_str(&format!(" {}", t.renew_acceptance));
    }
    let mut blocks = vec![p(text)];
    if let Some(d) = cx.opt(&n.description) {
        blocks.push(p(d));
    }
    (t.changes.to_owned(), blocks)
}

fn contact(cx: &Ctx) -> (String, Vec<Block>) {
    let t = cx.t;
    let o = &cx.policy.organisation;
    let mut items: Vec<String> = o
        .contacts
        .iter()
        .map(|c| contact_lines(cx, c).join(" · "))
        .filter(|l| !l.is_empty())
        .collect();
    items.dedup();
    if let Some(dpo) = &o.dpo {
        items.push(format!("{}: {}", t.dpo, contact_lines(cx, dpo).join(" · ")));
    }
    if items.is_empty() {
        return (t.contact_us.to_owned(), Vec::new());
    }
    (
        t.contact_us.to_owned(),
        vec![p(t.contact_intro), Block::List { items }],
    )
}
