//! `--format conllu`: the tokens and their dependency parse as CoNLL-U
//! (<https://universaldependencies.org/format.html>), the format UD tools read.
//!
//! One block per sentence of the document (`Document::sentences`, the sentences of every
//! other output), preceded by `# newdoc id = ID` for the article's first block; its
//! `# sent_id` is `ID-N`, N the sentence's index (0-based, the `sentence_index` of the
//! other outputs), with `/` in ID written `_` (UD reserves it for zones); whitespace and
//! control characters in ID are written `_` on both lines. The parse is
//! spaCy's, over spaCy's tokens, so a block needs three adjustments, all linear in the
//! article's size:
//!
//! - **Whitespace tokens** (spaCy's tokens for extra spaces and line breaks) are left out,
//!   as UD leaves them out; a token whose head is a whitespace token is attached to that
//!   token's head (followed until a token that is not whitespace). The whitespace itself
//!   is kept in MISC: `SpaceAfter=No` where no whitespace follows a token, and
//!   `SpacesAfter=` (UDPipe's escapes `\s`, `\t`, `\n`, `\r`) where it is not one space.
//! - **One root per block.** The parser may split a sentence further; the root of its
//!   longest piece is the block's root (HEAD 0, DEPREL `root`), the other roots are
//!   attached to it with DEPREL `dep`.
//! - **Heads outside the block** (an arc the sentence boundary cut) are attached to the
//!   block's root, keeping their DEPREL.
//!
//! Every token whose HEAD is not spaCy's head carries `SpacyHead=N` in MISC: N is the
//! index of spaCy's head in the article's token list (the `head` of `--tokens`).
//! DEPREL is spaCy's label (ClearNLP style: `nsubj`, `dobj`, `prep`, ...), not a UD v2
//! relation; UPOS is spaCy's `pos_`, XPOS its `tag_`, FEATS its `morph`. Without the
//! syntax layer every column after FORM is `_`.

use std::io::Write;

use crate::doc::Document;
use crate::ner::tokenizer::py_isspace;
use crate::output::token_sentences;

/// Appends the CoNLL-U blocks of `doc` to `out`. An article without any token that is
/// not whitespace writes nothing (CoNLL-U has no empty sentence).
pub fn write_document(doc: &Document, out: &mut Vec<u8>) {
    let text = doc.text.as_str();
    let tokens = &doc.tokens;
    if tokens.is_empty() {
        return;
    }
    let forms: Vec<&str> = tokens
        .iter()
        .map(|t| text.get(t.start..t.end).unwrap_or(""))
        .collect();
    let is_space: Vec<bool> = forms.iter().map(|f| f.chars().all(py_isspace)).collect();
    // Tokens before the first sentence (leading whitespace) go with the first one.
    let sentence: Vec<usize> = token_sentences(doc)
        .into_iter()
        .map(|s| s.unwrap_or(0))
        .collect();
    let ctx = Context {
        doc,
        forms: &forms,
        is_space: &is_space,
    };
    let doc_id = sanitize(&doc.id);
    // UD reserves `/` in sent_id for zones (udapi reads `a/b` as sentence a, zone b).
    let sent_prefix = doc_id.replace('/', "_");
    let mut newdoc = true;
    let mut begin = 0;
    while begin < tokens.len() {
        let index = sentence[begin];
        let end = (begin..tokens.len())
            .find(|&i| sentence[i] != index)
            .unwrap_or(tokens.len());
        if (begin..end).any(|i| !is_space[i]) {
            if newdoc {
                let _ = writeln!(out, "# newdoc id = {doc_id}");
                newdoc = false;
            }
            ctx.write_block(&sent_prefix, index, begin..end, out);
        }
        begin = end;
    }
}

/// An id or text on a comment line: whitespace and control characters become `_`, so a
/// line stays one line and an id stays one word.
fn sanitize(id: &str) -> String {
    let clean: String = id
        .chars()
        .map(|c| {
            if py_isspace(c) || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .collect();
    if clean.is_empty() {
        "_".into()
    } else {
        clean
    }
}

/// How a kept token's head is found from spaCy's arc.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Arc {
    /// A spaCy root (its head is itself).
    Root,
    /// Its head (after skipping whitespace tokens) is this token of the block.
    Head(usize),
    /// The head chain ends at a whitespace root, or leaves the block.
    Detached,
}

struct Context<'a> {
    doc: &'a Document,
    forms: &'a [&'a str],
    is_space: &'a [bool],
}

