//! The policy document: every type a policy file is made of.
//!
//! This module only *describes* the document (serde + JSON Schema). It does
//! not check cross-references or legal soundness: that is `validate` (errors
//! that make a policy unusable) and `lint` (legal and consistency findings).
//! Doc comments here become the descriptions editors show from the schema.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::duration::Duration;
use crate::ids::{CategoryKey, ElementId, Jurisdiction, Lang, PromiseId, Text};

/// The version of the policy *language* this crate reads.
pub const FORMAT_VERSION: u32 = 1;

fn is_false(b: &bool) -> bool {
    !*b
}

fn yes() -> bool {
    true
}

fn is_true(b: &bool) -> bool {
    *b
}

/// A privacy policy as code: one versioned document from which vow renders
/// the human-readable policy and enforces every promise in it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "vow privacy policy")]
pub struct Policy {
    /// The version of the vow policy language this file is written in. Must be 1.
    pub vow: u32,
    /// What this document is, its version and its dates.
    pub policy: PolicyMeta,
    /// The organisation that publishes the policy.
    pub organisation: Organisation,
    /// Every entity that decides how data is used: the organisation itself,
    /// joint controllers, a franchisor and its independently owned franchisees.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub controllers: Vec<Controller>,
    /// The jurisdictions the organisation serves; lints check each one's law.
    pub jurisdictions: Vec<JurisdictionDecl>,
    /// The data categories the organisation handles (a fideslang-style taxonomy).
    pub categories: Vec<Category>,
    /// Kinds of data subject (customer, visitor, student, child, parent) and their attributes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subjects: Vec<SubjectKind>,
    /// Memberships that change what may be done with a subject's data
    /// (for example "student of an institution that holds a licence").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub memberships: Vec<Membership>,
    /// Why data is used: each purpose with its lawful basis and consent model.
    pub purposes: Vec<Purpose>,
    /// The kinds of message sent to people, and who may receive them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub communications: Vec<Communication>,
    /// Who receives data: processors, affiliates, franchisees, authorities, buyers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recipients: Vec<Recipient>,
    /// Cookies, pixels, beacons and storage set on people's devices.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub trackers: Vec<Tracker>,
    /// How long each category is kept.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub retention: Vec<RetentionRule>,
    /// The rights people have, per jurisdiction, with deadlines and limits.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rights: Vec<Right>,
    /// How changes to this policy are announced and when they take effect.
    pub notice: NoticeRule,
    /// The stance on browser signals: Do Not Track and Global Privacy Control.
    #[serde(default)]
    pub signals: Signals,
    /// Whether personal information is sold or shared for commercial reasons.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sale: Option<SaleStatement>,
    /// Who may use the service under the age of consent, and on what terms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub children: Option<ChildrenRule>,
    /// Forms and other points where data is collected.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub collection_points: Vec<CollectionPoint>,
    /// How demands from law enforcement and other authorities are handled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_requests: Option<LegalRequestRule>,
    /// What happens after a personal data breach.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub breach: Option<BreachRule>,
    /// What people are told before their data moves in a merger or sale.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub business_transfer: Option<BusinessTransferRule>,
    /// Staff roles and the categories each may read or change.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<AccessRole>,
    /// Security measures the policy commits to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security: Option<Security>,
}

impl Policy {
    /// The most specific declared category `key` is within, if any.
    pub fn category_of(&self, key: &CategoryKey) -> Option<&Category> {
        self.categories
            .iter()
            .filter(|c| key.is_within(&c.id))
            .max_by_key(|c| c.id.as_str().len())
    }

    /// The declared category that makes `key` immutable: `key`'s own or
    /// one it is within marked `immutable` (AGENCY-13). A rectification of
    /// it is refused.
    pub fn immutable_category(&self, key: &CategoryKey) -> Option<&Category> {
        self.categories
            .iter()
            .filter(|c| c.immutable && key.is_within(&c.id))
            .max_by_key(|c| c.id.as_str().len())
    }

    /// The attributes the subject kinds `kinds` declare (every kind's when
    /// `kinds` is empty).
    pub fn attributes_of<'a>(
        &'a self,
        kinds: &'a [&'a str],
    ) -> impl Iterator<Item = &'a Attribute> + 'a {
        self.subjects
            .iter()
            .filter(move |s| kinds.is_empty() || kinds.contains(&s.id.as_str()))
            .flat_map(|s| &s.attributes)
    }
}

/// What this document is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyMeta {
    /// A stable id for the policy, the same across its versions.
    pub id: ElementId,
    /// This version of the policy, such as `2017-07-20` or `3.1`.
    pub version: String,
    /// The title shown on the rendered page.
    pub title: Text,
    /// The date this version takes effect.
    pub effective: NaiveDate,
    /// The date the text was last changed, if different from `effective`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_updated: Option<NaiveDate>,
    /// The languages the policy is published in; the first is the default.
    #[serde(default = "default_languages")]
    pub languages: Vec<Lang>,
    /// What the policy covers (sites, products, portals).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<Text>,
    /// Other documents and which one wins when they conflict with this policy.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub precedence: Vec<Precedence>,
    /// Promise ids this element implements.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub promises: Vec<PromiseId>,
}

