//! `--format parquet`: the tables as typed Parquet columns (Apache Arrow writer, zstd).
//!
//! Rows are appended to Arrow builders and handed to the Parquet writer every
//! [`BATCH_ROWS`] rows; the writer closes a row group at [`ROW_GROUP_ROWS`] rows or
//! [`ROW_GROUP_BYTES`] encoded bytes, whichever comes first, so memory stays flat on any
//! input. Integers are `Int64` (offsets, indexes, counts), `confidence` is `Float32`, text
//! is UTF-8, list columns of the speakers table are lists of UTF-8; a column is nullable
//! exactly where the JSON record can hold `null`.

use std::io::{self, Write};
use std::sync::Arc;

use arrow_array::builder::{Float32Builder, Int64Builder, ListBuilder, StringBuilder};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::WriterProperties;

use super::writers::CsvTable;
use crate::ids::StableId;
use crate::output::{EntityRow, QuoteRow, SentenceRow, TokenRow};
use crate::speaker_table::SpeakerRow;

/// Rows collected before they are encoded.
pub const BATCH_ROWS: usize = 4096;
/// A row group ends at this many rows...
pub const ROW_GROUP_ROWS: usize = 64 * 1024;
/// ...or this many encoded bytes.
pub const ROW_GROUP_BYTES: usize = 32 << 20;

fn utf8(name: &str, nullable: bool) -> Field {
    Field::new(name, DataType::Utf8, nullable)
}

fn int(name: &str, nullable: bool) -> Field {
    Field::new(name, DataType::Int64, nullable)
}

fn utf8_list(name: &str) -> Field {
    Field::new(
        name,
        DataType::List(Arc::new(Field::new_list_field(DataType::Utf8, true))),
        false,
    )
}

/// The Arrow schema of a table.
pub fn schema(table: CsvTable) -> Schema {
    Schema::new(match table {
        CsvTable::Quotes => vec![
            utf8("article_id", false),
            int("quote_index", false),
            utf8("quote_id", false),
            utf8("kind", false),
            utf8("text", false),
            utf8("speaker_id", true),
            utf8("speaker", true),
            utf8("speaker_role", true),
            utf8("cue", true),
            int("start", false),
            int("end", false),
            int("sentence_index", true),
            Field::new("confidence", DataType::Float32, false),
            utf8("method", false),
        ],
        CsvTable::Entities => vec![
            utf8("article_id", false),
            int("entity_index", false),
            utf8("label", false),
            utf8("text", false),
            int("start", false),
            int("end", false),
            utf8("source", false),
        ],
        CsvTable::Sentences => vec![
            utf8("article_id", false),
            int("sentence_index", false),
            int("start", false),
            int("end", false),
            utf8("text", false),
        ],
        CsvTable::Tokens => vec![
            utf8("article_id", false),
            int("token_index", false),
            int("start", false),
            int("end", false),
            utf8("text", false),
            utf8("tag", true),
            utf8("pos", true),
            utf8("lemma", true),
            utf8("dep", true),
            int("head", true),
            int("sentence_index", true),
        ],
        CsvTable::Speakers => vec![
            utf8("speaker_id", false),
            utf8("speaker", false),
            utf8_list("roles"),
            int("quotes", false),
            int("direct", false),
            int("indirect", false),
            int("mixed", false),
            int("articles", false),
            utf8("first_article_id", false),
            utf8_list("aliases"),
            utf8_list("alias_ids"),
        ],
    })
}

/// Output offsets and counts are far below `i64::MAX`; saturate rather than wrap.
fn i64_of(v: impl TryInto<i64>) -> i64 {
    v.try_into().unwrap_or(i64::MAX)
}

#[derive(Default)]
struct QuoteColumns {
    article_id: StringBuilder,
    quote_index: Int64Builder,
    quote_id: StringBuilder,
    kind: StringBuilder,
    text: StringBuilder,
    speaker_id: StringBuilder,
    speaker: StringBuilder,
    speaker_role: StringBuilder,
    cue: StringBuilder,
    start: Int64Builder,
    end: Int64Builder,
    sentence_index: Int64Builder,
    confidence: Float32Builder,
    method: StringBuilder,
}

