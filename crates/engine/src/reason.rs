//! Why a decision came out as it did: [`Reason`]s, and every sentence the
//! engine can say, in one place.
//!
//! A reason holds what its sentence needs (ids borrowed from the compiled
//! policy, a set of categories as bits) and writes the sentence only when it
//! is shown or serialised, so deciding formats nothing. Names that come from
//! the query or the subject rather than the policy (an undeclared purpose, a
//! legal hold) are copied: they only appear in denials of malformed queries.

use std::borrow::Cow;
use std::fmt;

use chrono::NaiveDate;
use serde::{Serialize, Serializer};
use vow_policy::model::{Channel, LawfulBasis};
use vow_policy::{AttributeValue, CategoryKey, ElementId};

use crate::bits::{self, Bits};

/// Why a decision came out as it did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reason<'p> {
    /// Stable rule name (`consent-missing`, `membership-denies`...).
    pub rule: &'static str,
    /// The policy element concerned (`purpose marketing`).
    pub element: Element<'p>,
    pub promises: &'p [String],
    /// A sentence a person understands.
    pub message: Message<'p>,
}

impl<'p> Reason<'p> {
    pub fn new(element: Element<'p>, promises: &'p [String], message: Message<'p>) -> Self {
        Reason {
            rule: message.rule(),
            element,
            promises,
            message,
        }
    }
}

/// The policy element a reason is about, shown as `purpose marketing`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Element<'p> {
    /// A kind and an id: `purpose marketing`, `membership licensed_institution`.
    Named(&'static str, Cow<'p, str>),
    /// A fixed place: `subject`, `children`, `signals.do_not_track`.
    Fixed(&'static str),
}

impl<'p> Element<'p> {
    pub fn purpose(id: &'p str) -> Self {
        Element::Named("purpose", Cow::Borrowed(id))
    }
}

impl fmt::Display for Element<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Element::Named(kind, id) => write!(f, "{kind} {id}"),
            Element::Fixed(place) => f.write_str(place),
        }
    }
}

/// Categories of the compiled policy, shown by their keys.
#[derive(Clone, PartialEq, Eq)]
pub struct CategoryList<'p> {
    keys: &'p [CategoryKey],
    bits: Bits,
}

impl<'p> CategoryList<'p> {
    /// `bits` indexes `keys` (the compiled policy's categories).
    pub fn new(keys: &'p [CategoryKey], bits: Bits) -> Self {
        CategoryList { keys, bits }
    }

    pub fn len(&self) -> usize {
        self.bits.len()
    }

    pub fn is_empty(&self) -> bool {
        self.bits.is_empty()
    }

    pub fn bits(&self) -> &Bits {
        &self.bits
    }

    /// The keys, in the policy's order.
    pub fn iter(&self) -> Keys<'_, 'p> {
        Keys {
            keys: self.keys,
            bits: self.bits.iter(),
        }
    }
}

/// The keys of a [`CategoryList`].
#[derive(Debug, Clone)]
pub struct Keys<'a, 'p> {
    keys: &'p [CategoryKey],
    bits: bits::Iter<'a>,
}

impl<'p> Iterator for Keys<'_, 'p> {
    type Item = &'p str;

    fn next(&mut self) -> Option<&'p str> {
        let keys = self.keys;
        self.bits.find_map(|b| keys.get(b)).map(CategoryKey::as_str)
    }
}

impl<'a, 'p> IntoIterator for &'a CategoryList<'p> {
    type Item = &'p str;
    type IntoIter = Keys<'a, 'p>;

    fn into_iter(self) -> Keys<'a, 'p> {
        self.iter()
    }
}

impl fmt::Debug for CategoryList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// `a, b, c`
impl fmt::Display for CategoryList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        join(f, self.iter())
    }
}

impl Serialize for CategoryList<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

