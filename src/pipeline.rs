//! The public entry point: a `Pipeline` turns an `Article` into an annotated `Document`.

use crate::doc::{Article, Document};
use crate::ner::{EntityRecognizer, ModelNer};
use crate::segment::{RuleSegmenter, Segmenter};

/// Runs the annotation stages over one article. Cheap to share across threads.
pub struct Pipeline {
    segmenter: Box<dyn Segmenter>,
    entities: Option<Box<dyn EntityRecognizer>>,
}

impl Default for Pipeline {
    fn default() -> Self {
        Pipeline::builder().build()
    }
}

impl Pipeline {
    pub fn builder() -> PipelineBuilder {
        PipelineBuilder::default()
    }

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
/// Stages left unset get the defaults: rule sentences and the embedded NER model (loaded
/// only when it is used).
#[derive(Default)]
pub struct PipelineBuilder {
    segmenter: Option<Box<dyn Segmenter>>,
    /// `None`: the default model; `Some(None)`: no entities.
    entities: Option<Option<Box<dyn EntityRecognizer>>>,
}

impl PipelineBuilder {
    pub fn segmenter(mut self, segmenter: impl Segmenter + 'static) -> Self {
        self.segmenter = Some(Box::new(segmenter));
        self
    }

    /// The entity stage; `None` turns entities off.
    pub fn entities(mut self, recognizer: Option<Box<dyn EntityRecognizer>>) -> Self {
        self.entities = Some(recognizer);
        self
    }

    pub fn build(self) -> Pipeline {
        Pipeline {
            segmenter: self
                .segmenter
                .unwrap_or_else(|| Box::new(RuleSegmenter::default())),
            entities: self
                .entities
                .unwrap_or_else(|| Some(Box::new(ModelNer::default()))),
        }
    }
}
