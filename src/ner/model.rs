//! The spaCy small English NER network: hash embeddings, a maxout mixer, four residual
//! window encoders (tok2vec), then the greedy transition-based BILUO decoder.

use std::collections::HashMap;

use safetensors::SafeTensors;

use super::hash::murmur64a;
use super::tokenizer::{Token, Tokenizer, TokenizerRules};
use crate::nn::{
    tensor, DistinctRows, KeyHash, PackedMatrix, Tok2Vec, Tok2VecBuffers, CONTEXT, WIDTH,
};

const HIDDEN: usize = 64;
const LOWER_PIECES: usize = 2;
const N_FEATURES: usize = 3;
/// Tokens per network window (the buffers hold about 4 KB per token of a window, so 2 MB
/// per thread). Longer documents cost 2 x CONTEXT extra rows per window (1.6 %).
const WINDOW_TOKENS: usize = 512;
/// Attribute columns of the entity tok2vec: NORM, PREFIX, SUFFIX, SHAPE.
const N_COLUMNS: usize = 4;
/// Workspace buffers above this many floats are released after use, so one huge
/// document does not pin its memory for the rest of the run.
const KEEP_WORKSPACE_FLOATS: usize = 8 << 20;
/// Decoder states whose scores are kept for reuse (~0.3 KB each); cleared when full.
const MEMO_LIMIT: usize = 4096;
/// Tokens whose slot 1 and 2 rows are kept for reuse (1 KB each); cleared when full.
const REST_LIMIT: usize = 1024;
/// The id of a padding feature in a state's memo key.
const PAD_ID: u32 = u32::MAX;

/// Per-thread buffers for the network, reused across documents: allocating them per
/// document costs time and fragments the heap.
#[derive(Default)]
struct Workspace {
    keys: Vec<[u64; N_COLUMNS]>,
    t2v: Tok2VecBuffers<N_COLUMNS>,
    distinct: DistinctRows,
    projected: Vec<f32>,
    cached: Vec<f32>,
    /// Tests turn the decoder's reuse of states off (see `Decoder::memo`).
    no_memo: bool,
}

impl Workspace {
    fn release_if_large(&mut self) {
        self.t2v.release_if_large();
        self.distinct.release_if_large();
        for buf in [&mut self.projected, &mut self.cached] {
            if buf.capacity() > KEEP_WORKSPACE_FLOATS {
                *buf = Vec::new();
            }
        }
    }
}

thread_local! {
    static WORKSPACE: std::cell::RefCell<Workspace> = std::cell::RefCell::new(Workspace::default());
}

#[derive(serde::Deserialize)]
struct EmbeddingConfig {
    column: usize,
    seed: u32,
    rows: usize,
}

