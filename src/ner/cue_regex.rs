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

use std::sync::{LazyLock, OnceLock};

use regex_syntax::hir::{Class, ClassUnicode, ClassUnicodeRange, Hir, HirKind};

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
    /// Sets of words such that every match contains a word of each set (ASCII lower
    /// case, see `required_words`); empty when the pattern has none or can match a line
    /// break.
    words: Vec<Vec<Vec<u8>>>,
    /// Words one of which every match starts with (ASCII lower case), when the
    /// pattern also has `words`: its matches are then searched anchored at them.
    starts: Option<Vec<Vec<u8>>>,
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
        let hir = regex_syntax::ParserBuilder::new()
            .utf8(true)
            .build()
            .parse(pattern)
            .ok()
            .filter(|hir| !can_match_newline(hir));
        let words = hir.as_ref().map(required_sets).unwrap_or_default();
        let starts = hir
            .as_ref()
            .filter(|_| !words.is_empty())
            .and_then(prefix_set);
        Ok(CueRegex {
            strict,
            relaxed_pattern: without_word_boundaries(pattern),
            relaxed: OnceLock::new(),
            words,
            starts,
        })
    }

    /// Sets of words such that every match contains a word of each set, when the
    /// pattern never matches a line break (what `CuePrefilter` needs); empty otherwise.
    pub fn required_words(&self) -> &[Vec<Vec<u8>>] {
        &self.words
    }

    /// A search that may only match inside `from..to`; look-around still sees the
    /// whole text, so a match found there is one the whole-text search can report.
    fn search_to(
        &self,
        text: &str,
        from: usize,
        to: usize,
        anchored: Anchored,
    ) -> Option<Captures> {
        let input = Input::new(text).span(from..to).anchored(anchored);
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
        self.captures_in(text, 0, text.len())
    }

    /// The matches of `captures_iter` that lie in `regions` (from `CuePrefilter::scan`,
    /// which guarantees that no match lies outside them): the same matches, found
    /// without running the pattern over the rest of the text.
    pub fn captures_iter_in<'r, 't>(
        &'r self,
        text: &'t str,
        regions: &'r Regions,
    ) -> impl Iterator<Item = CueCaptures<'t>> + 'r
    where
        't: 'r,
    {
        let (spans, starts): (&'r [std::ops::Range<usize>], &'r [usize]) = match regions {
            Regions::Whole => (&[], &[]),
            Regions::Lines(lines) => (lines, &[]),
            Regions::Starts(starts) => (&[], starts),
        };
        let whole =
            matches!(regions, Regions::Whole).then(|| self.captures_in(text, 0, text.len()));
        // Every match starts at one of `starts`: the first one ≥ the end of the last
        // match where the pattern matches anchored is the leftmost match.
        let mut pos = 0;
        let anchored = starts.iter().filter_map(move |&s| {
            if s < pos {
                return None;
            }
            let caps = self.search_to(text, s, text.len(), Anchored::Yes)?;
            pos = caps.get_match()?.end().max(s + 1);
            Some(CueCaptures { text, caps })
        });
        whole
            .into_iter()
            .flatten()
            .chain(
                spans
                    .iter()
                    .flat_map(move |r| self.captures_in(text, r.start, r.end)),
            )
            .chain(anchored)
    }

    /// The successive non-overlapping matches inside `lo..hi`.
    fn captures_in<'r, 't>(
        &'r self,
        text: &'t str,
        lo: usize,
        hi: usize,
    ) -> impl Iterator<Item = CueCaptures<'t>> + 'r
    where
        't: 'r,
    {
        let mut pos = lo;
        let relaxed = if hi - lo >= RELAXED_FROM {
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
            if pos > hi {
                return None;
            }
            let caps = match relaxed {
                Some(relaxed) => {
                    let mut from = pos;
                    let mut misses = 0;
                    loop {
                        let start = relaxed.find_at(text, from)?.start();
                        if start >= hi {
                            return None;
                        }
                        if let Some(caps) = self.search_to(text, start, hi, Anchored::Yes) {
                            break caps;
                        }
                        // The superset matched where the pattern does not ("filmmaker"
                        // for "film\b"): its next start is the next candidate. A run of
                        // such misses may rescan the same stretch, so after a few the
                        // plain search takes over.
                        misses += 1;
                        if misses == MAX_MISSES {
                            break self.search_to(text, start, hi, Anchored::No)?;
                        }
                        from = start + text[start..].chars().next().map_or(1, char::len_utf8);
                        if from > hi {
                            return None;
                        }
                    }
                }
                None => self.search_to(text, pos, hi, Anchored::No)?,
            };
            let m = caps.get_match()?;
            // The patterns cannot match empty; if one did, step over a character so the
            // iteration ends.
            pos = if m.is_empty() {
                text[m.end()..]
                    .chars()
                    .next()
                    .map_or(hi + 1, |c| m.end() + c.len_utf8())
            } else {
                m.end()
            };
            Some(CueCaptures { text, caps })
        })
    }
}

