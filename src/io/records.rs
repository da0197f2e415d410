//! Reading article records out of sources. Every record in the input becomes exactly one
//! `InputRecord`: an article, or an error naming the record and the reason.

use std::io::BufRead;

use serde::de::{self, DeserializeSeed, SeqAccess, Visitor};
use serde_json::{Map, Value};

use super::input::{open_file, open_stdin, read_all, sniff, InputFormat, InputSource};
use crate::doc::Article;

/// Names of the fields (JSON keys or CSV columns) that hold an article's parts.
#[derive(Debug, Clone)]
pub struct FieldNames {
    /// The field holding the record's id ("id").
    pub id: String,
    /// The field holding the article text ("text").
    pub text: String,
    /// The field holding the headline ("title"), optional in records.
    pub title: String,
}

impl Default for FieldNames {
    fn default() -> Self {
        FieldNames {
            id: "id".into(),
            text: "text".into(),
            title: "title".into(),
        }
    }
}

/// A record that could not become an article.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RecordError {
    /// The record's id when it could be read, else null.
    pub id: Option<String>,
    /// Why the record could not be read.
    pub error: String,
    /// Where the record is: `file:line` (JSONL, CSV), `file[index]` (JSON array), or `file`.
    pub source: String,
}

/// One record of the input, in input order: an article, or the error that replaces it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputRecord {
    /// Where the record is, as in [`RecordError::source`].
    pub source: String,
    /// The article, or why there is none.
    pub article: Result<Article, RecordError>,
}

/// Receives records; returns `false` to stop reading (the consumer has gone away).
pub type Emit<'a> = dyn FnMut(InputRecord) -> bool + 'a;

fn error_record(id: Option<String>, source: &str, error: impl Into<String>) -> InputRecord {
    InputRecord {
        source: source.to_string(),
        article: Err(RecordError {
            id,
            error: error.into(),
            source: source.to_string(),
        }),
    }
}

/// Reads every source in order. Returns `false` if the consumer stopped the reading.
pub fn read_sources(sources: &[InputSource], fields: &FieldNames, emit: &mut Emit) -> bool {
    for source in sources {
        if !read_source(source, fields, emit) {
            return false;
        }
    }
    true
}

/// `--shard K/N`: the records whose input index (0-based, counted over every input record
/// of every input, in the order read, error records included) is congruent to `K` mod `N`.
/// The N shards of one input partition its records, so N processes can read the same dump.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// This shard's number, `0 <= index < count`.
    pub index: u64,
    /// How many shards the input is split into.
    pub count: u64,
}

/// A `--shard` value that is not `K/N` with `0 <= K < N`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid shard '{value}': expected K/N with 0 <= K < N (e.g. 0/4)")]
pub struct ShardParseError {
    /// The value as given.
    pub value: String,
}

