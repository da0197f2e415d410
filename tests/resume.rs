//! `--resume` after a real `kill -9` in the middle of a real run: the resumed output must
//! equal an uninterrupted run's byte for byte. Also `--shard`, `--max-article-chars` and
//! the refusals of `--resume`.

mod common;

use std::fs;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::{json_lines, quotex, run};

/// A dump written for this test: short news-like articles with a quote each, and a
/// malformed line now and then (error records must survive a resume too).
fn corpus(records: usize) -> String {
    let people = [
        "Ana Ortiz",
        "Bram Kessler",
        "Chloe Marsh",
        "Dev Patel",
        "Elin Sward",
    ];
    let things = [
        "budget", "harbour", "festival", "season", "bridge", "policy",
    ];
    let mut out = String::new();
    for i in 0..records {
        if i % 97 == 5 {
            out.push_str(&format!("{{\"id\":\"bad{i}\",\"text\":\n"));
            continue;
        }
        let (a, b) = (people[i % 5], people[(i * 3 + 1) % 5]);
        let thing = things[i % 6];
        let surname = b.split(' ').nth(1).unwrap_or(b);
        let text = format!(
            "{a} spoke about the {thing} on Monday. \"We will finish the {thing} this year,\" \
             {surname} said. The council met in Riverton for the {i}th time."
        );
        out.push_str(&serde_json::json!({"id": format!("g{i}"), "text": text}).to_string());
        out.push('\n');
    }
    out
}

fn size(path: &Path) -> u64 {
    fs::metadata(path).map_or(0, |m| m.len())
}

/// Starts `quotex args`, sends SIGKILL once `watch` holds `bytes` bytes, and says
/// whether the kill interrupted the run (it may have finished first).
fn kill_when(args: &[&str], watch: &Path, bytes: u64) -> bool {
    let mut child = quotex()
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("quotex starts");
    let started = Instant::now();
    while size(watch) < bytes && started.elapsed() < Duration::from_secs(600) {
        if child.try_wait().expect("wait works").is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    let _ = child.kill(); // SIGKILL on Unix: no chance to flush anything
    let status = child.wait().expect("quotex ends");
    status.signal() == Some(9)
}

struct Setup {
    _dir: tempfile::TempDir,
    input: PathBuf,
    dir: PathBuf,
}

fn setup(records: usize) -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("dump.jsonl");
    fs::write(&input, corpus(records)).unwrap();
    Setup {
        dir: dir.path().to_path_buf(),
        _dir: dir,
        input,
    }
}

/// Runs to completion, kills at two points (the second kill hits the resumed run), then
/// resumes to the end; compares the output (and errors file) with an uninterrupted run.
fn kill_and_resume(s: &Setup, name: &str, extra: &[&str], with_errors: bool) -> usize {
    let input = s.input.to_str().unwrap();
    let paths = |tag: &str| {
        (
            s.dir.join(format!("{name}-{tag}.out")),
            s.dir.join(format!("{name}-{tag}.err")),
        )
    };
    let args = |out: &Path, err: &Path, resume: bool| {
        let mut a: Vec<String> = vec!["extract".into(), input.into(), "-q".into()];
        a.extend(["--threads".into(), "2".into(), "-o".into()]);
        a.push(out.to_str().unwrap().into());
        if with_errors {
            a.extend(["--errors".into(), err.to_str().unwrap().into()]);
        }
        a.extend(extra.iter().map(|x| x.to_string()));
        if resume {
            a.push("--resume".into());
        }
        a
    };
    let (full_out, full_err) = paths("full");
    let full = quotex()
        .args(args(&full_out, &full_err, false))
        .output()
        .unwrap();
    assert_eq!(full.status.code(), Some(2), "the dump has malformed lines");
    let total = size(&full_out);
    assert!(total > 0);

    let (out, err) = paths("killed");
    let mut interrupted = 0;
    for fraction in [3, 2] {
        let a = args(&out, &err, interrupted > 0);
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        if kill_when(&a, &out, total / fraction) {
            interrupted += 1;
            assert!(size(&out) < total, "{name}: killed before the end");
        }
    }
    let a = args(&out, &err, true);
    let resumed = quotex().args(&a).output().unwrap();
    assert_eq!(
        resumed.status.code(),
        Some(2),
        "{name}: the exit code counts the error records of the whole output: {}",
        String::from_utf8_lossy(&resumed.stderr)
    );
    assert!(
        fs::read(&out).unwrap() == fs::read(&full_out).unwrap(),
        "{name}: the resumed output differs from an uninterrupted run's"
    );
    if with_errors {
        assert!(
            fs::read(&err).unwrap() == fs::read(&full_err).unwrap(),
            "{name}: the resumed errors file differs"
        );
    }
    // Resuming a finished run changes nothing.
    let again = quotex().args(&a).output().unwrap();
    assert_eq!(again.status.code(), Some(2));
    assert!(fs::read(&out).unwrap() == fs::read(&full_out).unwrap());
    interrupted
}