/// Where a pattern's matches can lie in one text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Regions {
    /// Anywhere: the pattern has no required words, can match a line break, or the text
    /// holds a character that case-folds to an ASCII letter (the word search is ASCII).
    Whole,
    /// Only in these lines (byte ranges without their line break), in text order.
    Lines(Vec<std::ops::Range<usize>>),
    /// Only starting at these byte offsets, in text order.
    Starts(Vec<usize>),
}

/// One pass over a text for the required words of many patterns, telling each pattern
/// the lines it can match in.
///
/// Why: the title cues are long alternations around Unicode classes; searching each over
/// the whole text costs far more than the few lines that hold one of its cue words. A
/// pattern that never matches a line break matches only inside one line, and only in a
/// line that contains one of its required words, so searching those lines (look-around
/// still sees the whole text) gives exactly the matches of the whole-text search.
#[derive(Debug)]
pub struct CuePrefilter {
    /// All patterns' required words, ASCII case-insensitive.
    words: Option<aho_corasick::AhoCorasick>,
    /// For each word, the slots (one per pattern and required set) it belongs to.
    owners: Vec<Vec<usize>>,
    /// Per pattern: its slots (empty: searched over the whole text).
    slots: Vec<std::ops::Range<usize>>,
    /// Per pattern: the slot of the words its matches start with.
    start_slot: Vec<Option<usize>>,
}

/// Non-ASCII characters that `(?i)` matches to an ASCII letter (the Kelvin sign and the
/// long s): a text holding one is searched whole, as the word search folds ASCII only.
static FOLDS_TO_ASCII: LazyLock<Vec<(char, u8)>> = LazyLock::new(|| {
    let mut out = Vec::new();
    for b in b'a'..=b'z' {
        let c = char::from(b);
        let mut class = ClassUnicode::new([ClassUnicodeRange::new(c, c)]);
        class.case_fold_simple();
        for r in class.iter() {
            for ch in r.start()..=r.end() {
                if !ch.is_ascii() {
                    out.push((ch, b));
                }
            }
        }
    }
    out
});

impl CuePrefilter {
    /// The prefilter of `patterns`.
    pub fn new(patterns: &[&CueRegex]) -> Self {
        let mut index: std::collections::HashMap<Vec<u8>, usize> = Default::default();
        let mut words: Vec<Vec<u8>> = Vec::new();
        let mut owners: Vec<Vec<usize>> = Vec::new();
        let mut slots = Vec::with_capacity(patterns.len());
        let mut start_slot = Vec::with_capacity(patterns.len());
        let mut next_slot = 0;
        for p in patterns {
            let sets = p.required_words();
            slots.push(next_slot..next_slot + sets.len());
            start_slot.push(p.starts.as_ref().map(|_| next_slot + sets.len()));
            for set in sets.iter().chain(p.starts.as_ref()) {
                for w in set {
                    let k = *index.entry(w.clone()).or_insert_with(|| {
                        words.push(w.clone());
                        owners.push(Vec::new());
                        words.len() - 1
                    });
                    owners[k].push(next_slot);
                }
                next_slot += 1;
            }
        }
        let words = (!words.is_empty())
            .then(|| {
                aho_corasick::AhoCorasick::builder()
                    .ascii_case_insensitive(true)
                    .match_kind(aho_corasick::MatchKind::Standard)
                    .build(&words)
                    .ok()
            })
            .flatten();
        if words.is_none() {
            slots.iter_mut().for_each(|s| *s = 0..0);
            start_slot.iter_mut().for_each(|s| *s = None);
        }
        CuePrefilter {
            words,
            owners,
            slots,
            start_slot,
        }
    }

