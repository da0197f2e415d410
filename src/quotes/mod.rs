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

pub(crate) mod attribution;
pub(crate) mod clause;
pub(crate) mod dialogue;
pub(crate) mod direct;
pub(crate) mod lexicon;
pub(crate) mod marks;
pub(crate) mod reported;
pub(crate) mod speakers;
pub(crate) mod syntax_view;
pub(crate) mod transcript;

use attribution::Attribution;
use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::LazyLock;

use lexicon::{entities_are_ordered, is_pronoun};
use speakers::{pronoun_gender, People, PronounResolver};

use crate::segment::unwrap_hard_wraps;

use crate::doc::{AttributionMethod, Document, EntityLabel, Quote, QuoteKind, Span, Speaker};

/// Finds the quotes of a document whose sentences and entities are set.
pub trait QuoteExtractor: Send + Sync {
    /// The quotes of `doc`, in text order, with their speakers where found (byte spans).
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

/// The canonical speaker for a mention: the person's fullest name and role; he/she resolve
/// by gender agreement, a description ("the actress") to the person the text gives that
/// role; I/we/they and anything unresolved keep their own words.
fn speaker_for(
    doc: &Document,
    people: &People,
    resolver: &PronounResolver,
    mention: Span,
    previous: Option<&Speaker>,
    addressed: Option<&str>,
    answers: bool,
) -> Speaker {
    let text = &doc.text;
    let words = mention.slice(text).unwrap_or("").trim();
    let mut role = None;
    let person = if is_pronoun(words) {
        // Only he/she resolve: a narrator's "I" stays "I", and "we"/"they" are groups.
        pronoun_gender(words).and_then(|wanted| {
            // A pronoun right after someone's quote is that speaker again (conversation
            // turn) when the gender agrees; otherwise the nearest agreeing person.
            // "he replied" opening a new paragraph answers the previous speaker: not them.
            let answered = previous.filter(|_| answers).map(|s| s.name.as_str());
            let except = addressed.or(answered);
            let resolved = resolver.resolve_except(people, words, mention.start, except);
            let previous = previous.filter(|s| {
                !answers
                    && s.mention.start < mention.start
                    && mention.start - s.mention.start < 600
                    && addressed.is_none_or(|a| a != s.name)
            });
            let previous_person = previous
                .and_then(|s| people.by_name(&s.name))
                .filter(|p| p.gender.is_none_or(|g| g == wanted));
            // A person named after the previous attribution is nearer than its speaker.
            let named_since = |end: usize| previous.is_some_and(|s| end > s.mention.end);
            let resolved = resolved.map(|(end, p)| (named_since(end), p));
            match (previous_person, resolved) {
                (_, Some((true, res))) => Some(res),
                (Some(prev), Some((_, res)))
                    if prev.gender.is_none() || prev.gender == res.gender =>
                {
                    Some(prev)
                }
                (Some(prev), None) => Some(prev),
                (_, res) => res.map(|(_, p)| p),
            }
        })
    } else if words == "who" {
        // "Ann Lee, who said …": the name before the relative pronoun.
        let before = text[..mention.start]
            .trim_end()
            .trim_end_matches(',')
            .trim_end();
        let i = doc.entities.partition_point(|e| e.span.end <= before.len());
        i.checked_sub(1)
            .map(|i| &doc.entities[i])
            .filter(|e| e.label == EntityLabel::Person && before.len() - e.span.end <= 2)
            .and_then(|e| people.person_at(text, e.span))
    } else if let Some(p) = people.person_at(text, mention) {
        Some(p)
    } else {
        // "the actress added": the nearest person the text gives that role; the
        // description stays as the role.
        let p = people.resolve_description(words, mention.start);
        if p.is_some() {
            role = Some(words.to_string());
        }
        p
    };
    match person {
        Some(p) => Speaker {
            name: p.name.clone(),
            role: p.role.clone().or(role),
            mention,
        },
        None => Speaker {
            name: words.to_string(),
            role: None,
            mention,
        },
    }
}

/// Cue verbs that answer someone ("he replied"): their he/she is not the previous
/// speaker when the quote opens a new paragraph (`data/answer_cues.txt`).
static ANSWER_CUES: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| lexicon::word_list(include_str!("../../data/answer_cues.txt")));

