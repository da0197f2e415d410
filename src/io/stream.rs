//! The streaming engine: an ordered pipeline. A reader thread numbers the records and hands
//! them one at a time to a pool of workers over a bounded channel; each worker annotates
//! and renders its record on its own, so a slow record occupies one worker while the others
//! keep going; the calling thread puts the results back in input order (a reorder buffer
//! keyed by sequence number) and writes them.
//!
//! Memory is bounded by a window: at most `window_records` records, holding at most
//! `window_bytes` bytes of text, are read but not yet written (one record always fits, so
//! a huge article still passes). When the record at the head of the window is slow, the
//! others fill the window and then the reader waits; nothing grows with the input.

use std::collections::BTreeMap;
use std::io;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Condvar, Mutex, MutexGuard};
use std::thread;
use std::time::{Duration, Instant};

use crossbeam_channel::{bounded, unbounded, TryRecvError};

use super::input::InputSource;
use super::records::{read_selected, FieldNames, InputRecord, RecordError, Shard};
use super::writers::{Rendered, Renderer, Sink};
use crate::pipeline::Pipeline;

/// The default of `StreamOptions::max_article_chars` (and of `--max-article-chars`).
pub const DEFAULT_MAX_ARTICLE_CHARS: usize = 5_000_000;

/// How a run reads, parallelises and writes.
#[derive(Debug, Clone)]
pub struct StreamOptions {
    /// Worker threads; 0 = one per core.
    pub threads: usize,
    /// At most this many records are read but not yet written...
    pub window_records: usize,
    /// ...holding at most this many bytes of article text (one record always fits).
    pub window_bytes: usize,
    /// The output is flushed at least every this many records, and whenever the writer
    /// has nothing ready to write.
    pub flush_records: usize,
    /// An article with more characters becomes an error record (never truncated).
    pub max_article_chars: usize,
    /// Process only this shard of the input records.
    pub shard: Option<Shard>,
    /// Skip this many of the (selected) input records: they are already in the output
    /// (`--resume`).
    pub skip: usize,
}

impl Default for StreamOptions {
    fn default() -> Self {
        StreamOptions {
            threads: 0,
            window_records: 1024,
            window_bytes: 32 << 20,
            flush_records: 256,
            max_article_chars: DEFAULT_MAX_ARTICLE_CHARS,
            shard: None,
            skip: 0,
        }
    }
}

/// Totals of a run.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    /// Articles annotated.
    pub articles: usize,
    /// Error records written.
    pub errors: usize,
    /// Sentences found.
    pub sentences: usize,
    /// Quotes found.
    pub quotes: usize,
    /// Entity mentions found.
    pub entities: usize,
    /// Words of the annotated articles.
    pub words: usize,
    /// Wall-clock time of the run.
    pub elapsed: Duration,
}

impl Summary {
    /// Throughput of the run.
    pub fn words_per_second(&self) -> f64 {
        self.words as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    fn add(&mut self, other: &Summary) {
        self.articles += other.articles;
        self.errors += other.errors;
        self.sentences += other.sentences;
        self.quotes += other.quotes;
        self.entities += other.entities;
        self.words += other.words;
    }
}

/// One record's result, rendered by a worker and waiting for its turn to be written.
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

/// Turns an article longer than `max_chars` into an error record. Counting characters
/// is linear, and skipped when the byte length already proves the text short enough.
fn limit_length(record: InputRecord, max_chars: usize) -> InputRecord {
    let too_long = match &record.article {
        Ok(a) if a.text.len() > max_chars => {
            let chars = a.text.chars().count();
            (chars > max_chars).then_some(chars)
        }
        _ => None,
    };
    match (too_long, record.article) {
        (Some(chars), Ok(article)) => InputRecord {
            article: Err(RecordError {
                id: Some(article.id),
                error: format!(
                    "article too long: {chars} characters, more than the limit of {max_chars} \
                     (--max-article-chars); not processed"
                ),
                source: record.source.clone(),
            }),
            source: record.source,
        },
        (_, article) => InputRecord {
            source: record.source,
            article,
        },
    }
}

fn text_bytes(record: &InputRecord) -> usize {
    record.article.as_ref().map_or(0, |a| a.text.len())
}

/// Counts the records (and their text bytes) read but not yet written.
struct Window {
    state: Mutex<WindowState>,
    room: Condvar,
    max_records: usize,
    max_bytes: usize,
}

#[derive(Default)]
struct WindowState {
    records: usize,
    bytes: usize,
    closed: bool,
}

impl Window {
    fn new(max_records: usize, max_bytes: usize) -> Self {
        Window {
            state: Mutex::new(WindowState::default()),
            room: Condvar::new(),
            max_records: max_records.max(1),
            max_bytes: max_bytes.max(1),
        }
    }

