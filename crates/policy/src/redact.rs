//! Finding never-stored data in free text, so that it is kept without it
//! (EDU-07, KIDS-10): a support ticket, a note, a chat transcript.
//!
//! A [`Redactor`] is built once per policy. It looks for:
//! - payment card numbers, for every `never_stored` category within
//!   `user.financial.credit_card`: 13 to 19 digits, in one run or in groups
//!   separated by single spaces or dashes, passing the Luhn check, and not
//!   part of a longer run of digits;
//! - every other `never_stored` category by the `patterns` the policy gives
//!   it (regular expressions, checked by `vow policy check`).
//!
//! Each finding is replaced by `[` its masked form `]` (`[•••• 4242]` for
//! a card: the last four digits, which PCI DSS allows to show; `[•••]`
//! otherwise). The brackets keep what is shown from joining the digits
//! around it into a new number. Offsets are byte offsets in the input,
//! always on UTF-8 character boundaries.
//!
//! Pure: text in, text out. The callers limit the size of the input
//! ([`MAX_INPUT_BYTES`]).

use regex::{Regex, RegexBuilder};
use serde::Serialize;

use crate::ids::CategoryKey;
use crate::model::Policy;

/// The most text one call redacts: 1 MiB. The API answers 413
/// (`text_too_large`) above it, `vow redact` refuses the file.
pub const MAX_INPUT_BYTES: usize = 1 << 20;

/// The most patterns one category may have.
pub const MAX_PATTERNS: usize = 16;

/// The longest pattern, in characters.
pub const MAX_PATTERN_CHARS: usize = 1_000;

/// The most memory one compiled pattern may take (the `regex` crate's size
/// limit): a pattern such as `\w{1000}{1000}` is refused when checked
/// rather than taking the server's memory.
pub const PATTERN_SIZE_LIMIT: usize = 1 << 20;

/// The category every payment card number belongs to.
pub const CARD_CATEGORY: &str = "user.financial.credit_card";

/// Compiles one pattern under vow's limits; the error says what is wrong.
pub fn compile_pattern(pattern: &str) -> Result<Regex, String> {
    if pattern.chars().count() > MAX_PATTERN_CHARS {
        return Err(format!(
            "the pattern is longer than {MAX_PATTERN_CHARS} characters"
        ));
    }
    RegexBuilder::new(pattern)
        .size_limit(PATTERN_SIZE_LIMIT)
        .dfa_size_limit(PATTERN_SIZE_LIMIT)
        .build()
        .map_err(|e| match e {
            regex::Error::CompiledTooBig(limit) => {
                format!("the pattern compiles to more than {limit} bytes; make it simpler")
            }
            e => e.to_string(),
        })
}

/// Whether a category's numbers are payment cards.
pub fn is_card_category(key: &CategoryKey) -> bool {
    key.as_str() == CARD_CATEGORY || key.as_str().starts_with("user.financial.credit_card.")
}

/// What was found: its category, where in the input (bytes, end excluded)
/// and how it is shown in the redacted text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Finding {
    /// The never-stored category (`user.financial.credit_card`).
    pub category: String,
    /// Byte offset of the first byte, in the input.
    pub start: usize,
    /// Byte offset just past the last byte, in the input.
    pub end: usize,
    /// What is left of it: `•••• 4242` for a card, `•••` otherwise.
    pub masked: String,
}

/// The text without what may not be stored, and what was taken out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Redacted {
    pub text: String,
    /// In the order they appear.
    pub found: Vec<Finding>,
}

/// The never-stored categories of one policy, ready to search text.
#[derive(Debug, Clone, Default)]
pub struct Redactor {
    /// The card category cards are reported under, when the policy has one.
    cards: Option<String>,
    patterns: Vec<(String, Regex)>,
}

impl Redactor {
    /// From a checked policy (whose patterns compile). A pattern that does
    /// not compile is left out rather than failing: `check` refuses such
    /// a policy before anyone builds this.
    pub fn new(policy: &Policy) -> Redactor {
        let never_stored = || policy.categories.iter().filter(|c| c.never_stored);
        Redactor {
            cards: never_stored()
                .find(|c| is_card_category(&c.id))
                .map(|c| c.id.to_string()),
            patterns: never_stored()
                .flat_map(|c| {
                    c.patterns
                        .iter()
                        .filter_map(|p| Some((c.id.to_string(), compile_pattern(p).ok()?)))
                })
                .collect(),
        }
    }

