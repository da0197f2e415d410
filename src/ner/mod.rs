//! Named entities: a pure-Rust port of spaCy's `en_core_web_sm` 3.8.0 NER (embedded),
//! followed by gazetteer, context-rule and consistency layers for SHOW and CHARACTER.

mod cue_regex;
pub mod gazetteer;
pub(crate) mod hash;
pub mod layered;
pub mod model;
pub(crate) mod rules;
pub(crate) mod title_syntax;
pub(crate) mod titles;
pub mod tokenizer;
// The optional transformer backend for the model layer (needs libtorch).
#[cfg(feature = "bert")]
pub mod bert;

use std::sync::{Arc, OnceLock};

pub use gazetteer::{Gazetteer, GazetteerEntry};
pub use layered::LayeredNer;
pub use model::SpacySmModel;
pub use tokenizer::{Token, Tokenizer};

use crate::doc::{Document, Entity, EntityLabel, EntitySource, Span};

/// Finds entities in a document whose sentences are already set.
pub trait EntityRecognizer: Send + Sync {
    /// The entities of `doc` (byte spans, sorted by start), using its sentences.
    fn recognize(&self, doc: &Document) -> Vec<Entity>;
}

const MODEL_JSON: &[u8] = include_bytes!("../../models/en_core_web_sm-3.8.0/model.json");
const MODEL_WEIGHTS: &[u8] =
    include_bytes!("../../models/en_core_web_sm-3.8.0/weights.safetensors");

/// The embedded model, loaded once per process.
pub fn embedded_model() -> Arc<SpacySmModel> {
    static MODEL: OnceLock<Arc<SpacySmModel>> = OnceLock::new();
    MODEL
        .get_or_init(|| {
            Arc::new(
                SpacySmModel::from_bytes(MODEL_JSON, MODEL_WEIGHTS)
                    .expect("the embedded model loads (checked by the test suite)"),
            )
        })
        .clone()
}

/// The statistical NER layer. Runs over the whole text, as spaCy does; when
/// `respect_sentences` is set, no entity crosses one of the document's sentence boundaries.
#[derive(Clone)]
pub struct ModelNer {
    model: Arc<SpacySmModel>,
    respect_sentences: bool,
}

impl Default for ModelNer {
    fn default() -> Self {
        ModelNer {
            model: embedded_model(),
            respect_sentences: true,
        }
    }
}

impl ModelNer {
    /// The model layer over `model`; with `respect_sentences`, no entity crosses a sentence boundary.
    pub fn new(model: Arc<SpacySmModel>, respect_sentences: bool) -> Self {
        ModelNer {
            model,
            respect_sentences,
        }
    }

    /// Entities of `text` as token-aligned byte spans, given sentence spans to respect.
    pub fn entities(&self, text: &str, sentences: &[Span]) -> Vec<Entity> {
        let tokens = self.model.tokenizer.tokenize(text);
        self.entities_over(text, &tokens, sentences)
    }

    /// As [`ModelNer::entities`] over tokens already computed (the document's token layer);
    /// `tokens` must be this model's tokenizer output for `text`.
    pub fn entities_over(&self, text: &str, tokens: &[Token], sentences: &[Span]) -> Vec<Entity> {
        let mut sentence_start = vec![false; tokens.len()];
        if self.respect_sentences {
            for s in sentences.iter().skip(1) {
                let i = tokens.partition_point(|t| t.start < s.start);
                if let Some(flag) = sentence_start.get_mut(i) {
                    *flag = true;
                }
            }
        }
        self.model
            .predict(text, tokens, &sentence_start)
            .into_iter()
            .map(|(s, e, label)| Entity {
                span: Span::new(tokens[s].start, tokens[e - 1].end),
                label: EntityLabel::parse(label),
                source: EntitySource::Model,
            })
            .collect()
    }
}

impl EntityRecognizer for ModelNer {
    fn recognize(&self, doc: &Document) -> Vec<Entity> {
        if doc.tokens.is_empty() && !doc.text.is_empty() {
            // A document built by hand, without the pipeline's token layer.
            return self.entities(&doc.text, &doc.sentences);
        }
        self.entities_over(&doc.text, &doc.tokens, &doc.sentences)
    }
}
