//! Finding the speaker and the cue in the clause next to a quote: "Clinton said",
//! "said Clinton", "the judge exclaimed", "Conway, a senior adviser, said:",
//! "According to Brandt,", "― Name" (dash) and "Name:" (colon).

use super::lexicon::word_list;
use super::lexicon::{
    cue_lexicon, entities_overlapping, is_auxiliary, is_capitalised, is_determiner, is_pronoun,
    is_punct, is_verb_modifier, words, Tense, Word,
};
use std::collections::HashSet;
use std::sync::LazyLock;

use crate::doc::{AttributionMethod, Document, EntityLabel, Span};

/// A speaker mention and the cue it rests on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attribution {
    pub mention: Span,
    pub cue: Span,
    pub method: AttributionMethod,
}

/// Words that end a speaker phrase (`data/clause_stops.txt`).
fn is_clause_stop(word: &str) -> bool {
    static SET: LazyLock<HashSet<&'static str>> =
        LazyLock::new(|| word_list(include_str!("../../data/clause_stops.txt")));
    SET.contains(word)
}
const DASHES: &[&str] = &["―", "—", "–", "-", "--"];

pub(crate) fn lower(w: &str) -> String {
    w.to_lowercase()
}

fn is_entity_word(doc: &Document, w: &Word) -> bool {
    entities_overlapping(doc, w.span).iter().any(|e| {
        matches!(
            e.label,
            EntityLabel::Person | EntityLabel::Org | EntityLabel::Norp | EntityLabel::Gpe
        )
    })
}

/// Whether `ws` look like a speaker noun phrase: a pronoun, a name, or a determiner + noun.
fn plausible_speaker(doc: &Document, ws: &[Word]) -> bool {
    let text = &doc.text;
    let Some(first) = ws.first() else {
        return false;
    };
    let first_text = first.text(text);
    if ws.len() == 1 && is_pronoun(first_text) {
        return true;
    }
    ws.iter().any(|w| is_entity_word(doc, w))
        || ws.iter().any(|w| is_capitalised(w.text(text)))
        || (is_determiner(first_text) && ws.len() >= 2)
        || is_group_speaker(&lower(first_text))
}

/// Plural nouns that speak as a group (`data/group_speakers.txt`).
fn is_group_speaker(word: &str) -> bool {
    static SET: LazyLock<HashSet<&'static str>> =
        LazyLock::new(|| word_list(include_str!("../../data/group_speakers.txt")));
    SET.contains(word)
}

fn hull(ws: &[Word]) -> Span {
    Span::new(ws[0].span.start, ws[ws.len() - 1].span.end)
}

/// The subject noun phrase ending right before word `k` (the cue verb), skipping
/// adverbs and auxiliaries and an appositive between commas.
pub fn subject_before(doc: &Document, ws: &[Word], k: usize) -> Option<Span> {
    subject_phrase(doc, ws, k).map(|(mention, _)| mention)
}

/// Like [`subject_before`], also giving the index of the phrase's first word (before any
/// trimming to the name), so callers can tell whether it starts a clause.
pub fn subject_phrase(doc: &Document, ws: &[Word], k: usize) -> Option<(Span, usize)> {
    let text = &doc.text;
    let mut j = k;
    while j > 0 && is_verb_modifier(ws[j - 1].text(text)) {
        j -= 1;
    }
    if j == 0 {
        return None;
    }
    // "Sen. Chuck Schumer (D-N.Y.) said": skip back over a parenthesis.
    if ws[j - 1].text(text) == ")" {
        if let Some(open) = (j.saturating_sub(10)..j - 1)
            .rev()
            .find(|&i| ws[i].text(text) == "(")
        {
            j = open;
            if j == 0 {
                return None;
            }
        }
    }
    // "Conway, a senior adviser, said": skip back over the appositive.
    if ws[j - 1].text(text) == "," {
        let comma = (j.saturating_sub(30)..j - 1)
            .rev()
            .find(|&i| ws[i].text(text) == ",")?;
        j = comma;
    }
    let end = j;
    let mut start = end;
    while start > 0 && end - start < 9 {
        let w = ws[start - 1].text(text);
        let stop = (is_punct(w) && !matches!(w, "'" | "’" | "&"))
            || (is_clause_stop(&lower(w)) && !is_entity_word(doc, &ws[start - 1]));
        if stop {
            break;
        }
        start -= 1;
    }
    if start == end {
        return None;
    }
    let np = &ws[start..end];
    if !plausible_speaker(doc, np) {
        return None;
    }
    // A phrase with a person's name in it: the name and the role words right before it
    // ("'Jessica Jones' showrunner Melissa Rosenberg" -> "showrunner Melissa Rosenberg").
    let is_person = |w: &Word| {
        entities_overlapping(doc, w.span)
            .iter()
            .any(|e| e.label == EntityLabel::Person)
    };
    if let Some(i) = np.iter().position(is_person) {
        let other_entity = |w: &Word| {
            entities_overlapping(doc, w.span)
                .iter()
                .any(|e| e.label != EntityLabel::Person)
        };
        let mut s = i;
        while s > 0 && i - s < 3 && !is_punct(np[s - 1].text(text)) && !other_entity(&np[s - 1]) {
            s -= 1;
        }
        return Some((
            Span::new(np[s].span.start, np[np.len() - 1].span.end),
            start,
        ));
    }
    Some((hull(np), start))
}

