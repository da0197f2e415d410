//! Direct quotes: quote-mark segments that hold speech, grouped into quotes (split quotes
//! and multi-paragraph quotes become one quote with several parts) and attributed by a
//! sieve whose step is recorded as the quote's `method`.

use super::attribution::{after_quote, before_quote, is_cue_at, subject_before, Attribution};
use super::lexicon::word_list;
use super::lexicon::{
    cue_lexicon, entities_overlapping, is_capitalised, is_reporting_lemma, words, Word,
};
use super::marks::{find_segments, Segment};
use std::cell::OnceCell;
use std::collections::HashSet;
use std::sync::LazyLock;

use crate::doc::{AttributionMethod, Document, EntityLabel, Quote, QuoteKind, Span};

/// A direct quote before its speaker is named.
#[derive(Debug, Clone)]
pub struct RawQuote {
    pub parts: Vec<Span>,
    pub attribution: Option<Attribution>,
    /// Text the attribution clause covers (so reported speech does not reuse it).
    pub clauses: Vec<Span>,
    /// Lines (text between newlines) of the first and the last part.
    pub first_line: usize,
    pub last_line: usize,
}

/// Lower-case words allowed inside a quoted title-case name.
static SMALL_WORDS: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| word_list(include_str!("../../data/quoted_title_small_words.txt")));

/// Start and end of every line of a text, computed once per document.
pub struct Lines {
    starts: Vec<usize>,
    len: usize,
}

impl Lines {
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
        Lines {
            starts,
            len: text.len(),
        }
    }

    /// (start, end) of the line around byte `pos`, without its newline.
    pub fn bounds(&self, pos: usize) -> (usize, usize) {
        let i = self.starts.partition_point(|&s| s <= pos).max(1) - 1;
        let end = self.starts.get(i + 1).map_or(self.len, |&n| n - 1);
        (self.starts[i], end)
    }
}

