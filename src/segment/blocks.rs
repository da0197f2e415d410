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
/// O(line length): for many positions use [`TitleCaseLines`].
pub fn in_title_case_line(text: &str, pos: usize) -> bool {
    let line_start = text[..pos].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
    title_case(&text[line_start..line_end])
}

/// The text with the newlines of hard wrapping (e-mail, Gutenberg, dumps wrapped at 70-80
/// columns) replaced by spaces, so that a single newline inside a paragraph ends neither a
/// sentence nor a quote; `None` when the text is not hard-wrapped. Byte offsets are
/// unchanged (one byte for one byte).
///
/// A text is hard-wrapped when most of its lines come close to a common width of at most
/// 100 characters. A newline in it is a wrap when the next line is neither blank nor
/// indented (paragraph breaks) and the next line's first word would not have fitted on this
/// line (a short line ends its paragraph, a heading or a line of verse).
pub fn unwrap_hard_wraps(text: &str) -> Option<String> {
    let lines: Vec<(usize, usize)> = line_spans(text);
    let mut lengths: Vec<usize> = lines
        .iter()
        .map(|&(s, e)| text[s..e].trim_end().chars().count())
        .filter(|&n| n > 0)
        .collect();
    if lengths.len() < 4 {
        return None;
    }
    lengths.sort_unstable();
    let width = lengths[(lengths.len() * 95 / 100).min(lengths.len() - 1)];
    let near_width = lengths.iter().filter(|&&n| n + 20 >= width).count();
    if !(30..=100).contains(&width) || near_width * 2 < lengths.len() {
        return None;
    }
    let mut out = text.as_bytes().to_vec();
    let mut changed = false;
    for pair in lines.windows(2) {
        let ((s, e), (ns, ne)) = (pair[0], pair[1]);
        let line = text[s..e].trim_end();
        let next = &text[ns..ne];
        if line.trim().is_empty() || next.trim().is_empty() || next.starts_with([' ', '\t']) {
            continue;
        }
        let next_word = next
            .split_whitespace()
            .next()
            .map_or(0, |w| w.chars().count());
        if line.chars().count() + 1 + next_word + 8 > width {
            out[e] = b' ';
            changed = true;
        }
    }
    // Only ASCII newlines were replaced by ASCII spaces, so the bytes stay UTF-8.
    changed.then(|| String::from_utf8(out).ok()).flatten()
}

/// (start, end) of every line, without its newline.
fn line_spans(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, b) in text.bytes().enumerate() {
        if b == b'\n' {
            out.push((start, i));
            start = i + 1;
        }
    }
    out.push((start, text.len()));
    out
}

/// Whether each line of a text is in title case (see [`in_title_case_line`]), computed once
/// so that asking about many positions stays linear.
#[derive(Debug, Clone)]
pub struct TitleCaseLines {
    /// Start of each line and whether it is in title case.
    lines: Vec<(usize, bool)>,
}

impl TitleCaseLines {
    pub fn new(text: &str) -> Self {
        let lines = line_spans(text)
            .into_iter()
            .map(|(s, e)| (s, title_case(&text[s..e])))
            .collect();
        TitleCaseLines { lines }
    }

    /// Whether the line around byte `pos` is in title case.
    pub fn at(&self, pos: usize) -> bool {
        let i = self.lines.partition_point(|&(s, _)| s <= pos);
        i > 0 && self.lines[i - 1].1
    }
}

fn title_case(line: &str) -> bool {
    let words: Vec<&str> = line
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
    fn hard_wraps_are_undone_and_paragraphs_kept() {
        let wrapped = "A TITLE\n\n\"We will not stop now, whatever the board decides this week,\" said\nAnn Lee, the chair of the committee that oversees the harbour. \"It\nis our job.\"\n\nShort last line.\nThe next paragraph starts here and it runs on for quite a long while\nuntil it wraps at the seventy-column mark like the lines above it.\n    An indented paragraph follows the previous one without a blank line.\n";
        let unwrapped = unwrap_hard_wraps(wrapped).expect("wrapped");
        assert_eq!(unwrapped.len(), wrapped.len());
        assert!(unwrapped.contains("said Ann Lee"));
        assert!(unwrapped.contains("\"It is our job.\""));
        // A short line ends its paragraph; an indented line starts one; headings stay.
        assert!(unwrapped.contains("Short last line.\nThe next"));
        assert!(unwrapped.contains("above it.\n    An indented"));
        assert!(unwrapped.starts_with("A TITLE\n\n"));
        // One paragraph per line (news dumps) is not hard-wrapped.
        let news = "Headline\nA first paragraph that is long enough to go past a hundred characters on its single line, as news dumps do.\nShort one.\nAnother paragraph on its own line.";
        assert_eq!(unwrap_hard_wraps(news), None);
    }

    #[test]
    fn title_case_lines_agree_with_the_single_query() {
        let t = "Creator Dana Whitfield Returns\nthe body text is here and lower case\nA B";
        let lines = TitleCaseLines::new(t);
        for pos in [0, 10, 31, 40, t.len() - 1] {
            assert_eq!(lines.at(pos), in_title_case_line(t, pos), "{pos}");
        }
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
