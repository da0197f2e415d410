//! Dialogue turns: a run of quote paragraphs with no cue of their own alternates between
//! the two people of the exchange (A, B, A, B …), anchored by the last two attributed
//! quotes (method `dialogue-turn`).

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use super::direct::{Lines, RawQuote};
use super::lexicon::{is_pronoun, word_list};
use super::speakers::{is_honorific, pronoun_gender, Gender, People, Person, PronounResolver};
use super::syntax_view::{is_subject_at, subject_of_verb};
use crate::doc::{AttributionMethod, Document, Quote, Span, Speaker};

/// Cue words that continue the previous speaker's turn ("he added", "she went on").
static CONTINUATION_CUES: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| word_list(include_str!("../../data/continuation_cues.txt")));

/// How far back (bytes) the other side of an exchange may have spoken.
const EXCHANGE_REACH: usize = 4000;
/// How far back (bytes) a person mentioned in the narration is still present.
const PRESENCE_REACH: usize = 1500;

/// Whether the quote starting at `to` opens the paragraph right after the one the quote
/// ending at `from` is in: the rest of that paragraph, one paragraph break (a newline and
/// at most two blank lines), nothing else. Reads only the gap between the two quotes.
fn next_paragraph(text: &str, from: usize, to: usize) -> bool {
    let Some(between) = text.get(from..to) else {
        return false;
    };
    match between.find('\n') {
        Some(nl) => {
            let rest = &between[nl..];
            rest.trim().is_empty() && rest.matches('\n').count() <= 3
        }
        None => false,
    }
}

/// Whether the quote opens its paragraph (nothing before it on its line).
pub(crate) fn opens_paragraph(text: &str, start: usize) -> bool {
    text[..start]
        .chars()
        .rev()
        .take_while(|&c| c != '\n')
        .all(char::is_whitespace)
}

/// The person a quote addresses by name ("You, too, Florence?", "Don't, Jo."): a known
/// person's mention inside the quote set off by a comma before it or after it.
pub(crate) fn addressee<'p>(
    doc: &Document,
    people: &'p People,
    parts: &[Span],
) -> Option<&'p Person> {
    let text = &doc.text;
    for part in parts {
        for (m, p) in people.mentions_in(*part) {
            let before = text[part.start..m.start].trim_end();
            let after = text[m.end..part.end].trim_start();
            let set_off = before.ends_with(',')
                || before.ends_with(['“', '"', '‘', '\''])
                || before.is_empty();
            let closes = after.starts_with([',', '.', '!', '?', ';', '—']);
            // ", Maintz, and Koln" is a list, not someone addressed.
            let listed = after.starts_with(',')
                && after[1..].split_whitespace().next().is_some_and(|w| {
                    matches!(w, "and" | "or" | "nor") || w.starts_with(char::is_uppercase)
                });
            if listed {
                continue;
            }
            let alone = before.is_empty() || before.ends_with(['“', '"', '‘', '\'']);
            // A name alone is a call ("Tom!", "Jo?"), but "Bingley." answers a question.
            let rest = after.trim_end_matches(['”', '"', '’', '\'']);
            let only_name = alone && rest.len() <= 1 && rest != ".";
            if only_name || set_off && closes && (before.ends_with(',') || after.starts_with(',')) {
                return Some(p);
            }
        }
    }
    None
}

/// A quote paragraph with no speaker right after a narration paragraph that opens with a
/// person's name ("Ogden made further researches in the candy box.⏎⏎“Have some?”"): the
/// person the narration is about speaks next (method `paragraph-speaker`).
pub fn narration_subjects(
    doc: &Document,
    people: &People,
    resolver: &PronounResolver,
    raw: &[RawQuote],
    quotes: &mut [Quote],
) {
    let text = &doc.text;
    let lines = Lines::new(text);
    for i in 0..raw.len().min(quotes.len()) {
        let Some(start) = raw[i].parts.first().map(|p| p.start) else {
            continue;
        };
        if quotes[i].method != AttributionMethod::None || !opens_paragraph(text, start) {
            continue;
        }
        // The previous non-blank line, which must hold no quote.
        let (line_start, _) = lines.bounds(start);
        let before = text[..line_start].trim_end();
        if before.is_empty() {
            continue;
        }
        let (para_start, _) = lines.bounds(before.len() - 1);
        let previous_end = i
            .checked_sub(1)
            .and_then(|j| raw[j].parts.last())
            .map_or(0, |p| p.end);
        if previous_end > para_start {
            continue;
        }
        // The subject that opens the paragraph: a name (after an honorific), a description
        // ("The old lady pulled …"), or he/she resolved by agreement.
        let Some(pos) = text[para_start..before.len()]
            .find(|c: char| !c.is_whitespace())
            .map(|k| para_start + k)
        else {
            continue;
        };
        // First the subject of the paragraph's last sentence, who acts right before the
        // quote ("She shook her head. The doctor bent down.⏎⏎“Let me …”"), else that
        // opening subject.
        let last = || {
            let si = doc.sentence_index_at(before.len() - 1)?;
            let sentence = doc.sentences[si];
            (sentence.start >= para_start)
                .then(|| root_subject(doc, people, resolver, sentence))
                .flatten()
        };
        // A hearer is no speaker: after "He heard …" only the one heard speaks.
        let heard_last = doc
            .sentence_index_at(before.len() - 1)
            .is_some_and(|si| hears(doc, doc.sentences[si]));
        let found = last().or_else(|| {
            (!heard_last)
                .then(|| subject_person(doc, people, resolver, pos, before.len()))
                .flatten()
        });
        let Some((m, p)) = found else {
            continue;
        };
        let q = &mut quotes[i];
        q.speaker = Some(Speaker {
            name: p.name.clone(),
            role: p.role.clone(),
            mention: m,
        });
        q.method = AttributionMethod::ParagraphSpeaker;
        q.confidence = AttributionMethod::ParagraphSpeaker.confidence();
    }
}