fn default_languages() -> Vec<Lang> {
    vec![Lang::parse("en").expect("`en` is a language tag")]
}

/// Another document that governs some of the same data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Precedence {
    /// The other document, such as "Services Agreement".
    pub document: Text,
    /// Where to read it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// What data or use the precedence applies to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<Text>,
    /// Which document controls where the two conflict.
    pub prevails: Prevails,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub promises: Vec<PromiseId>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Prevails {
    /// The other document controls.
    Other,
    /// This policy controls.
    ThisPolicy,
}

/// The organisation that publishes the policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Organisation {
    /// The name people know.
    pub name: String,
    /// The registered legal name, if different.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_name: Option<String>,
    /// A short description of the business.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Text>,
    /// Where the organisation is established.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub established_in: Option<Jurisdiction>,
    /// The postal address, one line per entry.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub address: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
    /// People and mailboxes to contact, by role.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contacts: Vec<Contact>,
    /// The data protection officer, if one is appointed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dpo: Option<Contact>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub promises: Vec<PromiseId>,
}

/// A way to reach someone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    /// What this contact is for.
    #[serde(default = "default_contact_role")]
    pub role: ContactRole,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// A postal address, one line per entry.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub address: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

fn default_contact_role() -> ContactRole {
    ContactRole::Privacy
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ContactRole {
    Privacy,
    Support,
    Dpo,
    Legal,
    Representative,
    General,
}

/// An entity that decides how data is used.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Controller {
    pub id: ElementId,
    pub name: String,
    pub role: ControllerRole,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Text>,
    /// True for franchisees and other entities the organisation does not own.
    #[serde(default, skip_serializing_if = "is_false")]
    pub independently_owned: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub established_in: Option<Jurisdiction>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<Contact>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub promises: Vec<PromiseId>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ControllerRole {
    Controller,
    JointController,
    Franchisor,
    Franchisee,
}

/// A jurisdiction served, and the laws the organisation applies there.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct JurisdictionDecl {
    pub id: Jurisdiction,
    /// The laws applied; when empty, the usual ones for the jurisdiction.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub laws: Vec<Law>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Text>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub promises: Vec<PromiseId>,
}

/// Laws the linter knows.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Law {
    /// EU General Data Protection Regulation (2016/679).
    Gdpr,
    /// UK GDPR and the Data Protection Act 2018.
    UkGdpr,
    /// EU ePrivacy Directive (2002/58/EC), cookies and e-marketing.
    Eprivacy,
    /// UK Privacy and Electronic Communications Regulations 2003.
    Pecr,
    /// California Consumer Privacy Act as amended by the CPRA.
    Ccpa,
    /// California Online Privacy Protection Act.
    Caloppa,
    /// California Civil Code § 1798.83 ("Shine the Light").
    ShineTheLight,
    /// US Children's Online Privacy Protection Act.
    Coppa,
    /// US CAN-SPAM Act.
    CanSpam,
    /// Canada's Personal Information Protection and Electronic Documents Act.
    Pipeda,
    /// Canada's Anti-Spam Legislation.
    Casl,
    /// Ukraine's Law on Personal Data Protection.
    UaPdp,
}

/// A data category. Keys are dotted (`user.contact.email`) and compatible
/// with the fideslang taxonomy; a key outside it extends the nearest parent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Category {
    pub id: CategoryKey,
    pub name: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Text>,
    /// Sensitive or special-category data (health, biometrics, precise
    /// location, financial account credentials...): needs explicit consent.
    #[serde(default, skip_serializing_if = "is_false")]
    pub sensitive: bool,
    /// May be collected about a child under the age of digital consent.
    #[serde(default, skip_serializing_if = "is_false")]
    pub allowed_for_children: bool,
    /// Never stored by the organisation (passed straight to a processor, like card numbers).
    /// A decision to store it is denied, and `vow redact` (`POST /v1/redact`)
    /// finds it in free text: payment card numbers (Luhn-valid) for a
    /// category within `user.financial.credit_card`, `patterns` for others.
    #[serde(default, skip_serializing_if = "is_false")]
    pub never_stored: bool,
    /// For a `never_stored` category only: regular expressions (Rust `regex`
    /// syntax, at most 16 of at most 1,000 characters each) that find it in
    /// free text, so that a support ticket is kept without it
    /// (`IBAN: [A-Z]{2}\d{2}[A-Z0-9]{11,30}`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub patterns: Vec<String>,
    /// A secret (password, token): never exported in clear, never sent to a recipient.
    #[serde(default, skip_serializing_if = "is_false")]
    pub secret: bool,
    /// Cannot be changed by the subject (a username, for example).
    #[serde(default, skip_serializing_if = "is_false")]
    pub immutable: bool,
    /// Encrypted at rest wherever vow stores it.
    #[serde(default, skip_serializing_if = "is_false")]
    pub encrypted_at_rest: bool,
    /// Where the data comes from (reported under the California right to know).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<Source>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub promises: Vec<PromiseId>,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// Given by the person.
    Subject,
    /// Given by a parent or guardian about their child.
    Guardian,
    /// Collected automatically (cookies, logs, devices).
    Automatic,
    /// Received from a third party (social networks, partners, service providers).
    ThirdParty,
    /// Received from a franchisee or another controller.
    Controller,
    /// Inferred or derived by the organisation.
    Inferred,
}

