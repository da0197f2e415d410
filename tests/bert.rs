//! The optional BERT backend (feature `bert`), on the synthetic tiny model whose output is
//! known (see src/ner/bert/tiny.rs): loading, byte offsets on non-ASCII text, sentence
//! boundaries, windows longer than the model's maximum, label maps, bad directories and
//! `quotex extract --ner-backend bert` end to end. Run by scripts/test-bert.sh.
#![cfg(feature = "bert")]

mod common;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use quotex::doc::{EntitySource, Span};
use quotex::ner::bert::labels::TagPosition;
use quotex::ner::bert::tiny::{write_model, ModelSize};
use quotex::ner::bert::{BertError, BertNer};

/// The tiny model: QUOTEX_TINY_BERT when the script made it, else written once here.
fn tiny_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        if let Some(dir) = std::env::var_os("QUOTEX_TINY_BERT") {
            return PathBuf::from(dir);
        }
        let dir = tempfile::tempdir().expect("temp dir").keep();
        write_model(&dir, ModelSize::Tiny).expect("the tiny model is written");
        dir
    })
}

fn tiny() -> &'static BertNer {
    static MODEL: OnceLock<BertNer> = OnceLock::new();
    MODEL.get_or_init(|| BertNer::load(tiny_dir()).expect("the tiny model loads"))
}

/// A copy of the tiny model's directory to damage.
fn copy_of_tiny() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for entry in std::fs::read_dir(tiny_dir()).expect("tiny dir") {
        let entry = entry.expect("entry");
        std::fs::copy(entry.path(), dir.path().join(entry.file_name())).expect("copy");
    }
    dir
}

fn edit_config(dir: &Path, edit: impl FnOnce(&mut serde_json::Value)) {
    let path = dir.join("config.json");
    let mut config: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("config")).expect("json");
    edit(&mut config);
    std::fs::write(&path, config.to_string()).expect("write config");
}

/// (text, label) of every entity, in order.
fn found(text: &str, sentences: &[Span], ner: &BertNer) -> Vec<(String, String)> {
    ner.entities(text, sentences)
        .expect("inference runs")
        .into_iter()
        .map(|e| {
            assert_eq!(e.source, EntitySource::Model);
            (
                text[e.span.start..e.span.end].to_string(),
                e.label.to_string(),
            )
        })
        .collect()
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected
        .iter()
        .map(|(t, l)| (t.to_string(), l.to_string()))
        .collect()
}

#[test]
fn loads_and_maps_conll_labels() {
    let ner = tiny();
    let tags = ner.tags();
    assert_eq!(tags.len(), 9);
    assert_eq!(tags[0].position, TagPosition::Outside);
    assert_eq!(
        (tags[1].position, tags[1].label.as_str()),
        (TagPosition::Begin, "PERSON")
    );
    assert_eq!(tags[5].label, "LOC");
    assert_eq!(tags[7].label, "MISC");
    let text = "Maria Okafor visited Oslo. Acme Mills met Jonas Lindqvist in Lagos.";
    assert_eq!(
        found(text, &[], ner),
        pairs(&[
            ("Maria Okafor", "PERSON"),
            ("Oslo", "LOC"),
            ("Acme Mills", "ORG"),
            ("Jonas Lindqvist", "PERSON"),
            ("Lagos", "LOC"),
        ])
    );
}

#[test]
fn offsets_are_exact_on_non_ascii_text() {
    let ner = tiny();
    // Precomposed accents, an emoji before the names, curly quotes.
    let text = "🙂 “Zoë Müller met José in São Paulo,” said Maria.";
    assert_eq!(
        found(text, &[], ner),
        pairs(&[
            ("Zoë Müller", "PERSON"),
            ("José", "PERSON"),
            ("São Paulo", "LOC"),
            ("Maria", "PERSON"),
        ])
    );
    // Decomposed accents: the tokenizer strips the marks; the spans keep them.
    let text = "Mu\u{308}ller met Jose\u{301}. Zoe\u{308} said.";
    assert_eq!(
        found(text, &[], ner),
        pairs(&[
            ("Mu\u{308}ller", "PERSON"),
            ("Jose\u{301}", "PERSON"),
            ("Zoe\u{308}", "PERSON"),
        ])
    );
}

