//! quotex: turn dumps of news articles into quote datasets.
//!
//! ```
//! use quotex::Pipeline;
//! let pipeline = Pipeline::default();
//! let doc = pipeline.process_text("Mr. Smith spoke. \"It works well,\" he said.");
//! assert_eq!(doc.sentences.len(), 2);
//! assert_eq!(doc.quotes[0].speaker.as_ref().map(|s| s.name.as_str()), Some("Smith"));
//! ```
//!
//! One [`Document`] owns the text; every annotation is a [`Span`] of byte offsets into it,
//! converted to code-point (or byte) offsets only at output.

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