/// Attributes `q` to `p` (mentioned at `mention`) found in the narration around it.
fn give_paragraph_speaker(q: &mut Quote, p: &Person, mention: Span) {
    q.speaker = Some(speaker_of(p, mention));
    q.cue = None;
    q.method = AttributionMethod::ParagraphSpeaker;
    q.confidence = AttributionMethod::ParagraphSpeaker.confidence();
}

fn speaker_of(p: &Person, mention: Span) -> Speaker {
    Speaker {
        name: p.name.clone(),
        role: p.role.clone(),
        mention,
    }
}

/// Whether a quote is attributed by its own clauses (not by a fallback).
fn is_explicit(method: AttributionMethod) -> bool {
    !matches!(
        method,
        AttributionMethod::None
            | AttributionMethod::PreviousQuote
            | AttributionMethod::DialogueTurn
            | AttributionMethod::ParagraphSpeaker
    )
}

fn is_floating(method: AttributionMethod) -> bool {
    matches!(
        method,
        AttributionMethod::None | AttributionMethod::PreviousQuote
    )
}

/// The gender of a speaker: their person's, "I" has none that a he/she could take.
fn speaker_gender(people: &People, s: &Speaker) -> Option<Gender> {
    people.by_name(&s.name).and_then(|p| p.gender)
}

/// The person a subject word at `pos` names: a person mention starting there (not a
/// possessive), or he/she resolved by agreement. The parse, when there is one, must make
/// it the subject of its clause.
fn subject_person<'p>(
    doc: &Document,
    people: &'p People,
    resolver: &PronounResolver,
    pos: usize,
    end: usize,
) -> Option<(Span, &'p Person)> {
    let text = &doc.text;
    if is_subject_at(doc, pos) == Some(false) {
        return None;
    }
    // "Mr. Pett was sniffing": the name after an honorific.
    let lead = text[pos..end]
        .split_whitespace()
        .next()
        .filter(|w| is_honorific(w))
        .map_or(pos, |w| {
            let after = pos + w.len();
            after + (text[after..end].len() - text[after..end].trim_start().len())
        });
    if let Some((m, p)) = people
        .mentions_in(Span::new(pos, end))
        .next()
        .filter(|(m, _)| m.start == pos || m.start == lead)
    {
        let possessive = text[m.end..].starts_with(['\'', '’']);
        return (!possessive).then_some((m, p));
    }
    let word_end = text[pos..end]
        .find(|c: char| !c.is_alphabetic())
        .map_or(end, |i| pos + i);
    let word = &text[pos..word_end];
    if !matches!(word, "He" | "She" | "he" | "she") {
        return None;
    }
    resolver
        .resolve(people, word, pos)
        .map(|p| (Span::new(pos, word_end), p))
}

