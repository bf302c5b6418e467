//! Guessing what a column holds from its name and type: the first draft of
//! a dataset, and the check that warns about personal-looking columns left
//! unannotated. A guess is a starting point a person reviews, never a fact.

use crate::catalog::{Column, ColumnKind};

/// A guessed category, and what erasure should do to such a value when its
/// row is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Guess {
    pub category: &'static str,
    /// A secret: left out of access packages.
    pub secret: bool,
}

/// Name fragments (of the column, lower-cased, without `_`) and what they mean.
/// The first rule that matches wins, so the specific ones come first.
const RULES: &[(&[&str], &str)] = &[
    (
        &["password", "passwd", "pwdhash", "passwordhash"],
        "user.authorization.password",
    ),
    (&["email", "emailaddress", "mail"], "user.contact.email"),
    (
        &["phone", "phonenumber", "mobile", "telephone", "tel", "cell"],
        "user.contact.phone_number",
    ),
    (&["fax"], "user.contact.fax_number"),
    (&["firstname", "givenname", "forename"], "user.name.first"),
    (&["lastname", "surname", "familyname"], "user.name.last"),
    (
        &["fullname", "displayname", "customername", "contactname"],
        "user.name",
    ),
    (
        &["username", "login", "nickname", "handle"],
        "user.account.username",
    ),
    (
        &[
            "address",
            "address1",
            "address2",
            "street",
            "streetaddress",
            "addressline1",
            "addressline2",
        ],
        "user.contact.address.street",
    ),
    (
        &["postalcode", "postcode", "zip", "zipcode"],
        "user.contact.address.postal_code",
    ),
    (&["city", "town"], "user.contact.address.city"),
    (
        &["state", "province", "region", "district", "county"],
        "user.contact.address.state",
    ),
    (&["country", "countrycode"], "user.contact.address.country"),
    (
        &["company", "organisation", "organization", "employer"],
        "user.contact.organization",
    ),
    (
        &["birthdate", "dateofbirth", "dob", "birthday"],
        "user.demographic.date_of_birth",
    ),
    (&["gender", "sex"], "user.demographic.gender"),
    (
        &["ip", "ipaddress", "lastip", "remoteaddr"],
        "user.device.ip_address",
    ),
    (
        &["iban", "bankaccount", "accountnumber"],
        "user.financial.bank_account",
    ),
    (
        &["cardnumber", "creditcard", "ccnumber", "pan"],
        "user.financial.credit_card",
    ),
    (
        &["ssn", "nationalid", "passport", "taxid"],
        "user.government_id",
    ),
    (
        &["latitude", "longitude", "lat", "lng", "geolocation"],
        "user.location.precise",
    ),
    (&["jobtitle", "title"], "user.job_title"),
];

/// What a column of a table that holds a person's rows probably is.
pub fn column(column: &Column) -> Option<Guess> {
    let name: String = column
        .name
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    for (fragments, category) in RULES {
        if fragments.iter().any(|f| name == *f) {
            return Some(Guess {
                category,
                secret: category.starts_with("user.authorization"),
            });
        }
    }
    // Longer names that contain a telling word: `billing_address`, `contact_email`.
    let contains = |word: &str| name.contains(word);
    let category = if contains("email") {
        "user.contact.email"
    } else if contains("phone") {
        "user.contact.phone_number"
    } else if contains("password") {
        "user.authorization.password"
    } else if contains("address") && column.kind == ColumnKind::Text {
        "user.contact.address.street"
    } else if contains("postalcode") || contains("zip") {
        "user.contact.address.postal_code"
    } else if contains("city") && column.kind == ColumnKind::Text {
        "user.contact.address.city"
    } else if contains("country") && column.kind == ColumnKind::Text {
        "user.contact.address.country"
    } else if contains("birth") {
        "user.demographic.date_of_birth"
    } else if (contains("firstname") || contains("lastname")) && column.kind == ColumnKind::Text {
        "user.name"
    } else {
        return None;
    };
    Some(Guess {
        category,
        secret: category.starts_with("user.authorization"),
    })
}

/// The category of what a person did, for the columns of a table reached
/// from the person that carry no guessable personal meaning of their own
/// (dates, amounts, references): rentals, orders, invoices, payments.
pub fn activity(table: &str) -> &'static str {
    let name = table.to_lowercase();
    if [
        "payment",
        "invoice",
        "order",
        "purchase",
        "rental",
        "sale",
        "transaction",
    ]
    .iter()
    .any(|w| name.contains(w))
    {
        "user.behavior.purchase_history"
    } else {
        "user"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(name: &str) -> Column {
        Column {
            name: name.into(),
            data_type: "text".into(),
            kind: ColumnKind::Text,
            nullable: true,
            max_length: None,
            default: None,
            generated: false,
        }
    }

    #[test]
    fn the_usual_names_are_recognised() {
        for (name, category) in [
            ("email", "user.contact.email"),
            ("Email", "user.contact.email"),
            ("contact_email", "user.contact.email"),
            ("first_name", "user.name.first"),
            ("FirstName", "user.name.first"),
            ("LastName", "user.name.last"),
            ("phone", "user.contact.phone_number"),
            ("PostalCode", "user.contact.address.postal_code"),
            ("address2", "user.contact.address.street"),
            ("BillingAddress", "user.contact.address.street"),
            ("BillingCity", "user.contact.address.city"),
            ("password_hash", "user.authorization.password"),
        ] {
            assert_eq!(
                column(&text(name)).map(|g| g.category),
                Some(category),
                "{name}"
            );
        }
        assert!(column(&text("password")).unwrap().secret);
        for name in ["last_update", "rental_id", "amount", "store_id", "active"] {
            assert_eq!(column(&text(name)), None, "{name}");
        }
    }
}
