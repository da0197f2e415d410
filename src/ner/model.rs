//! The spaCy small English NER network: hash embeddings, a maxout mixer, four residual
//! window encoders (tok2vec), then the greedy transition-based BILUO decoder.

use std::collections::HashMap;

use safetensors::SafeTensors;

use super::hash::{murmur3_128_u64, murmur64a};
use super::tokenizer::{Token, Tokenizer, TokenizerRules};

const WIDTH: usize = 96;
const PIECES: usize = 3;
const HIDDEN: usize = 64;
const LOWER_PIECES: usize = 2;
const N_FEATURES: usize = 3;
/// thinc's `with_array(pad=4)`: zero rows on both sides of a document.
const PAD: usize = 4;
/// Tokens per network window (the buffers hold about 6.5 KB per token of a window).
const WINDOW_TOKENS: usize = 2048;
/// Tokens of context each side of a window: the receptive field of tok2vec, four window
/// encoders that each see one token on each side.
const CONTEXT: usize = 4;
/// Workspace buffers above this many floats are released after use, so one huge
/// document does not pin its memory for the rest of the run.
const KEEP_WORKSPACE_FLOATS: usize = 8 << 20;

/// Per-thread buffers for the network, reused across documents: allocating them per
/// document costs time and fragments the heap.
#[derive(Default)]
struct Workspace {
    embedded: Vec<f32>,
    x: Vec<f32>,
    scratch: Vec<f32>,
    window: Vec<f32>,
    delta: Vec<f32>,
    projected: Vec<f32>,
    cached: Vec<f32>,
    /// Embedding + mix output of a token, keyed by its four feature hashes: the row
    /// depends on nothing else, and news repeats its words, so most tokens skip the
    /// embedding sums and the mix layer (about a fifth of the network's work).
    mix_cache: HashMap<[u64; 4], Box<[f32]>>,
    /// The model whose rows `mix_cache` holds.
    mix_owner: usize,
    /// Rows of this window's cache misses, then their mix outputs.
    miss_rows: Vec<f32>,
}

/// Entries of the per-thread mix cache (about 0.45 KB each); cleared when full.
const MIX_CACHE_LIMIT: usize = 20_000;

static NEXT_MODEL_ID: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(1);

impl Workspace {
    fn release_if_large(&mut self) {
        for buf in [
            &mut self.embedded,
            &mut self.x,
            &mut self.scratch,
            &mut self.window,
            &mut self.delta,
            &mut self.projected,
            &mut self.cached,
        ] {
            if buf.capacity() > KEEP_WORKSPACE_FLOATS {
                *buf = Vec::new();
            }
        }
    }
}

