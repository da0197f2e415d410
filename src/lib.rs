//! quotex: turn dumps of news articles into quote datasets: sentences, quotes (direct,
//! split, multi-paragraph, reported), speakers (canonical name and role) and named entities.
//!
//! ```
//! use quotex::{AttributionMethod, EntityLabel, OffsetUnit, Pipeline, QuoteKind};
//!
//! // Loads the embedded models on first use; share one pipeline across threads.
//! let pipeline = Pipeline::default();
//! let doc = pipeline.process_text("Mr. Tom Reyes arrived. \"It works well,\" he said.");
//! assert_eq!(doc.sentences.len(), 2);
//!
//! let quote = &doc.quotes[0];
//! assert_eq!(quote.kind, QuoteKind::Direct);
//! assert_eq!(doc.span_text(quote.parts[0]), "\"It works well,\"");
//! // "he" resolves to the person the article names.
//! let speaker = quote.speaker.as_ref().expect("attributed");
//! assert_eq!(speaker.name, "Tom Reyes");
//! assert_eq!(doc.span_text(speaker.mention), "he");
//! assert_eq!(quote.method, AttributionMethod::CueAfter);
//!
//! assert!(doc.entities.iter().any(|e| e.label == EntityLabel::Person));
//!
//! // The output record, with code-point offsets, as the command line writes it.
//! let record = quotex::output::ArticleRecord::from_document(&doc, OffsetUnit::Chars);
//! let json = serde_json::to_string(&record).expect("serialises");
//! assert!(json.contains("\"method\":\"cue-after\""));
//! ```
//!
//! One [`Document`] owns the text; every annotation is a [`Span`] of byte offsets into it,
//! converted to code-point (or byte) offsets only at output ([`offsets`], [`output`]).
//! Each stage is a trait chosen with [`Pipeline::builder`]: [`segment::Segmenter`],
//! [`ner::EntityRecognizer`], [`quotes::QuoteExtractor`]. [`io`] holds the streaming
//! engine and the writers the command line uses, [`eval`] the scorers, [`ids`] the stable
//! quote and speaker ids, [`speaker_table`] the speakers table, [`syntax`] spaCy's tagger,
//! parser and lemmatizer (library only).
//!
//! Features: `cli` (default) builds the command line, `parquet` (default) the Parquet
//! writer, `bert` an optional transformer model layer (needs libtorch). With
//! `default-features = false` the library builds alone.

#![warn(missing_docs)]

#[cfg(feature = "cli")]
pub mod cli;
pub mod doc;
pub mod eval;
pub mod ids;
pub mod io;
pub mod ner;
// Dense layers shared by the entity and syntax networks.
pub(crate) mod nn;
pub mod offsets;
pub mod output;
pub mod pipeline;
pub mod quotes;
pub mod segment;
pub mod speaker_table;
pub mod syntax;

pub use doc::{
    Article, AttributionMethod, Document, Entity, EntityLabel, EntitySource, Quote, QuoteKind,
    Span, Speaker,
};
pub use offsets::OffsetUnit;
pub use pipeline::{Pipeline, PipelineBuilder};
