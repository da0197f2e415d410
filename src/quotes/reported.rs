//! Reported speech: `X says/said (that) …`, `According to X, …`, `…, according to X.`,
//! `…, X said.`, `A, X said, B.`, `X told Esquire …`, `…, saying …`, `X called Y “…”`.
//! The content is `indirect`, or `mixed` when part of it is in quote marks.

use super::attribution::{
    after_words, is_cue_at, lower, sentence_subject, subject_phrase, Attribution,
};
use super::lexicon::{cue_lexicon, is_capitalised, is_punct, is_reporting_lemma, words, Word};
use std::collections::HashSet;
use std::sync::LazyLock;

use super::clause::{Role, Tree};
use super::lexicon::word_list;
use crate::doc::{AttributionMethod, Document, EntityLabel, QuoteKind, Span};
use crate::syntax::Pos;

#[derive(Debug, Clone)]
pub struct Reported {
    pub parts: Vec<Span>,
    pub attribution: Attribution,
}

impl Reported {
    pub fn hull(&self) -> Span {
        Span::new(
            self.parts.first().map_or(0, |p| p.start),
            self.parts.last().map_or(0, |p| p.end),
        )
    }
}

fn is_quote_mark(w: &str) -> bool {
    matches!(w, "”" | "\"" | "’" | "“" | "'" | "»" | "«")
}

/// Content words from `from` to `to` (exclusive) without the final punctuation.
fn content_span(text: &str, ws: &[Word], from: usize, to: usize) -> Option<Span> {
    let mut end = to.min(ws.len());
    let mut from = from;
    while from < end && matches!(ws[from].text(text), "," | ";" | ":" | "—" | "–") {
        from += 1;
    }
    while end > from
        && is_punct(ws[end - 1].text(text))
        && !is_quote_mark(ws[end - 1].text(text))
        && ws[end - 1].text(text) != ")"
    {
        end -= 1;
    }
    // A closing quote mark stays, but the period before it is part of the quote anyway.
    (end >= from + 3).then(|| Span::new(ws[from].span.start, ws[end - 1].span.end))
}

/// Skips what sits between a cue and its content: the hearer of "told" ("told Esquire",
/// "told reporters on Monday"), a time ("said on Tuesday"), and "that".
fn content_start(doc: &Document, ws: &[Word], k: usize, lemma: &str) -> usize {
    let text = &doc.text;
    let that = (k + 1..ws.len().min(k + 9)).find(|&i| lower(ws[i].text(text)) == "that");
    if let Some(t) = that {
        // Only words of a hearer or a time may come before "that".
        if ws[k + 1..t]
            .iter()
            .all(|w| !is_punct(w.text(text)) || w.text(text) == ",")
        {
            return t + 1;
        }
    }
    let mut i = k + 1;
    if lemma == "tell" || lemma == "ask" || lemma == "warn" || lemma == "assure" {
        // The hearer: a pronoun, a name or "reporters".
        while i < ws.len() && i <= k + 3 {
            let w = ws[i].text(text);
            let hearer = matches!(
                lower(w).as_str(),
                "him"
                    | "her"
                    | "them"
                    | "us"
                    | "me"
                    | "you"
                    | "reporters"
                    | "journalists"
                    | "the"
                    | "a"
                    | "an"
                    | "audience"
                    | "crowd"
                    | "supporters"
                    | "listeners"
                    | "voters"
                    | "viewers"
            ) || is_capitalised(w);
            if !hearer {
                break;
            }
            i += 1;
        }
    }
    if ws.get(i).is_some_and(|w| matches!(w.text(text), "," | ":")) {
        i += 1;
    }
    if ws.get(i).is_some_and(|w| lower(w.text(text)) == "that") {
        i += 1;
    }
    i
}

/// Verbs that name what someone said only when the words are quoted:
/// `called the show “the conservative news show of record.”`
fn is_naming_lemma(lemma: &str) -> bool {
    matches!(
        lemma,
        "call" | "describe" | "dub" | "label" | "brand" | "term"
    )
}

/// Participles that report speech after a comma (`data/participle_cues.txt`).
fn is_participle_cue(word: &str) -> bool {
    static SET: LazyLock<HashSet<&'static str>> =
        LazyLock::new(|| word_list(include_str!("../../data/participle_cues.txt")));
    SET.contains(word)
}

