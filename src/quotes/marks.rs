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

/// The pairs of directional marks (`open`/`close`, e.g. “ ” or ‘ ’) of one line read as
/// nesting, `“A “B” C”`: each close pairs with the last open one. `None` unless the line's
/// marks balance that way and at least one pair is inside another (then the flat reading,
/// where a second opening mark ends the first quote, gives the same pairs anyway).
/// `is_open`/`is_close` say whether the mark at index `k` of `chars` acts as one.
fn nested_pairs(
    chars: &[(usize, char)],
    skip: impl Fn(usize) -> bool,
    is_open: impl Fn(usize) -> bool,
    is_close: impl Fn(usize) -> bool,
) -> Option<Vec<(usize, usize)>> {
    let mut stack: Vec<usize> = Vec::new();
    let mut pairs = Vec::new();
    let mut nested = false;
    for (k, &(offset, _)) in chars.iter().enumerate() {
        if skip(offset) {
            continue;
        }
        if is_open(k) {
            stack.push(k);
            nested |= stack.len() > 1;
        } else if is_close(k) {
            pairs.push((stack.pop()?, k));
        }
    }
    (stack.is_empty() && nested).then_some(pairs)
}

fn scan_line(text: &str, start: usize, len: usize, line: usize, out: &mut Vec<Segment>) {
    let end = start + len;
    let chars: Vec<(usize, char)> = text[start..end]
        .char_indices()
        .map(|(i, c)| (start + i, c))
        .collect();
    let prev_of = |k: usize| k.checked_sub(1).map(|p| chars[p].1);
    let next_of = |k: usize| chars.get(k + 1).map(|n| n.1);
    // Curly double quotes that nest (`“… the “Spectator,” and …”`), on a line with no other
    // kind of double mark: each pair is a segment, the inner ones inside the outer.
    let only_curly = !chars
        .iter()
        .any(|&(_, c)| matches!(c, '"' | '„' | '«' | '»' | '‟' | '〝' | '〞'))
        && !text[start..end].contains("''");
    let curly_pairs = only_curly
        .then(|| {
            nested_pairs(
                &chars,
                |_| false,
                |k| chars[k].1 == '“' && opens_here(prev_of(k), next_of(k)),
                |k| chars[k].1 == '”',
            )
        })
        .flatten();
    if let Some(pairs) = curly_pairs {
        let mut doubles: Vec<Segment> = pairs
            .iter()
            .filter_map(|&(o, c)| {
                let (oi, close) = (chars[o].0, chars[c].0 + chars[c].1.len_utf8());
                segment(text, oi, chars[o].1.len_utf8(), close, true, line)
            })
            .collect();
        doubles.sort_by_key(|s| (s.outer.start, std::cmp::Reverse(s.outer.end)));
        let outer = nest_or_drop(doubles);
        scan_singles(text, &chars, line, outer, out);
        return;
    }
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
    scan_singles(text, &chars, line, doubles, out);
}

