//! Quote scoring against gold in the PolNeAR JSONL format (`../shared/data/polnear/`).
//!
//! Same definitions as `../shared/tools/score_quotes.py`: content = union of the parts'
//! code points; `exact` = same characters after trimming whitespace, `, . ; :` and quote
//! marks; `cov>=T` = |gold ∩ pred| / |gold| >= T with one-to-one greedy matching by best
//! coverage; speaker accuracy = the predicted mention overlaps the gold source span, on
//! pairs matched at cov >= 0.3 (a gold quote with no source needs no predicted speaker);
//! end-to-end = matched at cov >= 0.3 and speaker right. When scoring a subset of gold
//! types, predictions that only hit gold quotes of other types are not counted.

use std::collections::{BTreeMap, HashSet};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::Prf;
use crate::doc::{Article, Document};
use crate::offsets::{OffsetMap, OffsetUnit};
use crate::pipeline::Pipeline;

/// One part of a gold quote (code points).
#[derive(Debug, Clone, Deserialize)]
pub struct GoldPart {
    /// First code point.
    pub start: usize,
    /// One past the last code point.
    pub end: usize,
}

/// One gold quote: its hull, parts, source span and type, in code points.
#[derive(Debug, Clone, Deserialize)]
pub struct GoldQuote {
    /// First code point of the hull.
    pub start: usize,
    /// One past the last code point of the hull.
    pub end: usize,
    /// The content parts (none: the hull is the content).
    #[serde(default)]
    pub parts: Vec<GoldPart>,
    /// First code point of the source (speaker) span, when the gold has one.
    pub speaker_start: Option<usize>,
    /// One past the last code point of the source span.
    pub speaker_end: Option<usize>,
    /// The gold type (`type`: "direct", "indirect", "mixed"; "direct" when absent).
    #[serde(rename = "type", default = "direct")]
    pub kind: String,
    /// The speaker's name (LitBank): speakers are then also scored by name.
    #[serde(default)]
    pub speaker_name: Option<String>,
    /// The speaker's main name in the gold's coreference (LitBank), also accepted as the name.
    #[serde(default)]
    pub speaker_main_name: Option<String>,
    /// Every name or description the text gives the speaker.
    #[serde(default)]
    pub speaker_aliases: Vec<String>,
}

fn direct() -> String {
    "direct".into()
}

/// One gold article: its text and its quotes.
#[derive(Debug, Clone, Deserialize)]
pub struct GoldArticle {
    /// The article's id.
    pub id: String,
    /// The headline, passed to the pipeline with the text.
    #[serde(default)]
    pub title: Option<String>,
    /// The text the offsets index.
    pub text: String,
    /// The gold quotes (none when absent).
    #[serde(default)]
    pub quotes: Vec<GoldQuote>,
}

/// A predicted quote in code-point offsets, as the scorer script reads it.
#[derive(Debug, Clone, Serialize)]
pub struct PredQuote {
    /// First code point of the hull.
    pub start: usize,
    /// One past the last code point of the hull.
    pub end: usize,
    /// The content parts.
    pub parts: Vec<PredPart>,
    /// First code point of the speaker mention, when there is a speaker.
    pub speaker_start: Option<usize>,
    /// One past the last code point of the speaker mention.
    pub speaker_end: Option<usize>,
    /// "direct", "indirect" or "mixed" (written as `type`).
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The attribution method ([`crate::AttributionMethod::as_str`]).
    pub method: &'static str,
    /// The speaker's canonical name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub speaker: Option<String>,
}

/// One content part of a predicted quote (code points).
#[derive(Debug, Clone, Serialize)]
pub struct PredPart {
    /// First code point.
    pub start: usize,
    /// One past the last code point.
    pub end: usize,
}

/// Our quotes of one article, in the gold file's shape (`--predictions`).
#[derive(Debug, Clone, Serialize)]
pub struct PredArticle {
    /// The article's id.
    pub id: String,
    /// Our quotes.
    pub quotes: Vec<PredQuote>,
}

