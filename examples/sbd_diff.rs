//! Where the pipeline's sentences (rules combined with the parser) differ from the rules
//! alone, on a sample of articles:
//! `cargo run --release --example sbd_diff -- ../shared/data/corpus/bbc.jsonl 30 [EVERY]`
//! (every EVERY-th article, 30 of them). Prints each changed rule sentence and its pieces.

use quotex::segment::{self, RuleSegmenter, Segmenter};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .unwrap_or_else(|| "../shared/data/corpus/bbc.jsonl".into());
    let count: usize = args.next().map_or(Ok(30), |s| s.parse())?;
    let every: usize = args.next().map_or(Ok(1), |s| s.parse())?;
    let ner = quotex::ner::embedded_model();
    let syntax = quotex::syntax::embedded_syntax();
    let (mut articles, mut rule_total, mut combined_total) = (0, 0, 0);
    for line in std::fs::read_to_string(&path)?
        .lines()
        .step_by(every.max(1))
        .take(count)
    {
        let v: serde_json::Value = serde_json::from_str(line)?;
        let text = v["text"].as_str().unwrap_or_default();
        let tokens = ner.tokenizer.tokenize(text);
        let rule = RuleSegmenter::default().segment(text);
        let hard = segment::parse_presets(text, &rule, &tokens);
        let parsed = syntax.analyze_within(text, &tokens, &hard);
        let combined = segment::combine_with_parse(text, &rule, &tokens, &parsed);
        articles += 1;
        rule_total += rule.len();
        combined_total += combined.len();
        for r in &rule {
            let pieces: Vec<_> = combined
                .iter()
                .filter(|c| c.start >= r.start && c.end <= r.end)
                .collect();
            if pieces.len() > 1 {
                println!("== {}", v["id"]);
                for p in pieces {
                    println!("   | {}", &text[p.start..p.end]);
                }
            }
        }
    }
    println!("{articles} articles: {rule_total} rule sentences, {combined_total} combined");
    Ok(())
}