impl Context<'_> {
    /// spaCy's arc of token `t`, following whitespace heads; `block` is the token range.
    fn arc(&self, t: usize, block: &std::ops::Range<usize>) -> Arc {
        let syntax = &self.doc.syntax;
        let Some(first) = syntax.get(t).map(|s| s.head) else {
            return Arc::Detached;
        };
        if first == t {
            return Arc::Root;
        }
        let mut h = first;
        // A chain longer than the article would be a cycle: the bound keeps this linear.
        for _ in 0..=syntax.len() {
            if !block.contains(&h) {
                return Arc::Detached;
            }
            if h == t {
                // A cycle through whitespace back to the token: it has no head.
                return Arc::Detached;
            }
            if !self.is_space[h] {
                return Arc::Head(h);
            }
            let next = syntax[h].head;
            if next == h {
                return Arc::Detached;
            }
            h = next;
        }
        Arc::Detached
    }

    fn write_block(
        &self,
        doc_id: &str,
        index: usize,
        block: std::ops::Range<usize>,
        out: &mut Vec<u8>,
    ) {
        let doc = self.doc;
        let has_syntax = doc.syntax.len() == doc.tokens.len();
        let kept: Vec<usize> = block.clone().filter(|&i| !self.is_space[i]).collect();
        // 1-based CoNLL-U id of each token of the block (0: left out).
        let mut local = vec![0usize; block.len()];
        for (k, &i) in kept.iter().enumerate() {
            local[i - block.start] = k + 1;
        }
        let arcs: Vec<Arc> = if has_syntax {
            kept.iter().map(|&t| self.arc(t, &block)).collect()
        } else {
            Vec::new()
        };
        let root = if has_syntax {
            self.block_root(&kept, &arcs, &block)
        } else {
            0
        };

        let spaces: Vec<&str> = kept
            .iter()
            .map(|&t| whitespace_after(&doc.text, doc.tokens[t].end))
            .collect();
        let _ = writeln!(out, "# sent_id = {doc_id}-{index}");
        out.extend_from_slice(b"# text = ");
        for (k, &t) in kept.iter().enumerate() {
            push_field(out, self.forms[t]);
            if k + 1 < kept.len() && !spaces[k].is_empty() {
                out.push(b' ');
            }
        }
        out.push(b'\n');

        for (k, &t) in kept.iter().enumerate() {
            let _ = write!(out, "{}\t", k + 1);
            push_field(out, self.forms[t]);
            let mut spacy_head = None;
            if has_syntax {
                let s = &doc.syntax[t];
                let (head, deprel) = if k == root {
                    (0, "root")
                } else {
                    match arcs[k] {
                        Arc::Head(h) => {
                            if h != s.head {
                                spacy_head = Some(s.head);
                            }
                            (local[h - block.start], s.dep.as_str())
                        }
                        Arc::Root => {
                            spacy_head = Some(s.head);
                            (root + 1, "dep")
                        }
                        Arc::Detached => {
                            spacy_head = Some(s.head);
                            (root + 1, s.dep.as_str())
                        }
                    }
                };
                if k == root && arcs[k] != Arc::Root {
                    spacy_head = Some(s.head);
                }
                out.push(b'\t');
                push_field(out, &s.lemma);
                out.push(b'\t');
                push_field(out, s.pos.map_or("", |p| p.as_str()));
                out.push(b'\t');
                push_field(out, &s.tag);
                out.push(b'\t');
                push_field(out, &s.morph);
                let _ = write!(out, "\t{head}\t");
                push_field(out, deprel);
                out.extend_from_slice(b"\t_\t");
            } else {
                out.extend_from_slice(b"\t_\t_\t_\t_\t_\t_\t_\t");
            }
            write_misc(out, spaces[k], spacy_head);
            out.push(b'\n');
        }
        out.push(b'\n');
    }

    /// The position in `kept` of the block's root: the spaCy root of the longest parser
    /// sentence in the block; without one (every arc cut), the first detached token.
    fn block_root(&self, kept: &[usize], arcs: &[Arc], block: &std::ops::Range<usize>) -> usize {
        let syntax = &self.doc.syntax;
        // Kept tokens per parser sentence of the block, numbered from 0.
        let mut piece_of = Vec::with_capacity(kept.len());
        let mut sizes: Vec<usize> = vec![0];
        let mut k = 0;
        for t in block.clone() {
            if t > block.start && syntax[t].sent_start {
                sizes.push(0);
            }
            if kept.get(k) == Some(&t) {
                piece_of.push(sizes.len() - 1);
                if let Some(last) = sizes.last_mut() {
                    *last += 1;
                }
                k += 1;
            }
        }
        let best_root = arcs
            .iter()
            .enumerate()
            .filter(|(_, a)| **a == Arc::Root)
            .max_by(|(i, _), (j, _)| sizes[piece_of[*i]].cmp(&sizes[piece_of[*j]]).then(j.cmp(i)))
            .map(|(i, _)| i);
        best_root
            .or_else(|| arcs.iter().position(|a| *a == Arc::Detached))
            .unwrap_or(0)
    }
}

