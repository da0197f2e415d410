//! A rule-based sentence segmenter in the tradition of the Pragmatic Segmenter / pySBD,
//! working on whitespace-separated words so that offsets stay exact.
//!
//! A block (see `blocks`) is split after a word that ends in terminal punctuation when the
//! next word does not continue the sentence. The rules that decide "does not continue":
//! lower-case continuation, abbreviation classes, initials, list markers, ellipses
//! (spaced and unspaced), bracketed omissions, parentheses, and a speech verb after a
//! quoted question or exclamation (`"Why?" Smith asked.`).

use std::collections::HashSet;
use std::sync::LazyLock;

use super::abbreviations::{AbbreviationClass, Abbreviations};
use super::blocks::{blocks, unwrap_hard_wraps};
use super::Segmenter;
use crate::doc::Span;

const CLOSERS: &[char] = &['"', '\'', '”', '’', ')', ']', '»', '›', '}'];
const QUOTE_CLOSERS: &[char] = &['"', '\'', '”', '’', '»', '›'];
const OPENERS: &[char] = &['"', '\'', '“', '‘', '(', '[', '«', '‹', '{', '¿', '¡', '„'];
const TERMINALS: &[char] = &['.', '!', '?', '…', '‽'];
const BULLETS: &[char] = &['•', '⁃', '◦', '▪', '‣', '●', '■', '►'];
/// A sentence cannot be a lone prepositional phrase ("At 5 a.m."), so an abbreviation
/// that would close one does not end a sentence.
static PREPOSITIONS: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| content_words(include_str!("../../data/fragment_prepositions.txt")));
/// Verbs that may follow a quoted sentence in the same sentence (`"Why?" Smith asked.`):
/// the present and past forms of `data/cue_verbs.tsv` (one source with the quote stage).
static SPEECH_VERBS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("../../data/cue_verbs.tsv")
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| {
            let mut cols = l.split('\t');
            let form = cols.next()?;
            let tense = cols.nth(1)?;
            (tense == "past" || tense == "present").then_some(form)
        })
        .collect()
});

fn content_words(text: &'static str) -> HashSet<&'static str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
}

/// The rule-based sentence segmenter (the default): terminal punctuation, unless
/// abbreviations, initials, list markers, ellipses or a following speech verb say otherwise.
#[derive(Debug, Clone, Default)]
pub struct RuleSegmenter {
    abbreviations: Abbreviations,
}

struct Word<'t> {
    start: usize,
    end: usize,
    text: &'t str,
}

impl Segmenter for RuleSegmenter {
    fn segment(&self, text: &str) -> Vec<Span> {
        let mut out = Vec::new();
        // Hard-wrapped text is segmented as if unwrapped (same offsets).
        let unwrapped = unwrap_hard_wraps(text);
        let text = unwrapped.as_deref().unwrap_or(text);
        for block in blocks(text) {
            self.segment_block(text, block, &mut out);
        }
        out
    }
}

impl RuleSegmenter {
    /// A segmenter with these abbreviation lists (`Default` uses the bundled ones).
    pub fn new(abbreviations: Abbreviations) -> Self {
        RuleSegmenter { abbreviations }
    }

    fn segment_block(&self, text: &str, block: Span, out: &mut Vec<Span>) {
        let words = split_words(text, block);
        let n = words.len();
        if n == 0 {
            return;
        }
        let mut break_after = vec![false; n];
        let mut never_break_after = vec![false; n];
        mark_list_items(&words, &mut break_after, &mut never_break_after);
        mark_separator_lines(&words, &mut break_after);

        let mut sentence_start = 0;
        let mut parens = ParenDepth::default();
        let mut i = 0;
        while i + 1 < n {
            if break_after[i] {
                sentence_start = i + 1;
                i += 1;
                continue;
            }
            if never_break_after[i] {
                i += 1;
                continue;
            }
            if is_dot_token(words[i].text) {
                // A run of spaced dots: ". . ." is an omission inside a sentence;
                // a lone "." or ". . . ." (ellipsis + period) ends one.
                let mut last = i;
                while last + 1 < n && is_dot_token(words[last + 1].text) {
                    last += 1;
                }
                let run = last - i + 1;
                if last + 1 < n && (run == 1 || run >= 4) && !starts_lowercase(words[last + 1].text)
                {
                    break_after[last] = true;
                    sentence_start = last + 1;
                }
                i = last + 1;
                continue;
            }
            if self.ends_sentence(&words, i, sentence_start, &mut parens) {
                break_after[i] = true;
                sentence_start = i + 1;
            }
            i += 1;
        }

        let mut start = 0;
        for i in 0..n {
            if break_after[i] || i + 1 == n {
                out.push(Span::new(words[start].start, words[i].end));
                start = i + 1;
            }
        }
    }

