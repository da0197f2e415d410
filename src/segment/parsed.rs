//! Sentences from the dependency parser combined with the rule segmenter.
//!
//! The pipeline runs, per article:
//! ```text
//! rule   = RuleSegmenter.segment(text)
//! hard   = parse_presets(text, &rule, &tokens)          // starts the parser must keep
//! syntax = embedded_syntax().analyze_within(text, &tokens, &hard)
//! sents  = combine_with_parse(text, &rule, &tokens, &syntax)
//! ```
//! Blocks (paragraphs, headline and list lines) are hard boundaries the parser keeps. Inside
//! a block the two sources vote: see [`combine_with_parse`].

use crate::doc::Span;
use crate::ner::tokenizer::Token;
use crate::syntax::{Pos, TokenSyntax};

/// Whether a token is only whitespace (spaCy's `is_space`): never starts or ends a sentence.
fn is_space_token(text: &str, token: &Token) -> bool {
    text.get(token.start..token.end)
        .is_none_or(|w| w.chars().all(char::is_whitespace))
}

/// Per token: does a span of `spans` start there? (Spans start on non-whitespace, which is
/// always a token start for spaCy's tokenizer; a span starting mid-token marks the next one.)
pub fn starts_of_spans(text: &str, spans: &[Span], tokens: &[Token]) -> Vec<bool> {
    let mut starts = vec![false; tokens.len()];
    // Walk spans and tokens together: linear in both.
    let mut t = 0;
    for span in spans {
        while t < tokens.len() && tokens[t].start < span.start {
            t += 1;
        }
        while t < tokens.len() && is_space_token(text, &tokens[t]) {
            t += 1;
        }
        if t < tokens.len() {
            starts[t] = true;
        }
    }
    starts
}

/// The sentences delimited by `starts` (indexed like `tokens`): each runs from a marked
/// token to the last non-space token before the next mark. A mark on a whitespace token
/// moves to the next word; the first word always starts a sentence.
pub fn spans_from_starts(text: &str, tokens: &[Token], starts: &[bool]) -> Vec<Span> {
    let mut out = Vec::new();
    let mut current: Option<Span> = None;
    let mut pending = true;
    for (i, token) in tokens.iter().enumerate() {
        pending |= starts.get(i).copied().unwrap_or(false);
        if is_space_token(text, token) {
            continue;
        }
        if pending {
            out.extend(current.take());
            current = Some(Span::new(token.start, token.end));
            pending = false;
        } else if let Some(c) = current.as_mut() {
            c.end = token.end;
        }
    }
    out.extend(current);
    out
}

/// The sentence starts the parser must keep (indexed like `tokens`): the first word of every
/// rule sentence. They include every block start (paragraphs, headline and list lines), which
/// stay hard boundaries; keeping the others too costs nothing in accuracy (UD English EWT
/// dev: the same F1 as block starts alone) and makes every final sentence a run of whole
/// parser sentences, so no dependency arc crosses a sentence boundary.
pub fn parse_presets(text: &str, rule: &[Span], tokens: &[Token]) -> Vec<bool> {
    starts_of_spans(text, rule, tokens)
}

/// A sentence of at least this many tokens (whitespace not counted) can be judged not prose.
const NON_PROSE_MIN_TOKENS: usize = 20;

/// Punctuation of ordinary sentences and lists ("Smith (Leeds), Jones (Hull), ..."):
/// a token made only of these is not a stray mark.
const SENTENCE_PUNCTUATION: &str = ".,;:!?()[]-/&%+–—…";