/// Reported speech in one sentence.
fn in_sentence(doc: &Document, sentence: Span, marks: &QuoteMarkIndex) -> Vec<Reported> {
    let text = &doc.text;
    let ws = words(text, sentence);
    let mut out: Vec<Reported> = Vec::new();
    if ws.len() < 5 {
        return out;
    }
    let end = ws.len();
    if let Some(r) = fixed_form(doc, &ws) {
        out.push(r);
        return out;
    }
    // CONTENT, according to X. / CONTENT, X said. / A, X said, B.
    let lexicon = cue_lexicon();
    // The sentence is tokenized once; every comma tries the words after it (linear in
    // the sentence: `after_words` reads a bounded prefix).
    for comma in (2..end.saturating_sub(2)).filter(|&i| ws[i].text(text) == ",") {
        let Some(a) = after_words(doc, &ws[comma + 1..]) else {
            continue;
        };
        if a.method == AttributionMethod::AccordingTo {
            continue;
        }
        let strong = lexicon
            .get(&text[a.cue.start..a.cue.end])
            .is_some_and(|c| is_reporting_lemma(&c.lemma));
        if !strong {
            continue;
        }
        let clause_end = a.mention.end.max(a.cue.end);
        // Where the attribution clause ends: the sentence end, or a comma after it.
        let after = comma
            + 1
            + ws[comma + 1..]
                .iter()
                .position(|w| w.span.start >= clause_end)
                .unwrap_or(end - comma - 1);
        let rest = &ws[after..];
        let method = AttributionMethod::ReportedAfter;
        let Some(first) = content_span(text, &ws, 0, comma + 1) else {
            continue;
        };
        let short_rest = rest.len() <= 12 && !rest.iter().any(|w| w.text(text) == ",");
        if short_rest || rest.iter().all(|w| is_punct(w.text(text))) {
            // "…, X said." (an appositive or a time may follow the name).
            out.push(Reported {
                parts: vec![first],
                attribution: Attribution { method, ..a },
            });
            return out;
        }
        if rest.first().is_some_and(|w| w.text(text) == ",") {
            // "A, X said, B."
            if let Some(second) = content_span(text, &ws, after + 1, end) {
                out.push(Reported {
                    parts: vec![first, second],
                    attribution: Attribution { method, ..a },
                });
                return out;
            }
        }
    }
    // SUBJECT CUE (that) CONTENT, for every cue of the sentence.
    let mut k = 1;
    while k < end {
        let w = ws[k].text(text);
        let cue = lexicon.get(w);
        let usable = cue.is_some_and(|c| {
            // Literary verbs ("returned", "cried") report speech only next to quote marks.
            !c.dialogue_only &&
            // Every verb of the lexicon; the weakest only with quoted words (below).
            is_cue_at(doc, &ws, k)
        });
        if !usable {
            k += 1;
            continue;
        }
        let Some(cue) = cue else { break };
        // ", saying …": the speaker is the subject of the sentence.
        let participle = is_participle_cue(&lower(w)) && ws[k - 1].text(text) == ",";
        let subject = if participle {
            sentence_subject(doc, &ws[..k])
        } else {
            subject_phrase(doc, &ws, k).and_then(|(mention, start)| {
                let previous = start.checked_sub(1).map(|i| lower(ws[i].text(text)));
                let starts_clause = match previous.as_deref() {
                    None => true,
                    Some(p) => {
                        matches!(
                            p,
                            "," | ":"
                                | ";"
                                | "—"
                                | "–"
                                | "and"
                                | "but"
                                | "where"
                                | "because"
                                | "while"
                                | "when"
                                | "as"
                                | "if"
                                | "since"
                                | "so"
                                | "("
                                | "“"
                                | "\""
                        )
                    }
                };
                starts_clause.then_some(mention)
            })
        };
        let Some(mention) = subject.or_else(|| {
            // "…, who said …": the relative pronoun is the mention.
            (k >= 1 && lower(ws[k - 1].text(text)) == "who").then_some(ws[k - 1].span)
        }) else {
            k += 1;
            continue;
        };
        let from = content_start(doc, &ws, k, &cue.lemma);
        if from >= end {
            break;
        }
        let first = lower(ws[from].text(text));
        let then_punct = ws
            .get(from + 1)
            .is_none_or(|w| is_punct(w.text(text)) && !is_quote_mark(w.text(text)));
        // "said in a statement.", "said so.", "said it." are not content.
        let no_content = from == k + 1
            && (matches!(
                first.as_str(),
                "." | ","
                    | "in"
                    | "to"
                    | "for"
                    | "on"
                    | "at"
                    | "of"
                    | "about"
                    | "with"
                    | "by"
                    | "goodbye"
                    | "during"
                    | "after"
                    | "before"
                    | "from"
            ) || (matches!(
                first.as_str(),
                "it" | "this" | "so" | "nothing" | "no" | "yes" | "that"
            ) && then_punct));
        let Some(content) = (!no_content)
            .then(|| content_span(text, &ws, from, end))
            .flatten()
        else {
            k += 1;
            continue;
        };
        let quoted = marks.any_in(content);
        if is_naming_lemma(&cue.lemma) && !quoted {
            k += 1;
            continue;
        }
        out.push(Reported {
            parts: vec![content],
            attribution: Attribution {
                mention,
                cue: ws[k].span,
                method: if participle {
                    AttributionMethod::ReportedParticiple
                } else {
                    AttributionMethod::ReportedCue
                },
            },
        });
        // Later cues sit inside this content ("X said Y told him that …"): each is an
        // attribution of its own, nested in this one.
        k += 1;
    }
    out
}