/// The person who is the subject of a sentence's main verb, per the parse: a person
/// mention in the subject ("The old lady pulled …"), or he/she resolved by agreement.
/// `None` without a parse. Reads the sentence's tokens once.
fn root_subject<'p>(
    doc: &Document,
    people: &'p People,
    resolver: &PronounResolver,
    sentence: Span,
) -> Option<(Span, &'p Person)> {
    if doc.syntax.len() != doc.tokens.len() {
        return None;
    }
    let range = doc.tokens_in(sentence);
    // Sentences of hundreds of tokens are no narration beat: a bounded scan.
    let root = range
        .clone()
        .take(80)
        .find(|&t| doc.syntax[t].head == t && doc.syntax[t].dep == "ROOT")?;
    let text = &doc.text;
    // The last main clause with a subject acts right before what follows ("We waited;
    // but that evening he spoke": he): the root or a clause conjoined to it.
    let (verb, subject) = range
        .clone()
        .take(80)
        .filter(|&t| t == root || doc.syntax[t].head == root && doc.syntax[t].dep == "conj")
        .filter_map(|t| subject_of_verb(doc, doc.tokens[t].start).map(|s| (t, s)))
        .next_back()?;
    if HEARING_VERBS.contains(doc.syntax[verb].lemma.as_str()) {
        return heard(doc, people, resolver, range, verb);
    }
    if let Some((m, p)) = people.mentions_in(subject).next() {
        let possessive = text[m.end..].starts_with(['\'', '’']);
        return (!possessive).then_some((m, p));
    }
    let word = text.get(subject.start..subject.end)?;
    if !matches!(word, "He" | "She" | "he" | "she") {
        return None;
    }
    resolver
        .resolve(people, word, subject.start)
        .map(|p| (subject, p))
}

/// Verbs of hearing (`data/hearing_verbs.txt`): their subject is the hearer.
static HEARING_VERBS: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| word_list(include_str!("../../data/hearing_verbs.txt")));

/// Whether the sentence's main verb is a verb of hearing (its subject hears, not speaks).
fn hears(doc: &Document, sentence: Span) -> bool {
    if doc.syntax.len() != doc.tokens.len() {
        return false;
    }
    doc.tokens_in(sentence)
        .take(80)
        .find(|&t| doc.syntax[t].head == t && doc.syntax[t].dep == "ROOT")
        .is_some_and(|t| HEARING_VERBS.contains(doc.syntax[t].lemma.as_str()))
}

/// The person heard by the subject of the verb of hearing `root`: the subject of the
/// verb heard ("heard her speak"), the owner of the voice ("heard Ann's voice"), or the
/// person heard ("heard Ann"). A person mention or he/she resolved by agreement.
fn heard<'p>(
    doc: &Document,
    people: &'p People,
    resolver: &PronounResolver,
    range: std::ops::Range<usize>,
    root: usize,
) -> Option<(Span, &'p Person)> {
    let text = &doc.text;
    let tokens: Vec<usize> = range.take(80).collect();
    let child = |head: usize, deps: &[&str]| {
        tokens.iter().copied().find(|&t| {
            t != head && doc.syntax[t].head == head && deps.contains(&doc.syntax[t].dep.as_str())
        })
    };
    let heard_token = child(root, &["ccomp", "xcomp"])
        .and_then(|v| child(v, &["nsubj"]))
        .or_else(|| {
            let object = child(root, &["dobj"])?;
            child(object, &["poss"]).or(Some(object))
        })?;
    let at = Span::new(doc.tokens[heard_token].start, doc.tokens[heard_token].end);
    if let Some((m, p)) = people
        .mentions_in(Span::new(at.start.saturating_sub(60), at.end + 2))
        .find(|(m, _)| m.start <= at.start && at.end <= m.end + 2)
    {
        return Some((m, p));
    }
    let word = text.get(at.start..at.end)?;
    let pronoun = match word {
        "her" | "Her" => "she",
        "him" | "his" | "Him" | "His" => "he",
        "he" | "He" | "she" | "She" => word,
        _ => return None,
    };
    resolver.resolve(people, pronoun, at.start).map(|p| (at, p))
}

/// A quote still without a speaker after the other steps: the subject of the narration
/// right before it, when that narration lies between the previous quote and this one
/// (the sentence that opens into the quote, "The oldest colt raised his head and said,
/// “…”", else the sentence before it), method `paragraph-speaker`.
pub fn narration_before(
    doc: &Document,
    people: &People,
    resolver: &PronounResolver,
    raw: &[RawQuote],
    quotes: &mut [Quote],
) {
    for i in 0..raw.len().min(quotes.len()) {
        if quotes[i].method != AttributionMethod::None {
            continue;
        }
        let Some(start) = raw[i].parts.first().map(|p| p.start) else {
            continue;
        };
        let previous_end = i
            .checked_sub(1)
            .and_then(|j| raw[j].parts.last())
            .map_or(0, |p| p.end);
        let Some(si) = doc.sentence_index_at(start) else {
            continue;
        };
        let mut found = None;
        for k in [Some(si), si.checked_sub(1)].into_iter().flatten() {
            let sentence = doc.sentences[k];
            if sentence.start < previous_end || sentence.start >= start {
                continue;
            }
            // Only the narration before the quote.
            let narration = Span::new(sentence.start, sentence.end.min(start));
            found = root_subject(doc, people, resolver, narration).filter(|(m, _)| m.end <= start);
            if found.is_some() {
                break;
            }
        }
        if let Some((m, p)) = found {
            give_paragraph_speaker(&mut quotes[i], p, m);
        }
    }
}