    /// Does the sentence end after `words[i]` (which is followed by another word)?
    fn ends_sentence(
        &self,
        words: &[Word],
        i: usize,
        sentence_start: usize,
        parens: &mut ParenDepth,
    ) -> bool {
        let word = words[i].text;
        if is_emoticon(word) {
            return !starts_lowercase(words[i + 1].text);
        }
        let core = word.trim_end_matches(CLOSERS);
        let Some(last) = core.chars().next_back() else {
            return false;
        };
        if !TERMINALS.contains(&last) {
            return false;
        }
        let next = words[i + 1].text;
        if is_emoticon(next) {
            return false; // ":)" belongs to the sentence before it
        }
        let closed_quote = word[core.len()..].contains(QUOTE_CLOSERS);
        if starts_lowercase(next) {
            // Informal text starts sentences in lower case after a question mark; a quoted
            // question followed by lower case ("Really?" she asked) continues.
            return last == '?' && !closed_quote && !word.ends_with(')');
        }
        // "[...]": an editorial omission inside a quotation.
        if core.ends_with("[...") || core.ends_with("[…") {
            return false;
        }
        if closed_quote && speech_verb_follows(words, i + 1) {
            return false;
        }
        if inside_open_parenthesis(words, sentence_start, i, parens) {
            return false;
        }
        if is_dot_token(next) {
            // "compounds. . . . The": the attached period ends the sentence and the spaced
            // ellipsis opens the next one; otherwise the dot run decides.
            let run = words[i + 1..]
                .iter()
                .take_while(|w| is_dot_token(w.text))
                .count();
            let after = words.get(i + 1 + run);
            return run == 3 && after.is_some_and(|w| !starts_lowercase(w.text));
        }
        let terminal = &core[core.trim_end_matches(TERMINALS).len()..];
        if terminal.contains(['!', '?', '‽', '…']) || terminal.len() >= 2 {
            return true;
        }

        // A single period: is the word before it an abbreviation?
        let stem = &core[..core.len() - 1];
        let key = abbreviation_key(stem);
        if key.is_empty() {
            return true;
        }
        let next_word = next.trim_start_matches(OPENERS);
        let next_is_digit = next_word.starts_with(|c: char| c.is_ascii_digit());
        if let Some(class) = self.abbreviations.class_of(key) {
            return match class {
                AbbreviationClass::Title => false,
                AbbreviationClass::Number => !next_is_digit,
                AbbreviationClass::Month if next_is_digit => false,
                AbbreviationClass::Month | AbbreviationClass::General => {
                    self.opens_sentence(next_word)
                        && !is_prepositional_fragment(words, sentence_start, i)
                }
            };
        }
        if is_initial(key) {
            let pronoun_i = key == "I" && i > 0 && starts_lowercase(words[i - 1].text);
            return pronoun_i || self.opens_sentence(next_word);
        }
        if is_dotted_acronym(key) {
            return self.opens_sentence(next_word)
                && !is_prepositional_fragment(words, sentence_start, i);
        }
        true
    }

    fn opens_sentence(&self, word: &str) -> bool {
        let bare = word.trim_end_matches(|c: char| !c.is_alphanumeric());
        self.abbreviations
            .is_sentence_starter(bare.trim_end_matches('.'))
    }
}

fn is_emoticon(word: &str) -> bool {
    matches!(
        word,
        ":)" | ":-)" | ":(" | ":-(" | ":P" | ":p" | ":D" | ";)" | ";-)" | ":/" | ":-P" | ":'("
    )
}

fn split_words(text: &str, block: Span) -> Vec<Word<'_>> {
    let slice = &text[block.start..block.end];
    let mut words = Vec::new();
    let mut start: Option<usize> = None;
    for (off, c) in slice.char_indices() {
        if c.is_whitespace() {
            if let Some(s) = start.take() {
                words.push(Word {
                    start: block.start + s,
                    end: block.start + off,
                    text: &slice[s..off],
                });
            }
        } else if start.is_none() {
            start = Some(off);
        }
    }
    if let Some(s) = start {
        words.push(Word {
            start: block.start + s,
            end: block.end,
            text: &slice[s..],
        });
    }
    words
}

