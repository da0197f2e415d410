//! Quote-mark segments: every stretch of text between an opening and a closing mark.
//!
//! Straight and curly double quotes and guillemets open quotes; single quotes nest inside
//! them and are otherwise only taken for long quotes. A quote never crosses a line: one
//! left open at the end of a line ends there (`closed: false`), so an unbalanced mark
//! cannot swallow the rest of an article, and a multi-paragraph quote is a run of such
//! segments, each line re-opening with a mark.

use crate::doc::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segment {
    /// From the opening mark to the closing mark inclusive (to the line end if unclosed).
    pub outer: Span,
    /// The words inside the marks.
    pub inner: Span,
    pub closed: bool,
    /// Index of the line (text between newlines) the segment is on.
    pub line: usize,
}

fn is_double_open(c: char) -> bool {
    matches!(c, '“' | '„' | '«' | '‟' | '"' | '〝')
}

fn is_double_close(c: char) -> bool {
    matches!(c, '”' | '»' | '"' | '〞' | '‟')
}

/// A mark opens when it is not glued to a word on its left ("5'10\"" does not open).
fn opens_here(prev: Option<char>, next: Option<char>) -> bool {
    !prev.is_some_and(char::is_alphanumeric) && next.is_some_and(|c| !c.is_whitespace())
}

/// A single mark closes when it is not an apostrophe inside a word ("don’t").
fn single_closes_here(prev: Option<char>, next: Option<char>) -> bool {
    prev.is_some_and(|c| !c.is_whitespace()) && !next.is_some_and(char::is_alphanumeric)
}

fn segment(
    text: &str,
    open: usize,
    open_len: usize,
    close_end: usize,
    closed: bool,
    line: usize,
) -> Option<Segment> {
    let close_len = if !closed {
        0
    } else if text[..close_end].ends_with("''") && open_len == 2 {
        2
    } else {
        text[..close_end]
            .chars()
            .next_back()
            .map_or(0, char::len_utf8)
    };
    let inner_start = open + open_len;
    let inner_end = close_end - close_len;
    let inner = &text[inner_start..inner_end];
    let lead = inner.len() - inner.trim_start().len();
    let trimmed = inner.trim();
    if trimmed.is_empty() {
        return None;
    }
    let inner = Span::new(inner_start + lead, inner_start + lead + trimmed.len());
    let outer_end = if closed { close_end } else { inner.end };
    Some(Segment {
        outer: Span::new(open, outer_end),
        inner,
        closed,
        line,
    })
}

/// Double-quote segments of `text` and single-quote segments outside them, sorted by
/// start (outer before inner at the same start). Invariant: any two segments are either
/// disjoint or one contains the other (`'A ''B'' C'` nests a doubled-apostrophe segment in
/// a single-quote one); callers that need disjoint quotes keep the outermost they accept.
pub fn find_segments(text: &str) -> Vec<Segment> {
    let mut out = Vec::new();
    let mut line_start = 0;
    for (line_index, line) in text.split('\n').enumerate() {
        scan_line(text, line_start, line.len(), line_index, &mut out);
        line_start += line.len() + 1;
    }
    out
}

/// Drops any segment that crosses one kept before it, so the result is properly nested
/// or disjoint whatever the scanning rules produced. `segs` is sorted by (start, longest
/// first); a stack of the enclosing segments makes this linear.
fn nest_or_drop(segs: Vec<Segment>) -> Vec<Segment> {
    let mut kept: Vec<Segment> = Vec::with_capacity(segs.len());
    let mut stack: Vec<Span> = Vec::new();
    for s in segs {
        while stack.last().is_some_and(|top| top.end <= s.outer.start) {
            stack.pop();
        }
        if stack.last().is_some_and(|top| s.outer.end > top.end) {
            continue; // crosses its enclosing segment
        }
        stack.push(s.outer);
        kept.push(s);
    }
    kept
}