#[test]
fn a_word_takes_its_first_piece_tag() {
    // "andersson" is "anders" (B-PER) + "##son" (B-ORG): one PERSON word.
    assert_eq!(
        found("Andersson said.", &[], tiny()),
        pairs(&[("Andersson", "PERSON")])
    );
}

#[test]
fn entities_stop_at_sentence_boundaries() {
    let ner = tiny();
    let text = "Jonas\nOkafor said.";
    assert_eq!(
        found(text, &[Span::new(0, text.len())], ner),
        pairs(&[("Jonas\nOkafor", "PERSON")])
    );
    assert_eq!(
        found(text, &[Span::new(0, 5), Span::new(6, text.len())], ner),
        pairs(&[("Jonas", "PERSON"), ("Okafor", "PERSON")])
    );
    // Text outside every sentence span is not looked at.
    assert!(found(text, &[Span::new(0, 0)], ner).is_empty());
}

#[test]
fn sentences_longer_than_the_model_are_windowed() {
    let ner = tiny();
    assert_eq!(ner.max_length(), 24);
    // One sentence of ~600 word pieces, names at every phase of the windows.
    let mut text = String::new();
    let mut expected = Vec::new();
    for i in 0..120 {
        let filler = "the ".repeat(i % 7);
        text.push_str(&filler);
        match i % 3 {
            0 => expected.push(("Maria Okafor", "PERSON")),
            1 => expected.push(("Oslo", "LOC")),
            _ => expected.push(("Acme Mills", "ORG")),
        }
        text.push_str(expected.last().expect("pushed").0);
        text.push_str(" and ");
    }
    text.push_str("Lagos");
    expected.push(("Lagos", "LOC"));
    let (entities, pieces) = ner.entities_with_count(&text, &[]).expect("inference");
    assert!(pieces > 10 * ner.max_length(), "{pieces} pieces");
    let got: Vec<(String, String)> = entities
        .iter()
        .map(|e| {
            (
                text[e.span.start..e.span.end].to_string(),
                e.label.to_string(),
            )
        })
        .collect();
    assert_eq!(got, pairs(&expected));
    // Offsets too: each entity is where the text has it, in order.
    let mut from = 0;
    for e in &entities {
        let needle = &text[e.span.start..e.span.end];
        let at = from + text[from..].find(needle).expect("in text");
        assert_eq!(at, e.span.start);
        from = e.span.end;
    }
    // The narrowest windows give the same answer (this model has no context to lose).
    let narrow = BertNer::load(tiny_dir()).expect("loads").with_max_length(5);
    assert_eq!(narrow.entities(&text, &[]).expect("inference"), entities);
}

#[test]
fn ontonotes_and_bilou_label_maps() {
    let dir = copy_of_tiny();
    edit_config(dir.path(), |c| {
        c["id2label"] = serde_json::json!({
            "0": "O", "1": "U-PERSON", "2": "L-PERSON", "3": "B-ORG", "4": "L-ORG",
            "5": "U-GPE", "6": "I-GPE", "7": "S-NORP", "8": "E-NORP"
        });
    });
    let ner = BertNer::load(dir.path()).expect("loads");
    assert_eq!(
        found("Maria Okafor visited Oslo. Acme Mills said.", &[], &ner),
        pairs(&[
            ("Maria", "PERSON"),
            ("Okafor", "PERSON"),
            ("Oslo", "GPE"),
            ("Acme Mills", "ORG"),
        ])
    );
}

