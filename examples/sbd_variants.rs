//! Sentence-boundary variants on a gold file: the rules, the parser alone, the parser with
//! presets, their union, and the pipeline's combination (`segment::combine_with_parse`).
//! `cargo run --release --example sbd_variants -- ../shared/data/sbd/ud_ewt_dev.jsonl`
//! (`MISMATCH=1` prints the documents the pipeline's combination gets wrong.)

use std::collections::HashMap;

use quotex::doc::Span;
use quotex::eval::{read_jsonl, sentences};
use quotex::segment::{self, RuleSegmenter, Segmenter};
use quotex::syntax::TokenSyntax;

/// Sentences computed beforehand, looked up by text.
struct Fixed(HashMap<String, Vec<Span>>);

impl Segmenter for Fixed {
    fn segment(&self, text: &str) -> Vec<Span> {
        self.0.get(text).cloned().unwrap_or_default()
    }
}

const VARIANTS: [&str; 6] = [
    "rules",
    "parser alone",
    "parser, block starts preset",
    "parser, rule starts preset",
    "union (rules + parser)",
    "combined (pipeline)",
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "../shared/data/sbd/ud_ewt_dev.jsonl".into());
    let gold: Vec<sentences::GoldDocument> = read_jsonl(std::path::Path::new(&path))?;
    let ner = quotex::ner::embedded_model();
    let syntax = quotex::syntax::embedded_syntax();
    let rules = RuleSegmenter::default();
    let mut results: Vec<HashMap<String, Vec<Span>>> = vec![HashMap::new(); VARIANTS.len()];
    for doc in &gold {
        let text = &doc.text;
        let tokens = ner.tokenizer.tokenize(text);
        let rule = rules.segment(text);
        let starts = |s: &[TokenSyntax]| s.iter().map(|t| t.sent_start).collect::<Vec<_>>();
        let alone = syntax.analyze(text, &tokens);
        let block_starts = segment::starts_of_spans(text, &segment::blocks(text), &tokens);
        let within_blocks = syntax.analyze_within(text, &tokens, &block_starts);
        let hard = segment::parse_presets(text, &rule, &tokens);
        let within_rules = syntax.analyze_within(text, &tokens, &hard);
        let outs = [
            rule.clone(),
            segment::spans_from_starts(text, &tokens, &starts(&alone)),
            segment::spans_from_starts(text, &tokens, &starts(&within_blocks)),
            segment::spans_from_starts(text, &tokens, &starts(&within_rules)),
            {
                let mut union = segment::starts_of_spans(text, &rule, &tokens);
                for (u, t) in union.iter_mut().zip(&within_blocks) {
                    *u |= t.sent_start;
                }
                segment::spans_from_starts(text, &tokens, &union)
            },
            segment::combine_with_parse(text, &rule, &tokens, &within_rules),
        ];
        for (map, spans) in results.iter_mut().zip(outs) {
            map.insert(text.clone(), spans);
        }
    }
    if std::env::var_os("MISMATCH").is_some() {
        for doc in &gold {
            let ours: Vec<&str> = results[5][&doc.text]
                .iter()
                .map(|s| &doc.text[s.start..s.end])
                .collect();
            let want: Vec<&str> = doc.sentences.iter().map(|s| s.trim()).collect();
            if ours != want {
                println!("== {}\n gold {want:?}\n ours {ours:?}", doc.id);
            }
        }
    }
    println!("{path}");
    for (name, map) in VARIANTS.iter().zip(results) {
        let (s, _) = sentences::score(&gold, &Fixed(map));
        println!(
            "{name:<30} exact {:>3}/{:<3}  P {:.1}  R {:.1}  F1 {:.1}",
            s.exact, s.documents, s.boundaries.precision, s.boundaries.recall, s.boundaries.f1
        );
    }
    Ok(())
}
