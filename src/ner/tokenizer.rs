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
    pub start: usize,
    pub end: usize,
    pub norm: Option<String>,
    /// Followed by a single space that belongs to it (spaCy's `whitespace_`).
    pub space_after: bool,
}

/// The tokenizer rules stored in the model file.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct TokenizerRules {
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

pub struct Tokenizer {
    /// Identifies this tokenizer's entries in the per-thread cache.
    id: usize,
    prefix: Regex,
    suffix: Regex,
    infix: Regex,
    url: Regex,
    specials: HashMap<String, SpecialTokens>,
    /// Token sequences (without special cases) that special cases must replace, keyed
    /// by their first token.
    matcher: HashMap<String, Vec<Vec<String>>>,
}

/// Python's `str.isspace()`, which also counts the ASCII separators U+001C..U+001F.
pub fn py_isspace(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

fn compile(pattern: &str, what: &str) -> Result<Regex, String> {
    // Python's (?u) is the default in Rust's engines.
    let pattern = pattern.replace("(?u)", "");
    Regex::new(&pattern).map_err(|e| format!("cannot compile the tokenizer's {what} pattern: {e}"))
}

impl Tokenizer {
    pub fn new(rules: TokenizerRules) -> Result<Self, String> {
        let mut tokenizer = Tokenizer {
            id: NEXT_TOKENIZER_ID.fetch_add(1, Ordering::Relaxed),
            prefix: compile(&rules.prefix_search, "prefix")?,
            suffix: compile(&rules.suffix_search, "suffix")?,
            infix: compile(&rules.infix_finditer, "infix")?,
            url: compile(&rules.url_match, "url")?,
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

    fn find_prefix(&self, s: &str) -> usize {
        match self.prefix.find(s) {
            Ok(Some(m)) => m.end() - m.start(),
            _ => 0,
        }
    }

    fn find_suffix(&self, s: &str) -> usize {
        match self.suffix.find(s) {
            Ok(Some(m)) => m.end() - m.start(),
            _ => 0,
        }
    }

    fn find_infixes(&self, s: &str) -> Vec<(usize, usize)> {
        self.infix
            .find_iter(s)
            .filter_map(Result::ok)
            .map(|m| (m.start(), m.end()))
            .collect()
    }

    fn is_special(&self, s: &str) -> bool {
        self.specials.contains_key(s)
    }

    /// Tokenizes `text`; token offsets are bytes into `text`.
    pub fn tokenize(&self, text: &str) -> Vec<Token> {
        let tokens = self.tokenize_affixes(text, true);
        self.apply_special_cases(text, tokens)
    }

    fn push_special(&self, chunk_start: usize, chunk: &str, out: &mut Vec<Token>) -> bool {
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
        if !with_specials {
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
            } else if self.url.is_match(string).unwrap_or(false) {
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