#[derive(serde::Deserialize)]
struct ModelConfig {
    embeddings: Vec<EmbeddingConfig>,
    actions: Vec<(String, String)>,
    tokenizer: TokenizerRules,
    lexeme_norm: HashMap<String, String>,
    base_norms: HashMap<String, String>,
    symbols: HashMap<String, u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Move {
    Begin,
    In,
    Last,
    Unit,
    Out,
}

/// One output of the decoder: a move and its label (an index into `labels`; `None` for O).
#[derive(Debug, Clone, Copy)]
struct Action {
    mv: Move,
    label: Option<usize>,
}

/// The loaded model; immutable and shared by all threads.
pub struct SpacySmModel {
    /// The model's tokenizer: [`Tokenizer::tokenize`] gives spaCy's tokens (byte offsets).
    pub tokenizer: Tokenizer,
    lexeme_norm: HashMap<u64, String>,
    /// spaCy's built-in NORM exceptions, consulted after `lexeme_norm`.
    base_norms: HashMap<String, String>,
    symbols: HashMap<String, u64>,
    tok2vec: Tok2Vec<N_COLUMNS>,
    project_w: PackedMatrix,
    project_b: Vec<f32>,
    /// Feature slot 0's contribution to the hidden layer ((HIDDEN * LOWER_PIECES) x
    /// HIDDEN), computed for every token; slots 1 and 2 (the open entity's first token, the
    /// previous token) are read only inside an entity, so `lower_rest` (the next 2 slots'
    /// rows) runs only for tokens where one opens or continues. A row is the same bits
    /// whichever matrix computes it.
    lower_first: PackedMatrix,
    lower_rest: PackedMatrix,
    lower_b: Vec<f32>,
    lower_pad: Vec<f32>,
    /// The output layer transposed (HIDDEN x n_actions), so each hidden unit adds its
    /// column to all scores at once (vectorised); every score still sums its terms in
    /// unit order, as the row-wise dot product did.
    upper_wt: Vec<f32>,
    upper_b: Vec<f32>,
    actions: Vec<Action>,
    labels: Vec<String>,
}

/// spaCy's `Token.shape_`.
fn word_shape(text: &str) -> String {
    if text.chars().count() >= 100 {
        return "LONG".into();
    }
    let mut shape = String::new();
    let mut last = '\0';
    let mut seq = 0;
    for c in text.chars() {
        let s = if c.is_alphabetic() {
            if c.is_uppercase() {
                'X'
            } else {
                'x'
            }
        } else if is_py_digit(c) {
            'd'
        } else {
            c
        };
        if s == last {
            seq += 1;
        } else {
            seq = 0;
            last = s;
        }
        if seq < 4 {
            shape.push(s);
        }
    }
    shape
}

/// Python's `str.isdigit()` for one char: decimal digits and superscript/other digits, not
/// fractions or Roman numerals.
fn is_py_digit(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_digit();
    }
    c.is_numeric()
        && !matches!(c, '\u{bc}'..='\u{be}' | '\u{2150}'..='\u{218b}' | '\u{2cfd}' | '\u{3007}' | '\u{3021}'..='\u{3029}')
}

impl SpacySmModel {
    /// Loads the model from its `model.json` and `weights.safetensors` bytes.
    pub fn from_bytes(config: &[u8], weights: &[u8]) -> Result<Self, String> {
        let config: ModelConfig =
            serde_json::from_slice(config).map_err(|e| format!("model.json: {e}"))?;
        let st = SafeTensors::deserialize(weights).map_err(|e| format!("weights: {e}"))?;
        let weight = |e: String| format!("weights: {e}");
        for (i, e) in config.embeddings.iter().enumerate() {
            if e.column != i {
                return Err("model.json: embeddings must be in column order".into());
            }
        }
        let columns: Vec<(u32, usize)> =
            config.embeddings.iter().map(|e| (e.seed, e.rows)).collect();
        let tok2vec = Tok2Vec::load(&st, "", &columns).map_err(weight)?;
        let mut actions = Vec::new();
        let mut labels: Vec<String> = Vec::new();
        for (m, label) in config.actions {
            let mv = match m.as_str() {
                "B" => Move::Begin,
                "I" => Move::In,
                "L" => Move::Last,
                "U" => Move::Unit,
                "O" => Move::Out,
                other => return Err(format!("model.json: unknown move {other:?}")),
            };
            let label = if label.is_empty() {
                None
            } else {
                Some(match labels.iter().position(|l| *l == label) {
                    Some(i) => i,
                    None => {
                        labels.push(label);
                        labels.len() - 1
                    }
                })
            };
            actions.push(Action { mv, label });
        }
        let n_actions = actions.len();
        let lexeme_norm = config
            .lexeme_norm
            .into_iter()
            .map(|(k, v)| {
                k.parse::<u64>()
                    .map(|k| (k, v))
                    .map_err(|e| format!("model.json: norm key: {e}"))
            })
            .collect::<Result<_, _>>()?;
        let project_w = tensor(&st, "project.W", &[HIDDEN, WIDTH]).map_err(weight)?;
        let lower_w =
            tensor(&st, "lower.W", &[N_FEATURES, HIDDEN, LOWER_PIECES, HIDDEN]).map_err(weight)?;
        let upper_w = tensor(&st, "upper.W", &[n_actions, HIDDEN]).map_err(weight)?;
        let mut upper_wt = vec![0.0f32; n_actions * HIDDEN];
        for a in 0..n_actions {
            for j in 0..HIDDEN {
                upper_wt[j * n_actions + a] = upper_w[a * HIDDEN + j];
            }
        }
        Ok(SpacySmModel {
            tokenizer: Tokenizer::new(config.tokenizer)?,
            lexeme_norm,
            base_norms: config.base_norms,
            symbols: config.symbols,
            tok2vec,
            project_w: PackedMatrix::new(&project_w, HIDDEN, WIDTH),
            project_b: tensor(&st, "project.b", &[HIDDEN]).map_err(weight)?,
            lower_first: PackedMatrix::new(
                &lower_w[..HIDDEN * LOWER_PIECES * HIDDEN],
                HIDDEN * LOWER_PIECES,
                HIDDEN,
            ),
            lower_rest: PackedMatrix::new(
                &lower_w[HIDDEN * LOWER_PIECES * HIDDEN..],
                (N_FEATURES - 1) * HIDDEN * LOWER_PIECES,
                HIDDEN,
            ),
            lower_b: tensor(&st, "lower.b", &[HIDDEN, LOWER_PIECES]).map_err(weight)?,
            lower_pad: tensor(&st, "lower.pad", &[1, N_FEATURES, HIDDEN, LOWER_PIECES])
                .map_err(weight)?,
            upper_wt,
            upper_b: tensor(&st, "upper.b", &[n_actions]).map_err(weight)?,
            actions,
            labels,
        })
    }