    /// The regions of `text` where each pattern (in the order given to `new`) can match:
    /// the lines that hold a word of each of its required sets.
    pub fn scan(&self, text: &str) -> Vec<Regions> {
        let all_whole = || vec![Regions::Whole; self.slots.len()];
        let Some(ac) = &self.words else {
            return all_whole();
        };
        if !text.is_ascii()
            && text
                .chars()
                .any(|c| FOLDS_TO_ASCII.iter().any(|(f, _)| *f == c))
        {
            return all_whole();
        }
        let n_slots = self
            .slots
            .iter()
            .map(|s| s.end)
            .chain(self.start_slot.iter().flatten().map(|s| s + 1))
            .max()
            .unwrap_or(0);
        // Per slot, the lines holding one of its words, by start offset, and where the
        // words start (with their line's start).
        let mut lines: Vec<Vec<std::ops::Range<usize>>> = vec![Vec::new(); n_slots];
        let mut word_starts: Vec<Vec<(usize, usize)>> = vec![Vec::new(); n_slots];
        let bytes = text.as_bytes();
        let mut line = 0..0;
        let mut have_line = false;
        for m in ac.find_overlapping_iter(text) {
            let s = m.start();
            if !have_line || s < line.start || s >= line.end {
                let start = bytes[..s]
                    .iter()
                    .rposition(|&b| b == b'\n')
                    .map_or(0, |i| i + 1);
                let end = bytes[s..]
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(text.len(), |i| s + i);
                line = start..end;
                have_line = true;
            }
            for &slot in &self.owners[m.pattern().as_usize()] {
                word_starts[slot].push((s, line.start));
                let v = &mut lines[slot];
                if v.last() != Some(&line) {
                    v.push(line.clone());
                }
            }
        }
        // Overlapping matches are reported by their end: a line can come back after
        // another, so put each list in text order without repeats.
        for v in &mut lines {
            v.sort_by_key(|r| r.start);
            v.dedup();
        }
        self.slots
            .iter()
            .zip(&self.start_slot)
            .map(|(slots, start_slot)| {
                let mut slots = slots.clone();
                let Some(first) = slots.next() else {
                    return Regions::Whole;
                };
                let mut keep = lines[first].clone();
                for slot in slots {
                    let other = &lines[slot];
                    keep.retain(|l| other.binary_search_by_key(&l.start, |o| o.start).is_ok());
                }
                match start_slot {
                    Some(slot) => {
                        let mut starts: Vec<usize> = word_starts[*slot]
                            .iter()
                            .filter(|(_, line)| {
                                keep.binary_search_by_key(line, |l| l.start).is_ok()
                            })
                            .map(|(s, _)| *s)
                            .collect();
                        starts.sort_unstable();
                        starts.dedup();
                        Regions::Starts(starts)
                    }
                    None => Regions::Lines(keep),
                }
            })
            .collect()
    }
}

/// Most strings a literal set may hold before it stops being tracked.
const MAX_WORDS: usize = 256;

/// What the literal analysis knows of a sub-pattern.
#[derive(Debug, Default)]
struct Lits {
    /// Every string it can match (ASCII lower case), when few.
    exact: Option<Vec<Vec<u8>>>,
    /// Strings one of which each of its matches contains.
    required: Option<Vec<Vec<u8>>>,
}

fn exact(v: Vec<Vec<u8>>) -> Lits {
    Lits {
        exact: Some(v),
        required: None,
    }
}

/// How good a required set is: longer shortest word, then fewer words. `None` when it
/// holds the empty string (it filters nothing).
fn score(set: &[Vec<u8>]) -> Option<(usize, std::cmp::Reverse<usize>)> {
    let min = set.iter().map(Vec::len).min()?;
    (min > 0).then_some((min, std::cmp::Reverse(set.len())))
}

/// The better of two candidate required sets.
fn better(a: Option<Vec<Vec<u8>>>, b: Option<Vec<Vec<u8>>>) -> Option<Vec<Vec<u8>>> {
    match (a, b) {
        (Some(a), Some(b)) => {
            if score(&b) > score(&a) {
                Some(b)
            } else {
                Some(a)
            }
        }
        (a, b) => a.or(b),
    }
    .filter(|s| score(s).is_some())
}