/// Whether a segment holds speech rather than a title, a nickname or a scare quote.
/// `previous` is the last segment already taken as speech.
fn is_speech(doc: &Document, lines: &Lines, seg: &Segment, previous: Option<&Segment>) -> bool {
    let text = &doc.text;
    let inner = &text[seg.inner.start..seg.inner.end];
    let ws: Vec<&str> = inner
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .collect();
    let ends_with_punct = inner
        .trim_end_matches(['\'', '’', '‘'])
        .ends_with(['.', '!', '?', ',', '…', '—', '-', ':', ';']);
    let title_like = ws.iter().all(|w| {
        is_capitalised(w) || SMALL_WORDS.contains(w) || w.starts_with(|c: char| c.is_numeric())
    });
    if title_like && !ends_with_punct && ws.len() <= 10 {
        return false;
    }
    if ws.len() < 3 && !(ends_with_punct && ws.len() >= 2) {
        // A short answer or exclamation ("“Never,” said Ann.", "“Bingley.”" as a whole
        // paragraph) is speech when a cue follows it or it stands alone on its line; a
        // short quoted name or title without either stays out.
        if ws.is_empty() || !ends_with_punct {
            return false;
        }
        let (line_start, line_end) = lines.bounds(seg.outer.start);
        let before = text[line_start..seg.outer.start].trim_end();
        // Opening a paragraph (`“Yes?” Her eyes met his.`), it is a turn of dialogue.
        let opens_paragraph = before.is_empty();
        let clause_end = floor_boundary(text, (seg.outer.end + 120).min(line_end));
        let cued = after_quote(doc, Span::new(seg.outer.end, clause_end.max(seg.outer.end)))
            .is_some_and(|a| a.method == AttributionMethod::CueAfter);
        // A new sentence right after someone's quote goes on with it: `“Good!” said
        // Holmes. “Excellent!”`, `“Brother,” he said, taking her hand. “Open.”`.
        let goes_on = previous.is_some_and(|p| {
            p.line == seg.line && seg.outer.start.saturating_sub(p.outer.end) <= MAX_FLOATING_GAP
        }) && before.ends_with(['.', '!', '?', '”', '"', '’', '\'']);
        // Introduced by a colon, or by a cue verb and a comma: `she whispered: “Dreams!”`,
        // `and said, “Vanity.”`.
        let introduced = before.ends_with(':')
            || before.strip_suffix(',').is_some_and(|b| {
                let last_word = b
                    .rsplit(|c: char| !c.is_alphanumeric())
                    .next()
                    .unwrap_or("");
                cue_lexicon().get(last_word).is_some()
            });
        return opens_paragraph || cued || goes_on || introduced;
    }
    // Where it starts: a line start, a sentence end, a colon or comma, a dash, another
    // quote, or right after a cue verb ("said “…"). Mid-sentence it is a fragment.
    let (line_start, _) = lines.bounds(seg.outer.start);
    let before = text[line_start..seg.outer.start].trim_end();
    if before.is_empty() {
        return true;
    }
    let last_char = before.chars().next_back().unwrap_or(' ');
    if matches!(
        last_char,
        '.' | '!'
            | '?'
            | ':'
            | ';'
            | ','
            | '—'
            | '–'
            | '―'
            | '-'
            | '('
            | '['
            | ')'
            | ']'
            | '”'
            | '"'
            | '…'
    ) {
        return true;
    }
    let last_word = before
        .rsplit(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or("");
    cue_lexicon().get(last_word).is_some() && ws.len() >= 3
}

/// Whether only an attribution stands between two segments of one line, so they are the
/// parts of one quote: `“A,” Rosenberg continues, “B.”` or `“A.” Clinton said. “B.”`.
fn split_attribution(doc: &Document, gap: Span) -> Option<Attribution> {
    let text = &doc.text;
    let gap_text = text[gap.start..gap.end].trim();
    if gap_text.is_empty() || gap_text.len() > 220 {
        return None;
    }
    let attribution = after_quote(doc, gap)?;
    // The gap must end where the attribution clause ends (", " or ". " then the next part).
    let rest = text[attribution.mention.end.max(attribution.cue.end)..gap.end].trim();
    let body = rest.trim_end_matches([',', '.', ':', ';', '—', '–']);
    let ends_clause =
        rest.is_empty() || (body.len() < rest.len() && !body.contains(['.', '!', '?', ';']));
    ends_clause.then_some(attribution)
}

/// The sentence (or line part) before a segment, back to the previous segment.
fn clause_before(doc: &Document, lines: &Lines, seg: &Segment, previous_end: usize) -> Span {
    let (line_start, _) = lines.bounds(seg.outer.start);
    let sentence_start = doc
        .sentence_index_at(seg.outer.start)
        .map_or(line_start, |i| doc.sentences[i].start);
    let mut start = sentence_start.max(line_start).max(previous_end);
    if start > seg.outer.start {
        start = seg.outer.start;
    }
    Span::new(start, seg.outer.start)
}

/// The clause after a segment: to the end of its sentence, the next segment or the line.
fn clause_after(doc: &Document, lines: &Lines, seg: &Segment, next_start: usize) -> Span {
    let text = &doc.text;
    let (_, line_end) = lines.bounds(seg.outer.start);
    let mut end = line_end.min(next_start);
    // Stop at the end of the sentence the attribution is in (the segmenter knows "Ms."
    // and "Sen." do not end sentences).
    let first_word = text[seg.outer.end..end]
        .find(|c: char| !c.is_whitespace())
        .map(|i| seg.outer.end + i);
    if let Some(i) = first_word.and_then(|p| doc.sentence_index_at(p)) {
        let sentence_end = doc.sentences[i].end;
        if sentence_end > seg.outer.end {
            end = end.min(sentence_end);
        }
    }
    Span::new(seg.outer.end, end.max(seg.outer.end))
}

/// The last sentence of the previous non-empty line when it ends with a colon (or a
/// comma or dash), introducing a quote that opens the next paragraph.
fn introducing_line(
    doc: &Document,
    lines: &Lines,
    quote_start: usize,
    previous_end: usize,
) -> Option<Span> {
    let text = &doc.text;
    let (line_start, _) = lines.bounds(quote_start);
    let before = text[..line_start].trim_end();
    if before.len() <= previous_end || !before.ends_with([':', ',', '—']) {
        return None;
    }
    let end = before.len();
    let start = doc
        .sentence_index_at(end - 1)
        .map_or(0, |i| doc.sentences[i].start)
        .max(lines.bounds(end - 1).0)
        .max(previous_end);
    (start < end).then(|| Span::new(start, end))
}

/// Finds the direct quotes of a document with the attribution each one's own clauses
/// give; floating quotes are attributed afterwards.
pub fn find(doc: &Document) -> Vec<RawQuote> {
    let text = &doc.text;
    let lines = Lines::new(text);
    // Segments nest or are disjoint (marks.rs); a quote is the outermost speech segment,
    // so the quotes of a line are disjoint and in order.
    let mut segments: Vec<Segment> = Vec::new();
    for s in find_segments(text) {
        let inside_kept = segments.last().is_some_and(|k| k.outer.end > s.outer.start);
        if !inside_kept && is_speech(doc, &lines, &s, segments.last()) {
            segments.push(s);
        }
    }
    let mut quotes: Vec<RawQuote> = Vec::new();
    let mut i = 0;
    while i < segments.len() {
        let first = segments[i];
        let mut parts = vec![first.outer];
        let mut attribution: Option<Attribution> = None;
        let mut clauses: Vec<Span> = Vec::new();
        let mut last = first;
        let mut j = i + 1;
        while j < segments.len() {
            let next = segments[j];
            // Multi-paragraph: an unclosed quote continued by a line that re-opens.
            let between = &text[last.outer.end..next.outer.start];
            let reopens = !last.closed
                && between.trim().is_empty()
                && between.contains('\n')
                && next.line <= last.line + 2;
            if reopens {
                parts.push(next.outer);
                last = next;
                j += 1;
                continue;
            }
            if next.line == last.line && attribution.is_none() {
                let gap = Span::new(last.outer.end, next.outer.start);
                let next_next_start = segments.get(j + 1).map_or(text.len(), |s| s.outer.start);
                // `“A,” she said. “B,” he added.`: B has its own speaker, so two quotes.
                let next_has_own = || {
                    after_quote(doc, clause_after(doc, &lines, &next, next_next_start)).is_some()
                };
                if let Some(a) = split_attribution(doc, gap).filter(|_| !next_has_own()) {
                    attribution = Some(Attribution {
                        method: AttributionMethod::Split,
                        ..a
                    });
                    clauses.push(gap);
                    parts.push(next.outer);
                    last = next;
                    j += 1;
                    continue;
                }
            }
            break;
        }
        let next_start = segments.get(j).map_or(text.len(), |s| s.outer.start);
        if attribution.is_none() {
            let after = clause_after(doc, &lines, &last, next_start);
            if let Some(a) = after_quote(doc, after) {
                attribution = Some(a);
                clauses.push(after);
            }
        }
        if attribution.is_none() {
            let previous_end = quotes
                .last()
                .and_then(|q| q.parts.last())
                .map_or(0, |p| p.end);
            let before = clause_before(doc, &lines, &first, previous_end);
            let after_mark = text[..before.start]
                .trim_end()
                .ends_with(['”', '"', '’', '»']);
            let short = text[before.start..before.end].split_whitespace().count() <= 10;
            // "… “a fragment,” she said. “The quote.”": the clause after the fragment.
            let split_by_fragment = (after_mark && short)
                .then(|| after_quote(doc, before))
                .flatten();
            if let Some(a) = split_by_fragment {
                attribution = Some(a);
                clauses.push(before);
            } else if let Some(a) = before_quote(doc, before) {
                attribution = Some(a);
                clauses.push(before);
            } else if text[before.start..before.end].trim().is_empty() {
                // "Cruz continued:\n\n“You look at the questions …”": the clause ending the
                // previous paragraph introduces the quote.
                if let Some(intro) = introducing_line(doc, &lines, first.outer.start, previous_end)
                {
                    if let Some(a) = before_quote(doc, intro) {
                        attribution = Some(a);
                        clauses.push(intro);
                    }
                }
            }
        }
        quotes.push(RawQuote {
            parts,
            attribution,
            clauses,
            first_line: first.line,
            last_line: last.line,
        });
        i = j;
    }
    quotes
}

/// The words of each sentence, tokenized at most once per document.
pub struct SentenceWords {
    cells: Vec<OnceCell<Vec<Word>>>,
}

impl SentenceWords {
    pub fn new(doc: &Document) -> Self {
        SentenceWords {
            cells: doc.sentences.iter().map(|_| OnceCell::new()).collect(),
        }
    }

    fn get(&self, doc: &Document, i: usize) -> &[Word] {
        self.cells[i].get_or_init(|| words(&doc.text, doc.sentences[i]))
    }
}

/// For a quote with no attribution of its own: the person the preceding sentences
/// introduce as speaking ("Rosenberg spoke with Esquire about …"), up to `lookback`
/// sentences back.
pub fn introduced_speaker(
    doc: &Document,
    sentence_words: &SentenceWords,
    before: usize,
    lookback: usize,
) -> Option<Attribution> {
    let text = &doc.text;
    let lexicon = cue_lexicon();
    let i = doc.sentences.partition_point(|s| s.end <= before);
    for si in (0..i).rev().take(lookback) {
        let ws = sentence_words.get(doc, si);
        for k in 0..ws.len() {
            let w = ws[k].text(text);
            let Some(cue) = lexicon.get(w) else { continue };
            let introduces = matches!(
                cue.lemma.as_str(),
                "speak" | "talk" | "describe" | "continue"
            ) || is_reporting_lemma(&cue.lemma);
            if !introduces || !is_cue_at(doc, ws, k) {
                continue;
            }
            if let Some(mention) = subject_before(doc, ws, k) {
                let names_person = entities_overlapping(doc, mention)
                    .iter()
                    .any(|e| e.label == EntityLabel::Person);
                if names_person {
                    return Some(Attribution {
                        mention,
                        cue: ws[k].span,
                        method: AttributionMethod::ParagraphSpeaker,
                    });
                }
            }
        }
    }
    None
}

/// The largest char boundary at or before `i`.
fn floor_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The longest gap (bytes) across which a quote with no cue of its own continues the
/// quote before it in the same paragraph: an action beat, not a stretch of narration.
const MAX_FLOATING_GAP: usize = 120;

/// Joins a direct quote with no cue of its own to the direct quote just before it in the
/// same paragraph (no newline between them in the working text, where hard wraps are
/// already spaces) when only a sentence or so lies between: `“A?” Ann said. “B.”` and
/// `“Yes.” Ann sat down. “Fine.”` are one utterance with two parts, as PolNeAR and LitBank
/// mark them. A quote with its own cue stays a quote of its own even when the speaker is
/// the same (`“A,” she said. “B,” she added.`: two attributions, each with its cue), and
/// reported speech or a transcript turn between two quotes keeps them apart. `quotes` is
/// every quote of the document in text order; one pass.
pub fn join_floating(text: &str, quotes: Vec<Quote>) -> Vec<Quote> {
    let mut out: Vec<Quote> = Vec::with_capacity(quotes.len());
    for q in quotes {
        if let Some(prev) = out.last_mut() {
            let gap = text.get(prev.span.end..q.span.start).unwrap_or("\n");
            let same_paragraph = prev.span.end <= q.span.start && !gap.contains('\n');
            let floating = matches!(
                q.method,
                AttributionMethod::PreviousQuote
                    | AttributionMethod::ParagraphSpeaker
                    | AttributionMethod::None
            ) && gap.len() <= MAX_FLOATING_GAP;
            let marked = |q: &Quote| {
                q.kind == QuoteKind::Direct && q.method != AttributionMethod::Transcript
            };
            if marked(prev) && marked(&q) && same_paragraph && floating {
                if prev.speaker.is_none() && q.speaker.is_some() {
                    prev.speaker = q.speaker;
                    prev.cue = q.cue;
                    prev.method = q.method;
                    prev.confidence = q.confidence;
                }
                prev.parts.extend(q.parts);
                prev.span = Span::new(prev.span.start, q.span.end);
                continue;
            }
        }
        out.push(q);
    }
    out
}
