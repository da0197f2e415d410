//! The pipeline's shared tok2vec (spaCy `Tok2Vec.v2`): MultiHashEmbed over NORM, PREFIX,
//! SUFFIX, SHAPE, SPACY and IS_SPACE (96 wide), a Maxout+LayerNorm mixer, then four residual
//! window encoders (window 1, maxout 3 pieces). Its output feeds the tagger and the parser.
//! The network itself is `crate::nn::Tok2Vec`, shared with the entity model.

use safetensors::SafeTensors;

use super::SyntaxError;

pub(crate) use crate::nn::WIDTH;

/// The embedded attributes, in column order.
pub(crate) const N_COLUMNS: usize = 6;

pub(crate) type Tok2Vec = crate::nn::Tok2Vec<N_COLUMNS>;
pub(crate) type Tok2VecBuffers = crate::nn::Tok2VecBuffers<N_COLUMNS>;

#[derive(Debug, serde::Deserialize)]
pub(crate) struct EmbeddingConfig {
    column: usize,
    seed: u32,
    rows: usize,
}

/// Loads the shared tok2vec (`tok2vec.*` tensors).
pub(crate) fn load(st: &SafeTensors, config: &[EmbeddingConfig]) -> Result<Tok2Vec, SyntaxError> {
    if config.len() != N_COLUMNS || config.iter().enumerate().any(|(i, e)| e.column != i) {
        return Err(SyntaxError::Config(
            "tok2vec: expected 6 embeddings in column order".into(),
        ));
    }
    let columns: Vec<(u32, usize)> = config.iter().map(|e| (e.seed, e.rows)).collect();
    Tok2Vec::load(st, "tok2vec.", &columns).map_err(SyntaxError::Weights)
}