fn join<'a>(f: &mut fmt::Formatter<'_>, items: impl Iterator<Item = &'a str>) -> fmt::Result {
    for (i, item) in items.enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        f.write_str(item)?;
    }
    Ok(())
}

/// What a reason says, with what it needs to say it. Each variant is one
/// sentence of one rule ([`Message::rule`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message<'p> {
    PurposeUndeclared {
        purpose: Cow<'p, str>,
    },
    LegalHold {
        hold: Cow<'p, str>,
    },
    ErasureAllowed,
    CategoryUndeclared {
        key: Cow<'p, str>,
    },
    CategoryNotAllowed {
        purpose: &'p str,
        categories: CategoryList<'p>,
    },
    Restricted,
    /// Restricted, but the purpose continues under a restriction (an allow's note).
    RestrictionExempt {
        purpose: &'p str,
    },
    Erased,
    Storage,
    /// Categories the policy promises never to store.
    NeverStored {
        categories: CategoryList<'p>,
    },
    Objection {
        purpose: &'p str,
    },
    ObjectionToDirectMarketing,
    MembershipDenies {
        membership: &'p str,
        purpose: &'p str,
    },
    CommunicationNotAllowed {
        membership: &'p str,
        allowed: usize,
        communication: Cow<'p, str>,
    },
    /// A message's condition names an attribute the person does not have
    /// with that value (`has`: the value known, if any).
    ConditionAttribute {
        communication: &'p str,
        attribute: &'p str,
        wanted: &'p AttributeValue,
        has: Option<Cow<'p, str>>,
    },
    /// A message may be only about some topics, and this one is about
    /// another, or names none.
    ConditionTopic {
        communication: &'p str,
        topics: &'p [ElementId],
        topic: Option<Cow<'p, str>>,
    },
    AudienceExcluded {
        purpose: &'p str,
    },
    AudienceMembershipRequired {
        purpose: &'p str,
    },
    AudienceKind {
        purpose: &'p str,
        kinds: &'p [String],
    },
    AudienceJurisdiction {
        purpose: &'p str,
        jurisdictions: &'p [String],
    },
    AudienceAge {
        purpose: &'p str,
        min: u8,
    },
    ChildNotAdmitted {
        consent_age: u8,
    },
    ChildPurposeForbidden {
        purpose: &'p str,
    },
    ParentalConsentMissing {
        consent_age: u8,
    },
    ChildCategoryNotAllowed {
        categories: CategoryList<'p>,
    },
    ChildNoDirectContact,
    /// Below the age of digital consent the law of the person's country
    /// sets, a parent's verified consent is needed.
    ParentalConsentRequiredByLaw {
        age: u8,
        place: &'static str,
        citation: &'static str,
        /// COPPA: for anything at all, not only what relies on consent.
        everything: bool,
    },
    GpcOptOut,
    /// The person's state obliges the business to honour the signal.
    GpcRequiredByLaw {
        place: &'static str,
        law: &'static str,
        citation: &'static str,
    },
    DntHonoured,
    DntIgnored,
    NoLawfulBasis {
        purpose: &'p str,
        place: Cow<'p, str>,
    },
    EssentialMessage,
    ChannelOptOut {
        channel: Channel,
    },
    CommunicationOptOut {
        communication: &'p str,
        channel: Channel,
    },
    ConsentExpired {
        purpose: &'p str,
        given_on: NaiveDate,
    },
    /// A consent given with an end of its own, now reached.
    ConsentEnded {
        purpose: &'p str,
        given_on: NaiveDate,
        ended_on: NaiveDate,
    },
    ConsentRenewalNeeded {
        purpose: &'p str,
    },
    ConsentGiven {
        purpose: &'p str,
        on: NaiveDate,
    },
    ConsentWithdrawn {
        purpose: &'p str,
    },
    ConsentMissing {
        purpose: &'p str,
    },
    OptedOut {
        purpose: &'p str,
    },
    NotOptedOut {
        purpose: &'p str,
    },
    /// A soft opt-in purpose with a consent on record (no date said).
    SoftOptInConsentGiven {
        purpose: &'p str,
    },
    SoftOptIn,
    SoftOptInConsentMissing {
        purpose: &'p str,
    },
    /// Consent is the basis but the purpose asks for none.
    ConsentNotRecorded {
        purpose: &'p str,
    },
    LawfulBasis {
        purpose: &'p str,
        basis: LawfulBasis,
        place: Cow<'p, str>,
    },
    PurposeBinding {
        point: &'p str,
    },
    CollectionPointUndeclared {
        point: Cow<'p, str>,
    },
    RecipientUndeclared {
        recipient: Cow<'p, str>,
    },
    RecipientPurpose {
        recipient: &'p str,
        purpose: &'p str,
    },
    RecipientCategory {
        recipient: &'p str,
        purpose: &'p str,
        categories: CategoryList<'p>,
    },
    /// An allow that sends the recipient less than was asked (`SendOnly`).
    RecipientProjected {
        recipient: &'p str,
        purpose: &'p str,
        withheld: CategoryList<'p>,
    },
}

