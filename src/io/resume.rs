//! `--resume`: continue a run that was killed, so that the output ends byte for byte as an
//! uninterrupted run's would.
//!
//! The scan reads what the output (and the errors file) already hold, drops a torn last
//! line, and walks the input records (the same selection: same inputs, same `--shard`)
//! beside them, checking that they match in order:
//!
//! - an **article record** matches the next input record when its `id` equals that
//!   record's id (CSV: a run of rows with the same `article_id`, whose row index restarts
//!   at 0 for each article);
//! - an **error record** matches the next input record when its `source` (`file:line`,
//!   `file[index]` or `file`) equals that record's source.
//!
//! Error records are looked for first in the errors file (when `--errors` is given),
//! then article and error records in the output. Anything that does not match is a
//! divergence, reported with the line of the output and the input record where it is.
//!
//! Where the run continues (`skip` input records done):
//! - JSONL: after the longest prefix of input records that the output and errors file
//!   account for, in order.
//! - CSV: an article without rows leaves no trace, and the rows of the last article may
//!   be incomplete, so the rows of the last article in the output are dropped and the
//!   run continues at that article (records between are processed again; they wrote
//!   nothing before either).
//!
//! The output is truncated after its last record kept, the errors file after its last
//! error record before `skip`; error records beyond it are checked against later input
//! records (they were written ahead of the output, which is allowed: the errors file is
//! flushed at every error record, so it is never behind) and then written again.
//! `--format json` (one array) cannot be resumed.

use std::fs::File;
use std::io::{self, BufRead, BufReader};
use std::path::{Path, PathBuf};

use super::input::InputSource;
use super::records::{read_selected, FieldNames, InputRecord, Shard};
use super::writers::{CsvTable, OutputFormat, Renderer};

/// Why a run cannot be resumed.
#[derive(Debug, thiserror::Error)]
pub enum ResumeError {
    /// The output format cannot be appended to.
    #[error("{0}")]
    Unsupported(String),
    /// A file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: io::Error,
    },
    /// The existing files do not continue this input.
    #[error("cannot resume: {0}")]
    Diverged(String),
}

/// Where to continue, and what the existing files already hold.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ResumePoint {
    /// Selected input records already done: the run skips them.
    pub skip: usize,
    /// Truncate the output to this many bytes, then append.
    pub output_len: u64,
    /// Truncate the errors file to this many bytes (when `--errors` is given).
    pub errors_len: u64,
    /// The output has no complete header yet (CSV): the run writes it.
    pub write_header: bool,
    /// Error records kept in the output and errors file (they count for the exit code).
    pub errors_kept: usize,
}

/// One record found in an existing file.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Found {
    Article { id: String },
    Error { source: String },
}

impl std::fmt::Display for Found {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        match self {
            Found::Article { id } => write!(f, "the article with id {id:?}"),
            Found::Error { source } => write!(f, "the error record of {source}"),
        }
    }
}

#[derive(Debug)]
struct Item {
    found: Found,
    /// 1-based line of the file where the record starts.
    line: u64,
    /// Byte offset just after the record (where the next one starts).
    end: u64,
}

fn io_error(path: &Path) -> impl FnOnce(io::Error) -> ResumeError + '_ {
    move |source| ResumeError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// The length of a file up to and including its last newline: what follows is a torn
/// line, cut by the kill.
fn complete_lines(path: &Path) -> io::Result<u64> {
    use std::io::{Read, Seek, SeekFrom};
    let mut file = File::open(path)?;
    let mut end = file.metadata()?.len();
    let mut buf = vec![0u8; 64 * 1024];
    while end > 0 {
        let start = end.saturating_sub(buf.len() as u64);
        let chunk = &mut buf[..(end - start) as usize];
        file.seek(SeekFrom::Start(start))?;
        file.read_exact(chunk)?;
        if let Some(i) = chunk.iter().rposition(|&b| b == b'\n') {
            return Ok(start + i as u64 + 1);
        }
        end = start;
    }
    Ok(0)
}

