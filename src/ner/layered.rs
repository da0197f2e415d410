//! The entity layers after the model: gazetteers, context rules and document-level
//! consistency, merged with the model's spans by precedence.
//!
//! Precedence, highest first: a local context rule ("series X"), a gazetteer entry, a
//! document-level propagation (another mention of a typed name), the model. Among equals
//! the longer span wins. A model span that strictly contains a higher one with the same
//! label is kept (it is the longer name: "Marvel Entertainment" over "Marvel").

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use super::gazetteer::{is_word_char, Gazetteer};
use super::rules::{self, Strength, CHARACTER, SHOW};
use super::{EntityRecognizer, ModelNer};
use crate::doc::{Document, Entity, EntitySource, Span};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Evidence {
    Model = 0,
    Consistency = 1,
    Gazetteer = 2,
    Context = 3,
    /// A word of a person-named show's title used alone ("Jessica"): the character, even
    /// where a local cue ("season 2 of Jessica") points at the show.
    NamePart = 4,
}

#[derive(Debug, Clone)]
struct Candidate {
    span: Span,
    label: String,
    evidence: Evidence,
}

impl Candidate {
    fn source(&self) -> EntitySource {
        match self.evidence {
            Evidence::Model => EntitySource::Model,
            Evidence::Gazetteer => EntitySource::Gazetteer,
            Evidence::Consistency | Evidence::Context | Evidence::NamePart => EntitySource::Rule,
        }
    }
}

/// Model + gazetteer + rules; any layer may be off.
#[derive(Clone, Default)]
pub struct LayeredNer {
    pub model: Option<ModelNer>,
    pub gazetteer: Option<Arc<Gazetteer>>,
    pub rules: bool,
}

impl LayeredNer {
    /// All layers, with the bundled lists.
    pub fn all() -> Self {
        LayeredNer {
            model: Some(ModelNer::default()),
            gazetteer: Some(Arc::new(Gazetteer::bundled_with(Vec::new()))),
            rules: true,
        }
    }
}

/// Occurrences of `form` in `text` that are whole words (no letter or digit on either side).
fn whole_word_occurrences<'a>(text: &'a str, form: &'a str) -> impl Iterator<Item = Span> + 'a {
    text.match_indices(form).filter_map(move |(start, _)| {
        let end = start + form.len();
        let before = text[..start].chars().next_back();
        let after = text[end..].chars().next();
        (!before.is_some_and(is_word_char) && !after.is_some_and(is_word_char))
            .then_some(Span::new(start, end))
    })
}

/// Occurrences of `form` in `text` that are whole words and not part of a longer
/// capitalised name ("Jessica" in "Jessica Jones" is not a mention of "Jessica").
fn standalone_occurrences<'a>(text: &'a str, form: &'a str) -> impl Iterator<Item = Span> + 'a {
    whole_word_occurrences(text, form).filter_map(move |Span { start, end }| {
        // Not inside a hyphenated or elided name ("Kilroy-Silk", "O'Neill").
        let before = text[..start].chars().next_back();
        if before.is_some_and(|c| matches!(c, '-' | '\'' | '’')) || text[end..].starts_with('-') {
            return None;
        }
        let next_word_capitalised = text[end..]
            .strip_prefix(' ')
            .and_then(|r| r.chars().next())
            .is_some_and(char::is_uppercase);
        let prev_word_capitalised = text[..start]
            .strip_suffix(' ')
            .and_then(|l| {
                l.split(|c: char| !c.is_alphanumeric())
                    .next_back()
                    .and_then(|w| w.chars().next())
            })
            .is_some_and(char::is_uppercase);
        (!next_word_capitalised && !prev_word_capitalised).then_some(Span::new(start, end))
    })
}

fn is_capitalised_word(w: &str) -> bool {
    w.chars().next().is_some_and(char::is_uppercase) && w.chars().all(char::is_alphabetic)
}