#[derive(Default)]
struct EntityColumns {
    article_id: StringBuilder,
    entity_index: Int64Builder,
    label: StringBuilder,
    text: StringBuilder,
    start: Int64Builder,
    end: Int64Builder,
    source: StringBuilder,
}

#[derive(Default)]
struct SentenceColumns {
    article_id: StringBuilder,
    sentence_index: Int64Builder,
    start: Int64Builder,
    end: Int64Builder,
    text: StringBuilder,
}

#[derive(Default)]
struct TokenColumns {
    article_id: StringBuilder,
    token_index: Int64Builder,
    start: Int64Builder,
    end: Int64Builder,
    text: StringBuilder,
    tag: StringBuilder,
    pos: StringBuilder,
    lemma: StringBuilder,
    dep: StringBuilder,
    head: Int64Builder,
    sentence_index: Int64Builder,
}

#[derive(Default)]
struct SpeakerColumns {
    speaker_id: StringBuilder,
    speaker: StringBuilder,
    roles: ListBuilder<StringBuilder>,
    quotes: Int64Builder,
    direct: Int64Builder,
    indirect: Int64Builder,
    mixed: Int64Builder,
    articles: Int64Builder,
    first_article_id: StringBuilder,
    aliases: ListBuilder<StringBuilder>,
    alias_ids: ListBuilder<StringBuilder>,
}

/// The builders of one table; `finish` gives the columns in schema order.
enum Columns {
    Quotes(Box<QuoteColumns>),
    Entities(Box<EntityColumns>),
    Sentences(Box<SentenceColumns>),
    Speakers(Box<SpeakerColumns>),
    Tokens(Box<TokenColumns>),
}

fn id_str(id: StableId) -> String {
    id.to_string()
}

fn finish_all(cols: Vec<&mut dyn arrow_array::builder::ArrayBuilder>) -> Vec<ArrayRef> {
    cols.into_iter().map(|b| b.finish()).collect()
}

impl Columns {
    fn new(table: CsvTable) -> Self {
        match table {
            CsvTable::Quotes => Columns::Quotes(Box::default()),
            CsvTable::Entities => Columns::Entities(Box::default()),
            CsvTable::Sentences => Columns::Sentences(Box::default()),
            CsvTable::Speakers => Columns::Speakers(Box::default()),
            CsvTable::Tokens => Columns::Tokens(Box::default()),
        }
    }

    fn finish(&mut self) -> Vec<ArrayRef> {
        match self {
            Columns::Quotes(c) => finish_all(vec![
                &mut c.article_id,
                &mut c.quote_index,
                &mut c.quote_id,
                &mut c.kind,
                &mut c.text,
                &mut c.speaker_id,
                &mut c.speaker,
                &mut c.speaker_role,
                &mut c.cue,
                &mut c.start,
                &mut c.end,
                &mut c.sentence_index,
                &mut c.confidence,
                &mut c.method,
            ]),
            Columns::Entities(c) => finish_all(vec![
                &mut c.article_id,
                &mut c.entity_index,
                &mut c.label,
                &mut c.text,
                &mut c.start,
                &mut c.end,
                &mut c.source,
            ]),
            Columns::Sentences(c) => finish_all(vec![
                &mut c.article_id,
                &mut c.sentence_index,
                &mut c.start,
                &mut c.end,
                &mut c.text,
            ]),
            Columns::Tokens(c) => finish_all(vec![
                &mut c.article_id,
                &mut c.token_index,
                &mut c.start,
                &mut c.end,
                &mut c.text,
                &mut c.tag,
                &mut c.pos,
                &mut c.lemma,
                &mut c.dep,
                &mut c.head,
                &mut c.sentence_index,
            ]),
            Columns::Speakers(c) => finish_all(vec![
                &mut c.speaker_id,
                &mut c.speaker,
                &mut c.roles,
                &mut c.quotes,
                &mut c.direct,
                &mut c.indirect,
                &mut c.mixed,
                &mut c.articles,
                &mut c.first_article_id,
                &mut c.aliases,
                &mut c.alias_ids,
            ]),
        }
    }
}

