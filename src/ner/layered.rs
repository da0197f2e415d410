//! The entity layers after the model: gazetteers, context rules and document-level
//! consistency, merged with the model's spans by precedence.
//!
//! Precedence, highest first: a local context rule ("series X"), a gazetteer entry, a
//! document-level propagation (another mention of a typed name), the model. Among equals
//! the longer span wins. A model span that strictly contains a higher one with the same
//! label is kept (it is the longer name: "Marvel Entertainment" over "Marvel").

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use aho_corasick::{AhoCorasick, MatchKind};

use super::gazetteer::{is_word_char, Gazetteer};
use super::rules::{self, Strength, CHARACTER, SHOW};
use super::title_syntax;
use super::titles::{self, list, FILM_CUES, SHOW_CUES};
use super::{EntityRecognizer, ModelNer};
use crate::doc::{Document, Entity, EntityLabel, EntitySource, Span};
use crate::segment::in_title_case_line;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Evidence {
    Model = 0,
    Consistency = 1,
    Gazetteer = 2,
    Context = 3,
    /// A word of a person-named show's title used alone ("Jessica"): the character, even
    /// where a local cue ("season 2 of Jessica") points at the show.
    NamePart = 4,
    /// A character's name used as a title ("the next Bond film"), over its name part.
    Franchise = 5,
}

#[derive(Debug, Clone)]
struct Candidate {
    span: Span,
    label: EntityLabel,
    evidence: Evidence,
    /// A title whose kind its cue left open (decided by the document's vote).
    open_kind: bool,
}

impl Candidate {
    fn source(&self) -> EntitySource {
        match self.evidence {
            Evidence::Model => EntitySource::Model,
            Evidence::Gazetteer => EntitySource::Gazetteer,
            Evidence::Consistency
            | Evidence::Context
            | Evidence::NamePart
            | Evidence::Franchise => EntitySource::Rule,
        }
    }
}

/// Model + gazetteer + rules; any layer may be off.
#[derive(Clone, Default)]
pub struct LayeredNer {
    /// The statistical layer (spaCy's model); `None` leaves it out.
    pub model: Option<ModelNer>,
    /// The gazetteer layer (names matched from lists); `None` leaves it out.
    pub gazetteer: Option<Arc<Gazetteer>>,
    /// The context-rule and document-consistency layers (SHOW, FILM, WORK, CHARACTER).
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

/// Whether `span` is a whole word of `text` (no letter or digit on either side).
fn is_whole_word(text: &str, span: Span) -> bool {
    let before = text[..span.start].chars().next_back();
    let after = text[span.end..].chars().next();
    !before.is_some_and(is_word_char) && !after.is_some_and(is_word_char)
}

/// Whether a whole-word occurrence stands alone: not part of a longer capitalised name
/// ("Jessica" in "Jessica Jones" is not a mention of "Jessica").
fn is_standalone(text: &str, span: Span) -> bool {
    let Span { start, end } = span;
    // Not inside a hyphenated or elided name ("Kilroy-Silk", "O'Neill").
    let before = text[..start].chars().next_back();
    if before.is_some_and(|c| matches!(c, '-' | '\'' | '’')) || text[end..].starts_with('-') {
        return false;
    }
    let next_word_capitalised = text[end..]
        .strip_prefix(' ')
        .and_then(|r| r.chars().next())
        .is_some_and(char::is_uppercase);
    // A capitalised word before that opens sentences but never a name ("In Hide and
    // Seek, ...") does not join a mention of several words to it.
    let prev_word_capitalised = text[..start]
        .strip_suffix(' ')
        .and_then(|l| l.split(|c: char| !c.is_alphanumeric()).next_back())
        .is_some_and(|w| {
            w.chars().next().is_some_and(char::is_uppercase)
                && !(text[start..end].contains(' ')
                    && titles::NOT_TITLE_WORDS.contains(w.to_lowercase().as_str()))
        });
    !next_word_capitalised && !prev_word_capitalised
}

/// The occurrences of many forms in one text, found in one pass of one automaton (a scan
/// of the whole text per form made the consistency passes O(forms × n)). Each form's
/// occurrences are those of `str::match_indices`: left to right, not overlapping.
struct Occurrences<'t> {
    text: &'t str,
    starts: HashMap<&'t str, Vec<usize>>,
}

impl<'t> Occurrences<'t> {
    fn new(text: &'t str, forms: impl IntoIterator<Item = &'t str>) -> Self {
        let mut starts: HashMap<&'t str, Vec<usize>> = HashMap::new();
        for form in forms {
            starts.entry(form).or_default();
        }
        let patterns: Vec<&str> = starts.keys().copied().filter(|f| !f.is_empty()).collect();
        let automaton = (!patterns.is_empty())
            .then(|| {
                AhoCorasick::builder()
                    .match_kind(MatchKind::Standard)
                    .build(&patterns)
                    .ok()
            })
            .flatten();
        match automaton {
            Some(automaton) => {
                // Overlapping matches come in order of their end; one form's matches all
                // have its length, so they are in order of their start too.
                let mut found: Vec<Vec<usize>> = vec![Vec::new(); patterns.len()];
                for m in automaton.find_overlapping_iter(text) {
                    let kept = &mut found[m.pattern().as_usize()];
                    let free = kept
                        .last()
                        .is_none_or(|&s| s + (m.end() - m.start()) <= m.start());
                    if free {
                        kept.push(m.start());
                    }
                }
                for (form, found) in patterns.iter().zip(found) {
                    starts.insert(form, found);
                }
            }
            // No automaton (too large to build): one scan per form, as before.
            None => {
                for form in patterns {
                    starts.insert(form, text.match_indices(form).map(|(i, _)| i).collect());
                }
            }
        }
        if let Some(empty) = starts.get_mut("") {
            *empty = text.match_indices("").map(|(i, _)| i).collect();
        }
        Occurrences { text, starts }
    }