/// The best required set of an analysed sub-pattern.
fn best(l: &Lits) -> Option<Vec<Vec<u8>>> {
    better(l.exact.clone(), l.required.clone())
}

/// Every concatenation of a string of `a` and one of `b`, if not too many.
fn product(a: &[Vec<u8>], b: &[Vec<u8>]) -> Option<Vec<Vec<u8>>> {
    if a.len() * b.len() > MAX_WORDS {
        return None;
    }
    let mut out: Vec<Vec<u8>> = Vec::with_capacity(a.len() * b.len());
    for x in a {
        for y in b {
            let mut s = x.clone();
            s.extend_from_slice(y);
            out.push(s);
        }
    }
    out.sort();
    out.dedup();
    Some(out)
}

/// The characters of a small class (at most 16) as lower-case strings (`None` for a
/// larger class).
fn class_words(class: &Class) -> Option<Vec<Vec<u8>>> {
    const MAX_CLASS: u32 = 16;
    let mut out: Vec<Vec<u8>> = match class {
        Class::Unicode(c) => {
            let n: u32 = c
                .iter()
                .map(|r| r.end() as u32 - r.start() as u32 + 1)
                .sum();
            if n > MAX_CLASS {
                return None;
            }
            let fold = |ch: char| {
                FOLDS_TO_ASCII
                    .iter()
                    .find(|(f, _)| *f == ch)
                    .map_or(ch, |(_, b)| char::from(*b))
                    .to_ascii_lowercase()
            };
            c.iter()
                .flat_map(|r| r.start()..=r.end())
                .map(|ch| fold(ch).to_string().into_bytes())
                .collect()
        }
        Class::Bytes(c) => {
            let n: u32 = c
                .iter()
                .map(|r| u32::from(r.end()) - u32::from(r.start()) + 1)
                .sum();
            if n > MAX_CLASS {
                return None;
            }
            c.iter()
                .flat_map(|r| r.start()..=r.end())
                .map(|b| vec![b.to_ascii_lowercase()])
                .collect()
        }
    };
    out.sort();
    out.dedup();
    Some(out)
}

/// The literal sets of a pattern (see `Lits`), by structure: a concatenation requires
/// what any of its parts requires, or the product of a run of exact parts; an
/// alternation requires the union of what each branch requires.
fn analyze(hir: &Hir) -> Lits {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => exact(vec![Vec::new()]),
        HirKind::Literal(lit) => exact(vec![lit.0.to_ascii_lowercase()]),
        HirKind::Class(class) => Lits {
            exact: class_words(class),
            required: None,
        },
        HirKind::Capture(cap) => analyze(&cap.sub),
        HirKind::Repetition(rep) => {
            let sub = analyze(&rep.sub);
            match (rep.min, rep.max) {
                (0, Some(0)) => exact(vec![Vec::new()]),
                (0, Some(1)) => Lits {
                    exact: sub.exact.map(|mut v| {
                        v.push(Vec::new());
                        v
                    }),
                    required: None,
                },
                (0, _) => Lits::default(),
                (1, Some(1)) => sub,
                _ => Lits {
                    exact: None,
                    required: best(&sub),
                },
            }
        }
        HirKind::Concat(parts) => {
            let parts: Vec<Lits> = parts.iter().map(analyze).collect();
            let mut required: Option<Vec<Vec<u8>>> = None;
            let mut all: Option<Vec<Vec<u8>>> = Some(vec![Vec::new()]);
            let mut run: Option<Vec<Vec<u8>>> = None;
            for p in &parts {
                required = better(required, best(p));
                all = match (&all, &p.exact) {
                    (Some(a), Some(e)) => product(a, e),
                    _ => None,
                };
                run = match (&run, &p.exact) {
                    (Some(r), Some(e)) => product(r, e).or_else(|| Some(e.clone())),
                    (None, Some(e)) => Some(e.clone()),
                    (_, None) => None,
                };
                required = better(required, run.clone());
            }
            Lits {
                exact: all,
                required,
            }
        }
        HirKind::Alternation(branches) => {
            let branches: Vec<Lits> = branches.iter().map(analyze).collect();
            let mut exact_all: Option<Vec<Vec<u8>>> = Some(Vec::new());
            let mut required: Option<Vec<Vec<u8>>> = Some(Vec::new());
            for b in &branches {
                exact_all = match (exact_all, &b.exact) {
                    (Some(mut a), Some(e)) if a.len() + e.len() <= MAX_WORDS => {
                        a.extend(e.iter().cloned());
                        Some(a)
                    }
                    _ => None,
                };
                required = match (required, best(b)) {
                    (Some(mut a), Some(e)) => {
                        a.extend(e);
                        Some(a)
                    }
                    _ => None,
                };
            }
            let dedup = |mut v: Vec<Vec<u8>>| {
                v.sort();
                v.dedup();
                v
            };
            Lits {
                exact: exact_all.map(dedup),
                required: required.map(dedup),
            }
        }
    }
}