/// A kind of data subject.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SubjectKind {
    pub id: ElementId,
    pub name: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Text>,
    /// Attributes vow keeps about subjects of this kind.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<Attribute>,
    /// Whether subjects of this kind may be linked to a guardian who acts for them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guardian: Option<GuardianRule>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub promises: Vec<PromiseId>,
}

/// An attribute of a subject.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Attribute {
    pub id: ElementId,
    #[serde(rename = "type")]
    pub kind: AttributeType,
    #[serde(default, skip_serializing_if = "is_false")]
    pub required: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Text>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AttributeType {
    String,
    Integer,
    Boolean,
    Date,
    Jurisdiction,
    /// A date of birth: vow derives the age from it.
    BirthDate,
}

/// The link between a subject and the guardian who acts for them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GuardianRule {
    /// The subject kind of the guardian (usually `parent`).
    pub kind: ElementId,
    /// Below this age a guardian is required.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required_under: Option<u8>,
    /// The guardian exercises the subject's rights.
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub exercises_rights: bool,
}

/// A membership that restricts what may be done with a member's data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Membership {
    pub id: ElementId,
    pub name: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Text>,
    /// While the membership is active, purposes with any of these tags are denied.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deny_purpose_tags: Vec<PurposeTag>,
    /// While the membership is active, these purposes are denied.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deny_purposes: Vec<ElementId>,
    /// While the membership is active, only these communication types may be
    /// sent to the member. Absent: no restriction.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub communications_only: Option<Vec<ElementId>>,
    /// What happens when the membership ends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_end: Option<MembershipEnd>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub promises: Vec<PromiseId>,
}

/// What happens when a membership ends.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MembershipEnd {
    /// The communication sent to the former member.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notify: Option<ElementId>,
    /// Offer the former member a self-service export of their content.
    #[serde(default, skip_serializing_if = "is_false")]
    pub offer_export: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub promises: Vec<PromiseId>,
}

/// A reason for using data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Purpose {
    pub id: ElementId,
    pub name: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Text>,
    /// What kind of use this is; drives lints, GPC and membership rules.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<PurposeTag>,
    /// The lawful basis: one for everywhere, or one per jurisdiction with a `default`.
    pub basis: BasisSpec,
    /// Whether and how consent is asked.
    #[serde(default)]
    pub consent: ConsentSpec,
    /// The categories this purpose may use (a key covers its descendants).
    pub categories: Vec<CategoryKey>,
    /// Who this purpose may be applied to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audience: Option<Audience>,
    /// The rule for children under the age of digital consent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub children: Option<ChildrenPolicy>,
    /// What comes with every decision that allows this purpose.
    #[serde(default, skip_serializing_if = "Obligations::is_empty")]
    pub obligations: Obligations,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub promises: Vec<PromiseId>,
}

/// Kinds of use.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum PurposeTag {
    /// Needed to provide what the person asked for.
    Essential,
    /// Promotion of the organisation's products.
    Marketing,
    /// Marketing sent to the person directly (mail, SMS, phone).
    DirectMarketing,
    /// Advertising shown to the person.
    Advertising,
    /// Advertising based on activity across sites (cross-context behavioural).
    TargetedAdvertising,
    /// Selling personal information.
    Sale,
    /// Sharing for cross-context behavioural advertising (CPRA "sharing").
    Sharing,
    /// Marketing by or for a third party.
    ThirdPartyMarketing,
    Analytics,
    Personalisation,
    Security,
    FraudPrevention,
    LegalObligation,
    Support,
    Payment,
    Communication,
    /// Public display (testimonials, customer lists).
    Publication,
    Research,
    Location,
}

/// The lawful basis, for all jurisdictions or per jurisdiction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum BasisSpec {
    /// One basis everywhere.
    One(LawfulBasis),
    /// Per jurisdiction; the key `default` applies elsewhere.
    PerJurisdiction(BTreeMap<String, LawfulBasis>),
}

impl BasisSpec {
    /// The basis that applies in `jurisdiction` (falling back to `default`).
    /// The basis in `jurisdiction`: its own entry, else the entry of the
    /// region or country that covers it (`EU` or `EEA` for a member state,
    /// `GB` or `UK` for the UK, `US` for `US-CA`), else `default`.
    pub fn for_jurisdiction(&self, jurisdiction: &str) -> Option<LawfulBasis> {
        match self {
            BasisSpec::One(basis) => Some(*basis),
            BasisSpec::PerJurisdiction(map) => map
                .get(jurisdiction)
                .or_else(|| {
                    map.iter()
                        .find(|(named, _)| {
                            named.as_str() != "default"
                                && named.as_str() != "GLOBAL"
                                && crate::law::covers(named, jurisdiction)
                        })
                        .map(|(_, basis)| basis)
                })
                .or_else(|| map.get("default"))
                .copied(),
        }
    }

