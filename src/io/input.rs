//! Input discovery: files, directories (recursive), stdin; formats by extension;
//! transparent `.gz` / `.zst` decompression.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

/// Article container formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputFormat {
    /// One article per file; the id is the path.
    Text,
    /// One JSON object per line.
    Jsonl,
    /// A JSON array of objects (or a single object).
    JsonArray,
    /// A header row, then one article per row.
    Csv,
    /// Decided from the first non-blank byte: `{` JSONL, `[` JSON array, else text.
    Sniff,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Compression {
    None,
    Gzip,
    Zstd,
}

/// One readable stream of articles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputSource {
    /// Standard input (format sniffed).
    Stdin,
    /// A file (or a member found under a directory), with its format.
    File {
        /// The file's path.
        path: PathBuf,
        /// Its format, from the extension (or sniffed).
        format: InputFormat,
    },
    /// A path that could not be listed or read; becomes an error record.
    Unreadable {
        /// The path given.
        path: PathBuf,
        /// Why it could not be listed or read.
        reason: String,
    },
}

impl InputSource {
    /// The name used in error records' `source` and as the id of text articles.
    pub fn name(&self) -> String {
        match self {
            InputSource::Stdin => "stdin".to_string(),
            InputSource::File { path, .. } | InputSource::Unreadable { path, .. } => {
                path.display().to_string()
            }
        }
    }
}

fn split_compression(path: &Path) -> (Compression, String) {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    if let Some(stem) = name.strip_suffix(".gz") {
        (Compression::Gzip, stem.to_string())
    } else if let Some(stem) = name.strip_suffix(".zst") {
        (Compression::Zstd, stem.to_string())
    } else {
        (Compression::None, name)
    }
}

/// The format an extension implies; `None` for unknown extensions.
pub(crate) fn format_of(path: &Path) -> Option<InputFormat> {
    let (_, name) = split_compression(path);
    let ext = name.rsplit_once('.').map(|(_, e)| e)?;
    match ext {
        "txt" | "text" => Some(InputFormat::Text),
        "jsonl" | "ndjson" => Some(InputFormat::Jsonl),
        "json" => Some(InputFormat::JsonArray),
        "csv" => Some(InputFormat::Csv),
        _ => None,
    }
}

/// Expands the command-line inputs into sources, in order. A directory contributes its
/// files with known extensions, recursively, sorted by path; a file named explicitly with
/// an unknown extension is sniffed. No inputs, or `-`, means stdin.
pub fn expand_inputs(inputs: &[PathBuf]) -> Vec<InputSource> {
    if inputs.is_empty() {
        return vec![InputSource::Stdin];
    }
    let mut out = Vec::new();
    for input in inputs {
        if input.as_os_str() == "-" {
            out.push(InputSource::Stdin);
        } else if input.is_dir() {
            let walker = walkdir::WalkDir::new(input).sort_by_file_name();
            for entry in walker {
                match entry {
                    Ok(e) if e.file_type().is_file() => {
                        if let Some(format) = format_of(e.path()) {
                            out.push(InputSource::File {
                                path: e.into_path(),
                                format,
                            });
                        }
                    }
                    Ok(_) => {}
                    Err(err) => out.push(InputSource::Unreadable {
                        path: err.path().unwrap_or(input).to_path_buf(),
                        reason: format!("cannot list directory entry: {err}"),
                    }),
                }
            }
        } else {
            let format = format_of(input).unwrap_or(InputFormat::Sniff);
            out.push(InputSource::File {
                path: input.clone(),
                format,
            });
        }
    }
    out
}

/// Opens a file for buffered reading, decompressing by extension.
pub(crate) fn open_file(path: &Path) -> io::Result<Box<dyn BufRead + Send>> {
    let file = File::open(path)?;
    const BUF: usize = 256 * 1024;
    Ok(match split_compression(path).0 {
        Compression::None => Box::new(BufReader::with_capacity(BUF, file)),
        Compression::Gzip => Box::new(BufReader::with_capacity(
            BUF,
            flate2::read::MultiGzDecoder::new(BufReader::new(file)),
        )),
        Compression::Zstd => Box::new(BufReader::with_capacity(
            BUF,
            zstd::stream::read::Decoder::new(file)?,
        )),
    })
}

pub(crate) fn open_stdin() -> Box<dyn BufRead + Send> {
    Box::new(BufReader::with_capacity(256 * 1024, io::stdin()))
}

/// Looks at the first non-blank byte without consuming it.
pub(crate) fn sniff(reader: &mut dyn BufRead) -> io::Result<InputFormat> {
    loop {
        let buf = reader.fill_buf()?;
        if buf.is_empty() {
            return Ok(InputFormat::Text);
        }
        match buf.iter().position(|b| !b.is_ascii_whitespace()) {
            Some(i) => {
                return Ok(match buf[i] {
                    b'{' => InputFormat::Jsonl,
                    b'[' => InputFormat::JsonArray,
                    _ => InputFormat::Text,
                })
            }
            None => {
                // Whitespace only so far: it is part of any format, so consume it.
                let n = buf.len();
                reader.consume(n);
            }
        }
    }
}

/// Reads the whole stream (one text article) as bytes.
pub(crate) fn read_all(reader: &mut dyn Read) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    reader.read_to_end(&mut bytes)?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_follow_extensions_through_compression() {
        assert_eq!(
            format_of(Path::new("a/b.jsonl.gz")),
            Some(InputFormat::Jsonl)
        );
        assert_eq!(format_of(Path::new("x.NDJSON")), Some(InputFormat::Jsonl));
        assert_eq!(format_of(Path::new("x.csv.zst")), Some(InputFormat::Csv));
        assert_eq!(format_of(Path::new("x.txt")), Some(InputFormat::Text));
        assert_eq!(format_of(Path::new("x.json")), Some(InputFormat::JsonArray));
        assert_eq!(format_of(Path::new("x.md")), None);
    }

    #[test]
    fn sniffing_reads_the_first_non_blank_byte() {
        let mut r = io::Cursor::new(b"  \n {\"a\":1}".to_vec());
        assert_eq!(sniff(&mut r).unwrap(), InputFormat::Jsonl);
        let mut r = io::Cursor::new(b"Plain words".to_vec());
        assert_eq!(sniff(&mut r).unwrap(), InputFormat::Text);
    }
}
