//! `quotex eval ...`.

use std::io::Write;
use std::process::ExitCode;

use anyhow::{Context, Result};

use super::{EvalEntitiesArgs, EvalQuotesArgs, EvalSentencesArgs, NerLayer};
use crate::eval::quotes::{self as quote_eval, GoldArticle, QuoteScores};
use crate::eval::{read_jsonl, sentences};
use crate::pipeline::Pipeline;

/// Writes one JSON line per item (the predictions files the shared scorers read).
fn write_jsonl<T: serde::Serialize>(path: &std::path::Path, items: &[T]) -> Result<()> {
    let mut out = std::io::BufWriter::new(
        std::fs::File::create(path).with_context(|| format!("cannot write {}", path.display()))?,
    );
    for item in items {
        serde_json::to_writer(&mut out, item)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(())
}

pub fn sentences(args: EvalSentencesArgs) -> Result<ExitCode> {
    let gold: Vec<sentences::GoldDocument> = read_jsonl(&args.gold)?;
    // Exactly the pipeline's sentences: with the parse unless --no-syntax.
    let pipeline = Pipeline::builder()
        .syntax(!args.no_syntax)
        .entities(None)
        .quotes(None)
        .build();
    let (scores, predictions) = sentences::score(&gold, &sentences::PipelineSentences(&pipeline));
    if let Some(path) = &args.predictions {
        write_jsonl(path, &predictions)?;
    }
    if args.json {
        println!("{}", serde_json::to_string(&scores)?);
    } else {
        let b = scores.boundaries;
        println!("gold        {}", args.gold.display());
        println!("documents   {}", scores.documents);
        println!(
            "sentences   {}",
            if args.no_syntax {
                "rules (--no-syntax)"
            } else {
                "rules combined with the parser"
            }
        );
        println!(
            "exact       {} / {} ({:.1} %)",
            scores.exact,
            scores.documents,
            scores.exact_percent()
        );
        println!(
            "boundaries  P {:.1}  R {:.1}  F1 {:.1}",
            b.precision, b.recall, b.f1
        );
    }
    for (g, p) in gold
        .iter()
        .zip(&predictions)
        .filter(|(g, p)| {
            g.sentences
                .iter()
                .map(|s| s.trim())
                .ne(p.sentences.iter().map(|s| s.as_str()))
        })
        .take(args.show_mismatches)
    {
        println!("\n== {}", g.id);
        for s in &g.sentences {
            println!("  gold | {s}");
        }
        for s in &p.sentences {
            println!("  ours | {s}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn print_scores(name: &str, s: &QuoteScores) {
    println!(
        "{name:<9} {:>6} {:>6}   {:>5.1} {:>5.1} {:>5.1}   {:>5.1} {:>5.1} {:>5.1}   {:>5.1} {:>5.1} {:>5.1}   {:>5.1}   {:>5.1}",
        s.gold,
        s.predicted,
        s.exact.precision,
        s.exact.recall,
        s.exact.f1,
        s.cov80.precision,
        s.cov80.recall,
        s.cov80.f1,
        s.cov30.precision,
        s.cov30.recall,
        s.cov30.f1,
        s.speaker_accuracy,
        s.end_to_end.f1
    );
}

pub fn quotes(args: EvalQuotesArgs) -> Result<ExitCode> {
    let gold: Vec<GoldArticle> = read_jsonl(&args.gold)?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads)
        .build()
        .context("cannot start the worker threads")?;
    let pipeline = Pipeline::builder().syntax(!args.no_syntax).build();
    let (report, predictions) = pool.install(|| quote_eval::evaluate(&gold, &pipeline));
    if let Some(path) = &args.predictions {
        write_jsonl(path, &predictions)?;
    }
    if args.json {
        println!("{}", serde_json::to_string(&report)?);
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "gold {} ({} documents)\n",
        args.gold.display(),
        report.documents
    );
    println!("                              exact               cov>=0.8            cov>=0.3        speaker  e2e");
    println!("gold type   gold   pred       P     R    F1       P     R    F1       P     R    F1     acc     F1");
    print_scores("all", &report.all);
    print_scores("direct", &report.direct);
    print_scores("mixed", &report.mixed);
    print_scores("indirect", &report.indirect);
    println!(
        "\nby attribution method (all gold types): predicted, matched at cov>=0.3, speaker right"
    );
    for (method, m) in &report.all.by_method {
        println!(
            "  {method:<18} {:>6} {:>6} {:>6}  ({:.1} % precise, {:.1} % speaker)",
            m.predicted,
            m.matched,
            m.speaker_right,
            100.0 * m.matched as f64 / m.predicted.max(1) as f64,
            100.0 * m.speaker_right as f64 / m.matched.max(1) as f64
        );
    }
    // Gold that names its speakers (LitBank): speakers scored by name too.
    if report.direct.named > 0 {
        println!("\nspeaker names (matched pairs whose gold names the speaker)");
        println!("gold type   named  name %  alias %");
        for (label, s) in [("all", &report.all), ("direct", &report.direct)] {
            println!(
                "{label:<10} {:>6}  {:>6.1}  {:>7.1}",
                s.named, s.name_accuracy, s.alias_accuracy
            );
        }
        println!("by method (direct gold): named, name right, alias right");
        for (method, m) in &report.direct.by_method {
            if m.named > 0 {
                println!(
                    "  {method:<18} {:>6} {:>6} {:>6}  ({:.1} % name, {:.1} % alias)",
                    m.named,
                    m.name_right,
                    m.alias_right,
                    100.0 * m.name_right as f64 / m.named as f64,
                    100.0 * m.alias_right as f64 / m.named as f64
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn entities(args: EvalEntitiesArgs) -> Result<ExitCode> {
    use crate::eval::entities as entity_eval;
    use crate::ner::{EntityRecognizer, Gazetteer, LayeredNer, ModelNer};
    use std::sync::Arc;
    let gold: Vec<entity_eval::GoldRecord> = read_jsonl(&args.gold)?;
    let has = |layer: NerLayer| {
        args.ner_layers.contains(&layer) || args.ner_layers.contains(&NerLayer::All)
    };
    let model = has(NerLayer::Model).then(ModelNer::default);
    let gazetteer = (has(NerLayer::Gazetteer) && !args.no_bundled_gazetteers)
        .then(|| Arc::new(Gazetteer::bundled_with(Vec::new())));
    let rules = has(NerLayer::Rules);
    let recognizer: Option<Box<dyn EntityRecognizer>> = if gazetteer.is_none() && !rules {
        model.map(|m| Box::new(m) as Box<dyn EntityRecognizer>)
    } else {
        Some(Box::new(LayeredNer {
            model,
            gazetteer,
            rules,
        }))
    };
    let pipeline = Pipeline::builder()
        .entities(recognizer)
        .syntax(!args.no_syntax)
        .quotes(None)
        .build();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads)
        .build()
        .context("cannot start the worker threads")?;
    let (report, predictions) = pool.install(|| entity_eval::evaluate(&gold, &pipeline));
    if let Some(path) = &args.predictions {
        write_jsonl(path, &predictions)?;
    }
    if args.json {
        println!("{}", serde_json::to_string(&report)?);
    } else {
        println!(
            "gold {} ({} documents)\n",
            args.gold.display(),
            report.documents
        );
        println!("gold type        gold   pred  correct      P      R     F1");
        for (kind, t) in report
            .by_type
            .iter()
            .chain(std::iter::once((&"all".to_string(), &report.all)))
        {
            println!(
                "{kind:<14} {:>6} {:>6} {:>8}  {:>5.1}  {:>5.1}  {:>5.1}",
                t.gold, t.predicted, t.correct, t.scores.precision, t.scores.recall, t.scores.f1
            );
        }
    }
    if let Some(kind) = &args.show_errors {
        for (id, text, missed, spurious) in entity_eval::errors(&gold, &predictions, kind) {
            println!("\n== {id}: {text}");
            for m in missed {
                println!("  missed   {:?}", m.text);
            }
            for m in spurious {
                println!("  spurious {:?}", m.text);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
