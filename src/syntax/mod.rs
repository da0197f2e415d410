//! Syntax: a pure-Rust port of spaCy `en_core_web_sm` 3.8.0's tok2vec, tagger, arc-eager
//! parser, attribute ruler and rule lemmatizer (embedded; converted by
//! `scripts/convert_spacy_sm_syntax.py`). Given spaCy's tokens (`crate::ner::Tokenizer`) it
//! returns, per token, the fine tag, the universal POS, the lemma, the dependency label and
//! head, and the parser's sentence starts, identical to spaCy's on the parity fixture.

mod attribute_ruler;
mod lemmatizer;
mod parser;
mod tok2vec;

use std::cell::RefCell;
use std::sync::{Arc, OnceLock};

use safetensors::SafeTensors;

use crate::ner::tokenizer::py_isspace;
use crate::ner::{SpacySmModel, Token};
use crate::nn::PackedMatrix;
use crate::nn::CONTEXT;
use attribute_ruler::{AttributeRuler, RulerToken};
use lemmatizer::Lemmatizer;
use parser::{Edges, ParserNet};
use tok2vec::{Tok2Vec, Tok2VecBuffers, N_COLUMNS, WIDTH};

/// Why the syntax model could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum SyntaxError {
    /// The configuration (`syntax.json`, `lemmas.json`) is malformed or inconsistent.
    #[error("syntax model configuration: {0}")]
    Config(String),
    /// The weights (`syntax.safetensors`) are unreadable, or a tensor is missing or misshapen.
    #[error("syntax model weights: {0}")]
    Weights(String),
}

/// Universal part-of-speech tags (UD v2), as the attribute ruler assigns them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Pos {
    /// Adjective.
    Adj,
    /// Adposition.
    Adp,
    /// Adverb.
    Adv,
    /// Auxiliary.
    Aux,
    /// Coordinating conjunction.
    Cconj,
    /// Determiner.
    Det,
    /// Interjection.
    Intj,
    /// Noun.
    Noun,
    /// Numeral.
    Num,
    /// Particle.
    Part,
    /// Pronoun.
    Pron,
    /// Proper noun.
    Propn,
    /// Punctuation.
    Punct,
    /// Subordinating conjunction.
    Sconj,
    /// Symbol.
    Sym,
    /// Verb.
    Verb,
    /// Other.
    X,
    /// Whitespace.
    Space,
}

impl Pos {
    const ALL: [Pos; 18] = [
        Pos::Adj,
        Pos::Adp,
        Pos::Adv,
        Pos::Aux,
        Pos::Cconj,
        Pos::Det,
        Pos::Intj,
        Pos::Noun,
        Pos::Num,
        Pos::Part,
        Pos::Pron,
        Pos::Propn,
        Pos::Punct,
        Pos::Sconj,
        Pos::Sym,
        Pos::Verb,
        Pos::X,
        Pos::Space,
    ];

    /// The tag as spaCy writes it (`pos_`).
    pub fn as_str(self) -> &'static str {
        match self {
            Pos::Adj => "ADJ",
            Pos::Adp => "ADP",
            Pos::Adv => "ADV",
            Pos::Aux => "AUX",
            Pos::Cconj => "CCONJ",
            Pos::Det => "DET",
            Pos::Intj => "INTJ",
            Pos::Noun => "NOUN",
            Pos::Num => "NUM",
            Pos::Part => "PART",
            Pos::Pron => "PRON",
            Pos::Propn => "PROPN",
            Pos::Punct => "PUNCT",
            Pos::Sconj => "SCONJ",
            Pos::Sym => "SYM",
            Pos::Verb => "VERB",
            Pos::X => "X",
            Pos::Space => "SPACE",
        }
    }

    /// The tag of spaCy's string ("VERB"); `None` for any other string.
    pub fn parse(s: &str) -> Option<Pos> {
        Pos::ALL.into_iter().find(|p| p.as_str() == s)
    }
}

/// One token's syntax.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenSyntax {
    /// Penn Treebank tag (`tag_`).
    pub tag: String,
    /// Universal POS (`pos_`); `None` where spaCy leaves it empty.
    pub pos: Option<Pos>,
    /// Morphological features, `Feat=Val|...` (`morph`), empty when none.
    pub morph: String,
    /// The lemma (`lemma_`), from the rule lemmatizer and its tables.
    pub lemma: String,
    /// Dependency label (`dep_`); `ROOT` for sentence roots.
    pub dep: String,
    /// Index of the head token; a root points to itself, as in spaCy.
    pub head: usize,
    /// The token starts a sentence (the left edge of a root's subtree).
    pub sent_start: bool,
}