/// Scores for one selection of gold types.
#[derive(Debug, Clone, Default, Serialize)]
pub struct QuoteScores {
    /// Gold quotes of the selected types.
    pub gold: usize,
    /// Predicted quotes counted against them.
    pub predicted: usize,
    /// Exact content match (after trimming punctuation and marks).
    pub exact: Prf,
    /// Matched with at least 80% of the gold content covered.
    pub cov80: Prf,
    /// Matched with at least 30% of the gold content covered.
    pub cov30: Prf,
    /// Speaker mention overlaps the gold source, % of pairs matched at cov >= 0.3.
    pub speaker_accuracy: f64,
    /// Matched at coverage >= 0.3 with the speaker right.
    pub end_to_end: Prf,
    /// Matched pairs whose gold quote names its speaker (LitBank-style gold).
    pub named: usize,
    /// Speaker name right (equal, or one contains the other at word boundaries), % of `named`.
    pub name_accuracy: f64,
    /// The same against any alias of the speaker (or "I" for a narrator), % of `named`.
    pub alias_accuracy: f64,
    /// Per attribution method: predicted quotes, matched at cov >= 0.3, speaker right.
    pub by_method: BTreeMap<String, MethodScores>,
}

/// How one attribution method fares: its quotes, how many match gold, how many with the
/// right speaker.
#[derive(Debug, Clone, Default, Serialize)]
pub struct MethodScores {
    /// Quotes the method attributed.
    pub predicted: usize,
    /// Of those, matched to gold at coverage >= 0.3.
    pub matched: usize,
    /// Of those, with the speaker mention right.
    pub speaker_right: usize,
    /// Matched pairs with a named gold speaker, and how many have the name / an alias right.
    pub named: usize,
    /// Of `named`, with the speaker's name right.
    pub name_right: usize,
    /// Of `named`, with the name or an alias right.
    pub alias_right: usize,
}

#[derive(Debug, Default, Clone)]
struct Counts {
    gold: usize,
    predicted: usize,
    exact: usize,
    c8: usize,
    c3: usize,
    speaker: usize,
    named: usize,
    name: usize,
    alias: usize,
    by_method: BTreeMap<String, MethodScores>,
}

impl Counts {
    fn add(&mut self, other: &Counts) {
        self.gold += other.gold;
        self.predicted += other.predicted;
        self.exact += other.exact;
        self.c8 += other.c8;
        self.c3 += other.c3;
        self.speaker += other.speaker;
        self.named += other.named;
        self.name += other.name;
        self.alias += other.alias;
        for (k, v) in &other.by_method {
            let e = self.by_method.entry(k.clone()).or_default();
            e.predicted += v.predicted;
            e.matched += v.matched;
            e.speaker_right += v.speaker_right;
            e.named += v.named;
            e.name_right += v.name_right;
            e.alias_right += v.alias_right;
        }
    }

    fn scores(&self) -> QuoteScores {
        let (p, g) = (self.predicted as f64, self.gold as f64);
        QuoteScores {
            gold: self.gold,
            predicted: self.predicted,
            exact: Prf::from_counts(self.exact as f64, p, g),
            cov80: Prf::from_counts(self.c8 as f64, p, g),
            cov30: Prf::from_counts(self.c3 as f64, p, g),
            speaker_accuracy: if self.c3 > 0 {
                100.0 * self.speaker as f64 / self.c3 as f64
            } else {
                0.0
            },
            end_to_end: Prf::from_counts(self.speaker as f64, p, g),
            named: self.named,
            name_accuracy: percent(self.name, self.named),
            alias_accuracy: percent(self.alias, self.named),
            by_method: self.by_method.clone(),
        }
    }
}

fn percent(part: usize, whole: usize) -> f64 {
    if whole > 0 {
        100.0 * part as f64 / whole as f64
    } else {
        0.0
    }
}

/// A name normalised as `score_speakers.py` does: lower case, "'s" dropped, the ASCII
/// letter and digit runs joined by single spaces.
fn normalise_name(name: &str) -> String {
    let lowered = name.to_lowercase().replace('’', "'").replace("'s", "");
    lowered
        .split(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit()))
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether a predicted speaker name matches a gold name: equal after normalising, or one
/// contained in the other at word boundaries ("Tess" in "Tess Durbeyfield").
pub fn name_matches(predicted: &str, gold: &str) -> bool {
    let (p, g) = (normalise_name(predicted), normalise_name(gold));
    if p.is_empty() || g.is_empty() {
        return false;
    }
    let (pp, gg) = (format!(" {p} "), format!(" {g} "));
    p == g || gg.contains(&pp) || pp.contains(&gg)
}