    /// Whether it looks for anything at all.
    pub fn is_empty(&self) -> bool {
        self.cards.is_none() && self.patterns.is_empty()
    }

    /// The categories it looks for, in the policy's order.
    pub fn categories(&self) -> Vec<&str> {
        let mut out: Vec<&str> = self.cards.as_deref().into_iter().collect();
        for (category, _) in &self.patterns {
            if !out.contains(&category.as_str()) {
                out.push(category);
            }
        }
        out
    }

    /// `text` with every card number and pattern match replaced.
    ///
    /// Findings that overlap are merged into one span, so that nothing of
    /// either is left; a card's category and mask win over a pattern's.
    /// Sorting makes it O(n log n) in the number of matches, whatever the
    /// patterns match.
    pub fn redact(&self, text: &str) -> Redacted {
        // (start, end, priority, category): cards first.
        let mut spans: Vec<(usize, usize, u8, &str)> = Vec::new();
        if let Some(category) = &self.cards {
            spans.extend(
                card_numbers(text)
                    .into_iter()
                    .map(|(start, end)| (start, end, 0, category.as_str())),
            );
        }
        for (category, regex) in &self.patterns {
            spans.extend(
                regex
                    .find_iter(text)
                    .filter(|m| !m.is_empty())
                    .map(|m| (m.start(), m.end(), 1, category.as_str())),
            );
        }
        spans.sort_unstable_by_key(|&(start, end, priority, _)| (start, priority, end));
        let mut merged: Vec<(usize, usize, u8, &str)> = Vec::with_capacity(spans.len());
        for span in spans {
            match merged.last_mut() {
                Some(last) if span.0 < last.1 => {
                    last.1 = last.1.max(span.1);
                    if span.2 < last.2 {
                        (last.2, last.3) = (span.2, span.3);
                    }
                }
                _ => merged.push(span),
            }
        }
        let found: Vec<Finding> = merged
            .into_iter()
            .map(|(start, end, priority, category)| Finding {
                category: category.to_owned(),
                start,
                end,
                masked: if priority == 0 {
                    mask_card(&text[start..end])
                } else {
                    "•••".to_owned()
                },
            })
            .collect();
        let mut out = String::with_capacity(text.len());
        let mut at = 0;
        for f in &found {
            out.push_str(&text[at..f.start]);
            out.push('[');
            out.push_str(&f.masked);
            out.push(']');
            at = f.end;
        }
        out.push_str(&text[at..]);
        Redacted { text: out, found }
    }
}

/// `•••• 4242`: the last four digits.
fn mask_card(number: &str) -> String {
    let digits: Vec<char> = number.chars().filter(char::is_ascii_digit).collect();
    let last: String = digits[digits.len().saturating_sub(4)..].iter().collect();
    format!("•••• {last}")
}

/// Whether `digits` (ASCII digits) pass the Luhn check.
pub fn luhn(digits: &[u8]) -> bool {
    let mut sum = 0u32;
    for (i, d) in digits.iter().rev().enumerate() {
        let mut n = u32::from(d - b'0');
        if i % 2 == 1 {
            n *= 2;
            if n > 9 {
                n -= 9;
            }
        }
        sum += n;
    }
    sum.is_multiple_of(10)
}