/// Whether `m` lies inside one of `sorted` (text order, disjoint): one binary search.
fn inside_any(sorted: &[Span], m: Span) -> bool {
    let k = sorted.partition_point(|q| q.start <= m.start);
    k > 0 && sorted[k - 1].contains(m)
}

fn hull(parts: &[Span]) -> Span {
    Span::new(
        parts.first().map_or(0, |p| p.start),
        parts.last().map_or(0, |p| p.end),
    )
}

/// The document the quote stage reads: hard wraps undone (same offsets), entities
/// sorted and disjoint, so lookups can be binary searches, and fictional characters read
/// as persons (a character speaks and is spoken of as a person is). Borrowed when
/// nothing changes.
fn working_document(doc: &Document) -> Cow<'_, Document> {
    let unwrapped = unwrap_hard_wraps(&doc.text);
    let ordered = entities_are_ordered(&doc.entities);
    let as_person = |e: &crate::doc::Entity| {
        e.label == EntityLabel::Character
            || e.span
                .slice(&doc.text)
                .is_some_and(|w| speakers::address_form_names_person(&e.label, w))
    };
    let characters = doc.entities.iter().any(as_person);
    if unwrapped.is_none() && ordered && !characters {
        return Cow::Borrowed(doc);
    }
    let mut work = doc.clone();
    if let Some(text) = unwrapped {
        work.text = text;
    }
    for e in &mut work.entities {
        if as_person(e) {
            e.label = EntityLabel::Person;
        }
    }
    if !ordered {
        // Longest first at equal starts, then drop any entity overlapping a kept one.
        work.entities
            .sort_by_key(|e| (e.span.start, std::cmp::Reverse(e.span.end)));
        let mut last_end = 0;
        work.entities.retain(|e| {
            let keep = e.span.start >= last_end && e.span.start < e.span.end;
            if keep {
                last_end = e.span.end;
            }
            keep
        });
    }
    Cow::Owned(work)
}