fn wrong_table(what: &str) -> io::Error {
    io::Error::other(format!(
        "internal error: {what} rows sent to another Parquet table"
    ))
}

/// A Parquet file being written, one table.
pub struct ParquetTable {
    writer: ArrowWriter<Box<dyn Write + Send>>,
    schema: SchemaRef,
    columns: Columns,
    pending: usize,
}

fn parquet_err(e: parquet::errors::ParquetError) -> io::Error {
    match e {
        parquet::errors::ParquetError::External(inner) => match inner.downcast::<io::Error>() {
            Ok(io) => *io,
            Err(other) => io::Error::other(other),
        },
        other => io::Error::other(other),
    }
}

impl ParquetTable {
    /// Starts a Parquet file of `table` on `out`.
    pub fn new(table: CsvTable, out: Box<dyn Write + Send>) -> io::Result<Self> {
        let schema = Arc::new(schema(table));
        let props = WriterProperties::builder()
            .set_compression(Compression::ZSTD(ZstdLevel::default()))
            .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
            .set_max_row_group_bytes(Some(ROW_GROUP_BYTES))
            .build();
        let writer = ArrowWriter::try_new(out, schema.clone(), Some(props)).map_err(parquet_err)?;
        Ok(ParquetTable {
            writer,
            schema,
            columns: Columns::new(table),
            pending: 0,
        })
    }

    fn row_added(&mut self) -> io::Result<()> {
        self.pending += 1;
        if self.pending >= BATCH_ROWS {
            self.flush_batch()?;
        }
        Ok(())
    }

    fn flush_batch(&mut self) -> io::Result<()> {
        if self.pending == 0 {
            return Ok(());
        }
        let batch = RecordBatch::try_new(self.schema.clone(), self.columns.finish())
            .map_err(io::Error::other)?;
        self.pending = 0;
        self.writer.write(&batch).map_err(parquet_err)
    }

    /// Appends a row of the quotes table.
    pub fn push_quote(&mut self, r: &QuoteRow<'_>) -> io::Result<()> {
        let Columns::Quotes(c) = &mut self.columns else {
            return Err(wrong_table("quote"));
        };
        c.article_id.append_value(&r.article_id);
        c.quote_index.append_value(i64_of(r.quote_index));
        c.quote_id.append_value(id_str(r.quote_id));
        c.kind.append_value(r.kind);
        c.text.append_value(&r.text);
        c.speaker_id.append_option(r.speaker_id.map(id_str));
        c.speaker.append_option(r.speaker.as_deref());
        c.speaker_role.append_option(r.speaker_role.as_deref());
        c.cue.append_option(r.cue.as_deref());
        c.start.append_value(i64_of(r.start));
        c.end.append_value(i64_of(r.end));
        c.sentence_index.append_option(r.sentence_index.map(i64_of));
        c.confidence.append_value(r.confidence);
        c.method.append_value(r.method);
        self.row_added()
    }

    /// Appends a row of the entities table.
    pub fn push_entity(&mut self, r: &EntityRow<'_>) -> io::Result<()> {
        let Columns::Entities(c) = &mut self.columns else {
            return Err(wrong_table("entity"));
        };
        c.article_id.append_value(&r.article_id);
        c.entity_index.append_value(i64_of(r.entity_index));
        c.label.append_value(&r.label);
        c.text.append_value(&r.text);
        c.start.append_value(i64_of(r.start));
        c.end.append_value(i64_of(r.end));
        c.source.append_value(r.source);
        self.row_added()
    }

    /// Appends a row of the sentences table.
    pub fn push_sentence(&mut self, r: &SentenceRow<'_>) -> io::Result<()> {
        let Columns::Sentences(c) = &mut self.columns else {
            return Err(wrong_table("sentence"));
        };
        c.article_id.append_value(&r.article_id);
        c.sentence_index.append_value(i64_of(r.sentence_index));
        c.start.append_value(i64_of(r.start));
        c.end.append_value(i64_of(r.end));
        c.text.append_value(&r.text);
        self.row_added()
    }