impl std::str::FromStr for Shard {
    type Err = ShardParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || ShardParseError {
            value: s.to_string(),
        };
        let (k, n) = s.split_once('/').ok_or_else(err)?;
        let index: u64 = k.trim().parse().map_err(|_| err())?;
        let count: u64 = n.trim().parse().map_err(|_| err())?;
        if count == 0 || index >= count {
            return Err(err());
        }
        Ok(Shard { index, count })
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl Shard {
    /// Whether the record with this input index belongs to the shard.
    pub fn selects(&self, input_index: u64) -> bool {
        input_index % self.count == self.index
    }
}

/// Reads every source in order and passes on only the records of `shard` (all records
/// when `None`). Returns `false` if the consumer stopped the reading. The resume scan and
/// the run itself both read through here, so they agree on which records exist.
pub fn read_selected(
    sources: &[InputSource],
    fields: &FieldNames,
    shard: Option<Shard>,
    emit: &mut Emit,
) -> bool {
    let Some(shard) = shard else {
        return read_sources(sources, fields, emit);
    };
    let mut index = 0u64;
    let mut selected = |record: InputRecord| {
        let keep = shard.selects(index);
        index += 1;
        !keep || emit(record)
    };
    read_sources(sources, fields, &mut selected)
}

fn read_source(source: &InputSource, fields: &FieldNames, emit: &mut Emit) -> bool {
    let name = source.name();
    let (mut reader, format) = match source {
        InputSource::Unreadable { reason, .. } => {
            return emit(error_record(Some(name.clone()), &name, reason.clone()))
        }
        InputSource::Stdin => (open_stdin(), InputFormat::Sniff),
        InputSource::File { path, format } => match open_file(path) {
            Ok(r) => (r, *format),
            Err(e) => {
                return emit(error_record(
                    Some(name.clone()),
                    &name,
                    format!("cannot open: {e}"),
                ))
            }
        },
    };
    let format = if format == InputFormat::Sniff {
        match sniff(reader.as_mut()) {
            Ok(f) => f,
            Err(e) => {
                return emit(error_record(
                    Some(name.clone()),
                    &name,
                    format!("cannot read: {e}"),
                ))
            }
        }
    } else {
        format
    };
    match format {
        InputFormat::Text | InputFormat::Sniff => read_text(reader.as_mut(), &name, emit),
        InputFormat::Jsonl => read_jsonl(reader.as_mut(), &name, fields, emit),
        InputFormat::JsonArray => read_json_array(reader, &name, fields, emit),
        InputFormat::Csv => read_csv(reader, &name, fields, emit),
    }
}

fn checked_text(text: String) -> Result<String, String> {
    if text.trim().is_empty() {
        Err("empty text".to_string())
    } else {
        Ok(text)
    }
}

fn read_text(reader: &mut dyn BufRead, name: &str, emit: &mut Emit) -> bool {
    let id = Some(name.to_string());
    let record = match read_all(reader) {
        Err(e) => error_record(id, name, format!("cannot read: {e}")),
        Ok(bytes) => match String::from_utf8(bytes) {
            Err(e) => error_record(
                id,
                name,
                format!("invalid UTF-8 at byte {}", e.utf8_error().valid_up_to()),
            ),
            Ok(text) => match checked_text(text) {
                Err(e) => error_record(id, name, e),
                Ok(text) => InputRecord {
                    source: name.to_string(),
                    article: Ok(Article {
                        id: name.to_string(),
                        title: None,
                        text,
                    }),
                },
            },
        },
    };
    emit(record)
}

/// Builds an article from a JSON object, or says why it cannot.
fn article_from_object(
    mut obj: Map<String, Value>,
    fields: &FieldNames,
    source: &str,
) -> InputRecord {
    let id = match obj.remove(&fields.id) {
        None | Some(Value::Null) => Ok(source.to_string()),
        Some(Value::String(s)) => Ok(s),
        Some(Value::Number(n)) => Ok(n.to_string()),
        Some(_) => Err(format!(
            "field '{}' must be a string or a number",
            fields.id
        )),
    };
    let id = match id {
        Ok(id) => id,
        Err(e) => return error_record(None, source, e),
    };
    let title = match obj.remove(&fields.title) {
        Some(Value::String(s)) => Some(s),
        Some(Value::Null) | None => None,
        Some(other) => Some(other.to_string()),
    };
    let text = match obj.remove(&fields.text) {
        Some(Value::String(s)) => checked_text(s),
        None => Err(format!("missing text field '{}'", fields.text)),
        Some(_) => Err(format!("field '{}' is not a string", fields.text)),
    };
    match text {
        Ok(text) => InputRecord {
            source: source.to_string(),
            article: Ok(Article { id, title, text }),
        },
        Err(e) => error_record(Some(id), source, e),
    }
}

fn article_from_value(value: Value, fields: &FieldNames, source: &str) -> InputRecord {
    match value {
        Value::Object(obj) => article_from_object(obj, fields, source),
        other => error_record(
            None,
            source,
            format!("expected a JSON object, found {}", json_kind(&other)),
        ),
    }
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn read_jsonl(reader: &mut dyn BufRead, name: &str, fields: &FieldNames, emit: &mut Emit) -> bool {
    let mut line = Vec::new();
    let mut line_no = 0usize;
    loop {
        line.clear();
        match reader.read_until(b'\n', &mut line) {
            Ok(0) => return true,
            Ok(_) => {}
            Err(e) => {
                let source = format!("{name}:{}", line_no + 1);
                return emit(error_record(
                    None,
                    &source,
                    format!("read error: {e}; the rest of the file is unread"),
                ));
            }
        }
        line_no += 1;
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let source = format!("{name}:{line_no}");
        let record = match std::str::from_utf8(&line) {
            Err(e) => error_record(
                None,
                &source,
                format!("invalid UTF-8 at byte {} of the line", e.valid_up_to()),
            ),
            Ok(text) => match serde_json::from_str::<Value>(text) {
                Ok(value) => article_from_value(value, fields, &source),
                Err(e) => error_record(None, &source, format!("malformed JSON: {e}")),
            },
        };
        if !emit(record) {
            return false;
        }
    }
}

/// Streams the elements of a top-level JSON array without holding the array in memory.
struct ElementStream<'a, 'e> {
    name: &'a str,
    fields: &'a FieldNames,
    emit: &'a mut Emit<'e>,
    count: usize,
    stopped: bool,
}

impl<'de> DeserializeSeed<'de> for &mut ElementStream<'_, '_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for &mut ElementStream<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON array of article objects, or one article object")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(value) = seq.next_element::<Value>()? {
            let source = format!("{}[{}]", self.name, self.count);
            self.count += 1;
            if !(self.emit)(article_from_value(value, self.fields, &source)) {
                self.stopped = true;
                // Drain the rest so the parser stays consistent.
                while seq.next_element::<de::IgnoredAny>()?.is_some() {}
                return Ok(());
            }
        }
        Ok(())
    }

    fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        let value = Value::Object(de::Deserialize::deserialize(
            de::value::MapAccessDeserializer::new(map),
        )?);
        let source = format!("{}[0]", self.name);
        self.count += 1;
        self.stopped = !(self.emit)(article_from_value(value, self.fields, &source));
        Ok(())
    }
}

