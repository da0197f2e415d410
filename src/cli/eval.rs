//! `quotex eval ...`.

use std::io::Write;
use std::process::ExitCode;

use anyhow::{Context, Result};

use super::EvalSentencesArgs;
use crate::eval::{read_jsonl, sentences};
use crate::segment::RuleSegmenter;

pub fn sentences(args: EvalSentencesArgs) -> Result<ExitCode> {
    let gold: Vec<sentences::GoldDocument> = read_jsonl(&args.gold)?;
    let segmenter = RuleSegmenter::default();
    let (scores, predictions) = sentences::score(&gold, &segmenter);
    if let Some(path) = &args.predictions {
        let mut out = std::io::BufWriter::new(
            std::fs::File::create(path)
                .with_context(|| format!("cannot write {}", path.display()))?,
        );
        for p in &predictions {
            serde_json::to_writer(&mut out, p)?;
            out.write_all(b"\n")?;
        }
        out.flush()?;
    }
    if args.json {
        println!("{}", serde_json::to_string(&scores)?);
    } else {
        let b = scores.boundaries;
        println!("gold        {}", args.gold.display());
        println!("documents   {}", scores.documents);
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