/// (gold names the speaker, name right, alias right) for one matched pair.
fn name_scores(gold: &GoldQuote, predicted: Option<&str>) -> (bool, bool, bool) {
    let names: Vec<&str> = [&gold.speaker_name, &gold.speaker_main_name]
        .into_iter()
        .flatten()
        .map(String::as_str)
        .filter(|n| !n.is_empty())
        .collect();
    if names.is_empty() {
        return (false, false, false);
    }
    let Some(p) = predicted else {
        return (true, false, false);
    };
    let name = names.iter().any(|g| name_matches(p, g));
    let aliases = gold
        .speaker_aliases
        .iter()
        .map(String::as_str)
        .chain(names.iter().copied());
    let narrator = gold
        .speaker_aliases
        .iter()
        .chain(gold.speaker_name.iter())
        .chain(gold.speaker_main_name.iter())
        .any(|a| a.starts_with("_narr") || a == "Narr");
    let alias = aliases
        .filter(|a| !a.starts_with('_'))
        .any(|a| name_matches(p, a))
        || (narrator && matches!(normalise_name(p).as_str(), "i" | "me" | "my" | "myself"));
    (true, name, alias)
}

fn is_trimmed(c: char) -> bool {
    // Exactly the scorer script's set (no other whitespace).
    matches!(c, ' ' | '\t' | '\n')
        || matches!(
            c,
            ',' | '.' | ';' | ':' | '"' | '\'' | '“' | '”' | '‘' | '’' | '«' | '»'
        )
}

fn chars_of(parts: &[(usize, usize)]) -> HashSet<usize> {
    parts.iter().flat_map(|&(a, b)| a..b).collect()
}

fn trimmed(set: &HashSet<usize>, chars: &[char]) -> HashSet<usize> {
    set.iter()
        .copied()
        .filter(|&i| chars.get(i).is_some_and(|&c| !is_trimmed(c)))
        .collect()
}

fn gold_parts(q: &GoldQuote) -> Vec<(usize, usize)> {
    if q.parts.is_empty() {
        vec![(q.start, q.end)]
    } else {
        q.parts.iter().map(|p| (p.start, p.end)).collect()
    }
}

/// Our quotes of one document in code-point offsets.
pub fn predictions(doc: &Document) -> PredArticle {
    let map = OffsetMap::new(&doc.text, OffsetUnit::Chars);
    PredArticle {
        id: doc.id.clone(),
        quotes: doc
            .quotes
            .iter()
            .map(|q| PredQuote {
                start: map.convert(q.span.start),
                end: map.convert(q.span.end),
                parts: q
                    .parts
                    .iter()
                    .map(|p| PredPart {
                        start: map.convert(p.start),
                        end: map.convert(p.end),
                    })
                    .collect(),
                speaker_start: q.speaker.as_ref().map(|s| map.convert(s.mention.start)),
                speaker_end: q.speaker.as_ref().map(|s| map.convert(s.mention.end)),
                kind: q.kind.as_str(),
                method: q.method.as_str(),
                speaker: q.speaker.as_ref().map(|s| s.name.clone()),
            })
            .collect(),
    }
}

#[cfg(test)]
fn score_document(gold: &GoldArticle, pred: &PredArticle, keep: &[&str]) -> Counts {
    score_document_kinds(gold, pred, keep, &["direct", "mixed", "indirect"])
}