    /// The label of action `a` ("" for O).
    fn label_of(&self, a: usize) -> &str {
        self.actions[a]
            .label
            .map_or("", |l| self.labels[l].as_str())
    }

    /// The entity labels the model predicts.
    pub fn labels(&self) -> &[String] {
        &self.labels
    }

    /// spaCy's string-store key: a symbol id, or MurmurHash64A with seed 1.
    fn string_key(&self, s: &str) -> u64 {
        if s.is_empty() {
            return 0;
        }
        match self.symbols.get(s) {
            Some(&id) => id,
            None => murmur64a(s.as_bytes(), 1),
        }
    }

    pub(crate) fn features(&self, text: &str, token: &Token) -> [u64; 4] {
        let word = &text[token.start..token.end];
        let norm_key = match &token.norm {
            Some(n) => self.string_key(n),
            None => match self.lexeme_norm.get(&self.string_key(word)) {
                Some(n) => self.string_key(n),
                None => match self.base_norms.get(word) {
                    Some(n) => self.string_key(n),
                    None => self.string_key(&word.to_lowercase()),
                },
            },
        };
        let first_end = word.char_indices().nth(1).map_or(word.len(), |(i, _)| i);
        let n_chars = word.chars().count();
        let suffix_start = word
            .char_indices()
            .nth(n_chars.saturating_sub(3))
            .map_or(0, |(i, _)| i);
        [
            norm_key,
            self.string_key(&word[..first_end]),
            self.string_key(&word[suffix_start..]),
            self.string_key(&word_shape(word)),
        ]
    }

    /// tok2vec of `tokens` into `ws.t2v` (read with `ws.t2v.distinct_rows`).
    fn tok2vec(&self, text: &str, tokens: &[Token], ws: &mut Workspace) {
        ws.keys.clear();
        ws.keys
            .extend(tokens.iter().map(|token| self.features(text, token)));
        self.tok2vec.forward(&ws.keys, &mut ws.t2v);
    }

    /// Runs the NER over `tokens`; `sentence_start[i]` marks tokens that begin a sentence
    /// (no entity may cross one; pass an empty slice for none). Returns token ranges.
    pub fn predict(
        &self,
        text: &str,
        tokens: &[Token],
        sentence_start: &[bool],
    ) -> Vec<(usize, usize, &str)> {
        if tokens.is_empty() {
            return Vec::new();
        }
        WORKSPACE.with_borrow_mut(|ws| {
            let entities = self.predict_with(text, tokens, sentence_start, WINDOW_TOKENS, ws);
            ws.release_if_large();
            entities
        })
    }

