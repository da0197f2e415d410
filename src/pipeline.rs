//! The public entry point: a `Pipeline` turns an `Article` into an annotated `Document`.

use crate::doc::{Article, Document, EntityLabel, Span};
use std::collections::HashSet;
use std::sync::Arc;

use crate::ner::{EntityRecognizer, LayeredNer};
use crate::quotes::{QuoteExtractor, RuleQuotes};
use crate::segment::{RuleSegmenter, Segmenter};
use crate::syntax::SyntaxModel;

/// Documents longer than this many tokens are parsed in chunks of about this size, cut at
/// sentence starts the parser keeps anyway: the parser's buffers stay bounded. Only the
/// tok2vec context of the few tokens at a cut differs from one whole-document pass.
const SYNTAX_CHUNK_TOKENS: usize = 4096;

/// A run of more tokens than this with no sentence start (a table, a symbol run, a text
/// with no punctuation) is cut at this length: the parser's per-token buffers (256 bytes
/// a token) then stay bounded whatever the input. Real sentences are far shorter, so this
/// only changes the parse of such junk.
const SYNTAX_MAX_UNBROKEN_TOKENS: usize = 8 * SYNTAX_CHUNK_TOKENS;

/// Runs the annotation stages over one article. Cheap to share across threads.
pub struct Pipeline {
    tokenizer: Arc<crate::ner::SpacySmModel>,
    segmenter: Box<dyn Segmenter>,
    /// Tags, lemmas and the dependency parse; `None` runs without syntax.
    syntax: Option<Arc<SyntaxModel>>,
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

    /// Whether the pipeline tags and parses (the `syntax` layer of the document).
    pub fn has_syntax(&self) -> bool {
        self.syntax.is_some()
    }

    /// Annotates one article: tokens, sentences (with the parse), then entities, then quotes.
    pub fn process(&self, article: Article) -> Document {
        let mut doc = Document::new(article);
        // Hard-wrapped text (e-mail, Gutenberg, dumps wrapped at 70-80 columns): every stage
        // reads it with its wrapping newlines as spaces, so it is annotated exactly as the
        // same text unwrapped; byte offsets are the same, and the original goes back last.
        let wrapped = crate::segment::unwrap_hard_wraps(&doc.text)
            .map(|unwrapped| std::mem::replace(&mut doc.text, unwrapped));
        doc.tokens = self.tokenizer.tokenizer.tokenize(&doc.text);
        doc.sentences = self.segmenter.segment(&doc.text);
        if let Some(syntax) = &self.syntax {
            doc.syntax = parse(syntax, &doc.text, &doc.tokens, &doc.sentences);
            // The parser's own boundaries where the rules missed one (the rules' stand).
            doc.sentences = crate::segment::combine_with_parse(
                &doc.text,
                &doc.sentences,
                &doc.tokens,
                &doc.syntax,
            );
        }
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
        if let Some(original) = wrapped {
            doc.text = original;
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

/// Parses `tokens`, keeping every rule sentence start as a boundary (the presets of
/// [`crate::segment::parse_presets`]); long documents go in
/// chunks of whole sentences so memory stays bounded.
fn parse(
    syntax: &SyntaxModel,
    text: &str,
    tokens: &[crate::ner::Token],
    sentences: &[Span],
) -> Vec<crate::syntax::TokenSyntax> {
    let starts = crate::segment::parse_presets(text, sentences, tokens);
    let unparsed = crate::segment::non_prose_tokens(text, tokens, &starts);
    if tokens.len() <= SYNTAX_CHUNK_TOKENS {
        return syntax.analyze_within_unparsed(text, tokens, &starts, &unparsed);
    }
    let mut out = Vec::with_capacity(tokens.len());
    let mut begin = 0;
    while begin < tokens.len() {
        // The last sentence start within the chunk size, or the next one after it.
        let limit = (begin + SYNTAX_CHUNK_TOKENS).min(tokens.len());
        let mut end = (begin + 1..limit)
            .rev()
            .find(|&i| starts[i])
            .unwrap_or(limit);
        if end == limit && limit < tokens.len() && !starts[limit] {
            let cap = (begin + SYNTAX_MAX_UNBROKEN_TOKENS).min(tokens.len());
            end = (limit..cap).find(|&i| starts[i]).unwrap_or(cap);
        }
        let chunk = syntax.analyze_within_unparsed(
            text,
            &tokens[begin..end],
            &starts[begin..end],
            &unparsed[begin..end],
        );
        // Heads are chunk-relative.
        out.extend(chunk.into_iter().map(|mut t| {
            t.head += begin;
            t
        }));
        begin = end;
    }
    out
}

/// Chooses the implementation of each stage.
/// Stages left unset get the defaults: rule sentences and all entity layers (the embedded model,
/// the bundled gazetteers and the context rules), loaded only when used.
#[derive(Default)]
pub struct PipelineBuilder {
    segmenter: Option<Box<dyn Segmenter>>,
    /// `None`: the embedded syntax model; `Some(false)`: no syntax.
    syntax: Option<bool>,
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

    /// Tag and parse every document (on by default); `false` gives the faster pipeline
    /// without the `syntax` layer.
    pub fn syntax(mut self, on: bool) -> Self {
        self.syntax = Some(on);
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
            tokenizer: crate::ner::embedded_model(),
            syntax: self
                .syntax
                .unwrap_or(true)
                .then(crate::syntax::embedded_syntax),
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