fn scan_line(text: &str, start: usize, len: usize, line: usize, out: &mut Vec<Segment>) {
    let end = start + len;
    let chars: Vec<(usize, char)> = text[start..end]
        .char_indices()
        .map(|(i, c)| (start + i, c))
        .collect();
    let mut open: Option<(usize, usize)> = None;
    let mut doubles: Vec<Segment> = Vec::new();
    let mut k = 0;
    while k < chars.len() {
        let (i, mut c) = chars[k];
        let prev = k.checked_sub(1).map(|p| chars[p].1);
        let mut next = chars.get(k + 1).map(|n| n.1);
        // Two apostrophes stand for a double quote in some archives (''Like this,'' he said).
        let doubled = c == '\'' && next == Some('\'');
        if doubled {
            c = '"';
            next = chars.get(k + 2).map(|n| n.1);
        }
        let width = if doubled { 2 } else { c.len_utf8() };
        k += if doubled { 2 } else { 1 };
        match open {
            None if is_double_open(c) && (c != '"' || opens_here(prev, next)) => {
                open = Some((i, width));
            }
            // A stray closing mark with nothing open: ignore it.
            None => {}
            Some((o, olen)) => {
                if is_double_close(c) {
                    doubles.extend(segment(text, o, olen, i + width, true, line));
                    open = None;
                } else if matches!(c, '“' | '«' | '„') && opens_here(prev, next) {
                    // A new opening mark before the last one closed: the last one was never
                    // closed. End it here and start again.
                    doubles.extend(segment(text, o, olen, i, false, line));
                    open = Some((i, width));
                }
            }
        }
    }
    if let Some((o, olen)) = open {
        doubles.extend(segment(text, o, olen, end, false, line));
    }
    // Single quotes as the outer marks (British style), outside any double-quoted text.
    // Doubles are disjoint and in order: one cursor tells whether a position is inside one.
    let mut d = 0;
    let mut singles: Vec<Segment> = Vec::new();
    let mut open: Option<(usize, usize)> = None;
    for (k, &(i, c)) in chars.iter().enumerate() {
        while d < doubles.len() && doubles[d].outer.end <= i {
            d += 1;
        }
        if doubles.get(d).is_some_and(|x| x.outer.start <= i) {
            continue;
        }
        let prev = k.checked_sub(1).map(|p| chars[p].1);
        let next = chars.get(k + 1).map(|n| n.1);
        match open {
            None if matches!(c, '‘' | '\'') && opens_here(prev, next) => {
                open = Some((i, c.len_utf8()));
            }
            None => {}
            // ‘ closes with ’ and ' with ': "the players’ vote" inside '…' is an apostrophe.
            Some((o, olen))
                if (c == '’' && text[o..].starts_with('‘')
                    || c == '\'' && text[o..].starts_with('\''))
                    && single_closes_here(prev, next) =>
            {
                singles.extend(segment(text, o, olen, i + c.len_utf8(), true, line));
                open = None;
            }
            Some(_) => {}
        }
    }
    let mut line_segments = doubles;
    line_segments.extend(singles);
    line_segments.sort_by_key(|s| (s.outer.start, std::cmp::Reverse(s.outer.end)));
    out.extend(nest_or_drop(line_segments));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inner(text: &str) -> Vec<(&str, bool)> {
        find_segments(text)
            .iter()
            .map(|s| (&text[s.inner.start..s.inner.end], s.closed))
            .collect()
    }

    #[test]
    fn curly_straight_and_guillemets() {
        assert_eq!(
            inner("“A b,” she said. \"C d.\" «E f»"),
            vec![("A b,", true), ("C d.", true), ("E f", true)]
        );
    }

    #[test]
    fn nested_single_quotes_and_apostrophes_stay_inside() {
        assert_eq!(
            inner("“People don't heal, you can't say, 'Oh, I'm OK now. That's it.”"),
            vec![(
                "People don't heal, you can't say, 'Oh, I'm OK now. That's it.",
                true
            )]
        );
    }

    #[test]
    fn unbalanced_marks_end_at_the_line() {
        let text = "“Never closed, she said.\nNext line “is fine.”";
        assert_eq!(
            inner(text),
            vec![("Never closed, she said.", false), ("is fine.", true)]
        );
        assert_eq!(inner("“One “Two.”"), vec![("One", false), ("Two.", true)]);
        assert_eq!(inner("stray” mark"), vec![]);
    }

    #[test]
    fn doubled_apostrophes_are_double_quotes() {
        assert_eq!(
            inner("''It's unusual,'' said Ann. ''Very.''"),
            vec![("It's unusual,", true), ("Very.", true)]
        );
    }

    #[test]
    fn segments_are_nested_or_disjoint() {
        let text = "She wrote: 'Our motto: ''we can win this'''";
        assert_eq!(
            inner(text),
            vec![
                ("Our motto: ''we can win this''", true),
                ("we can win this", true)
            ]
        );
        for text in [text, "'a \"b' c\" d'", "''x 'y'' z' ''w''", "“a ‘b” c’ d"] {
            let segs = find_segments(text);
            for (i, a) in segs.iter().enumerate() {
                for b in &segs[i + 1..] {
                    let nested = a.outer.contains(b.outer) || b.outer.contains(a.outer);
                    assert!(
                        nested || !a.outer.overlaps(b.outer),
                        "{text:?}: {a:?} {b:?}"
                    );
                    assert!(a.outer.start <= b.outer.start);
                }
            }
        }
    }

    #[test]
    fn british_single_quotes() {
        assert_eq!(
            inner("He said: 'We will win the players’ vote.' Then left."),
            vec![("We will win the players’ vote.", true)]
        );
    }
}