/// "According to X, A." / "A, according to X." / "A, according to X, B.": the source is
/// the phrase after "according to" up to the next punctuation, whatever it is ("exit
/// polling data", "a report from the State Department").
fn according_to(doc: &Document, ws: &[Word]) -> Option<Reported> {
    let text = &doc.text;
    let at = (0..ws.len().saturating_sub(2))
        .find(|&i| lower(ws[i].text(text)) == "according" && ws[i + 1].text(text) == "to")?;
    let source_start = at + 2;
    let mut source_end = source_start;
    while source_end < ws.len()
        && source_end - source_start < 16
        && !matches!(
            ws[source_end].text(text),
            "," | "." | ";" | ":" | "?" | "!" | "—" | "–" | "("
        )
    {
        source_end += 1;
    }
    if source_end == source_start {
        return None;
    }
    let mention = Span::new(ws[source_start].span.start, ws[source_end - 1].span.end);
    let cue = Span::new(ws[at].span.start, ws[at + 1].span.end);
    let end = ws.len();
    let mut parts = Vec::new();
    if at > 0 {
        // The words before ", according to" (without the comma).
        let before_end = if ws[at - 1].text(text) == "," {
            at - 1
        } else {
            at
        };
        parts.extend(content_span(text, ws, 0, before_end));
    }
    if source_end < end && ws[source_end].text(text) == "," {
        parts.extend(content_span(text, ws, source_end + 1, end));
    }
    (!parts.is_empty()).then_some(Reported {
        parts,
        attribution: Attribution {
            mention,
            cue,
            method: AttributionMethod::AccordingTo,
        },
    })
}

/// Headline attributions: "Rubio: I Still Believe Trump Can't Be Trusted …" — a short
/// name, a colon, then what they said.
fn headline_colon(doc: &Document, ws: &[Word]) -> Option<Reported> {
    let text = &doc.text;
    let colon = ws.iter().take(6).position(|w| w.text(text) == ":")?;
    if colon == 0 || ws.len() < colon + 4 {
        return None;
    }
    let source = &ws[..colon];
    let names_someone = doc.entities.iter().any(|e| {
        matches!(
            e.label,
            EntityLabel::Person | EntityLabel::Org | EntityLabel::Norp | EntityLabel::Gpe
        ) && source.iter().any(|w| w.span.overlaps(e.span))
    });
    let capitalised = source.iter().all(|w| is_capitalised(w.text(text)));
    if !names_someone || !capitalised {
        return None;
    }
    let content = content_span(text, ws, colon + 1, ws.len())?;
    Some(Reported {
        parts: vec![content],
        attribution: Attribution {
            mention: Span::new(source[0].span.start, source[colon - 1].span.end),
            cue: ws[colon].span,
            method: AttributionMethod::Colon,
        },
    })
}