#[test]
fn kill_9_then_resume_equals_an_uninterrupted_run() {
    let s = setup(1500);
    let mut interrupted = 0;
    interrupted += kill_and_resume(&s, "jsonl", &[], false);
    interrupted += kill_and_resume(&s, "jsonl-errors", &[], true);
    interrupted += kill_and_resume(&s, "csv", &["--format", "csv"], true);
    interrupted += kill_and_resume(
        &s,
        "csv-sentences",
        &["--format", "csv", "--table", "sentences", "--shard", "1/2"],
        true,
    );
    // On a machine fast enough to finish before any kill the test proves little: at
    // least some of the eight kills must have hit a running process.
    assert!(
        interrupted >= 2,
        "only {interrupted} kills interrupted a run"
    );
}

#[test]
fn resume_refuses_what_it_cannot_continue() {
    let s = setup(10);
    let input = s.input.to_str().unwrap();
    let out = s.dir.join("out.json");
    let o = out.to_str().unwrap();
    let r = run(
        &["extract", input, "-o", o, "--format", "json", "--resume"],
        b"",
    );
    assert_eq!(r.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert!(stderr.contains("--format json"), "{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");

    let r = run(&["extract", input, "--resume"], b"");
    assert_eq!(r.status.code(), Some(1), "--resume needs --output");

    let r = run(
        &["extract", "-", "-o", o, "--resume"],
        b"{\"id\":1,\"text\":\"A.\"}\n",
    );
    assert_eq!(r.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&r.stderr).contains("stdin"));

    // An output of another input: a fatal error saying where, and the file is untouched.
    let other = s.dir.join("other.jsonl");
    let text = "{\"id\":\"g0\",\"sentences\":[]}\n{\"id\":\"zzz\",\"sentences\":[]}\n";
    fs::write(&other, text).unwrap();
    let r = run(
        &["extract", input, "-o", other.to_str().unwrap(), "--resume"],
        b"",
    );
    assert_eq!(r.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert!(
        stderr.contains("other.jsonl:2") && stderr.contains("zzz"),
        "{stderr}"
    );
    assert_eq!(fs::read_to_string(&other).unwrap(), text);
}

fn sorted_lines(bytes: &[u8]) -> Vec<String> {
    let mut lines: Vec<String> = String::from_utf8_lossy(bytes)
        .lines()
        .map(String::from)
        .collect();
    lines.sort();
    lines
}

#[test]
fn the_union_of_the_shards_is_the_full_run() {
    let s = setup(200);
    let input = s.input.to_str().unwrap();
    let full = run(&["extract", input, "-q"], b"");
    assert_eq!(full.status.code(), Some(2));
    let mut union = Vec::new();
    let mut sizes = Vec::new();
    for k in 0..3 {
        let shard = format!("{k}/3");
        let part = run(&["extract", input, "-q", "--shard", &shard], b"");
        assert!(matches!(part.status.code(), Some(0 | 2)));
        let recs = json_lines(&part.stdout);
        // Record i (0-based, in input order) belongs to shard i mod 3.
        if let Some(first) = recs.first() {
            let id = first["id"].as_str().unwrap_or_default();
            assert_eq!(id, format!("g{k}"), "shard {shard} starts at record {k}");
        }
        sizes.push(recs.len());
        union.extend_from_slice(&part.stdout);
    }
    assert_eq!(sizes.iter().sum::<usize>(), 200);
    assert!(sizes.iter().all(|&n| n == 66 || n == 67), "{sizes:?}");
    assert_eq!(sorted_lines(&union), sorted_lines(&full.stdout));

    let bad = run(&["extract", input, "--shard", "3/3"], b"");
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("K/N"));
}

#[test]
fn articles_over_the_limit_become_error_records() {
    let long = "Word. ".repeat(50);
    let input = format!(
        "{}\n{}\n",
        serde_json::json!({"id": "short", "text": "A short one."}),
        serde_json::json!({"id": "long", "text": long}),
    );
    let out = run(
        &["extract", "-q", "--max-article-chars", "100"],
        input.as_bytes(),
    );
    assert_eq!(out.status.code(), Some(2));
    let recs = json_lines(&out.stdout);
    assert_eq!(recs.len(), 2);
    assert!(recs[0].get("error").is_none());
    assert_eq!(recs[1]["id"], "long");
    assert_eq!(recs[1]["source"], "stdin:2");
    let error = recs[1]["error"].as_str().unwrap();
    assert!(
        error.contains("300 characters") && error.contains("--max-article-chars"),
        "{error}"
    );
    // The default limit is far above any news article.
    let out = run(&["extract", "-q"], input.as_bytes());
    assert_eq!(out.status.code(), Some(0));
}