/// The noun phrase right after word `k` ("said the former secretary of state on Monday"),
/// for inverted attributions: it must end the clause (punctuation, the end, or a time or
/// place phrase), so "said she could not …" is not a speaker.
pub fn object_after(doc: &Document, ws: &[Word], k: usize) -> Option<Span> {
    let text = &doc.text;
    let start = k + 1;
    let mut end = start;
    while end < ws.len() && end - start < 10 {
        let w = ws[end].text(text);
        let stop = (is_punct(w) && !matches!(w, "'" | "’" | "&"))
            || (is_clause_stop(&lower(w)) && !is_entity_word(doc, &ws[end]));
        if stop {
            break;
        }
        end += 1;
    }
    if end == start {
        return None;
    }
    let np = &ws[start..end];
    let first = np[0].text(text);
    if is_pronoun(first) && np.len() > 1 {
        return None;
    }
    let names_person = np.iter().any(|w| {
        entities_overlapping(doc, w.span)
            .iter()
            .any(|e| e.label == EntityLabel::Person)
    });
    // "said retired neurosurgeon Ben Carson": a lower-case role before a name.
    let first_ok =
        is_pronoun(first) || is_capitalised(first) || is_determiner(first) || names_person;
    // Inside the phrase, lower-case words are roles and modifiers, not verbs: no word of
    // the phrase may be a cue verb or a common auxiliary.
    let verb_inside = np.iter().skip(1).any(|w| {
        let t = lower(w.text(text));
        cue_lexicon()
            .get(&t)
            .is_some_and(|c| c.tense == Tense::Past && t.ends_with("ed"))
            || is_auxiliary(&t)
    });
    let mut span = hull(np);
    // "said I." : the tokenizer keeps a sentence's full stop on a one-letter word (it
    // could be an initial); a pronoun speaker ends before it.
    if np.len() == 1 {
        let t = np[0].text(text);
        if t.len() > 1 && t.ends_with('.') && is_pronoun(&t[..t.len() - 1]) {
            span.end -= 1;
        }
    }
    (first_ok && !verb_inside && plausible_speaker(doc, np)).then_some(span)
}

/// Words after which a verb form is a noun (`data/noun_markers.txt`).
fn is_noun_marker(word: &str) -> bool {
    static SET: LazyLock<HashSet<&'static str>> =
        LazyLock::new(|| word_list(include_str!("../../data/noun_markers.txt")));
    SET.contains(word)
}

/// Whether word `i` is a cue verb: in the lexicon, lower case, and not a noun after a
/// determiner ("the report said": "report" is a noun here, "said" the verb).
pub fn is_cue_at(doc: &Document, ws: &[Word], i: usize) -> bool {
    let text = &doc.text;
    let w = ws[i].text(text);
    let after_determiner = i > 0 && is_noun_marker(&lower(ws[i - 1].text(text)));
    cue_lexicon().get(w).is_some() && !is_capitalised(w) && !after_determiner
}

/// The cue verb among the first words of a clause, if any: its index.
fn first_cue(doc: &Document, ws: &[Word], within: usize) -> Option<usize> {
    (0..ws.len().min(within)).find(|&i| is_cue_at(doc, ws, i))
}

/// The attribution in the clause after a quote (`clause` starts right after its closing
/// mark): "Clinton said", "said Clinton", "― Clinton", "according to Clinton".
pub fn after_quote(doc: &Document, clause: Span) -> Option<Attribution> {
    let ws = words(&doc.text, clause);
    after_words(doc, &ws).or_else(|| speech_verb_by_position(doc, clause, &ws))
}