    /// Every basis named, with the key it is under (`default` for `One`).
    pub fn entries(&self) -> Vec<(&str, LawfulBasis)> {
        match self {
            BasisSpec::One(basis) => vec![("default", *basis)],
            BasisSpec::PerJurisdiction(map) => map.iter().map(|(k, v)| (k.as_str(), *v)).collect(),
        }
    }
}

/// GDPR Article 6 bases.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum LawfulBasis {
    Consent,
    Contract,
    LegalObligation,
    VitalInterests,
    PublicTask,
    LegitimateInterests,
}

/// Whether and how consent is asked for a purpose.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsentSpec {
    /// The consent model where no jurisdiction-specific one applies.
    #[serde(default)]
    pub model: ConsentModel,
    /// Consent models that differ by jurisdiction (`EU: opt_in`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub by_jurisdiction: BTreeMap<Jurisdiction, ConsentModel>,
    /// Explicit consent (GDPR Art. 9(2)(a)): a clear affirmative act for this purpose alone.
    #[serde(default, skip_serializing_if = "is_false")]
    pub explicit: bool,
    /// How long a consent lasts before it is asked again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lifetime: Option<Duration>,
    /// The ways a person can withdraw or opt out.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub withdrawal: Vec<WithdrawalMethod>,
    /// The soft opt-in rule (existing customers, similar products).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub soft_opt_in: Option<SoftOptIn>,
    /// Ask again when this purpose changes materially in a new policy version.
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub renew_on_material_change: bool,
}

impl ConsentSpec {
    /// The consent model that applies in `jurisdiction`; a place without an
    /// entry of its own takes the entry of the region or country that
    /// covers it (`EU` for `FR`, `US` for `US-CA`).
    pub fn model_for(&self, jurisdiction: &str) -> ConsentModel {
        if let Some(model) = self.by_jurisdiction.get(jurisdiction) {
            return *model;
        }
        self.by_jurisdiction
            .iter()
            .find(|(named, _)| {
                named.as_str() != "GLOBAL" && crate::law::covers(named.as_str(), jurisdiction)
            })
            .map_or(self.model, |(_, model)| *model)
    }

    /// Whether any jurisdiction asks for consent (opt-in, opt-out or soft opt-in).
    pub fn asks_consent(&self) -> bool {
        self.model != ConsentModel::None
            || self
                .by_jurisdiction
                .values()
                .any(|m| *m != ConsentModel::None)
    }
}

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Default,
    Serialize,
    Deserialize,
    JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ConsentModel {
    /// Not used until the person says yes.
    OptIn,
    /// Used until the person says no.
    OptOut,
    /// Allowed for existing customers about similar products until they say no; otherwise opt-in.
    SoftOptIn,
    /// No consent involved (another lawful basis applies).
    #[default]
    None,
}

/// A way to withdraw consent or opt out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WithdrawalMethod {
    pub method: WithdrawalChannel,
    /// The address, URL or instructions for this method.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum WithdrawalChannel {
    /// The cookie banner's settings.
    Banner,
    /// vow's privacy centre.
    PrivacyCentre,
    /// A one-click unsubscribe link in each message.
    UnsubscribeLink,
    AccountSettings,
    Email,
    Post,
    Phone,
    BrowserSettings,
    DeviceSettings,
    /// A provider's own opt-out page or add-on.
    ProviderOptOut,
}

/// The soft opt-in exception for existing customers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SoftOptIn {
    /// What makes a person an existing customer.
    pub requires: SoftOptInBasis,
    /// What the marketing may be about.
    pub scope: Text,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SoftOptInBasis {
    /// A purchase of the organisation's products or services.
    Purchase,
    /// Negotiations for a sale.
    Negotiation,
}

/// Who a purpose may be applied to.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Audience {
    /// Only subjects of these kinds.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subject_kinds: Vec<ElementId>,
    /// Never subjects with an active membership among these.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclude_memberships: Vec<ElementId>,
    /// Only subjects with an active membership among these.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub require_memberships: Vec<ElementId>,
    /// Only subjects at least this old.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_age: Option<u8>,
    /// Only in these jurisdictions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub jurisdictions: Vec<Jurisdiction>,
}

/// What a purpose may do with a child's data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChildrenPolicy {
    /// Never for children.
    Forbidden,
    /// Only with a verified consent from a parent or guardian.
    ParentalConsent,
    /// Allowed (for categories marked allowed for children).
    Allowed,
}

/// Obligations that come with an allowed use.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Obligations {
    /// Remove the end of the IP address before use or disclosure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub truncate_ip: Option<IpTruncation>,
    /// Only aggregate output, never per-person.
    #[serde(default, skip_serializing_if = "is_false")]
    pub aggregate_only: bool,
    /// Every released group holds at least k people.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub k_anonymity: Option<u32>,
    /// Every message carries a one-click unsubscribe link.
    #[serde(default, skip_serializing_if = "is_false")]
    pub unsubscribe_link: bool,
    /// A parent or guardian is notified.
    #[serde(default, skip_serializing_if = "is_false")]
    pub notify_parent: bool,
}

impl Obligations {
    pub fn is_empty(&self) -> bool {
        self == &Obligations::default()
    }
}