/// Opens the complete lines of a file; a missing file is empty.
fn open_complete(path: &Path) -> Result<Option<io::Take<BufReader<File>>>, ResumeError> {
    let len = match complete_lines(path) {
        Ok(len) => len,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io_error(path)(e)),
    };
    let file = File::open(path).map_err(io_error(path))?;
    Ok(Some(io::Read::take(
        BufReader::with_capacity(256 * 1024, file),
        len,
    )))
}

/// The records of a JSONL output or errors file, one per complete line, read lazily.
struct JsonlItems {
    path: PathBuf,
    reader: Option<io::Take<BufReader<File>>>,
    line: u64,
    offset: u64,
    peeked: Option<Item>,
    /// Where the records not yet taken begin.
    taken_end: u64,
    buf: Vec<u8>,
}

/// The fields of a record that identify it; the rest is skipped unparsed.
#[derive(serde::Deserialize)]
struct RecordHead {
    id: Option<String>,
    error: Option<serde::de::IgnoredAny>,
    source: Option<String>,
}

impl JsonlItems {
    fn open(path: &Path) -> Result<Self, ResumeError> {
        Ok(JsonlItems {
            path: path.to_path_buf(),
            reader: open_complete(path)?,
            line: 0,
            offset: 0,
            peeked: None,
            taken_end: 0,
            buf: Vec::new(),
        })
    }

    fn read_next(&mut self) -> Result<Option<Item>, ResumeError> {
        let Some(reader) = &mut self.reader else {
            return Ok(None);
        };
        loop {
            self.buf.clear();
            let n = reader
                .read_until(b'\n', &mut self.buf)
                .map_err(io_error(&self.path))?;
            if n == 0 {
                return Ok(None);
            }
            self.line += 1;
            self.offset += n as u64;
            if self.buf.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let diverged = |what: String| {
                ResumeError::Diverged(format!("{}:{}: {what}", self.path.display(), self.line))
            };
            let head: RecordHead = serde_json::from_slice(&self.buf)
                .map_err(|e| diverged(format!("not a quotex JSONL record ({e})")))?;
            let found = match (head.error, head.source, head.id) {
                (Some(_), Some(source), _) => Found::Error { source },
                (None, _, Some(id)) => Found::Article { id },
                _ => return Err(diverged("a record without an id or an error source".into())),
            };
            return Ok(Some(Item {
                found,
                line: self.line,
                end: self.offset,
            }));
        }
    }

    fn peek(&mut self) -> Result<Option<&Item>, ResumeError> {
        if self.peeked.is_none() {
            self.peeked = self.read_next()?;
        }
        Ok(self.peeked.as_ref())
    }

    fn take(&mut self) -> Result<Option<Item>, ResumeError> {
        self.peek()?;
        let item = self.peeked.take();
        if let Some(item) = &item {
            self.taken_end = item.end;
        }
        Ok(item)
    }

    /// Whether the next record is the error record of `source`.
    fn error_of(&mut self, source: &str) -> Result<bool, ResumeError> {
        Ok(
            matches!(self.peek()?, Some(Item { found: Found::Error { source: s }, .. }) if s == source),
        )
    }
}

/// The articles of a CSV table, read lazily: runs of rows with one `article_id`, a new
/// run starting where the id changes or the row index (the first `*_index` column) is 0.
/// The last run is never returned (its rows may be incomplete); `held_back` is where it
/// begins once the file is read to its end.
struct CsvItems {
    path: PathBuf,
    reader: Option<csv::Reader<io::Take<BufReader<File>>>>,
    columns: (usize, usize),
    row: csv::ByteRecord,
    /// The article whose first row has been read: (id, line, start).
    open: Option<(String, u64, u64)>,
    peeked: Option<Item>,
    /// End of a complete header row, if there is one.
    header_end: Option<u64>,
    held_back: Option<u64>,
}

