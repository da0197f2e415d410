//! Abbreviation and sentence-opener lists, loaded from `data/` (embedded at compile time).

use std::collections::{HashMap, HashSet};

const ABBREVIATIONS: &str = include_str!("../../data/abbreviations.txt");
const SENTENCE_STARTERS: &str = include_str!("../../data/sentence_starters.txt");

/// How an abbreviation behaves before a possible sentence boundary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AbbreviationClass {
    /// Precedes a name or phrase; never ends a sentence.
    Title,
    /// Precedes a number; does not end a sentence before a digit.
    Number,
    /// A month; like `Number` before a day, like `General` otherwise.
    Month,
    /// Ends a sentence only before a typical sentence opener.
    General,
}

/// The abbreviations the segmenter knows, by class, and the words that typically open a
/// sentence; `default()` loads the lists in `data/`.
#[derive(Debug, Clone)]
pub struct Abbreviations {
    classes: HashMap<String, AbbreviationClass>,
    starters: HashSet<String>,
}

impl Default for Abbreviations {
    fn default() -> Self {
        Self::parse(ABBREVIATIONS, SENTENCE_STARTERS)
            .expect("the embedded abbreviation list is well-formed (checked by a unit test)")
    }
}

fn content_lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

impl Abbreviations {
    /// Parses `CLASS ABBREVIATION` lines and a list of sentence openers.
    pub fn parse(abbreviations: &str, starters: &str) -> Result<Self, String> {
        let mut classes = HashMap::new();
        for line in content_lines(abbreviations) {
            let (class, abbr) = line
                .split_once(char::is_whitespace)
                .ok_or_else(|| format!("abbreviation line without a class: {line:?}"))?;
            let class = match class {
                "title" => AbbreviationClass::Title,
                "number" => AbbreviationClass::Number,
                "month" => AbbreviationClass::Month,
                "general" => AbbreviationClass::General,
                other => return Err(format!("unknown abbreviation class {other:?}")),
            };
            classes.entry(abbr.trim().to_lowercase()).or_insert(class);
        }
        let starters = content_lines(starters).map(str::to_lowercase).collect();
        Ok(Abbreviations { classes, starters })
    }

    /// The class of an abbreviation given without its final period ("Dr", "jan"), any case.
    pub fn class_of(&self, stem: &str) -> Option<AbbreviationClass> {
        if stem.is_ascii() && !stem.bytes().any(|b| b.is_ascii_uppercase()) {
            return self.classes.get(stem).copied();
        }
        self.classes.get(&stem.to_lowercase()).copied()
    }

    /// Whether `word` typically opens a sentence (any case): a general abbreviation before it
    /// then ends the sentence.
    pub fn is_sentence_starter(&self, word: &str) -> bool {
        self.starters.contains(&word.to_lowercase())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_lists_parse() {
        let a = Abbreviations::parse(ABBREVIATIONS, SENTENCE_STARTERS).unwrap();
        assert_eq!(a.class_of("Mr"), Some(AbbreviationClass::Title));
        assert_eq!(a.class_of("p"), Some(AbbreviationClass::Number));
        assert_eq!(a.class_of("Sept"), Some(AbbreviationClass::Month));
        assert_eq!(a.class_of("Inc"), Some(AbbreviationClass::General));
        assert_eq!(a.class_of("house"), None);
        assert!(a.is_sentence_starter("They"));
    }

    #[test]
    fn rejects_unknown_class() {
        assert!(Abbreviations::parse("bogus xyz", "").is_err());
    }
}