    /// Every occurrence of `form` (which must be one of the forms given to `new`).
    fn all(&self, form: &str) -> impl Iterator<Item = Span> + '_ {
        let len = form.len();
        self.starts
            .get(form)
            .into_iter()
            .flatten()
            .map(move |&s| Span::new(s, s + len))
    }

    /// Occurrences of `form` that are whole words.
    fn whole_words(&self, form: &str) -> impl Iterator<Item = Span> + '_ {
        self.all(form).filter(|&s| is_whole_word(self.text, s))
    }

    /// Whole-word occurrences of `form` that are not part of a longer capitalised name.
    fn standalone(&self, form: &str) -> impl Iterator<Item = Span> + '_ {
        self.whole_words(form)
            .filter(|&s| is_standalone(self.text, s))
    }
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
    let mut votes: HashMap<&str, HashMap<&EntityLabel, (usize, usize)>> = HashMap::new();
    let listed_characters: HashSet<&str> = typed
        .iter()
        .filter(|c| c.label == CHARACTER && c.evidence == Evidence::Gazetteer)
        .map(|c| doc.span_text(c.span))
        .collect();
    // Forms some cue gave a kind to; the copies of the others stay open to the kind vote
    // (an open cue's WORK means "kind unknown", not a vote for WORK).
    let mut kind_named: HashSet<&str> = HashSet::new();
    for c in typed
        .iter()
        .filter(|c| c.label.is_title() || c.label == CHARACTER)
    {
        let open_work = c.open_kind && c.label == EntityLabel::Work;
        if !c.open_kind {
            kind_named.insert(doc.span_text(c.span));
        }
        let entry = votes
            .entry(doc.span_text(c.span))
            .or_default()
            .entry(&c.label)
            .or_default();
        entry.0 += usize::from(!open_work);
        entry.1 += 1;
    }
    // Title or character by the number of mentions; among titles, the kind by the votes.
    let mut form_label: Vec<(&str, EntityLabel)> = votes
        .iter()
        .map(|(form, counts)| {
            let characters = counts.get(&CHARACTER).map_or(0, |v| v.1);
            let titles: usize = counts
                .iter()
                .filter(|(l, _)| l.is_title())
                .map(|(_, v)| v.1)
                .sum();
            let label = if characters > titles {
                CHARACTER
            } else {
                counts
                    .iter()
                    .filter(|(l, _)| l.is_title())
                    .max_by_key(|(l, v)| (v.0, **l == &SHOW))
                    .map(|(l, _)| (*l).clone())
                    .unwrap_or(SHOW)
            };
            (*form, label)
        })
        .collect();
    // A film's or show's short form without its article ("Motorcycle Diaries" of "The
    // Motorcycle Diaries") is another mention: of two words or more, or one word the text never
    // writes in lower case and no plural (a family or band: "the Osbournes").
    let mut lower: Option<HashSet<String>> = None;
    let short_forms: Vec<(&str, EntityLabel)> = form_label
        .iter()
        // Films and shows only: a generic WORK is often a group's name ("The X Party").
        .filter(|(_, label)| matches!(label, EntityLabel::Film | EntityLabel::Show))
        .filter_map(|(form, label)| {
            let rest = form.strip_prefix("The ")?;
            let words: Vec<&str> = rest.split(' ').collect();
            let shaped = words.iter().all(|w| {
                w.chars()
                    .next()
                    .is_some_and(|c| c.is_uppercase() || c.is_numeric())
            });
            if !shaped || votes.contains_key(rest) {
                return None;
            }
            if words.len() == 1 {
                let lower = lower.get_or_insert_with(|| {
                    text.split(|c: char| !c.is_alphanumeric())
                        .filter(|w| w.starts_with(char::is_lowercase))
                        .map(str::to_string)
                        .collect()
                });
                if rest.len() < 4 || rest.ends_with('s') || lower.contains(&rest.to_lowercase()) {
                    return None;
                }
            }
            Some((rest, label.clone()))
        })
        .collect();
    // And the long form with an article the mention left out ("The Magic Roundabout"
    // after "Magic Roundabout"), which the model may give as a work of its own.
    // Only where the model names that long form ("The Mary Poppins musical" is no title).
    let model_forms: HashSet<&str> = model.iter().map(|c| doc.span_text(c.span)).collect();
    let long_forms: Vec<(&str, EntityLabel)> = form_label
        .iter()
        .filter(|(form, label)| label.is_title() && !form.starts_with("The "))
        .filter_map(|(form, label)| {
            let long = format!("The {form}");
            let long = model_forms.get(long.as_str())?;
            (!votes.contains_key(long)).then(|| (*long, label.clone()))
        })
        .collect();
    form_label.extend(short_forms);
    form_label.extend(long_forms);
    form_label.sort();
    let model_person_forms: HashSet<&str> = model
        .iter()
        .filter(|c| c.label == EntityLabel::Person)
        .map(|c| doc.span_text(c.span).trim_end_matches(['\'', '’']))
        .collect();
    // The proper suffixes of the model's names of several words ("Wilson" of "Tony
    // Wilson"), so that each form is one look-up, not a pass over every name.
    let person_suffixes: HashSet<&str> = model_person_forms
        .iter()
        .filter(|p| p.contains(' '))
        .flat_map(|p| p.char_indices().skip(1).map(|(i, _)| &p[i..]))
        .collect();
    let labelled_forms: HashSet<&str> = form_label.iter().map(|(f, _)| *f).collect();
    // Words of the model's names of other kinds ("United" of "Manchester United"),
    // possessive and plural ends trimmed.
    let other_name_words: HashSet<&str> = model
        .iter()
        .filter(|c| c.label != EntityLabel::Person)
        .flat_map(|c| {
            let words: Vec<&str> = doc.span_text(c.span).split_whitespace().collect();
            let several = words.len() > 1;
            words
                .into_iter()
                .filter(move |_| several)
                .map(|w| w.trim_end_matches(['\'', '’', 's']))
        })
        .collect();
    // A surname alone of a person named in full elsewhere is that person ("According to
    // Brandt" after "Elliot Brandt"), whatever the model said of the short mention.
    let mut surnames: Vec<&str> = model_person_forms
        .iter()
        .filter_map(|form| {
            let words: Vec<&str> = form.split(' ').collect();
            let full_name = (2..=3).contains(&words.len())
                && words.iter().all(|w| is_capitalised_word(w))
                && !labelled_forms.contains(form);
            full_name.then(|| words[words.len() - 1])
        })
        .filter(|surname| !labelled_forms.contains(surname))
        // "United" of "Manchester United" (ORG elsewhere) is not a surname to spread.
        .filter(|surname| !other_name_words.contains(surname))
        .collect();
    surnames.sort();
    surnames.dedup();
    // Every form looked up below, found in one pass: the typed forms, the first and last
    // words of each (the name parts of a character) and the surnames.
    let occurrences = Occurrences::new(
        text,
        form_label
            .iter()
            .flat_map(|(form, _)| {
                let first = form.split(' ').next().unwrap_or(form);
                let last = form.split(' ').next_back().unwrap_or(form);
                [*form, first, last]
            })
            .chain(surnames.iter().copied()),
    );
    let mut partial_characters: Vec<&str> = Vec::new();
    for (form, label) in &form_label {
        let (form, label) = (*form, label.clone());
        // "Wilson was played by Steve Coogan" in an article about Tony Wilson: the other
        // mentions are the man himself.
        let real_person =
            label == CHARACTER && !form.contains(' ') && person_suffixes.contains(form);
        if real_person {
            continue;
        }
        let found: Vec<Span> = if label.is_title() {
            occurrences.standalone(form).collect()
        } else {
            occurrences.whole_words(form).collect()
        };
        for span in found {
            // Part of a longer title: "Star Trek: Enterprise", "Later... With", "Shrek 2".
            let rest = &text[span.end..];
            let continues = rest.starts_with("...")
                || rest.starts_with('…')
                || rest
                    .strip_prefix(": ")
                    .is_some_and(|r| r.starts_with(char::is_uppercase))
                || rest.strip_prefix(' ').is_some_and(|r| {
                    // A sequel number, not a year.
                    let digits = r.chars().take_while(char::is_ascii_digit).take(3).count();
                    (1..=2).contains(&digits)
                });
            if label.is_title() && continues {
                continue;
            }
            // "the daughter of activist Ada Greenfield": a name after a role noun is the person,
            // not the film named after them.
            if label.is_title() && title_syntax::role_noun_before(doc, span) {
                continue;
            }
            // "X - the Warrior Poet": the subtitle is part of this mention's title.
            let span = match titles::dash_subtitle(text, span.end) {
                Some((end, _)) if label.is_title() => Span::new(span.start, end),
                _ => span,
            };
            out.push(Candidate {
                span,
                label: label.clone(),
                evidence: Evidence::Consistency,
                open_kind: label.is_title() && !kind_named.contains(form),
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
    let model_index = SpanIndex::new(model);
    let model_persons: HashSet<&str> = model
        .iter()
        .filter(|c| c.label == EntityLabel::Person)
        .map(|c| doc.span_text(c.span))
        .collect();
    for surname in surnames {
        // The model calling this very word a PERSON somewhere lets us overrule its other
        // labels for it ("Brandt" as ORG); otherwise we only fill mentions it left untyped
        // ("Wales" stays a place, "United" a club).
        let model_says_person = model_persons.contains(surname);
        for span in occurrences.standalone(surname) {
            let model_label = model_index.first_overlapping(span);
            match model_label {
                Some(c) if c.label == EntityLabel::Person => continue,
                Some(_) if !model_says_person => continue,
                _ => {}
            }
            out.push(Candidate {
                span,
                label: EntityLabel::Person,
                evidence: Evidence::Consistency,
                open_kind: false,
            });
        }
    }
    for form in partial_characters {
        for span in occurrences.standalone(form) {
            out.push(Candidate {
                span,
                label: CHARACTER,
                evidence: Evidence::NamePart,
                open_kind: false,
            });
        }
    }
    out
}

/// The other items of a list that holds a title found by a cue or a list ("films such as
/// A, B and C"), typed like it. In a list of two, the model's names and places stand
/// ("Ray and Jamie Foxx"); in a longer one its people, numbers and dates do ("search
/// terms included X, Y, a DJ's name and Z").
fn list_titles(
    doc: &Document,
    typed: &[Candidate],
    model: &[Candidate],
    from: &[Evidence],
) -> Vec<Candidate> {
    let mut out = Vec::new();
    for c in typed
        .iter()
        .filter(|c| c.label.is_title() && from.contains(&c.evidence))
    {
        for (span, items) in titles::list_siblings(&doc.text, c.span) {
            let blocked = model.iter().any(|m| {
                m.span.overlaps(span)
                    && if items == 2 {
                        blocks_open_title(&m.label)
                    } else {
                        m.label == EntityLabel::Person
                            || NOT_A_TITLE.contains(&m.label)
                                && !matches!(
                                    m.label,
                                    EntityLabel::Gpe | EntityLabel::Fac | EntityLabel::Loc
                                )
                    }
            }) || typed
                .iter()
                .any(|t| t.span.overlaps(span) && !t.label.is_title());
            if !blocked {
                out.push(Candidate {
                    span,
                    label: c.label.clone(),
                    evidence: Evidence::Consistency,
                    open_kind: true,
                });
            }
        }
    }
    out
}

/// Candidates sorted by start, for overlap queries by binary search: the model's spans
/// come sorted and disjoint. Unsorted input (another backend) is scanned whole, which
/// gives the same answers.
struct SpanIndex<'c> {
    items: &'c [Candidate],
    /// Running maximum of the ends, when `items` are sorted by start.
    max_end: Option<Vec<usize>>,
}

impl<'c> SpanIndex<'c> {
    fn new(items: &'c [Candidate]) -> Self {
        let sorted = items.windows(2).all(|w| w[0].span.start <= w[1].span.start);
        let max_end = sorted.then(|| {
            items
                .iter()
                .scan(0, |max, c| {
                    *max = (*max).max(c.span.end);
                    Some(*max)
                })
                .collect()
        });
        SpanIndex { items, max_end }
    }

    /// The items that may overlap `span`, in their order: every item before them ends
    /// by `span.start` and every item after them starts at `span.end` or later.
    fn near(&self, span: Span) -> &'c [Candidate] {
        let Some(max_end) = &self.max_end else {
            return self.items;
        };
        let lo = max_end.partition_point(|&e| e <= span.start);
        let hi = self.items.partition_point(|c| c.span.start < span.end);
        self.items.get(lo..hi).unwrap_or(&[])
    }

    /// The first item (in their order) overlapping `span`.
    fn first_overlapping(&self, span: Span) -> Option<&'c Candidate> {
        self.near(span).iter().find(|c| c.span.overlaps(span))
    }

    fn any_overlapping(&self, span: Span, pred: impl Fn(&Candidate) -> bool) -> bool {
        self.near(span)
            .iter()
            .any(|c| c.span.overlaps(span) && pred(c))
    }
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
        .filter(|c| c.label == EntityLabel::Person && c.evidence == Evidence::Model)
        .map(|c| doc.span_text(c.span))
        .filter(|f| is_capitalised_word(f))
        .collect::<HashSet<&str>>()
        .into_iter()
        .collect();
    forms.sort();
    let found = Occurrences::new(text, forms.iter().copied());
    let mut out = Vec::new();
    for form in forms {
        let occurrences = found.all(form).count();
        let standalone: Vec<Span> = found.standalone(form).collect();
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
                label: CHARACTER,
                evidence: Evidence::Consistency,
                open_kind: false,
            }));
        }
    }
    out
}