/// How many leading bits of an IP address are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IpTruncation {
    /// Prefix length kept for IPv4 (24 keeps `192.0.2.x` as `192.0.2.0`).
    #[serde(default = "default_v4_prefix")]
    #[schemars(range(max = 32))]
    pub ipv4_prefix: u8,
    /// Prefix length kept for IPv6.
    #[serde(default = "default_v6_prefix")]
    #[schemars(range(max = 128))]
    pub ipv6_prefix: u8,
}

fn default_v4_prefix() -> u8 {
    24
}

fn default_v6_prefix() -> u8 {
    48
}

/// A kind of message sent to people.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Communication {
    pub id: ElementId,
    pub name: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Text>,
    /// Essential messages (transactional, service, security) cannot be opted out of.
    #[serde(default, skip_serializing_if = "is_false")]
    pub essential: bool,
    /// The purpose this communication serves.
    pub purpose: ElementId,
    pub channels: Vec<Channel>,
    /// What starts it.
    #[serde(default)]
    pub trigger: Trigger,
    /// Who may receive it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audience: Option<Audience>,
    /// The condition for sending it, in words, for people to read. The
    /// engine checks `when`; a condition with no `when` decides nothing
    /// (`vow policy lint` says so).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<Text>,
    /// The condition for sending it, as the engine checks it: the
    /// person's attributes and what the message is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<SendCondition>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub promises: Vec<PromiseId>,
}

/// When a communication may be sent, in terms the engine checks. Every
/// part must hold.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SendCondition {
    /// Attributes of the person (declared in `subjects[].attributes`) and
    /// the value each must have (`self_pay: true`). An attribute that is
    /// not known about the person does not hold.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<ElementId, AttributeValue>,
    /// What the message may be about: a send must name one of these
    /// topics (`operational`, `billing`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub topics: Vec<ElementId>,
}

/// The value of a person's attribute: `true`, `42` or a text.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum AttributeValue {
    Boolean(bool),
    Integer(i64),
    Text(String),
}

impl AttributeValue {
    /// Whether the value has the attribute type `kind`.
    pub fn fits(&self, kind: AttributeType) -> bool {
        match (self, kind) {
            (AttributeValue::Boolean(_), AttributeType::Boolean) => true,
            (AttributeValue::Integer(_), AttributeType::Integer) => true,
            (AttributeValue::Text(_), AttributeType::String) => true,
            (AttributeValue::Text(t), AttributeType::Date | AttributeType::BirthDate) => {
                NaiveDate::parse_from_str(t, "%Y-%m-%d").is_ok()
            }
            (AttributeValue::Text(t), AttributeType::Jurisdiction) => {
                Jurisdiction::parse(t).is_ok()
            }
            _ => false,
        }
    }
}

impl std::fmt::Display for AttributeValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AttributeValue::Boolean(b) => write!(f, "{b}"),
            AttributeValue::Integer(n) => write!(f, "{n}"),
            AttributeValue::Text(t) => write!(f, "{t:?}"),
        }
    }
}

impl AttributeType {
    /// The type's name with its article (`an integer`), for messages.
    pub fn article(self) -> String {
        let name = self.name();
        let article = if name.starts_with(['a', 'e', 'i', 'o', 'u']) {
            "an"
        } else {
            "a"
        };
        format!("{article} {name}")
    }