/// Most required sets kept per pattern (each narrows the lines to search).
const MAX_SETS: usize = 3;

/// Required sets of a pattern: the best set of each part of its top-level
/// concatenation (and of each run of exact parts), best first. Every match contains a
/// word of each.
fn required_sets(hir: &Hir) -> Vec<Vec<Vec<u8>>> {
    let mut hir = hir;
    while let HirKind::Capture(cap) = hir.kind() {
        hir = &cap.sub;
    }
    let mut sets: Vec<Vec<Vec<u8>>> = Vec::new();
    match hir.kind() {
        HirKind::Concat(parts) => {
            let mut run: Option<Vec<Vec<u8>>> = None;
            for p in parts {
                let l = analyze(p);
                sets.extend(best(&l));
                run = match (&run, &l.exact) {
                    (Some(r), Some(e)) => product(r, e).or_else(|| Some(e.clone())),
                    (None, Some(e)) => Some(e.clone()),
                    (_, None) => None,
                };
                sets.extend(run.clone().filter(|r| score(r).is_some()));
            }
        }
        _ => sets.extend(best(&analyze(hir))),
    }
    sets.sort_by_key(|s| std::cmp::Reverse(score(s)));
    sets.dedup();
    // A set a word of which is in every word of a better set adds nothing; nor, after
    // the first, does a set of single characters (nearly every line holds one).
    let contains = |w: &[u8], part: &[u8]| w.windows(part.len()).any(|x| x == part);
    let mut kept: Vec<Vec<Vec<u8>>> = Vec::new();
    for s in sets {
        let implied = kept
            .iter()
            .any(|k| k.iter().all(|kw| s.iter().any(|w| contains(kw, w))));
        let weak = !kept.is_empty() && score(&s).is_some_and(|(min, _)| min < 2);
        if !implied && !weak && kept.len() < MAX_SETS {
            kept.push(s);
        }
    }
    kept
}

/// Words one of which every match starts with (`None` if that set would hold the empty
/// string or grow too large).
fn prefix_set(hir: &Hir) -> Option<Vec<Vec<u8>>> {
    prefixes(hir).filter(|p| score(p).is_some())
}

/// Strings one of which every match starts with; `[""]` when nothing is known.
fn prefixes(hir: &Hir) -> Option<Vec<Vec<u8>>> {
    match hir.kind() {
        HirKind::Capture(cap) => prefixes(&cap.sub),
        HirKind::Repetition(rep) if rep.min >= 1 => prefixes(&rep.sub),
        HirKind::Repetition(_) | HirKind::Empty | HirKind::Look(_) => Some(vec![Vec::new()]),
        HirKind::Literal(_) | HirKind::Class(_) => {
            Some(analyze(hir).exact.unwrap_or_else(|| vec![Vec::new()]))
        }
        HirKind::Alternation(branches) => {
            let mut out = Vec::new();
            for b in branches {
                out.extend(prefixes(b)?);
            }
            out.sort();
            out.dedup();
            (out.len() <= MAX_WORDS).then_some(out)
        }
        HirKind::Concat(parts) => {
            let mut acc: Vec<Vec<u8>> = vec![Vec::new()];
            for p in parts {
                let (next, stop) = match analyze(p).exact {
                    Some(e) => (e, false),
                    None => (prefixes(p)?, true),
                };
                // A product too large keeps the shorter prefixes (still a prefix of
                // every match).
                match product(&acc, &next) {
                    Some(longer) => acc = longer,
                    None => break,
                }
                if stop {
                    break;
                }
            }
            Some(acc)
        }
    }
}

