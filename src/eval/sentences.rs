//! Sentence-boundary scoring, defined as `../shared/tools/score_sbd.py` defines it:
//! exact-match documents (sentence lists equal after trimming) and precision/recall/F1
//! on sentence end offsets.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use super::Prf;
use crate::doc::Span;
use crate::pipeline::Pipeline;
use crate::segment::Segmenter;

/// One gold document: a text and its sentences as strings, in order.
#[derive(Debug, Clone, Deserialize)]
pub struct GoldDocument {
    /// The document's id.
    pub id: String,
    /// The text.
    pub text: String,
    /// Its sentences, each a substring of the text, in order.
    pub sentences: Vec<String>,
}

/// Our sentences for one gold document, in the gold file's shape.
#[derive(Debug, Clone, Serialize)]
pub struct Prediction {
    /// The document's id.
    pub id: String,
    /// Our sentences' texts, in order.
    pub sentences: Vec<String>,
}

/// The scores of a gold file: exact-match documents and sentence-end precision/recall/F1.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SentenceScores {
    /// Documents scored.
    pub documents: usize,
    /// Documents whose sentence list equals the gold's (after trimming).
    pub exact: usize,
    /// Precision, recall and F1 of sentence ends.
    pub boundaries: Prf,
    /// Sentence ends both we and the gold have.
    pub true_positives: usize,
    /// Our sentence ends.
    pub predicted: usize,
    /// The gold's sentence ends.
    pub gold: usize,
}

impl SentenceScores {
    /// Exact-match documents, in percent of all documents.
    pub fn exact_percent(&self) -> f64 {
        100.0 * self.exact as f64 / self.documents.max(1) as f64
    }
}

/// The sentences the whole pipeline gives a text (`Pipeline::process`): the rule sentences
/// combined with the parser's when the pipeline parses, the rule sentences alone without
/// syntax. Build the pipeline without entities and quotes: only the sentences are read.
pub struct PipelineSentences<'p>(pub &'p Pipeline);

impl Segmenter for PipelineSentences<'_> {
    fn segment(&self, text: &str) -> Vec<Span> {
        self.0.process_text(text).sentences
    }
}

/// End offsets of `sentences` located in `text` with a moving cursor (as the scorer does).
fn end_offsets(text: &str, sentences: &[&str]) -> HashSet<usize> {
    let mut ends = HashSet::new();
    let mut pos = 0;
    for s in sentences {
        let start = text
            .get(pos..)
            .and_then(|rest| rest.find(s))
            .map_or(pos, |i| pos + i);
        pos = start + s.len();
        ends.insert(pos);
    }
    ends
}

/// Segments every gold text and scores the result.
pub fn score(
    gold: &[GoldDocument],
    segmenter: &dyn Segmenter,
) -> (SentenceScores, Vec<Prediction>) {
    let mut scores = SentenceScores::default();
    let mut predictions = Vec::with_capacity(gold.len());
    for doc in gold {
        let gold_sents: Vec<&str> = doc
            .sentences
            .iter()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .collect();
        let pred_sents: Vec<&str> = segmenter
            .segment(&doc.text)
            .iter()
            .map(|s| doc.text[s.start..s.end].trim())
            .filter(|s| !s.is_empty())
            .collect();
        scores.documents += 1;
        scores.exact += usize::from(gold_sents == pred_sents);
        let gold_ends = end_offsets(&doc.text, &gold_sents);
        let pred_ends = end_offsets(&doc.text, &pred_sents);
        scores.true_positives += gold_ends.intersection(&pred_ends).count();
        scores.predicted += pred_ends.len();
        scores.gold += gold_ends.len();
        predictions.push(Prediction {
            id: doc.id.clone(),
            sentences: pred_sents.into_iter().map(String::from).collect(),
        });
    }
    scores.boundaries = Prf::from_counts(
        scores.true_positives as f64,
        scores.predicted as f64,
        scores.gold as f64,
    );
    (scores, predictions)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::segment::RuleSegmenter;

    #[test]
    fn perfect_segmentation_scores_full_marks() {
        let gold = vec![GoldDocument {
            id: "a".into(),
            text: "One here. Two there.".into(),
            sentences: vec!["One here.".into(), "Two there.".into()],
        }];
        let (s, _) = score(&gold, &RuleSegmenter::default());
        assert_eq!(
            (s.exact, s.true_positives, s.predicted, s.gold),
            (1, 2, 2, 2)
        );
        assert!((s.boundaries.f1 - 100.0).abs() < 1e-9);
    }

    #[test]
    fn a_missed_boundary_costs_recall_only() {
        let gold = vec![GoldDocument {
            id: "a".into(),
            text: "one here two there".into(),
            sentences: vec!["one here".into(), "two there".into()],
        }];
        let (s, _) = score(&gold, &RuleSegmenter::default());
        assert_eq!(
            (s.exact, s.true_positives, s.predicted, s.gold),
            (0, 1, 1, 2)
        );
    }
}
