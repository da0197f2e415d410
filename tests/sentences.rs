//! Sentence accuracy on the shared gold sets: the figures the README reports.

mod common;

use quotex::eval::{read_jsonl, sentences};
use quotex::segment::RuleSegmenter;

fn scores(rel: &str) -> Option<sentences::SentenceScores> {
    let path = common::shared(rel)?;
    let gold: Vec<sentences::GoldDocument> = read_jsonl(&path).expect("gold file parses");
    let (scores, _) = sentences::score(&gold, &RuleSegmenter::default());
    eprintln!("{rel}: {scores:?}");
    Some(scores)
}

#[test]
fn golden_rules_all_48() {
    let Some(s) = scores("data/sbd/golden_rules_en.jsonl") else {
        return;
    };
    assert_eq!(s.documents, 48);
    assert_eq!(s.exact, 48, "pySBD reaches 47/48; we hold 48/48");
}

#[test]
fn ud_english_ewt_dev_beats_pysbd() {
    let Some(s) = scores("data/sbd/ud_ewt_dev.jsonl") else {
        return;
    };
    assert_eq!(s.documents, 318);
    assert!(
        s.boundaries.f1 >= 92.0,
        "boundary F1 {:.1} below 92.0 (pySBD 91.1)",
        s.boundaries.f1
    );
}