/// Scores our predictions of kinds `ours` against gold quotes of types `keep`.
fn score_document_kinds(
    gold: &GoldArticle,
    pred: &PredArticle,
    keep: &[&str],
    ours: &[&str],
) -> Counts {
    let pred = PredArticle {
        id: pred.id.clone(),
        quotes: pred
            .quotes
            .iter()
            .filter(|q| ours.contains(&q.kind))
            .cloned()
            .collect(),
    };
    let pred = &pred;
    let chars: Vec<char> = gold.text.chars().collect();
    let kept: Vec<&GoldQuote> = gold
        .quotes
        .iter()
        .filter(|q| keep.contains(&q.kind.as_str()))
        .collect();
    let excluded: Vec<HashSet<usize>> = gold
        .quotes
        .iter()
        .filter(|q| !keep.contains(&q.kind.as_str()))
        .map(|q| chars_of(&gold_parts(q)))
        .collect();
    let gold_chars: Vec<HashSet<usize>> = kept.iter().map(|q| chars_of(&gold_parts(q))).collect();
    let pred_chars: Vec<HashSet<usize>> = pred
        .quotes
        .iter()
        .map(|q| chars_of(&q.parts.iter().map(|p| (p.start, p.end)).collect::<Vec<_>>()))
        .collect();
    let scored: Vec<usize> = (0..pred.quotes.len())
        .filter(|&j| {
            let c = &pred_chars[j];
            let hits_kept = gold_chars.iter().any(|g| !g.is_disjoint(c));
            let hits_excluded = excluded
                .iter()
                .any(|x| !x.is_empty() && 10 * x.intersection(c).count() >= 3 * c.len());
            hits_kept || !hits_excluded
        })
        .collect();
    let mut counts = Counts {
        gold: kept.len(),
        predicted: scored.len(),
        ..Counts::default()
    };
    for &j in &scored {
        counts
            .by_method
            .entry(pred.quotes[j].method.to_string())
            .or_default()
            .predicted += 1;
    }
    // Exact.
    let gold_trimmed: Vec<HashSet<usize>> = gold_chars.iter().map(|g| trimmed(g, &chars)).collect();
    let pred_trimmed: BTreeMap<usize, HashSet<usize>> = scored
        .iter()
        .map(|&j| (j, trimmed(&pred_chars[j], &chars)))
        .collect();
    let mut used = HashSet::new();
    for g in &gold_trimmed {
        if let Some(&j) = scored
            .iter()
            .find(|j| !used.contains(*j) && pred_trimmed[*j] == *g)
        {
            used.insert(j);
            counts.exact += 1;
        }
    }
    // Coverage.
    for (threshold, is_c3) in [(0.8, false), (0.3, true)] {
        let mut candidates: Vec<(f64, usize, usize)> = Vec::new();
        for (i, g) in gold_chars.iter().enumerate() {
            for &j in &scored {
                let cov = if g.is_empty() {
                    0.0
                } else {
                    g.intersection(&pred_chars[j]).count() as f64 / g.len() as f64
                };
                if cov >= threshold && cov > 0.0 {
                    candidates.push((cov, i, j));
                }
            }
        }
        candidates.sort_by(|a, b| b.partial_cmp(a).unwrap_or(std::cmp::Ordering::Equal));
        let (mut used_gold, mut used_pred) = (HashSet::new(), HashSet::new());
        for (_, i, j) in candidates {
            if used_gold.contains(&i) || used_pred.contains(&j) {
                continue;
            }
            used_gold.insert(i);
            used_pred.insert(j);
            if !is_c3 {
                counts.c8 += 1;
                continue;
            }
            counts.c3 += 1;
            let (g, p) = (kept[i], &pred.quotes[j]);
            let right = match (g.speaker_start, g.speaker_end) {
                (Some(gs), Some(ge)) => match (p.speaker_start, p.speaker_end) {
                    (Some(ps), Some(pe)) => ps < ge && gs < pe,
                    _ => false,
                },
                _ => p.speaker_start.is_none(),
            };
            counts.speaker += usize::from(right);
            let (named, name, alias) = name_scores(g, p.speaker.as_deref());
            counts.named += usize::from(named);
            counts.name += usize::from(name);
            counts.alias += usize::from(alias);
            let m = counts.by_method.entry(p.method.to_string()).or_default();
            m.matched += 1;
            m.speaker_right += usize::from(right);
            m.named += usize::from(named);
            m.name_right += usize::from(name);
            m.alias_right += usize::from(alias);
        }
    }
    counts
}

/// The full report: all attributions (all our quotes against all gold), direct (our
/// direct quotes against gold direct quotes), and mixed and indirect (our reported speech,
/// mixed or indirect, against each gold type).
#[derive(Debug, Clone, Serialize)]
pub struct QuoteReport {
    /// Gold articles scored.
    pub documents: usize,
    /// All our quotes against all gold quotes.
    pub all: QuoteScores,
    /// Our direct quotes against gold direct quotes.
    pub direct: QuoteScores,
    /// Our reported speech against gold mixed quotes.
    pub mixed: QuoteScores,
    /// Our reported speech against gold indirect quotes.
    pub indirect: QuoteScores,
}