/// The content between tokens `l` and `r` (inclusive) without the punctuation at its
/// edges (a closing quote mark or parenthesis stays); `None` under three tokens.
fn token_content(doc: &Document, l: usize, r: usize) -> Option<Span> {
    let text = &doc.text;
    let tok = |i: usize| &text[doc.tokens[i].start..doc.tokens[i].end];
    let (mut l, mut r) = (l, r + 1);
    while l < r && matches!(tok(l), "," | ";" | ":" | "—" | "–" | "-" | "--") {
        l += 1;
    }
    while r > l && is_punct(tok(r - 1)) && !is_quote_mark(tok(r - 1)) && tok(r - 1) != ")" {
        r -= 1;
    }
    (r >= l + 3).then(|| Span::new(doc.tokens[l].start, doc.tokens[r - 1].end))
}

/// Verbs outside the cue lexicon that attribute a clause after them on the parse ("the
/// poll shows that …", "investigators found that …"; `data/complement_cues.txt`).
fn is_complement_cue(lemma: &str) -> bool {
    static SET: LazyLock<HashSet<&'static str>> =
        LazyLock::new(|| word_list(include_str!("../../data/complement_cues.txt")));
    SET.contains(lemma)
}

/// Verbs whose object is the hearer, not what was said ("told reporters", "asked him").
fn is_hearer_lemma(lemma: &str) -> bool {
    static SET: LazyLock<HashSet<&'static str>> =
        LazyLock::new(|| word_list(include_str!("../../data/hearer_verbs.txt")));
    SET.contains(lemma)
}

/// Verbs of asking in public whose "for" phrase (or "on" phrase with an infinitive) is the
/// request (`data/request_verbs.txt`).
fn is_request_lemma(lemma: &str) -> bool {
    static SET: LazyLock<HashSet<&'static str>> =
        LazyLock::new(|| word_list(include_str!("../../data/request_verbs.txt")));
    SET.contains(lemma)
}

/// Naming verbs whose object and "as" phrase are a description
/// (`data/naming_as_verbs.txt`).
fn is_naming_as_lemma(lemma: &str) -> bool {
    static SET: LazyLock<HashSet<&'static str>> =
        LazyLock::new(|| word_list(include_str!("../../data/naming_as_verbs.txt")));
    SET.contains(lemma)
}

/// How content was read off the parse: a naming verb ("call", "describe") reports its bare
/// object only with quoted words, but an object with its predicate, or a request, is a
/// complete claim without them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// A clause, an object or an infinitive.
    Words,
    /// `called the plan a failure`, `described the probe as a review`, `called for a
    /// recount`, `called on Congress to act`.
    Predicate,
}