/// Action beats: a floating quote paragraph whose own narration names who acts
/// (`“Very well.” Tuppence helped herself.` / `Ann smiled. “Fine.”`): the subject of the
/// narration sentence right after the quote on its line, else of the one right before it
/// (method `paragraph-speaker`).
pub fn action_beats(
    doc: &Document,
    people: &People,
    resolver: &PronounResolver,
    raw: &[RawQuote],
    quotes: &mut [Quote],
) {
    let text = &doc.text;
    let lines = Lines::new(text);
    for i in 0..raw.len().min(quotes.len()) {
        if !is_floating(quotes[i].method) {
            continue;
        }
        let (Some(first), Some(last)) = (raw[i].parts.first(), raw[i].parts.last()) else {
            continue;
        };
        let (line_start, _) = lines.bounds(first.start);
        let (_, line_end) = lines.bounds(last.end.saturating_sub(1).max(first.start));
        let next_start = raw
            .get(i + 1)
            .and_then(|q| q.parts.first())
            .map_or(text.len(), |p| p.start);
        let previous_end = i
            .checked_sub(1)
            .and_then(|j| raw[j].parts.last())
            .map_or(0, |p| p.end);
        // After: the narration that follows the quote on its line.
        let after_end = line_end.min(next_start);
        let after = text[last.end..after_end]
            .find(|c: char| !c.is_whitespace())
            .map(|k| last.end + k);
        let found = after.and_then(|pos| subject_person(doc, people, resolver, pos, after_end));
        // Before: the sentence before the quote on its line, when no quote is in between.
        let found = found.or_else(|| {
            let before_end = text[..first.start].trim_end().len();
            if before_end <= line_start.max(previous_end) {
                return None;
            }
            let si = doc.sentence_index_at(before_end - 1)?;
            let s = doc.sentences[si].start.max(line_start);
            if s < previous_end {
                return None;
            }
            let pos = text[s..before_end]
                .find(|c: char| !c.is_whitespace())
                .map(|k| s + k)?;
            subject_person(doc, people, resolver, pos, before_end)
        });
        if let Some((m, p)) = found {
            give_paragraph_speaker(&mut quotes[i], p, m);
        }
    }
}