    fn lock(&self) -> MutexGuard<'_, WindowState> {
        // The counters stay consistent even if a holder panicked.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Waits until a record of `bytes` fits; `false` once the run is being torn down.
    fn acquire(&self, bytes: usize) -> bool {
        let mut s = self.lock();
        while !s.closed
            && s.records > 0
            && (s.records >= self.max_records || s.bytes + bytes > self.max_bytes)
        {
            s = self.room.wait(s).unwrap_or_else(|e| e.into_inner());
        }
        if s.closed {
            return false;
        }
        s.records += 1;
        s.bytes += bytes;
        true
    }

    fn release(&self, bytes: usize) {
        let mut s = self.lock();
        s.records = s.records.saturating_sub(1);
        s.bytes = s.bytes.saturating_sub(bytes);
        self.room.notify_all();
    }

    fn close(&self) {
        self.lock().closed = true;
        self.room.notify_all();
    }
}

/// Reads all sources, annotates every article and writes one record per input record, in
/// input order. `progress` is called after each record written, with the running totals.
pub fn run_stream(
    sources: Vec<InputSource>,
    fields: FieldNames,
    pipeline: &Pipeline,
    renderer: Renderer,
    sink: Sink,
    options: &StreamOptions,
    progress: &mut dyn FnMut(&Summary),
) -> io::Result<Summary> {
    let process = |record: InputRecord| process_record(pipeline, &renderer, record);
    run_ordered(sources, fields, &process, sink, options, progress)
}

/// The engine behind [`run_stream`], with the per-record work as a parameter (tests
/// replace it with a hook that can hold a record back).
fn run_ordered(
    sources: Vec<InputSource>,
    fields: FieldNames,
    process: &(dyn Fn(InputRecord) -> Processed + Sync),
    mut sink: Sink,
    options: &StreamOptions,
    progress: &mut dyn FnMut(&Summary),
) -> io::Result<Summary> {
    let started = Instant::now();
    let threads = match options.threads {
        0 => thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    };
    let window = std::sync::Arc::new(Window::new(options.window_records, options.window_bytes));
    // A few records queued per worker keep them busy; the window bounds the rest.
    let (work_tx, work_rx) = bounded::<(u64, usize, InputRecord)>(threads * 2);
    let (done_tx, done_rx) = unbounded::<(u64, usize, Processed)>();
    // Dropped when writing fails, to stop workers that wait for work (the reader may be
    // blocked on stdin, holding the work channel open).
    let (stop_tx, stop_rx) = bounded::<()>(0);

    // The reader owns its data and is not joined on failure: it may be blocked reading
    // stdin, and it stops by itself at its next record once the window is closed.
    let reader = {
        let window = window.clone();
        let (shard, skip, max_chars) = (options.shard, options.skip, options.max_article_chars);
        thread::Builder::new()
            .name("quotex-reader".into())
            .spawn(move || {
                let (mut seq, mut skipped) = (0u64, 0usize);
                let mut emit = |record: InputRecord| {
                    if skipped < skip {
                        skipped += 1;
                        return true;
                    }
                    let record = limit_length(record, max_chars);
                    let bytes = text_bytes(&record);
                    if !window.acquire(bytes) || work_tx.send((seq, bytes, record)).is_err() {
                        return false;
                    }
                    seq += 1;
                    true
                };
                read_selected(&sources, &fields, shard, &mut emit);
            })?
    };

    let mut summary = Summary::default();
    let result = thread::scope(|scope| -> io::Result<()> {
        for i in 0..threads {
            let (work_rx, done_tx, stop_rx) = (work_rx.clone(), done_tx.clone(), stop_rx.clone());
            thread::Builder::new()
                .name(format!("quotex-worker-{i}"))
                // Deeply nested input must not overflow a worker's stack.
                .stack_size(8 << 20)
                .spawn_scoped(scope, move || loop {
                    crossbeam_channel::select! {
                        recv(work_rx) -> work => {
                            let Ok((seq, bytes, record)) = work else { break };
                            if done_tx.send((seq, bytes, process(record))).is_err() {
                                break;
                            }
                        }
                        recv(stop_rx) -> _ => break,
                    }
                })?;
        }
        drop((work_rx, done_tx, stop_rx));
        let written = write_in_order(
            &done_rx,
            &mut sink,
            &window,
            options,
            &mut summary,
            progress,
        );
        if written.is_err() {
            // Unblock the reader and let the workers stop at their next record.
            window.close();
            drop(stop_tx);
        }
        drop(done_rx);
        written
    });
    result?;
    reader
        .join()
        .map_err(|_| io::Error::other("the reader thread panicked"))?;
    sink.finish()?;
    summary.elapsed = started.elapsed();
    Ok(summary)
}

/// The reorder buffer: results arrive in any order and leave in sequence order.
fn write_in_order(
    done: &crossbeam_channel::Receiver<(u64, usize, Processed)>,
    sink: &mut Sink,
    window: &Window,
    options: &StreamOptions,
    summary: &mut Summary,
    progress: &mut dyn FnMut(&Summary),
) -> io::Result<()> {
    let mut waiting: BTreeMap<u64, (usize, Processed)> = BTreeMap::new();
    let mut next = 0u64;
    let mut since_flush = 0usize;
    loop {
        let (seq, bytes, processed) = match done.try_recv() {
            Ok(item) => item,
            Err(TryRecvError::Empty) => {
                // Nothing ready: a good moment to hand what is written to the OS.
                if since_flush > 0 {
                    sink.flush()?;
                    since_flush = 0;
                }
                match done.recv() {
                    Ok(item) => item,
                    Err(_) => break,
                }
            }
            Err(TryRecvError::Disconnected) => break,
        };
        waiting.insert(seq, (bytes, processed));
        while let Some((bytes, p)) = waiting.remove(&next) {
            sink.write(&p.rendered)?;
            window.release(bytes);
            summary.add(&p.counts);
            progress(summary);
            next += 1;
            since_flush += 1;
            if since_flush >= options.flush_records.max(1) {
                sink.flush()?;
                since_flush = 0;
            }
        }
    }
    if !waiting.is_empty() {
        // Every worker has stopped, so a gap means a record was lost: never silently.
        return Err(io::Error::other(format!(
            "internal error: record {next} never came back from the workers"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::writers::{CsvTable, OutputFormat};
    use crate::offsets::OffsetUnit;
    use std::io::Write;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    /// A `Write` whose bytes the test can read afterwards.
    #[derive(Clone, Default)]
    struct SharedBuf(Arc<Mutex<Vec<u8>>>);

    impl Write for SharedBuf {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    fn jsonl_input(dir: &std::path::Path, n: usize) -> Vec<InputSource> {
        let path = dir.join("in.jsonl");
        let mut text = String::new();
        for i in 0..n {
            text.push_str(&format!("{{\"id\":\"r{i}\",\"text\":\"Record {i}.\"}}\n"));
        }
        std::fs::write(&path, text).unwrap();
        vec![InputSource::File {
            path,
            format: crate::io::InputFormat::Jsonl,
        }]
    }

    fn renderer() -> Renderer {
        Renderer {
            format: OutputFormat::Jsonl,
            table: CsvTable::Quotes,
            offsets: OffsetUnit::Chars,
            tokens: false,
        }
    }

    /// Renders just the id, so the order of the output can be read back.
    fn id_only(record: &InputRecord) -> Processed {
        let id = record.article.as_ref().map(|a| a.id.clone()).unwrap();
        Processed {
            rendered: Rendered::Article(format!("\"{id}\"").into_bytes()),
            counts: Summary {
                articles: 1,
                ..Summary::default()
            },
        }
    }

    /// Record 0 is held back until `others` later records have been processed. With a
    /// barrier between batches (the old engine) or a too-small window, they never are and
    /// the hook reports a timeout; the ordered pipeline lets the other worker go on.
    fn slow_first_record(threads: usize, window: usize, others: usize) -> (bool, usize, String) {
        let dir = tempfile::tempdir().unwrap();
        let n = 2000;
        let sources = jsonl_input(dir.path(), n);
        let done = Arc::new((Mutex::new(0usize), Condvar::new()));
        let max_seen_while_held = AtomicUsize::new(0);
        let held = std::sync::atomic::AtomicBool::new(false);
        let timed_out = std::sync::atomic::AtomicBool::new(false);
        let process = |record: InputRecord| {
            let id = record.article.as_ref().unwrap().id.clone();
            let index: usize = id[1..].parse().unwrap();
            if index == 0 {
                held.store(true, Ordering::SeqCst);
                let (lock, cond) = &*done;
                let guard = lock.lock().unwrap();
                let (guard, wait) = cond
                    .wait_timeout_while(guard, Duration::from_secs(60), |d| *d < others)
                    .unwrap();
                timed_out.store(wait.timed_out(), Ordering::SeqCst);
                drop(guard);
                // Give a broken window the chance to let more records through.
                thread::sleep(Duration::from_millis(50));
                held.store(false, Ordering::SeqCst);
            } else {
                if held.load(Ordering::SeqCst) {
                    max_seen_while_held.fetch_max(index, Ordering::SeqCst);
                }
                let (lock, cond) = &*done;
                *lock.lock().unwrap() += 1;
                cond.notify_all();
            }
            id_only(&record)
        };
        let out = SharedBuf::default();
        let sink = Sink::new(&renderer(), Box::new(out.clone()), None).unwrap();
        let options = StreamOptions {
            threads,
            window_records: window,
            ..StreamOptions::default()
        };
        let summary = run_ordered(
            sources,
            FieldNames::default(),
            &process,
            sink,
            &options,
            &mut |_| {},
        )
        .unwrap();
        assert_eq!(summary.articles, n);
        let text = String::from_utf8(out.0.lock().unwrap().clone()).unwrap();
        (
            timed_out.load(Ordering::SeqCst),
            max_seen_while_held.load(Ordering::SeqCst),
            text,
        )
    }

    #[test]
    fn a_slow_record_does_not_stall_the_others_and_order_is_kept() {
        let (timed_out, max_seen, text) = slow_first_record(2, 1024, 1000);
        assert!(
            !timed_out,
            "1000 later records must be processed while record 0 is held"
        );
        assert!(max_seen >= 1000);
        let expected: String = (0..2000).map(|i| format!("\"r{i}\"\n")).collect();
        assert_eq!(text, expected, "output order is input order");
    }

    #[test]
    fn the_window_bounds_the_records_in_flight() {
        // 16 records in flight: record 0 and at most 15 behind it.
        let (timed_out, max_seen, text) = slow_first_record(3, 16, 15);
        assert!(!timed_out);
        assert!(
            max_seen <= 15,
            "record {max_seen} was read while record 0 held the window"
        );
        assert_eq!(text.lines().count(), 2000);
    }

    #[test]
    fn long_articles_become_error_records() {
        let record = |text: &str| InputRecord {
            source: "in:1".into(),
            article: Ok(crate::doc::Article {
                id: "a".into(),
                title: None,
                text: text.into(),
            }),
        };
        assert!(
            limit_length(record("ééé"), 3).article.is_ok(),
            "3 chars, 6 bytes"
        );
        let err = limit_length(record("éééé"), 3).article.unwrap_err();
        assert_eq!(err.id.as_deref(), Some("a"));
        assert_eq!(err.source, "in:1");
        assert!(err.error.contains("4 characters"), "{}", err.error);
    }
}
