//! Output: records are rendered to bytes in the worker threads (`Renderer`), then written
//! in input order by one thread (`Sink`).

use std::io::{self, Write};

use crate::doc::Document;
use crate::io::conllu;
use crate::io::records::RecordError;
use crate::io::tables::{self, TableRows, TableSink};
use crate::offsets::OffsetUnit;
use crate::output::{self, ArticleRecord, ArticleWithTokens};

/// How records are written (`--format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum OutputFormat {
    /// One JSON object per line.
    #[default]
    Jsonl,
    /// One JSON array of records.
    Json,
    /// A flat table (see --table).
    Csv,
    /// A Parquet file of the table chosen by --table (needs -o FILE).
    Parquet,
    /// CoNLL-U: one block per sentence with the tokens and their dependency parse.
    Conllu,
}

/// Which table CSV and Parquet output hold (`--table`); `Speakers` applies to every format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum CsvTable {
    /// One row per quote.
    #[default]
    Quotes,
    /// One row per entity mention.
    Entities,
    /// One row per sentence.
    Sentences,
    /// One row per speaker across the run, written at the end (any format).
    Speakers,
    /// One row per token, with its tag, POS, lemma and dependency arc.
    Tokens,
}

const QUOTE_HEADER: &[&str] = &[
    "article_id",
    "quote_index",
    "quote_id",
    "kind",
    "text",
    "speaker_id",
    "speaker",
    "speaker_role",
    "cue",
    "start",
    "end",
    "sentence_index",
    "confidence",
    "method",
];
const ENTITY_HEADER: &[&str] = &[
    "article_id",
    "entity_index",
    "label",
    "text",
    "start",
    "end",
    "source",
];
const SENTENCE_HEADER: &[&str] = &["article_id", "sentence_index", "start", "end", "text"];
const TOKEN_HEADER: &[&str] = &[
    "article_id",
    "token_index",
    "start",
    "end",
    "text",
    "tag",
    "pos",
    "lemma",
    "dep",
    "head",
    "sentence_index",
];

/// Renders records to bytes; shared by the worker threads.
#[derive(Debug, Clone, Copy)]
pub struct Renderer {
    /// The output format.
    pub format: OutputFormat,
    /// The table, for CSV and Parquet.
    pub table: CsvTable,
    /// The unit of the offsets written: code points by default, or bytes.
    pub offsets: OffsetUnit,
    /// `--tokens`: JSONL and JSON records carry a `tokens` array.
    pub tokens: bool,
}

/// A rendered record, ready to be written in order.
#[derive(Debug)]
pub enum Rendered {
    /// An article's record (JSON) or rows (CSV), as bytes.
    Article(Vec<u8>),
    /// An error record, as JSON.
    Error(Vec<u8>),
    /// Typed rows for a `TableSink` (Parquet, the speakers table).
    Rows(TableRows),
}

impl Renderer {
    /// Renders a document as the output needs it: bytes, or typed rows.
    pub fn render(&self, doc: &Document) -> io::Result<Rendered> {
        if tables::wants_rows(self) {
            return Ok(Rendered::Rows(TableRows::from_document(doc, self)));
        }
        self.render_document(doc).map(Rendered::Article)
    }

    /// The record (JSON) or CSV rows of a document, as bytes; Parquet and the speakers table
    /// take typed rows ([`Renderer::render`]) instead.
    pub fn render_document(&self, doc: &Document) -> io::Result<Vec<u8>> {
        if self.format == OutputFormat::Conllu {
            let mut buf = Vec::with_capacity(64 * doc.tokens.len());
            conllu::write_document(doc, &mut buf);
            return Ok(buf);
        }
        let record = ArticleRecord::from_document(doc, self.offsets);
        let mut buf = Vec::with_capacity(256 + 64 * doc.sentences.len());
        match self.format {
            OutputFormat::Jsonl | OutputFormat::Json if self.tokens => {
                let tokens = output::tokens_out(doc, self.offsets);
                serde_json::to_writer(&mut buf, &ArticleWithTokens { record, tokens })?;
            }
            OutputFormat::Jsonl | OutputFormat::Json => {
                serde_json::to_writer(&mut buf, &record)?;
            }
            OutputFormat::Csv => {
                let mut csv = csv::WriterBuilder::new()
                    .has_headers(false)
                    .from_writer(&mut buf);
                match self.table {
                    CsvTable::Quotes => record.quote_rows().try_for_each(|r| csv.serialize(r)),
                    CsvTable::Entities => record.entity_rows().try_for_each(|r| csv.serialize(r)),
                    CsvTable::Sentences => {
                        record.sentence_rows(doc).try_for_each(|r| csv.serialize(r))
                    }
                    CsvTable::Tokens => {
                        output::token_rows(doc, self.offsets).try_for_each(|r| csv.serialize(r))
                    }
                    CsvTable::Speakers => return Err(rows_only()),
                }
                .map_err(io::Error::other)?;
                csv.flush()?;
            }
            OutputFormat::Parquet => return Err(rows_only()),
            OutputFormat::Conllu => {}
        }
        Ok(buf)
    }

    /// An error record as one JSON object.
    pub fn render_error(&self, error: &RecordError) -> Vec<u8> {
        // Serialising a struct of strings cannot fail.
        serde_json::to_vec(error).unwrap_or_default()
    }