#[derive(serde::Deserialize)]
struct SyntaxConfig {
    embeddings: Vec<tok2vec::EmbeddingConfig>,
    tags: Vec<String>,
    actions: Vec<(String, String)>,
    attribute_ruler: Vec<serde_json::Value>,
}

/// The loaded syntax pipeline; immutable and shared by all threads.
pub struct SyntaxModel {
    /// The NER model's lexical tables give NORM, PREFIX, SUFFIX and SHAPE keys.
    lexical: Arc<SpacySmModel>,
    tok2vec: Tok2Vec,
    tags: Vec<String>,
    tagger_w: PackedMatrix,
    tagger_b: Vec<f32>,
    parser: ParserNet,
    ruler: AttributeRuler,
    lemmatizer: Lemmatizer,
}

/// Tokens per network window: bounds the tok2vec buffers (about 3 KB per token, so
/// 1.5 MB per thread). Longer documents cost 2 x CONTEXT extra rows per window (1.6 %).
const WINDOW_TOKENS: usize = 512;
/// Buffers above this many floats are released after a document.
const KEEP_FLOATS: usize = 4 << 20;

#[derive(Default)]
struct Buffers {
    keys: Vec<[u64; N_COLUMNS]>,
    t2v: Tok2VecBuffers,
    /// A window's distinct token vectors, their tags and parser projections.
    distinct: crate::nn::DistinctRows,
    distinct_projected: Vec<f32>,
    /// Per token: an id of its token vector (equal ids, equal vectors), for the parser.
    row_ids: Vec<u32>,
    scores: Vec<f32>,
    /// The parser's input projection of every token (n x 64).
    projected: Vec<f32>,
    parser: parser::ParserBuffers,
}

thread_local! {
    static BUFFERS: RefCell<Buffers> = RefCell::new(Buffers::default());
}

const SYNTAX_JSON: &[u8] = include_bytes!("../../models/en_core_web_sm-3.8.0/syntax.json");
const SYNTAX_WEIGHTS: &[u8] =
    include_bytes!("../../models/en_core_web_sm-3.8.0/syntax.safetensors");
const LEMMAS_JSON: &[u8] = include_bytes!("../../models/en_core_web_sm-3.8.0/lemmas.json");

/// The embedded syntax model, loaded once per process.
pub fn embedded_syntax() -> Arc<SyntaxModel> {
    static MODEL: OnceLock<Arc<SyntaxModel>> = OnceLock::new();
    MODEL
        .get_or_init(|| {
            Arc::new(
                SyntaxModel::from_bytes(
                    crate::ner::embedded_model(),
                    SYNTAX_JSON,
                    SYNTAX_WEIGHTS,
                    LEMMAS_JSON,
                )
                .expect("the embedded syntax model loads (checked by the test suite)"),
            )
        })
        .clone()
}

impl SyntaxModel {
    /// Loads the model from `syntax.json`, `syntax.safetensors` and `lemmas.json`;
    /// `lexical` supplies the tokenizer's NORM tables and spaCy's string keys.
    pub fn from_bytes(
        lexical: Arc<SpacySmModel>,
        config: &[u8],
        weights: &[u8],
        lemmas: &[u8],
    ) -> Result<Self, SyntaxError> {
        let config: SyntaxConfig = serde_json::from_slice(config)
            .map_err(|e| SyntaxError::Config(format!("syntax.json: {e}")))?;
        let st =
            SafeTensors::deserialize(weights).map_err(|e| SyntaxError::Weights(e.to_string()))?;
        let n_tags = config.tags.len();
        let tagger_w =
            crate::nn::tensor(&st, "tagger.W", &[n_tags, WIDTH]).map_err(SyntaxError::Weights)?;
        Ok(SyntaxModel {
            lexical,
            tok2vec: tok2vec::load(&st, &config.embeddings)?,
            tagger_w: PackedMatrix::new(&tagger_w, n_tags, WIDTH),
            tagger_b: crate::nn::tensor(&st, "tagger.b", &[n_tags])
                .map_err(SyntaxError::Weights)?,
            tags: config.tags,
            parser: ParserNet::load(&st, &config.actions)?,
            ruler: AttributeRuler::from_json(&config.attribute_ruler)?,
            lemmatizer: Lemmatizer::from_json(lemmas)?,
        })
    }

