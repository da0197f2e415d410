//! A port of spaCy 3's tokenizer algorithm (`Tokenizer.__call__`): whitespace chunks,
//! special cases, prefix/suffix peeling, URL match, infixes, then the special-case
//! matcher over the token sequence. Rules (patterns, exceptions) come from the model.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};

use fancy_regex::Regex;

/// A token as byte offsets into the text, with the NORM a special case gave it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// First byte of the token.
    pub start: usize,
    /// One past its last byte.
    pub end: usize,
    /// The NORM a tokenizer exception gave the token ("gon" of "gonna" → "going"), if any.
    pub norm: Option<String>,
    /// Followed by a single space that belongs to it (spaCy's `whitespace_`).
    pub space_after: bool,
}

/// The tokenizer rules stored in the model file.
#[derive(Debug, Clone, serde::Deserialize)]
pub(crate) struct TokenizerRules {
    pub prefix_search: String,
    pub suffix_search: String,
    pub infix_finditer: String,
    pub url_match: String,
    pub faster_heuristics: bool,
    /// chunk -> [(orth, norm)]
    pub exceptions: HashMap<String, Vec<(String, Option<String>)>>,
}

type SpecialTokens = Vec<(String, Option<String>)>;

/// Chunk tokenizations are cached per thread, as spaCy caches them: news text repeats
/// its words, and the affix regexes dominate the cost otherwise. Bounded so memory stays flat.
const CACHE_LIMIT: usize = 100_000;
/// Only chunks up to this many bytes are cached: words repeat, junk does not, and the cap
/// keeps the cache's memory small (at most about `CACHE_LIMIT` x this).
const CACHE_MAX_CHUNK: usize = 64;

/// A whitespace chunk longer than this (bytes) is tokenized in pieces of at most this size,
/// cut at char boundaries. spaCy has no such limit, but its affix loop is quadratic in the
/// chunk and no real word comes near it (the longest in the parity fixtures and the BBC
/// corpus are about 30 bytes); the pieces keep every offset exact.
pub(crate) const MAX_CHUNK: usize = 1000;

/// The prefix search looks at this many bytes of the string first (the longest fixed
/// prefix is 6 bytes, plus one char of lookahead; an unbounded one such as a run of dots
/// reaches the window's edge and the window grows), so peeling a chunk costs O(chunk),
/// not O(chunk²): the backtracking engine otherwise tries every position of the string.
const AFFIX_WINDOW: usize = 16;

/// Glued one-symbol tokens (`)`, `=`, `*` without spaces between) are regrouped into
/// tokens of this many when a run is longer than this: spaCy peels each symbol of
/// `))))…` into its own token, so a megabyte of them is a million tokens through both
/// networks (about 30 s). No word has such a run (news has none: the BBC output is
/// unchanged); offsets stay exact and the text is covered as before.
const SYMBOL_RUN: usize = 16;

/// See [`SYMBOL_RUN`]. Linear in the tokens.
fn regroup_symbol_runs(text: &str, tokens: Vec<Token>) -> Vec<Token> {
    let symbol = |t: &Token| {
        let mut chars = text[t.start..t.end].chars();
        t.norm.is_none()
            && chars
                .next()
                .is_some_and(|c| !c.is_alphanumeric() && !c.is_whitespace())
            && chars.next().is_none()
    };
    // The end of the glued run of symbol tokens starting at `i`.
    let run_end = |i: usize| {
        let mut j = i;
        while j < tokens.len()
            && symbol(&tokens[j])
            && (j == i || tokens[j - 1].end == tokens[j].start)
        {
            j += 1;
        }
        j
    };
    let mut i = 0;
    let mut out: Option<Vec<Token>> = None;
    while i < tokens.len() {
        let j = run_end(i);
        if j - i > SYMBOL_RUN {
            let out = out.get_or_insert_with(|| tokens[..i].to_vec());
            for group in tokens[i..j].chunks(SYMBOL_RUN) {
                let (first, last) = (&group[0], &group[group.len() - 1]);
                out.push(Token {
                    start: first.start,
                    end: last.end,
                    norm: None,
                    space_after: last.space_after,
                });
            }
        } else if let Some(out) = out.as_mut() {
            out.extend_from_slice(&tokens[i..j.max(i + 1)]);
        }
        i = j.max(i + 1);
    }
    out.unwrap_or(tokens)
}

/// A cached token of a chunk: byte offsets relative to the chunk start, and its NORM.
type CachedToken = (u32, u32, Option<String>);