#[test]
fn tokenizer_json_loads_like_vocab_txt() {
    use tokenizers::models::wordpiece::WordPiece;
    use tokenizers::normalizers::bert::BertNormalizer;
    use tokenizers::pre_tokenizers::bert::BertPreTokenizer;
    let dir = copy_of_tiny();
    let vocab = dir.path().join("vocab.txt");
    let model = WordPiece::from_file(vocab.to_str().expect("utf-8"))
        .unk_token("[UNK]".into())
        .build()
        .expect("wordpiece");
    let mut tokenizer = tokenizers::Tokenizer::new(model);
    tokenizer.with_normalizer(Some(BertNormalizer::new(true, true, None, true)));
    tokenizer.with_pre_tokenizer(Some(BertPreTokenizer));
    tokenizer
        .save(dir.path().join("tokenizer.json"), false)
        .expect("save");
    std::fs::remove_file(&vocab).expect("remove vocab");
    let ner = BertNer::load(dir.path()).expect("loads");
    let text = "Zoë Müller visited São Paulo.";
    assert_eq!(found(text, &[], &ner), found(text, &[], tiny()));
}

fn load_err(dir: &Path) -> BertError {
    match BertNer::load(dir) {
        Ok(_) => panic!("{} loaded", dir.display()),
        Err(e) => {
            // Every error names where it is.
            assert!(!e.to_string().is_empty());
            e
        }
    }
}

#[test]
fn bad_directories_are_typed_errors() {
    let missing = tiny_dir().join("no-such-dir");
    assert!(matches!(load_err(&missing), BertError::NotADirectory(_)));

    for (file, what) in [
        ("config.json", "config.json"),
        ("vocab.txt", "vocab.txt or tokenizer.json"),
        ("model.safetensors", "model.safetensors or rust_model.ot"),
    ] {
        let dir = copy_of_tiny();
        std::fs::remove_file(dir.path().join(file)).expect("remove");
        match load_err(dir.path()) {
            BertError::MissingFile { what: w, .. } => assert_eq!(w, what),
            other => panic!("{file}: {other}"),
        }
    }

    let dir = copy_of_tiny();
    std::fs::write(dir.path().join("config.json"), "{ not json").expect("write");
    assert!(matches!(load_err(dir.path()), BertError::Config { .. }));

    let dir = copy_of_tiny();
    edit_config(dir.path(), |c| {
        c.as_object_mut().expect("object").remove("id2label");
    });
    assert!(matches!(load_err(dir.path()), BertError::LabelMap { .. }));

    let dir = copy_of_tiny();
    edit_config(dir.path(), |c| {
        c["id2label"] = serde_json::json!({"0": "O", "1": "B-PER", "5": "I-PER"});
    });
    assert!(matches!(load_err(dir.path()), BertError::LabelMap { .. }));

    let dir = copy_of_tiny();
    edit_config(dir.path(), |c| c["model_type"] = "roberta".into());
    assert!(matches!(
        load_err(dir.path()),
        BertError::UnsupportedModel { .. }
    ));

    // Fewer labels than the classifier was trained with.
    let dir = copy_of_tiny();
    edit_config(dir.path(), |c| {
        c["id2label"] = serde_json::json!({"0": "O", "1": "B-PER", "2": "I-PER"});
    });
    match load_err(dir.path()) {
        BertError::ShapeMismatch {
            name,
            expected,
            found,
            ..
        } => {
            assert!(name.starts_with("classifier."), "{name}");
            assert_eq!(expected[0], 3);
            assert_eq!(found[0], 9);
        }
        other => panic!("{other}"),
    }

    // A config that does not describe these weights.
    let dir = copy_of_tiny();
    edit_config(dir.path(), |c| {
        c["hidden_size"] = 64.into();
        c["intermediate_size"] = 128.into();
    });
    assert!(matches!(
        load_err(dir.path()),
        BertError::ShapeMismatch { .. }
    ));

    let dir = copy_of_tiny();
    edit_config(dir.path(), |c| c["num_attention_heads"] = 3.into());
    assert!(matches!(load_err(dir.path()), BertError::Config { .. }));

    // A vocabulary larger than the embedding table.
    let dir = copy_of_tiny();
    let mut vocab = std::fs::read_to_string(dir.path().join("vocab.txt")).expect("vocab");
    vocab.push_str("extra\nwords\n");
    std::fs::write(dir.path().join("vocab.txt"), vocab).expect("write");
    assert!(matches!(
        load_err(dir.path()),
        BertError::VocabMismatch { .. }
    ));

    // Not a weights file.
    let dir = copy_of_tiny();
    std::fs::write(dir.path().join("model.safetensors"), b"garbage").expect("write");
    assert!(matches!(load_err(dir.path()), BertError::Weights { .. }));

    // A weights file without one of the tensors.
    let dir = copy_of_tiny();
    let path = dir.path().join("model.safetensors");
    let tensors = tch::Tensor::read_safetensors(&path).expect("read");
    let kept: Vec<(String, tch::Tensor)> = tensors
        .into_iter()
        .filter(|(name, _)| name != "classifier.bias")
        .collect();
    tch::Tensor::write_safetensors(&kept, &path).expect("write");
    match load_err(dir.path()) {
        BertError::MissingWeight { name, .. } => assert_eq!(name, "classifier.bias"),
        other => panic!("{other}"),
    }
}