    /// Tags, parses and lemmatises `tokens` (spaCy's tokens of `text`, byte offsets) as one
    /// spaCy document: sentence boundaries come from the parser. `tokens` must be the
    /// tokenizer's output for `text` (the lexical features read the spans).
    pub fn analyze(&self, text: &str, tokens: &[Token]) -> Vec<TokenSyntax> {
        self.analyze_within(text, tokens, &[])
    }

    /// As [`SyntaxModel::analyze`], but every token marked in `sentence_starts` (indexed
    /// like `tokens`; may be shorter) begins a sentence: the parser may add boundaries but
    /// keeps these, and no arc crosses them. With no marks this is exactly spaCy's output.
    pub fn analyze_within(
        &self,
        text: &str,
        tokens: &[Token],
        sentence_starts: &[bool],
    ) -> Vec<TokenSyntax> {
        self.analyze_within_unparsed(text, tokens, sentence_starts, &[])
    }

    /// As [`SyntaxModel::analyze_within`], but the tokens marked in `unparsed` (indexed like
    /// `tokens`; may be shorter) are tagged and lemmatised without running the parser: each
    /// run of them is a flat tree per sentence (its first token `ROOT`, the others `dep`
    /// children of it). The pipeline marks sentences that are not prose
    /// ([`crate::segment::non_prose_tokens`]), where the parser's work would be wasted.
    /// The parsed runs are parsed as documents of their own.
    pub fn analyze_within_unparsed(
        &self,
        text: &str,
        tokens: &[Token],
        sentence_starts: &[bool],
        unparsed: &[bool],
    ) -> Vec<TokenSyntax> {
        if tokens.is_empty() {
            return Vec::new();
        }
        BUFFERS.with_borrow_mut(|buf| {
            self.analyze_with(text, tokens, sentence_starts, unparsed, WINDOW_TOKENS, buf)
        })
    }