fn starts_lowercase(word: &str) -> bool {
    word.trim_start_matches(OPENERS)
        .chars()
        .next()
        .is_some_and(char::is_lowercase)
}

/// A word that is only a period (with closing marks), as in a spaced ellipsis ". . .".
fn is_dot_token(word: &str) -> bool {
    word.trim_end_matches(CLOSERS) == "."
}

/// The part of a word before its final period that abbreviation lists are keyed on:
/// "(Mr" -> "Mr", "N°" -> "N°", "Jane.Doe@example.com" -> "com".
fn abbreviation_key(stem: &str) -> &str {
    let cut = stem
        .char_indices()
        .rev()
        .find(|&(_, c)| !(c.is_alphanumeric() || c == '.' || c == '°' || c == '\''))
        .map_or(0, |(i, c)| i + c.len_utf8());
    &stem[cut..]
}

fn is_initial(key: &str) -> bool {
    let mut chars = key.chars();
    matches!((chars.next(), chars.next()), (Some(c), None) if c.is_uppercase())
}

/// "U.S", "U.S.A", "a.m", "e.g", "Ph.D": letters (one or two) joined by periods.
fn is_dotted_acronym(key: &str) -> bool {
    key.contains('.')
        && key.split('.').all(|part| {
            (1..=2).contains(&part.chars().count()) && part.chars().all(char::is_alphabetic)
        })
}

fn is_prepositional_fragment(words: &[Word], sentence_start: usize, i: usize) -> bool {
    let len = i + 1 - sentence_start;
    len <= 3 && {
        let first = words[sentence_start]
            .text
            .trim_start_matches(OPENERS)
            .to_lowercase();
        PREPOSITIONS.contains(first.as_str())
    }
}

fn speech_verb_follows(words: &[Word], from: usize) -> bool {
    for word in words.iter().skip(from).take(4) {
        let bare = word
            .text
            .trim_matches(|c: char| !c.is_alphanumeric())
            .to_lowercase();
        if SPEECH_VERBS.contains(bare.as_str()) {
            return true;
        }
        let core = word.text.trim_end_matches(CLOSERS);
        if core.ends_with(TERMINALS) || word.text.starts_with(OPENERS) {
            return false;
        }
    }
    false
}

/// Parenthesis depth from the start of the current sentence, advanced word by word so that
/// asking at every candidate boundary stays linear in the block.
#[derive(Default)]
struct ParenDepth {
    sentence_start: usize,
    next: usize,
    depth: i32,
}

impl ParenDepth {
    /// Depth after `words[i]` in the sentence starting at `sentence_start`.
    fn at(&mut self, words: &[Word], sentence_start: usize, i: usize) -> i32 {
        if sentence_start != self.sentence_start || self.next > i + 1 {
            *self = ParenDepth {
                sentence_start,
                next: sentence_start,
                depth: 0,
            };
        }
        for w in &words[self.next..=i] {
            for c in w.text.chars() {
                match c {
                    '(' => self.depth += 1,
                    ')' => self.depth = (self.depth - 1).max(0),
                    _ => {}
                }
            }
        }
        self.next = i + 1;
        self.depth
    }
}

