//! The fideslang data-category taxonomy, which policy category keys follow.
//!
//! A policy may declare any dotted key; keys from this list (or below one of
//! them) interoperate with fideslang-based tools. The list is the data
//! categories of fideslang 2.x that vow's users need most, not all of it,
//! and it marks the ones that are special or sensitive under GDPR Art. 9
//! and 10 and CPRA § 1798.140(ae).

/// A fideslang data category.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TaxonomyEntry {
    pub key: &'static str,
    /// Special-category or sensitive data.
    pub sensitive: bool,
}

const fn entry(key: &'static str) -> TaxonomyEntry {
    TaxonomyEntry {
        key,
        sensitive: false,
    }
}

const fn sensitive(key: &'static str) -> TaxonomyEntry {
    TaxonomyEntry {
        key,
        sensitive: true,
    }
}

/// Data categories of fideslang 2.x.
pub const FIDESLANG: &[TaxonomyEntry] = &[
    entry("system"),
    entry("system.authentication"),
    entry("system.operations"),
    entry("user"),
    entry("user.account"),
    entry("user.account.settings"),
    entry("user.account.username"),
    entry("user.authorization"),
    sensitive("user.authorization.biometric"),
    entry("user.authorization.credentials"),
    entry("user.authorization.password"),
    entry("user.behavior"),
    entry("user.behavior.browsing_history"),
    entry("user.behavior.media_consumption"),
    entry("user.behavior.purchase_history"),
    entry("user.behavior.search_history"),
    sensitive("user.biometric"),
    sensitive("user.biometric.fingerprint"),
    sensitive("user.biometric.retinal"),
    sensitive("user.biometric.voice"),
    entry("user.childrens"),
    entry("user.contact"),
    entry("user.contact.address"),
    entry("user.contact.address.city"),
    entry("user.contact.address.country"),
    entry("user.contact.address.postal_code"),
    entry("user.contact.address.state"),
    entry("user.contact.address.street"),
    entry("user.contact.email"),
    entry("user.contact.fax_number"),
    entry("user.contact.organization"),
    entry("user.contact.phone_number"),
    entry("user.contact.url"),
    entry("user.content"),
    entry("user.content.private"),
    entry("user.content.public"),
    entry("user.content.self_image"),
    sensitive("user.criminal_history"),
    entry("user.demographic"),
    entry("user.demographic.age_range"),
    entry("user.demographic.date_of_birth"),
    entry("user.demographic.gender"),
    entry("user.demographic.language"),
    entry("user.demographic.marital_status"),
    sensitive("user.demographic.political_opinion"),
    entry("user.demographic.profile"),
    sensitive("user.demographic.race_ethnicity"),
    sensitive("user.demographic.religious_belief"),
    sensitive("user.demographic.sexual_orientation"),
    entry("user.device"),
    entry("user.device.cookie_id"),
    entry("user.device.device_id"),
    entry("user.device.ip_address"),
    entry("user.financial"),
    entry("user.financial.account_number"),
    entry("user.financial.bank_account"),
    entry("user.financial.credit_card"),
    sensitive("user.government_id"),
    sensitive("user.government_id.drivers_license_number"),
    sensitive("user.government_id.national_identification_number"),
    sensitive("user.government_id.passport_number"),
    sensitive("user.health_and_medical"),
    sensitive("user.health_and_medical.genetic"),
    entry("user.location"),
    entry("user.location.imprecise"),
    sensitive("user.location.precise"),
    entry("user.name"),
    entry("user.name.first"),
    entry("user.name.last"),
    entry("user.payment"),
    entry("user.privacy_preferences"),
    entry("user.sensor"),
    entry("user.social"),
    entry("user.telemetry"),
    entry("user.unique_id"),
    entry("user.unique_id.pseudonymous"),
    entry("user.workplace"),
    entry("user.job_title"),
];

/// The taxonomy entry for `key`, if it is in the list.
pub fn lookup(key: &str) -> Option<&'static TaxonomyEntry> {
    FIDESLANG.iter().find(|e| e.key == key)
}

/// The nearest taxonomy entry at or above `key` (`user.contact.email.work`
/// → `user.contact.email`), if any.
pub fn nearest_ancestor(key: &str) -> Option<&'static TaxonomyEntry> {
    let mut current = key;
    loop {
        if let Some(found) = lookup(current) {
            return Some(found);
        }
        current = current.rsplit_once('.')?.0;
    }
}

/// Whether `key` is special-category or sensitive data under the taxonomy:
/// it is, or is below, an entry marked sensitive.
pub fn is_sensitive(key: &str) -> bool {
    let mut current = key;
    loop {
        if lookup(current).is_some_and(|e| e.sensitive) {
            return true;
        }
        match current.rsplit_once('.') {
            Some((parent, _)) => current = parent,
            None => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_well_formed_and_unique() {
        let mut seen = std::collections::HashSet::new();
        for e in FIDESLANG {
            assert!(crate::ids::CategoryKey::parse(e.key).is_ok(), "{}", e.key);
            assert!(seen.insert(e.key), "{} twice", e.key);
            if let Some((parent, _)) = e.key.rsplit_once('.') {
                assert!(
                    lookup(parent).is_some(),
                    "{} has no parent in the list",
                    e.key
                );
            }
        }
    }

    #[test]
    fn sensitivity_is_inherited() {
        assert!(is_sensitive("user.health_and_medical.genetic"));
        assert!(is_sensitive("user.biometric.face"));
        assert!(!is_sensitive("user.contact.email"));
        assert_eq!(
            nearest_ancestor("user.contact.email.work").map(|e| e.key),
            Some("user.contact.email")
        );
        assert_eq!(nearest_ancestor("org.thing"), None);
    }
}
