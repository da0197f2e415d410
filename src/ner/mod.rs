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
        self.entities_skipping(text, tokens, sentences, &[])
    }

    /// As [`ModelNer::entities_over`], but the network does not run over sentences that are
    /// not prose ([`crate::segment::non_prose_tokens`]: quote-mark soup, symbol tables),
    /// which then hold no model entities; each run of prose sentences between them is read
    /// as a document of its own. On prose this is exactly `entities_over`. The pipeline
    /// uses it: on junk the network is most of the cost and its entities mean nothing.
    pub fn entities_over_prose(
        &self,
        text: &str,
        tokens: &[Token],
        sentences: &[Span],
    ) -> Vec<Entity> {
        let starts = crate::segment::starts_of_spans(text, sentences, tokens);
        let skip = crate::segment::non_prose_tokens(text, tokens, &starts);
        self.entities_skipping(text, tokens, sentences, &skip)
    }

    /// As [`ModelNer::entities`], over prose only (see [`ModelNer::entities_over_prose`]).
    pub fn entities_prose(&self, text: &str, sentences: &[Span]) -> Vec<Entity> {
        let tokens = self.model.tokenizer.tokenize(text);
        self.entities_over_prose(text, &tokens, sentences)
    }

    /// The entities of `tokens` with the network run over each maximal run of tokens not
    /// marked in `skip` (indexed like `tokens`; may be shorter).
    fn entities_skipping(
        &self,
        text: &str,
        tokens: &[Token],
        sentences: &[Span],
        skip: &[bool],
    ) -> Vec<Entity> {
        let mut sentence_start = vec![false; tokens.len()];
        if self.respect_sentences {
            for s in sentences.iter().skip(1) {
                let i = tokens.partition_point(|t| t.start < s.start);
                if let Some(flag) = sentence_start.get_mut(i) {
                    *flag = true;
                }
            }
        }
        let skipped = |i: usize| skip.get(i).copied().unwrap_or(false);
        let mut found = Vec::new();
        let mut a = 0;
        while a < tokens.len() {
            let b = (a..tokens.len())
                .find(|&i| skipped(i) != skipped(a))
                .unwrap_or(tokens.len());
            if !skipped(a) {
                found.extend(
                    self.model
                        .predict(text, &tokens[a..b], &sentence_start[a..b])
                        .into_iter()
                        .map(|(s, e, label)| Entity {
                            span: Span::new(tokens[a + s].start, tokens[a + e - 1].end),
                            label: EntityLabel::parse(label),
                            source: EntitySource::Model,
                        }),
                );
            }
            a = b;
        }
        found
    }
}

impl EntityRecognizer for ModelNer {
    fn recognize(&self, doc: &Document) -> Vec<Entity> {
        if doc.tokens.is_empty() && !doc.text.is_empty() {
            // A document built by hand, without the pipeline's token layer.
            return self.entities_prose(&doc.text, &doc.sentences);
        }
        self.entities_over_prose(&doc.text, &doc.tokens, &doc.sentences)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The network runs around a sentence that is not prose: no model entity inside it,
    /// and the prose before it reads as it does alone.
    #[test]
    fn no_model_entities_in_sentences_that_are_not_prose() {
        let ner = ModelNer::default();
        let before = "Maria Lopez flew to Paris on Monday with Google executives.";
        let soup =
            "» “ Peter ‹ » Smith 」「 ' ` » London ‟ 『 » “ the « ” ´ ' Rome 〝 ＂ » ‘ ’ « »";
        let after = "John Brown stayed in Berlin.";
        let text = format!("{before} {soup} {after}");
        let sentences = [
            Span::new(0, before.len()),
            Span::new(before.len() + 1, before.len() + 1 + soup.len()),
            Span::new(before.len() + soup.len() + 2, text.len()),
        ];
        let tokens = ner.model.tokenizer.tokenize(&text);
        let all = ner.entities_over(&text, &tokens, &sentences);
        let prose = ner.entities_over_prose(&text, &tokens, &sentences);
        let in_soup =
            |e: &Entity| sentences[1].start <= e.span.start && e.span.end <= sentences[1].end;
        assert!(
            all.iter().any(in_soup),
            "the soup holds names the network tags"
        );
        assert!(!prose.iter().any(in_soup));
        let alone = ner.entities(before, &[Span::new(0, before.len())]);
        assert!(!alone.is_empty());
        let first: Vec<&Entity> = prose
            .iter()
            .filter(|e| e.span.end <= before.len())
            .collect();
        assert_eq!(first, alone.iter().collect::<Vec<_>>());
        assert!(prose.iter().any(|e| e.span.start >= sentences[2].start));
        // Prose only: the same as the plain pass.
        let plain = format!("{before} {after}");
        let spans = [
            Span::new(0, before.len()),
            Span::new(before.len() + 1, plain.len()),
        ];
        assert_eq!(
            ner.entities_prose(&plain, &spans),
            ner.entities(&plain, &spans)
        );
    }
}
