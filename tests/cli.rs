//! End-to-end tests of the `quotex` binary on fixtures written for these tests.

mod common;

use std::fs;
use std::io::Write;

use common::{assert_success, char_slice, json_lines, quotex, run, span_of};
use serde_json::Value;

const JSONL: &str = r#"{"id":"a1","title":"First","text":"Mr. Smith arrived at 5 p.m. He said hello."}
{"id":"a2","text":"Prices rose 3.5% in the U.S. last year. Analysts were surprised."}
"#;

fn assert_sentences_slice(record: &Value, text: &str) {
    let sentences = record["sentences"]
        .as_array()
        .expect("sentences is an array");
    assert!(!sentences.is_empty());
    for s in sentences {
        let (start, end) = span_of(s);
        let slice = char_slice(text, start, end);
        assert_eq!(slice.trim(), slice, "sentence spans are trimmed");
        assert!(!slice.is_empty());
    }
}

#[test]
fn jsonl_from_a_file_keeps_order_and_real_sentences() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("in.jsonl");
    fs::write(&path, JSONL).unwrap();
    let out = run(&["extract", path.to_str().unwrap()], b"");
    assert_success(&out);
    let recs = json_lines(&out.stdout);
    assert_eq!(recs.len(), 2);
    assert_eq!(recs[0]["id"], "a1");
    assert_eq!(recs[0]["title"], "First");
    assert_eq!(recs[1]["title"], Value::Null);
    assert_eq!(recs[0]["sentences"].as_array().unwrap().len(), 2);
    assert_eq!(recs[1]["sentences"].as_array().unwrap().len(), 2);
    assert!(recs[0]["quotes"].is_array() && recs[0]["entities"].is_array());
    assert_sentences_slice(&recs[0], "Mr. Smith arrived at 5 p.m. He said hello.");
}

#[test]
fn bad_records_become_error_records_and_nothing_is_lost() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mixed.jsonl");
    let mut f = fs::File::create(&path).unwrap();
    f.write_all(b"{\"id\":\"ok1\",\"text\":\"Fine. Also fine.\"}\n")
        .unwrap();
    f.write_all(b"{\"id\":\"broken\",\"text\":\n").unwrap(); // malformed JSON
    f.write_all(b"{\"id\":\"latin1\",\"text\":\"caf\xe9\"}\n")
        .unwrap(); // invalid UTF-8
    f.write_all(b"{\"id\":\"notext\"}\n").unwrap(); // missing text
    f.write_all(b"{\"id\":\"empty\",\"text\":\"   \"}\n")
        .unwrap(); // empty text
    f.write_all(b"\n").unwrap(); // blank lines are not records
    f.write_all(b"{\"id\":\"ok2\",\"text\":\"Last one.\"}\n")
        .unwrap();
    drop(f);
    let out = run(&["extract", path.to_str().unwrap()], b"");
    assert_eq!(out.status.code(), Some(2), "some records failed");
    let recs = json_lines(&out.stdout);
    assert_eq!(recs.len(), 6, "records out + error records = records in");
    let errors: Vec<&Value> = recs.iter().filter(|r| r.get("error").is_some()).collect();
    assert_eq!(errors.len(), 4);
    let name = path.to_str().unwrap();
    assert_eq!(errors[0]["source"], format!("{name}:2"));
    assert!(errors[0]["error"]
        .as_str()
        .unwrap()
        .contains("malformed JSON"));
    assert!(errors[1]["error"]
        .as_str()
        .unwrap()
        .contains("invalid UTF-8"));
    assert_eq!(errors[2]["id"], "notext");
    assert_eq!(errors[2]["error"], "missing text field 'text'");
    assert_eq!(errors[3]["error"], "empty text");
    assert_eq!(recs[5]["id"], "ok2", "output keeps input order");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("2 articles, 4 errors"), "{stderr}");
}

#[test]
fn errors_file_takes_the_error_records() {
    let dir = tempfile::tempdir().unwrap();
    let errors = dir.path().join("errors.jsonl");
    let input = b"{\"id\":\"x\",\"text\":\"Good.\"}\nnot json\n";
    let out = run(&["extract", "--errors", errors.to_str().unwrap()], input);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(json_lines(&out.stdout).len(), 1);
    let errs = json_lines(&fs::read(&errors).unwrap());
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0]["source"], "stdin:2");
}

#[test]
fn stdin_plain_text_is_one_article() {
    let out = run(
        &["extract"],
        "Plain text here. Second sentence.\n".as_bytes(),
    );
    assert_eq!(out.status.code(), Some(0));
    let recs = json_lines(&out.stdout);
    assert_eq!(recs.len(), 1);
    assert_eq!(recs[0]["id"], "stdin");
    assert_eq!(recs[0]["sentences"].as_array().unwrap().len(), 2);
}

#[test]
fn stdin_jsonl_is_detected() {
    let out = run(&["extract", "-"], JSONL.as_bytes());
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(json_lines(&out.stdout).len(), 2);
}