    fn analyze_with(
        &self,
        text: &str,
        tokens: &[Token],
        preset: &[bool],
        unparsed: &[bool],
        window: usize,
        buf: &mut Buffers,
    ) -> Vec<TokenSyntax> {
        let window = window.max(1);
        let n = tokens.len();
        // Tokens come from the tokenizer on this text; a span that is not (out of range or
        // off a char boundary) reads as empty instead of panicking.
        let words: Vec<&str> = tokens
            .iter()
            .map(|t| text.get(t.start..t.end).unwrap_or(""))
            .collect();
        let is_space: Vec<bool> = words.iter().map(|w| w.chars().all(py_isspace)).collect();
        buf.keys.clear();
        for (t, token) in tokens.iter().enumerate() {
            let [norm, prefix, suffix, shape] = if text.get(token.start..token.end).is_some() {
                self.lexical.features(text, token)
            } else {
                let empty = Token {
                    start: 0,
                    end: 0,
                    norm: None,
                    space_after: token.space_after,
                };
                self.lexical.features(text, &empty)
            };
            buf.keys.push([
                norm,
                prefix,
                suffix,
                shape,
                u64::from(token.space_after),
                u64::from(is_space[t]),
            ]);
        }
        // The networks run over windows of tokens so their buffers stay bounded whatever
        // the document's length. Exact: a token's vector depends on the CONTEXT tokens on
        // each side only, so each window is computed with that many real tokens around it
        // (or spaCy's zero padding at the document's ends); the tagger and the parser's
        // input projection are per token.
        let n_tags = self.tags.len();
        let mut tags: Vec<usize> = Vec::with_capacity(n);
        crate::nn::resize_stale(&mut buf.projected, n * parser::HIDDEN);
        buf.row_ids.clear();
        let mut row_base = 0u32;
        let mut a = 0;
        while a < n {
            let b = (a + window).min(n);
            let lo = a.saturating_sub(CONTEXT);
            let hi = (b + CONTEXT).min(n);
            self.tok2vec.forward(&buf.keys[lo..hi], &mut buf.t2v);
            // The tagger and the projection read the token vector alone: computed once per
            // distinct vector of the window, then read per token.
            buf.t2v.distinct_rows(a - lo, b - lo, &mut buf.distinct);
            let m = buf.distinct.len();
            // Tagger: the argmax of a softmax layer is the argmax of its logits.
            crate::nn::resize_stale(&mut buf.scores, m * n_tags);
            self.tagger_w
                .matmul(&buf.distinct.rows, WIDTH, m, &mut buf.scores, n_tags);
            let best: Vec<usize> = buf
                .scores
                .chunks_exact(n_tags)
                .map(|row| {
                    let mut best = 0;
                    for k in 1..n_tags {
                        if row[k] + self.tagger_b[k] > row[best] + self.tagger_b[best] {
                            best = k;
                        }
                    }
                    best
                })
                .collect();
            crate::nn::resize_stale(&mut buf.distinct_projected, m * parser::HIDDEN);
            self.parser
                .project(&buf.distinct.rows, &mut buf.distinct_projected);
            let base = row_base;
            for (i, &s) in buf.distinct.slots.iter().enumerate() {
                let s = s as usize;
                tags.push(best[s]);
                buf.projected[(a + i) * parser::HIDDEN..(a + i + 1) * parser::HIDDEN]
                    .copy_from_slice(
                        &buf.distinct_projected[s * parser::HIDDEN..(s + 1) * parser::HIDDEN],
                    );
                buf.row_ids.push(base + s as u32);
            }
            row_base += m as u32;
            a = b;
        }
        buf.t2v.release_if_large();

        let arcs = if unparsed.iter().any(|&u| u) {
            self.parse_runs(&is_space, preset, unparsed, buf)
        } else {
            self.parser.parse(
                &buf.projected,
                &buf.row_ids,
                &is_space,
                preset,
                &mut buf.parser,
            )
        };
        if buf.projected.capacity() > KEEP_FLOATS {
            buf.projected = Vec::new();
            buf.row_ids = Vec::new();
        }
        buf.distinct.release_if_large();
        let heads: Vec<usize> = arcs.iter().map(|a| a.head).collect();
        let sent_starts = Edges::from_heads(&heads).sentence_starts(&heads);

        let lowers: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
        let mut ruled: Vec<RulerToken> = arcs
            .into_iter()
            .enumerate()
            .map(|(i, arc)| RulerToken {
                lower: &lowers[i],
                is_space: is_space[i],
                tag: self.tags[tags[i]].clone(),
                dep: arc.label,
                pos: None,
                morph: String::new(),
                lemma: None,
            })
            .collect();
        self.ruler.apply(&mut ruled);
        ruled
            .into_iter()
            .enumerate()
            .map(|(i, t)| {
                let lemma = match t.lemma {
                    Some(l) => l,
                    None => self.lemmatizer.lemmatize(words[i], t.pos, &t.morph),
                };
                TokenSyntax {
                    tag: t.tag,
                    pos: t.pos,
                    morph: t.morph,
                    lemma,
                    dep: t.dep,
                    head: heads[i],
                    sent_start: sent_starts[i],
                }
            })
            .collect()
    }

