//! Token output: `--tokens` in JSON records, `--table tokens`, `--format conllu`.

mod common;

use common::{assert_success, char_slice, csv_rows, harbor, json_lines, run};
use serde_json::Value;

/// Non-ASCII letters and marks, a double space and a paragraph break (whitespace tokens).
const TEXT: &str = "Zoë Müller, the café’s owner, said: “Prices rose by 5 %.”  She left.\n\nThe next day, José returned — smiling.";

fn input() -> Vec<u8> {
    let mut line = serde_json::to_vec(&serde_json::json!({"id": "z1", "text": TEXT})).unwrap();
    line.push(b'\n');
    line
}

fn record(args: &[&str]) -> Value {
    let mut all = vec!["extract", "-q"];
    all.extend(args);
    let out = run(&all, &input());
    assert_success(&out);
    let mut records = json_lines(&out.stdout);
    assert_eq!(records.len(), 1);
    records.remove(0)
}

/// The keys of an object, sorted (serde_json's map sorts them).
fn keys(v: &Value) -> Vec<&str> {
    let mut keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    keys
}

fn tokens(record: &Value) -> &Vec<Value> {
    record["tokens"].as_array().expect("a tokens array")
}

#[test]
fn tokens_carry_code_point_offsets_tags_and_a_parse() {
    let rec = record(&["--tokens"]);
    let toks = tokens(&rec);
    let n = toks.len();
    assert!(n > 25, "{n} tokens");
    let mut last_end = 0;
    let mut forms = Vec::new();
    for t in toks {
        assert_eq!(
            keys(t),
            ["dep", "end", "head", "lemma", "pos", "start", "tag"],
            "{t}"
        );
        let (s, e) = (
            t["start"].as_u64().unwrap() as usize,
            t["end"].as_u64().unwrap() as usize,
        );
        assert!(last_end <= s && s < e, "tokens in order, not empty: {t}");
        // Between two tokens there is only whitespace.
        assert!(char_slice(TEXT, last_end, s)
            .chars()
            .all(char::is_whitespace));
        last_end = e;
        let form = char_slice(TEXT, s, e);
        let head = t["head"].as_u64().unwrap() as usize;
        assert!(head < n, "head in range: {t}");
        let is_root = head == forms.len();
        assert_eq!(t["dep"] == "ROOT", is_root, "a root points to itself: {t}");
        assert!(t["tag"].as_str().is_some_and(|s| !s.is_empty()));
        forms.push(form);
    }
    assert!(char_slice(TEXT, last_end, TEXT.chars().count())
        .trim()
        .is_empty());
    // Code points, not bytes: the slices are the words.
    for word in ["Zoë", "Müller", "café", "“", "José", "—"] {
        assert!(forms.iter().any(|f| f == word), "{word} in {forms:?}");
    }
    // Whitespace tokens are kept (spaCy's heads count them), tagged SPACE.
    let spaces: Vec<&Value> = toks
        .iter()
        .zip(&forms)
        .filter(|(_, f)| f.trim().is_empty())
        .map(|(t, _)| t)
        .collect();
    assert!(spaces.len() >= 2, "the extra space and the paragraph break");
    assert!(spaces.iter().all(|t| t["pos"] == "SPACE"), "{spaces:?}");
    let said = toks
        .iter()
        .zip(&forms)
        .find(|(_, f)| *f == "said")
        .unwrap()
        .0;
    assert_eq!(said["lemma"], "say");
    assert_eq!(said["pos"], "VERB");

    // Byte offsets on request: the same tokens.
    let rec = record(&["--tokens", "--offsets", "bytes"]);
    let byte_forms: Vec<&str> = tokens(&rec)
        .iter()
        .map(|t| &TEXT[t["start"].as_u64().unwrap() as usize..t["end"].as_u64().unwrap() as usize])
        .collect();
    assert_eq!(byte_forms, forms);
}

#[test]
fn tokens_without_syntax_are_spans_only_and_records_without_the_flag_have_none() {
    let rec = record(&["--tokens", "--no-syntax"]);
    let toks = tokens(&rec);
    assert!(!toks.is_empty());
    for t in toks {
        assert_eq!(keys(t), ["end", "start"], "{t}");
    }
    assert!(record(&[]).get("tokens").is_none());
    // --format json carries them too.
    let out = run(&["extract", "-q", "--format", "json", "--tokens"], &input());
    assert_success(&out);
    let array: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(tokens(&array[0]).len(), toks.len());
}

