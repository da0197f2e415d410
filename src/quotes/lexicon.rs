//! Words the attribution rules look for: cue verbs (from `data/cue_verbs.tsv`), pronouns,
//! adverbs that sit between a speaker and a verb, and a simple word splitter.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use regex::Regex;

use crate::doc::{Document, Entity, Span};
use crate::segment::{AbbreviationClass, Abbreviations};

const CUE_VERBS: &str = include_str!("../../data/cue_verbs.tsv");

/// Tense of a cue verb form, as listed in the lexicon.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tense {
    Present,
    Past,
    Gerund,
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CueVerb {
    pub lemma: String,
    pub tense: Tense,
    /// A literary speech verb ("cried", "returned") that is a cue only next to quote marks.
    pub dialogue_only: bool,
}

/// Verb forms that report speech or thought ("said", "tells", "argued", "thinks").
pub struct CueLexicon {
    forms: HashMap<String, CueVerb>,
    /// Lemma → the verb entry of its forms (a lemma is `dialogue_only` when every form is),
    /// for tokens whose lemma the tagger gives.
    lemmas: HashMap<String, CueVerb>,
}

impl CueLexicon {
    pub fn parse(tsv: &str) -> Self {
        let forms = tsv
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .filter_map(|l| {
                let mut cols = l.split('\t');
                let form = cols.next()?.trim().to_lowercase();
                let lemma = cols.next()?.trim().to_string();
                let tense = match cols.next().map(str::trim) {
                    Some("present") => Tense::Present,
                    Some("past") => Tense::Past,
                    Some("gerund") => Tense::Gerund,
                    _ => Tense::Unknown,
                };
                let dialogue_only = cols.next().map(str::trim) == Some("dialogue");
                Some((
                    form,
                    CueVerb {
                        lemma,
                        tense,
                        dialogue_only,
                    },
                ))
            })
            .collect::<HashMap<String, CueVerb>>();
        let mut lemmas: HashMap<String, CueVerb> = HashMap::new();
        for cue in forms.values() {
            lemmas
                .entry(cue.lemma.clone())
                .and_modify(|c| c.dialogue_only &= cue.dialogue_only)
                .or_insert_with(|| CueVerb {
                    tense: Tense::Unknown,
                    ..cue.clone()
                });
        }
        CueLexicon { forms, lemmas }
    }

    pub fn get(&self, word: &str) -> Option<&CueVerb> {
        self.forms.get(&word.to_lowercase())
    }

    /// The entry for a lemma ("say" for says, said, saying).
    pub fn lemma(&self, lemma: &str) -> Option<&CueVerb> {
        self.lemmas.get(lemma)
    }
}

/// The lexicon shipped in `data/cue_verbs.tsv`.
pub fn cue_lexicon() -> &'static CueLexicon {
    static LEXICON: LazyLock<CueLexicon> = LazyLock::new(|| CueLexicon::parse(CUE_VERBS));
    &LEXICON
}

/// Speech verbs strong enough to attribute reported speech without quote marks; thought
/// and weaker verbs ("hope", "feel", "point") only count next to quote marks.
pub fn is_reporting_lemma(lemma: &str) -> bool {
    static SET: LazyLock<HashSet<&'static str>> =
        LazyLock::new(|| word_list(include_str!("../../data/reporting_verbs.txt")));
    SET.contains(lemma)
}

/// Determiners and possessives that open a noun phrase ("the", "his", "several").
pub fn is_determiner(word: &str) -> bool {
    static SET: LazyLock<HashSet<&'static str>> =
        LazyLock::new(|| word_list(include_str!("../../data/determiners.txt")));
    SET.contains(word.to_lowercase().as_str())
}

/// Auxiliaries and "not": never a speech verb or part of a speaker's name.
pub fn is_auxiliary(word: &str) -> bool {
    static SET: LazyLock<HashSet<&'static str>> =
        LazyLock::new(|| word_list(include_str!("../../data/auxiliaries.txt")));
    SET.contains(word.to_lowercase().as_str())
}

/// The words of a `data/` list: one per line, `#` lines are comments.
pub fn word_list(text: &'static str) -> HashSet<&'static str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
}

pub fn is_pronoun(word: &str) -> bool {
    static SET: LazyLock<HashSet<&'static str>> =
        LazyLock::new(|| word_list(include_str!("../../data/pronouns.txt")));
    // Lower case or capitalised ("He"), as a pronoun is written; "HE" is a heading.
    let lower = word.to_lowercase();
    let capitalised_only = word.chars().skip(1).all(|c| !c.is_uppercase());
    capitalised_only && SET.contains(lower.as_str())
}