#[test]
fn json_array_csv_and_text_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("arts.json");
    fs::write(
        &json,
        r#"[{"id":7,"text":"One. Two."},{"id":"b","text":"Three."}]"#,
    )
    .unwrap();
    let csv = dir.path().join("arts.csv");
    fs::write(&csv, "doc,body\nc1,\"Hello, there. Bye.\"\nc2,Single\n").unwrap();
    let txt = dir.path().join("story.txt");
    fs::write(&txt, "A headline\n\nThe body. More body.").unwrap();

    let out = run(&["extract", json.to_str().unwrap()], b"");
    let recs = json_lines(&out.stdout);
    assert_eq!(
        recs.iter()
            .map(|r| r["id"].as_str().unwrap())
            .collect::<Vec<_>>(),
        vec!["7", "b"]
    );

    let out = run(
        &[
            "extract",
            "--id-field",
            "doc",
            "--text-field",
            "body",
            csv.to_str().unwrap(),
        ],
        b"",
    );
    assert_success(&out);
    let recs = json_lines(&out.stdout);
    assert_eq!(recs.len(), 2);
    assert_eq!(recs[0]["id"], "c1");
    assert_eq!(recs[0]["sentences"].as_array().unwrap().len(), 2);

    let out = run(&["extract", txt.to_str().unwrap()], b"");
    let recs = json_lines(&out.stdout);
    assert_eq!(recs[0]["id"], txt.to_str().unwrap());
    assert_eq!(recs[0]["sentences"].as_array().unwrap().len(), 3);
}

#[test]
fn compressed_inputs_and_directories() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("nested");
    fs::create_dir(&sub).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(JSONL.as_bytes()).unwrap();
    fs::write(dir.path().join("a.jsonl.gz"), gz.finish().unwrap()).unwrap();
    let zst = zstd::encode_all(JSONL.as_bytes(), 3).unwrap();
    fs::write(sub.join("b.jsonl.zst"), zst).unwrap();
    fs::write(
        sub.join("notes.md"),
        "ignored: unknown extension inside a directory",
    )
    .unwrap();
    let out = run(&["extract", dir.path().to_str().unwrap()], b"");
    assert_success(&out);
    let recs = json_lines(&out.stdout);
    assert_eq!(recs.len(), 4, "two articles from each compressed file");
    assert!(recs.iter().all(|r| r.get("error").is_none()));
}

#[test]
fn json_and_csv_outputs() {
    let out = run(&["extract", "--format", "json"], JSONL.as_bytes());
    assert_eq!(out.status.code(), Some(0));
    let all: Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    assert_eq!(all.as_array().unwrap().len(), 2);

    let out = run(&["extract", "--format", "json"], b"{\"id\":1}\n");
    let all: Value = serde_json::from_slice(&out.stdout).expect("valid JSON even with only errors");
    assert_eq!(all[0]["error"], "missing text field 'text'");

    let out = run(
        &["extract", "--format", "csv", "--table", "sentences"],
        JSONL.as_bytes(),
    );
    let mut reader = csv::Reader::from_reader(out.stdout.as_slice());
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        vec!["article_id", "sentence_index", "start", "end", "text"]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 4);
    assert_eq!(&rows[0][4], "Mr. Smith arrived at 5 p.m.");

    for (table, first) in [
        ("quotes", "article_id,quote_index"),
        ("entities", "article_id,entity_index"),
    ] {
        let out = run(
            &["extract", "--format", "csv", "--table", table],
            JSONL.as_bytes(),
        );
        assert!(String::from_utf8_lossy(&out.stdout).starts_with(first));
    }
}

#[test]
fn offsets_are_code_points_unless_bytes_are_asked_for() {
    let text = "Café owners said “no”. Then they left.";
    let input = serde_json::json!({"id": "u", "text": text}).to_string();
    let chars = json_lines(&run(&["extract"], input.as_bytes()).stdout);
    let s = &chars[0]["sentences"][1];
    let (start, end) = span_of(s);
    assert_eq!(char_slice(text, start, end), "Then they left.");
    let bytes = json_lines(&run(&["extract", "--offsets", "bytes"], input.as_bytes()).stdout);
    let s = &bytes[0]["sentences"][1];
    let (start, end) = span_of(s);
    assert_eq!(&text[start..end], "Then they left.");
}

#[test]
fn missing_input_file_is_an_error_record() {
    let out = run(&["extract", "/nonexistent/quotex-input.jsonl"], b"");
    assert_eq!(out.status.code(), Some(2));
    let recs = json_lines(&out.stdout);
    assert_eq!(recs.len(), 1);
    assert!(recs[0]["error"]
        .as_str()
        .unwrap()
        .starts_with("cannot open"));
}

#[test]
fn fatal_errors_exit_1_with_one_line() {
    let out = run(&["extract", "--format", "xml"], b"");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("quotex: error:"));

    let out = run(
        &["extract", "-o", "/nonexistent-dir/out.jsonl"],
        JSONL.as_bytes(),
    );
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("cannot write output file"));
}