#[test]
fn csv_tokens_table_has_a_row_per_token() {
    let rec = record(&["--tokens"]);
    let toks = tokens(&rec);
    let out = run(
        &["extract", "-q", "--format", "csv", "--table", "tokens"],
        &input(),
    );
    assert_success(&out);
    let (header, rows) = csv_rows(&out.stdout);
    assert_eq!(
        header,
        [
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
            "sentence_index"
        ]
    );
    assert_eq!(rows.len(), toks.len());
    let sentences = rec["sentences"].as_array().unwrap();
    for (i, (row, t)) in rows.iter().zip(toks).enumerate() {
        assert_eq!(row[0], "z1");
        assert_eq!(row[1], i.to_string());
        let (s, e) = (row[2].parse().unwrap(), row[3].parse().unwrap());
        assert_eq!(
            (s, e),
            (t["start"].as_u64().unwrap(), t["end"].as_u64().unwrap())
        );
        assert_eq!(row[4], char_slice(TEXT, s as usize, e as usize));
        assert_eq!(row[5], t["tag"].as_str().unwrap());
        assert_eq!(row[7], t["lemma"].as_str().unwrap());
        assert_eq!(row[8], t["dep"].as_str().unwrap());
        assert_eq!(row[9], t["head"].to_string());
        // The sentence the token starts in, or the one before a gap between sentences.
        let k: usize = row[10].parse().unwrap();
        let start = sentences[k]["start"].as_u64().unwrap();
        assert!(start <= s, "{row:?}");
        if let Some(next) = sentences.get(k + 1) {
            assert!(s < next["start"].as_u64().unwrap(), "{row:?}");
        }
    }
    // Without syntax the syntax columns are empty.
    let out = run(
        &[
            "extract",
            "-q",
            "--format",
            "csv",
            "--table",
            "tokens",
            "--no-syntax",
        ],
        &input(),
    );
    let (_, bare) = csv_rows(&out.stdout);
    assert_eq!(bare.len(), rows.len());
    assert!(bare.iter().all(|r| r[5..10].iter().all(String::is_empty)));
}

/// One CoNLL-U sentence: comments and token lines.
struct Block {
    comments: Vec<String>,
    rows: Vec<Vec<String>>,
}

fn blocks(out: &str) -> Vec<Block> {
    assert!(
        out.ends_with("\n\n"),
        "the last block ends with a blank line"
    );
    out.split("\n\n")
        .filter(|b| !b.is_empty())
        .map(|b| {
            let (comments, rows): (Vec<&str>, Vec<&str>) =
                b.lines().partition(|l| l.starts_with('#'));
            Block {
                comments: comments.into_iter().map(String::from).collect(),
                rows: rows
                    .into_iter()
                    .map(|l| l.split('\t').map(String::from).collect())
                    .collect(),
            }
        })
        .collect()
}

fn comment<'a>(block: &'a Block, key: &str) -> Option<&'a str> {
    block
        .comments
        .iter()
        .find_map(|c| c.strip_prefix(&format!("# {key} = ")))
}

/// Checks the CoNLL-U invariants; returns the blocks.
fn check_conllu(out: &str) -> Vec<Block> {
    let blocks = blocks(out);
    assert!(!blocks.is_empty());
    for b in &blocks {
        let n = b.rows.len();
        assert!(n > 0);
        let mut roots = 0;
        for (i, r) in b.rows.iter().enumerate() {
            assert_eq!(r.len(), 10, "{r:?}");
            assert_eq!(r[0], (i + 1).to_string(), "ids 1..n");
            assert!(!r[1].trim().is_empty() && !r[1].contains(' '), "{r:?}");
            let head: usize = r[6].parse().unwrap();
            assert!(head <= n, "head in range: {r:?}");
            assert_ne!(head, i + 1, "no token heads itself");
            if head == 0 {
                roots += 1;
                assert_eq!(r[7], "root");
            }
        }
        assert_eq!(roots, 1, "one root per sentence: {:?}", b.comments);
        // Every token reaches the root: a tree.
        for i in 0..n {
            let mut h = i + 1;
            for _ in 0..=n {
                if h == 0 {
                    break;
                }
                h = b.rows[h - 1][6].parse().unwrap();
            }
            assert_eq!(h, 0, "cycle at token {}", i + 1);
        }
        // `# text` is the forms joined as SpaceAfter says.
        let mut joined = String::new();
        for (i, r) in b.rows.iter().enumerate() {
            joined.push_str(&r[1]);
            if i + 1 < n && !r[9].split('|').any(|m| m == "SpaceAfter=No") {
                joined.push(' ');
            }
        }
        assert_eq!(comment(b, "text"), Some(joined.as_str()));
    }
    blocks
}