    fn predict_with(
        &self,
        text: &str,
        tokens: &[Token],
        sentence_start: &[bool],
        window: usize,
        ws: &mut Workspace,
    ) -> Vec<(usize, usize, &str)> {
        let n = tokens.len();
        let window = window.max(1);
        let slot = HIDDEN * LOWER_PIECES;
        let mut decoder = Decoder {
            open: None,
            open_row: vec![0.0; slot],
            prev_row: vec![0.0; slot],
            hidden: vec![0.0; slot],
            hid: vec![0.0; HIDDEN],
            scores: vec![0.0; self.actions.len()],
            rest: vec![0.0; (N_FEATURES - 1) * slot],
            entities: Vec::new(),
            id: 0,
            open_id: 0,
            prev_id: 0,
            memo: false,
            memo_index: HashMap::default(),
            memo_scores: Vec::new(),
            rest_index: HashMap::default(),
            rest_rows: Vec::new(),
        };
        // Document-wide ids of the token vectors: a window's distinct rows get the ids
        // base.. (equal ids, equal vectors).
        let mut base = 0u32;
        // The network runs over windows of tokens so its buffers stay bounded whatever the
        // document's length. Exact: a token's tok2vec row depends on the CONTEXT tokens on
        // each side only, so each window is computed with that many real tokens around it
        // (or spaCy's zero padding at the document's ends), and the decoder carries its
        // state (open entity, the rows it reads of earlier tokens) from window to window.
        let mut a = 0;
        while a < n {
            let b = (a + window).min(n);
            let lo = a.saturating_sub(CONTEXT);
            let hi = (b + CONTEXT).min(n);
            self.tok2vec(text, &tokens[lo..hi], ws);
            // The projection and slot 0's hidden contribution depend on the token vector
            // alone: computed once per distinct vector (see `distinct_rows`).
            ws.t2v.distinct_rows(a - lo, b - lo, &mut ws.distinct);
            let m = ws.distinct.len();
            let projected = crate::nn::resize_stale(&mut ws.projected, m * HIDDEN);
            self.project_w
                .matmul(&ws.distinct.rows, WIDTH, m, projected, HIDDEN);
            for r in 0..m {
                projected[r * HIDDEN..(r + 1) * HIDDEN]
                    .iter_mut()
                    .zip(&self.project_b)
                    .for_each(|(v, b)| *v += b);
            }
            // Each token's contribution to the hidden layer for feature slot 0.
            let cached = crate::nn::resize_stale(&mut ws.cached, m * slot);
            self.lower_first
                .matmul(&ws.projected, HIDDEN, m, cached, slot);
            // A window that repeats its token vectors reuses the scores of states seen
            // before (see `Decoder::memo`); natural text skips the lookups.
            decoder.memo = !ws.no_memo && m * 2 <= b - a;
            for i in a..b {
                let s = ws.distinct.slots[i - a] as usize;
                let row = &ws.cached[s * slot..(s + 1) * slot];
                let projected = &ws.projected[s * HIDDEN..(s + 1) * HIDDEN];
                decoder.id = base + s as u32;
                self.decode_step(
                    text,
                    tokens,
                    sentence_start,
                    i,
                    (row, projected),
                    &mut decoder,
                );
                decoder.prev_id = decoder.id;
            }
            base += m as u32;
            a = b;
        }
        decoder.entities
    }

    /// Feature slots 1 and 2 of the current token (`d.id`) into `d.rest`; kept by id when
    /// the window repeats its token vectors.
    fn rest_rows(&self, projected: &[f32], d: &mut Decoder) {
        let width = (N_FEATURES - 1) * HIDDEN * LOWER_PIECES;
        if d.memo {
            if let Some(&j) = d.rest_index.get(&d.id) {
                let j = j as usize;
                d.rest
                    .copy_from_slice(&d.rest_rows[j * width..(j + 1) * width]);
                return;
            }
        }
        self.lower_rest
            .matmul(projected, HIDDEN, 1, &mut d.rest, width);
        if d.memo {
            if d.rest_index.len() >= REST_LIMIT {
                d.rest_index.clear();
                d.rest_rows.clear();
            }
            d.rest_index.insert(d.id, d.rest_index.len() as u32);
            d.rest_rows.extend_from_slice(&d.rest);
        }
    }