    /// The arcs of a document whose `unparsed` tokens skip the parser: each maximal run of
    /// parsed tokens is parsed alone (heads shifted back), each unparsed run is flat per
    /// sentence (a preset start begins a new one).
    fn parse_runs(
        &self,
        is_space: &[bool],
        preset: &[bool],
        unparsed: &[bool],
        buf: &mut Buffers,
    ) -> Vec<parser::Arc> {
        let n = is_space.len();
        let skipped = |i: usize| unparsed.get(i).copied().unwrap_or(false);
        let mut arcs = Vec::with_capacity(n);
        let mut a = 0;
        while a < n {
            let skip = skipped(a);
            let b = (a..n).find(|&i| skipped(i) != skip).unwrap_or(n);
            if skip {
                let mut root = a;
                for i in a..b {
                    if preset.get(i).copied().unwrap_or(false) {
                        root = i;
                    }
                    let label = if i == root { "ROOT" } else { "dep" };
                    arcs.push(parser::Arc {
                        head: root,
                        label: label.to_string(),
                    });
                }
            } else {
                let run = self.parser.parse(
                    &buf.projected[a * parser::HIDDEN..b * parser::HIDDEN],
                    &buf.row_ids[a..b],
                    &is_space[a..b],
                    preset.get(a..b.min(preset.len())).unwrap_or(&[]),
                    &mut buf.parser,
                );
                arcs.extend(run.into_iter().map(|mut arc| {
                    arc.head += a;
                    arc
                }));
            }
            a = b;
        }
        arcs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Symbol runs and repeated lines: rows and states computed once per distinct
    /// receptive field and feature ids give the analysis computed without the reuse.
    #[test]
    fn repetitive_text_gives_the_same_analysis_with_and_without_reuse() {
        let syntax = embedded_syntax();
        for text in [
            format!("{} word {}", "( ".repeat(700), " )".repeat(700)),
            "| 12 | 7 |\n+----+---+\n".repeat(150),
            "He said no. ".repeat(200),
        ] {
            let tokens = syntax.lexical.tokenizer.tokenize(&text);
            let mut plain = Buffers::default();
            plain.parser.allow_memo = false;
            let want = syntax.analyze_with(&text, &tokens, &[], &[], WINDOW_TOKENS, &mut plain);
            let mut buf = Buffers::default();
            let got = syntax.analyze_with(&text, &tokens, &[], &[], WINDOW_TOKENS, &mut buf);
            assert!(got == want, "{:?}", &text[..20]);
            assert!(buf.row_ids.iter().max().map_or(0, |&m| m as usize + 1) * 2 <= tokens.len());
        }
    }

    /// Tokens marked unparsed get a flat tree per sentence; the tags do not change and the
    /// other tokens' arcs stay inside their own runs.
    #[test]
    fn unparsed_tokens_get_a_flat_tree_per_sentence() {
        let syntax = embedded_syntax();
        let prose = "The council met on Monday and agreed the plan.";
        let junk = "» “ ‹ » 」 ' ` » ‟ 『";
        let text = format!("{prose} {junk} {junk} {prose}");
        let tokens = syntax.lexical.tokenizer.tokenize(&text);
        let at = |offset: usize| tokens.iter().position(|t| t.start == offset).unwrap();
        let junk_a = at(prose.len() + 1);
        let junk_b = at(prose.len() + junk.len() + 2);
        let second = at(prose.len() + 2 * junk.len() + 3);
        let mut starts = vec![false; tokens.len()];
        for i in [junk_a, junk_b, second] {
            starts[i] = true;
        }
        let mut unparsed = vec![false; tokens.len()];
        unparsed[junk_a..second].fill(true);
        let got = syntax.analyze_within_unparsed(&text, &tokens, &starts, &unparsed);
        let plain = syntax.analyze_within(&text, &tokens, &starts);
        assert_eq!(
            syntax.analyze_within_unparsed(&text, &tokens, &starts, &[]),
            plain
        );
        for (i, (g, p)) in got.iter().zip(&plain).enumerate() {
            assert_eq!((&g.tag, &g.lemma), (&p.tag, &p.lemma), "token {i}");
            if (junk_a..second).contains(&i) {
                let root = if i < junk_b { junk_a } else { junk_b };
                assert_eq!(g.head, root, "token {i}");
                assert_eq!(g.dep, if i == root { "ROOT" } else { "dep" });
                assert_eq!(g.sent_start, i == root);
            } else {
                let run = if i < junk_a {
                    0..junk_a
                } else {
                    second..tokens.len()
                };
                assert!(run.contains(&g.head), "token {i} points out of its run");
            }
        }
        assert_eq!(got.iter().filter(|t| t.dep == "ROOT").count(), 4);
    }

    #[test]
    fn windows_and_a_small_parser_ring_give_the_same_analysis() {
        let article = include_str!("../../examples/harbor-lights.txt");
        // Long enough for several windows, ring wraps and rows of far stack tokens.
        // Plus a deep stack that unwinds (rows of tokens below the ring, in blocks).
        let text = format!(
            "{article}\n\n{article} {} {}word{}",
            article.replace('.', ","),
            "( ".repeat(400),
            " )".repeat(400)
        );
        let syntax = embedded_syntax();
        let tokens = syntax.lexical.tokenizer.tokenize(&text);
        let mut reference = Buffers::default();
        let whole = syntax.analyze_with(&text, &tokens, &[], &[], tokens.len(), &mut reference);
        assert!(whole.iter().filter(|t| t.sent_start).count() > 5);
        for (window, ring) in [(1, 1), (7, 16), (300, 100), (2048, 2048)] {
            let mut buf = Buffers::default();
            buf.parser.limit = ring;
            let got = syntax.analyze_with(&text, &tokens, &[], &[], window, &mut buf);
            assert!(got == whole, "window {window}, ring {ring}");
        }
    }
}
