//! Speed of the networks on BBC articles:
//! `cargo run --release --example syntax_speed -- ../shared/data/corpus/bbc.jsonl [LIMIT]`
//! Prints, on one thread, tokens/s of the tokenizer, of the syntax (tok2vec, tagger, parser,
//! attribute ruler, lemmatizer) and of the entity network on the same tokens; then words/s
//! and tokens/s of all three per article (tokenize, NER, syntax) on 1 and 2 threads (rayon,
//! one article per task). Words are whitespace-separated, as in `benches/throughput.sh`.
//! `-- FILE LIMIT 1` runs the one-thread part only.

use std::time::Instant;

use rayon::prelude::*;

/// CPU seconds this thread has used: on a shared machine the one-thread rates are also
/// given per CPU second, which load disturbs much less than wall time.
fn thread_cpu() -> f64 {
    // SAFETY: rusage is plain integers (all-zero is valid) and getrusage only writes it.
    let ru = unsafe {
        let mut ru: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_THREAD, &mut ru);
        ru
    };
    let t = |tv: libc::timeval| tv.tv_sec as f64 + tv.tv_usec as f64 / 1e6;
    t(ru.ru_utime) + t(ru.ru_stime)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .unwrap_or_else(|| "../shared/data/corpus/bbc.jsonl".into());
    let limit: usize = args.next().map_or(Ok(usize::MAX), |s| s.parse())?;
    // A third argument `1` skips the thread-pool runs (for A/B runs of the one-thread part).
    let pools: &[usize] = if args.next().as_deref() == Some("1") {
        &[]
    } else {
        &[1, 2]
    };
    let mut texts = Vec::new();
    for line in std::fs::read_to_string(&path)?.lines().take(limit) {
        let v: serde_json::Value = serde_json::from_str(line)?;
        texts.push(v["text"].as_str().unwrap_or_default().to_string());
    }
    let words: usize = texts.iter().map(|t| t.split_whitespace().count()).sum();
    let ner = quotex::ner::embedded_model();
    let syntax = quotex::syntax::embedded_syntax();
    let (t0, c0) = (Instant::now(), thread_cpu());
    let tokenized: Vec<_> = texts.iter().map(|t| ner.tokenizer.tokenize(t)).collect();
    let tok_secs = t0.elapsed().as_secs_f64();
    let tok_cpu = thread_cpu() - c0;
    let n_tokens: usize = tokenized.iter().map(Vec::len).sum();
    let (t1, c1) = (Instant::now(), thread_cpu());
    let mut roots = 0usize;
    for (text, tokens) in texts.iter().zip(&tokenized) {
        roots += syntax
            .analyze(text, tokens)
            .iter()
            .filter(|t| t.dep == "ROOT")
            .count();
    }
    let syn_secs = t1.elapsed().as_secs_f64();
    let syn_cpu = thread_cpu() - c1;
    let (t2, c2) = (Instant::now(), thread_cpu());
    let mut entities = 0usize;
    for (text, tokens) in texts.iter().zip(&tokenized) {
        entities += ner.predict(text, tokens, &[]).len();
    }
    let ner_secs = t2.elapsed().as_secs_f64();
    let ner_cpu = thread_cpu() - c2;
    println!(
        "{} texts, {words} words, {n_tokens} tokens, {roots} sentences, {entities} entities",
        texts.len()
    );
    println!(
        "1 thread, tokens/s: tokenizer {:.0}, syntax {:.0} ({:.3} s), ner {:.0} ({:.3} s)",
        n_tokens as f64 / tok_secs,
        n_tokens as f64 / syn_secs,
        syn_secs,
        n_tokens as f64 / ner_secs,
        ner_secs
    );
    println!(
        "1 thread, tokens per CPU second: tokenizer {:.0}, syntax {:.0} ({:.3} s), ner {:.0} ({:.3} s); words per CPU second of all three {:.0}",
        n_tokens as f64 / tok_cpu,
        n_tokens as f64 / syn_cpu,
        syn_cpu,
        n_tokens as f64 / ner_cpu,
        ner_cpu,
        words as f64 / (tok_cpu + syn_cpu + ner_cpu)
    );
    for &threads in pools {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()?;
        let t = Instant::now();
        let found: usize = pool.install(|| {
            texts
                .par_iter()
                .map(|text| {
                    let tokens = ner.tokenizer.tokenize(text);
                    let ents = ner.predict(text, &tokens, &[]).len();
                    ents + syntax.analyze(text, &tokens).len()
                })
                .sum()
        });
        let secs = t.elapsed().as_secs_f64();
        println!(
            "{threads} thread(s), tokenize + ner + syntax: {:.3} s, {:.0} words/s, {:.0} tokens/s (check {found})",
            secs,
            words as f64 / secs,
            n_tokens as f64 / secs
        );
    }
    Ok(())
}