/// The byte spans of the payment card numbers in `text`.
///
/// The text is cut into runs of ASCII digits; runs one space or one dash
/// apart form a chain. From each run, the longest stretch of the chain that
/// holds 13 to 19 digits and passes Luhn is a card; the search goes on
/// after it. A run of more than 19 digits is never part of a card (an
/// order number, a hash), nor is part of one.
pub fn card_numbers(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    // (start, end) of each run of digits.
    let mut runs: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            runs.push((start, i));
        } else {
            i += 1;
        }
    }
    let joined =
        |a: (usize, usize), b: (usize, usize)| b.0 == a.1 + 1 && matches!(bytes[a.1], b' ' | b'-');
    let mut out = Vec::new();
    let mut r = 0;
    let mut digits: Vec<u8> = Vec::with_capacity(19);
    while r < runs.len() {
        let mut best: Option<usize> = None;
        digits.clear();
        let mut k = r;
        while k < runs.len() {
            let (s, e) = runs[k];
            if e - s > 19 || (k > r && !joined(runs[k - 1], runs[k])) {
                break;
            }
            digits.extend_from_slice(&bytes[s..e]);
            if digits.len() > 19 {
                break;
            }
            if digits.len() >= 13 && luhn(&digits) {
                best = Some(k);
            }
            k += 1;
        }
        match best {
            Some(last) => {
                out.push((runs[r].0, runs[last].1));
                r = last + 1;
            }
            None => r += 1,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn redactor() -> Redactor {
        Redactor {
            cards: Some(CARD_CATEGORY.to_owned()),
            patterns: vec![(
                "user.financial.bank_account".to_owned(),
                compile_pattern(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{1,4}){3,8}\b").unwrap(),
            )],
        }
    }

    /// EDU-07, KIDS-10: a card number in a support ticket, in the forms
    /// people write it, is taken out with its last four digits left.
    #[test]
    fn edu_07_card_numbers_are_found_in_the_forms_people_write_them() {
        let r = redactor();
        for (text, masked) in [
            ("my card 4242424242424242 was charged twice", "•••• 4242"),
            ("card: 4242 4242 4242 4242.", "•••• 4242"),
            ("4000-0566-5566-5556 expires 12/27", "•••• 5556"),
            ("Amex 3782 822463 10005, thanks", "•••• 0005"),
            ("13 digits: 4222222222222", "•••• 2222"),
        ] {
            let out = r.redact(text);
            assert_eq!(out.found.len(), 1, "{text}: {out:?}");
            let f = &out.found[0];
            assert_eq!(f.category, CARD_CATEGORY);
            assert_eq!(f.masked, masked, "{text}");
            assert!(
                text[f.start..f.end]
                    .chars()
                    .all(|c| c.is_ascii_digit() || c == ' ' || c == '-')
            );
            assert!(out.text.contains(&format!("[{masked}]")), "{}", out.text);
        }
    }

    #[test]
    fn numbers_that_are_not_cards_stay() {
        let r = redactor();
        for text in [
            // Luhn fails.
            "order 4242424242424241",
            // 12 digits.
            "ref 424242424242",
            // Inside a longer run: 21 digits.
            "tracking 123424242424242424242",
            // Two spaces are not a separator.
            "4242  4242  4242  4242",
            "call +44 20 7946 0958 on 2026-12-07",
        ] {
            let out = r.redact(text);
            assert!(out.found.is_empty(), "{text}: {out:?}");
            assert_eq!(out.text, text);
        }
    }

    #[test]
    fn patterns_find_the_other_never_stored_categories() {
        let r = redactor();
        let text = "IBAN GB82 WEST 1234 5698 7654 32 and card 5555555555554444 — merci";
        let out = r.redact(text);
        let categories: Vec<&str> = out.found.iter().map(|f| f.category.as_str()).collect();
        assert_eq!(categories, ["user.financial.bank_account", CARD_CATEGORY]);
        assert_eq!(out.text, "IBAN [•••] and card [•••• 4444] — merci");
    }

    /// A pattern that overlaps a card number takes nothing back from it:
    /// the two are one finding, the card's.
    #[test]
    fn overlapping_findings_are_merged() {
        let r = Redactor {
            cards: Some(CARD_CATEGORY.to_owned()),
            patterns: vec![(
                "user.financial.other".to_owned(),
                compile_pattern(r"(?i)card:? \d{4}").unwrap(),
            )],
        };
        let out = r.redact("Card: 4242 4242 4242 4242 ok");
        assert_eq!(out.text, "[•••• 4242] ok");
        assert_eq!(out.found.len(), 1);
        assert_eq!(out.found[0].category, CARD_CATEGORY);
        assert_eq!((out.found[0].start, out.found[0].end), (0, 25));
        // A pattern that matches everywhere: every match, found at once.
        let r = Redactor {
            cards: None,
            patterns: vec![("user.x".to_owned(), compile_pattern(r"\w").unwrap())],
        };
        let text = "ab ".repeat(100_000);
        let out = r.redact(&text);
        assert_eq!(out.found.len(), 200_000);
    }

    #[test]
    fn a_bad_or_huge_pattern_is_refused_with_the_reason() {
        let unclosed = compile_pattern("(ab").unwrap_err();
        assert!(unclosed.contains("unclosed group"), "{unclosed}");
        let huge = compile_pattern(r"\w{1000}{1000}").unwrap_err();
        assert!(huge.contains("more than"), "{huge}");
        let long = compile_pattern(&"a".repeat(MAX_PATTERN_CHARS + 1)).unwrap_err();
        assert!(long.contains("longer than"), "{long}");
    }

    /// A Luhn-valid number of `len` digits starting with `prefix` digits.
    fn card(prefix: &[u8], len: usize) -> String {
        let mut digits: Vec<u8> = prefix.iter().map(|d| b'0' + d % 10).collect();
        digits.truncate(len - 1);
        while digits.len() < len - 1 {
            digits.push(b'0');
        }
        let check = (0..10u8)
            .map(|c| b'0' + c)
            .find(|c| {
                let mut all = digits.clone();
                all.push(*c);
                luhn(&all)
            })
            .unwrap();
        digits.push(check);
        String::from_utf8(digits).unwrap()
    }

    /// The card written with `sep` every `group` digits (0: no separator).
    fn written(card: &str, sep: char, group: usize) -> String {
        if group == 0 {
            return card.to_owned();
        }
        let mut out = String::new();
        for (i, c) in card.chars().enumerate() {
            if i > 0 && i % group == 0 {
                out.push(sep);
            }
            out.push(c);
        }
        out
    }

    fn piece() -> impl Strategy<Value = (String, Option<String>)> {
        prop_oneof![
            "[a-zA-Zéü€ .,:\n]{0,12}".prop_map(|s| (s, None)),
            "[0-9 -]{0,8}".prop_map(|s| (s, None)),
            (
                proptest::collection::vec(0u8..10, 19),
                13usize..=19,
                prop_oneof![Just(' '), Just('-')],
                prop_oneof![Just(0usize), Just(4usize), Just(3usize)],
            )
                .prop_map(|(prefix, len, sep, group)| {
                    // Apart from any digit before or after it: within a
                    // longer run of digits it would not be a card.
                    let c = card(&prefix, len);
                    (format!(" {} ", written(&c, sep, group)), Some(c))
                }),
        ]
    }

    proptest! {
        /// EDU-07: whatever surrounds them, no card number of the input is
        /// left in the output, and every span is on character boundaries.
        #[test]
        fn edu_07_no_card_of_the_input_survives(pieces in proptest::collection::vec(piece(), 0..12)) {
            let text: String = pieces.iter().map(|(s, _)| s.as_str()).collect();
            let out = redactor().redact(&text);
            for f in &out.found {
                prop_assert!(text.is_char_boundary(f.start) && text.is_char_boundary(f.end));
                prop_assert!(f.start < f.end);
            }
            // Every card number the input holds, by the detector's own
            // reading, and every card put in: none is in the output.
            let digits_of = |s: &str| s.bytes().filter(u8::is_ascii_digit).collect::<Vec<u8>>();
            let found_in_output: Vec<Vec<u8>> = card_numbers(&out.text)
                .into_iter()
                .map(|(s, e)| digits_of(&out.text[s..e]))
                .collect();
            let mut cards_in: Vec<Vec<u8>> = card_numbers(&text)
                .into_iter()
                .map(|(s, e)| digits_of(&text[s..e]))
                .collect();
            cards_in.extend(pieces.iter().filter_map(|(_, c)| c.as_deref()).map(|c| c.as_bytes().to_vec()));
            for card in &cards_in {
                prop_assert!(!found_in_output.contains(card), "{} left in {:?}", String::from_utf8_lossy(card), out.text);
                let plain = String::from_utf8(card.clone()).unwrap();
                prop_assert!(!out.text.contains(&plain), "{} left in {:?}", plain, out.text);
            }
        }
    }
}