    /// One greedy transition for token `i`; `row` is its precomputed hidden-layer input for
    /// feature slot 0 and its projected vector (for the other slots, computed if needed).
    fn decode_step<'m>(
        &'m self,
        text: &str,
        tokens: &[Token],
        sentence_start: &[bool],
        i: usize,
        (row, projected): (&[f32], &[f32]),
        d: &mut Decoder<'m>,
    ) {
        let n = tokens.len();
        let slot = HIDDEN * LOWER_PIECES;
        let starts_sentence = |i: usize| sentence_start.get(i).copied().unwrap_or(false);
        let open = d.open;
        // Feature slots: the current token, the open entity's first token, the previous
        // token (the last two only while an entity is open). The scores are a function of
        // the three tokens' vector ids (or padding), so a state seen before reuses them.
        let key = [
            d.id,
            if open.is_some() { d.open_id } else { PAD_ID },
            if open.is_some() && i > 0 {
                d.prev_id
            } else {
                PAD_ID
            },
        ];
        let n_actions = self.actions.len();
        let hit = if d.memo {
            d.memo_index.get(&key).copied()
        } else {
            None
        };
        if let Some(j) = hit {
            let j = j as usize;
            d.scores
                .copy_from_slice(&d.memo_scores[j * n_actions..(j + 1) * n_actions]);
        } else {
            d.hidden.copy_from_slice(&self.lower_b);
            let sources: [&[f32]; N_FEATURES] = [
                &row[..slot],
                if open.is_some() {
                    &d.open_row
                } else {
                    &self.lower_pad[slot..2 * slot]
                },
                if open.is_some() && i > 0 {
                    &d.prev_row
                } else {
                    &self.lower_pad[2 * slot..3 * slot]
                },
            ];
            for src in sources {
                d.hidden.iter_mut().zip(src).for_each(|(h, s)| *h += s);
            }
            for (o, h) in d.hid.iter_mut().enumerate() {
                *h = d.hidden[o * LOWER_PIECES].max(d.hidden[o * LOWER_PIECES + 1]);
            }
            crate::nn::columns_dot(&d.hid, &self.upper_wt, n_actions, &mut d.scores);
            d.scores
                .iter_mut()
                .zip(&self.upper_b)
                .for_each(|(s, b)| *s += b);
            if d.memo {
                if d.memo_index.len() >= MEMO_LIMIT {
                    d.memo_index.clear();
                    d.memo_scores.clear();
                }
                d.memo_index.insert(key, d.memo_index.len() as u32);
                d.memo_scores.extend_from_slice(&d.scores);
            }
        }
        let buffer_len = n - i;
        let next_starts_sentence = starts_sentence(i + 1);
        let is_space = text[tokens[i].start..tokens[i].end]
            .chars()
            .all(super::tokenizer::py_isspace);
        let open_label = open.map(|(_, a)| self.actions[a].label);
        let valid = |act: &Action| match act.mv {
            Move::Begin => {
                open.is_none()
                    && buffer_len >= 2
                    && act.label.is_some()
                    && !is_space
                    && !next_starts_sentence
            }
            Move::In => open_label == Some(act.label) && buffer_len >= 2 && !next_starts_sentence,
            Move::Last => open_label == Some(act.label),
            Move::Unit => open.is_none() && act.label.is_some() && !is_space,
            Move::Out => open.is_none(),
        };
        // Highest score wins; ties go to the lower action index (stable argsort).
        let mut best: Option<usize> = None;
        for (a, act) in self.actions.iter().enumerate() {
            if valid(act) && best.is_none_or(|b| d.scores[a] > d.scores[b]) {
                best = Some(a);
            }
        }
        match best.map(|a| (a, self.actions[a].mv)) {
            // No valid move (cannot happen with this action set); close what is open.
            None => {
                if let Some((s, la)) = d.open.take() {
                    d.entities.push((s, i + 1, self.label_of(la)));
                }
            }
            Some((a, Move::Begin)) => {
                d.open = Some((i, a));
                d.open_id = d.id;
                self.rest_rows(projected, d);
                d.open_row.copy_from_slice(&d.rest[..slot]);
                d.prev_row.copy_from_slice(&d.rest[slot..2 * slot]);
                return;
            }
            Some((_, Move::Last)) => {
                if let Some((s, la)) = d.open.take() {
                    d.entities.push((s, i + 1, self.label_of(la)));
                }
            }
            Some((a, Move::Unit)) => d.entities.push((i, i + 1, self.label_of(a))),
            Some((_, Move::In | Move::Out)) => {}
        }
        // The next token reads this one's slot 2 only inside an entity.
        if d.open.is_some() {
            self.rest_rows(projected, d);
            d.prev_row.copy_from_slice(&d.rest[slot..2 * slot]);
        }
    }
}