/// Picks non-overlapping spans by precedence.
fn merge(text: &str, mut candidates: Vec<Candidate>) -> Vec<Candidate> {
    candidates.sort_by(|a, b| {
        b.evidence
            .cmp(&a.evidence)
            .then(b.span.len().cmp(&a.span.len()))
            .then(a.span.start.cmp(&b.span.start))
    });
    // The chosen spans never overlap one another, so in (start, end) order their ends are
    // in order too: those overlapping a candidate are found by walking back from its end
    // (a scan of every chosen span per candidate was quadratic). The third key part keeps
    // the order of choice among equal (empty) spans.
    let mut chosen: BTreeMap<(usize, usize, usize), Candidate> = BTreeMap::new();
    for (seq, c) in candidates.into_iter().enumerate() {
        let overlapping: Vec<(usize, usize, usize)> = chosen
            .range(..(c.span.end, 0, 0))
            .rev()
            .take_while(|(_, k)| k.span.end > c.span.start)
            .filter(|(_, k)| k.span.overlaps(c.span))
            .take(2)
            .map(|(key, _)| *key)
            .collect();
        let Some(&key) = overlapping.first() else {
            chosen.insert((c.span.start, c.span.end, seq), c);
            continue;
        };
        // Decided only when one chosen span overlaps; with more, the candidate is dropped.
        if overlapping.len() > 1 {
            continue;
        }
        let kept = &chosen[&key];
        // The model's longer name of the same type ("Marvel Entertainment") wins over a
        // list entry inside it, if nothing else overlaps it.
        // A title never loses to a name inside it ("Harry Potter and the Prisoner of
        // Azkaban" over the character, "Star Trek: Enterprise" over "Star Trek").
        // Not across a quote mark, which ends a quoted title.
        // The model's title running from ours over a list link ("A and B", "A, B") is
        // two titles, not a longer one.
        let over_link = c.evidence == Evidence::Model && c.span.contains(kept.span) && {
            let after = &text[kept.span.end..c.span.end];
            let before = &text[c.span.start..kept.span.start];
            after.starts_with([',', ';'])
                || [" and ", " or "].iter().any(|w| after.starts_with(w))
                || [", ", " and ", " or "].iter().any(|w| before.ends_with(w))
        };
        let title_over_name = c.label.is_creative_work()
            && !over_link
            && (kept.label.is_title()
                || kept.label == CHARACTER
                || kept.label == EntityLabel::Person)
            && kept.evidence <= Evidence::Context
            && !text[c.span.start..c.span.end].contains(['"', '“', '”']);
        let longer_same_label = (c.evidence == Evidence::Model
            && kept.evidence == Evidence::Gazetteer
            && c.label == kept.label
            || title_over_name)
            && c.span.contains(kept.span)
            && c.span != kept.span;
        if longer_same_label {
            chosen.remove(&key);
            chosen.insert((c.span.start, c.span.end, key.2), c);
        }
    }
    chosen.into_values().collect()
}