/// Document-level consistency: once a name is typed SHOW or CHARACTER with evidence, its
/// other mentions get the same type; the single words of a show named after a person
/// ("Jessica" of "Jessica Jones") and of a character's full name are the CHARACTER; and in
/// an article about a show, a one-word person name that shares a sentence with a
/// character and never appears with a first name is a character too ("Kilgrave").
fn propagate(doc: &Document, typed: &[Candidate], model: &[Candidate]) -> Vec<Candidate> {
    let text = &doc.text;
    let mut out = Vec::new();
    // Votes per surface form.
    let mut votes: HashMap<&str, HashMap<&str, usize>> = HashMap::new();
    let listed_characters: HashSet<&str> = typed
        .iter()
        .filter(|c| c.label == CHARACTER && c.evidence == Evidence::Gazetteer)
        .map(|c| doc.span_text(c.span))
        .collect();
    for c in typed
        .iter()
        .filter(|c| c.label == SHOW || c.label == CHARACTER)
    {
        *votes
            .entry(doc.span_text(c.span))
            .or_default()
            .entry(c.label.as_str())
            .or_default() += 1;
    }
    let mut form_label: Vec<(&str, &str)> = votes
        .iter()
        .map(|(form, counts)| {
            let label = counts
                .iter()
                .max_by_key(|(l, n)| (**n, **l == SHOW))
                .map(|(l, _)| *l)
                .unwrap_or(SHOW);
            (*form, label)
        })
        .collect();
    form_label.sort();
    let model_person_forms: HashSet<&str> = model
        .iter()
        .filter(|c| c.label == "PERSON")
        .map(|c| doc.span_text(c.span).trim_end_matches(['\'', '’']))
        .collect();
    let mut partial_characters: Vec<&str> = Vec::new();
    for &(form, label) in &form_label {
        // "Wilson was played by Steve Coogan" in an article about Tony Wilson: the other
        // mentions are the man himself.
        let real_person = label == CHARACTER
            && !form.contains(' ')
            && model_person_forms
                .iter()
                .any(|p| p.len() > form.len() && p.ends_with(form) && p.contains(' '));
        if real_person {
            continue;
        }
        for span in whole_word_occurrences(text, form) {
            out.push(Candidate {
                span,
                label: label.to_string(),
                evidence: Evidence::Consistency,
            });
        }
        let words: Vec<&str> = form.split(' ').collect();
        let person_like = words.len() >= 2
            && words.len() <= 3
            && words.iter().all(|w| is_capitalised_word(w))
            && words[0] != "The";
        let named_after_person = label == SHOW && person_like && model_person_forms.contains(form);
        // Only listed characters lend their first and last names: a role found by "plays X"
        // is often a real person in a biopic ("Ray Charles"), whose surname alone is the
        // person again.
        let listed_character =
            label == CHARACTER && person_like && listed_characters.contains(form);
        if named_after_person || listed_character {
            partial_characters.push(words[0]);
            partial_characters.push(words[words.len() - 1]);
        }
    }
    // A surname alone of a person named in full elsewhere is that person ("According to
    // Brandt" after "Elliot Brandt"), whatever the model said of the short mention.
    let mut surnames: Vec<&str> = model_person_forms
        .iter()
        .filter_map(|form| {
            let words: Vec<&str> = form.split(' ').collect();
            let full_name = (2..=3).contains(&words.len())
                && words.iter().all(|w| is_capitalised_word(w))
                && !form_label.iter().any(|(f, _)| f == form);
            full_name.then(|| words[words.len() - 1])
        })
        .filter(|surname| !form_label.iter().any(|(f, _)| f == surname))
        // "United" of "Manchester United" (ORG elsewhere) is not a surname to spread.
        .filter(|surname| {
            !model.iter().any(|c| {
                let words: Vec<&str> = doc.span_text(c.span).split_whitespace().collect();
                c.label != "PERSON"
                    && words.len() > 1
                    && words
                        .iter()
                        .any(|w| w.trim_end_matches(['\'', '’', 's']) == *surname)
            })
        })
        .collect();
    surnames.sort();
    surnames.dedup();
    for surname in surnames {
        // The model calling this very word a PERSON somewhere lets us overrule its other
        // labels for it ("Brandt" as ORG); otherwise we only fill mentions it left untyped
        // ("Wales" stays a place, "United" a club).
        let model_says_person = model
            .iter()
            .any(|c| c.label == "PERSON" && doc.span_text(c.span) == surname);
        for span in standalone_occurrences(text, surname) {
            let model_label = model.iter().find(|c| c.span.overlaps(span));
            match model_label {
                Some(c) if c.label == "PERSON" => continue,
                Some(_) if !model_says_person => continue,
                _ => {}
            }
            out.push(Candidate {
                span,
                label: "PERSON".to_string(),
                evidence: Evidence::Consistency,
            });
        }
    }
    for form in partial_characters {
        for span in standalone_occurrences(text, form) {
            out.push(Candidate {
                span,
                label: CHARACTER.to_string(),
                evidence: Evidence::NamePart,
            });
        }
    }
    out
}

