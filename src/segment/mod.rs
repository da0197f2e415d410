//! Sentence segmentation: one small trait, rule-based implementation(s) behind it.

mod abbreviations;
mod blocks;
#[doc(hidden)]
pub mod parsed;
mod rules;

pub use abbreviations::{AbbreviationClass, Abbreviations};
pub use blocks::{blocks, paragraphs};
pub(crate) use blocks::{in_title_case_line, unwrap_hard_wraps, TitleCaseLines};
pub use parsed::{
    combine_with_parse, non_prose_tokens, parse_presets, spans_from_starts, starts_of_spans,
};
pub use rules::RuleSegmenter;

use crate::doc::Span;

/// Splits a text into sentences.
///
/// Contract: the returned spans are sorted, do not overlap, start and end on non-whitespace
/// characters, and together cover every non-whitespace character of `text`.
pub trait Segmenter: Send + Sync {
    /// The sentence spans of `text`, as byte offsets, under the contract above.
    fn segment(&self, text: &str) -> Vec<Span>;
}