#[test]
fn conllu_blocks_are_well_formed_sentences() {
    let out = run(&["extract", "-q", "--format", "conllu"], &input());
    assert_success(&out);
    let out = String::from_utf8(out.stdout).unwrap();
    let blocks = check_conllu(&out);
    let rec = record(&[]);
    let sentences = rec["sentences"].as_array().unwrap();
    assert_eq!(blocks.len(), sentences.len(), "one block per sentence");
    assert_eq!(comment(&blocks[0], "newdoc id"), Some("z1"));
    assert!(blocks[1..]
        .iter()
        .all(|b| comment(b, "newdoc id").is_none()));
    for (i, (b, s)) in blocks.iter().zip(sentences).enumerate() {
        assert_eq!(comment(b, "sent_id"), Some(format!("z1-{i}").as_str()));
        // The sentence's text with its whitespace runs written as one space.
        let (start, end) = (s["start"].as_u64().unwrap(), s["end"].as_u64().unwrap());
        let text = char_slice(TEXT, start as usize, end as usize);
        let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert_eq!(comment(b, "text"), Some(collapsed.as_str()));
    }
    // The whitespace tokens are gone but recorded where they were.
    assert!(!out.contains("\tSPACE\t"));
    assert!(out.contains("SpacesAfter=\\s\\s"), "{out}");
    assert!(out.contains("SpacesAfter=\\n\\n"), "{out}");
    // FEATS come from spaCy's morph, `_` when empty.
    let said = blocks
        .iter()
        .flat_map(|b| &b.rows)
        .find(|r| r[1] == "said")
        .unwrap();
    assert_eq!(said[2], "say");
    assert_eq!(said[3], "VERB");
    assert_eq!(said[4], "VBD");
    assert!(said[5].contains("Tense=Past"), "{said:?}");

    // The example article too.
    let out = run(&["extract", "-q", "--format", "conllu", &harbor()], b"");
    assert_success(&out);
    check_conllu(&String::from_utf8(out.stdout).unwrap());
}

#[test]
fn conllu_refuses_tables_and_resume_and_sends_error_records_aside() {
    for args in [
        &["--format", "conllu", "--table", "quotes"][..],
        &["--format", "conllu", "--tokens"],
        &["--format", "csv", "--tokens"],
    ] {
        let mut all = vec!["extract"];
        all.extend(args);
        let out = run(&all, &input());
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(out.stdout.is_empty());
    }
    let dir = tempfile::tempdir().unwrap();
    let inp = dir.path().join("in.jsonl");
    let mut bad = input();
    bad.extend_from_slice(b"{\"id\":\"z2\"}\n");
    std::fs::write(&inp, &bad).unwrap();
    let outp = dir.path().join("out.conllu");
    let (inp, outp) = (inp.to_str().unwrap(), outp.to_str().unwrap());
    let out = run(
        &[
            "extract", "-q", inp, "--format", "conllu", "-o", outp, "--resume",
        ],
        b"",
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("conllu cannot be resumed"));

    // The bad record: on stderr, the good one in the output.
    let out = run(&["extract", "-q", inp, "--format", "conllu"], b"");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("\"source\"") && err.contains("missing text field"),
        "{err}"
    );
    check_conllu(&String::from_utf8(out.stdout).unwrap());
    // ... or in --errors.
    let errs = dir.path().join("errors.jsonl");
    let out = run(
        &[
            "extract",
            "-q",
            inp,
            "--format",
            "conllu",
            "--errors",
            errs.to_str().unwrap(),
        ],
        b"",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stderr.is_empty());
    assert_eq!(json_lines(&std::fs::read(&errs).unwrap()).len(), 1);
}

/// A run with no sentence start longer than the parser's cap (32,768 tokens) is parsed in
/// pieces: every token gets a parse, and no arc crosses the cut, so the parser's buffers
/// stay bounded on junk such as a megabyte of spaced brackets.
#[test]
fn an_unbroken_run_is_parsed_in_bounded_pieces() {
    let n = 40_000;
    let text = "( ".repeat(n);
    let doc = quotex::Pipeline::builder()
        .quotes(None)
        .build()
        .process_text(&text);
    assert_eq!(doc.tokens.len(), n, "one token per bracket");
    assert_eq!(doc.syntax.len(), n, "every token is parsed");
    let cut = 32_768;
    for (i, t) in doc.syntax.iter().enumerate() {
        assert!(t.head < n, "token {i}: head {} out of range", t.head);
        assert_eq!(
            i < cut,
            t.head < cut,
            "token {i}: arc to {} crosses the cut",
            t.head
        );
    }
}
