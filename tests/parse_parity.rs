//! Parity with spaCy's en_core_web_sm 3.8.0 tagger, attribute ruler, parser and lemmatizer
//! on the shared fixture (804 texts, spaCy 3.8.18's full pipeline output).

mod common;

use std::fs;

use quotex::ner::embedded_model;
use quotex::offsets::{OffsetMap, OffsetUnit};
use quotex::syntax::embedded_syntax;
use serde::Deserialize;

#[derive(Deserialize)]
struct Fixture {
    text: String,
    tokens: Vec<(usize, usize)>,
    tag: Vec<String>,
    pos: Vec<String>,
    lemma: Vec<String>,
    head: Vec<usize>,
    dep: Vec<String>,
    sent_starts: Vec<usize>,
}

/// Texts on which every token agrees, per field, and the lemma agreement over all tokens.
#[derive(Default, Debug)]
struct Counts {
    texts: usize,
    tokens: usize,
    tags: usize,
    pos: usize,
    heads: usize,
    deps: usize,
    sents: usize,
    lemma_tokens: usize,
    lemma_same: usize,
}

fn first_diff<T: PartialEq>(a: &[T], b: &[T]) -> usize {
    a.iter().zip(b).position(|(x, y)| x != y).unwrap_or(0)
}

#[test]
fn syntax_matches_spacy_on_all_fixture_texts() {
    let Some(path) = common::shared("fixtures/spacy_sm_parse_parity.jsonl") else {
        return;
    };
    let model = embedded_model();
    let syntax = embedded_syntax();
    let mut c = Counts::default();
    let mut shown = 0;
    let mut lemma_diffs: Vec<(String, String, String, String)> = Vec::new();
    for line in fs::read_to_string(&path).expect("fixture readable").lines() {
        if line.trim().is_empty() {
            continue;
        }
        let fx: Fixture = serde_json::from_str(line).expect("fixture line parses");
        c.texts += 1;
        let map = OffsetMap::new(&fx.text, OffsetUnit::Chars);
        let tokens = model.tokenizer.tokenize(&fx.text);
        let spans: Vec<(usize, usize)> = tokens
            .iter()
            .map(|t| (map.convert(t.start), map.convert(t.end)))
            .collect();
        if spans != fx.tokens {
            continue;
        }
        c.tokens += 1;
        let out = syntax.analyze(&fx.text, &tokens);
        let tags: Vec<String> = out.iter().map(|t| t.tag.clone()).collect();
        let pos: Vec<String> = out
            .iter()
            .map(|t| t.pos.map_or("", |p| p.as_str()).to_string())
            .collect();
        let heads: Vec<usize> = out.iter().map(|t| t.head).collect();
        let deps: Vec<String> = out.iter().map(|t| t.dep.clone()).collect();
        let sents: Vec<usize> = (0..out.len()).filter(|&i| out[i].sent_start).collect();
        c.tags += usize::from(tags == fx.tag);
        c.pos += usize::from(pos == fx.pos);
        c.heads += usize::from(heads == fx.head);
        c.deps += usize::from(deps == fx.dep);
        c.sents += usize::from(sents == fx.sent_starts);
        if (tags != fx.tag || heads != fx.head || deps != fx.dep || pos != fx.pos) && shown < 6 {
            shown += 1;
            let word = |i: usize| -> String {
                let (s, e) = fx.tokens[i];
                common::char_slice(&fx.text, s, e)
            };
            if tags != fx.tag {
                let i = first_diff(&tags, &fx.tag);
                eprintln!(
                    "TAG at {i} {:?}: ours {} spacy {}",
                    word(i),
                    tags[i],
                    fx.tag[i]
                );
            } else if pos != fx.pos {
                let i = first_diff(&pos, &fx.pos);
                eprintln!(
                    "POS at {i} {:?}: ours {} spacy {}",
                    word(i),
                    pos[i],
                    fx.pos[i]
                );
            } else {
                let i = first_diff(&heads, &fx.head).min(first_diff(&deps, &fx.dep));
                eprintln!(
                    "PARSE at {i} {:?}: ours {}->{} spacy {}->{}",
                    word(i),
                    deps[i],
                    heads[i],
                    fx.dep[i],
                    fx.head[i]
                );
            }
        }
        for (i, t) in out.iter().enumerate() {
            c.lemma_tokens += 1;
            if t.lemma == fx.lemma[i] {
                c.lemma_same += 1;
            } else if lemma_diffs.len() < 40 {
                let (s, e) = fx.tokens[i];
                lemma_diffs.push((
                    common::char_slice(&fx.text, s, e),
                    fx.pos[i].clone(),
                    t.lemma.clone(),
                    fx.lemma[i].clone(),
                ));
            }
        }
    }
    for (word, pos, ours, theirs) in &lemma_diffs {
        eprintln!("LEMMA {word:?} ({pos}): ours {ours:?} spacy {theirs:?}");
    }
    let lemma_rate = c.lemma_same as f64 / c.lemma_tokens.max(1) as f64;
    eprintln!("parse parity: {c:?}, lemma agreement {:.4}", lemma_rate);
    assert_eq!(c.texts, 804);
    assert_eq!(c.tokens, 804, "token mismatches");
    assert_eq!(c.tags, 804, "texts with a tag mismatch");
    assert_eq!(c.pos, 804, "texts with a POS mismatch");
    assert_eq!(c.heads, 804, "texts with a head mismatch");
    assert_eq!(c.deps, 804, "texts with a label mismatch");
    assert_eq!(c.sents, 804, "texts with a sentence-start mismatch");
    // The issue asks for at least 99.5 %; the port agrees on every token, so hold that.
    assert!(lemma_rate >= 0.995, "lemma agreement {lemma_rate}");
    assert_eq!(
        c.lemma_same, c.lemma_tokens,
        "tokens with a different lemma"
    );
}

/// Preset sentence starts are kept and no arc crosses them; presetting the parser's own
/// starts changes nothing.
#[test]
fn preset_sentence_starts_are_kept() {
    let text = "The committee met on Tuesday and the chairman said the plan would go ahead \
                because the costs had fallen. Members voted in favour";
    let model = embedded_model();
    let syntax = embedded_syntax();
    let tokens = model.tokenizer.tokenize(text);
    let free = syntax.analyze(text, &tokens);
    let own: Vec<bool> = free.iter().map(|t| t.sent_start).collect();
    assert_eq!(syntax.analyze_within(text, &tokens, &own), free);
    let cut = tokens
        .iter()
        .position(|t| &text[t.start..t.end] == "because")
        .expect("the word is there");
    let mut preset = vec![false; tokens.len()];
    preset[cut] = true;
    let out = syntax.analyze_within(text, &tokens, &preset);
    assert!(out[cut].sent_start, "the preset start is kept");
    for (i, t) in out.iter().enumerate() {
        assert_eq!(
            i < cut,
            t.head < cut,
            "token {i} attaches across the preset start"
        );
    }
}

/// Token spans that do not fit the text give a result, not a panic.
#[test]
fn bad_token_spans_do_not_panic() {
    let syntax = embedded_syntax();
    let text = "Short text.";
    let tokens = vec![
        quotex::ner::Token {
            start: 0,
            end: 5,
            norm: None,
            space_after: true,
        },
        quotex::ner::Token {
            start: 6,
            end: 400,
            norm: None,
            space_after: false,
        },
    ];
    assert_eq!(syntax.analyze(text, &tokens).len(), 2);
}