/// The tokens of sentences that are not prose (indexed like `tokens`; `starts` as from
/// [`parse_presets`]): a sentence of at least 20 tokens (whitespace not counted) in which
/// fewer than half the tokens hold a letter or a digit and at least a quarter are stray
/// marks (quote marks, brackets and symbols other than `.,;:!?()[]-/&%+–—…`): quote-mark
/// soup, mojibake, symbol tables. A dependency parse or a model entity of such a run means
/// nothing, and the networks are most of what it costs, so the pipeline tags these tokens
/// without parsing them and runs the entity network around them. Prose never qualifies:
/// news runs at about one punctuation token in eight; a squad list ("Smith (Leeds), Jones
/// (Hull), ...") is under half words but has no stray marks; a short quoted
/// exclamation or a line of dialogue (`‘Why not,’ she said, ‘if we must?’`) is below the
/// length. No sentence of the 2,225 BBC articles or of the LitBank excerpts qualifies.
pub fn non_prose_tokens(text: &str, tokens: &[Token], starts: &[bool]) -> Vec<bool> {
    let mut out = vec![false; tokens.len()];
    let mut begin = 0;
    while begin < tokens.len() {
        let end = (begin + 1..tokens.len())
            .find(|&i| starts.get(i).copied().unwrap_or(false))
            .unwrap_or(tokens.len());
        let (mut counted, mut words, mut stray) = (0usize, 0usize, 0usize);
        for token in &tokens[begin..end] {
            let word = word_of(text, token);
            if word.trim().is_empty() {
                continue;
            }
            counted += 1;
            if word.chars().any(char::is_alphanumeric) {
                words += 1;
            } else if !word.chars().all(|c| SENTENCE_PUNCTUATION.contains(c)) {
                stray += 1;
            }
        }
        if counted >= NON_PROSE_MIN_TOKENS && words * 2 < counted && stray * 4 >= counted {
            out[begin..end].fill(true);
        }
        begin = end;
    }
    out
}

/// How the words before a candidate boundary end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ending {
    /// A period, question or exclamation mark the tokenizer split off its word (so not part
    /// of an abbreviation it knows, "Mr." or "Yahoo!"), not an ellipsis, not followed by a
    /// closing quote (`"Great." she said` goes on) or bracket (a sentence in brackets).
    Terminal {
        exclamation: bool,
        /// The word before is capitalised ("Wham!", "Hey Ya!": a title or name).
        after_capital: bool,
    },
    Other,
}

/// How the words `words` (token indices, at least one) end.
fn ending(text: &str, tokens: &[Token], words: &[usize]) -> Ending {
    let last = words.len() - 1;
    let word = word_of(text, &tokens[words[last]]);
    let plain = !word.is_empty()
        && word.chars().all(|c| matches!(c, '.' | '!' | '?' | '‽'))
        && !word.contains("..");
    // ". . ." is an ellipsis, not a period.
    let spaced_ellipsis = word == "." && last > 0 && word_of(text, &tokens[words[last - 1]]) == ".";
    // "Wham!", "Hey Ya!": an exclamation mark after a capitalised word ends a title or name.
    let after_capital = last > 0
        && word_of(text, &tokens[words[last - 1]])
            .chars()
            .next()
            .is_some_and(char::is_uppercase);
    if plain && !spaced_ellipsis {
        Ending::Terminal {
            exclamation: word.contains('!'),
            after_capital,
        }
    } else {
        Ending::Other
    }
}

fn word_of<'t>(text: &'t str, token: &Token) -> &'t str {
    text.get(token.start..token.end).unwrap_or("")
}