    pub(crate) fn csv_header(&self) -> &'static [&'static str] {
        match self.table {
            CsvTable::Quotes => QUOTE_HEADER,
            CsvTable::Entities => ENTITY_HEADER,
            CsvTable::Sentences => SENTENCE_HEADER,
            CsvTable::Tokens => TOKEN_HEADER,
            // Written by the TableSink.
            CsvTable::Speakers => &[],
        }
    }
}

fn rows_only() -> io::Error {
    io::Error::other("internal error: this table is written from typed rows, not bytes")
}

/// Writes rendered records in order. Error records go to the errors stream when one is
/// given; otherwise into the output (JSONL, JSON) or to stderr (CSV and CoNLL-U, which
/// cannot hold them).
pub struct Sink {
    format: OutputFormat,
    out: Box<dyn Write + Send>,
    errors: Option<Box<dyn Write + Send>>,
    items_in_array: usize,
    /// Parquet and the speakers table write here instead of `out`.
    tables: Option<TableSink>,
}

impl Sink {
    /// A sink that starts a new output: it writes the CSV header or the JSON array's opening
    /// bracket, or sets up the table writer for Parquet and the speakers table.
    pub fn new(
        renderer: &Renderer,
        mut out: Box<dyn Write + Send>,
        errors: Option<Box<dyn Write + Send>>,
    ) -> io::Result<Self> {
        let tables = if tables::wants_rows(renderer) {
            let out = std::mem::replace(&mut out, Box::new(io::sink()));
            Some(TableSink::new(renderer, out)?)
        } else {
            None
        };
        match renderer.format {
            _ if tables.is_some() => {}
            OutputFormat::Json => out.write_all(b"[")?,
            OutputFormat::Csv => {
                let mut csv = csv::Writer::from_writer(&mut out);
                csv.write_record(renderer.csv_header())
                    .map_err(io::Error::other)?;
                csv.flush()?;
            }
            OutputFormat::Jsonl | OutputFormat::Parquet | OutputFormat::Conllu => {}
        }
        let mut sink = Sink::appending(renderer, out, errors);
        sink.tables = tables;
        Ok(sink)
    }

    /// A sink that continues an output already holding a header and complete records
    /// (`--resume`): it writes no header.
    pub fn appending(
        renderer: &Renderer,
        out: Box<dyn Write + Send>,
        errors: Option<Box<dyn Write + Send>>,
    ) -> Self {
        Sink {
            format: renderer.format,
            out,
            errors,
            items_in_array: 0,
            tables: None,
        }
    }

    /// Hands everything written so far to the OS (called at least once per batch), so a
    /// killed run leaves whole records and at most one torn last line.
    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()?;
        if let Some(errors) = &mut self.errors {
            errors.flush()?;
        }
        Ok(())
    }

    fn write_in_stream(&mut self, bytes: &[u8]) -> io::Result<()> {
        match self.format {
            OutputFormat::Jsonl => {
                self.out.write_all(bytes)?;
                self.out.write_all(b"\n")
            }
            OutputFormat::Json => {
                self.out.write_all(if self.items_in_array == 0 {
                    b"\n"
                } else {
                    b",\n"
                })?;
                self.items_in_array += 1;
                self.out.write_all(bytes)
            }
            // A CoNLL-U article is its blocks, each ending with a blank line.
            OutputFormat::Csv | OutputFormat::Conllu => self.out.write_all(bytes),
            OutputFormat::Parquet => Err(rows_only()),
        }
    }

    /// Writes one rendered record: articles to the output, errors as the type says.
    pub fn write(&mut self, item: &Rendered) -> io::Result<()> {
        match item {
            Rendered::Article(bytes) => self.write_in_stream(bytes),
            Rendered::Rows(rows) => match &mut self.tables {
                Some(tables) => tables.push(rows),
                None => Err(rows_only()),
            },
            Rendered::Error(bytes) => match (&mut self.errors, self.format) {
                (Some(errors), _) => {
                    errors.write_all(bytes)?;
                    errors.write_all(b"\n")?;
                    // At once: the errors file must never lag behind the output, so a
                    // resumed run can trust every record the output holds.
                    errors.flush()
                }
                // Tables cannot hold error records.
                (None, format)
                    if matches!(format, OutputFormat::Csv | OutputFormat::Conllu)
                        || self.tables.is_some() =>
                {
                    let mut stderr = io::stderr().lock();
                    stderr.write_all(bytes)?;
                    stderr.write_all(b"\n")
                }
                (None, _) => self.write_in_stream(bytes),
            },
        }
    }

    /// Ends the output (the JSON array's bracket, the Parquet footer, the speakers table) and
    /// flushes it and the errors stream.
    pub fn finish(mut self) -> io::Result<()> {
        if let Some(tables) = self.tables.take() {
            tables.finish()?;
        } else if self.format == OutputFormat::Json {
            self.out.write_all(if self.items_in_array == 0 {
                b"]\n"
            } else {
                b"\n]\n"
            })?;
        }
        self.out.flush()?;
        if let Some(errors) = &mut self.errors {
            errors.flush()?;
        }
        Ok(())
    }
}