    /// The type's name as written in a policy.
    pub fn name(self) -> &'static str {
        match self {
            AttributeType::String => "string",
            AttributeType::Integer => "integer",
            AttributeType::Boolean => "boolean",
            AttributeType::Date => "date",
            AttributeType::Jurisdiction => "jurisdiction",
            AttributeType::BirthDate => "birth_date",
        }
    }
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Channel {
    Email,
    Sms,
    Phone,
    Post,
    /// A notice inside the product.
    InProduct,
    /// A notice on the web site.
    Site,
    /// The customer portal.
    Portal,
    Push,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Trigger {
    /// Sent in answer to something the person did (they wrote to support).
    SubjectInitiated,
    /// Sent when an event happens (a purchase, a membership ending, a release).
    Event,
    /// Sent on a schedule or campaign.
    #[default]
    Campaign,
}

/// Someone who receives personal data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Recipient {
    pub id: ElementId,
    pub name: String,
    pub kind: RecipientKind,
    /// What the recipient does for the organisation.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub functions: Vec<RecipientFunction>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Text>,
    /// Where the recipient stores or processes the data.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub locations: Vec<Jurisdiction>,
    /// Transfers abroad and their legal mechanism.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub transfers: Vec<Transfer>,
    /// The categories it may receive, per purpose.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub uses: Vec<RecipientUse>,
    /// May the recipient keep the data after performing its function?
    #[serde(default, skip_serializing_if = "is_false")]
    pub may_retain: bool,
    /// May the recipient use the data for its own purposes?
    #[serde(default, skip_serializing_if = "is_false")]
    pub may_use_for_own_purposes: bool,
    /// Certifications (PCI-DSS, ISO 27001...).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub certifications: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub privacy_policy: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub promises: Vec<PromiseId>,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum RecipientKind {
    /// Processes data on the organisation's behalf.
    Processor,
    /// Decides for itself how the data is used.
    ThirdParty,
    /// Under common control with the organisation.
    Affiliate,
    /// An independently owned franchised location.
    Franchisee,
    /// A court, regulator or law-enforcement agency.
    Authority,
    /// A buyer or successor in a merger or sale.
    Buyer,
    /// An advertising network or platform.
    AdvertisingNetwork,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum RecipientFunction {
    Hosting,
    Storage,
    Database,
    Payment,
    Email,
    Analytics,
    Advertising,
    SocialMedia,
    Cdn,
    Security,
    Support,
    Crm,
    Marketing,
    LegalCompliance,
    Other,
}

/// A transfer of data out of the jurisdiction where it was collected.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Transfer {
    /// Where from; absent means from wherever the data was collected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<Jurisdiction>,
    pub to: Jurisdiction,
    pub mechanism: TransferMechanism,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Text>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub promises: Vec<PromiseId>,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum TransferMechanism {
    /// An adequacy decision covers the destination.
    Adequacy,
    /// Standard contractual clauses.
    StandardContractualClauses,
    /// Binding corporate rules.
    BindingCorporateRules,
    /// The EU–US Data Privacy Framework (since July 2023).
    DataPrivacyFramework,
    /// The EU–US Privacy Shield: invalidated by the CJEU in July 2020 (Schrems II).
    PrivacyShield,
    /// The person's explicit consent (Art. 49(1)(a)).
    Consent,
    /// Necessary for a contract with the person (Art. 49(1)(b)).
    Contract,
    /// No mechanism is named.
    Unspecified,
}

/// What a recipient may receive for one purpose.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RecipientUse {
    pub purpose: ElementId,
    pub categories: Vec<CategoryKey>,
    /// What comes with each disclosure for this use.
    #[serde(default, skip_serializing_if = "Obligations::is_empty")]
    pub obligations: Obligations,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub promises: Vec<PromiseId>,
}

/// A cookie, pixel, beacon or storage entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Tracker {
    pub id: ElementId,
    /// The exact name, or a pattern with `*` (`_ga_*`, `TS*`, `wp-settings-*`).
    pub name: String,
    pub kind: TrackerKind,
    /// Who provides it (the organisation itself, Google, Meta...).
    pub provider: String,
    /// The recipient that receives what it collects, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recipient: Option<ElementId>,
    pub party: Party,
    pub category: TrackerCategory,
    /// The purpose it serves.
    pub purpose: ElementId,
    /// How long it lasts on the device.
    pub duration: Duration,
    /// What it is used for, in words (the cookie table's "purpose" column).
    pub description: Text,
    /// Categories it stores or collects.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub collects: Vec<CategoryKey>,
    /// It follows the person across other sites.
    #[serde(default, skip_serializing_if = "is_false")]
    pub cross_site: bool,
    /// The domain it is set on, if not the site's own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub promises: Vec<PromiseId>,
}

impl Tracker {
    /// Whether `name` is a pattern rather than an exact name.
    pub fn is_pattern(&self) -> bool {
        self.name.contains('*')
    }

    /// Whether a cookie called `cookie` is this tracker.
    pub fn matches(&self, cookie: &str) -> bool {
        glob_match(&self.name, cookie)
    }
}

/// `*` matches any run of characters, everything else matches itself.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !text.starts_with(first) || text.len() < first.len() + last.len() || !text.ends_with(last) {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for middle in &parts[1..parts.len() - 1] {
        match rest.find(middle) {
            Some(at) => rest = &rest[at + middle.len()..],
            None => return false,
        }
    }
    true
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum TrackerKind {
    Cookie,
    Pixel,
    Beacon,
    LocalStorage,
    SessionStorage,
    /// Flash local shared objects.
    FlashCookie,
    /// A social plug-in or embedded script.
    Script,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Party {
    First,
    Third,
}

/// The cookie-notice category; only `essential` is set without consent.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum TrackerCategory {
    /// Strictly necessary: never blocked.
    Essential,
    Functional,
    Analytics,
    Advertising,
    Social,
}

/// How long data in some categories is kept.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RetentionRule {
    pub id: ElementId,
    pub categories: Vec<CategoryKey>,
    /// Only when used for these purposes; empty: whatever the purpose.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub purposes: Vec<ElementId>,
    /// How long: a duration, or until an event.
    pub keep: RetentionPeriod,
    /// From when the period runs.
    #[serde(default)]
    pub from: RetentionStart,
    /// Reasons to keep data longer than the rule.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exceptions: Vec<RetentionException>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Text>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub promises: Vec<PromiseId>,
}

/// A retention period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum RetentionPeriod {
    /// A fixed time.
    For(Duration),
    /// Until the subject asks for removal.
    UntilSubjectRequest,
    /// Until the account is closed.
    UntilAccountClosed,
    /// As long as the purpose needs it.
    UntilPurposeFulfilled,
    /// Not stored at all.
    NotStored,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RetentionStart {
    #[default]
    Collection,
    LastActivity,
    AccountClosure,
    ContractEnd,
}