/// Model labels that a weak context rule does not override ("moving to London, the show").
const NOT_A_TITLE: &[EntityLabel] = &[
    EntityLabel::Gpe,
    EntityLabel::Loc,
    EntityLabel::Norp,
    EntityLabel::Date,
    EntityLabel::Time,
    EntityLabel::Money,
    EntityLabel::Percent,
    EntityLabel::Quantity,
    EntityLabel::Cardinal,
    EntityLabel::Ordinal,
    EntityLabel::Language,
    EntityLabel::Fac,
];

/// Dates, times and numbers: model labels no title cue overrides ("Wings (1927)").
fn is_measure(label: &EntityLabel) -> bool {
    matches!(
        label,
        EntityLabel::Date
            | EntityLabel::Time
            | EntityLabel::Money
            | EntityLabel::Percent
            | EntityLabel::Quantity
            | EntityLabel::Cardinal
            | EntityLabel::Ordinal
    )
}

/// Model labels that a title cue with an open kind does not override ("watching Arsenal"):
/// those a weak rule respects, plus people, organisations and laws.
fn blocks_open_title(label: &EntityLabel) -> bool {
    NOT_A_TITLE.contains(label)
        || matches!(
            label,
            EntityLabel::Person | EntityLabel::Org | EntityLabel::Law
        )
}

