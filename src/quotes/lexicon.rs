//! Words the attribution rules look for: cue verbs (from `data/cue_verbs.tsv`), pronouns,
//! adverbs that sit between a speaker and a verb, and a simple word splitter.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use regex::Regex;

use crate::doc::{Document, Entity, Span};

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
            .collect();
        CueLexicon { forms }
    }

    pub fn get(&self, word: &str) -> Option<&CueVerb> {
        self.forms.get(&word.to_lowercase())
    }

    pub fn len(&self) -> usize {
        self.forms.len()
    }

    pub fn is_empty(&self) -> bool {
        self.forms.is_empty()
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
    const STRONG: &[&str] = &[
        "say",
        "tell",
        "add",
        "argue",
        "claim",
        "warn",
        "insist",
        "note",
        "explain",
        "announce",
        "state",
        "report",
        "assert",
        "acknowledge",
        "admit",
        "confirm",
        "deny",
        "suggest",
        "contend",
        "maintain",
        "allege",
        "declare",
        "believe",
        "think",
        "write",
        "tweet",
        "predict",
        "estimate",
        "stress",
        "emphasize",
        "emphasise",
        "reveal",
        "concede",
        "caution",
        "vow",
        "pledge",
        "promise",
        "complain",
        "charge",
        "recall",
        "testify",
        "reply",
        "respond",
        "observe",
        "remark",
        "reiterate",
        "agree",
        "disclose",
        "indicate",
        "signal",
        "speculate",
        "urge",
        "accuse",
        "blame",
        "question",
        "ask",
        "wonder",
        "boast",
        "tout",
        "predict",
        "acknowledge",
        "hint",
        "conclude",
        "find",
    ];
    STRONG.contains(&lemma)
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

pub const PRONOUNS: &[&str] = &[
    "he", "she", "they", "i", "we", "it", "you", "He", "She", "They", "I", "We", "It", "You",
];

pub fn is_pronoun(word: &str) -> bool {
    PRONOUNS.contains(&word)
}

/// Words between a speaker and the verb that belong to neither ("Rosenberg also said").
pub fn is_verb_modifier(word: &str) -> bool {
    const WORDS: &[&str] = &[
        "also",
        "later",
        "then",
        "once",
        "previously",
        "recently",
        "further",
        "has",
        "had",
        "have",
        "would",
        "will",
        "could",
        "might",
        "may",
        "did",
        "does",
        "do",
        "was",
        "is",
        "were",
        "been",
        "be",
        "not",
        "never",
        "still",
        "again",
        "repeatedly",
        "often",
        "earlier",
        "subsequently",
        "simply",
        "just",
        "first",
        "publicly",
        "privately",
        "flatly",
    ];
    // Capitalised, it is a name ("Will wrote", "Early said").
    if is_capitalised(word) {
        return false;
    }
    WORDS.contains(&word) || (word.len() > 4 && word.ends_with("ly"))
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

/// Abbreviations that keep their period inside a name or a date ("Sen. Warren", "Sept. 30").
const TITLE_ABBREVIATIONS: &[&str] = &[
    "Mr", "Mrs", "Ms", "Dr", "St", "Jr", "Sr", "Sen", "Rep", "Gov", "Gen", "Lt", "Col", "Sgt",
    "Capt", "Cmdr", "Adm", "Prof", "Rev", "Hon", "Pres", "Supt", "Det", "Insp", "Inc", "Co",
    "Corp", "Ltd", "No", "Mt", "Ft", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep",
    "Sept", "Oct", "Nov", "Dec", "vs", "Vs",
];

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
                || TITLE_ABBREVIATIONS.contains(&stem);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexicon_has_lemmas_and_tenses() {
        let lex = cue_lexicon();
        assert!(lex.len() > 400);
        assert_eq!(lex.get("said").map(|c| c.lemma.as_str()), Some("say"));
        assert_eq!(lex.get("Told").map(|c| c.tense), Some(Tense::Past));
        assert_eq!(
            lex.get("continues").map(|c| c.lemma.as_str()),
            Some("continue")
        );
        assert!(lex.get("table").is_none());
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
