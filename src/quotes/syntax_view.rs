//! Small read-only views of the dependency parse for the speaker steps: the subject of a
//! verb and whether a word is a clause's subject. Every helper answers `None` when the
//! document has no parse (`--no-syntax`), so callers fall back to the word rules.
//! Each call reads a bounded window of tokens around its word, so a pass that calls them a
//! bounded number of times per quote stays linear in the article.

use super::attribution::Attribution;
use super::lexicon::{cue_lexicon, is_reporting_lemma};
use crate::doc::{AttributionMethod, Document, Span};
use crate::syntax::Pos;

/// How many tokens either side of a verb its subject may lie (a sentence's reach).
const WINDOW: usize = 60;

fn has_parse(doc: &Document) -> bool {
    !doc.syntax.is_empty() && doc.syntax.len() == doc.tokens.len()
}

/// The token that starts at or contains byte `pos`.
fn token_at(doc: &Document, pos: usize) -> Option<usize> {
    let i = doc.token_index_at(pos);
    (i < doc.tokens.len() && doc.tokens[i].start <= pos).then_some(i)
}

fn text_of(doc: &Document, span: Span) -> Option<&str> {
    doc.text.get(span.start..span.end)
}

fn is_subject_dep(dep: &str) -> bool {
    matches!(dep, "nsubj" | "nsubjpass")
}

/// Whether `token` lies in the subtree of `root` (following heads, bounded).
fn descends_from(doc: &Document, mut token: usize, root: usize) -> bool {
    for _ in 0..32 {
        if token == root {
            return true;
        }
        let head = doc.syntax[token].head;
        if head == token {
            return false;
        }
        token = head;
    }
    false
}

/// The subject of the verb whose token holds byte `verb_pos`: the span of its `nsubj`
/// child's subtree ("the old man" of `“…,” said the old man`; "he" of `he cried`), without
/// a trailing comma or appositive. `None` without a parse or when the verb has no subject.
pub fn subject_of_verb(doc: &Document, verb_pos: usize) -> Option<Span> {
    if !has_parse(doc) {
        return None;
    }
    let v = token_at(doc, verb_pos)?;
    let from = v.saturating_sub(WINDOW);
    let to = (v + WINDOW).min(doc.tokens.len());
    let subject = (from..to)
        .find(|&t| t != v && doc.syntax[t].head == v && is_subject_dep(&doc.syntax[t].dep))?;
    // The subtree's contiguous run around the subject head: stop at punctuation (an
    // appositive's comma) and at the verb.
    let inside = |t: usize| {
        t != v
            && descends_from(doc, t, subject)
            && doc.syntax[t].pos != Some(Pos::Punct)
            && !matches!(doc.syntax[t].dep.as_str(), "appos" | "relcl" | "acl")
    };
    let mut first = subject;
    while first > from && inside(first - 1) {
        first -= 1;
    }
    let mut last = subject;
    while last + 1 < to && inside(last + 1) {
        last += 1;
    }
    Some(Span::new(doc.tokens[first].start, doc.tokens[last].end))
}

/// Whether the word at byte `pos` is the subject of a verb, per the parse; `None` without
/// a parse.
pub fn is_subject_at(doc: &Document, pos: usize) -> Option<bool> {
    if !has_parse(doc) {
        return None;
    }
    let t = token_at(doc, pos)?;
    // A name of several tokens: its last token carries the arc ("Mr. Pett" -> Pett).
    let s = &doc.syntax[t];
    if is_subject_dep(&s.dep) {
        return Some(true);
    }
    let head = s.head;
    Some(
        head != t
            && head < doc.syntax.len()
            && matches!(s.dep.as_str(), "compound" | "amod" | "det")
            && is_subject_dep(&doc.syntax[head].dep),
    )
}

/// An attribution checked against the parse: a cue the parser tags as a noun or an
/// adjective ("some former remark", "the tone of hope") is no cue, and the mention narrows
/// to the cue verb's subject when that lies inside it ("said my aunt piously" -> "my
/// aunt"). Without a parse the attribution is kept as the word rules found it.
pub fn checked(doc: &Document, a: Attribution) -> Option<Attribution> {
    // Only the clause after a quote or inside it: the clause before ("X said:") keeps the
    // word rules, which news tuned.
    if !has_parse(doc)
        || !matches!(
            a.method,
            AttributionMethod::CueAfter | AttributionMethod::Split
        )
    {
        return Some(a);
    }
    let Some(cue) = token_at(doc, a.cue.start) else {
        return Some(a);
    };
    // A noun by its tag and by its place: an object, or with its own determiner or
    // modifier (a lone mis-tagged "says" stays a cue).
    let tagged_noun = matches!(doc.syntax[cue].pos, Some(Pos::Noun) | Some(Pos::Adj));
    let noun_place = matches!(doc.syntax[cue].dep.as_str(), "pobj" | "dobj" | "attr")
        || (cue.saturating_sub(4)..cue).any(|t| {
            doc.syntax[t].head == cue
                && matches!(doc.syntax[t].dep.as_str(), "det" | "amod" | "poss")
        });
    // The news reporting verbs ("says", "tweeted") stay cues whatever the tag.
    let reporting = text_of(doc, a.cue)
        .and_then(|w| cue_lexicon().get(w))
        .is_some_and(|c| is_reporting_lemma(&c.lemma));
    if tagged_noun && noun_place && !reporting {
        return None;
    }
    let mention = subject_of_verb(doc, a.cue.start)
        .filter(|s| a.mention.contains(*s) && *s != a.mention)
        .unwrap_or(a.mention);
    Some(Attribution { mention, ..a })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Pipeline;

    #[test]
    fn the_subject_of_an_inverted_cue_is_its_nsubj() {
        let d = Pipeline::default().process_text("“Go home,” said the old man quietly.");
        let said = d.text.find("said").expect("said");
        let s = subject_of_verb(&d, said).expect("subject");
        assert_eq!(d.span_text(s), "the old man");
        let d = Pipeline::default().process_text("“Go home,” she cried.");
        let cried = d.text.find("cried").expect("cried");
        assert_eq!(
            d.span_text(subject_of_verb(&d, cried).expect("subject")),
            "she"
        );
        let she = d.text.find("she").expect("she");
        assert_eq!(is_subject_at(&d, she), Some(true));
    }

    #[test]
    fn a_checked_mention_narrows_to_the_subject() {
        let d = Pipeline::default().process_text("“Eat your soup,” said my aunt piously.");
        let q = d.quotes.first().expect("a quote");
        let s = q.speaker.as_ref().expect("a speaker");
        assert_eq!(d.span_text(s.mention), "my aunt");
    }

    #[test]
    fn without_a_parse_there_is_no_answer() {
        let mut d = Pipeline::default().process_text("“Go home,” she cried.");
        d.syntax.clear();
        assert_eq!(subject_of_verb(&d, 12), None);
        assert_eq!(is_subject_at(&d, 12), None);
    }
}
