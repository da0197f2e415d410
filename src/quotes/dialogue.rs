//! Dialogue turns: a run of quote paragraphs with no cue of their own alternates between
//! the two people of the exchange (A, B, A, B …), anchored by the last two attributed
//! quotes (method `dialogue-turn`).

use super::direct::{Lines, RawQuote};
use super::speakers::{People, Person};
use crate::doc::{AttributionMethod, Document, Quote, Span, Speaker};

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
fn opens_paragraph(text: &str, start: usize) -> bool {
    text[..start]
        .chars()
        .rev()
        .take_while(|&c| c != '\n')
        .all(char::is_whitespace)
}

/// The person a quote addresses by name ("You, too, Florence?", "Don't, Jo."): a known
/// person's mention inside the quote set off by a comma before it or after it.
fn addressee<'p>(doc: &Document, people: &'p People, parts: &[Span]) -> Option<&'p Person> {
    let text = &doc.text;
    for part in parts {
        for (m, p) in people.mentions_in(*part) {
            let before = text[part.start..m.start].trim_end();
            let after = text[m.end..part.end].trim_start();
            let set_off = before.ends_with(',')
                || before.ends_with(['“', '"', '‘', '\''])
                || before.is_empty();
            let closes = after.starts_with([',', '.', '!', '?', ';', '—']);
            let alone = before.is_empty() || before.ends_with(['“', '"', '‘', '\'']);
            let only_name = alone && after.trim_end_matches(['”', '"', '’', '\'']).len() <= 1;
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
pub fn narration_subjects(doc: &Document, people: &People, raw: &[RawQuote], quotes: &mut [Quote]) {
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
        let paragraph = Span::new(para_start, before.len());
        let Some((m, p)) = people.mentions_in(paragraph).next() else {
            continue;
        };
        if !text[para_start..m.start].trim().is_empty() || text[m.end..].starts_with(['\'', '’'])
        {
            continue;
        }
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

/// Gives a floating quote paragraph (no cue of its own) that follows a quote paragraph the
/// speaker of the other side of the exchange: the person the previous quote addresses by
/// name, else the last different speaker of the run of quote paragraphs (A, B, A, B …).
/// `quotes[i]` is the quote of `raw[i]`; assigned turns anchor the next ones.
pub fn alternate_turns(doc: &Document, people: &People, raw: &[RawQuote], quotes: &mut [Quote]) {
    let text = &doc.text;
    let start = |q: &RawQuote| q.parts.first().map_or(0, |p| p.start);
    let end = |q: &RawQuote| q.parts.last().map_or(0, |p| p.end);
    for i in 1..raw.len().min(quotes.len()) {
        let floating = matches!(
            quotes[i].method,
            AttributionMethod::PreviousQuote | AttributionMethod::None
        );
        if !floating
            || !opens_paragraph(text, start(&raw[i]))
            || !next_paragraph(text, end(&raw[i - 1]), start(&raw[i]))
        {
            continue;
        }
        let Some(last) = quotes[i - 1].speaker.clone() else {
            continue;
        };
        let addressed = addressee(doc, people, &raw[i - 1].parts)
            .filter(|p| p.name != last.name)
            .map(|p| Speaker {
                name: p.name.clone(),
                role: p.role.clone(),
                mention: p
                    .mentions
                    .iter()
                    .find(|m| raw[i - 1].parts.iter().any(|q| q.contains(**m)))
                    .copied()
                    .unwrap_or(last.mention),
            });
        // The last different speaker in the run of consecutive quote paragraphs.
        let mut other = None;
        let mut j = i - 1;
        while j > 0 && i - j <= 12 && next_paragraph(text, end(&raw[j - 1]), start(&raw[j])) {
            j -= 1;
            if let Some(s) = quotes[j].speaker.as_ref().filter(|s| s.name != last.name) {
                other = Some(s.clone());
                break;
            }
        }
        let Some(speaker) = addressed.or(other) else {
            continue;
        };
        let q = &mut quotes[i];
        q.speaker = Some(speaker);
        q.cue = None;
        q.method = AttributionMethod::DialogueTurn;
        q.confidence = AttributionMethod::DialogueTurn.confidence();
    }
}
