//! Accuracy measurement against gold files: the source of the README's figures.

pub mod entities;
pub mod quotes;
pub mod sentences;

use std::io::{BufRead, BufReader};
use std::path::Path;

use serde::de::DeserializeOwned;

/// A gold file that cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum GoldFileError {
    /// The file cannot be opened or read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file (with `:line` when a line failed).
        path: String,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// A line is not a gold record.
    #[error("{path}:{line}: not a gold record: {source}")]
    Record {
        /// The file.
        path: String,
        /// 1-based line number.
        line: usize,
        /// The cause.
        #[source]
        source: serde_json::Error,
    },
}

/// Reads a JSONL gold file into typed records, naming the line of any bad record.
pub fn read_jsonl<T: DeserializeOwned>(path: &Path) -> Result<Vec<T>, GoldFileError> {
    let name = || path.display().to_string();
    let file = std::fs::File::open(path).map_err(|source| GoldFileError::Io {
        path: name(),
        source,
    })?;
    let mut out = Vec::new();
    for (i, line) in BufReader::new(file).lines().enumerate() {
        let line = line.map_err(|source| GoldFileError::Io {
            path: format!("{}:{}", name(), i + 1),
            source,
        })?;
        if line.trim().is_empty() {
            continue;
        }
        out.push(
            serde_json::from_str(&line).map_err(|source| GoldFileError::Record {
                path: name(),
                line: i + 1,
                source,
            })?,
        );
    }
    Ok(out)
}

/// Precision, recall and F1 from counts, in percent.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize)]
pub struct Prf {
    /// Correct predictions over predictions (percent).
    pub precision: f64,
    /// Correct predictions over gold items (percent).
    pub recall: f64,
    /// The harmonic mean of precision and recall (percent).
    pub f1: f64,
}

impl Prf {
    /// The scores from counts; 0 where a denominator is 0.
    pub fn from_counts(true_positives: f64, predicted: f64, gold: f64) -> Self {
        let precision = if predicted > 0.0 {
            true_positives / predicted
        } else {
            0.0
        };
        let recall = if gold > 0.0 {
            true_positives / gold
        } else {
            0.0
        };
        let f1 = if precision + recall > 0.0 {
            2.0 * precision * recall / (precision + recall)
        } else {
            0.0
        };
        Prf {
            precision: 100.0 * precision,
            recall: 100.0 * recall,
            f1: 100.0 * f1,
        }
    }
}