/// Runs the pipeline over the gold articles (in parallel) and scores the quotes.
pub fn evaluate(gold: &[GoldArticle], pipeline: &Pipeline) -> (QuoteReport, Vec<PredArticle>) {
    let predicted: Vec<PredArticle> = gold
        .par_iter()
        .map(|g| {
            let doc = pipeline.process(Article {
                id: g.id.clone(),
                title: g.title.clone(),
                text: g.text.clone(),
            });
            predictions(&doc)
        })
        .collect();
    let total = |keep: &[&str], ours: &[&str]| {
        let mut counts = Counts::default();
        for (g, p) in gold.iter().zip(&predicted) {
            counts.add(&score_document_kinds(g, p, keep, ours));
        }
        counts.scores()
    };
    let reported = ["mixed", "indirect"];
    let report = QuoteReport {
        documents: gold.len(),
        all: total(
            &["direct", "mixed", "indirect"],
            &["direct", "mixed", "indirect"],
        ),
        direct: total(&["direct"], &["direct"]),
        mixed: total(&["mixed"], &reported),
        indirect: total(&["indirect"], &reported),
    };
    (report, predicted)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gold(text: &str, quotes: Vec<GoldQuote>) -> GoldArticle {
        GoldArticle {
            id: "g".into(),
            title: None,
            text: text.into(),
            quotes,
        }
    }

    fn pred(parts: &[(usize, usize)], speaker: Option<(usize, usize)>) -> PredQuote {
        PredQuote {
            start: parts[0].0,
            end: parts[parts.len() - 1].1,
            parts: parts
                .iter()
                .map(|&(start, end)| PredPart { start, end })
                .collect(),
            speaker_start: speaker.map(|s| s.0),
            speaker_end: speaker.map(|s| s.1),
            kind: "direct",
            method: "cue-after",
            speaker: None,
        }
    }

    #[test]
    fn exact_coverage_and_speaker() {
        // "“Go home,” Ann said. “Now.”"
        let text = "“Go home,” Ann said. “Now it is.”";
        let g = gold(
            text,
            vec![GoldQuote {
                start: 0,
                end: 33,
                parts: vec![
                    GoldPart { start: 0, end: 10 },
                    GoldPart { start: 21, end: 33 },
                ],
                speaker_start: Some(11),
                speaker_end: Some(14),
                kind: "direct".into(),
                speaker_name: None,
                speaker_main_name: None,
                speaker_aliases: vec![],
            }],
        );
        // Both parts, speaker right: exact and end-to-end.
        let p = PredArticle {
            id: "g".into(),
            quotes: vec![pred(&[(0, 10), (21, 33)], Some((11, 14)))],
        };
        let c = score_document(&g, &p, &["direct"]);
        assert_eq!((c.exact, c.c8, c.c3, c.speaker), (1, 1, 1, 1));
        // First part only, wrong speaker: coverage 0.3 but not 0.8, speaker wrong.
        let p = PredArticle {
            id: "g".into(),
            quotes: vec![pred(&[(0, 10)], Some((15, 19)))],
        };
        let c = score_document(&g, &p, &["direct"]);
        assert_eq!((c.exact, c.c8, c.c3, c.speaker), (0, 0, 1, 0));
        let s = c.scores();
        assert!((s.cov30.f1 - 100.0).abs() < 1e-9);
        assert_eq!(s.speaker_accuracy, 0.0);
    }

    #[test]
    fn speaker_names_match_at_word_boundaries() {
        assert!(name_matches("Tess", "Tess Durbeyfield"));
        assert!(name_matches("Mr. Darcy's", "Darcy"));
        assert!(!name_matches("Tessa", "Tess Durbeyfield"));
        assert!(!name_matches("", "Tess"));
        let g = GoldQuote {
            start: 0,
            end: 1,
            parts: vec![],
            speaker_start: None,
            speaker_end: None,
            kind: "direct".into(),
            speaker_name: Some("Jack Durbeyfield".into()),
            speaker_main_name: None,
            speaker_aliases: vec!["Sir John".into(), "_narrator".into()],
        };
        assert_eq!(name_scores(&g, Some("Jack")), (true, true, true));
        assert_eq!(name_scores(&g, Some("Sir John")), (true, false, true));
        assert_eq!(name_scores(&g, Some("I")), (true, false, true));
        assert_eq!(name_scores(&g, None), (true, false, false));
    }

    #[test]
    fn predictions_on_other_gold_types_are_not_counted() {
        let text = "Ann said the plan would work and the team agreed.";
        let g = gold(
            text,
            vec![GoldQuote {
                start: 9,
                end: 31,
                parts: vec![],
                speaker_start: Some(0),
                speaker_end: Some(3),
                kind: "indirect".into(),
                speaker_name: None,
                speaker_main_name: None,
                speaker_aliases: vec![],
            }],
        );
        let p = PredArticle {
            id: "g".into(),
            quotes: vec![pred(&[(9, 31)], Some((0, 3)))],
        };
        let c = score_document(&g, &p, &["direct"]);
        assert_eq!((c.gold, c.predicted), (0, 0));
        let c = score_document(&g, &p, &["indirect"]);
        assert_eq!((c.gold, c.predicted, c.c3, c.speaker), (1, 1, 1, 1));
    }
}