const BIOPIC_CUES: &str = include_str!("../../data/entities/biopic_cues.txt");

/// Film words (pattern ids below `film_count`) and show words, matched case-insensitively.
struct KindCues {
    automaton: AhoCorasick,
    film_count: usize,
    /// Pattern ids from here on are work words (books, stage, music).
    work_from: usize,
}

const WORK_CUES: &str = include_str!("../../data/entities/work_cues.txt");

static KIND_CUES: std::sync::LazyLock<KindCues> = std::sync::LazyLock::new(|| {
    let film: Vec<&str> = list(FILM_CUES).collect();
    let film_count = film.len();
    let mut patterns: Vec<&str> = film.into_iter().chain(list(SHOW_CUES)).collect();
    let work_from = patterns.len();
    patterns.extend(list(WORK_CUES));
    KindCues {
        automaton: AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            .build(patterns)
            .expect("cue lists compile"),
        film_count,
        work_from,
    }
});

static BIOPIC: std::sync::LazyLock<AhoCorasick> = std::sync::LazyLock::new(|| {
    AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build(list(BIOPIC_CUES))
        .expect("cue list compiles")
});

/// (film words, show words) per sentence, whole words only; a word inside one of the
/// `titles` (sorted by start) is part of that title ("A Series of ..."), not a vote.
fn kind_votes_per_sentence(doc: &Document, titles: &[Span]) -> Vec<(u32, u32, u32)> {
    let text = &doc.text;
    let mut votes = vec![(0u32, 0u32, 0u32); doc.sentences.len().max(1)];
    for m in KIND_CUES.automaton.find_iter(text) {
        let k = titles.partition_point(|t| t.start <= m.start());
        if k > 0 && titles[k - 1].end >= m.end() {
            continue;
        }
        let before = text[..m.start()].chars().next_back();
        let after = text[m.end()..].chars().next();
        if before.is_some_and(is_word_char) || after.is_some_and(is_word_char) {
            continue;
        }
        let i = doc
            .sentence_index_at(m.start())
            .unwrap_or(0)
            .min(votes.len() - 1);
        let p = m.pattern().as_usize();
        if p < KIND_CUES.film_count {
            votes[i].0 += 1;
        } else if p < KIND_CUES.work_from {
            votes[i].1 += 1;
        } else {
            votes[i].2 += 1;
        }
    }
    votes
}

/// Votes for one title form: (film, show, other kind, sentences it was seen in).
type FormVotes = (u32, u32, u32, HashSet<Option<usize>>);

/// Document-level kind of every title form: the cues that named a kind ("the film X",
/// a listed show) weigh two votes each, every film or show word in a sentence with a
/// mention one; the larger side wins, a tie keeps the label the title was found with.
fn decide_kinds(doc: &Document, chosen: &mut [Candidate]) {
    let mut titles: Vec<Span> = chosen
        .iter()
        .filter(|c| c.label.is_title())
        .map(|c| c.span)
        .collect();
    titles.sort_by_key(|t| (t.start, t.end));
    // Nested spans: keep, per start, the longest reach so the look-up above stays one
    // binary search.
    let mut reach = 0;
    for t in titles.iter_mut() {
        reach = reach.max(t.end);
        t.end = reach;
    }
    let per_sentence = kind_votes_per_sentence(doc, &titles);
    let mut by_form: HashMap<&str, FormVotes> = HashMap::new();
    for c in chosen.iter().filter(|c| c.label.is_title()) {
        let entry = by_form.entry(doc.span_text(c.span)).or_default();
        if !c.open_kind {
            match c.label {
                EntityLabel::Film => entry.0 += 2,
                EntityLabel::Show => entry.1 += 2,
                _ => entry.2 += 2,
            }
        }
        entry.3.insert(doc.sentence_index_at(c.span.start));
    }
    // The whole article's film and show words settle a title its own sentences leave
    // open ("drama X" in a box-office report), by a clear margin only.
    // Work words (books, stage, music) bar that: a theatre article names no films.
    let (doc_film, doc_show, doc_work) = per_sentence
        .iter()
        .fold((0u32, 0u32, 0u32), |a, v| (a.0 + v.0, a.1 + v.1, a.2 + v.2));
    let mut decided: HashMap<&str, Option<EntityLabel>> = HashMap::new();
    for (form, (film, show, work, sentences)) in &by_form {
        let (mut f, mut s, mut w) = (*film, *show, *work);
        for i in sentences.iter().flatten() {
            if let Some((vf, vs, vw)) = per_sentence.get(*i) {
                f += vf;
                s += vs;
                w += vw;
            }
        }
        let label = if w > f.max(s) {
            Some(EntityLabel::Work)
        } else if f > s {
            Some(EntityLabel::Film)
        } else if s > f {
            Some(EntityLabel::Show)
        } else if w == 0 && doc_film >= 2 * doc_show.max(doc_work) + 2 {
            Some(EntityLabel::Film)
        } else if w == 0 && doc_show >= 2 * doc_film.max(doc_work) + 2 {
            Some(EntityLabel::Show)
        } else {
            None
        };
        decided.insert(form, label);
    }
    let forms: Vec<Option<EntityLabel>> = chosen
        .iter()
        .map(|c| {
            c.label
                .is_title()
                .then(|| decided.get(doc.span_text(c.span)).cloned().flatten())
                .flatten()
        })
        .collect();
    for (c, label) in chosen.iter_mut().zip(forms) {
        if let Some(label) = label {
            c.label = label;
        }
    }
}

