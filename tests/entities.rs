//! The entity layers after the model: SHOW and CHARACTER on the user's example article,
//! user gazetteers, label filters and layer selection through the CLI.

mod common;

use common::{assert_success, json_lines, run, shared};

/// (text, label, source) of every entity of the one record in `out`.
fn entities(out: &[u8]) -> Vec<(String, String, String)> {
    let records = json_lines(out);
    assert_eq!(records.len(), 1);
    records[0]["entities"]
        .as_array()
        .expect("entities is a list")
        .iter()
        .map(|e| {
            let s = |k: &str| e[k].as_str().unwrap_or_default().to_string();
            (s("text"), s("label"), s("source"))
        })
        .collect()
}

fn labels_of<'a>(ents: &'a [(String, String, String)], text: &str) -> Vec<&'a str> {
    ents.iter()
        .filter(|(t, _, _)| t == text)
        .map(|(_, l, _)| l.as_str())
        .collect()
}

/// Every mention of `text` has `label`, and there is at least one.
fn assert_all(ents: &[(String, String, String)], text: &str, label: &str) {
    let labels = labels_of(ents, text);
    assert!(!labels.is_empty(), "{text:?} not found in {ents:?}");
    assert!(
        labels.iter().all(|l| *l == label),
        "{text:?} should be {label}, got {labels:?}"
    );
}

#[test]
fn example_article_shows_characters_people_and_organisations() {
    let Some(path) = shared("data/corpus/example-article.txt") else {
        return;
    };
    let path = path.to_string_lossy().to_string();
    let out = run(&["extract", &path, "-q"], b"");
    assert_success(&out);
    let ents = entities(&out.stdout);
    for show in ["Jessica Jones", "Luke Cage", "Iron Fist", "The Defenders"] {
        assert_all(&ents, show, "SHOW");
    }
    for character in ["Kilgrave", "Jessica"] {
        assert_all(&ents, character, "CHARACTER");
    }
    assert_all(&ents, "Melissa Rosenberg", "PERSON");
    assert_all(&ents, "Rosenberg", "PERSON");
    // The title-case headline gives what the body gives, no junk span.
    assert!(
        !ents
            .iter()
            .any(|(t, _, _)| t.contains("Showrunner") || t.contains("Teases")),
        "{ents:?}"
    );
    // No span starts or ends with whitespace.
    assert!(ents.iter().all(|(t, _, _)| t.trim() == t), "{ents:?}");
    for org in ["Netflix", "Marvel", "Esquire"] {
        assert_all(&ents, org, "ORG");
    }
    // Every entity says where it came from.
    assert!(ents
        .iter()
        .all(|(_, _, s)| ["model", "gazetteer", "rule"].contains(&s.as_str())));
}

#[test]
fn example_article_context_rules_work_without_lists() {
    let Some(path) = shared("data/corpus/example-article.txt") else {
        return;
    };
    let path = path.to_string_lossy().to_string();
    let out = run(
        &["extract", &path, "-q", "--ner-layers", "model,rules"],
        b"",
    );
    assert_success(&out);
    let ents = entities(&out.stdout);
    assert_all(&ents, "Jessica Jones", "SHOW");
    assert_all(&ents, "Luke Cage", "SHOW");
    assert_all(&ents, "Jessica", "CHARACTER");
    // No list names Kilgrave here: a one-word name that shares sentences with a character.
    assert_all(&ents, "Kilgrave", "CHARACTER");
    assert!(ents.iter().all(|(_, _, s)| s != "gazetteer"));
}

const ARTICLE: &str =
    "Tidewater returns to HBO in May. In the new series Tidewater, the villain Orla Venn \
     is played by Ines Ortega. Venn schemes. Fernhill Media said it was pleased.";

fn article_json() -> Vec<u8> {
    format!("{}\n", serde_json::json!({"id": "a1", "text": ARTICLE})).into_bytes()
}

#[test]
fn own_article_rules_type_show_and_character() {
    let out = run(&["extract", "-q"], &article_json());
    assert_success(&out);
    let ents = entities(&out.stdout);
    assert_all(&ents, "Tidewater", "SHOW");
    assert_all(&ents, "Orla Venn", "CHARACTER");
    assert_all(&ents, "Ines Ortega", "PERSON");
}

#[test]
fn user_gazetteer_csv_and_jsonl_win_and_are_audited() {
    let dir = tempfile::tempdir().expect("temp dir");
    let csv = dir.path().join("mine.csv");
    std::fs::write(&csv, "name,label,aliases\nFernhill Media,STUDIO,Fernhill\n").expect("write");
    let jsonl = dir.path().join("mine.jsonl");
    std::fs::write(
        &jsonl,
        "{\"name\":\"Ines Ortega\",\"label\":\"ACTOR\",\"aliases\":[]}\n",
    )
    .expect("write");
    let out = run(
        &[
            "extract",
            "-q",
            "--entities",
            csv.to_str().expect("utf-8 path"),
            "--entities",
            jsonl.to_str().expect("utf-8 path"),
        ],
        &article_json(),
    );
    assert_success(&out);
    let ents = entities(&out.stdout);
    assert!(ents.contains(&("Fernhill Media".into(), "STUDIO".into(), "gazetteer".into())));
    assert!(ents.contains(&("Ines Ortega".into(), "ACTOR".into(), "gazetteer".into())));
}