struct ChunkCache {
    owner: usize,
    chunks: HashMap<Box<str>, Box<[CachedToken]>>,
}

thread_local! {
    static CHUNK_CACHE: RefCell<ChunkCache> = RefCell::new(ChunkCache { owner: 0, chunks: HashMap::new() });
}

static NEXT_TOKENIZER_ID: AtomicUsize = AtomicUsize::new(1);

/// spaCy's tokenizer for the model's language, with its rules compiled; byte offsets throughout.
pub struct Tokenizer {
    /// Identifies this tokenizer's entries in the per-thread cache.
    id: usize,
    prefix: Pattern,
    suffix: Pattern,
    infix: Pattern,
    url: Pattern,
    specials: HashMap<String, SpecialTokens>,
    /// Byte length of the longest special case: longer strings are never looked up.
    max_special: usize,
    /// Token sequences (without special cases) that special cases must replace, keyed
    /// by their first token.
    matcher: HashMap<String, Vec<Vec<String>>>,
}

/// The largest char boundary of `s` at or below `i`.
fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    if i >= s.len() {
        return s.len();
    }
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The smallest char boundary of `s` at or above `i`.
fn ceil_char_boundary(s: &str, mut i: usize) -> usize {
    if i >= s.len() {
        return s.len();
    }
    while !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// `prefix_search(s)` (every alternative anchored with `^`) run on the first `window`
/// bytes of `s`. A match that reaches the window's end may continue (a run of dots) or
/// depend on what follows (`^\+(?![0-9])`), so the window doubles until it does not; a
/// match shorter than the window is the match on the whole string. Requires every
/// fixed-length alternative to be shorter than `window` (tested against the plain search).
fn find_prefix_windowed(re: &Regex, s: &str, window: usize) -> usize {
    let mut w = window.max(1);
    loop {
        let end = ceil_char_boundary(s, w);
        let found = match re.find(&s[..end]) {
            Ok(Some(m)) => Some(m.end() - m.start()),
            _ => None,
        };
        match found {
            Some(len) if len == end && end < s.len() => w = w.saturating_mul(2),
            Some(len) => return len,
            None => return 0,
        }
    }
}

/// `suffix_search(s)` searched from `from`, a lower bound of the leftmost match's start
/// (the relaxed pattern's leftmost match); lookbehinds still see the text before it.
/// Every alternative ends with `$`, and those of fixed length are short, so the search
/// covers a few bytes (or one run of dots, which is then peeled whole).
fn find_suffix_from(re: &Regex, s: &str, from: usize) -> usize {
    match re.find_from_pos(s, from) {
        Ok(Some(m)) => m.end() - m.start(),
        _ => 0,
    }
}

/// Python's `str.isspace()`, which also counts the ASCII separators U+001C..U+001F.
pub(crate) fn py_isspace(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// A spaCy pattern (Python `re` syntax with lookarounds, run by `fancy-regex`) and the
/// same pattern with its lookarounds removed, run by `regex` in linear time. Removing a
/// zero-width assertion only relaxes a pattern, so every match of the full pattern is a
/// match of the relaxed one with the same span: no relaxed match means no match, and
/// the full search can start at the relaxed match's start. The backtracking engine then
/// runs only where something can match, instead of at every position of the string.
struct Pattern {
    fancy: Regex,
    relaxed: Option<regex::Regex>,
}

impl Pattern {
    fn new(pattern: &str, what: &str) -> Result<Self, String> {
        // Python's (?u) is the default in Rust's engines.
        let pattern = pattern.replace("(?u)", "");
        let fancy = Regex::new(&pattern)
            .map_err(|e| format!("cannot compile the tokenizer's {what} pattern: {e}"))?;
        // A pattern the plain engine cannot take runs without the prefilter (slower, same result).
        let relaxed = regex::Regex::new(&strip_lookarounds(&pattern)).ok();
        Ok(Pattern { fancy, relaxed })
    }

    /// Leftmost start where the relaxed pattern matches, or `None` when nothing can match.
    fn candidate(&self, s: &str) -> Option<usize> {
        match &self.relaxed {
            Some(r) => r.find(s).map(|m| m.start()),
            None => Some(0),
        }
    }

    fn is_match(&self, s: &str) -> bool {
        self.candidate(s).is_some() && self.fancy.is_match(s).unwrap_or(false)
    }
}

/// `pattern` without its lookaround groups `(?=…)`, `(?!…)`, `(?<=…)`, `(?<!…)`.
fn strip_lookarounds(pattern: &str) -> String {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::with_capacity(pattern.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' {
            out.extend(&chars[i..(i + 2).min(chars.len())]);
            i += 2;
        } else if c == '[' {
            let end = class_end(&chars, i);
            out.extend(&chars[i..end]);
            i = end;
        } else if c == '(' && is_lookaround(&chars[i..]) {
            i = group_end(&chars, i);
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn is_lookaround(rest: &[char]) -> bool {
    matches!(
        rest,
        ['(', '?', '=' | '!', ..] | ['(', '?', '<', '=' | '!', ..]
    )
}

/// Index just past the character class opening at `i` (a `]` first in it is literal).
fn class_end(chars: &[char], i: usize) -> usize {
    let mut j = i + 1;
    if chars.get(j) == Some(&'^') {
        j += 1;
    }
    if chars.get(j) == Some(&']') {
        j += 1;
    }
    while j < chars.len() {
        match chars[j] {
            '\\' => j += 2,
            ']' => return j + 1,
            _ => j += 1,
        }
    }
    chars.len()
}

/// Index just past the group opening at `i`.
fn group_end(chars: &[char], i: usize) -> usize {
    let mut depth = 0;
    let mut j = i;
    while j < chars.len() {
        match chars[j] {
            '\\' => j += 2,
            '[' => j = class_end(chars, j),
            '(' => {
                depth += 1;
                j += 1;
            }
            ')' => {
                depth -= 1;
                j += 1;
                if depth == 0 {
                    return j;
                }
            }
            _ => j += 1,
        }
    }
    chars.len()
}

impl Tokenizer {
    pub(crate) fn new(rules: TokenizerRules) -> Result<Self, String> {
        let mut tokenizer = Tokenizer {
            id: NEXT_TOKENIZER_ID.fetch_add(1, Ordering::Relaxed),
            prefix: Pattern::new(&rules.prefix_search, "prefix")?,
            suffix: Pattern::new(&rules.suffix_search, "suffix")?,
            infix: Pattern::new(&rules.infix_finditer, "infix")?,
            url: Pattern::new(&rules.url_match, "url")?,
            max_special: rules.exceptions.keys().map(String::len).max().unwrap_or(0),
            specials: rules.exceptions,
            matcher: HashMap::new(),
        };
        let mut matcher: HashMap<String, Vec<Vec<String>>> = HashMap::new();
        let mut seen = HashSet::new();
        let mut chunks: Vec<&String> = tokenizer.specials.keys().collect();
        chunks.sort();
        for chunk in chunks {
            let needs_matcher = !rules.faster_heuristics
                || tokenizer.find_prefix(chunk) > 0
                || tokenizer.find_suffix(chunk) > 0
                || !tokenizer.find_infixes(chunk).is_empty()
                || chunk.contains(' ');
            if !needs_matcher {
                continue;
            }
            let pattern: Vec<String> = tokenizer
                .tokenize_affixes(chunk, false)
                .iter()
                .map(|t| chunk[t.start..t.end].to_string())
                .collect();
            if let Some(first) = pattern.first().cloned() {
                if seen.insert(pattern.clone()) {
                    matcher.entry(first).or_default().push(pattern);
                }
            }
        }
        tokenizer.matcher = matcher;
        Ok(tokenizer)
    }

    /// Length of spaCy's `prefix_search(s)` match, 0 for none.
    fn find_prefix(&self, s: &str) -> usize {
        if self.prefix.candidate(s) != Some(0) {
            return 0;
        }
        find_prefix_windowed(&self.prefix.fancy, s, AFFIX_WINDOW)
    }

    /// Length of spaCy's `suffix_search(s)` match, 0 for none.
    fn find_suffix(&self, s: &str) -> usize {
        match self.suffix.candidate(s) {
            Some(from) => find_suffix_from(&self.suffix.fancy, s, from),
            None => 0,
        }
    }

    fn find_infixes(&self, s: &str) -> Vec<(usize, usize)> {
        if self.infix.candidate(s).is_none() {
            return Vec::new();
        }
        self.infix
            .fancy
            .find_iter(s)
            .filter_map(Result::ok)
            .map(|m| (m.start(), m.end()))
            .collect()
    }

    fn is_special(&self, s: &str) -> bool {
        s.len() <= self.max_special && self.specials.contains_key(s)
    }

    /// Tokenizes `text`; token offsets are bytes into `text`.
    pub fn tokenize(&self, text: &str) -> Vec<Token> {
        let tokens = self.tokenize_affixes(text, true);
        regroup_symbol_runs(text, self.apply_special_cases(text, tokens))
    }

    fn push_special(&self, chunk_start: usize, chunk: &str, out: &mut Vec<Token>) -> bool {
        if chunk.len() > self.max_special {
            return false;
        }
        let Some(parts) = self.specials.get(chunk) else {
            return false;
        };
        let mut pos = chunk_start;
        for (orth, norm) in parts {
            out.push(Token {
                start: pos,
                end: pos + orth.len(),
                norm: norm.clone(),
                space_after: false,
            });
            pos += orth.len();
        }
        true
    }

    fn tokenize_affixes(&self, text: &str, with_specials: bool) -> Vec<Token> {
        let mut out = Vec::new();
        let Some(first) = text.chars().next() else {
            return out;
        };
        let mut in_ws = py_isspace(first);
        let mut start = 0;
        for (i, c) in text.char_indices() {
            if py_isspace(c) == in_ws {
                continue;
            }
            if start < i {
                self.tokenize_chunk_cached(text, start, i, with_specials, &mut out);
            }
            if c == ' ' {
                if let Some(last) = out.last_mut() {
                    last.space_after = true;
                }
                start = i + 1;
            } else {
                start = i;
            }
            in_ws = !in_ws;
        }
        if start < text.len() {
            self.tokenize_chunk_cached(text, start, text.len(), with_specials, &mut out);
            if let Some(last) = out.last_mut() {
                last.space_after = text.ends_with(' ') && !in_ws;
            }
        }
        out
    }

    fn tokenize_chunk_cached(
        &self,
        text: &str,
        start: usize,
        end: usize,
        with_specials: bool,
        out: &mut Vec<Token>,
    ) {
        if end - start > MAX_CHUNK {
            let mut lo = start;
            while lo < end {
                let hi = floor_char_boundary(text, (lo + MAX_CHUNK).min(end));
                // A char longer than the limit cannot happen (MAX_CHUNK > 4), but never stall.
                let hi = if hi <= lo { end } else { hi };
                self.tokenize_chunk(text, lo, hi, with_specials, out);
                lo = hi;
            }
            return;
        }
        if !with_specials || end - start > CACHE_MAX_CHUNK {
            return self.tokenize_chunk(text, start, end, with_specials, out);
        }
        let chunk = &text[start..end];
        let hit = CHUNK_CACHE.with_borrow(|cache| {
            let tokens = cache.chunks.get(chunk).filter(|_| cache.owner == self.id)?;
            out.extend(tokens.iter().map(|(s, e, norm)| Token {
                start: start + *s as usize,
                end: start + *e as usize,
                norm: norm.clone(),
                space_after: false,
            }));
            Some(())
        });
        if hit.is_some() {
            return;
        }
        let first = out.len();
        self.tokenize_chunk(text, start, end, with_specials, out);
        CHUNK_CACHE.with_borrow_mut(|cache| {
            if cache.owner != self.id || cache.chunks.len() >= CACHE_LIMIT {
                cache.chunks.clear();
                cache.owner = self.id;
            }
            let tokens = out[first..]
                .iter()
                .map(|t| {
                    (
                        (t.start - start) as u32,
                        (t.end - start) as u32,
                        t.norm.clone(),
                    )
                })
                .collect();
            cache.chunks.insert(chunk.into(), tokens);
        });
    }

    fn tokenize_chunk(
        &self,
        text: &str,
        start: usize,
        end: usize,
        with_specials: bool,
        out: &mut Vec<Token>,
    ) {
        if with_specials && self.push_special(start, &text[start..end], out) {
            return;
        }
        let (mut lo, mut hi) = (start, end);
        let mut prefixes: Vec<(usize, usize)> = Vec::new();
        let mut suffixes: Vec<(usize, usize)> = Vec::new();
        let mut last_size = 0;
        // _split_affixes
        while lo < hi && hi - lo != last_size {
            let string = &text[lo..hi];
            if with_specials && self.is_special(string) {
                break;
            }
            last_size = hi - lo;
            let pre_len = self.find_prefix(string);
            if pre_len != 0 {
                let minus_pre = &text[lo + pre_len..hi];
                if !minus_pre.is_empty() && with_specials && self.is_special(minus_pre) {
                    prefixes.push((lo, lo + pre_len));
                    lo += pre_len;
                    break;
                }
            }
            let suf_len = self.find_suffix(&text[lo + pre_len..hi]);
            if suf_len != 0 {
                let minus_suf = &text[lo..hi - suf_len];
                if !minus_suf.is_empty() && with_specials && self.is_special(minus_suf) {
                    suffixes.push((hi - suf_len, hi));
                    hi -= suf_len;
                    break;
                }
            }
            if pre_len != 0 && suf_len != 0 && pre_len + suf_len <= hi - lo {
                prefixes.push((lo, lo + pre_len));
                suffixes.push((hi - suf_len, hi));
                lo += pre_len;
                hi -= suf_len;
            } else if pre_len != 0 {
                prefixes.push((lo, lo + pre_len));
                lo += pre_len;
            } else if suf_len != 0 {
                suffixes.push((hi - suf_len, hi));
                hi -= suf_len;
            }
        }
        // _attach_tokens
        let plain = |s: usize, e: usize| Token {
            start: s,
            end: e,
            norm: None,
            space_after: false,
        };
        out.extend(prefixes.iter().map(|&(s, e)| plain(s, e)));
        if lo < hi {
            let string = &text[lo..hi];
            if with_specials && self.push_special(lo, string, out) {
            } else if self.url.is_match(string) {
                out.push(plain(lo, hi));
            } else {
                let infixes = self.find_infixes(string);
                if infixes.is_empty() {
                    out.push(plain(lo, hi));
                } else {
                    let mut pos = 0;
                    for (is, ie) in infixes {
                        if is == 0 {
                            continue;
                        }
                        if is != pos {
                            out.push(plain(lo + pos, lo + is));
                        }
                        if is != ie {
                            out.push(plain(lo + is, lo + ie));
                        }
                        pos = ie;
                    }
                    if pos < string.len() {
                        out.push(plain(lo + pos, hi));
                    }
                }
            }
        }
        out.extend(suffixes.iter().rev().map(|&(s, e)| plain(s, e)));
    }

    /// `_apply_special_cases`: token sequences that spell a special case are replaced by
    /// its tokens; longest matches first, then leftmost, without overlaps.
    fn apply_special_cases(&self, text: &str, tokens: Vec<Token>) -> Vec<Token> {
        let mut matches: Vec<(usize, usize)> = Vec::new();
        for i in 0..tokens.len() {
            let Some(patterns) = self.matcher.get(&text[tokens[i].start..tokens[i].end]) else {
                continue;
            };
            for pattern in patterns {
                let end = i + pattern.len();
                if end <= tokens.len()
                    && tokens[i..end]
                        .iter()
                        .zip(pattern)
                        .all(|(t, p)| &text[t.start..t.end] == p.as_str())
                {
                    matches.push((i, end));
                }
            }
        }
        if matches.is_empty() {
            return tokens;
        }
        matches.sort_by(|a, b| (a.1 - a.0).cmp(&(b.1 - b.0)).then(b.0.cmp(&a.0)));
        matches.dedup();
        let mut seen = HashSet::new();
        let mut chosen = Vec::new();
        for &(s, e) in matches.iter().rev() {
            if !seen.contains(&s) && !seen.contains(&(e - 1)) {
                chosen.push((s, e));
            }
            seen.extend(s..e);
        }
        chosen.sort();
        let mut out = Vec::with_capacity(tokens.len());
        let mut i = 0;
        let mut next = chosen.into_iter().peekable();
        while i < tokens.len() {
            match next.peek() {
                Some(&(s, e)) if s == i => {
                    next.next();
                    let span_text = &text[tokens[s].start..tokens[e - 1].end];
                    if self.push_special(tokens[s].start, span_text, &mut out) {
                        if let Some(last) = out.last_mut() {
                            last.space_after = tokens[e - 1].space_after;
                        }
                    } else {
                        out.extend_from_slice(&tokens[s..e]);
                    }
                    i = e;
                }
                _ => {
                    out.push(tokens[i].clone());
                    i += 1;
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Strings of affix material: punctuation runs, dots, currency, units, apostrophes.
    fn affixy() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            Just("http://"),
            Just("www."),
            Just(".com"),
            Just("@"),
            Just(":"),
            Just("/"),
            Just("10.1.2.3"),
            Just("1/2"),
            Just("e-mail"),
            Just("A-B"),
            Just("*"),
            Just("^"),
            Just(")"),
            Just("("),
            Just("."),
            Just(".."),
            Just("="),
            Just("+"),
            Just("'"),
            Just("’"),
            Just("s"),
            Just("S"),
            Just("US$"),
            Just("$"),
            Just("5"),
            Just("km"),
            Just("km²"),
            Just("°"),
            Just("F"),
            Just("a"),
            Just("A"),
            Just("…"),
            Just("“"),
            Just("-"),
            Just("€"),
            Just("م"),
            Just("كم"),
            Just(","),
            Just(";"),
            Just("x"),
            Just("»"),
            Just("😀"),
            Just("é"),
        ];
        prop::collection::vec(piece, 0..120).prop_map(|p| p.concat())
    }

    fn plain(re: &Regex, s: &str) -> usize {
        match re.find(s) {
            Ok(Some(m)) => m.end() - m.start(),
            _ => 0,
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        #[test]
        fn windowed_affix_search_equals_the_plain_search(s in affixy()) {
            let model = crate::ner::embedded_model();
            let t = &model.tokenizer;
            prop_assert_eq!(t.find_prefix(&s), plain(&t.prefix.fancy, &s));
            prop_assert_eq!(t.find_suffix(&s), plain(&t.suffix.fancy, &s));
            let infixes: Vec<(usize, usize)> = t.infix.fancy.find_iter(&s).filter_map(Result::ok)
                .map(|m| (m.start(), m.end())).collect();
            prop_assert_eq!(t.find_infixes(&s), infixes);
            prop_assert_eq!(t.url.is_match(&s), t.url.fancy.is_match(&s).unwrap_or(false));
        }
    }

    #[test]
    fn lookarounds_are_stripped_and_every_relaxed_pattern_compiles() {
        assert_eq!(strip_lookarounds(r"^\+(?![0-9])|^a"), r"^\+|^a");
        assert_eq!(strip_lookarounds(r"(?<=[0-9(])\.$|[(?=]x"), r"\.$|[(?=]x");
        assert_eq!(strip_lookarounds(r"(?<name>a)(?<=(b|c))d"), r"(?<name>a)d");
        let model = crate::ner::embedded_model();
        let t = &model.tokenizer;
        for p in [&t.prefix, &t.suffix, &t.infix, &t.url] {
            assert!(p.relaxed.is_some());
        }
    }

    #[test]
    fn long_chunks_keep_exact_offsets_and_cover_the_text() {
        let model = crate::ner::embedded_model();
        for text in [
            ")".repeat(5_000),
            "ab".repeat(3_000),
            format!("x{}y", "é".repeat(2_001)),
            format!("({}word{})", "(".repeat(3_000), ")".repeat(3_000)),
        ] {
            let tokens = model.tokenizer.tokenize(&text);
            let mut pos = 0;
            for t in &tokens {
                assert_eq!(t.start, pos, "tokens must tile a text without spaces");
                assert!(t.end > t.start && t.end - t.start <= MAX_CHUNK);
                assert!(text.is_char_boundary(t.start) && text.is_char_boundary(t.end));
                pos = t.end;
            }
            assert_eq!(pos, text.len());
        }
        // spaCy peels every `)` as a prefix: one token each, regrouped by SYMBOL_RUN.
        assert_eq!(
            model.tokenizer.tokenize(&")".repeat(5_000)).len(),
            5_000usize.div_ceil(SYMBOL_RUN)
        );
    }

    #[test]
    fn only_long_glued_runs_of_symbols_are_regrouped() {
        let t = &crate::ner::embedded_model().tokenizer;
        let spans = |text: &str| -> Vec<String> {
            t.tokenize(text)
                .iter()
                .map(|k| text[k.start..k.end].to_string())
                .collect()
        };
        // Up to SYMBOL_RUN glued symbols: spaCy's tokens.
        let short = format!("Wow{}", "!".repeat(SYMBOL_RUN));
        assert_eq!(spans(&short).len(), 1 + SYMBOL_RUN);
        // Spaced symbols are not glued: one token each.
        let spaced = "= ".repeat(3 * SYMBOL_RUN);
        assert_eq!(spans(&spaced).len(), 3 * SYMBOL_RUN);
        // A longer glued run: groups of SYMBOL_RUN, the words around it untouched.
        let text = format!("He said {} ok.", "=".repeat(2 * SYMBOL_RUN + 3));
        let got = spans(&text);
        assert_eq!(got[..2], ["He", "said"]);
        assert_eq!(got[2], "=".repeat(SYMBOL_RUN));
        assert_eq!(got[3], "=".repeat(SYMBOL_RUN));
        assert_eq!(got[4], "===");
        assert_eq!(got[5..], ["ok", "."]);
        let tokens = t.tokenize(&text);
        assert!(tokens[4].space_after && !tokens[2].space_after);
    }
}