/// True when an opening parenthesis before `i` in this sentence is still open and closes
/// soon after: a sentence inside parentheses does not end the outer one.
fn inside_open_parenthesis(
    words: &[Word],
    sentence_start: usize,
    i: usize,
    parens: &mut ParenDepth,
) -> bool {
    parens.at(words, sentence_start, i) > 0
        && words[i + 1..].iter().take(40).any(|w| w.text.contains(')'))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Marker {
    Bullet,
    Number(u32, &'static str),
    Letter(u32, &'static str),
}

fn list_marker(word: &str) -> Option<Marker> {
    if word.starts_with(BULLETS) {
        return Some(Marker::Bullet);
    }
    let (body, style) = if let Some(b) = word.strip_suffix(".)") {
        (b, ".)")
    } else if let Some(b) = word.strip_suffix(')') {
        (b, ")")
    } else if let Some(b) = word.strip_suffix('.') {
        (b, ".")
    } else {
        return None;
    };
    if !body.is_empty() && body.len() <= 3 && body.bytes().all(|b| b.is_ascii_digit()) {
        return body.parse().ok().map(|n| Marker::Number(n, style));
    }
    let mut chars = body.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) if c.is_ascii_lowercase() => Some(Marker::Letter(c as u32, style)),
        _ => None,
    }
}

fn follows(prev: Marker, next: Marker) -> bool {
    match (prev, next) {
        (Marker::Number(a, s), Marker::Number(b, t))
        | (Marker::Letter(a, s), Marker::Letter(b, t)) => b == a + 1 && s == t,
        _ => false,
    }
}

/// Inline enumerations ("1) first 2) second", "a. one b. two", "• x • y"): a new sentence
/// starts at each marker, and a marker never ends a sentence itself.
fn mark_list_items(words: &[Word], break_after: &mut [bool], never_break_after: &mut [bool]) {
    let markers: Vec<(usize, Marker)> = words
        .iter()
        .enumerate()
        .filter_map(|(i, w)| list_marker(w.text).map(|m| (i, m)))
        .collect();
    let bullets: Vec<usize> = markers
        .iter()
        .filter(|(_, m)| *m == Marker::Bullet)
        .map(|&(i, _)| i)
        .collect();
    if bullets.len() >= 2 || bullets.first() == Some(&0) {
        for &i in &bullets {
            if i > 0 {
                break_after[i - 1] = true;
            }
            never_break_after[i] = true;
        }
    }
    let mut is_bullet = vec![false; words.len()];
    for &i in &bullets {
        is_bullet[i] = true;
    }
    let opens_item = |i: usize| i == 0 || is_bullet[i - 1] || words[i - 1].text.ends_with(':');
    let enumerated: Vec<(usize, Marker)> = markers
        .iter()
        .copied()
        .filter(|(_, m)| *m != Marker::Bullet)
        .collect();
    let mut k = 0;
    while k < enumerated.len() {
        let (first, _) = enumerated[k];
        let mut chain_end = k;
        while chain_end + 1 < enumerated.len()
            && follows(enumerated[chain_end].1, enumerated[chain_end + 1].1)
        {
            chain_end += 1;
        }
        if opens_item(first) {
            never_break_after[first] = true;
            if chain_end > k {
                for &(i, _) in &enumerated[k + 1..=chain_end] {
                    // After a bullet, the break goes before the bullet.
                    if !is_bullet[i - 1] {
                        break_after[i - 1] = true;
                    }
                    never_break_after[i] = true;
                }
            }
        }
        k = chain_end + 1;
    }
}

/// Separator words such as "***" or "---" stand alone.
fn mark_separator_lines(words: &[Word], break_after: &mut [bool]) {
    for (i, w) in words.iter().enumerate() {
        let is_separator = w.text.chars().count() >= 3
            && w.text
                .chars()
                .all(|c| matches!(c, '*' | '#' | '=' | '~' | '_' | '-' | '—'));
        if is_separator {
            if i > 0 {
                break_after[i - 1] = true;
            }
            break_after[i] = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sentences(text: &str) -> Vec<&str> {
        RuleSegmenter::default()
            .segment(text)
            .iter()
            .map(|s| &text[s.start..s.end])
            .collect()
    }

    #[test]
    fn splits_plain_sentences_and_keeps_abbreviations() {
        assert_eq!(
            sentences(
                "Mr. Smith went to Washington. He met Dr. J. K. Rowling at 5 p.m. on Sept. 30."
            ),
            vec![
                "Mr. Smith went to Washington.",
                "He met Dr. J. K. Rowling at 5 p.m. on Sept. 30."
            ]
        );
    }

    #[test]
    fn keeps_quoted_question_with_attribution() {
        assert_eq!(
            sentences("\"Really?\" she asked. \"Why?\" Smith asked. \"Fine.\" Then he left."),
            vec![
                "\"Really?\" she asked.",
                "\"Why?\" Smith asked.",
                "\"Fine.\"",
                "Then he left."
            ]
        );
    }

    #[test]
    fn paragraph_breaks_always_end_a_sentence() {
        assert_eq!(
            sentences("A headline without a period\n\nThe body starts here."),
            vec!["A headline without a period", "The body starts here."]
        );
    }

    #[test]
    fn decimals_urls_and_emails_do_not_split() {
        assert_eq!(
            sentences("It cost $3.50 at 10.30 on example.com today. Mail jo.doe@example.org now."),
            vec![
                "It cost $3.50 at 10.30 on example.com today.",
                "Mail jo.doe@example.org now."
            ]
        );
    }
}