/// Dialogue turns. A quote paragraph right after another quote paragraph is the other
/// side of the exchange speaking: for a floating quote, the person the previous quote
/// addresses by name, else the other speaker of the exchange (the last one different from
/// the previous quote's, within reach), else, after a question, the person last present in
/// the narration; for a quote whose cue has a he/she subject (“…,” he said), the other
/// speaker when their gender agrees and the cue does not continue a turn ("he added").
/// `quotes[i]` is the quote of `raw[i]`; assigned turns anchor the next ones.
pub fn alternate_turns(doc: &Document, people: &People, raw: &[RawQuote], quotes: &mut [Quote]) {
    let text = &doc.text;
    let start = |q: &RawQuote| q.parts.first().map_or(0, |p| p.start);
    let end = |q: &RawQuote| q.parts.last().map_or(0, |p| p.end);
    let quoted: Vec<Span> = raw.iter().flat_map(|q| q.parts.iter().copied()).collect();
    let in_quote = |m: Span| {
        let k = quoted.partition_point(|q| q.start <= m.start);
        k > 0 && quoted[k - 1].contains(m)
    };
    for i in 1..raw.len().min(quotes.len()) {
        let here = start(&raw[i]);
        if !opens_paragraph(text, here) || !next_paragraph(text, end(&raw[i - 1]), here) {
            continue;
        }
        let Some(last) = quotes[i - 1].speaker.clone() else {
            continue;
        };
        // The other side: the last speaker before, within reach, who is not `last`.
        let mut other: Option<Speaker> = None;
        let mut j = i - 1;
        while j > 0 && i - j <= 12 {
            j -= 1;
            if here.saturating_sub(end(&raw[j])) > EXCHANGE_REACH {
                break;
            }
            // Anyone but an unresolved he/she/they: a name, a description, "I".
            let named = quotes[j]
                .speaker
                .as_ref()
                .filter(|s| s.name != last.name && (s.name == "I" || !is_pronoun(&s.name)));
            if let Some(s) = named {
                other = Some(s.clone());
                break;
            }
        }
        let method = quotes[i].method;
        if is_explicit(method) {
            // “…,” he said: the other side when the pronoun agrees with them.
            let Some(current) = quotes[i].speaker.as_ref() else {
                continue;
            };
            let pronoun = text.get(current.mention.start..current.mention.end);
            let Some(wanted) = pronoun.and_then(pronoun_gender) else {
                continue;
            };
            let continues = quotes[i]
                .cue
                .and_then(|c| text.get(c.start..c.end))
                .is_some_and(|c| CONTINUATION_CUES.contains(c.to_lowercase().as_str()));
            let resolved_to_last =
                current.name == last.name || people.by_name(&current.name).is_none();
            let mention = current.mention;
            if continues {
                // "he added" goes on with the previous turn, as corrected here.
                if speaker_gender(people, &last) == Some(wanted) {
                    if let Some(p) = people.by_name(&last.name) {
                        quotes[i].speaker = Some(speaker_of(p, mention));
                    }
                }
                continue;
            }
            let Some(o) = other.as_ref() else { continue };
            if !resolved_to_last || speaker_gender(people, o) != Some(wanted) {
                continue;
            }
            if let Some(p) = people.by_name(&o.name) {
                quotes[i].speaker = Some(speaker_of(p, mention));
            }
            continue;
        }
        if !is_floating(method) {
            continue;
        }
        let addressed = addressee(doc, people, &raw[i - 1].parts)
            .filter(|p| p.name != last.name)
            .map(|p| {
                let m = p
                    .mentions
                    .iter()
                    .find(|m| raw[i - 1].parts.iter().any(|q| q.contains(**m)))
                    .copied()
                    .unwrap_or(last.mention);
                speaker_of(p, m)
            });
        // After a question, someone present in the narration answers.
        let asked = text[..end(&raw[i - 1])]
            .trim_end_matches(['”', '"', '’', '\'', '»', ' '])
            .ends_with('?');
        let present = || {
            let from = here.saturating_sub(PRESENCE_REACH);
            let mut found = None;
            for (m, p) in people.mentions_in(Span::new(from, here)) {
                if p.name != last.name && !in_quote(m) {
                    found = Some(speaker_of(p, m));
                }
            }
            found
        };
        let Some(speaker) = addressed
            .or(other)
            // A quote paragraph with no cue right after someone's quote is a new turn:
            // with no other speaker yet, the person last present in the narration
            // (after a question always; else only over a quote that merely continued
            // the previous speaker's, which a new paragraph contradicts).
            .or_else(|| {
                (asked || method == AttributionMethod::PreviousQuote)
                    .then(present)
                    .flatten()
            })
        else {
            continue;
        };
        let q = &mut quotes[i];
        q.speaker = Some(speaker);
        q.cue = None;
        q.method = AttributionMethod::DialogueTurn;
        q.confidence = AttributionMethod::DialogueTurn.confidence();
    }
    // Backwards: a run of uncued quote paragraphs anchored by a later attribution
    // ("“Amory.”⏎⏎“Oh, yes.”⏎⏎“Take a hot bath,” said his mother."): each unattributed
    // turn is the other side of the turn after it, the person that turn addresses or the
    // one who speaks the turn after that (A, B, A: also when the middle turn has no
    // speaker yet, so an anchor reaches every other turn of the run).
    let n = raw.len().min(quotes.len());
    for i in (0..n.saturating_sub(1)).rev() {
        let turn = |a: usize, b: usize| {
            opens_paragraph(text, start(&raw[b]))
                && next_paragraph(text, end(&raw[a]), start(&raw[b]))
        };
        if quotes[i].method != AttributionMethod::None || !turn(i, i + 1) {
            continue;
        }
        // The next turn's speaker, when it is someone (not an unresolved he/she/they).
        let next = quotes[i + 1]
            .speaker
            .clone()
            .filter(|s| s.name == "I" || !is_pronoun(&s.name));
        if next.is_none() && quotes[i + 1].speaker.is_some() {
            continue;
        }
        let next_name = next.as_ref().map(|s| s.name.clone());
        let addressed = addressee(doc, people, &raw[i + 1].parts)
            .filter(|p| next_name.as_ref().is_none_or(|n| *n != p.name))
            .and_then(|p| {
                let m = p
                    .mentions
                    .iter()
                    .find(|m| raw[i + 1].parts.iter().any(|q| q.contains(**m)))
                    .copied()
                    .or(next.as_ref().map(|s| s.mention));
                m.map(|m| speaker_of(p, m))
            });
        let after = (i + 2 < n && turn(i + 1, i + 2))
            .then(|| quotes[i + 2].speaker.clone())
            .flatten()
            .filter(|s| {
                next_name.as_ref().is_none_or(|n| *n != s.name)
                    && (s.name == "I" || !is_pronoun(&s.name))
            });
        // With the middle turn unknown, this quote must not address the speaker of the
        // turn after it (it would be speaking to itself).
        let after = after.filter(|s| {
            next.is_some() || addressee(doc, people, &raw[i].parts).is_none_or(|p| p.name != s.name)
        });
        let Some(speaker) = addressed.or(after) else {
            continue;
        };
        let q = &mut quotes[i];
        q.speaker = Some(speaker);
        q.cue = None;
        q.method = AttributionMethod::DialogueTurn;
        q.confidence = AttributionMethod::DialogueTurn.confidence();
    }
}

