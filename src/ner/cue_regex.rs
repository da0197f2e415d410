//! A regex searched through a word-boundary-free superset of itself, with the matches of
//! `Regex::captures_iter`.
//!
//! Why: the regex crate's fast engine (a lazy DFA) cannot check a Unicode word boundary
//! (`\b`) next to a non-ASCII byte. It gives up there and the slow one (the PikeVM) runs
//! from that byte to the next match, which for the long alternations of the title cues
//! cost several seconds per MB of news (one `£` every few KB is enough). The pattern
//! without its `\b` matches wherever the pattern does, and more; the DFA runs it over
//! the whole text. The pattern itself is then run anchored at each start the superset
//! finds: the first start where it matches is its leftmost match, and the match found
//! there is the one an unanchored search finds. Where it does not match (a boundary
//! fails: "filmmaker" for `film\b`), the superset's next start is the next candidate;
//! after a few such misses in a row one plain search from there finds the next match, so
//! an input full of near misses costs little more than the plain search.

use std::sync::OnceLock;

use regex_automata::util::captures::Captures;
use regex_automata::util::syntax;
use regex_automata::{meta, Anchored, Input, MatchKind};

/// Superset matches in a row where the pattern fails before the plain search takes over.
const MAX_MISSES: usize = 8;

/// A compiled pattern and, when it has word boundaries, its superset without them.
#[derive(Debug)]
pub struct CueRegex {
    strict: meta::Regex,
    /// The superset's pattern, compiled on the first long text (compiling costs about
    /// what it saves on a few KB, and most articles are short).
    relaxed_pattern: Option<String>,
    relaxed: OnceLock<Option<regex::Regex>>,
}

/// Texts shorter than this are searched by the pattern alone.
const RELAXED_FROM: usize = 16 * 1024;

/// One match with its groups.
#[derive(Debug)]
pub struct CueCaptures<'t> {
    text: &'t str,
    caps: Captures,
}

/// One group of a match.
#[derive(Debug, Clone, Copy)]
pub struct CueMatch<'t> {
    text: &'t str,
    start: usize,
    end: usize,
}

impl<'t> CueMatch<'t> {
    pub fn start(&self) -> usize {
        self.start
    }

    pub fn end(&self) -> usize {
        self.end
    }

    pub fn as_str(&self) -> &'t str {
        &self.text[self.start..self.end]
    }

    /// The byte range of the group.
    pub fn range(&self) -> std::ops::Range<usize> {
        self.start..self.end
    }
}

impl<'t> CueCaptures<'t> {
    fn group(&self, span: Option<regex_automata::Span>) -> Option<CueMatch<'t>> {
        span.map(|s| CueMatch {
            text: self.text,
            start: s.start,
            end: s.end,
        })
    }

    /// The group called `name`, if it took part in the match.
    pub fn name(&self, name: &str) -> Option<CueMatch<'t>> {
        self.group(self.caps.get_group_by_name(name))
    }

    /// Group `i` (0: the whole match).
    pub fn get(&self, i: usize) -> Option<CueMatch<'t>> {
        self.group(self.caps.get_group(i))
    }
}

/// `pattern` without its word-boundary assertions (`\b` outside a class); `None` when it
/// has none.
fn without_word_boundaries(pattern: &str) -> Option<String> {
    let mut out = String::with_capacity(pattern.len());
    let mut chars = pattern.chars();
    let mut class_depth = 0usize;
    let mut removed = false;
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let Some(next) = chars.next() else {
                    out.push(c);
                    break;
                };
                if next == 'b' && class_depth == 0 {
                    removed = true;
                } else {
                    out.push(c);
                    out.push(next);
                }
            }
            '[' => {
                class_depth += 1;
                out.push(c);
            }
            ']' => {
                class_depth = class_depth.saturating_sub(1);
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    removed.then_some(out)
}

impl CueRegex {
    /// Compiles `pattern` as `regex::Regex::new` would.
    pub fn new(pattern: &str) -> Result<Self, Box<meta::BuildError>> {
        let config = meta::Config::new()
            .nfa_size_limit(Some(10 * (1 << 20)))
            .hybrid_cache_capacity(2 * (1 << 20))
            .match_kind(MatchKind::LeftmostFirst)
            .utf8_empty(true);
        let strict = meta::Builder::new()
            .configure(config)
            .syntax(syntax::Config::new().utf8(true))
            .build(pattern)
            .map_err(Box::new)?;
        Ok(CueRegex {
            strict,
            relaxed_pattern: without_word_boundaries(pattern),
            relaxed: OnceLock::new(),
        })
    }

    fn search(&self, text: &str, from: usize, anchored: Anchored) -> Option<Captures> {
        let input = Input::new(text).span(from..text.len()).anchored(anchored);
        let mut caps = self.strict.create_captures();
        self.strict.search_captures(&input, &mut caps);
        caps.is_match().then_some(caps)
    }

