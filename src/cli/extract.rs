//! `quotex extract`.

use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::process::ExitCode;

use anyhow::{Context, Result};

use super::{ExtractArgs, NerLayers};
use crate::io::{expand_inputs, run_stream, FieldNames, Renderer, Sink, StreamOptions};
use crate::ner::{EntityRecognizer, ModelNer};
use crate::pipeline::Pipeline;

fn create(path: &std::path::Path, what: &str) -> Result<Box<dyn Write + Send>> {
    let file =
        File::create(path).with_context(|| format!("cannot write {what} {}", path.display()))?;
    Ok(Box::new(BufWriter::with_capacity(256 * 1024, file)))
}

pub fn run(args: ExtractArgs) -> Result<ExitCode> {
    let out: Box<dyn Write + Send> = match &args.output {
        Some(path) => create(path, "output file")?,
        None => Box::new(BufWriter::with_capacity(256 * 1024, io::stdout())),
    };
    let errors = args
        .errors
        .as_deref()
        .map(|p| create(p, "errors file"))
        .transpose()?;
    let renderer = Renderer {
        format: args.format,
        table: args.table,
        offsets: args.offsets,
    };
    let sink = Sink::new(&renderer, out, errors).context("cannot write the output header")?;
    let fields = FieldNames {
        id: args.id_field,
        text: args.text_field,
        title: args.title_field,
    };
    let options = StreamOptions {
        batch_articles: args.batch_size,
        threads: args.threads,
        progress: !args.no_progress && io::stderr().is_terminal(),
        ..StreamOptions::default()
    };
    let entities: Option<Box<dyn EntityRecognizer>> = match args.ner_layers {
        NerLayers::Model => Some(Box::new(ModelNer::default())),
        NerLayers::None => None,
    };
    let pipeline = Pipeline::builder().entities(entities).build();
    let summary = match run_stream(
        expand_inputs(&args.inputs),
        fields,
        &pipeline,
        renderer,
        sink,
        &options,
    ) {
        Ok(s) => s,
        // The reader of our output went away (e.g. `| head`): stop quietly, as ripgrep does.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => return Ok(ExitCode::SUCCESS),
        Err(e) => return Err(e).context("cannot write the output"),
    };
    if !args.quiet {
        eprintln!(
            "quotex: {} articles, {} errors, {} sentences, {} quotes, {} entities in {:.2}s ({:.0} words/s)",
            summary.articles,
            summary.errors,
            summary.sentences,
            summary.quotes,
            summary.entities,
            summary.elapsed.as_secs_f64(),
            summary.words_per_second()
        );
    }
    Ok(if summary.errors > 0 {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}