const FRANCHISE_NOUNS: &str = include_str!("../../data/entities/franchise_nouns.txt");

static FRANCHISE: std::sync::LazyLock<HashSet<&'static str>> =
    std::sync::LazyLock::new(|| list(FRANCHISE_NOUNS).collect());

/// A character's name used as a title: before a franchise noun ("the third Harry Potter
/// film", "James Bond fans") the name itself, open to the kind vote; before "and the …"
/// the whole title ("Harry Potter and the Prisoner of Azkaban").
fn character_titles(doc: &Document, typed: &[Candidate]) -> Vec<Candidate> {
    let text = &doc.text;
    let mut out = Vec::new();
    for c in typed.iter().filter(|c| c.label == CHARACTER) {
        let next_word: String = text[c.span.end..]
            .strip_prefix(' ')
            .unwrap_or("")
            .chars()
            .take_while(|ch| ch.is_alphabetic())
            .collect::<String>()
            .to_lowercase();
        if FRANCHISE.contains(next_word.as_str()) {
            out.push(Candidate {
                span: c.span,
                label: EntityLabel::Work,
                evidence: Evidence::Franchise,
                open_kind: true,
            });
        } else if let Some(digits) = text[c.span.end..]
            .strip_prefix(' ')
            .map(|r| r.chars().take_while(char::is_ascii_digit).count())
            .filter(|n| (1..=2).contains(n))
        {
            // A sequel: "Spider-Man 2" is a title, not the character and a number.
            out.push(Candidate {
                span: Span::new(c.span.start, c.span.end + 1 + digits),
                label: EntityLabel::Work,
                evidence: Evidence::Franchise,
                open_kind: true,
            });
        } else if let Some(end) = titles::and_title_end(text, c.span.end) {
            out.push(Candidate {
                span: Span::new(c.span.start, end),
                label: EntityLabel::Work,
                evidence: Evidence::Franchise,
                open_kind: true,
            });
        }
    }
    out
}

/// The text with the capitalised common words of title-case lines (headlines) put in
/// lower case, so the model reads "Showrunner Melissa Rosenberg Teases Season 2" as a
/// sentence. A word keeps its capital when the body has it capitalised inside a sentence
/// (a name). Only ASCII letters change, so every byte offset stays the same. `None` when
/// the text has no title-case line.
fn headline_view(doc: &Document) -> Option<String> {
    let text = &doc.text;
    let mut lines: Vec<Span> = Vec::new();
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let end = start + line.len();
        if line.trim().len() > 1
            && in_title_case_line(text, start + (line.len() - line.trim_start().len()))
        {
            lines.push(Span::new(start, end));
        }
        start = end;
    }
    // Without a body to learn the names from (a tweet, a title alone), keep the text.
    let headline_bytes: usize = lines.iter().map(|l| l.len()).sum();
    if lines.is_empty() || text.len() - headline_bytes < 200 {
        return None;
    }
    let in_headline = |pos: usize| {
        let i = lines.partition_point(|l| l.end <= pos);
        i < lines.len() && lines[i].start <= pos
    };
    // Capitalised words inside body sentences (not after a sentence end or line start).
    let mut names: HashSet<&str> = HashSet::new();
    let mut prev_end: Option<char> = None;
    let mut pos = 0;
    for word in text.split_inclusive(char::is_whitespace) {
        let w = word.trim_end();
        let core = w.trim_matches(|c: char| !c.is_alphanumeric());
        let opens_sentence = prev_end
            .is_none_or(|c| matches!(c, '.' | '!' | '?' | '\n' | ':' | '"' | '“'))
            || w.starts_with(['"', '“', '\'', '‘']);
        if !opens_sentence
            && !in_headline(pos)
            && core.chars().next().is_some_and(char::is_uppercase)
        {
            names.insert(core);
        }
        prev_end = if word.ends_with('\n') {
            Some('\n')
        } else {
            w.chars().next_back()
        };
        pos += word.len();
    }
    let mut view = text.as_bytes().to_vec();
    for line in &lines {
        let mut offset = line.start;
        for word in text[line.start..line.end].split_inclusive(char::is_whitespace) {
            let lead = word.len()
                - word
                    .trim_start_matches(|c: char| !c.is_alphanumeric())
                    .len();
            let core_start = offset + lead;
            let core = text[core_start..offset + word.len()]
                .split(|c: char| !(c.is_alphanumeric() || c == '-' || c == '\'' || c == '’'))
                .next()
                .unwrap_or("");
            let core = core.trim_end_matches(['\'', '’']).trim_end_matches("'s");
            let Some(&first) = view.get(core_start) else {
                break;
            };
            let lower_rest = core.chars().skip(1).all(|c| !c.is_uppercase());
            if first.is_ascii_uppercase() && lower_rest && core.len() > 1 && !names.contains(core) {
                view[core_start] = first.to_ascii_lowercase();
            }
            offset += word.len();
        }
    }
    String::from_utf8(view).ok()
}