/// A verb outside the lexicon is a speech verb by its position right after a quote that
/// ends in `,` `!` `?` or a dash: `“…,” she VERB` / `“…,” Ann VERB` / `“…,” VERB the man`
/// (“…,” glowed Carol; “…!” cried the man; “…,” he went on).
fn speech_verb_by_position(doc: &Document, clause: Span, ws: &[Word]) -> Option<Attribution> {
    let text = &doc.text;
    let before = text[..clause.start].trim_end_matches(['"', '”', '’', '\'', '»', ' ']);
    if !before.ends_with([',', '!', '?', '—', '–', '-']) {
        return None;
    }
    let is_verb_like = |w: &Word| {
        let t = w.text(text);
        t.chars().all(char::is_alphabetic)
            && t.chars().next().is_some_and(char::is_lowercase)
            && !is_determiner(t)
            && !is_clause_stop(t)
            && !is_pronoun(t)
            && !is_verb_modifier(t)
            && !is_auxiliary(t)
    };
    let ends_clause = |i: usize| ws.get(i).is_none_or(|w| is_punct(w.text(text)));
    let (first, second) = (ws.first()?, ws.get(1)?);
    let first_text = first.text(text);
    let subject_is_name = is_capitalised(first_text)
        && entities_overlapping(doc, first.span)
            .iter()
            .any(|e| e.label == EntityLabel::Person);
    if (is_pronoun(first_text) && first_text != "it" && first_text != "It") || subject_is_name {
        // "she cried", "Carol glowed", "he went on"; the subject may be a full name.
        let name_end = if subject_is_name {
            entities_overlapping(doc, first.span)[0].span.end
        } else {
            first.span.end
        };
        let k = ws.iter().position(|w| w.span.start >= name_end)?;
        let verb = ws.get(k)?;
        let particle = ws
            .get(k + 1)
            .is_some_and(|w| matches!(w.text(text), "on" | "in" | "out" | "up" | "back"));
        let next = if particle { k + 2 } else { k + 1 };
        if is_verb_like(verb)
            && (ends_clause(next)
                || ws[next].text(text) == ","
                || is_verb_modifier(ws[next].text(text)))
        {
            return Some(Attribution {
                mention: Span::new(first.span.start, name_end),
                cue: verb.span,
                method: AttributionMethod::CueAfter,
            });
        }
    }
    if is_verb_like(first) {
        // "glowed Carol", "cried the man".
        let second_text = second.text(text);
        if is_capitalised(second_text) || is_determiner(second_text) {
            let mention = object_after(doc, ws, 0)?;
            return Some(Attribution {
                mention,
                cue: first.span,
                method: AttributionMethod::CueAfter,
            });
        }
    }
    None
}

/// [`after_quote`] on the words of the clause (so a caller that has tokenized a sentence
/// once can try every position in it without re-tokenizing). Looks at a bounded number of
/// words.
pub fn after_words(doc: &Document, ws: &[Word]) -> Option<Attribution> {
    let text = &doc.text;
    let ws = &ws[..ws.len().min(64)];
    let first = ws.first()?;
    let first_text = first.text(text);
    if DASHES.contains(&first_text) {
        let mention = object_after(doc, ws, 0)?;
        return Some(Attribution {
            mention,
            cue: first.span,
            method: AttributionMethod::Dash,
        });
    }
    if lower(first_text) == "according" && ws.get(1).is_some_and(|w| w.text(text) == "to") {
        let mention = object_after(doc, ws, 1)?;
        return Some(Attribution {
            mention,
            cue: Span::new(first.span.start, ws[1].span.end),
            method: AttributionMethod::AccordingTo,
        });
    }
    // An appositive may stand between the name and the verb ("Scott Pruitt, the
    // Republican attorney general of Oklahoma, said").
    let k = first_cue(doc, ws, 10).or_else(|| {
        let has_comma = ws.iter().take(4).any(|w| w.text(text) == ",");
        has_comma.then(|| first_cue(doc, ws, 24)).flatten()
    })?;
    // Nothing but a name, an appositive or adverbs may come before the verb (a period
    // inside a parenthesis, as in "(D-Ore.)", is an abbreviation's).
    let mut depth = 0usize;
    for w in &ws[..k] {
        match w.text(text) {
            "(" => depth += 1,
            ")" => depth = depth.saturating_sub(1),
            "." if depth > 0 => {}
            "." | "!" | "?" | ";" | ":" | "“" | "”" | "\"" => return None,
            _ => {}
        }
    }
    let mention = if k == 0 {
        object_after(doc, ws, 0)?
    } else {
        match subject_before(doc, ws, k) {
            Some(m) => m,
            // "“…,” said Clinton" with an adverb first: "“…,” then said Clinton".
            None if ws[..k].iter().all(|w| is_verb_modifier(w.text(text))) => {
                object_after(doc, ws, k)?
            }
            // "“…,” Nate Silver, the polling guru who founded …, tweeted": the name that
            // opens the clause.
            None => entities_overlapping(doc, ws[0].span)
                .iter()
                .find(|e| e.label == EntityLabel::Person && e.span.start == ws[0].span.start)
                .map(|e| e.span)?,
        }
    };
    Some(Attribution {
        mention,
        cue: ws[k].span,
        method: AttributionMethod::CueAfter,
    })
}

