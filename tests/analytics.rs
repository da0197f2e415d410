//! Outputs for analytics: stable quote and speaker ids, and the speakers table
//! (tests/fixtures/speakers.jsonl is written for these tests: four articles about one mayor,
//! with a surname-only speaker, a surname shared by two people, and one quotation written
//! twice with different marks, spacing and case). Parquet is tested in tests/parquet.rs.

mod common;

use common::{csv_rows, extract, fixture, harbor, json_lines, run, shared};
use serde_json::Value;

#[test]
fn the_same_quotation_gets_one_id_in_any_article() {
    let records = json_lines(&extract(&[&fixture()]));
    let quotes = |id: &str| -> Vec<Value> {
        let r = records.iter().find(|r| r["id"] == id).unwrap();
        r["quotes"].as_array().unwrap().clone()
    };
    // harbour-1 splits it in two parts around "Okafor said at a briefing"; harbour-4 writes
    // it whole, in curly marks, with a double space, "ON" and an ellipsis for the stop.
    let split = &quotes("harbour-1")[1];
    let whole = &quotes("harbour-4")[0];
    assert_eq!(split["parts"].as_array().unwrap().len(), 2);
    assert_eq!(whole["parts"].as_array().unwrap().len(), 1);
    assert_eq!(split["quote_id"], whole["quote_id"]);
    assert_eq!(
        split["quote_id"].as_str().unwrap(),
        quotex::ids::quote_id([
            "we are on schedule and on budget the first cars will cross before the summer"
        ])
        .to_string()
    );
    // Every other quote of the run has its own id.
    let all: Vec<&str> = records
        .iter()
        .flat_map(|r| r["quotes"].as_array().unwrap())
        .map(|q| q["quote_id"].as_str().unwrap())
        .collect();
    let mut distinct = all.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), all.len() - 1);
    assert!(all.iter().all(|id| id.len() == 16));

    // The quotes table carries the same ids.
    let (header, rows) = csv_rows(&extract(&[&fixture(), "--format", "csv"]));
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    assert_eq!(
        rows[1][col("quote_id")],
        split["quote_id"].as_str().unwrap()
    );
    assert_eq!(
        rows[1][col("speaker_id")],
        split["speaker"]["speaker_id"].as_str().unwrap()
    );
}

/// The speakers table as CSV rows, keyed by speaker name.
fn speakers_csv(args: &[&str]) -> (Vec<String>, Vec<Vec<String>>) {
    let mut all = args.to_vec();
    all.extend(["--format", "csv", "--table", "speakers"]);
    csv_rows(&extract(&all))
}

#[test]
fn speakers_merge_across_articles_and_by_unique_surname() {
    let (header, rows) = speakers_csv(&[&fixture()]);
    assert_eq!(
        header,
        [
            "speaker_id",
            "speaker",
            "roles",
            "quotes",
            "direct",
            "indirect",
            "mixed",
            "articles",
            "first_article_id",
            "aliases",
            "alias_ids"
        ]
    );
    let id = |name: &str| quotex::ids::speaker_id(name).to_string();
    let expected: Vec<Vec<String>> = [
        // "Okafor" (harbour-2) and "Ms Okafor" (harbour-3) join the one Okafor with a first
        // name; her roles as the text gives them, most frequent first.
        [
            &id("Ann Okafor"),
            "Ann Okafor",
            "Mayor|the mayor",
            "5",
            "3",
            "2",
            "0",
            "4",
            "harbour-1",
            "Okafor|Ms Okafor",
            &format!("{}|{}", id("Okafor"), id("Ms Okafor")),
        ],
        [
            &id("Paul Grant"),
            "Paul Grant",
            "",
            "1",
            "0",
            "1",
            "0",
            "1",
            "harbour-1",
            "",
            "",
        ],
        [
            &id("Councillor Mia Grant"),
            "Councillor Mia Grant",
            "",
            "1",
            "0",
            "1",
            "0",
            "1",
            "harbour-2",
            "",
            "",
        ],
        // Two people are called Grant: the surname alone stays its own row.
        [
            &id("Grant"),
            "Grant",
            "",
            "1",
            "1",
            "0",
            "0",
            "1",
            "harbour-3",
            "",
            "",
        ],
        [
            &id("Tom Reyes"),
            "Tom Reyes",
            "a local shop owner",
            "1",
            "0",
            "1",
            "0",
            "1",
            "harbour-4",
            "",
            "",
        ],
    ]
    .iter()
    .map(|r| r.iter().map(|s| s.to_string()).collect())
    .collect();
    assert_eq!(rows, expected);

    // The quotes of the run carry the ids the table lists (alias ids for the surnames).
    let records = json_lines(&extract(&[&fixture()]));
    let okafor = &rows[0];
    for q in records.iter().flat_map(|r| r["quotes"].as_array().unwrap()) {
        let name = q["speaker"]["name"].as_str().unwrap_or("");
        if name.contains("Okafor") {
            let sid = q["speaker"]["speaker_id"].as_str().unwrap();
            assert!(
                sid == okafor[0] || okafor[10].split('|').any(|a| a == sid),
                "{q}"
            );
        }
    }
}