#[test]
fn bad_gazetteer_is_a_fatal_error_naming_file_and_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let csv = dir.path().join("bad.csv");
    std::fs::write(&csv, "name,label\nTidewater,SHOW\nFernhill,not a label\n").expect("write");
    let out = run(
        &[
            "extract",
            "-q",
            "--entities",
            csv.to_str().expect("utf-8 path"),
        ],
        &article_json(),
    );
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.csv:3"), "{err}");
    assert!(out.stdout.is_empty());
}

#[test]
fn labels_filter_and_layer_selection() {
    let out = run(
        &["extract", "-q", "--labels", "SHOW,character"],
        &article_json(),
    );
    assert_success(&out);
    let ents = entities(&out.stdout);
    assert!(!ents.is_empty());
    assert!(
        ents.iter().all(|(_, l, _)| l == "SHOW" || l == "CHARACTER"),
        "{ents:?}"
    );

    let out = run(&["extract", "-q", "--ner-layers", "model"], &article_json());
    assert_success(&out);
    assert!(entities(&out.stdout).iter().all(|(_, _, s)| s == "model"));

    let out = run(&["extract", "-q", "--ner-layers", "none"], &article_json());
    assert_success(&out);
    assert!(entities(&out.stdout).is_empty());

    let out = run(
        &["extract", "-q", "--ner-layers", "none,model"],
        &article_json(),
    );
    assert_eq!(out.status.code(), Some(1));
    let out = run(
        &[
            "extract",
            "-q",
            "--ner-layers",
            "model",
            "--entities",
            "x.csv",
        ],
        &article_json(),
    );
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("gazetteer layer"), "{err}");
}

#[test]
fn csv_entities_table_carries_the_source() {
    let out = run(
        &["extract", "-q", "--format", "csv", "--table", "entities"],
        &article_json(),
    );
    assert_success(&out);
    let text = String::from_utf8_lossy(&out.stdout);
    let header = text.lines().next().unwrap_or_default();
    assert!(header.contains("source"), "{header}");
    assert!(text
        .lines()
        .any(|l| l.contains("Tidewater") && l.contains("SHOW") && l.contains("rule")));
}

/// Our own text: titles from their shape and cues, film vs show by context, a character
/// name used as a title, and spans that never end in whitespace.
const WORKS: &str = "Casting news\n\nThe film Quiet Harbour (2004) made $20m at the box office. \
     Ann Lee, who plays Mara Quill in Quiet Harbour, said the sequel starts filming soon. \
     Later, fans of the sitcom Pebble Is the New Stone saw its second season on Channel 4. \
     Pebble Is the New Stone star Rob Vance joined the cast. \
     Mara Quill and the Salt Crown, the third Mara Quill film, opens in May.\n\n";

fn works_json() -> Vec<u8> {
    format!("{}\n", serde_json::json!({"id": "w1", "text": WORKS})).into_bytes()
}

#[test]
fn titles_films_shows_and_characters_from_shape_and_context() {
    for args in [
        &["extract", "-q"][..],
        &["extract", "-q", "--no-bundled-gazetteers"][..],
    ] {
        let out = run(args, &works_json());
        assert_success(&out);
        let ents = entities(&out.stdout);
        assert_all(&ents, "Quiet Harbour", "FILM");
        assert_all(&ents, "Pebble Is the New Stone", "SHOW");
        assert_all(&ents, "Mara Quill and the Salt Crown", "FILM");
        assert_all(&ents, "Ann Lee", "PERSON");
        assert!(
            labels_of(&ents, "Mara Quill").contains(&"CHARACTER"),
            "{ents:?}"
        );
        assert!(ents.iter().all(|(t, _, _)| t.trim() == t), "{ents:?}");
    }
}

const BOX_OFFICE: &str = "The low-budget thriller Hide and Wander topped the box office this \
     weekend, ahead of the road-trip comedy Are We Nearly Home? and the animated film Copper \
     Owls.\n\nOther films doing well at cinemas included Copper Owls, Marsh Lantern and Paper \
     Harbour. Critics loved the period drama Ivy Lantern, which opens in Leeds next week. \
     Every track Dana Pell has released went gold, and this Christmas is the first song \
     she wrote alone.\n\n";

#[test]
fn genre_nouns_lists_and_whole_titles_in_a_box_office_report() {
    let text = format!("{}\n", serde_json::json!({"id": "b1", "text": BOX_OFFICE}));
    for args in [
        &["extract", "-q"][..],
        &["extract", "-q", "--no-bundled-gazetteers"][..],
    ] {
        let out = run(args, text.as_bytes());
        assert_success(&out);
        let ents = entities(&out.stdout);
        // A genre noun before a title ("thriller X"); "A and B" after a singular kind noun
        // is one title; a closing "?" the sentence runs on after belongs to the title.
        assert_all(&ents, "Hide and Wander", "FILM");
        assert_all(&ents, "Are We Nearly Home?", "FILM");
        assert_all(&ents, "Copper Owls", "FILM");
        // The other items of a list holding a title (the model's people stand in a
        // list, so only the item it does not call a person is checked).
        assert_all(&ents, "Marsh Lantern", "FILM");
        assert_all(&ents, "Ivy Lantern", "FILM");
        // "every track X has released", "this Christmas is the first song": no titles.
        for name in ["Dana Pell", "Christmas"] {
            assert!(
                !labels_of(&ents, name)
                    .iter()
                    .any(|l| ["WORK", "FILM", "SHOW"].contains(l)),
                "{name}: {ents:?}"
            );
        }
        assert!(ents.iter().all(|(t, _, _)| t.trim() == t), "{ents:?}");
    }
}
