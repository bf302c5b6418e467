//! What a staff role may read (AGENCY-09, IOT-08): a key that acts for a
//! role of the policy (`roles`) reads a person's state, history and export
//! package only as far as the role's `read` categories reach.
//!
//! What vow itself holds about a person is filed under data categories
//! here, once: the tables below are the whole mapping, and the matches
//! are exhaustive so that a new field or event kind cannot be read
//! without being placed.

use std::collections::BTreeSet;

use vow_engine::SubjectState;
use vow_policy::{CategoryKey, Policy};
use vow_store::{Event, EventKind, IdentityKind};

use crate::error::{ApiError, ErrorCode};

/// The category of the person's place of residence.
pub const LOCATION: &str = "user.location.imprecise";
/// The category of the date of birth.
pub const BIRTH_DATE: &str = "user.demographic.date_of_birth";
/// The category of the person's choices: consents, opt-outs, objections, a restriction.
pub const PREFERENCES: &str = "user.privacy_preferences";
/// The category of the relationship: kind, memberships, guardians, purchases, attributes, holds.
pub const ACCOUNT: &str = "user.account";

/// Who reads: everything (a key with no role), or what one role may.
#[derive(Debug, Clone)]
pub enum Reader {
    Unlimited,
    Role { id: String, read: Vec<CategoryKey> },
}

impl Reader {
    /// The reader for a key acting for `role` (`None`: no role). A role the
    /// policy in force no longer declares reads nothing.
    pub fn for_role(policy: &Policy, role: Option<&str>) -> Reader {
        let Some(id) = role else {
            return Reader::Unlimited;
        };
        let read = policy
            .roles
            .iter()
            .find(|r| r.id.as_str() == id)
            .map(|r| r.read.clone())
            .unwrap_or_default();
        Reader::Role {
            id: id.to_owned(),
            read,
        }
    }

    /// Whether the reader may read `category` (a key or one of its groups).
    pub fn may_read(&self, category: &str) -> bool {
        match self {
            Reader::Unlimited => true,
            Reader::Role { read, .. } => {
                CategoryKey::parse(category).is_ok_and(|key| read.iter().any(|r| key.is_within(r)))
            }
        }
    }

    /// The state with every field the reader may not read emptied, and the
    /// names of those fields.
    pub fn state(&self, state: &SubjectState) -> (SubjectState, Vec<&'static str>) {
        let mut out = state.clone();
        let mut withheld = Vec::new();
        // Exhaustive: a new field must be placed under a category here.
        let SubjectState {
            kind,
            jurisdiction,
            birth_date,
            attributes,
            memberships,
            consents,
            customer,
            parental_consent_verified,
            guardians,
            restricted,
            objections,
            objects_to_direct_marketing,
            channel_opt_outs,
            communication_opt_outs,
            legal_holds,
            erased,
        } = &mut out;
        let mut hide = |name: &'static str, category: &str, clear: &mut dyn FnMut()| {
            if !self.may_read(category) {
                clear();
                withheld.push(name);
            }
        };
        hide("kind", ACCOUNT, &mut || *kind = None);
        hide("jurisdiction", LOCATION, &mut || *jurisdiction = None);
        hide("birth_date", BIRTH_DATE, &mut || *birth_date = None);
        hide("attributes", ACCOUNT, &mut || attributes.clear());
        hide("memberships", ACCOUNT, &mut || memberships.clear());
        hide("consents", PREFERENCES, &mut || consents.clear());
        hide("customer", ACCOUNT, &mut || *customer = false);
        hide("parental_consent_verified", ACCOUNT, &mut || {
            *parental_consent_verified = false;
        });
        hide("guardians", ACCOUNT, &mut || guardians.clear());
        hide("restricted", PREFERENCES, &mut || *restricted = false);
        hide("objections", PREFERENCES, &mut || objections.clear());
        hide("objects_to_direct_marketing", PREFERENCES, &mut || {
            *objects_to_direct_marketing = false;
        });
        hide("channel_opt_outs", PREFERENCES, &mut || {
            channel_opt_outs.clear()
        });
        hide("communication_opt_outs", PREFERENCES, &mut || {
            communication_opt_outs.clear();
        });
        hide("legal_holds", ACCOUNT, &mut || legal_holds.clear());
        hide("erased", ACCOUNT, &mut || *erased = false);
        (out, withheld)
    }

    /// Whether the reader may read the event: every category it holds.
    pub fn may_read_event(&self, event: &Event) -> bool {
        event_categories(&event.kind)
            .iter()
            .all(|c| self.may_read(c))
    }

    /// The events the reader may read, and how many were left out.
    pub fn events(&self, events: Vec<Event>) -> (Vec<Event>, usize) {
        let total = events.len();
        let kept: Vec<Event> = events
            .into_iter()
            .filter(|e| self.may_read_event(e))
            .collect();
        let withheld = total - kept.len();
        (kept, withheld)
    }

    /// An export package holds every category the policy declares: only a
    /// reader of all of them may take it.
    pub fn export(&self, policy: &Policy) -> Result<(), ApiError> {
        let Reader::Role { id, .. } = self else {
            return Ok(());
        };
        let unread: BTreeSet<&str> = policy
            .categories
            .iter()
            .map(|c| c.id.as_str())
            .filter(|c| !self.may_read(c))
            .collect();
        if unread.is_empty() {
            return Ok(());
        }
        Err(ApiError::new(
            ErrorCode::RoleCannotRead,
            format!(
                "the role `{id}` may not read {}, which an export package holds",
                unread.into_iter().collect::<Vec<_>>().join(", ")
            ),
        )
        .hint("a package is taken by a key whose role reads every category (`read: [user]`), or by a key with no role"))
    }

    /// The role's id, when there is one.
    pub fn role(&self) -> Option<&str> {
        match self {
            Reader::Unlimited => None,
            Reader::Role { id, .. } => Some(id),
        }
    }
}

