//! Stable ids for quotes and speakers, so the same quote syndicated in many articles, or the
//! same person quoted across a dump, can be grouped.
//!
//! An id is the 64-bit FNV-1a hash of a normalized text, printed as 16 lower-case hex
//! digits. FNV-1a is fixed by its two constants, so ids do not change between versions,
//! platforms or runs (unlike `std`'s randomly seeded hasher).
//!
//! Normalization ([`normalize`]) keeps only the words, in order:
//! 1. every character is lower-cased (Unicode, `char::to_lowercase`);
//! 2. a word is a maximal run of letters and digits (`char::is_alphanumeric`, plus combining
//!    diacritical marks U+0300–U+036F); an apostrophe (`'`, `’`, `‘`, `ʼ`) between two word
//!    characters stays in the word as `'` ("don’t" = "don't"), and a `.` or `,` between two
//!    digits stays in the number ("2.5", "1,000");
//! 3. everything else (spaces, line breaks, quote marks, punctuation, symbols) separates words;
//! 4. the words are joined with one space.
//!
//! So quote marks, edge punctuation, spacing and case never change an id, and the parts of
//! a split quote (`"A," she said, "B."`) join with one space into the same words as the
//! unsplit quotation (`"A, B."`). The text is not Unicode-normalized: a word written with
//! a precomposed letter and the same word with a combining accent are different words.

use std::fmt;

use serde::{Serialize, Serializer};

/// A 64-bit id shown as 16 lower-case hex digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StableId(pub u64);

impl fmt::Display for StableId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016x}", self.0)
    }
}

impl Serialize for StableId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// 64-bit FNV-1a over bytes.
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    const OFFSET_BASIS: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    bytes
        .iter()
        .fold(OFFSET_BASIS, |h, &b| (h ^ u64::from(b)).wrapping_mul(PRIME))
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || ('\u{300}'..='\u{36f}').contains(&c)
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{2018}' | '\u{2bc}')
}

/// Appends the normalized words of `text` to `out`, separated (and preceded, when `out`
/// already holds words) by one space.
fn push_words(text: &str, out: &mut String) {
    let chars: Vec<char> = text.chars().collect();
    let mut in_word = false;
    for (i, &c) in chars.iter().enumerate() {
        let prev = i.checked_sub(1).map(|j| chars[j]);
        let next = chars.get(i + 1).copied();
        let keep = if is_word_char(c) {
            Some(c)
        } else if in_word && is_apostrophe(c) && next.is_some_and(is_word_char) {
            Some('\'')
        } else if in_word
            && matches!(c, '.' | ',')
            && prev.is_some_and(|p| p.is_ascii_digit())
            && next.is_some_and(|n| n.is_ascii_digit())
        {
            Some(c)
        } else {
            None
        };
        match keep {
            Some(k) => {
                if !in_word && !out.is_empty() {
                    out.push(' ');
                }
                in_word = true;
                out.extend(k.to_lowercase());
            }
            None => in_word = false,
        }
    }
}

/// The normalized words of `text` (see the module docs).
pub fn normalize(text: &str) -> String {
    normalize_parts([text])
}

/// The normalized words of the parts, in order, as one text.
pub fn normalize_parts<'a>(parts: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = String::new();
    for part in parts {
        push_words(part, &mut out);
    }
    out
}

/// The id of a quote from the texts of its parts (for a split quote, the parts without
/// the attribution between them).
pub fn quote_id<'a>(parts: impl IntoIterator<Item = &'a str>) -> StableId {
    StableId(fnv1a64(normalize_parts(parts).as_bytes()))
}

/// The id of a speaker from a canonical name.
pub fn speaker_id(name: &str) -> StableId {
    id_of_normalized(&normalize(name))
}

/// The id of an already normalized text.
pub fn id_of_normalized(normalized: &str) -> StableId {
    StableId(fnv1a64(normalized.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_matches_the_published_test_vectors() {
        assert_eq!(fnv1a64(b""), 0xcbf29ce484222325);
        assert_eq!(fnv1a64(b"a"), 0xaf63dc4c8601ec8c);
        assert_eq!(fnv1a64(b"foobar"), 0x85944171f73967e8);
        assert_eq!(StableId(0xab).to_string(), "00000000000000ab");
    }

    #[test]
    fn normalization_keeps_words_only() {
        assert_eq!(
            normalize("  \u{201c}We DON\u{2019}T stop,\u{201d}\n"),
            "we don't stop"
        );
        assert_eq!(
            normalize("'Rates rose 2.5% to 1,000.'"),
            "rates rose 2.5 to 1,000"
        );
        assert_eq!(normalize("well-known -- really..."), "well known really");
        assert_eq!(normalize("the parents' house"), "the parents house");
        assert_eq!(normalize("Ça ira"), "ça ira");
        assert_eq!(normalize("\"...\""), "");
    }

    #[test]
    fn split_parts_join_like_the_unsplit_quote() {
        let split = quote_id([
            "\u{201c}We wanted to rest,\u{201d}",
            "\u{201c}Then run.\u{201d}",
        ]);
        let whole = quote_id(["\"we  wanted to rest, then run\""]);
        assert_eq!(split, whole);
        assert_ne!(split, quote_id(["We wanted to rest"]));
    }

    #[test]
    fn speaker_ids_ignore_case_and_spacing() {
        assert_eq!(
            speaker_id("Melissa Rosenberg"),
            speaker_id(" MELISSA  rosenberg")
        );
        assert_ne!(speaker_id("Melissa Rosenberg"), speaker_id("Rosenberg"));
    }
}
