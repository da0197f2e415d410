//! The public entry point: a `Pipeline` turns an `Article` into an annotated `Document`.

use crate::doc::{Article, Document, EntityLabel};
use std::collections::HashSet;

use crate::ner::{EntityRecognizer, LayeredNer};
use crate::quotes::{QuoteExtractor, RuleQuotes};
use crate::segment::{RuleSegmenter, Segmenter};

/// Runs the annotation stages over one article. Cheap to share across threads.
pub struct Pipeline {
    segmenter: Box<dyn Segmenter>,
    entities: Option<Box<dyn EntityRecognizer>>,
    quotes: Option<Box<dyn QuoteExtractor>>,
    /// Entity labels kept in the output; `None` keeps all.
    entity_labels: Option<HashSet<EntityLabel>>,
}

impl Default for Pipeline {
    fn default() -> Self {
        Pipeline::builder().build()
    }
}

impl Pipeline {
    /// A builder to choose or turn off stages; `Pipeline::default()` is `builder().build()`.
    pub fn builder() -> PipelineBuilder {
        PipelineBuilder::default()
    }

    /// The sentence stage, e.g. to segment other text the way the pipeline does.
    pub fn segmenter(&self) -> &dyn Segmenter {
        self.segmenter.as_ref()
    }

    /// Annotates one article: sentences, then entities, then quotes.
    pub fn process(&self, article: Article) -> Document {
        let mut doc = Document::new(article);
        doc.sentences = self.segmenter.segment(&doc.text);
        if let Some(ner) = &self.entities {
            doc.entities = ner.recognize(&doc);
        }
        if let Some(extractor) = &self.quotes {
            doc.quotes = extractor.extract(&doc);
        }
        // Filtered last: the quote stage still sees every PERSON.
        if let Some(labels) = &self.entity_labels {
            doc.entities.retain(|e| labels.contains(&e.label));
        }
        doc
    }

    /// Convenience for a bare text (id "text").
    pub fn process_text(&self, text: &str) -> Document {
        self.process(Article {
            id: "text".into(),
            title: None,
            text: text.into(),
        })
    }
}

/// Chooses the implementation of each stage.
/// Stages left unset get the defaults: rule sentences and all entity layers (the embedded model,
/// the bundled gazetteers and the context rules), loaded only when used.
#[derive(Default)]
pub struct PipelineBuilder {
    segmenter: Option<Box<dyn Segmenter>>,
    /// `None`: the default model; `Some(None)`: no entities.
    entities: Option<Option<Box<dyn EntityRecognizer>>>,
    quotes: Option<Option<Box<dyn QuoteExtractor>>>,
    entity_labels: Option<HashSet<EntityLabel>>,
}

impl PipelineBuilder {
    /// The sentence stage (default: [`RuleSegmenter`]).
    pub fn segmenter(mut self, segmenter: impl Segmenter + 'static) -> Self {
        self.segmenter = Some(Box::new(segmenter));
        self
    }

    /// The entity stage; `None` turns entities off.
    pub fn entities(mut self, recognizer: Option<Box<dyn EntityRecognizer>>) -> Self {
        self.entities = Some(recognizer);
        self
    }

    /// The quote stage; `None` turns quotes off.
    pub fn quotes(mut self, extractor: Option<Box<dyn QuoteExtractor>>) -> Self {
        self.quotes = Some(extractor);
        self
    }

    /// Keep only entities with these labels in the output (later stages still see all).
    pub fn entity_labels<I: IntoIterator<Item = String>>(mut self, labels: I) -> Self {
        self.entity_labels = Some(labels.into_iter().map(|l| EntityLabel::parse(&l)).collect());
        self
    }

    /// The pipeline, with the defaults for every stage left unset.
    pub fn build(self) -> Pipeline {
        Pipeline {
            segmenter: self
                .segmenter
                .unwrap_or_else(|| Box::new(RuleSegmenter::default())),
            entities: self
                .entities
                .unwrap_or_else(|| Some(Box::new(LayeredNer::all()))),
            quotes: self
                .quotes
                .unwrap_or_else(|| Some(Box::new(RuleQuotes::default()))),
            entity_labels: self.entity_labels,
        }
    }
}