impl Message<'_> {
    /// The stable rule name this sentence belongs to.
    pub fn rule(&self) -> &'static str {
        use Message::*;
        match self {
            PurposeUndeclared { .. } => "purpose-undeclared",
            LegalHold { .. } => "legal-hold",
            ErasureAllowed => "erasure-allowed",
            CategoryUndeclared { .. } => "category-undeclared",
            CategoryNotAllowed { .. } => "category-not-allowed",
            Restricted => "restricted",
            RestrictionExempt { .. } => "restriction-exempt",
            Erased => "erased",
            Storage => "storage",
            NeverStored { .. } => "never-stored",
            Objection { .. } => "objection",
            ObjectionToDirectMarketing => "objection-direct-marketing",
            MembershipDenies { .. } => "membership-denies",
            CommunicationNotAllowed { .. } => "communication-not-allowed",
            ConditionAttribute { .. } | ConditionTopic { .. } => "communication-condition",
            AudienceExcluded { .. } => "audience-excluded",
            AudienceMembershipRequired { .. } => "audience-membership-required",
            AudienceKind { .. } => "audience-kind",
            AudienceJurisdiction { .. } => "audience-jurisdiction",
            AudienceAge { .. } => "audience-age",
            ChildNotAdmitted { .. } => "child-not-admitted",
            ChildPurposeForbidden { .. } => "child-purpose-forbidden",
            ParentalConsentMissing { .. } => "parental-consent-missing",
            ChildCategoryNotAllowed { .. } => "child-category-not-allowed",
            ChildNoDirectContact => "child-no-direct-contact",
            ParentalConsentRequiredByLaw { .. } => "parental-consent-required-by-law",
            GpcOptOut | GpcRequiredByLaw { .. } => "gpc-opt-out",
            DntHonoured => "dnt-honoured",
            DntIgnored => "dnt-ignored",
            NoLawfulBasis { .. } => "no-lawful-basis",
            EssentialMessage => "essential-message",
            ChannelOptOut { .. } => "channel-opt-out",
            CommunicationOptOut { .. } => "communication-opt-out",
            ConsentExpired { .. } => "consent-expired",
            ConsentEnded { .. } => "consent-ended",
            ConsentRenewalNeeded { .. } => "consent-renewal-needed",
            ConsentGiven { .. } | SoftOptInConsentGiven { .. } => "consent-given",
            ConsentWithdrawn { .. } => "consent-withdrawn",
            ConsentMissing { .. } | SoftOptInConsentMissing { .. } | ConsentNotRecorded { .. } => {
                "consent-missing"
            }
            OptedOut { .. } => "opted-out",
            NotOptedOut { .. } => "not-opted-out",
            SoftOptIn => "soft-opt-in",
            LawfulBasis { .. } => "lawful-basis",
            PurposeBinding { .. } => "purpose-binding",
            CollectionPointUndeclared { .. } => "collection-point-undeclared",
            RecipientUndeclared { .. } => "recipient-undeclared",
            RecipientPurpose { .. } => "recipient-purpose",
            RecipientCategory { .. } => "recipient-category",
            RecipientProjected { .. } => "recipient-projection",
        }
    }
}

