//! Speed of the `bert` model layer beside the embedded model's, on the same articles
//! (feature `bert`):
//! `cargo run --release --features bert --example bert_speed -- MODEL_DIR THREADS ARTICLES.jsonl [N]`.
//! Sentences come from the rule segmenter (not timed); only the model layers are timed.
//! BERT runs one article at a time with THREADS libtorch threads; the embedded model runs
//! articles in parallel on THREADS rayon threads. Prints word pieces/s and words/s.

use std::io::BufRead;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use quotex::ner::bert::BertNer;
use quotex::ner::{embedded_model, ModelNer};
use quotex::segment::{RuleSegmenter, Segmenter};
use quotex::Span;
use rayon::prelude::*;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 3 {
        eprintln!("usage: bert_speed MODEL_DIR THREADS ARTICLES.jsonl [N]");
        return ExitCode::from(1);
    }
    let dir = PathBuf::from(&args[0]);
    let threads: usize = args[1].parse().unwrap_or(1).max(1);
    let limit: usize = args.get(3).and_then(|n| n.parse().ok()).unwrap_or(100);
    let file = match std::fs::File::open(&args[2]) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("bert_speed: {}: {e}", args[2]);
            return ExitCode::from(1);
        }
    };
    let segmenter = RuleSegmenter::default();
    let docs: Vec<(String, Vec<Span>)> = std::io::BufReader::new(file)
        .lines()
        .map_while(Result::ok)
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(&l).ok())
        .filter_map(|v| v["text"].as_str().map(str::to_string))
        .take(limit)
        .map(|text| {
            let sentences = segmenter.segment(&text);
            (text, sentences)
        })
        .collect();
    let words: usize = docs.iter().map(|(t, _)| t.split_whitespace().count()).sum();

    tch::set_num_threads(threads as i32);
    let bert = match BertNer::load(&dir) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("bert_speed: {e}");
            return ExitCode::from(1);
        }
    };
    if let Some((text, sentences)) = docs.first() {
        let _ = bert.entities(text, sentences); // warm-up
    }
    let start = Instant::now();
    let mut pieces = 0;
    let mut entities = 0;
    for (text, sentences) in &docs {
        match bert.entities_with_count(text, sentences) {
            Ok((e, n)) => {
                pieces += n;
                entities += e.len();
            }
            Err(e) => {
                eprintln!("bert_speed: {e}");
                return ExitCode::from(1);
            }
        }
    }
    let bert_secs = start.elapsed().as_secs_f64();

    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("a thread pool");
    let spacy = ModelNer::default();
    let tokens: usize = docs
        .iter()
        .map(|(t, _)| embedded_model().tokenizer.tokenize(t).len())
        .sum();
    let start = Instant::now();
    let spacy_entities: usize = pool.install(|| {
        docs.par_iter()
            .map(|(t, s)| spacy.entities(t, s).len())
            .sum()
    });
    let spacy_secs = start.elapsed().as_secs_f64();
    println!(
        "{} articles, {words} words, threads {threads}\n\
         bert {}: {pieces} word pieces, {entities} entities in {bert_secs:.2}s: {:.0} pieces/s, {:.0} words/s\n\
         spacy-sm: {tokens} tokens, {spacy_entities} entities in {spacy_secs:.2}s: {:.0} tokens/s, {:.0} words/s",
        docs.len(),
        dir.display(),
        pieces as f64 / bert_secs,
        words as f64 / bert_secs,
        tokens as f64 / spacy_secs,
        words as f64 / spacy_secs,
    );
    ExitCode::SUCCESS
}