/// The model's WORK_OF_ART span cut to a title shape: no quote marks or brackets at its
/// edges, ending at a quote mark inside it, and not ending in lower-case words ("The X for
/// the first time" -> "The X"). `None` when nothing capitalised is left.
fn clean_work_of_art(text: &str, span: Span) -> Option<Span> {
    let s = &text[span.start..span.end];
    let lead = s.len()
        - s.trim_start_matches(|c: char| !c.is_alphanumeric() && c != '#')
            .len();
    let mut start = span.start + lead;
    let mut body = &text[start..span.end];
    if let Some(i) = body.find(['"', '“', '”']) {
        body = &body[..i];
    }
    let mut words: Vec<&str> = body.split_whitespace().collect();
    while words.last().is_some_and(|w| {
        !w.chars()
            .next()
            .is_some_and(|c| c.is_uppercase() || c.is_numeric())
    }) {
        words.pop();
    }
    let last = words.last()?;
    let end_in_body = body.rfind(last)? + last.len();
    let trimmed = body[..end_in_body]
        .trim_end_matches(|c: char| !c.is_alphanumeric() && c != '+' && c != '!');
    if trimmed.is_empty() {
        return None;
    }
    let end = start + trimmed.len();
    start = start.min(end);
    Some(Span::new(start, end))
}

/// `span` without leading or trailing whitespace (a span clipped at a line end).
fn trim_span(text: &str, span: Span) -> Span {
    let s = &text[span.start..span.end];
    let start = span.start + (s.len() - s.trim_start().len());
    let end = span.end - (s.len() - s.trim_end().len());
    Span::new(start, end.max(start))
}

impl EntityRecognizer for LayeredNer {
    fn recognize(&self, doc: &Document) -> Vec<Entity> {
        let model: Vec<Entity> = self
            .model
            .as_ref()
            .map(|m| match headline_view(doc) {
                Some(view) => m.entities_prose(&view, &doc.sentences),
                None => m.recognize(doc),
            })
            .unwrap_or_default();
        self.recognize_with_model(doc, model)
    }
}

