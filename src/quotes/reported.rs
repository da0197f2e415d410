//! Reported speech: `X says/said (that) …`, `According to X, …`, `…, according to X.`,
//! `…, X said.`, `X told Esquire …`. The content is `indirect`, or `mixed` when part of it
//! is in quote marks.

use super::attribution::{after_quote, lower, object_after, subject_phrase, Attribution};
use super::lexicon::{cue_lexicon, is_punct, is_reporting_lemma, words, Word};
use crate::doc::{Document, Span};

#[derive(Debug, Clone)]
pub struct Reported {
    pub content: Span,
    pub attribution: Attribution,
}

/// Content words after the cue: the end of the sentence without its final punctuation.
fn content_span(text: &str, ws: &[Word], from: usize) -> Option<Span> {
    let mut end = ws.len();
    while end > from && is_punct(ws[end - 1].text(text)) && !matches!(ws[end - 1].text(text), "”" | "\"" | "’" | ")") {
        end -= 1;
    }
    (end >= from + 4).then(|| Span::new(ws[from].span.start, ws[end - 1].span.end))
}

/// Skips what sits between a cue and its content: the hearer of "told" ("told Esquire",
/// "told reporters on Monday"), a time ("said on Tuesday"), and "that".
fn content_start(doc: &Document, ws: &[Word], k: usize, lemma: &str) -> usize {
    let text = &doc.text;
    let that = (k + 1..ws.len().min(k + 9)).find(|&i| lower(ws[i].text(text)) == "that");
    if let Some(t) = that {
        // Only words of a hearer or a time may come before "that".
        if ws[k + 1..t].iter().all(|w| !is_punct(w.text(text)) || w.text(text) == ",") {
            return t + 1;
        }
    }
    let mut i = k + 1;
    if lemma == "tell" || lemma == "ask" {
        // The hearer: a pronoun, a name or "reporters".
        while i < ws.len() && i <= k + 3 {
            let w = ws[i].text(text);
            let hearer = matches!(
                lower(w).as_str(),
                "him" | "her" | "them" | "us" | "me" | "reporters" | "journalists" | "the"
                    | "a" | "an" | "audience" | "crowd" | "supporters" | "listeners"
            ) || w.chars().next().is_some_and(char::is_uppercase);
            if !hearer {
                break;
            }
            i += 1;
        }
    }
    if ws.get(i).is_some_and(|w| lower(w.text(text)) == "that") {
        i += 1;
    }
    i
}

fn mixed_or_indirect(text: &str, content: Span) -> super::QuoteKindHint {
    let s = &text[content.start..content.end];
    if s.contains(['“', '”', '"', '«', '»']) {
        super::QuoteKindHint::Mixed
    } else {
        super::QuoteKindHint::Indirect
    }
}

/// Reported speech in one sentence, if any.
fn in_sentence(doc: &Document, sentence: Span) -> Option<Reported> {
    let text = &doc.text;
    let ws = words(text, sentence);
    if ws.len() < 5 {
        return None;
    }
    // According to X, CONTENT.
    if lower(ws[0].text(text)) == "according" && ws[1].text(text) == "to" {
        let comma = ws.iter().position(|w| w.text(text) == ",")?;
        let mention = object_after(doc, &ws[..comma], 1)?;
        let content = content_span(text, &ws, comma + 1)?;
        return Some(Reported {
            content,
            attribution: Attribution {
                mention,
                cue: Span::new(ws[0].span.start, ws[1].span.end),
                method: "according-to",
            },
        });
    }
    // CONTENT, according to X. / CONTENT, X said.
    if let Some(comma) = (2..ws.len().saturating_sub(2))
        .rev()
        .find(|&i| ws[i].text(text) == ",")
    {
        let tail = Span::new(ws[comma + 1].span.start, sentence.end);
        if ws.len() - comma <= 14 {
            if let Some(a) = after_quote(doc, tail) {
                let strong = a.method == "according-to"
                    || cue_lexicon()
                        .get(&text[a.cue.start..a.cue.end])
                        .is_some_and(|c| is_reporting_lemma(&c.lemma));
                let rest = text[a.mention.end.max(a.cue.end)..sentence.end].trim();
                let tail_ends = rest.len() <= 60 && !rest.contains(',');
                if strong && tail_ends {
                    let content = content_span(text, &ws[..comma + 1], 0)?;
                    return Some(Reported {
                        content,
                        attribution: Attribution {
                            method: if a.method == "according-to" {
                                "according-to"
                            } else {
                                "reported-after"
                            },
                            ..a
                        },
                    });
                }
            }
        }
    }
    // SUBJECT CUE (that) CONTENT.
    let lexicon = cue_lexicon();
    for k in 1..ws.len().min(18) {
        let w = ws[k].text(text);
        let Some(cue) = lexicon.get(w) else { continue };
        if !is_reporting_lemma(&cue.lemma) || w.chars().next().is_some_and(char::is_uppercase) {
            continue;
        }
        let Some((mention, subject_start)) = subject_phrase(doc, &ws, k) else {
            continue;
        };
        // The subject must start the clause: sentence start, or after a comma/intro.
        let starts_clause = subject_start == 0
            || matches!(ws[subject_start - 1].text(text), "," | ":" | ";" | "—" | "–")
            || lower(ws[subject_start - 1].text(text)) == "and"
            || lower(ws[subject_start - 1].text(text)) == "but";
        if !starts_clause {
            continue;
        }
        let from = content_start(doc, &ws, k, &cue.lemma);
        if from >= ws.len() {
            continue;
        }
        // "said in a statement." / "said it." are not content.
        let first = lower(ws[from].text(text));
        if matches!(first.as_str(), "." | "," | "in" | "to" | "so" | "nothing" | "no" | "goodbye" | "yes")
            && from == k + 1
        {
            continue;
        }
        let Some(content) = content_span(text, &ws, from) else {
            continue;
        };
        return Some(Reported {
            content,
            attribution: Attribution {
                mention,
                cue: ws[k].span,
                method: "reported-cue",
            },
        });
    }
    None
}

/// Reported speech in every sentence that no direct quote or attribution already covers.
pub fn find(doc: &Document, covered: &[Span]) -> Vec<(Reported, super::QuoteKindHint)> {
    let text = &doc.text;
    doc.sentences
        .iter()
        .filter(|s| !covered.iter().any(|c| c.overlaps(**s) && is_direct_heavy(text, **s, *c)))
        .filter_map(|s| in_sentence(doc, *s))
        .map(|r| {
            let kind = mixed_or_indirect(text, r.content);
            (r, kind)
        })
        .collect()
}

/// A sentence is taken by a direct quote when the quote or its attribution covers a
/// real part of it (not a short embedded fragment).
fn is_direct_heavy(_text: &str, sentence: Span, covered: Span) -> bool {
    let overlap = sentence.end.min(covered.end).saturating_sub(sentence.start.max(covered.start));
    overlap * 3 >= sentence.len() || covered.len() > 0 && overlap == covered.len()
}