    /// Appends a row of the tokens table.
    pub fn push_token(&mut self, r: &TokenRow<'_>) -> io::Result<()> {
        let Columns::Tokens(c) = &mut self.columns else {
            return Err(wrong_table("token"));
        };
        c.article_id.append_value(&r.article_id);
        c.token_index.append_value(i64_of(r.token_index));
        c.start.append_value(i64_of(r.start));
        c.end.append_value(i64_of(r.end));
        c.text.append_value(&r.text);
        c.tag.append_option(r.tag.as_deref());
        c.pos.append_option(r.pos);
        c.lemma.append_option(r.lemma.as_deref());
        c.dep.append_option(r.dep.as_deref());
        c.head.append_option(r.head.map(i64_of));
        c.sentence_index.append_option(r.sentence_index.map(i64_of));
        self.row_added()
    }

    /// Appends a row of the speakers table.
    pub fn push_speaker(&mut self, r: &SpeakerRow) -> io::Result<()> {
        let Columns::Speakers(c) = &mut self.columns else {
            return Err(wrong_table("speaker"));
        };
        c.speaker_id.append_value(id_str(r.speaker_id));
        c.speaker.append_value(&r.speaker);
        c.roles.append_value(r.roles.iter().map(Some));
        c.quotes.append_value(i64_of(r.quotes));
        c.direct.append_value(i64_of(r.direct));
        c.indirect.append_value(i64_of(r.indirect));
        c.mixed.append_value(i64_of(r.mixed));
        c.articles.append_value(i64_of(r.articles));
        c.first_article_id.append_value(&r.first_article_id);
        c.aliases.append_value(r.aliases.iter().map(Some));
        c.alias_ids
            .append_value(r.alias_ids.iter().map(|i| Some(id_str(*i))));
        self.row_added()
    }

    /// Writes the last rows and the file footer.
    pub fn finish(mut self) -> io::Result<()> {
        self.flush_batch()?;
        let mut out = self.writer.into_inner().map_err(parquet_err)?;
        out.flush()
    }
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use parquet::file::reader::{FileReader, SerializedFileReader};

    use super::*;

    #[test]
    fn row_groups_close_as_the_rows_arrive() {
        let file = tempfile::NamedTempFile::new().unwrap();
        let out = Box::new(file.reopen().unwrap());
        let mut table = ParquetTable::new(CsvTable::Sentences, out).unwrap();
        let rows = ROW_GROUP_ROWS + 1000;
        for i in 0..rows {
            table
                .push_sentence(&SentenceRow {
                    article_id: Cow::Owned(format!("a{}", i / 10)),
                    sentence_index: i % 10,
                    start: i,
                    end: i + 5,
                    text: Cow::Borrowed("Some words."),
                })
                .unwrap();
            if i == ROW_GROUP_ROWS + 10 {
                // The first row group is already on disk, not held in memory.
                let written = table.writer.flushed_row_groups().len();
                assert_eq!(written, 1);
            }
        }
        table.finish().unwrap();
        let reader = SerializedFileReader::new(file.reopen().unwrap()).unwrap();
        let meta = reader.metadata();
        assert_eq!(meta.num_row_groups(), 2);
        assert_eq!(meta.file_metadata().num_rows(), rows as i64);
        assert_eq!(meta.row_group(0).num_rows(), ROW_GROUP_ROWS as i64);
    }

    #[test]
    fn rows_of_another_table_are_an_error_not_a_panic() {
        let file = tempfile::NamedTempFile::new().unwrap();
        let mut table =
            ParquetTable::new(CsvTable::Entities, Box::new(file.reopen().unwrap())).unwrap();
        let row = SentenceRow {
            article_id: Cow::Borrowed("a"),
            sentence_index: 0,
            start: 0,
            end: 1,
            text: Cow::Borrowed("A"),
        };
        assert!(table.push_sentence(&row).is_err());
    }
}