/// One-word person names in an article about a show that behave like its characters:
/// mentioned at least twice, never with a first name, and sharing a sentence with a
/// character typed by context ("Kilgrave had a big effect on Jessica").
fn cast_members(doc: &Document, merged: &[Candidate]) -> Vec<Candidate> {
    let has_show = merged
        .iter()
        .any(|c| c.label == SHOW && c.evidence >= Evidence::Context);
    if !has_show {
        return Vec::new();
    }
    let text = &doc.text;
    let sentence_of = |span: Span| doc.sentence_index_at(span.start);
    let character_sentences: HashSet<Option<usize>> = merged
        .iter()
        .filter(|c| c.label == CHARACTER && c.evidence >= Evidence::Context)
        .map(|c| sentence_of(c.span))
        .collect();
    let mut forms: Vec<&str> = merged
        .iter()
        .filter(|c| c.label == "PERSON" && c.evidence == Evidence::Model)
        .map(|c| doc.span_text(c.span))
        .filter(|f| is_capitalised_word(f))
        .collect::<HashSet<&str>>()
        .into_iter()
        .collect();
    forms.sort();
    let mut out = Vec::new();
    for form in forms {
        let occurrences = text.match_indices(form).count();
        let standalone: Vec<Span> = standalone_occurrences(text, form).collect();
        // Part of a longer name somewhere ("Rosenberg" of "Melissa Rosenberg"): a person.
        if standalone.len() != occurrences || occurrences < 2 {
            continue;
        }
        if standalone
            .iter()
            .any(|s| character_sentences.contains(&sentence_of(*s)))
        {
            out.extend(standalone.into_iter().map(|span| Candidate {
                span,
                label: CHARACTER.to_string(),
                evidence: Evidence::Consistency,
            }));
        }
    }
    out
}

/// Picks non-overlapping spans by precedence.
fn merge(mut candidates: Vec<Candidate>) -> Vec<Candidate> {
    candidates.sort_by(|a, b| {
        b.evidence
            .cmp(&a.evidence)
            .then(b.span.len().cmp(&a.span.len()))
            .then(a.span.start.cmp(&b.span.start))
    });
    let mut chosen: Vec<Candidate> = Vec::new();
    for c in candidates {
        if let Some(i) = chosen.iter().position(|k| k.span.overlaps(c.span)) {
            let kept = &chosen[i];
            // The model's longer name of the same type ("Marvel Entertainment") wins over a
            // list entry inside it, if nothing else overlaps it.
            let longer_same_label = c.evidence == Evidence::Model
                && kept.evidence == Evidence::Gazetteer
                && c.label == kept.label
                && c.span.contains(kept.span)
                && c.span != kept.span
                && chosen.iter().filter(|k| k.span.overlaps(c.span)).count() == 1;
            if longer_same_label {
                chosen[i] = c;
            }
            continue;
        }
        chosen.push(c);
    }
    chosen.sort_by_key(|c| (c.span.start, c.span.end));
    chosen
}

/// Model labels that a weak context rule does not override ("moving to London, the show").
const NOT_A_TITLE: &[&str] = &[
    "GPE", "LOC", "NORP", "DATE", "TIME", "MONEY", "PERCENT", "QUANTITY", "CARDINAL", "ORDINAL",
    "LANGUAGE", "FAC",
];

impl EntityRecognizer for LayeredNer {
    fn recognize(&self, doc: &Document) -> Vec<Entity> {
        let model = self.model.as_ref().map(|m| m.recognize(doc));
        self.recognize_with_model(doc, model.unwrap_or_default())
    }
}

impl LayeredNer {
    /// The layers over model entities found by another backend (the `bert` feature's);
    /// `self.model` is not consulted.
    pub fn recognize_with_model(&self, doc: &Document, model: Vec<Entity>) -> Vec<Entity> {
        let model: Vec<Candidate> = model
            .into_iter()
            .map(|e| Candidate {
                span: e.span,
                label: e.label,
                evidence: Evidence::Model,
            })
            .collect();
        let mut typed: Vec<Candidate> = Vec::new();
        if let Some(gazetteer) = &self.gazetteer {
            typed.extend(gazetteer.find(&doc.text).into_iter().map(|m| Candidate {
                span: m.span,
                label: m.label,
                evidence: Evidence::Gazetteer,
            }));
        }
        if self.rules {
            typed.extend(
                rules::find(&doc.text)
                    .into_iter()
                    .filter(|m| {
                        let blocked_by = |labels: Option<&[&str]>| {
                            model.iter().any(|c| {
                                c.span.overlaps(m.span)
                                    && labels.is_none_or(|l| l.contains(&c.label.as_str()))
                            })
                        };
                        match m.strength {
                            Strength::Strong => true,
                            Strength::Weak => !blocked_by(Some(NOT_A_TITLE)),
                            Strength::Weakest => !blocked_by(None),
                        }
                    })
                    .map(|m| Candidate {
                        span: m.span,
                        label: m.label.to_string(),
                        evidence: Evidence::Context,
                    }),
            );
            let propagated = propagate(doc, &typed, &model);
            typed.extend(propagated);
        }
        let mut candidates = typed;
        candidates.extend(model);
        let mut merged = merge(candidates.clone());
        if self.rules {
            let cast = cast_members(doc, &merged);
            if !cast.is_empty() {
                candidates.extend(cast);
                merged = merge(candidates);
            }
        }
        merged
            .into_iter()
            .map(|c| Entity {
                span: c.span,
                source: c.source(),
                label: c.label,
            })
            .collect()
    }
}
