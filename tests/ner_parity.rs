//! Exact parity with spaCy's en_core_web_sm NER on the shared fixture (804 texts): tokens
//! and entities must match on every text.

mod common;

use std::fs;

use quotex::ner::{embedded_model, ModelNer};
use quotex::offsets::{OffsetMap, OffsetUnit};
use serde::Deserialize;

#[derive(Deserialize)]
struct FixtureEntity {
    start: usize,
    end: usize,
    label: String,
}

#[derive(Deserialize)]
struct Fixture {
    text: String,
    tokens: Vec<(usize, usize)>,
    entities: Vec<FixtureEntity>,
}

fn fixtures(path: &std::path::Path) -> Vec<Fixture> {
    fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn tokens_and_entities_match_spacy_on_all_fixture_texts() {
    let Some(path) = common::shared("fixtures/spacy_sm_ner_parity.jsonl") else {
        return;
    };
    let model = embedded_model();
    let ner = ModelNer::new(model.clone(), false);
    let (mut total, mut token_mismatch, mut entity_mismatch) = (0, 0, 0);
    for fx in fixtures(&path) {
        total += 1;
        let map = OffsetMap::new(&fx.text, OffsetUnit::Chars);
        let to_chars = |_: &str, byte: usize| map.convert(byte);
        let tokens: Vec<(usize, usize)> = model
            .tokenizer
            .tokenize(&fx.text)
            .iter()
            .map(|t| (to_chars(&fx.text, t.start), to_chars(&fx.text, t.end)))
            .collect();
        if tokens != fx.tokens {
            token_mismatch += 1;
            if token_mismatch <= 5 {
                let first = tokens
                    .iter()
                    .zip(&fx.tokens)
                    .position(|(a, b)| a != b)
                    .unwrap_or(0);
                let show = |t: &[(usize, usize)]| -> Vec<String> {
                    t.iter()
                        .skip(first)
                        .take(4)
                        .map(|&(s, e)| fx.text.chars().skip(s).take(e - s).collect())
                        .collect()
                };
                eprintln!(
                    "TOKENS differ at {first}: ours {:?} spacy {:?}",
                    show(&tokens),
                    show(&fx.tokens)
                );
            }
            continue;
        }
        let ours: Vec<(usize, usize, String)> = ner
            .entities(&fx.text, &[])
            .into_iter()
            .map(|e| {
                (
                    to_chars(&fx.text, e.span.start),
                    to_chars(&fx.text, e.span.end),
                    e.label.to_string(),
                )
            })
            .collect();
        let theirs: Vec<(usize, usize, String)> = fx
            .entities
            .iter()
            .map(|e| (e.start, e.end, e.label.clone()))
            .collect();
        if ours != theirs {
            entity_mismatch += 1;
            if entity_mismatch <= 5 {
                eprintln!(
                    "ENTITIES differ in {:?}\n  ours  {ours:?}\n  spacy {theirs:?}",
                    &fx.text.chars().take(60).collect::<String>()
                );
            }
        }
    }
    eprintln!("parity: {total} texts, {token_mismatch} token mismatches, {entity_mismatch} entity mismatches");
    assert_eq!(total, 804);
    assert_eq!(token_mismatch, 0, "token mismatches");
    assert_eq!(entity_mismatch, 0, "entity mismatches");
}

#[test]
fn pipeline_with_sentence_constraint_stays_within_two_percent() {
    let Some(path) = common::shared("fixtures/spacy_sm_ner_parity.jsonl") else {
        return;
    };
    // The `--ner-layers model` path: the model alone, our sentences as the only constraint.
    let pipeline = quotex::Pipeline::builder()
        .entities(Some(Box::new(quotex::ner::ModelNer::default())))
        .build();
    let (mut total, mut identical) = (0, 0);
    for fx in fixtures(&path) {
        total += 1;
        let doc = pipeline.process_text(&fx.text);
        let map = OffsetMap::new(&fx.text, OffsetUnit::Chars);
        let ours: Vec<(usize, usize, &str)> = doc
            .entities
            .iter()
            .map(|e| {
                (
                    map.convert(e.span.start),
                    map.convert(e.span.end),
                    e.label.as_str(),
                )
            })
            .collect();
        let theirs: Vec<(usize, usize, &str)> = fx
            .entities
            .iter()
            .map(|e| (e.start, e.end, e.label.as_str()))
            .collect();
        identical += usize::from(ours == theirs);
    }
    let rate = 100.0 * identical as f64 / total as f64;
    eprintln!("pipeline (our sentence boundaries as constraint): {identical}/{total} texts identical ({rate:.1} %)");
    assert!(rate >= 98.0, "only {rate:.1} % identical");
}
