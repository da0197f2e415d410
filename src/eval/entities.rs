//! Entity scoring against gold in the WNUT-17 JSONL shape (`{"id","text","entities":
//! [{"start","end","label","text"}]}`, code-point offsets): exact span and type, per gold
//! type and overall (micro), as the WNUT-17 shared task scores.
//!
//! Our labels map to the gold types by [`gold_type`]; labels with no gold counterpart
//! (dates, numbers, user labels) are left out of the predictions, as the gold has no
//! such type to be right or wrong about.

use std::collections::{BTreeMap, HashSet};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::Prf;
use crate::doc::{Article, EntityLabel};
use crate::offsets::{OffsetMap, OffsetUnit};
use crate::pipeline::Pipeline;

/// One gold entity: a code-point span and its gold type.
#[derive(Debug, Clone, Deserialize)]
pub struct GoldEntity {
    /// First code point.
    pub start: usize,
    /// One past the last code point.
    pub end: usize,
    /// The gold type ("person", "creative-work").
    pub label: String,
}

/// One gold record: a text and its entities.
#[derive(Debug, Clone, Deserialize)]
pub struct GoldRecord {
    /// The record's id.
    pub id: String,
    /// The text the offsets index.
    pub text: String,
    /// The gold entities (none when absent).
    #[serde(default)]
    pub entities: Vec<GoldEntity>,
}

/// The WNUT-17 type of one of our labels. A fictional character is a named person to
/// WNUT's annotators ("fictional people can be included, as long as they're referred to by
/// name"), and every creative-work label is their `creative-work`.
pub fn gold_type(label: &EntityLabel) -> Option<&'static str> {
    use EntityLabel::*;
    Some(match label {
        Person | Character => "person",
        Gpe | Loc | Fac => "location",
        Org => "corporation",
        Product => "product",
        Norp => "group",
        Show | Film | Work | WorkOfArt => "creative-work",
        _ => return None,
    })
}

/// One predicted or gold mention: code-point span and gold type.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Mention {
    /// First code point.
    pub start: usize,
    /// One past the last code point.
    pub end: usize,
    /// The gold type (written as `label`).
    #[serde(rename = "label")]
    pub kind: String,
    /// The mention's words.
    pub text: String,
}

/// Our mentions of one record, in the gold file's shape.
#[derive(Debug, Clone, Serialize)]
pub struct Prediction {
    /// The record's id.
    pub id: String,
    /// Our mentions with a gold type.
    pub entities: Vec<Mention>,
}

/// Counts and scores for one gold type, or for all together.
#[derive(Debug, Clone, Default, Serialize)]
pub struct TypeScores {
    /// Gold mentions.
    pub gold: usize,
    /// Predicted mentions.
    pub predicted: usize,
    /// Predicted mentions whose span and type match a gold one exactly.
    pub correct: usize,
    /// Precision, recall and F1 from the counts.
    pub scores: Prf,
}

/// The scores of a gold file: micro-averaged over all types and per type.
#[derive(Debug, Clone, Default, Serialize)]
pub struct EntityReport {
    /// Records scored.
    pub documents: usize,
    /// All types together (micro average).
    pub all: TypeScores,
    /// Each gold type by name.
    pub by_type: BTreeMap<String, TypeScores>,
}

fn mentions_of(text: &str, gold: &[GoldEntity]) -> Vec<Mention> {
    let chars: Vec<char> = text.chars().collect();
    gold.iter()
        .map(|g| Mention {
            start: g.start,
            end: g.end,
            kind: g.label.clone(),
            text: chars
                .get(g.start..g.end.min(chars.len()))
                .map_or_else(String::new, |c| c.iter().collect()),
        })
        .collect()
}