#[test]
fn speakers_of_the_example_articles() {
    let (_, rows) = speakers_csv(&[&harbor()]);
    let summary: Vec<[&str; 6]> = rows
        .iter()
        .map(|r| [&*r[1], &*r[2], &*r[3], &*r[4], &*r[5], &*r[7]])
        .collect();
    assert_eq!(
        summary,
        [
            ["Dana Whitfield", "creator", "3", "2", "1", "1"],
            ["Elliot Brandt", "Co-star", "3", "1", "2", "1"],
        ]
    );

    let Some(path) = shared("data/corpus/example-article.txt") else {
        return;
    };
    let (_, rows) = speakers_csv(&[path.to_str().unwrap()]);
    let rosenberg: Vec<&Vec<String>> = rows.iter().filter(|r| r[1].contains("Rosenberg")).collect();
    assert_eq!(rosenberg.len(), 1, "{rows:?}");
    let r = rosenberg[0];
    assert_eq!(
        [&*r[1], &*r[2], &*r[3], &*r[4], &*r[5], &*r[6], &*r[7]],
        ["Melissa Rosenberg", "showrunner", "4", "3", "1", "0", "1"]
    );
    assert_eq!(
        r[0],
        quotex::ids::speaker_id("Melissa Rosenberg").to_string()
    );
    assert_eq!(rows[0], *r, "the most quoted first");
    // The two other rows are the reported claims by Netflix and Esquire.
    let others: Vec<&str> = rows[1..].iter().map(|r| r[1].as_str()).collect();
    assert_eq!(others, ["Esquire", "Netflix"]);
}

#[test]
fn speakers_table_as_jsonl_and_json() {
    let (_, csv) = speakers_csv(&[&fixture()]);
    let jsonl = json_lines(&extract(&[&fixture(), "--table", "speakers"]));
    assert_eq!(jsonl.len(), csv.len());
    assert_eq!(jsonl[0]["speaker"], "Ann Okafor");
    assert_eq!(jsonl[0]["roles"], serde_json::json!(["Mayor", "the mayor"]));
    assert_eq!(jsonl[0]["quotes"], 5);
    let json: Value = serde_json::from_slice(&extract(&[
        &fixture(),
        "--table",
        "speakers",
        "--format",
        "json",
    ]))
    .unwrap();
    assert_eq!(json.as_array().unwrap(), &jsonl);

    // An error record is not a speaker: it goes to stderr, the table stays clean.
    let out = run(
        &["extract", "-q", "--table", "speakers"],
        b"{\"id\":\"a\",\"text\":\"\\\"It works,\\\" Ann Lee said.\"}\n{\"id\":2}\n",
    );
    assert_eq!(out.status.code(), Some(2));
    let rows = json_lines(&out.stdout);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["speaker"], "Ann Lee");
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing text field"));
}