/// Single quotes as the outer marks (British style), outside any double-quoted text, then
/// every segment of the line into `out`. `doubles` are the line's double-quote segments,
/// sorted, nested or disjoint.
fn scan_singles(
    text: &str,
    chars: &[(usize, char)],
    line: usize,
    doubles: Vec<Segment>,
    out: &mut Vec<Segment>,
) {
    // The outermost doubles are disjoint and in order: one cursor tells whether a position
    // is inside one.
    let mut outermost: Vec<Span> = Vec::new();
    for d in &doubles {
        if outermost.last().is_none_or(|o| o.end <= d.outer.start) {
            outermost.push(d.outer);
        }
    }
    let inside_double = |i: usize| {
        let k = outermost.partition_point(|o| o.end <= i);
        outermost.get(k).is_some_and(|o| o.start <= i)
    };
    let prev_of = |k: usize| k.checked_sub(1).map(|p| chars[p].1);
    let next_of = |k: usize| chars.get(k + 1).map(|n| n.1);
    // Curly single quotes that nest (`‘… to say ‘good-by,’ than ‘how do you do.’ …’`) on a
    // line with no straight single quote opening: each pair is a segment.
    let straight_opens = chars
        .iter()
        .enumerate()
        .any(|(k, &(i, c))| c == '\'' && !inside_double(i) && opens_here(prev_of(k), next_of(k)));
    let nested = (!straight_opens)
        .then(|| {
            nested_pairs(
                chars,
                inside_double,
                |k| chars[k].1 == '‘' && opens_here(prev_of(k), next_of(k)),
                |k| chars[k].1 == '’' && single_closes_here(prev_of(k), next_of(k)),
            )
        })
        .flatten();
    if let Some(pairs) = nested {
        let mut line_segments = doubles;
        line_segments.extend(pairs.iter().filter_map(|&(o, c)| {
            let (oi, close) = (chars[o].0, chars[c].0 + chars[c].1.len_utf8());
            segment(text, oi, chars[o].1.len_utf8(), close, true, line)
        }));
        line_segments.sort_by_key(|s| (s.outer.start, std::cmp::Reverse(s.outer.end)));
        out.extend(nest_or_drop(line_segments));
        return;
    }
    let mut singles: Vec<Segment> = Vec::new();
    let mut open: Option<(usize, usize)> = None;
    for (k, &(i, c)) in chars.iter().enumerate() {
        if inside_double(i) {
            continue;
        }
        let prev = prev_of(k);
        let next = next_of(k);
        match open {
            None if matches!(c, '‘' | '\'') && opens_here(prev, next) => {
                open = Some((i, c.len_utf8()));
            }
            // `‘I’m goin’ home,’`: a closing mark after punctuation with nothing open, when
            // the quote before it closed right after a letter, shows that mark was an elision
            // (goin’, o’, th’): the quote goes on to here.
            None if matches!(c, '’' | '\'')
                && prev.is_some_and(|p| {
                    matches!(p, ',' | '.' | '!' | '?' | ';' | ':' | '-' | '—')
                })
                && single_closes_here(prev, next) =>
            {
                if let Some(last) = singles.last_mut() {
                    let same_style =
                        text[last.outer.start..].starts_with(if c == '’' { '‘' } else { '\'' });
                    let after_letter = text[..last.outer.end]
                        .chars()
                        .rev()
                        .nth(1)
                        .is_some_and(char::is_alphanumeric);
                    if same_style && after_letter {
                        let (o, olen) = (last.outer.start, c.len_utf8());
                        if let Some(longer) = segment(text, o, olen, i + c.len_utf8(), true, line) {
                            *last = longer;
                        }
                    }
                }
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
    fn nested_curly_quotes_of_one_kind() {
        assert_eq!(
            inner("“Oh,” she said, “the ladies who read the “Spectator,” and tea.” Then."),
            vec![
                ("Oh,", true),
                ("the ladies who read the “Spectator,” and tea.", true),
                ("Spectator,", true)
            ]
        );
        assert_eq!(
            inner("‘She would rather say ‘good-by,’ than ‘how do you do.’ Odd.’"),
            vec![
                (
                    "She would rather say ‘good-by,’ than ‘how do you do.’ Odd.",
                    true
                ),
                ("good-by,", true),
                ("how do you do.", true)
            ]
        );
        // Unbalanced: the flat reading (a new opening mark ends the open quote).
        assert_eq!(inner("“One “Two.”"), vec![("One", false), ("Two.", true)]);
    }

    #[test]
    fn an_elision_does_not_end_a_single_quote() {
        assert_eq!(
            inner("‘I’m goin’ home,’ said Ann, ‘before th’ rain.’"),
            vec![("I’m goin’ home,", true), ("before th’ rain.", true)]
        );
        // A plural possessive after the quote is no elision inside it.
        assert_eq!(
            inner("‘Come in,’ said the boys’ mother."),
            vec![("Come in,", true)]
        );
    }

    #[test]
    fn british_single_quotes() {
        assert_eq!(
            inner("He said: 'We will win the players’ vote.' Then left."),
            vec![("We will win the players’ vote.", true)]
        );
    }
}
