//! Adversarial article texts for the property tests (`tests/properties.rs`): every kind of
//! quote mark and apostrophe, dashes, brackets, colons, line breaks, combining marks,
//! emoji, right-to-left text, NUL and control characters, glued to words or spaced, next
//! to the speech cues and names the quote stage looks for.
#![allow(dead_code)]

use proptest::prelude::*;
use quotex::doc::Document;

/// Marks and apostrophes, alone and doubled.
const MARKS: &[&str] = &[
    "\"", "“", "”", "„", "‟", "'", "‘", "’", "‚", "‛", "''", "``", "«", "»", "‹", "›", "「", "」",
    "『", "』", "〝", "〞", "＂", "＇", "´", "`", "« ", " »", "\"\"", "’’", "‘‘",
];

/// Punctuation the segmenter and the attribution rules react to.
const PUNCT: &[&str] = &[
    "-", "–", "—", "―", "‐", "‑", "‒", "−", "--", "(", ")", "[", "]", "{", "}", "<", ">", "（",
    "）", "【", "】", ":", ";", "：", ",", "，", ".", "…", "...", ". . .", "!", "?", "?!", "•",
    "*", "/", "\\", "&", "@", "#", "%", "$", "£", "=", "+", "|", "~", "_", "^",
];

/// Line breaks and odd spaces, including Unicode's separators.
const BREAKS: &[&str] = &[
    "\n", "\n\n", "\r\n", "\r", "\u{2028}", "\u{2029}", "\u{85}", "\u{b}", "\u{c}", "\t", "\u{a0}",
    "\u{2009}", "\u{3000}", "\u{200b}", "\u{feff}", "  ",
];

/// Combining marks, emoji (with joiners and modifiers), right-to-left text and controls.
const EXOTIC: &[&str] = &[
    "e\u{301}",
    "\u{301}",
    "\u{20dd}",
    "a\u{308}\u{304}",
    "😀",
    "👩‍👩‍👧",
    "🇫🇷",
    "👍🏽",
    "☕",
    "قال",
    "אמר",
    "\u{200f}",
    "\u{200e}",
    "\u{202e}",
    "\u{2066}",
    "\0",
    "\u{1}",
    "\u{7}",
    "\u{1b}",
    "\u{1c}",
    "\u{1f}",
    "\u{7f}",
    "\u{9f}",
    "\u{fffd}",
    "\u{10ffff}",
    "日本",
    "ﬁ",
    "İ",
    "ß",
    "Σ",
];

/// Words, names and cues that make the quote and entity stages do work.
const WORDS: &[&str] = &[
    "said",
    "says",
    "told",
    "she said,",
    "he said.",
    "according to",
    "said Ann Lee",
    "Ann Lee",
    "Mr.",
    "Dr.",
    "Ms. Reyes",
    "Reyes",
    "she",
    "He",
    "they",
    "We",
    "It",
    "who",
    "Netflix",
    "Harbor Lights",
    "the series",
    "season 2",
    "played by",
    "O'Neill",
    "don't",
    "rock 'n' roll",
    "the '90s",
    "It's",
    "U.S.",
    "p.m.",
    "No. 5",
    "1)",
    "a.",
    "2024",
    "$5m",
    "40%",
    "Paris",
    "Mr Brown",
    "wrote:",
    "Our motto:",
    "we can win this",
    "\"Yes,\" she said. \"No.\"",
];

fn pick(list: &'static [&'static str]) -> impl Strategy<Value = String> {
    proptest::sample::select(list).prop_map(str::to_string)
}

/// One adversarial article: up to `max_pieces` pieces, glued or separated by a space.
pub fn adversarial_text(max_pieces: usize) -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => pick(MARKS),
        3 => pick(PUNCT),
        2 => pick(BREAKS),
        2 => pick(EXOTIC),
        4 => pick(WORDS),
        1 => "[A-Za-z]{1,10}",
        1 => "[A-Z][a-z]{1,8} [A-Z][a-z]{1,8}",
        1 => any::<char>().prop_map(|c| c.to_string()),
    ];
    prop::collection::vec((piece, any::<bool>()), 0..max_pieces).prop_map(|pieces| {
        let mut text = String::new();
        for (p, glued) in pieces {
            if !glued && !text.is_empty() {
                text.push(' ');
            }
            text.push_str(&p);
        }
        text
    })
}

/// Every invariant the library documents for a processed document, as an error message.
pub fn check_document(text: &str, doc: &Document) -> Result<(), String> {
    if doc.text != text {
        return Err("the document's text is not the input".into());
    }
    let valid = |what: &str, s: quotex::doc::Span| -> Result<(), String> {
        if s.start > s.end || s.end > text.len() {
            return Err(format!(
                "{what} {s:?} is outside the text ({} bytes)",
                text.len()
            ));
        }
        if s.slice(text).is_none() {
            return Err(format!("{what} {s:?} is not on char boundaries"));
        }
        Ok(())
    };
    let mut last_end = 0;
    for s in &doc.sentences {
        valid("sentence", *s)?;
        if s.is_empty() || s.start < last_end {
            return Err(format!(
                "sentence {s:?} is empty, overlaps or is out of order"
            ));
        }
        last_end = s.end;
    }
    let mut last_end = 0;
    for e in &doc.entities {
        valid("entity", e.span)?;
        if e.span.is_empty() || e.span.start < last_end {
            return Err(format!(
                "entity {:?} is empty, overlaps or is out of order",
                e.span
            ));
        }
        if e.label.to_string().is_empty() {
            return Err(format!("entity {:?} has no label", e.span));
        }
        last_end = e.span.end;
    }
    let mut last = None;
    for q in &doc.quotes {
        valid("quote", q.span)?;
        let key = (q.span.start, q.span.end);
        if last.is_some_and(|l| l > key) {
            return Err(format!("quote {:?} is out of order", q.span));
        }
        last = Some(key);
        let (Some(first), Some(final_part)) = (q.parts.first(), q.parts.last()) else {
            return Err(format!("quote {:?} has no parts", q.span));
        };
        if q.span.start != first.start || q.span.end != final_part.end {
            return Err(format!(
                "quote {:?} is not the hull of its parts {:?}",
                q.span, q.parts
            ));
        }
        let mut part_end = q.span.start;
        for p in &q.parts {
            valid("quote part", *p)?;
            if p.start < part_end || p.is_empty() {
                return Err(format!(
                    "part {p:?} of quote {:?} is empty, overlaps or is out of order",
                    q.span
                ));
            }
            part_end = p.end;
        }
        if let Some(s) = &q.speaker {
            valid("speaker mention", s.mention)?;
            if s.name.is_empty() {
                return Err(format!("quote {:?} has a speaker with no name", q.span));
            }
        }
        if let Some(c) = q.cue {
            valid("cue", c)?;
        }
    }
    Ok(())
}