/// The whitespace right after byte offset `end` (empty when a token follows at once).
fn whitespace_after(text: &str, end: usize) -> &str {
    let rest = text.get(end..).unwrap_or("");
    let len = rest
        .char_indices()
        .find(|(_, c)| !py_isspace(*c))
        .map_or(rest.len(), |(i, _)| i);
    &rest[..len]
}

/// A FORM, LEMMA, ... column: `_` when empty; tabs and line breaks (never in spaCy's
/// tokens, but a column must stay one field) become spaces.
fn push_field(out: &mut Vec<u8>, s: &str) {
    if s.is_empty() {
        out.push(b'_');
    } else if s.bytes().any(|b| b == b'\t' || b == b'\n' || b == b'\r') {
        out.extend(s.bytes().map(|b| {
            if matches!(b, b'\t' | b'\n' | b'\r') {
                b' '
            } else {
                b
            }
        }));
    } else {
        out.extend_from_slice(s.as_bytes());
    }
}

fn write_misc(out: &mut Vec<u8>, space: &str, spacy_head: Option<usize>) {
    let mut any = false;
    if space.is_empty() {
        out.extend_from_slice(b"SpaceAfter=No");
        any = true;
    } else if space != " " {
        out.extend_from_slice(b"SpacesAfter=");
        for c in space.chars() {
            match c {
                ' ' => out.extend_from_slice(b"\\s"),
                '\t' => out.extend_from_slice(b"\\t"),
                '\n' => out.extend_from_slice(b"\\n"),
                '\r' => out.extend_from_slice(b"\\r"),
                // Other whitespace (no-break space, line separators): its code point, so
                // the line stays one line.
                other => {
                    let _ = write!(out, "\\u{:04X}", u32::from(other));
                }
            }
        }
        any = true;
    }
    if let Some(h) = spacy_head {
        if any {
            out.push(b'|');
        }
        let _ = write!(out, "SpacyHead={h}");
        any = true;
    }
    if !any {
        out.push(b'_');
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doc::{Article, Span, Token, TokenSyntax};

    /// A document built by hand: `(start, end, head, dep, sent_start)` per token.
    fn doc(
        text: &str,
        sentences: &[(usize, usize)],
        arcs: &[(usize, usize, usize, &str, bool)],
    ) -> Document {
        let mut doc = Document::new(Article {
            id: "a b/c".into(),
            title: None,
            text: text.into(),
        });
        doc.sentences = sentences.iter().map(|&(s, e)| Span::new(s, e)).collect();
        for &(start, end, head, dep, sent_start) in arcs {
            doc.tokens.push(Token {
                start,
                end,
                norm: None,
                space_after: text[end..].starts_with(' '),
            });
            doc.syntax.push(TokenSyntax {
                tag: "X".into(),
                pos: None,
                morph: String::new(),
                lemma: text[start..end].to_lowercase(),
                dep: dep.into(),
                head,
                sent_start,
            });
        }
        doc
    }

    fn conllu(doc: &Document) -> String {
        let mut out = Vec::new();
        write_document(doc, &mut out);
        String::from_utf8(out).unwrap()
    }

    /// The (FORM, HEAD, DEPREL, MISC) columns of the token lines.
    fn columns(out: &str) -> Vec<(String, String, String, String)> {
        out.lines()
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(|l| {
                let c: Vec<&str> = l.split('\t').collect();
                assert_eq!(c.len(), 10, "{l}");
                (c[1].into(), c[6].into(), c[7].into(), c[9].into())
            })
            .collect()
    }

    fn row(form: &str, head: &str, dep: &str, misc: &str) -> (String, String, String, String) {
        (form.into(), head.into(), dep.into(), misc.into())
    }

    #[test]
    fn whitespace_tokens_go_and_their_dependents_take_their_head() {
        //         0123456789012345678
        let text = "Ann  ran. Bob sat.";
        let d = doc(
            text,
            &[(0, 9), (10, 18)],
            &[
                (0, 3, 1, "nsubj", true), // head: the whitespace token
                (4, 5, 2, "dep", false),  // the extra space
                (5, 8, 2, "ROOT", false),
                (8, 9, 2, "punct", false),
                (10, 13, 2, "nsubj", true), // head in the sentence before
                (14, 17, 5, "ROOT", false),
                (17, 18, 5, "punct", false),
            ],
        );
        let out = conllu(&d);
        assert!(
            out.starts_with("# newdoc id = a_b/c\n# sent_id = a_b_c-0\n# text = Ann ran.\n"),
            "{out}"
        );
        assert!(
            out.contains("# sent_id = a_b_c-1\n# text = Bob sat.\n"),
            "{out}"
        );
        assert_eq!(
            columns(&out),
            vec![
                row("Ann", "2", "nsubj", "SpacesAfter=\\s\\s|SpacyHead=1"),
                row("ran", "0", "root", "SpaceAfter=No"),
                row(".", "2", "punct", "_"),
                row("Bob", "2", "nsubj", "SpacyHead=2"),
                row("sat", "0", "root", "SpaceAfter=No"),
                row(".", "2", "punct", "SpaceAfter=No"),
            ]
        );
    }

    #[test]
    fn a_sentence_the_parser_split_keeps_one_root() {
        //         0123456789012345
        let text = "Big news Ann ran";
        let d = doc(
            text,
            &[(0, 16)],
            &[
                (0, 3, 1, "amod", true),
                (4, 8, 1, "ROOT", false),
                (9, 12, 3, "nsubj", true), // a second parser sentence, the longer one
                (13, 16, 3, "ROOT", false),
            ],
        );
        // Both pieces have two tokens: the first root wins the tie.
        assert_eq!(
            columns(&conllu(&d)),
            vec![
                row("Big", "2", "amod", "_"),
                row("news", "0", "root", "_"),
                row("Ann", "4", "nsubj", "_"),
                row("ran", "2", "dep", "SpaceAfter=No|SpacyHead=3"),
            ]
        );
    }

    #[test]
    fn without_syntax_only_the_forms() {
        let mut d = doc(
            "Hi there.",
            &[(0, 9)],
            &[
                (0, 2, 0, "ROOT", true),
                (3, 8, 0, "x", false),
                (8, 9, 0, "x", false),
            ],
        );
        d.syntax.clear();
        let out = conllu(&d);
        assert!(
            out.contains(
                "1\tHi\t_\t_\t_\t_\t_\t_\t_\t_\n2\tthere\t_\t_\t_\t_\t_\t_\t_\tSpaceAfter=No\n"
            ),
            "{out}"
        );
        // A document of whitespace only writes nothing.
        let blank = doc("  \n", &[], &[(0, 3, 0, "ROOT", true)]);
        assert_eq!(conllu(&blank), "");
    }

    #[test]
    fn ids_stay_one_word_on_one_line() {
        assert_eq!(sanitize("a b\nc\td"), "a_b_c_d");
        assert_eq!(sanitize(""), "_");
        assert_eq!(sanitize("dir/dump.jsonl:3"), "dir/dump.jsonl:3");
    }

    #[test]
    fn whitespace_after_a_token_is_escaped_in_misc() {
        let mut out = Vec::new();
        write_misc(&mut out, " \n\u{a0}", Some(3));
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "SpacesAfter=\\s\\n\\u00A0|SpacyHead=3"
        );
        let mut out = Vec::new();
        write_misc(&mut out, " ", None);
        assert_eq!(out, b"_");
        assert_eq!(whitespace_after("ab  \ncd", 2), "  \n");
        assert_eq!(whitespace_after("ab", 2), "");
    }
}
