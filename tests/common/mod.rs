//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// A file under `../shared/`. In CI (`CI=true`) a missing file fails the test loudly;
/// elsewhere the test is skipped with a note.
pub fn shared(rel: &str) -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared")
        .join(rel);
    if path.exists() {
        return Some(path);
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!(
            "{} is missing: CI must have ../shared beside the repository",
            path.display()
        );
    }
    eprintln!("skipping: {} not found", path.display());
    None
}

pub fn quotex() -> Command {
    Command::new(env!("CARGO_BIN_EXE_quotex"))
}

/// Runs quotex with `args`, feeding `stdin`.
pub fn run(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = quotex()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the quotex binary runs");
    let mut input = child.stdin.take().expect("stdin is piped");
    // quotex may exit before reading stdin (e.g. on a fatal error): a broken pipe is fine.
    if let Err(e) = input.write_all(stdin) {
        assert_eq!(
            e.kind(),
            std::io::ErrorKind::BrokenPipe,
            "writing stdin: {e}"
        );
    }
    drop(input);
    child.wait_with_output().expect("quotex finishes")
}

pub fn json_lines(out: &[u8]) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(out)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

/// Python-style slice of `text` by code-point offsets.
pub fn char_slice(text: &str, start: usize, end: usize) -> String {
    text.chars().skip(start).take(end - start).collect()
}

/// Asserts a zero exit status, showing stderr otherwise.
pub fn assert_success(out: &Output) {
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The `(start, end)` of a JSON span object.
pub fn span_of(v: &serde_json::Value) -> (usize, usize) {
    let get = |k: &str| {
        v[k].as_u64()
            .unwrap_or_else(|| panic!("span without {k}: {v}")) as usize
    };
    (get("start"), get("end"))
}

/// A file of the repository.
pub fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// The multi-article speakers fixture written for the analytics tests.
pub fn fixture() -> String {
    repo("tests/fixtures/speakers.jsonl").display().to_string()
}

/// The example article kept in the repository.
pub fn harbor() -> String {
    repo("examples/harbor-lights.txt").display().to_string()
}

/// Runs `quotex extract` on files (not stdin) and returns stdout, checking success.
pub fn extract(args: &[&str]) -> Vec<u8> {
    let out = quotex()
        .arg("extract")
        .arg("-q")
        .args(args)
        .output()
        .expect("quotex runs");
    assert_success(&out);
    out.stdout
}

/// A CSV output as (header, rows).
pub fn csv_rows(bytes: &[u8]) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_reader(bytes);
    let header = reader.headers().unwrap().iter().map(String::from).collect();
    let rows = reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    (header, rows)
}

/// The default pipeline's annotation of a text written for a test.
pub fn doc(text: &str) -> quotex::Document {
    quotex::Pipeline::default().process_text(text)
}

/// (quote text, speaker name, method) of every direct quote; the parts of a split quote
/// joined by a space.
pub fn direct(d: &quotex::Document) -> Vec<(String, Option<String>, &'static str)> {
    d.quotes
        .iter()
        .filter(|q| q.kind == quotex::QuoteKind::Direct)
        .map(|q| {
            (
                q.parts
                    .iter()
                    .map(|p| d.span_text(*p))
                    .collect::<Vec<_>>()
                    .join(" "),
                q.speaker.as_ref().map(|s| s.name.clone()),
                q.method.as_str(),
            )
        })
        .collect()
}
