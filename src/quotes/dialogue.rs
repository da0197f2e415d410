//! Dialogue turns: a run of quote paragraphs with no cue of their own alternates between
//! the two people of the exchange (A, B, A, B …), anchored by the last two attributed
//! quotes (method `dialogue-turn`).

use super::direct::RawQuote;
use crate::doc::{AttributionMethod, Document, Quote, Span};

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

/// Gives a floating quote paragraph the speaker of the quote two turns back when the two
/// previous quote paragraphs are an exchange between two different people. `quotes[i]`
/// is the quote of `raw[i]`; assigned turns anchor the next ones.
pub fn alternate_turns(doc: &Document, raw: &[RawQuote], quotes: &mut [Quote]) {
    let text = &doc.text;
    let start = |q: &RawQuote| q.parts.first().map_or(0, |p| p.start);
    let end = |q: &RawQuote| q.parts.last().map_or(0, |p| p.end);
    for i in 2..raw.len().min(quotes.len()) {
        let floating = matches!(
            quotes[i].method,
            AttributionMethod::PreviousQuote | AttributionMethod::None
        );
        if !floating {
            continue;
        }
        let (q, p, pp) = (&raw[i], &raw[i - 1], &raw[i - 2]);
        let run = opens_paragraph(text, start(q))
            && opens_paragraph(text, start(p))
            && next_paragraph(text, end(p), start(q))
            && next_paragraph(text, end(pp), start(p));
        if !run {
            continue;
        }
        let (Some(last), Some(before)) = (&quotes[i - 1].speaker, &quotes[i - 2].speaker) else {
            continue;
        };
        if last.name == before.name {
            continue;
        }
        let speaker = before.clone();
        let q = &mut quotes[i];
        q.speaker = Some(speaker);
        q.cue = None::<Span>;
        q.method = AttributionMethod::DialogueTurn;
        q.confidence = AttributionMethod::DialogueTurn.confidence();
    }
}