/// What a naming verb predicates of its object (`called the plan a failure`: `dobj` +
/// `oprd`; `described the probe as a review`: `dobj` + "as") or what a verb of asking asks
/// for (`called for a recount`, `called for X to resign`, `called on Congress to act`).
/// O(children of `v`).
fn predicate_content(
    doc: &Document,
    tree: &Tree,
    v: usize,
    lemma: &str,
    within: std::ops::Range<usize>,
) -> Option<Span> {
    let (first, last) = (within.start, within.end - 1);
    let clip = |l: usize, r: usize| token_content(doc, l.max(first), r.min(last));
    let tok = |i: usize| lower(&doc.text[doc.tokens[i].start..doc.tokens[i].end]);
    let after: Vec<usize> = tree
        .children(v)
        .iter()
        .copied()
        .filter(|&c| c > v)
        .collect();
    // "travelled to plead for …", "that calls for …": a purpose, or a demonstrative
    // subject ("that" requires), is nobody's claim.
    let purpose = tree
        .children(v)
        .iter()
        .any(|&c| c < v && tree.dep(c) == "aux" && tok(c) == "to");
    let demonstrative = tree
        .role(v, Role::Subject)
        .is_some_and(|s| matches!(tree.syntax(s).tag.as_str(), "DT" | "WDT"));
    // "Called GSM, this is …": a participle without an auxiliary is passive naming, no
    // claim ("has called for" keeps its auxiliary).
    let bare_participle =
        tree.syntax(v).tag == "VBN" && !tree.children(v).iter().any(|&c| tree.dep(c) == "aux");
    if purpose || demonstrative || bare_participle {
        return None;
    }
    if is_naming_lemma(lemma) || is_naming_as_lemma(lemma) {
        // "the man who calls himself X" names himself, claims nothing.
        let reflexive = |d: usize| tree.syntax(d).morph.contains("Reflex=Yes");
        if let Some(d) = tree
            .role(v, Role::Object)
            .filter(|&d| d > v && !reflexive(d))
        {
            let is_as = |c: usize| tree.dep(c) == "prep" && tok(c) == "as";
            // "called a whistleblower as their witness" summons someone.
            let summons = |c: usize| tree.children(c).iter().any(|&g| is_as(g));
            // "called the plan a failure": the parser gives the predicate as `oprd` or as
            // a second object.
            let predicate = after.iter().copied().find(|&c| {
                c > d
                    && (matches!(tree.dep(c), "oprd" | "dobj")
                        && is_naming_lemma(lemma)
                        && !summons(c)
                        || (is_as(c) && is_naming_as_lemma(lemma)))
            });
            if let Some(p) = predicate {
                return clip(tree.edges(d).0, tree.edges(p).1);
            }
            // "called him a liar": the parser makes "him" the `dative` and the predicate
            // the object.
            let dative = after
                .iter()
                .copied()
                .find(|&c| c < d && tree.dep(c) == "dative" && !reflexive(c));
            if let (Some(h), true) = (dative, is_naming_lemma(lemma) && !summons(d)) {
                return clip(tree.edges(h).0, tree.edges(d).1);
            }
            // The parser often hangs "as …" or the predicate on the object itself.
            let on_object = tree.children(d).iter().any(|&c| {
                c > d
                    && ((is_as(c) && is_naming_as_lemma(lemma))
                        || (matches!(tree.dep(c), "oprd" | "dobj") && is_naming_lemma(lemma)))
            });
            if on_object {
                let (l, r) = tree.edges(d);
                return clip(l, r);
            }
        }
    }
    if !is_request_lemma(lemma) || tree.role(v, Role::Object).is_some_and(|d| d > v) {
        return None;
    }
    for &c in after.iter().filter(|&&c| tree.dep(c) == "prep") {
        let Some(o) = tree.role(c, Role::PrepObject) else {
            continue;
        };
        // "called for X to resign": the parser often hangs the infinitive on the verb.
        let infinitive = tree.role(v, Role::Infinitive).filter(|&x| x > c);
        let end = infinitive.map_or(tree.edges(o).1, |x| tree.edges(x).1.max(tree.edges(o).1));
        match tok(c).as_str() {
            "for" => return clip(tree.edges(o).0, end),
            "on" | "upon" if infinitive.is_some() => return clip(tree.edges(o).0, end),
            _ => {}
        }
    }
    None
}

/// What cue verb `v` reports, on the parse, within the sentence's tokens `within`:
/// - its clausal complement (`ccomp`, with "that"): `X said (that) …`, `…, X said.`;
/// - the clause it is inserted in (`parataxis` or `ccomp` after a comma): `A, X said, B.`
///   gives A and B, the verb's own words left out;
/// - else its object and the infinitive after it (`cited the remarks`, `urged voters to
///   …`, `vowed to …`); a hearer alone ("told reporters") is not content.
fn parsed_content(
    doc: &Document,
    tree: &Tree,
    v: usize,
    lemma: &str,
    strong: bool,
    within: std::ops::Range<usize>,
) -> Option<(Vec<Span>, AttributionMethod, Shape)> {
    let (first, last) = (within.start, within.end - 1);
    let clip = |l: usize, r: usize| token_content(doc, l.max(first), r.min(last));
    let tok = |i: usize| &doc.text[doc.tokens[i].start..doc.tokens[i].end];
    let syn = tree.syntax(v);
    if let Some(c) = tree.role(v, Role::Complement) {
        let (l, r) = tree.edges(c);
        let content = clip(l, r)?;
        let method = if c < v {
            // A thought verb after its clause ("…, I think.") is no report.
            if !strong {
                return None;
            }
            AttributionMethod::ReportedAfter
        } else if syn.tag == "VBG" && tree.dep(v) == "advcl" {
            AttributionMethod::ReportedParticiple
        } else {
            AttributionMethod::ReportedCue
        };
        return Some((vec![content], method, Shape::Words));
    }
    let (vl, vr) = tree.edges(v);
    if let Some(h) = tree.head(v) {
        // Set off by a comma or dash, which the parser often gives to the verb itself.
        let is_break = |i: usize| matches!(tok(i), "," | "—" | "–" | "--");
        let inserted = vl > first && (is_break(vl) || is_break(vl - 1));
        if inserted && strong && matches!(tree.dep(v), "parataxis" | "ccomp") {
            let (hl, hr) = tree.edges(h);
            let mut parts = Vec::new();
            if hl.max(first) < vl {
                parts.extend(clip(hl, vl - 1));
            }
            if vr < hr.min(last) {
                parts.extend(clip(vr + 1, hr));
            }
            return (!parts.is_empty()).then_some((
                parts,
                AttributionMethod::ReportedAfter,
                Shape::Words,
            ));
        }
    }
    if let Some(content) = predicate_content(doc, tree, v, lemma, within.clone()) {
        return Some((vec![content], participle_or_cue(tree, v), Shape::Predicate));
    }
    // "Drivers should expect delays": a weaker verb under a modal reports nothing said.
    let modal = tree.children(v).iter().any(|&c| tree.syntax(c).tag == "MD");
    if modal && !strong {
        return None;
    }
    let object = tree.role(v, Role::Object).filter(|&d| d > v);
    let infinitive = tree.role(v, Role::Infinitive).filter(|&x| x > v);
    let content = match (object, infinitive) {
        (Some(d), Some(x)) => clip(tree.edges(d).0, tree.edges(x).1),
        (None, Some(x)) => {
            let (l, r) = tree.edges(x);
            clip(l, r)
        }
        (Some(d), None) if !is_hearer_lemma(lemma) => {
            let (l, r) = tree.edges(d);
            clip(l, r)
        }
        _ => None,
    }?;
    Some((vec![content], participle_or_cue(tree, v), Shape::Words))
}