/// The final sentences: the rule sentences, split further where the parser starts a sentence
/// that the rules refused only because its first word is in lower case (informal text:
/// "i left. then it rained."): the word before is a period, question or exclamation mark
/// standing on its own (see `Ending`), and the parser's sentence before it has a verb (a
/// stray period after a lone word in edited text, "Overall. sales fell", is a typo more
/// often than a sentence end). An exclamation mark also ends names and interjections
/// ("Yahoo! in", "Welcome! to"), so after one the parser's sentence from there must have a
/// verb too, and not after a capitalised word ("Wham! along with"). A lower-case
/// conjunction or preposition continues the sentence. Where the parser and the rules disagree otherwise, the rules win: on UD English
/// EWT dev the parser's other extra boundaries are wrong more often than right.
/// Without a parse (`syntax` empty, or not one entry per token) the rule sentences stand.
/// Linear in the number of tokens.
pub fn combine_with_parse(
    text: &str,
    rule: &[Span],
    tokens: &[Token],
    syntax: &[TokenSyntax],
) -> Vec<Span> {
    if syntax.is_empty() || syntax.len() != tokens.len() {
        return rule.to_vec();
    }
    let mut starts = starts_of_spans(text, rule, tokens);
    let words: Vec<usize> = (0..tokens.len())
        .filter(|&i| !is_space_token(text, &tokens[i]))
        .collect();
    // The parser's starts, moved off whitespace tokens onto the next word, and whether each
    // parser sentence (numbered in order) has a verb.
    let mut parsed = vec![false; tokens.len()];
    let mut sentence_of = vec![0usize; tokens.len()];
    let mut has_verb = vec![false];
    let mut pending = false;
    for (i, t) in syntax.iter().enumerate() {
        pending |= t.sent_start;
        if !is_space_token(text, &tokens[i]) {
            parsed[i] = pending;
            if pending && i > 0 {
                has_verb.push(false);
            }
            pending = false;
        }
        let id = has_verb.len() - 1;
        sentence_of[i] = id;
        has_verb[id] |= matches!(t.pos, Some(Pos::Verb | Pos::Aux));
    }
    for w in 1..words.len() {
        let i = words[w];
        if !parsed[i] || starts[i] {
            continue;
        }
        let lower = word_of(text, &tokens[i])
            .chars()
            .find(|c| c.is_alphanumeric())
            .is_some_and(char::is_lowercase);
        let accept = match ending(text, tokens, &words[..w]) {
            Ending::Terminal {
                exclamation,
                after_capital,
            } => {
                lower
                    && !(exclamation && after_capital)
                    // "introduced. unless", "2003. with": a conjunction or preposition in
                    // lower case continues the sentence past a stray period.
                    && !matches!(syntax[i].pos, Some(Pos::Adp | Pos::Sconj | Pos::Cconj))
                    && has_verb[sentence_of[i].saturating_sub(1)]
                    && (!exclamation || has_verb[sentence_of[i]])
            }
            Ending::Other => false,
        };
        starts[i] |= accept;
    }
    spans_from_starts(text, tokens, &starts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::segment::{RuleSegmenter, Segmenter};

    fn tokens(text: &str) -> Vec<Token> {
        crate::ner::embedded_model().tokenizer.tokenize(text)
    }

    fn texts<'a>(text: &'a str, spans: &[Span]) -> Vec<&'a str> {
        spans.iter().map(|s| &text[s.start..s.end]).collect()
    }

    /// The rule sentences of `text` whose tokens are marked (a sentence is all or nothing).
    fn non_prose_sentences(text: &str) -> Vec<&str> {
        let toks = tokens(text);
        let rule = RuleSegmenter::default().segment(text);
        let starts = parse_presets(text, &rule, &toks);
        let marks = non_prose_tokens(text, &toks, &starts);
        rule.iter()
            .map(|s| {
                let inside: Vec<bool> = toks
                    .iter()
                    .zip(&marks)
                    .filter(|(t, _)| t.start >= s.start && t.end <= s.end)
                    .map(|(_, &m)| m)
                    .collect();
                assert!(
                    inside.iter().all(|&m| m == inside[0]),
                    "one flag per sentence"
                );
                (s, inside[0])
            })
            .filter(|&(_, marked)| marked)
            .map(|(s, _)| &text[s.start..s.end])
            .collect()
    }

    #[test]
    fn only_long_runs_of_stray_marks_are_not_prose() {
        let soup = "» “ she ‹ » said 」「 ' ` » ran ‟ 『 » “ the « ” ´ ' man 〝 ＂ » ‘ ’ « »";
        let text = format!(
            "The council met on Monday. {soup}\n\nSmith (Leeds), Jones (Hull), Brown (York), \
             Green (Bath), White (Ely), Black (Wells), Gray (Ripon).\n\n\
             ‘Why not,’ she said, ‘if we must?’\n\n\
             \"No!\" \"Yes!\" \"No!\" \"Yes!\" he said."
        );
        assert_eq!(non_prose_sentences(&text), vec![soup]);
        // Twenty tokens at least: the soup's first 19 tokens (18 pieces, one holds two)
        // are prose by their length alone.
        let short: Vec<&str> = soup.split(' ').take(18).collect();
        assert!(non_prose_sentences(&short.join(" ")).is_empty());
    }

    /// A hand-made parse: sentence starts at the tokens whose text is in `starts_at` (first
    /// occurrence), verbs at the words in `verbs`.
    fn parse(text: &str, tokens: &[Token], starts_at: &[&str], verbs: &[&str]) -> Vec<TokenSyntax> {
        let mut seen = std::collections::HashSet::new();
        tokens
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let w = &text[t.start..t.end];
                TokenSyntax {
                    tag: String::new(),
                    pos: verbs.contains(&w).then_some(Pos::Verb),
                    morph: String::new(),
                    lemma: w.to_lowercase(),
                    dep: String::new(),
                    head: i,
                    sent_start: i == 0 || (starts_at.contains(&w) && seen.insert(w)),
                }
            })
            .collect()
    }

    fn combine(text: &str, starts_at: &[&str], verbs: &[&str]) -> Vec<String> {
        let toks = tokens(text);
        let rule = RuleSegmenter::default().segment(text);
        let syn = parse(text, &toks, starts_at, verbs);
        texts(text, &combine_with_parse(text, &rule, &toks, &syn))
            .into_iter()
            .map(String::from)
            .collect()
    }

    #[test]
    fn spans_snap_to_words_and_skip_whitespace_tokens() {
        let text = "One two.\n\n  Three  four. ";
        let toks = tokens(text);
        let spans = RuleSegmenter::default().segment(text);
        let starts = starts_of_spans(text, &spans, &toks);
        let back = spans_from_starts(text, &toks, &starts);
        assert_eq!(texts(text, &back), vec!["One two.", "Three  four."]);
        // A start on a whitespace token moves to the next word.
        let mut on_space = vec![false; toks.len()];
        let newline = toks
            .iter()
            .position(|t| text[t.start..t.end].starts_with('\n'))
            .expect("a whitespace token");
        on_space[newline] = true;
        assert_eq!(
            texts(text, &spans_from_starts(text, &toks, &on_space)),
            vec!["One two.", "Three  four."]
        );
    }

    #[test]
    fn presets_are_the_rule_sentence_starts_including_blocks() {
        let text = "A Headline Without Stop\nFirst line. Second one.\n\nNew paragraph";
        let toks = tokens(text);
        let rule = RuleSegmenter::default().segment(text);
        let presets = parse_presets(text, &rule, &toks);
        let marked: Vec<&str> = toks
            .iter()
            .zip(&presets)
            .filter(|(_, &p)| p)
            .map(|(t, _)| &text[t.start..t.end])
            .collect();
        assert_eq!(marked, vec!["A", "First", "Second", "New"]);
    }

    #[test]
    fn a_lower_case_sentence_after_a_period_is_taken_from_the_parser() {
        // The rules refuse "." + lower case; the parser's start there is taken.
        assert_eq!(
            combine(
                "we got home late. then it rained all night.",
                &["then"],
                &["got", "rained"]
            ),
            vec!["we got home late.", "then it rained all night."]
        );
        // The part before needs a verb: a stray period after a lone word is a typo.
        assert_eq!(
            combine("Overall. sales fell again.", &["sales"], &["fell"]),
            vec!["Overall. sales fell again."]
        );
        // A lower-case conjunction or preposition continues past a stray period.
        let text = "The plan was agreed in May. with both sides in favour.";
        let toks = tokens(text);
        let rule = RuleSegmenter::default().segment(text);
        let mut syn = parse(text, &toks, &["with"], &["was", "agreed"]);
        let with = toks.iter().position(|t| &text[t.start..t.end] == "with");
        syn[with.expect("a token")].pos = Some(Pos::Adp);
        assert_eq!(combine_with_parse(text, &rule, &toks, &syn), rule);
        // Without a parser start there, the rule sentence stands.
        assert_eq!(
            combine("we got home late. then it rained all night.", &[], &["got"]),
            vec!["we got home late. then it rained all night."]
        );
    }

    #[test]
    fn the_rules_win_everywhere_else() {
        // No terminal punctuation before the parser's start.
        assert_eq!(
            combine("it was late and we went home", &["and"], &["was", "went"]),
            vec!["it was late and we went home"]
        );
        // A capitalised word after an abbreviation the tokenizer keeps whole.
        assert_eq!(
            combine("We met Mr. Brown at noon.", &["Brown"], &["met"]),
            vec!["We met Mr. Brown at noon."]
        );
        // A closing quote: the quoted sentence goes on ("... she said").
        assert_eq!(
            combine(
                "She said \"we are done.\" then she left.",
                &["then"],
                &["said", "left"]
            ),
            vec!["She said \"we are done.\" then she left."]
        );
        // A closing bracket: a sentence inside brackets.
        assert_eq!(
            combine(
                "He works (he moved here.) in the city.",
                &["in"],
                &["works", "moved"]
            ),
            vec!["He works (he moved here.) in the city."]
        );
        // Ellipses, unspaced and spaced.
        assert_eq!(
            combine("well... maybe not . . . or yes", &["maybe", "or"], &[]),
            vec!["well... maybe not . . . or yes"]
        );
    }

    #[test]
    fn after_an_exclamation_mark_the_parser_sentence_needs_a_verb() {
        assert_eq!(
            combine(
                "They all shouted Hurrah! at the end.",
                &["at"],
                &["shouted"]
            ),
            vec!["They all shouted Hurrah! at the end."]
        );
        // After a capitalised word, "!" ends a title: "Wham! later" goes on.
        assert_eq!(
            combine(
                "He sang in Wham! we all know that.",
                &["we"],
                &["sang", "know"]
            ),
            vec!["He sang in Wham! we all know that."]
        );
        assert_eq!(
            combine("so they did it! we won the cup.", &["we"], &["did", "won"]),
            vec!["so they did it!", "we won the cup."]
        );
    }

    #[test]
    fn no_parse_keeps_the_rule_sentences_and_combining_is_idempotent() {
        let text = "one thing. another thing here! and more? yes.";
        let toks = tokens(text);
        let rule = RuleSegmenter::default().segment(text);
        assert_eq!(combine_with_parse(text, &rule, &toks, &[]), rule);
        let syn = parse(text, &toks, &["another", "and"], &["here"]);
        let once = combine_with_parse(text, &rule, &toks, &syn);
        let twice = combine_with_parse(text, &once, &toks, &syn);
        assert_eq!(once, twice);
    }

    #[test]
    fn the_real_parser_splits_informal_lower_case_text() {
        let text = "Title Of The Post\n\ni got home late last night. my sister was asleep already.";
        let toks = tokens(text);
        let rule = RuleSegmenter::default().segment(text);
        let syntax = crate::syntax::embedded_syntax();
        let syn = syntax.analyze_within(text, &toks, &parse_presets(text, &rule, &toks));
        let sents = combine_with_parse(text, &rule, &toks, &syn);
        assert_eq!(
            texts(text, &sents),
            vec![
                "Title Of The Post",
                "i got home late last night.",
                "my sister was asleep already."
            ]
        );
        for s in &sents {
            let t = &text[s.start..s.end];
            assert_eq!(t, t.trim());
        }
    }
}