fn read_json_array(
    reader: Box<dyn BufRead + Send>,
    name: &str,
    fields: &FieldNames,
    emit: &mut Emit,
) -> bool {
    let mut stream = ElementStream {
        name,
        fields,
        emit,
        count: 0,
        stopped: false,
    };
    let mut de = serde_json::Deserializer::from_reader(reader);
    let result = (&mut stream).deserialize(&mut de).and_then(|()| de.end());
    if stream.stopped {
        return false;
    }
    match result {
        Ok(()) => true,
        Err(e) => {
            let source = format!("{name}[{}]", stream.count);
            (stream.emit)(error_record(
                None,
                &source,
                format!("malformed JSON: {e}; the rest of the file is unread"),
            ))
        }
    }
}

fn read_csv(
    reader: Box<dyn BufRead + Send>,
    name: &str,
    fields: &FieldNames,
    emit: &mut Emit,
) -> bool {
    let mut csv = csv::ReaderBuilder::new().flexible(true).from_reader(reader);
    let headers = match csv.byte_headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            return emit(error_record(
                None,
                &format!("{name}:1"),
                format!("cannot read CSV header: {e}"),
            ))
        }
    };
    let column = |field: &str| headers.iter().position(|h| h == field.as_bytes());
    let (id_col, text_col, title_col) = (
        column(&fields.id),
        column(&fields.text),
        column(&fields.title),
    );
    let header_names = || {
        headers
            .iter()
            .map(|h| String::from_utf8_lossy(h).into_owned())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut row = csv::ByteRecord::new();
    loop {
        let line = csv.position().line();
        let source = format!("{name}:{line}");
        match csv.read_byte_record(&mut row) {
            Ok(false) => return true,
            Ok(true) => {}
            Err(e) => {
                let stop_here = matches!(e.kind(), csv::ErrorKind::Io(_));
                if !emit(error_record(None, &source, format!("malformed CSV: {e}"))) || stop_here {
                    return !stop_here;
                }
                continue;
            }
        }
        let source = format!("{name}:{}", row.position().map_or(line, |p| p.line()));
        let cell =
            |col: Option<usize>| col.and_then(|c| row.get(c)).map(|b| std::str::from_utf8(b));
        let id = match cell(id_col) {
            Some(Ok(s)) if !s.is_empty() => s.to_string(),
            Some(Err(_)) => {
                if !emit(error_record(
                    None,
                    &source,
                    "invalid UTF-8 in the id column",
                )) {
                    return false;
                }
                continue;
            }
            _ => source.clone(),
        };
        let record = match cell(text_col) {
            None if text_col.is_none() => error_record(
                Some(id),
                &source,
                format!(
                    "missing text field '{}' (CSV columns: {})",
                    fields.text,
                    header_names()
                ),
            ),
            None => error_record(
                Some(id),
                &source,
                format!("row has no '{}' cell", fields.text),
            ),
            Some(Err(_)) => error_record(Some(id), &source, "invalid UTF-8 in the text column"),
            Some(Ok(text)) => match checked_text(text.to_string()) {
                Err(e) => error_record(Some(id), &source, e),
                Ok(text) => {
                    let title = match cell(title_col) {
                        Some(Ok(t)) if !t.is_empty() => Some(t.to_string()),
                        _ => None,
                    };
                    InputRecord {
                        source: source.clone(),
                        article: Ok(Article { id, title, text }),
                    }
                }
            },
        };
        if !emit(record) {
            return false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    #[test]
    fn shards_parse_and_partition_indices() {
        let s: Shard = "1/3".parse().unwrap();
        assert_eq!(s, Shard { index: 1, count: 3 });
        assert_eq!(s.to_string(), "1/3");
        assert!(s.selects(1) && s.selects(4) && !s.selects(0) && !s.selects(5));
        for bad in ["3/3", "1/0", "1", "a/2", "-1/2", "1/2/3"] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
        // Every index lands in exactly one shard.
        let shards: Vec<Shard> = (0..4).map(|k| Shard { index: k, count: 4 }).collect();
        for i in 0..100 {
            assert_eq!(shards.iter().filter(|s| s.selects(i)).count(), 1);
        }
    }

    fn collect(format: InputFormat, input: &str) -> Vec<InputRecord> {
        let mut out = Vec::new();
        let fields = FieldNames::default();
        let mut emit = |r: InputRecord| {
            out.push(r);
            true
        };
        let reader: Box<dyn BufRead + Send> = Box::new(Cursor::new(input.as_bytes().to_vec()));
        match format {
            InputFormat::Jsonl => {
                let mut reader = reader;
                read_jsonl(reader.as_mut(), "in", &fields, &mut emit);
            }
            InputFormat::JsonArray => {
                read_json_array(reader, "in", &fields, &mut emit);
            }
            InputFormat::Csv => {
                read_csv(reader, "in", &fields, &mut emit);
            }
            _ => unreachable!(),
        }
        out
    }

    #[test]
    fn jsonl_yields_one_record_per_non_blank_line() {
        let recs = collect(
            InputFormat::Jsonl,
            "{\"id\":1,\"text\":\"A.\"}\n\n{bad\n{\"id\":\"x\"}\n{\"text\":\"  \"}\n[1]\n",
        );
        assert_eq!(recs.len(), 5);
        assert_eq!(recs[0].article.as_ref().unwrap().id, "1");
        let errs: Vec<String> = recs[1..]
            .iter()
            .map(|r| r.article.as_ref().unwrap_err().error.clone())
            .collect();
        assert!(errs[0].starts_with("malformed JSON"), "{errs:?}");
        assert_eq!(errs[1], "missing text field 'text'");
        assert_eq!(errs[2], "empty text");
        assert!(errs[3].contains("expected a JSON object"));
        assert_eq!(recs[2].source, "in:4");
    }

    #[test]
    fn json_array_streams_elements() {
        let recs = collect(
            InputFormat::JsonArray,
            "[{\"id\":\"a\",\"text\":\"x\"}, {\"text\":\"y\"}]",
        );
        assert_eq!(recs.len(), 2);
        assert_eq!(recs[1].article.as_ref().unwrap().id, "in[1]");
        let broken = collect(
            InputFormat::JsonArray,
            "[{\"id\":\"a\",\"text\":\"x\"}, {\"te",
        );
        assert_eq!(broken.len(), 2);
        assert!(broken[1].article.is_err());
    }

    #[test]
    fn csv_rows_become_articles_or_errors() {
        let recs = collect(
            InputFormat::Csv,
            "id,title,text\n7,T,\"Hello, world.\"\n8,U,\n",
        );
        assert_eq!(recs.len(), 2);
        let a = recs[0].article.as_ref().unwrap();
        assert_eq!(
            (a.id.as_str(), a.title.as_deref(), a.text.as_str()),
            ("7", Some("T"), "Hello, world.")
        );
        assert_eq!(recs[1].article.as_ref().unwrap_err().error, "empty text");
        let missing = collect(InputFormat::Csv, "id,body\n1,x\n");
        assert!(missing[0]
            .article
            .as_ref()
            .unwrap_err()
            .error
            .contains("CSV columns: id, body"));
    }
}