/// Whether any match of the pattern can hold a line break.
fn can_match_newline(hir: &Hir) -> bool {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => false,
        HirKind::Literal(lit) => lit.0.contains(&b'\n'),
        HirKind::Class(Class::Unicode(c)) => c.iter().any(|r| r.start() <= '\n' && '\n' <= r.end()),
        HirKind::Class(Class::Bytes(c)) => c.iter().any(|r| r.start() <= b'\n' && b'\n' <= r.end()),
        HirKind::Capture(cap) => can_match_newline(&cap.sub),
        HirKind::Repetition(rep) => rep.max != Some(0) && can_match_newline(&rep.sub),
        HirKind::Concat(parts) | HirKind::Alternation(parts) => parts.iter().any(can_match_newline),
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

    /// A match and its title group, as byte spans.
    type Found = (usize, usize, Option<(usize, usize)>);

    /// The prefiltered search finds exactly the matches of `regex::Regex::captures_iter`
    /// on texts built from cue words, line breaks, non-ASCII letters and a Kelvin sign.
    #[test]
    fn prefiltered_matches_are_the_regex_crate_matches() {
        let patterns = [
            r"(?i:\b(?P<kind>film|soap(?-i:[^\S\n])+opera|series))(?-i:[^\S\n])+(?P<title>\p{Lu}\w*(?:(?-i:[^\S\n])+\p{Lu}\w*)*)",
            r"(?P<title>\p{Lu}\w*(?:[^\S\n]+\p{Lu}\w*)*)[^\S\n]+(?i:premiere|star)\b",
            r"(?P<title>\p{Lu}\w*(?:[^\S\n]+\p{Lu}\w*)*)[^\S\n]+was[^\S\n]+a[^\S\n]+(?P<kind>film|show)s?\b",
            r"(?P<title>\p{Lu}\w*)['’]s[^\S\n]+(?i:film|show)\b",
            r"(?P<title>\p{Lu}\w*)[^\S\n]*\((?:19|20)\d\d\)",
            r"^(?P<title>\p{Lu}\w*) film",
            r"(?:^|[^\p{L}])'(?P<title>\p{Lu}\w*)'(?:[^\p{L}]|$)",
        ];
        let pieces = [
            "film", "Film", "FILM", "the", "Quiet", "Harbour", "\n", " ", " ", "é", "Été", "K",
            "\u{212A}", "(2004)", ",", "'s", "’s", "was", "a", "show", "shows", "soap", "opera",
            "premiere", "star", "Zoë", "'", "series", "filmé", "\n\n", "£",
        ];
        let fast: Vec<CueRegex> = patterns.iter().map(|p| CueRegex::new(p).unwrap()).collect();
        let plain: Vec<regex::Regex> = patterns
            .iter()
            .map(|p| regex::Regex::new(p).unwrap())
            .collect();
        let refs: Vec<&CueRegex> = fast.iter().collect();
        let pre = CuePrefilter::new(&refs);
        assert!(matches!(
            pre.scan("Quiet film Harbour")[0],
            Regions::Starts(_)
        ));
        // A small deterministic generator (no dependency on a random crate).
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for round in 0..3000 {
            let len = 1 + (next() % 40) as usize;
            let mut text = String::new();
            for _ in 0..len {
                text.push_str(pieces[(next() % pieces.len() as u64) as usize]);
                if next() % 3 != 0 {
                    text.push(' ');
                }
            }
            if round % 500 == 0 {
                text.push_str(&"x ".repeat(RELAXED_FROM / 2 + 1));
                text.push_str("the film Quiet Harbour");
            }
            let regions = pre.scan(&text);
            for (((p, f), plain), r) in patterns.iter().zip(&fast).zip(&plain).zip(&regions) {
                let a: Vec<Found> = f
                    .captures_iter_in(&text, r)
                    .map(|c| {
                        let m = c.get(0).unwrap();
                        (
                            m.start(),
                            m.end(),
                            c.name("title").map(|t| (t.start(), t.end())),
                        )
                    })
                    .collect();
                let b: Vec<Found> = plain
                    .captures_iter(&text)
                    .map(|c| {
                        let m = c.get(0).unwrap();
                        (
                            m.start(),
                            m.end(),
                            c.name("title").map(|t| (t.start(), t.end())),
                        )
                    })
                    .collect();
                assert_eq!(a, b, "{p} on {text:?} ({r:?})");
            }
        }
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
