//! Sentence accuracy on the shared gold sets: the figures the README reports, for the
//! pipeline's sentences (rules combined with the parser) and for the rules alone.

mod common;

use quotex::eval::{read_jsonl, sentences};
use quotex::segment::RuleSegmenter;
use quotex::Pipeline;

fn gold(rel: &str) -> Option<Vec<sentences::GoldDocument>> {
    let path = common::shared(rel)?;
    Some(read_jsonl(&path).expect("gold file parses"))
}

fn rules(gold: &[sentences::GoldDocument]) -> sentences::SentenceScores {
    let (scores, _) = sentences::score(gold, &RuleSegmenter::default());
    eprintln!("rules: {scores:?}");
    scores
}

fn pipeline(gold: &[sentences::GoldDocument]) -> sentences::SentenceScores {
    let pipeline = Pipeline::builder().entities(None).quotes(None).build();
    assert!(pipeline.has_syntax(), "the default pipeline parses");
    let (scores, _) = sentences::score(gold, &sentences::PipelineSentences(&pipeline));
    eprintln!("pipeline: {scores:?}");
    scores
}

#[test]
fn golden_rules_all_48() {
    let Some(gold) = gold("data/sbd/golden_rules_en.jsonl") else {
        return;
    };
    for s in [rules(&gold), pipeline(&gold)] {
        assert_eq!(s.documents, 48);
        assert_eq!(s.exact, 48, "pySBD reaches 47/48; we hold 48/48");
    }
}

#[test]
fn ud_english_ewt_dev_beats_spacy() {
    let Some(gold) = gold("data/sbd/ud_ewt_dev.jsonl") else {
        return;
    };
    let r = rules(&gold);
    assert_eq!(r.documents, 318);
    assert!(
        r.boundaries.f1 >= 92.0,
        "rules: boundary F1 {:.1} below 92.0 (pySBD 91.1)",
        r.boundaries.f1
    );
    let p = pipeline(&gold);
    assert!(
        p.boundaries.f1 >= 93.5,
        "rules + parser: boundary F1 {:.1} below 93.5 (spaCy's senter 93.0)",
        p.boundaries.f1
    );
}
