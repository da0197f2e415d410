//! Single-thread speed of the syntax port on BBC articles:
//! `cargo run --release --example syntax_speed -- ../shared/data/corpus/bbc.jsonl 400`
//! Prints tokens per second for the tokenizer alone and for tok2vec+tagger+parser+ruler+lemmatizer.

use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .unwrap_or_else(|| "../shared/data/corpus/bbc.jsonl".into());
    let limit: usize = args.next().map_or(Ok(400), |s| s.parse())?;
    let mut texts = Vec::new();
    for line in std::fs::read_to_string(&path)?.lines().take(limit) {
        let v: serde_json::Value = serde_json::from_str(line)?;
        texts.push(v["text"].as_str().unwrap_or_default().to_string());
    }
    let ner = quotex::ner::embedded_model();
    let syntax = quotex::syntax::embedded_syntax();
    let t0 = Instant::now();
    let tokenized: Vec<_> = texts.iter().map(|t| ner.tokenizer.tokenize(t)).collect();
    let tok_secs = t0.elapsed().as_secs_f64();
    let n_tokens: usize = tokenized.iter().map(Vec::len).sum();
    let t1 = Instant::now();
    let mut roots = 0usize;
    for (text, tokens) in texts.iter().zip(&tokenized) {
        roots += syntax
            .analyze(text, tokens)
            .iter()
            .filter(|t| t.dep == "ROOT")
            .count();
    }
    let syn_secs = t1.elapsed().as_secs_f64();
    // The NER model on the same tokens, for scale (it has its own tok2vec and decoder).
    let t2 = Instant::now();
    let mut entities = 0usize;
    for (text, tokens) in texts.iter().zip(&tokenized) {
        entities += ner.predict(text, tokens, &[]).len();
    }
    let ner_secs = t2.elapsed().as_secs_f64();
    println!(
        "{} texts, {n_tokens} tokens, {roots} sentences, {entities} entities; tokens/s: tokenizer {:.0}, syntax {:.0} ({:.3} s), ner {:.0} ({:.3} s)",
        texts.len(),
        n_tokens as f64 / tok_secs,
        n_tokens as f64 / syn_secs,
        syn_secs,
        n_tokens as f64 / ner_secs,
        ner_secs
    );
    Ok(())
}