impl LayeredNer {
    /// The layers over model entities found by another backend (the `bert` feature's);
    /// `self.model` is not consulted.
    pub fn recognize_with_model(&self, doc: &Document, model: Vec<Entity>) -> Vec<Entity> {
        let model: Vec<Candidate> = model
            .into_iter()
            .filter_map(|e| {
                let span = if e.label == EntityLabel::WorkOfArt && self.rules {
                    clean_work_of_art(&doc.text, e.span)?
                } else {
                    e.span
                };
                // A person's name holds no link, handle or table bar: the model's
                // "RT @someone" in noisy text is no person.
                let shape = doc.span_text(span);
                if e.label == EntityLabel::Person
                    && self.rules
                    && (shape.contains(['@', '|']) || shape.contains("http"))
                {
                    return None;
                }
                Some(Candidate {
                    span,
                    label: e.label,
                    evidence: Evidence::Model,
                    open_kind: false,
                })
            })
            .collect();
        let mut typed: Vec<Candidate> = Vec::new();
        if let Some(gazetteer) = &self.gazetteer {
            typed.extend(gazetteer.find(&doc.text).into_iter().map(|m| Candidate {
                span: m.span,
                label: m.label,
                evidence: Evidence::Gazetteer,
                open_kind: false,
            }));
        }
        if self.rules {
            let biopic = BIOPIC.is_match(&doc.text);
            let screen_words = rules::screen_words(&doc.text);
            let screen = screen_words >= 1;
            let sentence_of = |pos: usize| {
                doc.sentence_index_at(pos)
                    .map_or(Span::new(0, doc.text.len()), |i| doc.sentences[i])
            };
            let model_index = SpanIndex::new(&model);
            let mut matches = rules::find(&doc.text, screen);
            matches.extend(titles::find(&doc.text, screen, &sentence_of));
            // Titles the parse marks (none when the pipeline runs without syntax).
            let named = |span: Span| {
                model_index
                    .near(span)
                    .iter()
                    .find(|c| {
                        c.span.overlaps(span)
                            && matches!(
                                c.label,
                                EntityLabel::Person
                                    | EntityLabel::Org
                                    | EntityLabel::Gpe
                                    | EntityLabel::Norp
                            )
                    })
                    .map(|c| c.label.clone())
            };
            let person_at = |span: Span| {
                model_index
                    .any_overlapping(span, |c| c.label == EntityLabel::Person && c.span == span)
            };
            // Titles found so far (lists and cues), for the parse's "X beat A and B".
            let mut known_titles: Vec<(Span, EntityLabel)> = typed
                .iter()
                .filter(|c| c.label.is_title())
                .map(|c| (c.span, c.label.clone()))
                .chain(
                    matches
                        .iter()
                        .filter(|m| m.label.is_title())
                        .map(|m| (m.span, m.label.clone())),
                )
                .collect();
            known_titles.sort_by_key(|(s, _)| (s.start, s.end));
            // By binary search: the few titles starting at or before the span (titles
            // seldom overlap, so a bounded look back finds the one holding it).
            let known = |span: Span| {
                let upto = known_titles.partition_point(|(s, _)| s.start <= span.start);
                known_titles[..upto]
                    .iter()
                    .rev()
                    .take(8)
                    .find(|(s, _)| s.contains(span))
                    .map(|(_, l)| l.clone())
            };
            let parsed = title_syntax::find(doc, screen_words >= 2, &named, &person_at, &known);
            let from_parse = parsed.len();
            matches.extend(parsed);
            let first_parsed = matches.len() - from_parse;
            let model_persons: HashSet<Span> = model
                .iter()
                .filter(|c| c.label == EntityLabel::Person)
                .map(|c| c.span)
                .collect();
            // Surnames of the full names the model gives as people: a role of one such
            // word is the real person ("in which Wilson was played by <actor>" in an article
            // about Tony Wilson).
            let person_surnames: HashSet<&str> = model
                .iter()
                .filter(|c| c.label == EntityLabel::Person)
                .filter_map(|c| {
                    let name = doc.span_text(c.span);
                    let words: Vec<&str> = name.split(' ').collect();
                    (words.len() >= 2 && words.iter().all(|w| is_capitalised_word(w)))
                        .then(|| words[words.len() - 1])
                })
                .collect();
            typed.extend(
                matches
                    .into_iter()
                    .enumerate()
                    .filter(|(k, m)| {
                        // A model name strictly inside a title the parse delimits is a
                        // misreading of it (not a town, a date or a number: "London's West
                        // End", "Happy Mondays") ("Lies" of "Secrets and Lies", "Robin Hood" of
                        // "Robin Hood: Prince of Thieves").
                        let parsed = *k >= first_parsed;
                        let blocked_by = |blocks: &dyn Fn(&EntityLabel) -> bool| {
                            model_index.any_overlapping(m.span, |c| {
                                blocks(&c.label)
                                    && !(parsed
                                        && matches!(
                                            c.label,
                                            EntityLabel::Person
                                                | EntityLabel::Org
                                                | EntityLabel::Norp
                                                | EntityLabel::Loc
                                        )
                                        && m.span.contains(c.span)
                                        && m.span != c.span)
                            })
                        };
                        // A role in a film about real people that the model names a
                        // person is that person ("her role as <a real actress>").
                        let real_person = m.label == CHARACTER
                            && (biopic
                                && doc.span_text(m.span).contains(' ')
                                && model_persons.contains(&m.span)
                                || person_surnames.contains(doc.span_text(m.span)));
                        !real_person
                            && match m.strength {
                                Strength::Strong => true,
                                Strength::Weak => !blocked_by(&|l| NOT_A_TITLE.contains(l)),
                                Strength::Title => !blocked_by(&blocks_open_title),
                                Strength::Weakest => !blocked_by(&|_| true),
                                Strength::Kind => !blocked_by(&|l| {
                                    NOT_A_TITLE.contains(l) && *l != EntityLabel::Fac
                                }),
                                Strength::Apposed => {
                                    !blocked_by(&|l| *l == EntityLabel::Person || is_measure(l))
                                }
                                Strength::Credit => !blocked_by(&|l| {
                                    NOT_A_TITLE.contains(l)
                                        || matches!(l, EntityLabel::Org | EntityLabel::Law)
                                }),
                                Strength::Named => !blocked_by(&|l| {
                                    NOT_A_TITLE.contains(l) || *l == EntityLabel::Person
                                }),
                                Strength::Dated => {
                                    !blocked_by(&is_measure)
                                        && !model_index.any_overlapping(m.span, |c| {
                                            c.label == EntityLabel::Person
                                                && doc.span_text(c.span).contains(' ')
                                        })
                                }
                                Strength::Owned => !blocked_by(&|l| {
                                    blocks_open_title(l)
                                        && !matches!(
                                            l,
                                            EntityLabel::Gpe | EntityLabel::Loc | EntityLabel::Fac
                                        )
                                }),
                            }
                    })
                    .map(|(_, m)| Candidate {
                        span: m.span,
                        label: m.label,
                        evidence: Evidence::Context,
                        open_kind: m.open_kind,
                    }),
            );
            // A listed title found again by a cue that leaves the kind open keeps the
            // list's kind ("EastEnders actress X" stays SHOW).
            let listed: HashMap<Span, EntityLabel> = typed
                .iter()
                .filter(|c| c.evidence == Evidence::Gazetteer && c.label.is_title())
                .map(|c| (c.span, c.label.clone()))
                .collect();
            for c in typed.iter_mut().filter(|c| c.open_kind) {
                if let Some(label) = listed.get(&c.span) {
                    c.label = label.clone();
                    c.open_kind = false;
                }
            }
            let siblings = list_titles(
                doc,
                &typed,
                &model,
                &[Evidence::Context, Evidence::Gazetteer],
            );
            typed.extend(siblings);
            let propagated = propagate(doc, &typed, &model);
            typed.extend(propagated);
            // A list holding another mention of a found title ("Other films included X, Y
            // and Z" after "the film X").
            let siblings = list_titles(doc, &typed, &model, &[Evidence::Consistency]);
            // Their other mentions ("It is up against A, B and C" ... "nominated for B").
            // Open to the kind vote as the list items are.
            let propagated = propagate(doc, &siblings, &model)
                .into_iter()
                .map(|c| Candidate {
                    open_kind: true,
                    ..c
                });
            typed.extend(siblings);
            typed.extend(propagated);
        }
        if self.rules {
            let extra = character_titles(doc, &typed);
            typed.extend(extra);
        }
        let mut candidates = typed;
        candidates.extend(model);
        let mut merged = merge(&doc.text, candidates.clone());
        if self.rules {
            let cast = cast_members(doc, &merged);
            if !cast.is_empty() {
                candidates.extend(cast);
                merged = merge(&doc.text, candidates);
            }
            decide_kinds(doc, &mut merged);
        }
        merged
            .into_iter()
            .filter_map(|c| {
                let span = trim_span(&doc.text, c.span);
                (!span.is_empty()).then(|| Entity {
                    span,
                    source: c.source(),
                    label: c.label,
                })
            })
            .collect()
    }
}