/// A reason to keep data beyond its retention rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RetentionException {
    pub reason: RetentionReason,
    /// How long beyond the rule; absent: as long as the reason lasts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub up_to: Option<Duration>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Text>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RetentionReason {
    Security,
    LegalObligation,
    Dispute,
    FraudPrevention,
    ActiveAccount,
    Administrative,
    LegalHold,
}

/// A right people have, with its deadline and limits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Right {
    pub right: RightKind,
    /// Where it applies; empty: everywhere.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub jurisdictions: Vec<Jurisdiction>,
    /// The time to answer, from receipt.
    pub deadline: Duration,
    /// How much longer it may take when the organisation tells the person why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension: Option<Duration>,
    /// How often a person may ask.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<RequestLimit>,
    /// How identity is verified before answering.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub verification: Vec<VerificationMethod>,
    /// Whether an authorised agent may ask for the person.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agents: Option<AgentRule>,
    /// Where requests are received.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub intake: Vec<Intake>,
    /// Data that is kept despite the request, and why.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exceptions: Vec<Text>,
    /// For `right: restriction` only: the purposes that continue while a
    /// person's processing is restricted (GDPR Art. 18(2): the
    /// establishment, exercise or defence of legal claims, the protection
    /// of another person's rights, an important public interest). Each is
    /// still decided by its own rules; every other purpose is denied but
    /// storage.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exempt_purposes: Vec<ElementId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Text>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub promises: Vec<PromiseId>,
}

impl Right {
    /// Whether this right applies to a person in `jurisdiction`.
    pub fn applies_in(&self, jurisdiction: &str) -> bool {
        self.jurisdictions.is_empty()
            || self
                .jurisdictions
                .iter()
                .any(|j| crate::law::covers(j.as_str(), jurisdiction))
    }
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum RightKind {
    Access,
    Portability,
    Rectification,
    Erasure,
    Restriction,
    Objection,
    WithdrawConsent,
    /// California: categories, sources, purposes, recipients and specific pieces.
    RightToKnow,
    /// California: opt out of sale and sharing.
    OptOutOfSale,
    /// California Civil Code § 1798.83: disclosures for direct marketing.
    ShineTheLight,
    /// Lodge a complaint with a supervisory authority.
    Complaint,
    /// Not be discriminated against for exercising a right.
    NonDiscrimination,
    /// Stop marketing messages.
    OptOutOfMarketing,
}

/// How often a person may exercise a right.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RequestLimit {
    pub count: u32,
    pub per: LimitWindow,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum LimitWindow {
    /// A rolling window, such as `12 months`.
    Rolling(Duration),
    /// Once per calendar year.
    CalendarYear,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum VerificationMethod {
    /// The person is signed in to their account.
    Account,
    /// A code sent to an e-mail address already on file (not the one in the request).
    EmailOnFile,
    /// A code sent to a phone number already on file.
    PhoneOnFile,
    /// Details in the request match what is held.
    MatchRecords,
    /// An identity document.
    IdentityDocument,
    /// Signed declaration under penalty of perjury.
    SignedDeclaration,
}

/// Whether and how an authorised agent may act for a person.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AgentRule {
    pub allowed: bool,
    /// What the agent must show.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub proof: Vec<AgentProof>,
    /// The person must confirm the request themselves.
    #[serde(default, skip_serializing_if = "is_false")]
    pub subject_confirms: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AgentProof {
    SignedPermission,
    PowerOfAttorney,
    /// Registered with the California Secretary of State.
    RegisteredBusiness,
}

/// Where requests are received.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Intake {
    pub channel: IntakeChannel,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// A subject line the message must carry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject_line: Option<String>,
    /// Requests arriving elsewhere may be refused.
    #[serde(default, skip_serializing_if = "is_false")]
    pub exclusive: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum IntakeChannel {
    PrivacyCentre,
    AccountSettings,
    Email,
    Post,
    Phone,
    WebForm,
}

/// How changes to the policy are announced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NoticeRule {
    /// `advance`: material changes take effect only after `period`; `immediate`: on posting.
    pub mode: NoticeMode,
    /// For `advance`: how long before a material change takes effect it is announced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<Duration>,
    /// Where material changes are announced.
    pub channels: Vec<Channel>,
    /// Ask for consent again (acceptance of the policy) after a material change.
    #[serde(default, skip_serializing_if = "is_false")]
    pub renew_acceptance: bool,
    /// Public holidays skipped when counting business days.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub holidays: Vec<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Text>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub promises: Vec<PromiseId>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum NoticeMode {
    Advance,
    Immediate,
}

/// Browser privacy signals.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Signals {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub do_not_track: Option<SignalStance>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub global_privacy_control: Option<SignalStance>,
}

/// Whether a browser signal is honoured, and where.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SignalStance {
    pub honoured: bool,
    /// Jurisdictions where it is honoured even so (the law requires it).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub required_in: Vec<Jurisdiction>,
    /// What honouring it opts the person out of.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub opts_out_of: Vec<PurposeTag>,
    /// The statement shown in the policy.
    pub statement: Text,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub promises: Vec<PromiseId>,
}

/// Whether personal information is sold or shared.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SaleStatement {
    /// Personal information is sold.
    pub sells: bool,
    /// Personal information is shared for cross-context behavioural advertising.
    pub shares_for_advertising: bool,
    pub statement: Text,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub promises: Vec<PromiseId>,
}