impl CsvItems {
    fn open(path: &Path, header: &[&str]) -> Result<Self, ResumeError> {
        let (Some(id_col), Some(index_col)) = (
            header.iter().position(|h| *h == "article_id"),
            header.iter().position(|h| h.ends_with("_index")),
        ) else {
            return Err(ResumeError::Unsupported(
                "this table has no article_id and row index columns: it cannot be resumed".into(),
            ));
        };
        let mut items = CsvItems {
            path: path.to_path_buf(),
            reader: None,
            columns: (id_col, index_col),
            row: csv::ByteRecord::new(),
            open: None,
            peeked: None,
            header_end: None,
            held_back: None,
        };
        let Some(reader) = open_complete(path)? else {
            return Ok(items);
        };
        let mut csv = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(reader);
        match csv.read_byte_record(&mut items.row) {
            Ok(true) => {}
            Ok(false) => return Ok(items),
            Err(e) => return Err(items.diverged(1, format!("malformed CSV header: {e}"))),
        }
        if !items.row.iter().eq(header.iter().map(|h| h.as_bytes())) {
            return Err(items.diverged(
                1,
                format!(
                    "the header is not the one of this table ({})",
                    header.join(",")
                ),
            ));
        }
        items.header_end = Some(csv.position().byte());
        items.reader = Some(csv);
        Ok(items)
    }

    fn diverged(&self, line: u64, what: String) -> ResumeError {
        ResumeError::Diverged(format!("{}:{line}: {what}", self.path.display()))
    }

    /// The next complete article, or `None` at the end (then `held_back` is set).
    fn read_next(&mut self) -> Result<Option<Item>, ResumeError> {
        let Some(csv) = &mut self.reader else {
            return Ok(None);
        };
        loop {
            let start = csv.position().clone();
            match csv.read_byte_record(&mut self.row) {
                Ok(true) => {}
                Ok(false) => {
                    self.held_back = Some(self.open.take().map_or(start.byte(), |o| o.2));
                    self.reader = None;
                    return Ok(None);
                }
                Err(e) => {
                    let line = start.line();
                    return Err(self.diverged(line, format!("malformed CSV row: {e}")));
                }
            }
            let id = self.row.get(self.columns.0).unwrap_or_default();
            let first_row = self.row.get(self.columns.1) == Some(b"0".as_slice());
            let continues = self
                .open
                .as_ref()
                .is_some_and(|(open, _, _)| open.as_bytes() == id);
            if continues && !first_row {
                continue;
            }
            let next = (
                String::from_utf8_lossy(id).into_owned(),
                start.line(),
                start.byte(),
            );
            if let Some((id, line, _)) = self.open.replace(next) {
                return Ok(Some(Item {
                    found: Found::Article { id },
                    line,
                    end: start.byte(),
                }));
            }
        }
    }
}

/// The output's records: JSONL lines or CSV articles.
enum Output {
    Jsonl(JsonlItems),
    Csv(CsvItems),
}

impl Output {
    fn path(&self) -> &Path {
        match self {
            Output::Jsonl(j) => &j.path,
            Output::Csv(c) => &c.path,
        }
    }

    fn peek(&mut self) -> Result<Option<&Item>, ResumeError> {
        match self {
            Output::Jsonl(j) => j.peek(),
            Output::Csv(c) => {
                if c.peeked.is_none() {
                    c.peeked = c.read_next()?;
                }
                Ok(c.peeked.as_ref())
            }
        }
    }

    fn take(&mut self) -> Result<Option<Item>, ResumeError> {
        self.peek()?;
        Ok(match self {
            Output::Jsonl(j) => j.take()?,
            Output::Csv(c) => c.peeked.take(),
        })
    }
}