/// `…, calling …` (a participle `advcl`) or a plain cue.
fn participle_or_cue(tree: &Tree, v: usize) -> AttributionMethod {
    if tree.syntax(v).tag == "VBG" && tree.dep(v) == "advcl" {
        AttributionMethod::ReportedParticiple
    } else {
        AttributionMethod::ReportedCue
    }
}

/// Reported speech in one sentence, on the dependency parse: a verb of the cue lexicon
/// (by its lemma) with a clausal complement (`ccomp`) reports that clause, said by its
/// subject (`X says (that) …`, `X told Y …`, `…, saying …`; `…, X said.` when the
/// complement comes first); a speech verb inserted in a clause (`A, X said, B.`: the verb
/// hangs off the clause as `parataxis` or `ccomp`) reports the clause around it.
fn in_sentence_parsed(
    doc: &Document,
    tree: &Tree,
    sentence: Span,
    marks: &QuoteMarkIndex,
) -> Vec<Reported> {
    let text = &doc.text;
    let ws = words(text, sentence);
    let mut out: Vec<Reported> = Vec::new();
    if ws.len() < 5 {
        return out;
    }
    if let Some(r) = fixed_form(doc, &ws) {
        out.push(r);
        return out;
    }
    let lexicon = cue_lexicon();
    let range = doc.tokens_in(sentence);
    let (first, last) = (range.start, range.end);
    let tok = |i: usize| &text[doc.tokens[i].start..doc.tokens[i].end];
    for v in range {
        let syn = tree.syntax(v);
        if syn.pos != Some(Pos::Verb) {
            continue;
        }
        let cue = lexicon.lemma(&syn.lemma).or_else(|| lexicon.get(tok(v)));
        // Literary verbs ("returned", "cried") report speech only next to quote marks.
        if cue.is_some_and(|c| c.dialogue_only) {
            continue;
        }
        let found = match cue {
            Some(cue) => {
                let strong = is_reporting_lemma(&cue.lemma);
                parsed_content(doc, tree, v, &cue.lemma, strong, first..last)
            }
            // "The video shows that …": only with a clause after the verb.
            None if is_complement_cue(&syn.lemma) => tree
                .role(v, Role::Complement)
                .filter(|&c| c > v)
                .and_then(|c| {
                    let (l, r) = tree.edges(c);
                    token_content(doc, l.max(first), r.min(last - 1))
                })
                .map(|c| (vec![c], AttributionMethod::ReportedCue, Shape::Words)),
            // "pressed for a recount": a verb of asking outside the lexicon.
            None if is_request_lemma(&syn.lemma) => {
                predicate_content(doc, tree, v, &syn.lemma, first..last)
                    .map(|c| (vec![c], participle_or_cue(tree, v), Shape::Predicate))
            }
            None => None,
        };
        let Some((parts, method, shape)) = found else {
            continue;
        };
        let lemma = cue.map_or(syn.lemma.as_str(), |c| c.lemma.as_str());
        let Some(s) = tree.subject(v) else {
            continue;
        };
        let quoted = parts.iter().any(|p| marks.any_in(*p));
        // "called the show “…”": naming verbs report only quoted words.
        if is_naming_lemma(lemma) && !quoted && shape == Shape::Words {
            continue;
        }
        out.push(Reported {
            parts,
            attribution: Attribution {
                mention: tree.mention(doc, s),
                cue: Span::new(doc.tokens[v].start, doc.tokens[v].end),
                method,
            },
        });
    }
    out
}