/// The greedy decoder's state between tokens: what it reads of earlier tokens is copied
/// here, so the network's buffers can be reused window after window.
struct Decoder<'m> {
    /// (first token, action index) of the entity being built.
    open: Option<(usize, usize)>,
    /// Feature slot 1 of the open entity's first token.
    open_row: Vec<f32>,
    /// Feature slot 2 of the previous token.
    prev_row: Vec<f32>,
    hidden: Vec<f32>,
    hid: Vec<f32>,
    scores: Vec<f32>,
    /// Slots 1 and 2 of the current token, when needed.
    rest: Vec<f32>,
    entities: Vec<(usize, usize, &'m str)>,
    /// Document-wide ids of the token vectors of the current token, of the open entity's
    /// first token and of the previous token (equal ids, equal vectors).
    id: u32,
    open_id: u32,
    prev_id: u32,
    /// Whether to reuse scores and slot rows by ids (a window that repeats its vectors):
    /// a state's scores depend on its three feature rows only.
    memo: bool,
    memo_index: HashMap<[u32; N_FEATURES], u32, KeyHash>,
    memo_scores: Vec<f32>,
    rest_index: HashMap<u32, u32, KeyHash>,
    rest_rows: Vec<f32>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_follow_spacy() {
        assert_eq!(word_shape("Apple"), "Xxxxx");
        assert_eq!(word_shape("C3PO"), "XdXX");
        assert_eq!(word_shape("1,000,000"), "d,ddd,ddd");
        assert_eq!(word_shape("aaaaaaaa"), "xxxx");
    }

    /// How far two computations of the same token vectors may differ: the Winograd
    /// encoders round differently from the plain product (and by the tile a row falls
    /// in), by ~1e-6 relative; a real difference (a wrong row, a wrong window) is O(1).
    const ROUNDING: f32 = 1e-4;

    fn max_abs_diff(a: &[f32], b: &[f32]) -> f32 {
        assert_eq!(a.len(), b.len(), "row counts differ");
        a.iter()
            .zip(b)
            .map(|(x, y)| (x - y).abs())
            .fold(0.0, f32::max)
    }

    fn sample_text() -> String {
        let article = include_str!("../../examples/harbor-lights.txt");
        format!("{article}\n\n{article} Extra words for Ann Lee in Paris, France.")
    }

    #[test]
    fn tok2vec_rows_of_a_window_with_its_context_equal_the_whole_document() {
        let model = crate::ner::embedded_model();
        let text = sample_text();
        let tokens = model.tokenizer.tokenize(&text);
        let n = tokens.len();
        let mut whole = Workspace::default();
        model.tok2vec(&text, &tokens, &mut whole);
        // Again with every row from the mix cache: the same bits.
        let first = whole.t2v.tokvecs().to_vec();
        model.tok2vec(&text, &tokens, &mut whole);
        assert!(first == whole.t2v.tokvecs(), "cached mix rows differ");
        for (a, b) in [(0, 7), (5, 40), (n / 2, n / 2 + 1), (n - 9, n), (0, n)] {
            let (lo, hi) = (a.saturating_sub(CONTEXT), (b + CONTEXT).min(n));
            let mut part = Workspace::default();
            model.tok2vec(&text, &tokens[lo..hi], &mut part);
            let rows = |x: &[f32], first: usize| x[first * WIDTH..(first + b - a) * WIDTH].to_vec();
            let diff = max_abs_diff(
                &rows(&whole.t2v.tokvecs(), a),
                &rows(&part.t2v.tokvecs(), a - lo),
            );
            assert!(diff <= ROUNDING, "rows {a}..{b} differ by {diff}");
        }
    }

    /// Token vectors computed once per distinct receptive field are the bits of the plain
    /// computation, on natural text and on repetitive text (runs, nesting, repeated
    /// lines), whatever the mix and product caches hold from earlier calls.
    #[test]
    fn deduplicated_tok2vec_rows_equal_the_plain_computation() {
        let model = crate::ner::embedded_model();
        let article = include_str!("../../examples/harbor-lights.txt");
        let texts = [
            article.to_string(),
            format!("{} word {}", "( ".repeat(300), " )".repeat(300)),
            "| 1 | 2 |\n+---+---+\n".repeat(80),
            format!("{article} {}", "Yes. No. ".repeat(100)),
            "a".to_string(),
            "x y".to_string(),
        ];
        let mut ws = Workspace::default();
        for round in 0..2 {
            for text in &texts {
                let tokens = model.tokenizer.tokenize(text);
                model.tok2vec(text, &tokens, &mut ws);
                let want = model.tok2vec.forward_reference(&ws.keys);
                let diff = max_abs_diff(&ws.t2v.tokvecs(), &want);
                assert!(
                    diff <= ROUNDING,
                    "round {round}: rows differ by {diff} on {:?}",
                    &text[..text.len().min(40)]
                );
                // The distinct rows read back per token are the same rows.
                let mut d = DistinctRows::default();
                ws.t2v.distinct_rows(0, tokens.len(), &mut d);
                let per_token: Vec<f32> = d
                    .slots
                    .iter()
                    .flat_map(|&s| &d.rows[s as usize * WIDTH..(s as usize + 1) * WIDTH])
                    .copied()
                    .collect();
                assert!(per_token == ws.t2v.tokvecs());
                if text.starts_with("( ") {
                    assert!(d.len() * 10 < tokens.len(), "runs share their rows");
                }
            }
        }
    }

    /// Repeated sentences: the decoder's reuse of scores and rows by token vector ids
    /// gives the entities computed without it.
    #[test]
    fn reused_decoder_states_give_the_same_entities() {
        let model = crate::ner::embedded_model();
        let text = "Ann Lee met Bob Smith of Acme Corp in Paris on Monday. ".repeat(120);
        let tokens = model.tokenizer.tokenize(&text);
        let mut plain = Workspace {
            no_memo: true,
            ..Workspace::default()
        };
        let want = model.predict_with(&text, &tokens, &[], WINDOW_TOKENS, &mut plain);
        assert!(want.len() >= 240, "the text has entities");
        let mut ws = Workspace::default();
        for window in [WINDOW_TOKENS, 100] {
            let got = model.predict_with(&text, &tokens, &[], window, &mut ws);
            assert_eq!(got, want, "window {window}");
        }
        // The windows do repeat their vectors (the reuse ran).
        let w = WINDOW_TOKENS.min(tokens.len());
        model.tok2vec(&text, &tokens[..w], &mut ws);
        ws.t2v.distinct_rows(0, w, &mut ws.distinct);
        assert!(ws.distinct.len() * 2 <= w);
    }

    #[test]
    fn windowed_decoding_equals_one_window() {
        let model = crate::ner::embedded_model();
        let text = sample_text();
        let tokens = model.tokenizer.tokenize(&text);
        let mut starts = vec![false; tokens.len()];
        for (i, t) in tokens.iter().enumerate().skip(1) {
            starts[i] = text[..t.start].ends_with(". ");
        }
        for sentence_start in [&[][..], &starts[..]] {
            let mut ws = Workspace::default();
            let one = model.predict_with(&text, &tokens, sentence_start, tokens.len(), &mut ws);
            assert!(one.len() > 10, "the sample has entities");
            for window in [1, 2, 5, 64, 333] {
                let windowed = model.predict_with(&text, &tokens, sentence_start, window, &mut ws);
                assert_eq!(windowed, one, "window {window}");
            }
        }
    }
}
