//! Line and paragraph structure: no sentence crosses a block.

use crate::doc::Span;

/// Trims whitespace off both ends of `text[span]`; `None` when nothing is left.
pub(crate) fn trim_span(text: &str, span: Span) -> Option<Span> {
    let slice = &text[span.start..span.end];
    let trimmed_start = slice.len() - slice.trim_start().len();
    let trimmed = slice.trim();
    if trimmed.is_empty() {
        return None;
    }
    let start = span.start + trimmed_start;
    Some(Span::new(start, start + trimmed.len()))
}

/// Whether the line around byte `pos` is in title case (a headline): three words or more,
/// at least 70 % of them capitalised. Capitalisation says little about names there.
pub fn in_title_case_line(text: &str, pos: usize) -> bool {
    let line_start = text[..pos].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
    let words: Vec<&str> = text[line_start..line_end]
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphabetic))
        .collect();
    let capitalised = words
        .iter()
        .filter(|w| {
            w.trim_start_matches(|c: char| !c.is_alphanumeric())
                .chars()
                .next()
                .is_some_and(char::is_uppercase)
        })
        .count();
    words.len() >= 3 && capitalised * 10 >= words.len() * 7
}

/// Paragraphs: runs of text separated by blank lines (lines of only whitespace), trimmed.
pub fn paragraphs(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut para_start = 0;
    let mut line_start = 0;
    for (i, b) in text.bytes().enumerate() {
        if b != b'\n' {
            continue;
        }
        let line = &text[line_start..i];
        if line.trim().is_empty() {
            out.extend(trim_span(text, Span::new(para_start, line_start)));
            para_start = i + 1;
        }
        line_start = i + 1;
    }
    if text[line_start..].trim().is_empty() {
        out.extend(trim_span(text, Span::new(para_start, line_start)));
    } else {
        out.extend(trim_span(text, Span::new(para_start, text.len())));
    }
    out
}

/// Blocks that no sentence may cross: every line break ends a block, except a soft wrap
/// (a line ending mid-phrase followed by a line that starts in lower case), so that
/// headlines, bylines and list lines stay separate while hard-wrapped prose joins up.
pub fn blocks(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut block_start = 0;
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if b != b'\n' || is_soft_wrap(text, i) {
            continue;
        }
        out.extend(trim_span(text, Span::new(block_start, i)));
        block_start = i + 1;
    }
    out.extend(trim_span(text, Span::new(block_start, text.len())));
    out
}

fn is_soft_wrap(text: &str, newline: usize) -> bool {
    let before = text[..newline].trim_end_matches([' ', '\t', '\r']);
    let after = text[newline + 1..].trim_start_matches([' ', '\t']);
    let prev = before.chars().next_back();
    let next = after.chars().next();
    match (prev, next) {
        (Some(p), Some(n)) => {
            (p.is_alphanumeric() || matches!(p, ',' | ';' | '-')) && n.is_lowercase()
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts<'a>(text: &'a str, spans: &[Span]) -> Vec<&'a str> {
        spans.iter().map(|s| &text[s.start..s.end]).collect()
    }

    #[test]
    fn paragraphs_split_on_blank_lines() {
        let t = "A b.\nC d.\n\n  \nE f.\n";
        assert_eq!(texts(t, &paragraphs(t)), vec!["A b.\nC d.", "E f."]);
    }

    #[test]
    fn blocks_keep_soft_wraps_together() {
        let t = "Headline Here\nThe story went on and\nthen ended.\n\nNext.";
        assert_eq!(
            texts(t, &blocks(t)),
            vec![
                "Headline Here",
                "The story went on and\nthen ended.",
                "Next."
            ]
        );
    }
}