/// Runs the pipeline on every gold text and scores exact span + type.
pub fn evaluate(gold: &[GoldRecord], pipeline: &Pipeline) -> (EntityReport, Vec<Prediction>) {
    let predictions: Vec<Prediction> = gold
        .par_iter()
        .map(|g| {
            let doc = pipeline.process(Article {
                id: g.id.clone(),
                title: None,
                text: g.text.clone(),
            });
            let map = OffsetMap::new(&doc.text, OffsetUnit::Chars);
            let entities = doc
                .entities
                .iter()
                .filter_map(|e| {
                    gold_type(&e.label).map(|kind| Mention {
                        start: map.convert(e.span.start),
                        end: map.convert(e.span.end),
                        kind: kind.to_string(),
                        text: doc.span_text(e.span).to_string(),
                    })
                })
                .collect();
            Prediction {
                id: g.id.clone(),
                entities,
            }
        })
        .collect();
    let mut counts: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new();
    for (g, p) in gold.iter().zip(&predictions) {
        let gold_mentions: HashSet<Mention> =
            mentions_of(&g.text, &g.entities).into_iter().collect();
        for m in &gold_mentions {
            counts.entry(m.kind.clone()).or_default().0 += 1;
        }
        for m in &p.entities {
            let c = counts.entry(m.kind.clone()).or_default();
            c.1 += 1;
            if gold_mentions.contains(m) {
                c.2 += 1;
            }
        }
    }
    let scores = |(gold, predicted, correct): (usize, usize, usize)| TypeScores {
        gold,
        predicted,
        correct,
        scores: Prf::from_counts(correct as f64, predicted as f64, gold as f64),
    };
    let total = counts
        .values()
        .fold((0, 0, 0), |a, c| (a.0 + c.0, a.1 + c.1, a.2 + c.2));
    let report = EntityReport {
        documents: gold.len(),
        all: scores(total),
        by_type: counts.into_iter().map(|(k, c)| (k, scores(c))).collect(),
    };
    (report, predictions)
}

/// Gold mentions we missed and predictions that are wrong, of one gold type, per record:
/// (id, text, missed, spurious), for reading the errors.
pub fn errors<'a>(
    gold: &'a [GoldRecord],
    predictions: &'a [Prediction],
    kind: &'a str,
) -> impl Iterator<Item = (&'a str, &'a str, Vec<Mention>, Vec<Mention>)> + 'a {
    gold.iter().zip(predictions).filter_map(move |(g, p)| {
        let gold_mentions: Vec<Mention> = mentions_of(&g.text, &g.entities)
            .into_iter()
            .filter(|m| m.kind == kind)
            .collect();
        let ours: Vec<&Mention> = p.entities.iter().filter(|m| m.kind == kind).collect();
        let missed: Vec<Mention> = gold_mentions
            .iter()
            .filter(|m| !ours.contains(m))
            .cloned()
            .collect();
        let spurious: Vec<Mention> = ours
            .into_iter()
            .filter(|m| !gold_mentions.contains(m))
            .cloned()
            .collect();
        (!missed.is_empty() || !spurious.is_empty()).then_some((
            g.id.as_str(),
            g.text.as_str(),
            missed,
            spurious,
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_span_and_type_per_gold_type() {
        let gold = vec![GoldRecord {
            id: "g1".into(),
            text: "Ann Lee met Bob Stone in Paris.".into(),
            entities: vec![
                GoldEntity {
                    start: 0,
                    end: 7,
                    label: "person".into(),
                },
                GoldEntity {
                    start: 12,
                    end: 21,
                    label: "person".into(),
                },
                GoldEntity {
                    start: 25,
                    end: 30,
                    label: "location".into(),
                },
            ],
        }];
        let (report, predictions) = evaluate(&gold, &Pipeline::default());
        assert_eq!(report.documents, 1);
        let person = &report.by_type["person"];
        assert_eq!(person.gold, 2);
        assert!(person.correct <= person.predicted);
        // Paris is a GPE, which maps to location.
        assert!(predictions[0]
            .entities
            .iter()
            .any(|m| m.kind == "location" && m.text == "Paris"));
        assert_eq!(report.by_type["location"].correct, 1);
        assert_eq!(
            report.all.gold,
            report.by_type.values().map(|t| t.gold).sum::<usize>()
        );
    }

    #[test]
    fn labels_map_to_gold_types() {
        assert_eq!(gold_type(&EntityLabel::Film), Some("creative-work"));
        assert_eq!(gold_type(&EntityLabel::Character), Some("person"));
        assert_eq!(gold_type(&EntityLabel::Date), None);
        assert_eq!(gold_type(&EntityLabel::Custom("STUDIO".into())), None);
    }
}