/// Two people who call each other by name in consecutive quote paragraphs with no cue
/// ("“Tom, old thing!”⏎⏎“Ann, at last!”"): each quote is spoken by the person the other
/// addresses (method `dialogue-turn`). Only quotes without a speaker change.
pub fn mutual_address(doc: &Document, people: &People, raw: &[RawQuote], quotes: &mut [Quote]) {
    let text = &doc.text;
    let n = raw.len().min(quotes.len());
    let start = |q: &RawQuote| q.parts.first().map_or(0, |p| p.start);
    let end = |q: &RawQuote| q.parts.last().map_or(0, |p| p.end);
    for i in 0..n.saturating_sub(1) {
        let (a, b) = (&raw[i], &raw[i + 1]);
        let turn = opens_paragraph(text, start(a))
            && opens_paragraph(text, start(b))
            && next_paragraph(text, end(a), start(b));
        if !turn
            || quotes[i].method != AttributionMethod::None
                && quotes[i + 1].method != AttributionMethod::None
        {
            continue;
        }
        let (Some(x), Some(y)) = (
            addressee(doc, people, &a.parts),
            addressee(doc, people, &b.parts),
        ) else {
            continue;
        };
        if x.name == y.name {
            continue;
        }
        let mention_in = |p: &Person, q: &RawQuote| {
            p.mentions
                .iter()
                .find(|m| q.parts.iter().any(|part| part.contains(**m)))
                .copied()
        };
        for (k, speaker, said_in) in [(i, y, b), (i + 1, x, a)] {
            if quotes[k].method != AttributionMethod::None {
                continue;
            }
            let Some(m) = mention_in(speaker, said_in) else {
                continue;
            };
            let q = &mut quotes[k];
            q.speaker = Some(speaker_of(speaker, m));
            q.cue = None;
            q.method = AttributionMethod::DialogueTurn;
            q.confidence = AttributionMethod::DialogueTurn.confidence();
        }
    }
}

/// A quote never speaks to its own speaker: a quote given by a fallback (action beat,
/// narration, turn, previous quote) to the person it addresses by name ("“Don't, Jo.”"
/// after a sentence about Jo) goes to the last other speaker of the exchange (within 12
/// quotes and [`EXCHANGE_REACH`] bytes), else to no one, so later steps may find them.
pub fn not_the_addressee(doc: &Document, people: &People, raw: &[RawQuote], quotes: &mut [Quote]) {
    let n = raw.len().min(quotes.len());
    for i in 0..n {
        let method = quotes[i].method;
        if is_explicit(method) || method == AttributionMethod::None {
            continue;
        }
        let Some(name) = quotes[i].speaker.as_ref().map(|s| s.name.clone()) else {
            continue;
        };
        if addressee(doc, people, &raw[i].parts).is_none_or(|p| p.name != name) {
            continue;
        }
        let here = raw[i].parts.first().map_or(0, |p| p.start);
        let other = (i.saturating_sub(12)..i)
            .rev()
            .take_while(|&j| {
                let end = raw[j].parts.last().map_or(0, |p| p.end);
                here.saturating_sub(end) <= EXCHANGE_REACH
            })
            .find_map(|j| {
                quotes[j]
                    .speaker
                    .as_ref()
                    .filter(|s| s.name != name && (s.name == "I" || !is_pronoun(&s.name)))
                    .cloned()
            });
        let q = &mut quotes[i];
        q.cue = None;
        match other {
            Some(s) => {
                q.speaker = Some(s);
                q.method = AttributionMethod::DialogueTurn;
            }
            None => {
                q.speaker = None;
                q.method = AttributionMethod::None;
            }
        }
        q.confidence = q.method.confidence();
    }
}

/// Whether a speaker is not yet a name: the narrator "I" or a described character ("the
/// man"), whom the text may name later.
fn unnamed(people: &People, s: &Speaker) -> bool {
    s.name == "I" || people.by_name(&s.name).is_some_and(|p| p.nominal)
}

/// Words a speaker says who they are with, inside their own quote, lower-cased, each
/// with the space that follows it (`data/self_naming.txt`, in file order).
static SELF_NAMING: LazyLock<Vec<String>> =
    LazyLock::new(|| phrase_list(include_str!("../../data/self_naming.txt")));

/// Words of the narration that name the narrator ("I called myself Pip"), as above
/// (`data/narrator_naming.txt`).
static NARRATOR_NAMING: LazyLock<Vec<String>> =
    LazyLock::new(|| phrase_list(include_str!("../../data/narrator_naming.txt")));