/// Children and the age of digital consent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChildrenRule {
    /// Children below `consent_age` may use the service.
    pub admitted: bool,
    /// Below this age a parent's or guardian's consent is needed (13 under COPPA).
    pub consent_age: u8,
    /// The rule that applies below `consent_age`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parental_consent: Option<ParentalConsent>,
    /// A subject whose age is unknown is treated as a child.
    #[serde(default, skip_serializing_if = "is_false")]
    pub unknown_age_is_child: bool,
    /// Children are never contacted directly.
    #[serde(default, skip_serializing_if = "is_false")]
    pub no_direct_contact: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Text>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub promises: Vec<PromiseId>,
}

/// How a parent or guardian consents.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ParentalConsent {
    /// The consent must be verified (COPPA "verifiable parental consent").
    pub verified: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub methods: Vec<ParentalConsentMethod>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ParentalConsentMethod {
    /// E-mail plus a confirming step.
    EmailPlus,
    /// A payment card transaction by the parent.
    CardTransaction,
    SignedForm,
    VideoCall,
    IdentityDocument,
    /// Consent given in person at a location.
    InPerson,
}

/// A point where data is collected.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CollectionPoint {
    pub id: ElementId,
    pub name: Text,
    pub kind: CollectionKind,
    /// Categories that must be supplied.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub required: Vec<CategoryKey>,
    /// Categories that may be supplied.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub optional: Vec<CategoryKey>,
    /// The purposes the data is collected for.
    pub purposes: Vec<ElementId>,
    /// Data from this point may be used only for `purposes` (purpose binding).
    #[serde(default, skip_serializing_if = "is_false")]
    pub bind_purposes: bool,
    /// The controller that collects it, when there are several.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub controller: Option<ElementId>,
    /// The subject kind that fills it in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject_kind: Option<ElementId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Text>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub promises: Vec<PromiseId>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CollectionKind {
    Form,
    Checkout,
    Signup,
    Api,
    Device,
    InPerson,
    Phone,
    Import,
}

/// How demands from authorities are handled.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LegalRequestRule {
    /// Tell the person within this time of receiving a demand.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notify_subject_within: Option<Duration>,
    /// ...unless a statute or order forbids it.
    #[serde(default, skip_serializing_if = "is_false")]
    pub unless_prohibited: bool,
    /// Give the person the chance to seek a protective order.
    #[serde(default, skip_serializing_if = "is_false")]
    pub offer_protective_order: bool,
    /// Object to demands that were not properly issued.
    #[serde(default, skip_serializing_if = "is_false")]
    pub object_to_improper: bool,
    /// Demands referred elsewhere (data held for third-party apps).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub referrals: Vec<Referral>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Text>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub promises: Vec<PromiseId>,
}

/// A kind of demand referred to someone else.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Referral {
    /// What the demand concerns.
    pub scope: Text,
    /// Who it is referred to.
    pub refer_to: Text,
}

/// What happens after a breach.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BreachRule {
    pub steps: Vec<BreachStep>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notify_authority_within: Option<Duration>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notify_subjects_within: Option<Duration>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Text>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub promises: Vec<PromiseId>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum BreachStep {
    SecureSystems,
    Assess,
    NotifyAuthority,
    NotifySubjects,
    ResetPasswords,
    Document,
}

/// Notice before data changes hands in a merger or sale.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BusinessTransferRule {
    /// People are told before their data becomes subject to another policy.
    pub notice_before_transfer: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notice_period: Option<Duration>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub channels: Vec<Channel>,
    /// The buyer keeps using the data as this policy says.
    #[serde(default, skip_serializing_if = "is_false")]
    pub successor_bound: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Text>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub promises: Vec<PromiseId>,
}

/// A staff role and what it may see.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AccessRole {
    pub id: ElementId,
    pub name: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Text>,
    /// Categories the role may read; every read is logged.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub read: Vec<CategoryKey>,
    /// Categories the role may change.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub write: Vec<CategoryKey>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub promises: Vec<PromiseId>,
}

/// Security commitments.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Security {
    #[serde(default, skip_serializing_if = "is_false")]
    pub encryption_in_transit: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub encryption_at_rest: bool,
    /// Access is granted by role (see `roles`).
    #[serde(default, skip_serializing_if = "is_false")]
    pub role_based_access: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub measures: Vec<Text>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub promises: Vec<PromiseId>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob_patterns() {
        // promise: AGENCY-14 — tracker names with wildcards
        assert!(glob_match("wp-settings-*", "wp-settings-42"));
        assert!(glob_match("wp-settings-*-*", "wp-settings-time-42"));
        assert!(glob_match("TS*", "TS01a2b3"));
        assert!(glob_match("_ga_*", "_ga_ABC123"));
        assert!(!glob_match("_ga_*", "_ga"));
        assert!(glob_match("_ga", "_ga"));
        assert!(!glob_match("_ga", "_gid"));
        assert!(glob_match("*", ""));
        assert!(!glob_match("a*b*c", "acb"));
    }
}
