//! The pipeline's shared tok2vec (spaCy `Tok2Vec.v2`): MultiHashEmbed over NORM, PREFIX,
//! SUFFIX, SHAPE, SPACY and IS_SPACE (96 wide), a Maxout+LayerNorm mixer, then four residual
//! window encoders (window 1, maxout 3 pieces). Its output feeds the tagger and the parser.

use safetensors::SafeTensors;

use super::nn::{tensor, MaxoutNorm};
use super::SyntaxError;
use crate::ner::hash::murmur3_128_u64;

pub(crate) const WIDTH: usize = 96;
const PIECES: usize = 3;
const DEPTH: usize = 4;
/// thinc's `with_array(pad=4)` around the encoders: zero rows on both sides of a document.
const PAD: usize = 4;
/// The embedded attributes, in column order.
pub(crate) const N_COLUMNS: usize = 6;

#[derive(Debug, serde::Deserialize)]
pub(crate) struct EmbeddingConfig {
    column: usize,
    seed: u32,
    rows: usize,
}

struct HashEmbed {
    table: Vec<f32>,
    rows: usize,
    seed: u32,
}

pub(crate) struct Tok2Vec {
    embeddings: Vec<HashEmbed>,
    mix: MaxoutNorm,
    encoders: Vec<MaxoutNorm>,
}

/// Reusable buffers for one forward pass.
#[derive(Default)]
pub(crate) struct Tok2VecBuffers {
    embedded: Vec<f32>,
    padded: Vec<f32>,
    window: Vec<f32>,
    delta: Vec<f32>,
    scratch: Vec<f32>,
}

impl Tok2Vec {
    pub(crate) fn load(st: &SafeTensors, config: &[EmbeddingConfig]) -> Result<Self, SyntaxError> {
        if config.len() != N_COLUMNS || config.iter().enumerate().any(|(i, e)| e.column != i) {
            return Err(SyntaxError::Config(
                "tok2vec: expected 6 embeddings in column order".into(),
            ));
        }
        let embeddings = config
            .iter()
            .map(|e| {
                Ok(HashEmbed {
                    table: tensor(st, &format!("tok2vec.embed.{}", e.column), &[e.rows, WIDTH])?,
                    rows: e.rows,
                    seed: e.seed,
                })
            })
            .collect::<Result<Vec<_>, SyntaxError>>()?;
        let encoders = (0..DEPTH)
            .map(|k| MaxoutNorm::load(st, &format!("tok2vec.encode.{k}"), WIDTH, PIECES, 3 * WIDTH))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Tok2Vec {
            mix: MaxoutNorm::load(st, "tok2vec.mix", WIDTH, PIECES, N_COLUMNS * WIDTH)?,
            embeddings,
            encoders,
        })
    }

    /// Token vectors (n x WIDTH, row-major) from each token's six attribute keys.
    pub(crate) fn forward(
        &self,
        keys: &[[u64; N_COLUMNS]],
        buf: &mut Tok2VecBuffers,
        out: &mut Vec<f32>,
    ) {
        let n = keys.len();
        buf.embedded.clear();
        buf.embedded.resize(n * N_COLUMNS * WIDTH, 0.0);
        for (row, token_keys) in buf.embedded.chunks_exact_mut(N_COLUMNS * WIDTH).zip(keys) {
            for ((dst, e), &key) in row
                .chunks_exact_mut(WIDTH)
                .zip(&self.embeddings)
                .zip(token_keys)
            {
                // HashEmbed sums the four rows its hashes select.
                for h in murmur3_128_u64(key, e.seed) {
                    let r = (h as usize) % e.rows;
                    let src = &e.table[r * WIDTH..(r + 1) * WIDTH];
                    dst.iter_mut().zip(src).for_each(|(d, s)| *d += s);
                }
            }
        }
        let rows = n + 2 * PAD;
        buf.padded.clear();
        buf.padded.resize(rows * WIDTH, 0.0);
        self.mix.forward(
            &buf.embedded,
            n,
            &mut buf.scratch,
            &mut buf.padded[PAD * WIDTH..(PAD + n) * WIDTH],
        );
        buf.delta.clear();
        buf.delta.resize(rows * WIDTH, 0.0);
        for enc in &self.encoders {
            // Each row sees [previous, itself, next], zeros beyond the padded ends.
            buf.window.clear();
            buf.window.resize(rows * 3 * WIDTH, 0.0);
            for (r, dst) in buf.window.chunks_exact_mut(3 * WIDTH).enumerate() {
                if r > 0 {
                    dst[..WIDTH].copy_from_slice(&buf.padded[(r - 1) * WIDTH..r * WIDTH]);
                }
                dst[WIDTH..2 * WIDTH].copy_from_slice(&buf.padded[r * WIDTH..(r + 1) * WIDTH]);
                if r + 1 < rows {
                    dst[2 * WIDTH..].copy_from_slice(&buf.padded[(r + 1) * WIDTH..(r + 2) * WIDTH]);
                }
            }
            enc.forward(&buf.window, rows, &mut buf.scratch, &mut buf.delta);
            buf.padded
                .iter_mut()
                .zip(&buf.delta)
                .for_each(|(x, d)| *x += d);
        }
        out.clear();
        out.extend_from_slice(&buf.padded[PAD * WIDTH..(PAD + n) * WIDTH]);
    }
}