fn describe(record: &InputRecord) -> String {
    match &record.article {
        Ok(a) => format!("input record {} (id {:?})", record.source, a.id),
        Err(_) => format!(
            "input record {} (unreadable: an error record)",
            record.source
        ),
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Phase {
    /// Matching input records against the output.
    Match,
    /// The output is used up: checking error records written ahead of it.
    Ahead,
}

/// The state of the walk over the input records.
struct Walk {
    output: Output,
    errors: Option<JsonlItems>,
    point: ResumePoint,
    /// Input records seen.
    index: usize,
    /// Error records taken from the output.
    errors_in_output: usize,
    /// Error records taken from the errors file, in all and up to `point.skip`.
    errors_in_file: usize,
    errors_in_file_at_point: usize,
    phase: Phase,
}

impl Walk {
    fn csv(&self) -> bool {
        matches!(self.output, Output::Csv(_))
    }

    /// Takes the error record of `record` from the errors file, if it is the next one.
    fn take_error(&mut self, record: &InputRecord) -> Result<bool, ResumeError> {
        let Some(errors) = &mut self.errors else {
            return Ok(false);
        };
        if !errors.error_of(&record.source)? {
            return Ok(false);
        }
        errors.take()?;
        self.errors_in_file += 1;
        Ok(true)
    }

    /// The input records up to `index` are all accounted for.
    fn done_up_to_here(&mut self) {
        self.point.skip = self.index;
        self.errors_in_file_at_point = self.errors_in_file;
        if let Some(errors) = &self.errors {
            self.point.errors_len = errors.taken_end;
        }
    }

    /// Looks at the next input record; `Ok(false)` when nothing more needs reading.
    fn step(&mut self, record: &InputRecord) -> Result<bool, ResumeError> {
        self.index += 1;
        if self.phase == Phase::Match && self.output.peek()?.is_none() {
            self.phase = Phase::Ahead;
        }
        if self.phase == Phase::Ahead {
            // Error records written ahead of the output must be later input records',
            // in order; in JSONL those right after the prefix extend it.
            let contiguous = self.point.skip + 1 == self.index;
            if self.take_error(record)? && contiguous && !self.csv() {
                self.done_up_to_here();
            }
            return Ok(match &mut self.errors {
                Some(errors) => errors.peek()?.is_some(),
                None => false,
            });
        }
        if self.take_error(record)? {
            if !self.csv() {
                self.done_up_to_here();
            }
            return Ok(true);
        }
        let has_errors_file = self.errors.is_some();
        let csv = self.csv();
        let path = self.output.path().to_path_buf();
        let Some(item) = self.output.peek()? else {
            return Ok(true);
        };
        let matches = match (&item.found, &record.article) {
            (Found::Article { id }, Ok(article)) => *id == article.id,
            (Found::Error { source }, _) => !has_errors_file && *source == record.source,
            _ => false,
        };
        if matches {
            if let Some(item) = self.output.take()? {
                if matches!(item.found, Found::Error { .. }) {
                    self.errors_in_output += 1;
                }
                self.point.output_len = item.end;
            }
            self.done_up_to_here();
            return Ok(true);
        }
        if csv {
            // An article without rows, or an error record that went to stderr.
            return Ok(true);
        }
        let hint = if matches!(item.found, Found::Error { .. }) && has_errors_file {
            " (the output holds error records: the run being resumed had no --errors)"
        } else {
            ""
        };
        Err(ResumeError::Diverged(format!(
            "{}:{}: found {}, but the next is {}{hint}",
            path.display(),
            item.line,
            item.found,
            describe(record)
        )))
    }
}

/// Reads the existing output (and errors file) and finds where the run continues. The
/// input is read up to that point (and further only to check error records written
/// ahead of the output); nothing is annotated.
pub fn scan(
    sources: &[InputSource],
    fields: &FieldNames,
    shard: Option<Shard>,
    renderer: &Renderer,
    output: &Path,
    errors: Option<&Path>,
) -> Result<ResumePoint, ResumeError> {
    if sources.contains(&InputSource::Stdin) {
        return Err(ResumeError::Unsupported(
            "--resume reads the input twice (to check the output, then to continue), so it \
             needs files, not stdin"
                .into(),
        ));
    }
    if renderer.format == OutputFormat::Parquet || renderer.table == CsvTable::Speakers {
        return Err(ResumeError::Unsupported(
            "--format parquet and --table speakers are written whole at the end of a run: \
             they cannot be resumed (rerun them, or resume a jsonl/csv run and convert)"
                .into(),
        ));
    }
    let output = match renderer.format {
        OutputFormat::Jsonl => Output::Jsonl(JsonlItems::open(output)?),
        OutputFormat::Csv => Output::Csv(CsvItems::open(output, renderer.csv_header())?),
        // Parquet is refused above.
        OutputFormat::Conllu => {
            return Err(ResumeError::Unsupported(
                "--format conllu cannot be resumed (rerun it, or resume a jsonl run with \
                 --tokens and convert)"
                    .into(),
            ))
        }
        OutputFormat::Json | OutputFormat::Parquet => {
            return Err(ResumeError::Unsupported(
                "--format json writes one array, which a killed run leaves unclosed: it \
                 cannot be resumed (use --format jsonl)"
                    .into(),
            ))
        }
    };
    let mut point = ResumePoint::default();
    if let Output::Csv(csv) = &output {
        // Without articles kept, the header (if whole) stays and the rows go.
        point.write_header = csv.header_end.is_none();
        point.output_len = csv.header_end.unwrap_or(0);
    }
    let mut walk = Walk {
        output,
        errors: errors.map(JsonlItems::open).transpose()?,
        point,
        index: 0,
        errors_in_output: 0,
        errors_in_file: 0,
        errors_in_file_at_point: 0,
        phase: Phase::Match,
    };
    let mut failure = None;
    let mut emit = |record: InputRecord| match walk.step(&record) {
        Ok(more) => more,
        Err(e) => {
            failure = Some(e);
            false
        }
    };
    read_selected(sources, fields, shard, &mut emit);
    if let Some(e) = failure {
        return Err(e);
    }
    // The input has ended: whatever is left in the files matches no input record.
    let path = walk.output.path().to_path_buf();
    if let Some(item) = walk.output.peek()? {
        return Err(ResumeError::Diverged(format!(
            "{}:{}: {} matches no input record after the first {} (are these the inputs \
             and flags of the run being resumed?)",
            path.display(),
            item.line,
            item.found,
            walk.point.skip
        )));
    }
    if let Some(errors) = &mut walk.errors {
        let path = errors.path.clone();
        if let Some(item) = errors.peek()? {
            return Err(ResumeError::Diverged(format!(
                "{}:{}: {} matches no input record after the first {}",
                path.display(),
                item.line,
                item.found,
                walk.point.skip
            )));
        }
    }
    let mut point = walk.point;
    point.errors_kept = walk.errors_in_output + walk.errors_in_file_at_point;
    Ok(point)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::writers::CsvTable;
    use crate::io::InputFormat;
    use crate::offsets::OffsetUnit;

    struct Case {
        dir: tempfile::TempDir,
        sources: Vec<InputSource>,
    }

    /// An input whose records are articles with the given ids, or malformed lines for `!`.
    fn input(ids: &[&str]) -> Case {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("in.jsonl");
        let lines: String = ids
            .iter()
            .map(|id| match *id {
                "!" => "{broken\n".to_string(),
                id => format!("{{\"id\":\"{id}\",\"text\":\"Words.\"}}\n"),
            })
            .collect();
        std::fs::write(&path, lines).unwrap();
        let sources = vec![InputSource::File {
            path,
            format: InputFormat::Jsonl,
        }];
        Case { dir, sources }
    }

    impl Case {
        fn source(&self, line: usize) -> String {
            format!("{}:{line}", self.dir.path().join("in.jsonl").display())
        }

        fn write(&self, name: &str, text: &str) -> PathBuf {
            let path = self.dir.path().join(name);
            std::fs::write(&path, text).unwrap();
            path
        }

        fn error_line(&self, line: usize) -> String {
            format!(
                "{{\"id\":null,\"error\":\"malformed JSON\",\"source\":\"{}\"}}\n",
                self.source(line)
            )
        }

        fn scan(
            &self,
            format: OutputFormat,
            out: &Path,
            errors: Option<&Path>,
        ) -> Result<ResumePoint, ResumeError> {
            let renderer = Renderer {
                format,
                table: CsvTable::Quotes,
                offsets: OffsetUnit::Chars,
                tokens: false,
            };
            scan(
                &self.sources,
                &FieldNames::default(),
                None,
                &renderer,
                out,
                errors,
            )
        }
    }

    fn article(id: &str) -> String {
        format!("{{\"id\":\"{id}\",\"title\":null,\"sentences\":[],\"quotes\":[]}}\n")
    }

    #[test]
    fn jsonl_keeps_complete_lines_and_drops_a_torn_one() {
        let case = input(&["a", "b", "c", "d"]);
        let kept = format!("{}{}", article("a"), article("b"));
        let out = case.write("out.jsonl", &format!("{kept}{{\"id\":\"c\",\"ti"));
        let point = case.scan(OutputFormat::Jsonl, &out, None).unwrap();
        assert_eq!(point.skip, 2);
        assert_eq!(point.output_len, kept.len() as u64);
        assert!(!point.write_header);
        // A missing output is an empty one.
        let none = case.dir.path().join("none.jsonl");
        assert_eq!(
            case.scan(OutputFormat::Jsonl, &none, None).unwrap(),
            ResumePoint::default()
        );
    }

    #[test]
    fn jsonl_error_records_in_the_output_match_by_source() {
        let case = input(&["a", "!", "c", "d"]);
        let text = format!("{}{}{}", article("a"), case.error_line(2), article("c"));
        let out = case.write("out.jsonl", &text);
        let point = case.scan(OutputFormat::Jsonl, &out, None).unwrap();
        assert_eq!((point.skip, point.errors_kept), (3, 1));
        assert_eq!(point.output_len, text.len() as u64);
    }

    #[test]
    fn a_different_output_is_a_divergence_naming_the_line() {
        let case = input(&["a", "b", "c"]);
        let out = case.write("out.jsonl", &format!("{}{}", article("a"), article("x")));
        let err = case
            .scan(OutputFormat::Jsonl, &out, None)
            .unwrap_err()
            .to_string();
        assert!(err.contains("out.jsonl:2"), "{err}");
        assert!(err.contains("\"x\"") && err.contains("\"b\""), "{err}");
        // More records than the input has.
        let out = case.write("long.jsonl", &["a", "b", "c", "d"].map(article).concat());
        let err = case
            .scan(OutputFormat::Jsonl, &out, None)
            .unwrap_err()
            .to_string();
        assert!(err.contains("long.jsonl:4"), "{err}");
        // Not records at all.
        let out = case.write("junk.jsonl", "hello\n");
        assert!(matches!(
            case.scan(OutputFormat::Jsonl, &out, None),
            Err(ResumeError::Diverged(_))
        ));
    }

    #[test]
    fn errors_file_ahead_of_the_output_is_checked_and_cut_back() {
        let case = input(&["a", "!", "c", "!", "e"]);
        let out = case.write("out.jsonl", &article("a"));
        let first_error = case.error_line(2);
        let errors = case.write(
            "errors.jsonl",
            &format!("{first_error}{}", case.error_line(4)),
        );
        let point = case.scan(OutputFormat::Jsonl, &out, Some(&errors)).unwrap();
        // a (output) and the error of line 2 are a prefix; line 4's error is ahead of
        // c, which is not written yet, so it is written again.
        assert_eq!(point.skip, 2);
        assert_eq!(point.errors_len, first_error.len() as u64);
        assert_eq!(point.errors_kept, 1);
        // An error record of no input record is a divergence.
        let stale = case.write(
            "stale.jsonl",
            &format!(
                "{}{{\"id\":null,\"error\":\"x\",\"source\":\"other:9\"}}\n",
                case.error_line(2)
            ),
        );
        let err = case
            .scan(OutputFormat::Jsonl, &out, Some(&stale))
            .unwrap_err()
            .to_string();
        assert!(err.contains("stale.jsonl:2"), "{err}");
        // Error records in the output when an errors file is given: another run's.
        let mixed = case.write(
            "mixed.jsonl",
            &format!("{}{}", article("a"), case.error_line(2)),
        );
        let empty = case.write("empty.jsonl", "");
        let err = case
            .scan(OutputFormat::Jsonl, &mixed, Some(&empty))
            .unwrap_err()
            .to_string();
        assert!(err.contains("had no --errors"), "{err}");
    }

    const HEADER: &str = "article_id,quote_index,quote_id,kind,text,speaker_id,speaker,speaker_role,cue,start,end,sentence_index,confidence,method\n";

    fn row(id: &str, index: usize) -> String {
        format!("{id},{index},0123456789abcdef,direct,\"\"\"Hi,\"\" she said\nagain\",,,,,0,5,0,0.9,split\n")
    }

    #[test]
    fn csv_drops_the_last_article_and_skips_articles_without_rows() {
        let case = input(&["a", "b", "c", "d", "e"]);
        let kept = format!("{HEADER}{}{}{}", row("a", 0), row("a", 1), row("c", 0));
        let text = format!("{kept}{}{}", row("e", 0), &row("e", 1)[..20]);
        let out = case.write("out.csv", &text);
        let point = case.scan(OutputFormat::Csv, &out, None).unwrap();
        // a and c are whole; b has no rows; e may be incomplete: the run goes on at d.
        assert_eq!(point.skip, 3);
        assert_eq!(point.output_len, kept.len() as u64);
        assert!(!point.write_header);
        // Two articles with one id in a row are told apart by the index restarting.
        let case = input(&["a", "a", "b"]);
        let kept = format!("{HEADER}{}{}", row("a", 0), row("a", 0));
        let out = case.write("twice.csv", &format!("{kept}{}", row("b", 0)));
        let point = case.scan(OutputFormat::Csv, &out, None).unwrap();
        assert_eq!((point.skip, point.output_len), (2, kept.len() as u64));
    }

    #[test]
    fn csv_header_is_written_once_and_checked() {
        let case = input(&["a", "b"]);
        let torn = case.write("torn.csv", &HEADER[..30]);
        let point = case.scan(OutputFormat::Csv, &torn, None).unwrap();
        assert!(point.write_header);
        assert_eq!((point.skip, point.output_len), (0, 0));
        let header_only = case.write("header.csv", &format!("{HEADER}{}", row("a", 0)));
        let point = case.scan(OutputFormat::Csv, &header_only, None).unwrap();
        assert!(!point.write_header);
        assert_eq!((point.skip, point.output_len), (0, HEADER.len() as u64));
        let other = case.write("other.csv", "article_id,entity_index,label\n");
        let err = case
            .scan(OutputFormat::Csv, &other, None)
            .unwrap_err()
            .to_string();
        assert!(err.contains("header"), "{err}");
    }

    #[test]
    fn json_arrays_and_stdin_cannot_be_resumed() {
        let case = input(&["a"]);
        let out = case.write("out.json", "[\n");
        let err = case.scan(OutputFormat::Json, &out, None).unwrap_err();
        assert!(matches!(err, ResumeError::Unsupported(_)));
        assert!(err.to_string().contains("--format json"));
        let renderer = Renderer {
            format: OutputFormat::Jsonl,
            table: CsvTable::Quotes,
            offsets: OffsetUnit::Chars,
            tokens: false,
        };
        let err = scan(
            &[InputSource::Stdin],
            &FieldNames::default(),
            None,
            &renderer,
            &out,
            None,
        )
        .unwrap_err();
        assert!(err.to_string().contains("stdin"));
    }
}