/// Reported speech in every sentence that no direct quote or attribution already covers:
/// on the dependency parse when the document has one, else by the word-window rules.
pub fn find(doc: &Document, covered: &[Span]) -> Vec<(Reported, QuoteKind)> {
    let covered = CoveredIndex::new(covered);
    let marks = QuoteMarkIndex::new(&doc.text);
    let tree = Tree::new(doc);
    doc.sentences
        .iter()
        .filter(|s| !covered.any(**s, |c| is_direct_heavy(**s, c)))
        .flat_map(|s| match &tree {
            Some(tree) => {
                let found = in_sentence_parsed(doc, tree, *s, &marks);
                // A sentence the parse finds no report in still gets the word-window
                // rules (a verb the tagger missed, a clause the parser attached elsewhere).
                if found.is_empty() {
                    in_sentence(doc, *s, &marks)
                } else {
                    found
                }
            }
            None => in_sentence(doc, *s, &marks),
        })
        .filter(|r| !covered.any(r.hull(), |c| is_direct_heavy(r.hull(), c)))
        .map(|r| {
            let quoted = r.parts.iter().any(|p| marks.any_in(*p));
            let kind = if quoted {
                QuoteKind::Mixed
            } else {
                QuoteKind::Indirect
            };
            (r, kind)
        })
        .collect()
}

/// Spans taken by direct quotes, sorted, with the running maximum of their ends so that
/// the ones overlapping a span are found without scanning them all.
struct CoveredIndex {
    spans: Vec<Span>,
    max_end: Vec<usize>,
}

impl CoveredIndex {
    fn new(covered: &[Span]) -> Self {
        let mut spans = covered.to_vec();
        spans.sort();
        let mut max_end = Vec::with_capacity(spans.len());
        let mut m = 0;
        for s in &spans {
            m = m.max(s.end);
            max_end.push(m);
        }
        CoveredIndex { spans, max_end }
    }

    /// Whether a covered span overlapping `span` satisfies `f`.
    fn any(&self, span: Span, f: impl Fn(Span) -> bool) -> bool {
        let mut i = self.spans.partition_point(|c| c.start < span.end);
        while i > 0 && self.max_end[i - 1] > span.start {
            i -= 1;
            let c = self.spans[i];
            if c.overlaps(span) && f(c) {
                return true;
            }
        }
        false
    }
}

/// Byte offsets of the double quote marks and guillemets of a text, to tell in O(log n)
/// whether a span holds quoted words (reported speech that is `mixed`).
pub(crate) struct QuoteMarkIndex {
    positions: Vec<usize>,
}

impl QuoteMarkIndex {
    pub(crate) fn new(text: &str) -> Self {
        let positions = text
            .char_indices()
            .filter(|(_, c)| matches!(c, '“' | '”' | '"' | '«' | '»'))
            .map(|(i, _)| i)
            .collect();
        QuoteMarkIndex { positions }
    }

    pub(crate) fn any_in(&self, span: Span) -> bool {
        let i = self.positions.partition_point(|&p| p < span.start);
        self.positions.get(i).is_some_and(|&p| p < span.end)
    }
}

/// A span is taken by a direct quote when the quote or its attribution covers a real
/// part of it (not a short embedded fragment).
fn is_direct_heavy(span: Span, covered: Span) -> bool {
    let overlap = span
        .end
        .min(covered.end)
        .saturating_sub(span.start.max(covered.start));
    overlap * 3 >= span.len() || !covered.is_empty() && overlap == covered.len()
}

/// The forms that settle a sentence on their own, before any cue verb is tried:
/// `According to X, …` and a headline's `Name: …`.
fn fixed_form(doc: &Document, ws: &[Word]) -> Option<Reported> {
    according_to(doc, ws).or_else(|| headline_colon(doc, ws))
}
