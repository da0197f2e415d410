//! Quotes and who said them: direct quotes (quote marks), reported speech, and an
//! attribution sieve whose step is recorded in each quote's `method`.
//!
//! Sieve, in order, for a direct quote: the clause inside a split quote (`split`), the
//! clause after it (`cue-after`, `dash`, `according-to`), the clause before it
//! (`cue-before`, `colon`, `according-to`); for a floating quote, someone the preceding
//! sentences introduce as speaking since the previous quote (`paragraph-speaker`), else the
//! speaker of the previous quote (`previous-quote`). Reported speech is found by its own
//! patterns (`reported-cue`, `reported-after`, `according-to`). The speaker's canonical
//! name and role come from the article's people; pronouns resolve to the nearest
//! compatible person.

pub mod attribution;
pub mod direct;
pub mod lexicon;
pub mod marks;
pub mod reported;
pub mod speakers;

use attribution::Attribution;
use lexicon::is_pronoun;
use speakers::People;

use crate::doc::{Document, EntityLabel, Quote, QuoteKind, Span, Speaker};

/// Finds the quotes of a document whose sentences and entities are set.
pub trait QuoteExtractor: Send + Sync {
    fn extract(&self, doc: &Document) -> Vec<Quote>;
}

/// The rule-based extractor: direct quotes, then reported speech.
#[derive(Debug, Clone)]
pub struct RuleQuotes {
    /// Also extract reported speech (indirect and mixed).
    pub reported: bool,
}

impl Default for RuleQuotes {
    fn default() -> Self {
        RuleQuotes { reported: true }
    }
}

fn confidence(method: &str) -> f32 {
    match method {
        "split" | "cue-after" | "dash" => 0.95,
        "cue-before" | "according-to" => 0.9,
        "colon" => 0.8,
        "reported-cue" | "reported-after" => 0.75,
        "reported-participle" => 0.65,
        "previous-quote" => 0.7,
        "paragraph-speaker" => 0.6,
        _ => 0.3,
    }
}

/// The canonical speaker for a mention: the person's fullest name and role; a pronoun
/// resolves to the nearest compatible person; anything else keeps its own words.
fn speaker_for(
    doc: &Document,
    people: &People,
    mention: Span,
    quoted: &[Span],
    previous: Option<&Speaker>,
) -> Speaker {
    let text = &doc.text;
    let words = mention.slice(text).unwrap_or("").trim();
    let person = if is_pronoun(words) {
        // A pronoun right after someone's quote is that speaker again (conversation turn),
        // when the gender agrees; otherwise the nearest compatible person.
        let resolved = people.resolve_pronoun(words, mention.start, quoted);
        let previous_person = previous
            .filter(|s| s.mention.start < mention.start && mention.start - s.mention.start < 600)
            .and_then(|s| people.persons.iter().find(|p| p.name == s.name));
        match (previous_person, resolved) {
            (Some(prev), Some(res)) if prev.gender.is_none() || prev.gender == res.gender => {
                Some(prev)
            }
            (Some(prev), None) => Some(prev),
            (_, res) => res,
        }
    } else if words == "who" {
        // "Ann Lee, who said …": the name before the relative pronoun.
        let before = text[..mention.start]
            .trim_end()
            .trim_end_matches(',')
            .trim_end();
        doc.entities
            .iter()
            .filter(|e| e.label == EntityLabel::Person && e.span.end <= before.len())
            .max_by_key(|e| e.span.end)
            .filter(|e| before.len() - e.span.end <= 2)
            .and_then(|e| people.person_at(text, e.span))
    } else {
        people.person_at(text, mention)
    };
    match person {
        Some(p) => Speaker {
            name: p.name.clone(),
            role: p.role.clone(),
            mention,
        },
        None => Speaker {
            name: words.to_string(),
            role: None,
            mention,
        },
    }
}

fn hull(parts: &[Span]) -> Span {
    Span::new(
        parts.first().map_or(0, |p| p.start),
        parts.last().map_or(0, |p| p.end),
    )
}

impl QuoteExtractor for RuleQuotes {
    fn extract(&self, doc: &Document) -> Vec<Quote> {
        let people = People::from_document(doc);
        let raw = direct::find(doc);
        let mut quotes: Vec<Quote> = Vec::new();
        let mut covered: Vec<Span> = Vec::new();
        // The last attribution of a direct quote, with the line its quote ends on.
        let mut previous: Option<(Attribution, usize)> = None;
        let mut previous_speaker: Option<Speaker> = None;
        let quoted: Vec<Span> = raw.iter().flat_map(|q| q.parts.iter().copied()).collect();
        for (i, q) in raw.iter().enumerate() {
            let span = hull(&q.parts);
            covered.push(span);
            covered.extend(q.clauses.iter().copied());
            let attribution = q.attribution.or_else(|| {
                // A floating quote right after an attributed one (same or next paragraph).
                let follows = previous.filter(|(_, prev_line)| q.first_line <= prev_line + 2);
                // Someone introduced as speaking after the previous quote is the nearer
                // speaker ("“A,” Ann said.⏎⏎Tom disagreed, saying …⏎⏎“B.”").
                let previous_end = i.checked_sub(1).map_or(0, |p| hull(&raw[p].parts).end);
                let introduced = direct::introduced_speaker(doc, span.start, 2)
                    .filter(|a| a.mention.start >= previous_end);
                introduced
                    .or_else(|| {
                        follows.map(|(a, _)| Attribution {
                            method: "previous-quote",
                            ..a
                        })
                    })
                    .or_else(|| direct::introduced_speaker(doc, span.start, 4))
            });
            if let Some(a) = attribution {
                previous = Some((a, q.last_line));
            }
            quotes.push(Quote {
                span,
                parts: q.parts.clone(),
                kind: QuoteKind::Direct,
                speaker: attribution.map(|a| {
                    let speaker =
                        speaker_for(doc, &people, a.mention, &quoted, previous_speaker.as_ref());
                    previous_speaker = Some(speaker.clone());
                    speaker
                }),
                cue: attribution.map(|a| a.cue),
                method: attribution.map_or("none", |a| a.method),
                confidence: attribution.map_or(0.3, |a| confidence(a.method)),
            });
        }
        if self.reported {
            for (r, kind) in reported::find(doc, &covered) {
                let a = r.attribution;
                quotes.push(Quote {
                    span: r.hull(),
                    parts: r.parts.clone(),
                    kind,
                    speaker: Some(speaker_for(doc, &people, a.mention, &quoted, None)),
                    cue: Some(a.cue),
                    method: a.method,
                    confidence: confidence(a.method),
                });
            }
        }
        quotes.sort_by_key(|q| (q.span.start, q.span.end));
        quotes
    }
}