/// The phrases of a `data/` list in file order, lower-cased, each followed by a space.
fn phrase_list(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| format!("{} ", l.to_lowercase()))
        .collect()
}

/// The named person whose mention starts at `pos` (after an honorific, "I am Mr. Pett"),
/// not as a possessive ("I am Ann's friend").
fn named_at<'p>(doc: &Document, people: &'p People, pos: usize, end: usize) -> Option<&'p Person> {
    let text = &doc.text;
    let rest = text.get(pos..end)?;
    let lead = rest
        .split_whitespace()
        .next()
        .filter(|w| is_honorific(w))
        .map_or(pos, |w| pos + rest.find(w).unwrap_or(0) + w.len() + 1);
    let (m, p) = people.mentions_in(Span::new(pos, end)).next()?;
    let possessive = text[m.end..].starts_with(['\'', '’']);
    ((m.start == pos || m.start == lead) && !p.nominal && !possessive).then_some(p)
}

/// The name a quote gives its own speaker ("I am Mary Lennox," / "My name is Ann."): a
/// named person right after the words of [`SELF_NAMING`] (any case).
fn self_named<'p>(doc: &Document, people: &'p People, parts: &[Span]) -> Option<&'p Person> {
    let text = &doc.text;
    for part in parts {
        let Some(inside) = text.get(part.start..part.end) else {
            continue;
        };
        let lower = inside.to_lowercase();
        // Lower-casing keeps byte offsets for the ASCII patterns, checked below.
        if lower.len() != inside.len() {
            continue;
        }
        for pattern in SELF_NAMING.iter() {
            let mut from = 0;
            while let Some(k) = lower[from..].find(pattern.as_str()) {
                let at = from + k;
                from = at + pattern.len();
                // A word of its own: the pattern starts the quote or follows a space.
                let starts_word = inside[..at]
                    .chars()
                    .next_back()
                    .is_none_or(|c| !c.is_alphanumeric());
                if !starts_word {
                    continue;
                }
                if let Some(p) = named_at(doc, people, part.start + from, part.end) {
                    return Some(p);
                }
            }
        }
    }
    None
}

/// A name answering a question about a name: the previous quote asks for it (it holds
/// "name") and this one is nothing but one or two capitalised words before an optional
/// form of address ("Tell us your name!" / "Pip, sir.").
fn name_answer(doc: &Document, asked: &[Span], answer: &[Span]) -> Option<String> {
    let text = &doc.text;
    let asks = asked.iter().any(|p| {
        text.get(p.start..p.end).is_some_and(|t| {
            t.split(|c: char| !c.is_alphabetic())
                .any(|w| w.eq_ignore_ascii_case("name"))
        })
    });
    if !asks || answer.len() != 1 {
        return None;
    }
    let inside = text.get(answer[0].start..answer[0].end)?;
    let inside = inside.trim_matches(|c: char| !c.is_alphanumeric());
    if inside.split_whitespace().count() > 5 {
        return None;
    }
    let first = inside.split([',', '.', '!', '?', ';']).next()?.trim();
    let ws: Vec<&str> = first.split_whitespace().collect();
    let capitalised = |w: &&str| w.chars().next().is_some_and(char::is_uppercase);
    (!ws.is_empty() && ws.len() <= 2 && ws.iter().all(capitalised) && !is_pronoun(ws[0]))
        .then(|| first.to_string())
}

/// The narrator's name in the narration: a capitalised name right after the words of
/// [`NARRATOR_NAMING`] outside quotes ("So, I called myself Pip"). Scans the text once
/// per pattern.
fn narrator_named(doc: &Document, people: &People, quoted: &[Span]) -> Option<String> {
    let text = &doc.text;
    let lower = text.to_lowercase();
    if lower.len() != text.len() {
        return None;
    }
    for pattern in NARRATOR_NAMING.iter() {
        let mut from = 0;
        while let Some(k) = lower[from..].find(pattern.as_str()) {
            let at = from + k;
            from = at + pattern.len();
            let q = quoted.partition_point(|q| q.start <= at);
            if q > 0 && quoted[q - 1].end > at {
                continue;
            }
            let name: Vec<&str> = text[from..]
                .split_whitespace()
                .take(3)
                .map(|w| w.trim_end_matches(|c: char| !c.is_alphanumeric()))
                .take_while(|w| w.chars().next().is_some_and(char::is_uppercase))
                .collect();
            let Some(first) = name.first().filter(|w| !is_pronoun(w)) else {
                continue;
            };
            let start = from + text[from..].find(first).unwrap_or(0);
            return Some(
                match people.person_at(text, Span::new(start, start + first.len())) {
                    Some(p) if !p.nominal => p.name.clone(),
                    _ => name.join(" "),
                },
            );
        }
    }
    None
}