impl fmt::Display for Message<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use Message::*;
        match self {
            PurposeUndeclared { purpose } => write!(f, "`{purpose}` is not a purpose this policy declares; data is used only for the purposes listed"),
            LegalHold { hold } => write!(f, "a legal hold ({hold}) requires the data to be kept"),
            ErasureAllowed => f.write_str("no legal hold prevents erasure"),
            CategoryUndeclared { key } => write!(f, "`{key}` is not a data category this policy declares"),
            CategoryNotAllowed { purpose, categories } => write!(f, "purpose `{purpose}` may not use {categories}"),
            Restricted => f.write_str("processing is restricted at the person's request: the data may only be stored"),
            RestrictionExempt { purpose } => write!(f, "processing is restricted at the person's request; `{purpose}` continues under the restriction, as the policy allows (GDPR Art. 18(2))"),
            Erased => f.write_str("the person's data was erased at their request; it may not be used again unless they give it anew"),
            Storage => f.write_str("storing the data is allowed"),
            NeverStored { categories } => write!(f, "{categories} is never stored, as the policy promises: it may only be passed to a processor; take it out of free text before keeping it (vow redact)"),
            Objection { purpose } => write!(f, "the person objected to `{purpose}`"),
            ObjectionToDirectMarketing => f.write_str("the person objected to direct marketing; that objection always wins"),
            MembershipDenies { membership, purpose } => write!(f, "while a member of `{membership}`, the person's data is never used for `{purpose}`"),
            CommunicationNotAllowed { membership, allowed, communication } => write!(f, "members of `{membership}` receive only {allowed} messages, not `{communication}`"),
            ConditionAttribute { communication, attribute, wanted, has } => {
                write!(f, "`{communication}` is sent only when the person's `{attribute}` is {wanted}; ")?;
                match has {
                    Some(v) => write!(f, "it is {v}"),
                    None => f.write_str("it is not known"),
                }
            }
            ConditionTopic { communication, topics, topic } => {
                write!(f, "`{communication}` may only be about ")?;
                join(f, topics.iter().map(ElementId::as_str))?;
                match topic {
                    Some(t) => write!(f, ", not `{t}`"),
                    None => f.write_str(", and the send names no topic"),
                }
            }
            AudienceExcluded { purpose } => write!(f, "`{purpose}` is never applied to members of an excluded group"),
            AudienceMembershipRequired { purpose } => write!(f, "`{purpose}` applies only to members of a required group"),
            AudienceKind { purpose, kinds } => {
                write!(f, "`{purpose}` applies only to ")?;
                join(f, kinds.iter().map(String::as_str))
            }
            AudienceJurisdiction { purpose, jurisdictions } => {
                write!(f, "`{purpose}` applies only in ")?;
                join(f, jurisdictions.iter().map(String::as_str))
            }
            AudienceAge { purpose, min } => write!(f, "`{purpose}` applies only from age {min}"),
            ChildNotAdmitted { consent_age } => write!(f, "the service is not offered to children under {consent_age}"),
            ChildPurposeForbidden { purpose } => write!(f, "`{purpose}` is never applied to children"),
            ParentalConsentMissing { consent_age } => write!(f, "the person is under {consent_age} and no verified parental consent is recorded"),
            ChildCategoryNotAllowed { categories } => write!(f, "{categories} may not be collected about a child"),
            ChildNoDirectContact => f.write_str("children are not contacted directly; write to their parent or guardian"),
            ParentalConsentRequiredByLaw { age, place, citation, everything: false } => write!(f, "the person is under {age}, the age of digital consent in {place} ({citation}): what relies on their consent needs a parent's verified consent"),
            ParentalConsentRequiredByLaw { age, place, citation, everything: true } => write!(f, "the person is under {age} in {place}: nothing is collected or used without a parent's verified consent ({citation})"),
            GpcOptOut => f.write_str("the browser's Global Privacy Control signal opts the person out of sale, sharing and targeted advertising"),
            GpcRequiredByLaw { place, law, citation } => write!(f, "the browser's Global Privacy Control signal opts the person out, as the {law} requires in {place} ({citation})"),
            DntHonoured => f.write_str("the browser asked not to be tracked, and this policy honours Do Not Track"),
            DntIgnored => f.write_str("Do Not Track is not honoured, as the policy states"),
            NoLawfulBasis { purpose, place } => write!(f, "`{purpose}` has no lawful basis in {place}"),
            EssentialMessage => f.write_str("an essential message cannot be opted out of"),
            ChannelOptOut { channel } => f.write_str(&format!("the person opted out of {channel:?} messages").to_lowercase()),
            CommunicationOptOut { communication, channel } => write!(f, "the person turned `{communication}` off by {}", format!("{channel:?}").to_lowercase()),
            ConsentExpired { purpose, given_on } => write!(f, "the consent to `{purpose}` given on {given_on} has expired; ask again"),
            ConsentEnded { purpose, given_on, ended_on } => write!(f, "the consent to `{purpose}` given on {given_on} ended on {ended_on}, as agreed when it was given; ask again"),
            ConsentRenewalNeeded { purpose } => write!(f, "`{purpose}` changed materially after the consent was given; ask again"),
            ConsentGiven { purpose, on } => write!(f, "the person consented to `{purpose}` on {on}"),
            ConsentWithdrawn { purpose } => write!(f, "the person withdrew or refused consent to `{purpose}`"),
            ConsentMissing { purpose } => write!(f, "`{purpose}` needs the person's prior consent, and none is recorded"),
            OptedOut { purpose } => write!(f, "the person opted out of `{purpose}`"),
            NotOptedOut { purpose } => write!(f, "`{purpose}` applies unless the person opts out; they have not"),
            SoftOptInConsentGiven { purpose } => write!(f, "the person consented to `{purpose}`"),
            SoftOptIn => f.write_str("the person is an existing customer: marketing of similar products is allowed until they opt out"),
            SoftOptInConsentMissing { purpose } => write!(f, "`{purpose}` needs consent, or a purchase from us (soft opt-in)"),
            ConsentNotRecorded { purpose } => write!(f, "`{purpose}` relies on consent, which is not recorded"),
            LawfulBasis { purpose, basis, place } => f.write_str(&format!("`{purpose}` relies on {basis:?} in {place}").to_lowercase()),
            PurposeBinding { point } => write!(f, "data collected at `{point}` may be used only for the purposes it was collected for"),
            CollectionPointUndeclared { point } => write!(f, "`{point}` is not a collection point of this policy"),
            RecipientUndeclared { recipient } => write!(f, "`{recipient}` is not a recipient this policy declares"),
            RecipientPurpose { recipient, purpose } => write!(f, "`{recipient}` receives nothing for `{purpose}`"),
            RecipientCategory { recipient, purpose, categories } => write!(f, "`{recipient}` may not receive {categories} for `{purpose}`"),
            RecipientProjected { recipient, purpose, withheld } => write!(f, "`{recipient}` may not receive {withheld} for `{purpose}`: send only what the obligation lists"),
        }
    }
}

/// Shown as its string.
macro_rules! serialize_as_string {
    ($($t:ident),*) => {$(
        impl Serialize for $t<'_> {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }
    )*};
}
serialize_as_string!(Element, Message);