    /// The successive non-overlapping matches of the pattern, as `captures_iter`.
    pub fn captures_iter<'r, 't>(
        &'r self,
        text: &'t str,
    ) -> impl Iterator<Item = CueCaptures<'t>> + 'r
    where
        't: 'r,
    {
        let mut pos = 0;
        let relaxed = if text.len() >= RELAXED_FROM {
            self.relaxed
                .get_or_init(|| {
                    // A superset that fails to compile only loses the speed-up.
                    let pattern = self.relaxed_pattern.as_deref()?;
                    regex::Regex::new(pattern).ok()
                })
                .as_ref()
        } else {
            None
        };
        std::iter::from_fn(move || {
            if pos > text.len() {
                return None;
            }
            let caps = match relaxed {
                Some(relaxed) => {
                    let mut from = pos;
                    let mut misses = 0;
                    loop {
                        let start = relaxed.find_at(text, from)?.start();
                        if let Some(caps) = self.search(text, start, Anchored::Yes) {
                            break caps;
                        }
                        // The superset matched where the pattern does not ("filmmaker"
                        // for "film\b"): its next start is the next candidate. A run of
                        // such misses may rescan the same stretch, so after a few the
                        // plain search takes over.
                        misses += 1;
                        if misses == MAX_MISSES {
                            break self.search(text, start, Anchored::No)?;
                        }
                        from = start + text[start..].chars().next().map_or(1, char::len_utf8);
                        if from > text.len() {
                            return None;
                        }
                    }
                }
                None => self.search(text, pos, Anchored::No)?,
            };
            let m = caps.get_match()?;
            // The patterns cannot match empty; if one did, step over a character so the
            // iteration ends.
            pos = if m.is_empty() {
                text[m.end()..]
                    .chars()
                    .next()
                    .map_or(text.len() + 1, |c| m.end() + c.len_utf8())
            } else {
                m.end()
            };
            Some(CueCaptures { text, caps })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every match and group of `CueRegex` equals `regex::Regex::captures_iter`'s.
    fn same_as_regex(pattern: &str, text: &str) {
        same_as_regex_on(pattern, text);
        // Long enough for the superset path.
        same_as_regex_on(pattern, &format!("{text} {}", "x ".repeat(RELAXED_FROM)));
    }

    fn same_as_regex_on(pattern: &str, text: &str) {
        let fast = CueRegex::new(pattern).unwrap();
        let plain = regex::Regex::new(pattern).unwrap();
        let names: Vec<&str> = plain.capture_names().flatten().collect();
        let a: Vec<Vec<Option<(usize, usize)>>> = fast
            .captures_iter(text)
            .map(|c| {
                std::iter::once(c.get(0).map(|m| (m.start(), m.end())))
                    .chain(
                        names
                            .iter()
                            .map(|n| c.name(n).map(|m| (m.start(), m.end()))),
                    )
                    .collect()
            })
            .collect();
        let b: Vec<Vec<Option<(usize, usize)>>> = plain
            .captures_iter(text)
            .map(|c| {
                std::iter::once(c.get(0).map(|m| (m.start(), m.end())))
                    .chain(
                        names
                            .iter()
                            .map(|n| c.name(n).map(|m| (m.start(), m.end()))),
                    )
                    .collect()
            })
            .collect();
        assert_eq!(a, b, "{pattern} on {text:?}");
    }

    #[test]
    fn boundaries_are_dropped_outside_classes_only() {
        assert_eq!(
            without_word_boundaries(r"\bfilm[\b]\\b\w").as_deref(),
            Some(r"film[\b]\\b\w")
        );
        assert_eq!(without_word_boundaries(r"[a-z]+"), None);
    }

    #[test]
    fn same_matches_as_the_regex_crate() {
        let patterns = [
            r"(?i:\b(?P<kind>film|series))[^\S\n]+(?P<title>\p{Lu}\w*(?:[^\S\n]+\p{Lu}\w*)*)",
            r"(?P<title>\p{Lu}\w*(?:[^\S\n]+\p{Lu}\w*)*)[^\S\n]+(?i:premiere|star)\b",
            r"\bab|a\b",
            r"(?P<title>\p{Lu}\w*(?:[^\S\n]+\p{Lu}\w*)*)[^\S\n]+was[^\S\n]+a[^\S\n]+(?P<kind>film|show)s?\b",
        ];
        let texts = [
            "the film Quiet Harbour opened; £5 for the series Ann Lee Now and Then",
            "éfilm Dark Sky, filmé Late Show premiereé Big Night premiere, Tom star",
            "Été Night premiere £ Zoë Ball star and Ann Lee premiere",
            "aab ab ba a é abé ééab ab",
            "Big Night was a filmmaker; A B C D E F G H I J K L was a showman, Late Show was a show",
            "A B C D E F G H I J K L M N O was a filmé. Q R was a films",
            "",
        ];
        for p in patterns {
            for t in texts {
                same_as_regex(p, t);
            }
        }
    }
}