/// Speakers the text names after all: the narrator "I" and described characters ("the
/// man") take the name they give themselves in a quote ("I am Mary Lennox"), the name
/// they answer with when asked for it, the narrator the name the narration gives ("I
/// called myself Pip"); else the one name the other speakers address them by in the
/// quotes right before or after theirs (at least twice and more than any other, of an
/// agreeing gender). Otherwise "I" stays "I" and a description its words.
pub fn name_the_unnamed(doc: &Document, people: &People, raw: &[RawQuote], quotes: &mut [Quote]) {
    let n = raw.len().min(quotes.len());
    let key = |q: &Quote| {
        q.speaker
            .as_ref()
            .filter(|s| unnamed(people, s))
            .map(|s| s.name.clone())
    };
    let mut given: HashMap<String, String> = HashMap::new();
    let mut votes: HashMap<String, HashMap<String, usize>> = HashMap::new();
    for i in 0..n {
        let Some(k) = key(&quotes[i]) else { continue };
        if let Some(p) = self_named(doc, people, &raw[i].parts) {
            given.entry(k.clone()).or_insert_with(|| p.name.clone());
        }
        if k == "I" && i > 0 && quotes[i - 1].speaker.as_ref().is_some_and(|s| s.name != k) {
            if let Some(name) = name_answer(doc, &raw[i - 1].parts, &raw[i].parts) {
                let name = people
                    .by_surname(&name)
                    .filter(|p| !p.nominal)
                    .map_or(name, |p| p.name.clone());
                given.entry(k.clone()).or_insert(name);
            }
        }
        // The people the neighbouring quotes of someone else address.
        for j in [i.checked_sub(1), Some(i + 1)].into_iter().flatten() {
            if j >= n || quotes[j].speaker.as_ref().is_none_or(|s| s.name == k) {
                continue;
            }
            if let Some(p) = addressee(doc, people, &raw[j].parts).filter(|p| !p.nominal) {
                *votes
                    .entry(k.clone())
                    .or_default()
                    .entry(p.name.clone())
                    .or_default() += 1;
            }
        }
    }
    if !given.contains_key("I") {
        let quoted: Vec<Span> = raw.iter().flat_map(|q| q.parts.iter().copied()).collect();
        if let Some(name) = narrator_named(doc, people, &quoted) {
            given.insert("I".to_string(), name);
        }
    }
    // One name per speaker: a name given by the text first, then the narrator's votes,
    // then the strongest, so the narrator's name is not also a visitor's.
    let mut winners: Vec<(usize, bool, String, String)> = Vec::new();
    for (k, v) in votes {
        if given.contains_key(&k) {
            continue;
        }
        let mut ranked: Vec<(String, usize)> = v.into_iter().collect();
        ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let Some((name, count)) = ranked.first().cloned() else {
            continue;
        };
        let runner_up = ranked.get(1).map_or(0, |r| r.1);
        if count < 2 || count <= runner_up {
            continue;
        }
        let gender = |name: &str| people.by_name(name).and_then(|p| p.gender);
        let agrees = k == "I"
            || gender(&k).is_none()
            || gender(&name).is_none()
            || gender(&k) == gender(&name);
        if agrees {
            winners.push((count, k == "I", k, name));
        }
    }
    winners.sort_by(|a, b| b.1.cmp(&a.1).then(b.0.cmp(&a.0)).then(a.2.cmp(&b.2)));
    let mut taken: HashSet<String> = given.values().cloned().collect();
    for (_, _, k, name) in winners {
        if taken.insert(name.clone()) {
            given.insert(k, name);
        }
    }
    for q in quotes.iter_mut().take(n) {
        let Some(s) = q.speaker.as_mut() else {
            continue;
        };
        if let Some(name) = given.get(&s.name) {
            s.role = people.by_name(name).and_then(|p| p.role.clone());
            s.name = name.clone();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Pipeline;

    /// The span of the quote (marks included) starting at `needle`.
    fn quote_at(d: &Document, needle: &str) -> Span {
        let start = d.text.find(needle).expect("the quote");
        let end = start + d.text[start..].find('”').expect("its close") + '”'.len_utf8();
        Span::new(start, end)
    }

    #[test]
    fn a_name_alone_calls_someone_but_not_with_a_full_stop() {
        let d = Pipeline::default()
            .process_text("Walter Green stood at the gate.\n\n“Walter Green!”\n\n“Walter Green.”");
        let people = People::from_document(&d);
        let call = quote_at(&d, "“Walter Green!");
        let answer = quote_at(&d, "“Walter Green.");
        assert_eq!(
            addressee(&d, &people, &[call]).map(|p| p.name.as_str()),
            Some("Walter Green")
        );
        assert!(addressee(&d, &people, &[answer]).is_none());
    }
}
