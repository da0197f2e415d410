//! `quotex extract`.

use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, IsTerminal, Write};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use std::sync::Arc;

use super::{ExtractArgs, NerLayer};
use crate::io::{
    expand_inputs, resume, run_stream, FieldNames, Renderer, Sink, StreamOptions, Summary,
};
use crate::ner::{gazetteer, EntityRecognizer, Gazetteer, LayeredNer, ModelNer};
use crate::pipeline::Pipeline;

fn create(path: &std::path::Path, what: &str) -> Result<Box<dyn Write + Send>> {
    let file =
        File::create(path).with_context(|| format!("cannot write {what} {}", path.display()))?;
    Ok(Box::new(BufWriter::with_capacity(256 * 1024, file)))
}

/// Builds the entity stage from --ner-layers, --entities and --no-bundled-gazetteers.
fn entity_layers(args: &ExtractArgs) -> Result<Option<Box<dyn EntityRecognizer>>> {
    let has = |layer: NerLayer| {
        args.ner_layers.contains(&layer) || args.ner_layers.contains(&NerLayer::All)
    };
    if args.ner_layers.contains(&NerLayer::None) {
        if args.ner_layers.len() > 1 {
            anyhow::bail!("--ner-layers none cannot be combined with other layers");
        }
        return Ok(None);
    }
    if !args.entity_files.is_empty() && !has(NerLayer::Gazetteer) {
        anyhow::bail!("--entities needs the gazetteer layer (--ner-layers all or gazetteer)");
    }
    let gazetteer = if has(NerLayer::Gazetteer) {
        let mut user = Vec::new();
        for path in &args.entity_files {
            user.extend(gazetteer::read_file(path)?);
        }
        Some(Arc::new(if args.no_bundled_gazetteers {
            Gazetteer::from_entries(user)
        } else {
            Gazetteer::bundled_with(user)
        }))
    } else {
        None
    };
    #[cfg(feature = "bert")]
    if args.ner_backend == super::NerBackend::Bert {
        let dir = args
            .ner_model
            .as_deref()
            .context("--ner-backend bert needs --ner-model DIR")?;
        let rules = has(NerLayer::Rules);
        let layers = (gazetteer.is_some() || rules).then(|| LayeredNer {
            model: None,
            gazetteer,
            rules,
        });
        let stage = crate::ner::bert::entity_stage(dir, args.threads, has(NerLayer::Model), layers);
        return Ok(stage?);
    } else if args.ner_model.is_some() {
        anyhow::bail!("--ner-model needs --ner-backend bert");
    }
    let model = has(NerLayer::Model).then(ModelNer::default);
    let rules = has(NerLayer::Rules);
    if gazetteer.is_none() && !rules {
        // The model alone: the spaCy-parity path.
        return Ok(model.map(|m| Box::new(m) as Box<dyn EntityRecognizer>));
    }
    Ok(Some(Box::new(LayeredNer {
        model,
        gazetteer,
        rules,
    })))
}

/// Opens `path` for appending after truncating it to `len` bytes (its records kept).
fn append_after(path: &std::path::Path, len: u64, what: &str) -> Result<Box<dyn Write + Send>> {
    let file = OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .with_context(|| format!("cannot write {what} {}", path.display()))?;
    file.set_len(len)
        .with_context(|| format!("cannot truncate {what} {}", path.display()))?;
    Ok(Box::new(BufWriter::with_capacity(256 * 1024, file)))
}

fn progress_bar() -> ProgressBar {
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template("{spinner} {human_pos} articles  {per_sec}  {elapsed}  {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

pub fn run(args: ExtractArgs) -> Result<ExitCode> {
    // Bad gazetteers and flag combinations fail before any output file is created.
    let entities = entity_layers(&args)?;
    let mut builder = Pipeline::builder()
        .entities(entities)
        .syntax(!args.no_syntax);
    if !args.labels.is_empty() {
        builder = builder.entity_labels(args.labels.iter().map(|l| l.trim().to_uppercase()));
    }
    let pipeline = builder.build();
    if args.format == crate::io::OutputFormat::Parquet {
        if cfg!(not(feature = "parquet")) {
            anyhow::bail!(crate::io::tables::NO_PARQUET);
        }
        if args.output.is_none() {
            // Readers of Parquet start from the footer at the end of the file: a stream is no use.
            anyhow::bail!(
                "--format parquet writes a file: give it with -o FILE (stdout is refused)"
            );
        }
    }
    let renderer = Renderer {
        format: args.format,
        table: args.table,
        offsets: args.offsets,
    };
    let fields = FieldNames {
        id: args.id_field,
        text: args.text_field,
        title: args.title_field,
    };
    let sources = expand_inputs(&args.inputs);
    let resumed = match (&args.output, args.resume) {
        (Some(output), true) => Some(resume::scan(
            &sources,
            &fields,
            args.shard,
            &renderer,
            output,
            args.errors.as_deref(),
        )?),
        _ => None,
    };
    let (sink, skip) = match (&resumed, &args.output) {
        (Some(point), Some(output)) => {
            let out = append_after(output, point.output_len, "output file")?;
            let errors = args
                .errors
                .as_deref()
                .map(|p| append_after(p, point.errors_len, "errors file"))
                .transpose()?;
            let sink = if point.write_header {
                Sink::new(&renderer, out, errors).context("cannot write the output header")?
            } else {
                Sink::appending(&renderer, out, errors)
            };
            (sink, point.skip)
        }
        _ => {
            let out: Box<dyn Write + Send> = match &args.output {
                Some(path) => create(path, "output file")?,
                None => Box::new(BufWriter::with_capacity(256 * 1024, io::stdout())),
            };
            let errors = args
                .errors
                .as_deref()
                .map(|p| create(p, "errors file"))
                .transpose()?;
            let sink =
                Sink::new(&renderer, out, errors).context("cannot write the output header")?;
            (sink, 0)
        }
    };
    let options = StreamOptions {
        flush_records: args.batch_size,
        window_records: args.window,
        threads: args.threads,
        max_article_chars: args.max_article_chars,
        shard: args.shard,
        skip,
        ..StreamOptions::default()
    };
    // Drawn only for a person watching: never into a file or a pipe.
    let bar = (!args.no_progress && io::stderr().is_terminal()).then(progress_bar);
    let mut progress = |s: &Summary| {
        if let Some(bar) = &bar {
            bar.set_position((s.articles + s.errors) as u64);
            if s.errors > 0 {
                bar.set_message(format!("{} errors", s.errors));
            }
        }
    };
    let result = run_stream(
        sources,
        fields,
        &pipeline,
        renderer,
        sink,
        &options,
        &mut progress,
    );
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    let summary = match result {
        Ok(s) => s,
        // The reader of our output went away (e.g. `| head`): stop quietly, as ripgrep does.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => return Ok(ExitCode::SUCCESS),
        Err(e) => return Err(e).context("cannot write the output"),
    };
    let earlier_errors = resumed.as_ref().map_or(0, |p| p.errors_kept);
    if !args.quiet {
        if let Some(point) = &resumed {
            eprintln!(
                "quotex: resumed after {} records already in the output ({} of them errors)",
                point.skip, point.errors_kept
            );
        }
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
    Ok(if summary.errors + earlier_errors > 0 {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}