impl QuoteExtractor for RuleQuotes {
    fn extract(&self, doc: &Document) -> Vec<Quote> {
        let work = working_document(doc);
        let doc: &Document = &work;
        let people = People::from_document(doc);
        let turns = transcript::find(doc, &people);
        let raw: Vec<direct::RawQuote> = direct::find(doc)
            .into_iter()
            .filter(|q| {
                // Turns are in text order and disjoint: one binary search per quote.
                let h = hull(&q.parts);
                let k = turns.partition_point(|t| t.content.end <= h.start);
                turns.get(k).is_none_or(|t| !t.content.overlaps(h))
            })
            .collect();
        let sentence_words = direct::SentenceWords::new(doc);
        let mut quotes: Vec<Quote> = Vec::new();
        let mut covered: Vec<Span> = Vec::new();
        // The last attribution of a direct quote, with the line its quote ends on.
        let mut previous: Option<(Attribution, usize)> = None;
        let mut previous_speaker: Option<Speaker> = None;
        let quoted: Vec<Span> = raw.iter().flat_map(|q| q.parts.iter().copied()).collect();
        let resolver = people.resolver(doc, &quoted);
        for (i, q) in raw.iter().enumerate() {
            let span = hull(&q.parts);
            covered.push(span);
            covered.extend(q.clauses.iter().copied());
            // The parse, when there is one, vets the cue and narrows the mention.
            let own = q.attribution.and_then(|a| syntax_view::checked(doc, a));
            let attribution = own.or_else(|| {
                // A floating quote right after an attributed one (same or next paragraph).
                let follows = previous.filter(|(_, prev_line)| q.first_line <= prev_line + 2);
                // Someone introduced as speaking after the previous quote is the nearer
                // speaker ("“A,” Ann said.⏎⏎Tom disagreed, saying …⏎⏎“B.”").
                let previous_end = i.checked_sub(1).map_or(0, |p| hull(&raw[p].parts).end);
                let introduced = direct::introduced_speaker(doc, &sentence_words, span.start, 2)
                    .filter(|a| a.mention.start >= previous_end);
                introduced
                    .or_else(|| {
                        follows.map(|(a, _)| Attribution {
                            method: AttributionMethod::PreviousQuote,
                            ..a
                        })
                    })
                    .or_else(|| {
                        // A cue inside an earlier quote is reported by its speaker, it
                        // introduces no one ("“…, Mrs. Long says that …”").
                        direct::introduced_speaker(doc, &sentence_words, span.start, 4)
                            .filter(|a| !inside_any(&quoted, a.mention))
                    })
            });
            if let Some(a) = attribution {
                previous = Some((a, q.last_line));
            }
            quotes.push(Quote {
                span,
                parts: q.parts.clone(),
                kind: QuoteKind::Direct,
                speaker: attribution.map(|a| {
                    let addressed = dialogue::addressee(doc, &people, &q.parts);
                    // A quote opening a paragraph after the previous quote's, with an
                    // answering cue ("he replied"): a new turn.
                    let answers = i > 0
                        && dialogue::opens_paragraph(&doc.text, span.start)
                        && doc
                            .text
                            .get(hull(&raw[i - 1].parts).end..span.start)
                            .is_some_and(|gap| gap.contains('\n'))
                        && doc
                            .text
                            .get(a.cue.start..a.cue.end)
                            .is_some_and(|c| ANSWER_CUES.contains(c.to_lowercase().as_str()));
                    let speaker = speaker_for(
                        doc,
                        &people,
                        &resolver,
                        a.mention,
                        previous_speaker.as_ref(),
                        addressed.map(|p| p.name.as_str()),
                        answers,
                    );
                    previous_speaker = Some(speaker.clone());
                    speaker
                }),
                cue: attribution.map(|a| a.cue),
                method: attribution.map_or(AttributionMethod::None, |a| a.method),
                confidence: attribution
                    .map_or(AttributionMethod::None, |a| a.method)
                    .confidence(),
            });
        }
        dialogue::action_beats(doc, &people, &resolver, &raw, &mut quotes);
        dialogue::narration_subjects(doc, &people, &resolver, &raw, &mut quotes);
        dialogue::not_the_addressee(doc, &people, &raw, &mut quotes);
        dialogue::mutual_address(doc, &people, &raw, &mut quotes);
        dialogue::alternate_turns(doc, &people, &raw, &mut quotes);
        dialogue::narration_before(doc, &people, &resolver, &raw, &mut quotes);
        dialogue::not_the_addressee(doc, &people, &raw, &mut quotes);
        dialogue::name_the_unnamed(doc, &people, &raw, &mut quotes);
        for t in &turns {
            covered.push(t.line);
            quotes.push(Quote {
                span: t.content,
                parts: vec![t.content],
                kind: QuoteKind::Direct,
                speaker: Some(t.speaker.clone()),
                cue: Some(t.cue),
                method: AttributionMethod::Transcript,
                confidence: AttributionMethod::Transcript.confidence(),
            });
        }
        if self.reported {
            for (r, kind) in reported::find(doc, &covered) {
                let a = r.attribution;
                quotes.push(Quote {
                    span: r.hull(),
                    parts: r.parts.clone(),
                    kind,
                    speaker: Some(speaker_for(
                        doc, &people, &resolver, a.mention, None, None, false,
                    )),
                    cue: Some(a.cue),
                    method: a.method,
                    confidence: a.method.confidence(),
                });
            }
        }
        quotes.sort_by_key(|q| (q.span.start, q.span.end));
        // Last: it needs the attributions, and reported speech between two quotes keeps them apart.
        direct::join_floating(&doc.text, quotes)
    }
}
