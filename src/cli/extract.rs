//! `quotex extract`.

use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::process::ExitCode;

use anyhow::{Context, Result};

use std::sync::Arc;

use super::{ExtractArgs, NerLayer};
use crate::io::{expand_inputs, run_stream, FieldNames, Renderer, Sink, StreamOptions};
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

pub fn run(args: ExtractArgs) -> Result<ExitCode> {
    // Bad gazetteers and flag combinations fail before any output file is created.
    let entities = entity_layers(&args)?;
    let mut builder = Pipeline::builder().entities(entities);
    if !args.labels.is_empty() {
        builder = builder.entity_labels(args.labels.iter().map(|l| l.trim().to_uppercase()));
    }
    let pipeline = builder.build();
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
