//! spaCy's English rule lemmatizer (`EnglishLemmatizer`, mode "rule"): base forms by POS and
//! morphology, then the exceptions, index and suffix rules of the model's lookup tables.

use std::collections::{HashMap, HashSet};

use super::{Pos, SyntaxError};

#[derive(serde::Deserialize)]
struct Tables {
    lemma_exc: HashMap<String, HashMap<String, Vec<String>>>,
    lemma_index: HashMap<String, Vec<String>>,
    lemma_rules: HashMap<String, Vec<(String, String)>>,
}

/// A set of words in one buffer, sorted, found by binary search: the tables' 91,000
/// index words as separate `String`s in hash sets took about 5 MB, here about 1 MB.
#[derive(Default)]
struct WordSet {
    text: String,
    /// Where each word ends in `text` (it starts where the previous one ends).
    ends: Vec<u32>,
}

impl WordSet {
    fn new(mut words: Vec<String>) -> Result<Self, SyntaxError> {
        words.sort_unstable();
        words.dedup();
        let mut set = WordSet {
            text: String::with_capacity(words.iter().map(String::len).sum()),
            ends: Vec::with_capacity(words.len()),
        };
        for w in &words {
            set.text.push_str(w);
            let end = u32::try_from(set.text.len())
                .map_err(|_| SyntaxError::Config("lemmas.json: lemma index too large".into()))?;
            set.ends.push(end);
        }
        Ok(set)
    }

    fn word(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.text[start..self.ends[i] as usize]
    }

    fn contains(&self, word: &str) -> bool {
        let (mut lo, mut hi) = (0, self.ends.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match self.word(mid).cmp(word) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return true,
            }
        }
        false
    }
}

#[derive(Default)]
struct PosTables {
    exceptions: HashMap<String, Vec<String>>,
    index: WordSet,
    rules: Vec<(String, String)>,
}

pub(crate) struct Lemmatizer {
    /// By POS (spaCy keys its tables by the lower-case POS name; other keys are never
    /// looked up).
    by_pos: HashMap<Pos, PosTables>,
}

/// The value of feature `name` in a `Feat=Val|...` string.
fn feature<'a>(morph: &'a str, name: &str) -> Option<&'a str> {
    morph.split('|').find_map(|kv| {
        let (k, v) = kv.split_once('=')?;
        (k == name).then_some(v)
    })
}

/// Python's `str.isalpha()` for a non-empty string.
fn py_isalpha(s: &str) -> bool {
    !s.is_empty() && s.chars().all(char::is_alphabetic)
}

impl Lemmatizer {
    pub(crate) fn from_json(bytes: &[u8]) -> Result<Self, SyntaxError> {
        let t: Tables = serde_json::from_slice(bytes)
            .map_err(|e| SyntaxError::Config(format!("lemmas.json: {e}")))?;
        let pos_of = |name: &str| {
            Pos::parse(&name.to_uppercase()).filter(|p| p.as_str().to_lowercase() == name)
        };
        let mut by_pos: HashMap<Pos, PosTables> = HashMap::new();
        for (name, exc) in t.lemma_exc {
            if let Some(pos) = pos_of(&name) {
                by_pos.entry(pos).or_default().exceptions = exc;
            }
        }
        for (name, index) in t.lemma_index {
            if let Some(pos) = pos_of(&name) {
                by_pos.entry(pos).or_default().index = WordSet::new(index)?;
            }
        }
        for (name, rules) in t.lemma_rules {
            if let Some(pos) = pos_of(&name) {
                by_pos.entry(pos).or_default().rules = rules;
            }
        }
        Ok(Lemmatizer { by_pos })
    }

    /// spaCy's `EnglishLemmatizer.is_base_form`.
    fn is_base_form(pos: Option<Pos>, morph: &str) -> bool {
        let number = feature(morph, "Number");
        let verb_form = feature(morph, "VerbForm");
        let degree = feature(morph, "Degree");
        match pos {
            Some(Pos::Noun) if number == Some("Sing") => return true,
            Some(Pos::Verb) if verb_form == Some("Inf") => return true,
            Some(Pos::Verb)
                if verb_form == Some("Fin")
                    && feature(morph, "Tense") == Some("Pres")
                    && number.is_none() =>
            {
                return true
            }
            Some(Pos::Adj) if degree == Some("Pos") => return true,
            _ => {}
        }
        verb_form == Some("Inf") || verb_form == Some("None") || degree == Some("Pos")
    }

    /// The lemma of `text` (spaCy's `rule_lemmatize(token)[0]`).
    pub(crate) fn lemmatize(&self, text: &str, pos: Option<Pos>, morph: &str) -> String {
        let Some(pos) = pos.filter(|p| *p != Pos::Space) else {
            return text.to_lowercase();
        };
        if Self::is_base_form(Some(pos), morph) {
            return text.to_lowercase();
        }
        let Some(tables) = self.by_pos.get(&pos) else {
            return if pos == Pos::Propn {
                text.to_string()
            } else {
                text.to_lowercase()
            };
        };
        let lower = text.to_lowercase();
        let mut forms: Vec<String> = Vec::new();
        let mut oov: Vec<String> = Vec::new();
        for (old, new) in &tables.rules {
            if let Some(stem) = lower.strip_suffix(old.as_str()) {
                let form = format!("{stem}{new}");
                if form.is_empty() {
                    continue;
                }
                if tables.index.contains(&form) {
                    forms.insert(0, form);
                } else if !py_isalpha(&form) {
                    forms.push(form);
                } else {
                    oov.push(form);
                }
            }
        }
        // Drop repeats, keeping first occurrences.
        let mut seen = HashSet::new();
        forms.retain(|f| seen.insert(f.clone()));
        if let Some(exc) = tables.exceptions.get(&lower) {
            for form in exc {
                if !forms.contains(form) {
                    forms.insert(0, form.clone());
                }
            }
        }
        if let Some(first) = forms.into_iter().next() {
            return first;
        }
        if let Some(first) = oov.into_iter().next() {
            return first;
        }
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tables() -> Lemmatizer {
        let json = br#"{"lemma_exc":{"verb":{"went":["go"]}},
            "lemma_index":{"verb":["walk","bake"]},
            "lemma_rules":{"verb":[["ed",""],["ed","e"],["s",""]]}}"#;
        Lemmatizer::from_json(json).expect("tables parse")
    }

    #[test]
    fn rules_prefer_indexed_forms_and_exceptions() {
        let l = tables();
        assert_eq!(
            l.lemmatize("walked", Some(Pos::Verb), "VerbForm=Fin|Tense=Past"),
            "walk"
        );
        assert_eq!(
            l.lemmatize("baked", Some(Pos::Verb), "VerbForm=Fin|Tense=Past"),
            "bake"
        );
        assert_eq!(
            l.lemmatize("Went", Some(Pos::Verb), "VerbForm=Fin|Tense=Past"),
            "go"
        );
        // Out of the index: the first rule's form.
        assert_eq!(
            l.lemmatize("zorbed", Some(Pos::Verb), "VerbForm=Fin|Tense=Past"),
            "zorb"
        );
    }

    #[test]
    fn base_forms_and_untabled_pos() {
        let l = tables();
        assert_eq!(
            l.lemmatize("Walks", Some(Pos::Verb), "VerbForm=Inf"),
            "walks"
        );
        assert_eq!(
            l.lemmatize("Paris", Some(Pos::Propn), "Number=Sing"),
            "Paris"
        );
        assert_eq!(l.lemmatize("They", Some(Pos::Pron), ""), "they");
        assert_eq!(l.lemmatize(" ", Some(Pos::Space), ""), " ");
    }
}