#[test]
fn extract_with_the_bert_backend_end_to_end() {
    let dir = tempfile::tempdir().expect("temp dir");
    let input = dir.path().join("article.txt");
    let text = "Zoë Müller visited São Paulo on Monday.\n\n\"We met the team,\" said Maria Okafor of Acme Mills.\n";
    std::fs::write(&input, text).expect("write");
    let model = tiny_dir().to_str().expect("utf-8");
    let input = input.to_str().expect("utf-8");

    let out = common::quotex()
        .args([
            "extract",
            "-q",
            "--ner-backend",
            "bert",
            "--ner-model",
            model,
        ])
        .args(["--ner-layers", "model", input])
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let record: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON record");
    let chars: Vec<char> = text.chars().collect();
    let entities: Vec<(String, String, String)> = record["entities"]
        .as_array()
        .expect("entities")
        .iter()
        .map(|e| {
            let (s, t) = (
                e["start"].as_u64().unwrap() as usize,
                e["end"].as_u64().unwrap() as usize,
            );
            // Output offsets are code points.
            let span: String = chars[s..t].iter().collect();
            assert_eq!(span, e["text"].as_str().unwrap());
            (
                span,
                e["label"].as_str().unwrap().to_string(),
                e["source"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let expect = |t: &str, l: &str| (t.to_string(), l.to_string(), "model".to_string());
    assert_eq!(
        entities,
        vec![
            expect("Zoë Müller", "PERSON"),
            expect("São Paulo", "LOC"),
            expect("Maria Okafor", "PERSON"),
            expect("Acme Mills", "ORG"),
        ]
    );
    // The quote layer sees the model's PERSON.
    assert_eq!(record["quotes"][0]["speaker"]["name"], "Maria Okafor");

    // All layers over the BERT model layer: the model's entities are still there.
    let out = common::quotex()
        .args([
            "extract",
            "-q",
            "--ner-backend",
            "bert",
            "--ner-model",
            model,
            input,
        ])
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let record: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON record");
    assert!(record["entities"]
        .as_array()
        .expect("entities")
        .iter()
        .any(|e| e["text"] == "Acme Mills" && e["source"] == "model"));

    // A bad directory is a fatal error naming it; --ner-model alone is refused.
    let out = common::quotex()
        .args([
            "extract",
            "--ner-backend",
            "bert",
            "--ner-model",
            "/nonexistent/model",
            input,
        ])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/model"));
    let out = common::quotex()
        .args(["extract", "--ner-model", model, input])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
}