/// Resizes `buf` to `len` zeros, reusing its allocation.
fn zeroed(buf: &mut Vec<f32>, len: usize) -> &mut [f32] {
    buf.clear();
    buf.resize(len, 0.0);
    buf
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

struct Maxout {
    /// (n_out * PIECES, n_in), row-major.
    w: Vec<f32>,
    b: Vec<f32>,
    n_in: usize,
    gain: Vec<f32>,
    bias: Vec<f32>,
}

struct Embedding {
    table: Vec<f32>,
    rows: usize,
    seed: u32,
}

/// The loaded model; immutable and shared by all threads.
pub struct SpacySmModel {
    /// Identifies this model's rows in the per-thread mix cache.
    id: usize,
    /// The model's tokenizer: [`Tokenizer::tokenize`] gives spaCy's tokens (byte offsets).
    pub tokenizer: Tokenizer,
    lexeme_norm: HashMap<u64, String>,
    /// spaCy's built-in NORM exceptions, consulted after `lexeme_norm`.
    base_norms: HashMap<String, String>,
    symbols: HashMap<String, u64>,
    embeddings: Vec<Embedding>,
    mix: Maxout,
    encoders: Vec<Maxout>,
    project_w: Vec<f32>,
    project_b: Vec<f32>,
    lower_w: Vec<f32>,
    lower_b: Vec<f32>,
    lower_pad: Vec<f32>,
    upper_w: Vec<f32>,
    upper_b: Vec<f32>,
    actions: Vec<(Move, String)>,
    labels: Vec<String>,
}

fn tensor(st: &SafeTensors, name: &str, shape: &[usize]) -> Result<Vec<f32>, String> {
    let view = st
        .tensor(name)
        .map_err(|e| format!("weights: {name}: {e}"))?;
    if view.shape() != shape {
        return Err(format!(
            "weights: {name} has shape {:?}, expected {shape:?}",
            view.shape()
        ));
    }
    if view.dtype() != safetensors::Dtype::F32 {
        return Err(format!("weights: {name} is not float32"));
    }
    Ok(view
        .data()
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect())
}

fn maxout(st: &SafeTensors, name: &str, n_in: usize) -> Result<Maxout, String> {
    Ok(Maxout {
        w: tensor(st, &format!("{name}.maxout.W"), &[WIDTH, PIECES, n_in])?,
        b: tensor(st, &format!("{name}.maxout.b"), &[WIDTH, PIECES])?,
        n_in,
        gain: tensor(st, &format!("{name}.norm.G"), &[WIDTH])?,
        bias: tensor(st, &format!("{name}.norm.b"), &[WIDTH])?,
    })
}

/// C (m x n) = A (m x k, row-major) · Wᵀ where W is (n x k) row-major; C is overwritten.
fn matmul_wt(a: &[f32], w: &[f32], m: usize, k: usize, n: usize, c: &mut [f32]) {
    debug_assert_eq!(a.len(), m * k);
    debug_assert_eq!(w.len(), n * k);
    debug_assert_eq!(c.len(), m * n);
    if m == 0 {
        return;
    }
    // SAFETY: the slices hold exactly m*k, n*k and m*n elements (asserted above) and the
    // strides describe those row-major layouts.
    unsafe {
        matrixmultiply::sgemm(
            m,
            k,
            n,
            1.0,
            a.as_ptr(),
            k as isize,
            1,
            w.as_ptr(),
            1,
            k as isize,
            0.0,
            c.as_mut_ptr(),
            n as isize,
            1,
        );
    }
}

impl Maxout {
    /// Maxout then LayerNorm over rows of `x` (m x n_in) into `out` (m x WIDTH).
    fn forward(&self, x: &[f32], m: usize, scratch: &mut Vec<f32>, out: &mut [f32]) {
        scratch.resize(m * WIDTH * PIECES, 0.0);
        matmul_wt(x, &self.w, m, self.n_in, WIDTH * PIECES, scratch);
        for r in 0..m {
            let row = &scratch[r * WIDTH * PIECES..(r + 1) * WIDTH * PIECES];
            let y = &mut out[r * WIDTH..(r + 1) * WIDTH];
            for o in 0..WIDTH {
                let mut best = f32::NEG_INFINITY;
                for p in 0..PIECES {
                    best = best.max(row[o * PIECES + p] + self.b[o * PIECES + p]);
                }
                y[o] = best;
            }
            let mean = y.iter().sum::<f32>() / WIDTH as f32;
            let var = y.iter().map(|v| (v - mean) * (v - mean)).sum::<f32>() / WIDTH as f32 + 1e-8;
            let inv = 1.0 / var.sqrt();
            for ((v, g), b) in y.iter_mut().zip(&self.gain).zip(&self.bias) {
                *v = (*v - mean) * inv * g + b;
            }
        }
    }
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
        let mut embeddings = Vec::new();
        for (i, e) in config.embeddings.iter().enumerate() {
            if e.column != i {
                return Err("model.json: embeddings must be in column order".into());
            }
            embeddings.push(Embedding {
                table: tensor(&st, &format!("embed.{i}"), &[e.rows, WIDTH])?,
                rows: e.rows,
                seed: e.seed,
            });
        }
        let encoders = (0..4)
            .map(|k| maxout(&st, &format!("encode.{k}"), 3 * WIDTH))
            .collect::<Result<Vec<_>, _>>()?;
        let mut actions = Vec::new();
        let mut labels = Vec::new();
        for (m, label) in config.actions {
            let mv = match m.as_str() {
                "B" => Move::Begin,
                "I" => Move::In,
                "L" => Move::Last,
                "U" => Move::Unit,
                "O" => Move::Out,
                other => return Err(format!("model.json: unknown move {other:?}")),
            };
            if !label.is_empty() && !labels.contains(&label) {
                labels.push(label.clone());
            }
            actions.push((mv, label));
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
        Ok(SpacySmModel {
            id: NEXT_MODEL_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            tokenizer: Tokenizer::new(config.tokenizer)?,
            lexeme_norm,
            base_norms: config.base_norms,
            symbols: config.symbols,
            mix: maxout(&st, "mix", embeddings.len() * WIDTH)?,
            embeddings,
            encoders,
            project_w: tensor(&st, "project.W", &[HIDDEN, WIDTH])?,
            project_b: tensor(&st, "project.b", &[HIDDEN])?,
            lower_w: tensor(&st, "lower.W", &[N_FEATURES, HIDDEN, LOWER_PIECES, HIDDEN])?,
            lower_b: tensor(&st, "lower.b", &[HIDDEN, LOWER_PIECES])?,
            lower_pad: tensor(&st, "lower.pad", &[1, N_FEATURES, HIDDEN, LOWER_PIECES])?,
            upper_w: tensor(&st, "upper.W", &[n_actions, HIDDEN])?,
            upper_b: tensor(&st, "upper.b", &[n_actions])?,
            actions,
            labels,
        })
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

    /// tok2vec into `ws.x` (PAD zero rows, then one WIDTH-wide row per token, then PAD).
    fn tok2vec(&self, text: &str, tokens: &[Token], ws: &mut Workspace) {
        let n = tokens.len();
        let n_embed = self.embeddings.len();
        let rows = n + 2 * PAD;
        zeroed(&mut ws.x, rows * WIDTH);
        if ws.mix_owner != self.id || ws.mix_cache.len() >= MIX_CACHE_LIMIT {
            ws.mix_cache.clear();
            ws.mix_owner = self.id;
        }
        // Rows from the cache; the misses (each distinct key once) go through the layer.
        let mut misses: Vec<[u64; 4]> = Vec::new();
        let mut pending: Vec<(usize, usize)> = Vec::new(); // (token, index in misses)
        let mut miss_index: HashMap<[u64; 4], usize> = HashMap::new();
        for (t, token) in tokens.iter().enumerate() {
            let keys = self.features(text, token);
            match ws.mix_cache.get(&keys) {
                Some(row) => ws.x[(PAD + t) * WIDTH..(PAD + t + 1) * WIDTH].copy_from_slice(row),
                None => {
                    let next = misses.len();
                    let i = *miss_index.entry(keys).or_insert(next);
                    if i == next {
                        misses.push(keys);
                    }
                    pending.push((t, i));
                }
            }
        }
        let m = misses.len();
        let embedded = zeroed(&mut ws.embedded, m * n_embed * WIDTH);
        for (t, keys) in misses.iter().enumerate() {
            for (c, e) in self.embeddings.iter().enumerate() {
                let out = &mut embedded[(t * n_embed + c) * WIDTH..(t * n_embed + c + 1) * WIDTH];
                for h in murmur3_128_u64(keys[c], e.seed) {
                    let row = (h as usize) % e.rows;
                    let src = &e.table[row * WIDTH..(row + 1) * WIDTH];
                    out.iter_mut().zip(src).for_each(|(o, s)| *o += s);
                }
            }
        }
        let mixed = zeroed(&mut ws.miss_rows, m * WIDTH);
        self.mix.forward(&ws.embedded, m, &mut ws.scratch, mixed);
        for (t, i) in pending {
            ws.x[(PAD + t) * WIDTH..(PAD + t + 1) * WIDTH]
                .copy_from_slice(&ws.miss_rows[i * WIDTH..(i + 1) * WIDTH]);
        }
        for (i, keys) in misses.into_iter().enumerate() {
            if ws.mix_cache.len() < MIX_CACHE_LIMIT {
                ws.mix_cache
                    .insert(keys, ws.miss_rows[i * WIDTH..(i + 1) * WIDTH].into());
            }
        }
        zeroed(&mut ws.delta, rows * WIDTH);
        for enc in &self.encoders {
            // [previous, current, next], zero beyond the ends.
            let window = zeroed(&mut ws.window, rows * 3 * WIDTH);
            for r in 0..rows {
                let dst = &mut window[r * 3 * WIDTH..(r + 1) * 3 * WIDTH];
                if r > 0 {
                    dst[..WIDTH].copy_from_slice(&ws.x[(r - 1) * WIDTH..r * WIDTH]);
                }
                dst[WIDTH..2 * WIDTH].copy_from_slice(&ws.x[r * WIDTH..(r + 1) * WIDTH]);
                if r + 1 < rows {
                    dst[2 * WIDTH..].copy_from_slice(&ws.x[(r + 1) * WIDTH..(r + 2) * WIDTH]);
                }
            }
            enc.forward(&ws.window, rows, &mut ws.scratch, &mut ws.delta);
            ws.x.iter_mut().zip(&ws.delta).for_each(|(a, d)| *a += d);
        }
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
            entities: Vec::new(),
        };
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
            let m = b - a;
            let x = &ws.x[(PAD + a - lo) * WIDTH..(PAD + b - lo) * WIDTH];
            let projected = zeroed(&mut ws.projected, m * HIDDEN);
            matmul_wt(x, &self.project_w, m, WIDTH, HIDDEN, projected);
            for r in 0..m {
                projected[r * HIDDEN..(r + 1) * HIDDEN]
                    .iter_mut()
                    .zip(&self.project_b)
                    .for_each(|(v, b)| *v += b);
            }
            // Each token's contribution to the hidden layer for every feature slot.
            let cached = zeroed(&mut ws.cached, m * N_FEATURES * slot);
            matmul_wt(
                &ws.projected,
                &self.lower_w,
                m,
                HIDDEN,
                N_FEATURES * slot,
                cached,
            );
            for i in a..b {
                let row = &ws.cached[(i - a) * N_FEATURES * slot..(i - a + 1) * N_FEATURES * slot];
                self.decode_step(text, tokens, sentence_start, i, row, &mut decoder);
            }
            a = b;
        }
        decoder.entities
    }

    /// One greedy transition for token `i`; `row` is its precomputed hidden-layer input for
    /// each feature slot.
    fn decode_step<'m>(
        &'m self,
        text: &str,
        tokens: &[Token],
        sentence_start: &[bool],
        i: usize,
        row: &[f32],
        d: &mut Decoder<'m>,
    ) {
        let n = tokens.len();
        let slot = HIDDEN * LOWER_PIECES;
        let starts_sentence = |i: usize| sentence_start.get(i).copied().unwrap_or(false);
        let open = d.open;
        // Feature slots: the current token, the open entity's first token, the previous
        // token (the last two only while an entity is open).
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
        for (a, s) in d.scores.iter_mut().enumerate() {
            let w = &self.upper_w[a * HIDDEN..(a + 1) * HIDDEN];
            *s = self.upper_b[a] + w.iter().zip(&d.hid).map(|(w, h)| w * h).sum::<f32>();
        }
        let buffer_len = n - i;
        let next_starts_sentence = starts_sentence(i + 1);
        let is_space = text[tokens[i].start..tokens[i].end]
            .chars()
            .all(super::tokenizer::py_isspace);
        let open_label = open.map(|(_, a)| self.actions[a].1.as_str());
        let valid = |a: usize| {
            let (mv, label) = (&self.actions[a].0, self.actions[a].1.as_str());
            match mv {
                Move::Begin => {
                    open.is_none()
                        && buffer_len >= 2
                        && !label.is_empty()
                        && !is_space
                        && !next_starts_sentence
                }
                Move::In => open_label == Some(label) && buffer_len >= 2 && !next_starts_sentence,
                Move::Last => open_label == Some(label),
                Move::Unit => open.is_none() && !label.is_empty() && !is_space,
                Move::Out => open.is_none(),
            }
        };
        // Highest score wins; ties go to the lower action index (stable argsort).
        let mut best: Option<usize> = None;
        for a in 0..self.actions.len() {
            if valid(a) && best.is_none_or(|b| d.scores[a] > d.scores[b]) {
                best = Some(a);
            }
        }
        match best.map(|a| (a, self.actions[a].0)) {
            // No valid move (cannot happen with this action set); close what is open.
            None => {
                if let Some((s, la)) = d.open.take() {
                    d.entities.push((s, i + 1, self.actions[la].1.as_str()));
                }
            }
            Some((a, Move::Begin)) => {
                d.open = Some((i, a));
                d.open_row.copy_from_slice(&row[slot..2 * slot]);
            }
            Some((_, Move::Last)) => {
                if let Some((s, la)) = d.open.take() {
                    d.entities.push((s, i + 1, self.actions[la].1.as_str()));
                }
            }
            Some((a, Move::Unit)) => d.entities.push((i, i + 1, self.actions[a].1.as_str())),
            Some((_, Move::In | Move::Out)) => {}
        }
        d.prev_row.copy_from_slice(&row[2 * slot..3 * slot]);
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
    entities: Vec<(usize, usize, &'m str)>,
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
        let first = whole.x.clone();
        assert!(!whole.mix_cache.is_empty());
        model.tok2vec(&text, &tokens, &mut whole);
        assert!(first == whole.x, "cached mix rows differ");
        for (a, b) in [(0, 7), (5, 40), (n / 2, n / 2 + 1), (n - 9, n), (0, n)] {
            let (lo, hi) = (a.saturating_sub(CONTEXT), (b + CONTEXT).min(n));
            let mut part = Workspace::default();
            model.tok2vec(&text, &tokens[lo..hi], &mut part);
            let rows = |x: &[f32], first: usize| {
                x[(PAD + first) * WIDTH..(PAD + first + b - a) * WIDTH].to_vec()
            };
            assert!(
                rows(&whole.x, a) == rows(&part.x, a - lo),
                "rows {a}..{b} differ"
            );
        }
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