/// The categories an event tells about the person.
pub fn event_categories(kind: &EventKind) -> Vec<&str> {
    match kind {
        EventKind::ConsentGiven { .. }
        | EventKind::ConsentWithdrawn { .. }
        | EventKind::PreferenceSet { .. }
        | EventKind::RestrictionPlaced
        | EventKind::RestrictionLifted
        | EventKind::ObjectionRecorded { .. } => vec![PREFERENCES],
        EventKind::MembershipStarted { .. }
        | EventKind::MembershipEnded { .. }
        | EventKind::GuardianLinked { .. }
        | EventKind::GuardianUnlinked { .. }
        | EventKind::PurchaseRecorded
        | EventKind::SubjectErased
        | EventKind::HoldPlaced { .. }
        | EventKind::HoldReleased { .. }
        | EventKind::NoticeSent { .. }
        | EventKind::Request { .. } => vec![ACCOUNT],
        EventKind::IdentityLinked { identity, .. }
        | EventKind::IdentityUnlinked { identity, .. } => {
            vec![match identity {
                IdentityKind::Email => "user.contact.email",
                IdentityKind::Phone => "user.contact.phone_number",
                IdentityKind::Account => ACCOUNT,
                IdentityKind::Browser => "user.device.cookie_id",
            }]
        }
        EventKind::AttributesSet {
            jurisdiction,
            birth_date,
            kind,
            attributes,
        } => {
            let mut categories = Vec::new();
            if jurisdiction.is_some() {
                categories.push(LOCATION);
            }
            if birth_date.is_some() {
                categories.push(BIRTH_DATE);
            }
            if kind.is_some() || !attributes.is_empty() {
                categories.push(ACCOUNT);
            }
            categories
        }
        EventKind::DisclosureRecorded { categories, .. } => {
            let mut all: Vec<&str> = categories.iter().map(String::as_str).collect();
            all.push(ACCOUNT);
            all
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reader(read: &[&str]) -> Reader {
        Reader::Role {
            id: "support".into(),
            read: read
                .iter()
                .map(|c| CategoryKey::parse(c).unwrap())
                .collect(),
        }
    }

    #[test]
    fn a_role_reads_its_categories_and_their_descendants() {
        let r = reader(&["user.contact", "user.account"]);
        assert!(r.may_read("user.contact.email") && r.may_read("user.account"));
        assert!(!r.may_read("user") && !r.may_read("user.contact_info"));
        assert!(!r.may_read(PREFERENCES) && !r.may_read(BIRTH_DATE));
        assert!(Reader::Unlimited.may_read("user"));
    }

    #[test]
    fn fields_outside_the_role_are_emptied_and_named() {
        let mut state = SubjectState {
            kind: Some("customer".into()),
            jurisdiction: Some("FR".into()),
            birth_date: "1990-01-02".parse().ok(),
            restricted: true,
            ..Default::default()
        };
        state.memberships.push("club".into());
        let (seen, withheld) = reader(&["user.account"]).state(&state);
        assert_eq!(seen.kind.as_deref(), Some("customer"));
        assert_eq!(seen.memberships, ["club"]);
        assert!(seen.jurisdiction.is_none() && seen.birth_date.is_none() && !seen.restricted);
        assert!(withheld.contains(&"jurisdiction") && withheld.contains(&"consents"));
        assert!(!withheld.contains(&"kind"));
        let (all, none) = Reader::Unlimited.state(&state);
        assert_eq!(all, state);
        assert!(none.is_empty());
    }
}