/// Words between a speaker and the verb that belong to neither ("Rosenberg also said").
pub fn is_verb_modifier(word: &str) -> bool {
    static WORDS: LazyLock<HashSet<&'static str>> =
        LazyLock::new(|| word_list(include_str!("../../data/verb_modifiers.txt")));
    // Capitalised, it is a name ("Will wrote", "Early said").
    if is_capitalised(word) {
        return false;
    }
    WORDS.contains(word) || (word.len() > 4 && word.ends_with("ly"))
}

/// A word or a punctuation mark of the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Word {
    pub span: Span,
}

impl Word {
    pub fn text<'t>(&self, text: &'t str) -> &'t str {
        &text[self.span.start..self.span.end]
    }
}

/// Whether an abbreviation of `data/abbreviations.txt` keeps its period inside a name or
/// a date ("Sen. Warren", "Sept. 30", "Acme Inc."): titles and months always, others when
/// capitalised (so "no." and "etc." at a sentence end give the period back).
fn keeps_period(stem: &str) -> bool {
    static ABBREVIATIONS: LazyLock<Abbreviations> = LazyLock::new(Abbreviations::default);
    match ABBREVIATIONS.class_of(stem) {
        Some(AbbreviationClass::Title | AbbreviationClass::Month) => true,
        Some(_) => is_capitalised(stem),
        None => false,
    }
}

static WORD_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[\p{L}\p{N}]+(?:['’.\-][\p{L}\p{N}]+)*\.?|[^\s\p{L}\p{N}]")
        .expect("word pattern compiles")
});

/// Words and punctuation marks of `text[span]`, with offsets into `text`. A trailing
/// period stays on abbreviations ("Mr.", "U.S.") but not on ordinary words.
pub fn words(text: &str, span: Span) -> Vec<Word> {
    let slice = &text[span.start..span.end];
    let mut out = Vec::new();
    for m in WORD_RE.find_iter(slice) {
        let (start, mut end) = (span.start + m.start(), span.start + m.end());
        let w = &text[start..end];
        if w.len() > 1 && w.ends_with('.') {
            let stem = &w[..w.len() - 1];
            let abbreviation = stem.contains('.')
                || (stem.chars().count() == 1 && stem.chars().all(char::is_uppercase))
                || keeps_period(stem);
            if !abbreviation {
                end -= 1;
                out.push(Word {
                    span: Span::new(start, end),
                });
                out.push(Word {
                    span: Span::new(end, end + 1),
                });
                continue;
            }
        }
        out.push(Word {
            span: Span::new(start, end),
        });
    }
    out
}

pub fn is_punct(word: &str) -> bool {
    word.chars().all(|c| !c.is_alphanumeric())
}

pub fn is_capitalised(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_uppercase)
}

/// The entities of `doc` that overlap `span`, by binary search. The quote stage works on
/// entities sorted by start and not overlapping each other (`RuleQuotes::extract` makes
/// them so), which keeps every lookup logarithmic.
pub fn entities_overlapping(doc: &Document, span: Span) -> &[Entity] {
    let es = &doc.entities;
    let from = es.partition_point(|e| e.span.end <= span.start);
    let to = from + es[from..].partition_point(|e| e.span.start < span.end);
    &es[from..to]
}

/// Whether the entities are sorted by start and pairwise disjoint.
pub fn entities_are_ordered(entities: &[Entity]) -> bool {
    entities
        .windows(2)
        .all(|w| w[0].span.end <= w[1].span.start)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexicon_has_lemmas_and_tenses() {
        let lex = cue_lexicon();
        assert!(lex.forms.len() > 400);
        assert_eq!(lex.get("said").map(|c| c.lemma.as_str()), Some("say"));
        assert_eq!(lex.get("Told").map(|c| c.tense), Some(Tense::Past));
        assert_eq!(
            lex.get("continues").map(|c| c.lemma.as_str()),
            Some("continue")
        );
        assert!(lex.get("table").is_none());
        assert_eq!(lex.lemma("tell").map(|c| c.lemma.as_str()), Some("tell"));
        assert!(lex.lemma("murmur").is_some_and(|c| c.dialogue_only));
        assert!(lex.lemma("say").is_some_and(|c| !c.dialogue_only));
    }

    #[test]
    fn words_keep_abbreviations() {
        let text = "Mr. Brandt said it.";
        let w: Vec<&str> = words(text, Span::new(0, text.len()))
            .iter()
            .map(|w| w.text(text))
            .collect();
        assert_eq!(w, vec!["Mr.", "Brandt", "said", "it", "."]);
    }
}