#[test]
fn output_file_and_help() {
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("out.jsonl");
    let out = run(
        &["extract", "-q", "-o", out_path.to_str().unwrap()],
        JSONL.as_bytes(),
    );
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stderr.is_empty(), "--quiet prints nothing");
    assert_eq!(json_lines(&fs::read(&out_path).unwrap()).len(), 2);
    let help = quotex().args(["extract", "--help"]).output().unwrap();
    assert_eq!(help.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&help.stdout).contains("--offsets"));
}

#[test]
fn example_article_in_the_repo() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/harbor-lights.txt");
    let out = run(&["extract", path], b"");
    assert_eq!(out.status.code(), Some(0));
    let rec = &json_lines(&out.stdout)[0];
    let text = fs::read_to_string(path).unwrap();
    let sentences: Vec<String> = rec["sentences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let (start, end) = span_of(s);
            char_slice(&text, start, end)
        })
        .collect();
    assert_eq!(
        sentences[0],
        "'Harbor Lights' Creator Dana Whitfield Talks Season 3"
    );
    assert!(
        sentences
            .iter()
            .any(|s| s.contains("on Sept. 12 that the cast")),
        "{sentences:?}"
    );
    assert!(sentences.contains(
        &"\"We wanted to slow down and let the characters breathe,\" Whitfield said.".to_string()
    ));
    let entities: Vec<(String, &str)> = rec["entities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["text"].as_str().unwrap().to_string(),
                e["label"].as_str().unwrap(),
            )
        })
        .collect();
    for expected in [
        ("Dana Whitfield", "PERSON"),
        ("Los Angeles", "GPE"),
        ("HBO", "ORG"),
        ("Harbor Lights", "SHOW"),
        ("Tobias Vane", "CHARACTER"),
        ("Brandt", "PERSON"),
    ] {
        assert!(
            entities
                .iter()
                .any(|(t, l)| t == expected.0 && *l == expected.1),
            "{expected:?} not in {entities:?}"
        );
    }
    for e in rec["entities"].as_array().unwrap() {
        let (s, end) = span_of(e);
        assert_eq!(
            char_slice(&text, s, end),
            e["text"].as_str().unwrap(),
            "entity spans slice the text"
        );
        assert!(["model", "gazetteer", "rule"].contains(&e["source"].as_str().unwrap()));
    }
    let none = run(&["extract", "--ner-layers", "none", path], b"");
    assert_eq!(
        json_lines(&none.stdout)[0]["entities"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
}

#[test]
fn bbc_corpus_round_trips_in_order() {
    let Some(path) = common::shared("data/corpus/bbc.jsonl") else {
        return;
    };
    let out = quotex()
        .args([
            "extract",
            "-q",
            "--threads",
            "2",
            "--batch-size",
            "64",
            path.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let recs = json_lines(&out.stdout);
    let inputs: Vec<Value> = fs::read_to_string(&path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(recs.len(), inputs.len());
    for (rec, input) in recs.iter().zip(&inputs) {
        assert_eq!(rec["id"], input["id"], "input order is kept");
        assert_sentences_slice(rec, input["text"].as_str().unwrap());
    }
}

#[test]
fn completions_man_version_and_examples() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let out = run(&["completions", shell], b"");
        assert_success(&out);
        let script = String::from_utf8_lossy(&out.stdout);
        assert!(script.contains("extract"), "{shell}: {script}");
        assert!(
            script.contains("resume"),
            "{shell} completes extract's flags"
        );
    }
    let out = run(&["completions", "tcsh"], b"");
    assert_eq!(out.status.code(), Some(1));

    let man = run(&["man"], b"");
    assert_success(&man);
    let page = String::from_utf8_lossy(&man.stdout);
    assert!(
        page.starts_with(".ie") || page.contains(".TH quotex"),
        "{page}"
    );
    assert!(page.contains("extract"));
    let sub = run(&["man", "extract"], b"");
    assert_success(&sub);
    let page = String::from_utf8_lossy(&sub.stdout);
    assert!(page.contains(".TH quotex-extract") && page.contains("max\\-article\\-chars"));
    assert_eq!(run(&["man", "nope"], b"").status.code(), Some(1));

    let version = run(&["--version"], b"");
    assert_success(&version);
    assert_eq!(
        String::from_utf8_lossy(&version.stdout).trim(),
        format!("quotex {}", env!("CARGO_PKG_VERSION"))
    );
    let help = run(&["--help"], b"");
    assert_success(&help);
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(help.contains("Examples:") && help.contains("quotex extract"));
}

#[test]
fn no_progress_bar_when_stderr_is_not_a_terminal() {
    // stderr is a pipe here: only the summary line, no bar, no terminal escapes.
    let out = run(&["extract"], JSONL.as_bytes());
    assert_success(&out);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("quotex: 2 articles") && !stderr.contains('\x1b'));
}
