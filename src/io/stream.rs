//! The streaming engine: a reader thread fills bounded batches, rayon annotates each batch
//! in parallel, and a writer thread writes the results in input order. At most a few
//! batches are alive at once, so memory is bounded by the batch size, not the input size.

use std::io;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::thread;
use std::time::{Duration, Instant};

use crossbeam_channel::bounded;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;

use super::input::InputSource;
use super::records::{read_sources, FieldNames, InputRecord, RecordError};
use super::writers::{Rendered, Renderer, Sink};
use crate::pipeline::Pipeline;

#[derive(Debug, Clone)]
pub struct StreamOptions {
    /// A batch is sent when it holds this many articles...
    pub batch_articles: usize,
    /// ...or this many bytes of text, whichever comes first.
    pub batch_bytes: usize,
    /// Worker threads; 0 = one per core.
    pub threads: usize,
    pub progress: bool,
}

impl Default for StreamOptions {
    fn default() -> Self {
        StreamOptions {
            batch_articles: 256,
            batch_bytes: 4 << 20,
            threads: 0,
            progress: false,
        }
    }
}

/// Totals of a run.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    pub articles: usize,
    pub errors: usize,
    pub sentences: usize,
    pub quotes: usize,
    pub entities: usize,
    pub words: usize,
    pub elapsed: Duration,
}

impl Summary {
    pub fn words_per_second(&self) -> f64 {
        self.words as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

struct Processed {
    rendered: Rendered,
    counts: Summary,
}

fn error_item(renderer: &Renderer, err: &RecordError) -> Processed {
    Processed {
        rendered: Rendered::Error(renderer.render_error(err)),
        counts: Summary {
            errors: 1,
            ..Summary::default()
        },
    }
}

fn process_record(pipeline: &Pipeline, renderer: &Renderer, record: InputRecord) -> Processed {
    let article = match record.article {
        Ok(article) => article,
        Err(err) => return error_item(renderer, &err),
    };
    let failed = |id: String, error: String| {
        error_item(
            renderer,
            &RecordError {
                id: Some(id),
                error,
                source: record.source.clone(),
            },
        )
    };
    let id = article.id.clone();
    // A bug in one stage must cost one record, not the run.
    let doc = match catch_unwind(AssertUnwindSafe(|| pipeline.process(article))) {
        Ok(doc) => doc,
        Err(panic) => {
            let msg = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            return failed(id, format!("internal error while annotating: {msg}"));
        }
    };
    match renderer.render(&doc) {
        Ok(rendered) => Processed {
            rendered,
            counts: Summary {
                articles: 1,
                sentences: doc.sentences.len(),
                quotes: doc.quotes.len(),
                entities: doc.entities.len(),
                words: doc.word_count(),
                ..Summary::default()
            },
        },
        Err(e) => failed(id, format!("cannot render the record: {e}")),
    }
}

fn progress_bar(enabled: bool) -> ProgressBar {
    if !enabled {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template("{spinner} {human_pos} articles  {per_sec}  {elapsed}  {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

/// Reads all sources, annotates every article and writes one record per input record.
pub fn run_stream(
    sources: Vec<InputSource>,
    fields: FieldNames,
    pipeline: &Pipeline,
    renderer: Renderer,
    mut sink: Sink,
    options: &StreamOptions,
) -> io::Result<Summary> {
    let started = Instant::now();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.threads)
        .build()
        .map_err(io::Error::other)?;
    let (batch_tx, batch_rx) = bounded::<Vec<InputRecord>>(2);
    let (out_tx, out_rx) = bounded::<Vec<Rendered>>(2);
    let (batch_articles, batch_bytes) = (options.batch_articles.max(1), options.batch_bytes.max(1));

    let reader = thread::Builder::new()
        .name("quotex-reader".into())
        .spawn(move || {
            let mut batch = Vec::with_capacity(batch_articles);
            let mut bytes = 0usize;
            let mut emit = |record: InputRecord| {
                bytes += record.article.as_ref().map_or(0, |a| a.text.len());
                batch.push(record);
                if batch.len() >= batch_articles || bytes >= batch_bytes {
                    bytes = 0;
                    let full = std::mem::replace(&mut batch, Vec::with_capacity(batch_articles));
                    return batch_tx.send(full).is_ok();
                }
                true
            };
            let finished = read_sources(&sources, &fields, &mut emit);
            if finished && !batch.is_empty() {
                let _ = batch_tx.send(batch);
            }
        })?;

    let writer = thread::Builder::new().name("quotex-writer".into()).spawn(
        move || -> io::Result<Sink> {
            for items in out_rx {
                for item in &items {
                    sink.write(item)?;
                }
            }
            Ok(sink)
        },
    )?;

    let bar = progress_bar(options.progress);
    let mut summary = Summary::default();
    for batch in batch_rx {
        let processed: Vec<Processed> = pool.install(|| {
            batch
                .into_par_iter()
                .map(|record| process_record(pipeline, &renderer, record))
                .collect()
        });
        let mut rendered = Vec::with_capacity(processed.len());
        for p in processed {
            summary.articles += p.counts.articles;
            summary.errors += p.counts.errors;
            summary.sentences += p.counts.sentences;
            summary.quotes += p.counts.quotes;
            summary.entities += p.counts.entities;
            summary.words += p.counts.words;
            rendered.push(p.rendered);
        }
        bar.inc(rendered.len() as u64);
        if summary.errors > 0 {
            bar.set_message(format!("{} errors", summary.errors));
        }
        if out_tx.send(rendered).is_err() {
            break; // the writer failed; its error is reported below
        }
    }
    drop(out_tx);
    bar.finish_and_clear();
    let sink = writer
        .join()
        .map_err(|_| io::Error::other("the writer thread panicked"))??;
    // The reader ends on its own once the batch channel is closed.
    reader
        .join()
        .map_err(|_| io::Error::other("the reader thread panicked"))?;
    sink.finish()?;
    summary.elapsed = started.elapsed();
    Ok(summary)
}
