//! Outputs that need typed rows rather than bytes: every `--format parquet` table, and
//! `--table speakers` in any format (a table of the whole run, written at the end).
//!
//! The workers turn each document into [`TableRows`]; the writer thread hands them, in
//! input order, to a [`TableSink`].

use std::io::{self, Write};

#[cfg(feature = "parquet")]
use super::parquet::ParquetTable;
use super::writers::{CsvTable, OutputFormat, Renderer};
use crate::doc::Document;
use crate::output::{self, ArticleRecord, EntityRow, QuoteRow, SentenceRow, TokenRow};
use crate::speaker_table::{ArticleSpeakers, SpeakerTable, SPEAKER_COLUMNS};

/// One article's rows of the chosen table, detached from the document.
#[derive(Debug, Clone, PartialEq)]
pub enum TableRows {
    /// `--table quotes`.
    Quotes(Vec<QuoteRow<'static>>),
    /// `--table entities`.
    Entities(Vec<EntityRow<'static>>),
    /// `--table sentences`.
    Sentences(Vec<SentenceRow<'static>>),
    /// `--table tokens`.
    Tokens(Vec<TokenRow<'static>>),
    /// `--table speakers`: the article's speakers, merged into the run's table later.
    Speakers {
        /// The article's id.
        article_id: String,
        /// Its speakers.
        speakers: ArticleSpeakers,
    },
}

impl TableRows {
    /// The rows of `doc` for the table and offsets of `renderer`.
    pub fn from_document(doc: &Document, renderer: &Renderer) -> Self {
        if renderer.table == CsvTable::Speakers {
            return TableRows::Speakers {
                article_id: doc.id.clone(),
                speakers: ArticleSpeakers::from_document(doc),
            };
        }
        if renderer.table == CsvTable::Tokens {
            return TableRows::Tokens(
                output::token_rows(doc, renderer.offsets)
                    .map(TokenRow::into_owned)
                    .collect(),
            );
        }
        let record = ArticleRecord::from_document(doc, renderer.offsets);
        match renderer.table {
            CsvTable::Entities => {
                TableRows::Entities(record.entity_rows().map(EntityRow::into_owned).collect())
            }
            CsvTable::Sentences => TableRows::Sentences(
                record
                    .sentence_rows(doc)
                    .map(SentenceRow::into_owned)
                    .collect(),
            ),
            CsvTable::Quotes | CsvTable::Speakers | CsvTable::Tokens => {
                TableRows::Quotes(record.quote_rows().map(QuoteRow::into_owned).collect())
            }
        }
    }
}

/// The error of `--format parquet` in a build without the `parquet` feature.
pub const NO_PARQUET: &str =
    "this quotex was built without Parquet support (cargo feature `parquet`)";

/// Whether `renderer` writes through a [`TableSink`] rather than rendered bytes.
pub fn wants_rows(renderer: &Renderer) -> bool {
    renderer.format == OutputFormat::Parquet || renderer.table == CsvTable::Speakers
}

enum Target {
    #[cfg(feature = "parquet")]
    Parquet(Box<ParquetTable>),
    /// The speakers table as CSV, JSONL or JSON, written at the end.
    Text(OutputFormat, Box<dyn Write + Send>),
}

/// Receives the rows of every article in input order and writes the table.
pub struct TableSink {
    target: Target,
    /// Present for `--table speakers`: rows are written by `finish`.
    speakers: Option<SpeakerTable>,
}

impl TableSink {
    /// A sink writing `renderer`'s table and format to `out`.
    pub fn new(renderer: &Renderer, out: Box<dyn Write + Send>) -> io::Result<Self> {
        let target = match renderer.format {
            #[cfg(feature = "parquet")]
            OutputFormat::Parquet => {
                Target::Parquet(Box::new(ParquetTable::new(renderer.table, out)?))
            }
            #[cfg(not(feature = "parquet"))]
            OutputFormat::Parquet => return Err(io::Error::other(NO_PARQUET)),
            other => Target::Text(other, out),
        };
        Ok(TableSink {
            target,
            speakers: (renderer.table == CsvTable::Speakers).then(SpeakerTable::new),
        })
    }

    /// Takes the rows of the next article.
    pub fn push(&mut self, rows: &TableRows) -> io::Result<()> {
        match (rows, &mut self.target, &mut self.speakers) {
            (
                TableRows::Speakers {
                    article_id,
                    speakers,
                },
                _,
                Some(table),
            ) => {
                table.add(article_id, speakers);
                Ok(())
            }
            #[cfg(feature = "parquet")]
            (TableRows::Quotes(rows), Target::Parquet(p), None) => {
                rows.iter().try_for_each(|r| p.push_quote(r))
            }
            #[cfg(feature = "parquet")]
            (TableRows::Entities(rows), Target::Parquet(p), None) => {
                rows.iter().try_for_each(|r| p.push_entity(r))
            }
            #[cfg(feature = "parquet")]
            (TableRows::Sentences(rows), Target::Parquet(p), None) => {
                rows.iter().try_for_each(|r| p.push_sentence(r))
            }
            #[cfg(feature = "parquet")]
            (TableRows::Tokens(rows), Target::Parquet(p), None) => {
                rows.iter().try_for_each(|r| p.push_token(r))
            }
            _ => Err(io::Error::other(
                "internal error: rows of another table than the one being written",
            )),
        }
    }

    /// Writes what is left (the speakers table, the Parquet footer) and flushes.
    pub fn finish(self) -> io::Result<()> {
        let rows = self.speakers.map(SpeakerTable::finish).unwrap_or_default();
        match self.target {
            #[cfg(feature = "parquet")]
            Target::Parquet(mut p) => {
                for r in &rows {
                    p.push_speaker(r)?;
                }
                p.finish()
            }
            Target::Text(OutputFormat::Csv, mut out) => {
                {
                    let mut csv = csv::Writer::from_writer(&mut out);
                    csv.write_record(SPEAKER_COLUMNS)
                        .map_err(io::Error::other)?;
                    for r in &rows {
                        csv.write_record(r.csv_fields()).map_err(io::Error::other)?;
                    }
                    csv.flush()?;
                }
                out.flush()
            }
            Target::Text(OutputFormat::Json, mut out) => {
                // The layout of `--format json`: one element per line.
                out.write_all(b"[")?;
                for (i, r) in rows.iter().enumerate() {
                    out.write_all(if i == 0 { b"\n" } else { b",\n" })?;
                    serde_json::to_writer(&mut out, r)?;
                }
                out.write_all(if rows.is_empty() { b"]\n" } else { b"\n]\n" })?;
                out.flush()
            }
            Target::Text(_, mut out) => {
                for r in &rows {
                    serde_json::to_writer(&mut out, r)?;
                    out.write_all(b"\n")?;
                }
                out.flush()
            }
        }
    }
}