/// The subject at the start of a clause (for ", saying …"): a pronoun first, or the
/// first name or organisation among its first words.
pub fn sentence_subject(doc: &Document, ws: &[Word]) -> Option<Span> {
    let text = &doc.text;
    let first = ws.first()?;
    if is_pronoun(first.text(text)) {
        return Some(first.span);
    }
    // Skip an opening phrase ("During a speech earlier in the day, Trump …").
    let from = ws
        .iter()
        .take(14)
        .position(|w| w.text(text) == ",")
        .map_or(0, |i| i + 1);
    let rest = &ws[from.min(ws.len())..];
    if let Some(w) = rest.first().filter(|w| is_pronoun(w.text(text))) {
        return Some(w.span);
    }
    let first8 = &rest[..rest.len().min(8)];
    let (first, last) = (first8.first()?, first8.last()?);
    entities_overlapping(doc, Span::new(first.span.start, last.span.end))
        .iter()
        .filter(|e| {
            matches!(
                e.label,
                EntityLabel::Person | EntityLabel::Org | EntityLabel::Norp
            )
        })
        .find(|e| first8.iter().any(|w| w.span.overlaps(e.span)))
        .map(|e| e.span)
}

/// The attribution in the clause before a quote (`clause` ends right before its opening
/// mark): "Clinton said:", "Clinton told reporters,", "According to Brandt,", "Clinton:".
pub fn before_quote(doc: &Document, clause: Span) -> Option<Attribution> {
    let text = &doc.text;
    let ws = words(text, clause);
    let last = ws.last()?;
    let last_text = last.text(text);
    let ends_open = matches!(last_text, ":" | ",") || DASHES.contains(&last_text);
    let lexicon = cue_lexicon();
    let ends_with_verb = lexicon.get(last_text).is_some();
    if !ends_open && !ends_with_verb {
        return None;
    }
    if ws.len() >= 3 && lower(ws[0].text(text)) == "according" && ws[1].text(text) == "to" {
        if let Some(mention) = object_after(doc, &ws, 1) {
            return Some(Attribution {
                mention,
                cue: Span::new(ws[0].span.start, ws[1].span.end),
                method: AttributionMethod::AccordingTo,
            });
        }
    }
    // The last cue verb of the clause, near its end.
    let from = ws.len().saturating_sub(14);
    if let Some(k) = (from..ws.len()).rev().find(|&i| is_cue_at(doc, &ws, i)) {
        let participle = k > 0
            && matches!(
                lower(ws[k - 1].text(text)).as_str(),
                "," | "by" | "before" | "after" | "while" | "when"
            )
            && ws[k].text(text).ends_with("ing");
        let mention = if participle {
            // "Trump attacked Clinton, saying, “…”": the sentence's subject.
            sentence_subject(doc, &ws[..k])
        } else {
            subject_before(doc, &ws, k)
                .or_else(|| object_after(doc, &ws, k))
                .or_else(|| {
                    // "Boreing said …, but said, “…”": the subject of the first verb.
                    let coordinated = k > 0
                        && matches!(lower(ws[k - 1].text(text)).as_str(), "but" | "and" | "then");
                    coordinated
                        .then(|| sentence_subject(doc, &ws[..k]))
                        .flatten()
                })
        };
        if let Some(mention) = mention {
            return Some(Attribution {
                mention,
                cue: ws[k].span,
                method: AttributionMethod::CueBefore,
            });
        }
    }
    if last_text == ":" {
        // "Trump on Twitter:", "the Illinois Board of Elections was conclusive:": the
        // nearest person (or else organisation) before the colon.
        let entity = entities_overlapping(doc, clause)
            .iter()
            .filter(|e| {
                (e.label == EntityLabel::Person || e.label == EntityLabel::Org)
                    && clause.contains(e.span)
            })
            .max_by_key(|e| (e.label == EntityLabel::Person, e.span.end))?;
        return Some(Attribution {
            mention: entity.span,
            cue: last.span,
            method: AttributionMethod::Colon,
        });
    }
    None
}
