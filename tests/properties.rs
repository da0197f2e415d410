//! Property tests: whatever the text, sentences are exact, ordered spans that cover it,
//! and every quote, part, speaker mention and cue is a valid span of the text.
//!
//! The adversarial tests call the pipeline directly (no `catch_unwind`): a panic on any
//! input fails them. `cargo test --release --test properties` runs a few hundred cases in
//! seconds; the long fuzz run is ignored by default:
//! `QUOTEX_FUZZ_CASES=200000 cargo test --release --test properties fuzz -- --ignored`.

mod adversarial;

use std::sync::OnceLock;

use adversarial::{adversarial_text, check_document};
use proptest::prelude::*;
use quotex::offsets::{OffsetMap, OffsetUnit};
use quotex::output::ArticleRecord;
use quotex::Pipeline;

/// Text built from pieces that stress the segmenter: abbreviations, quotes, ellipses,
/// list markers, multi-byte characters, odd whitespace and line breaks.
fn article_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("Mr.".to_string()),
        Just("U.S.".to_string()),
        Just("p.m.".to_string()),
        Just("\"Really?\"".to_string()),
        Just("“Yes.”".to_string()),
        Just("“".to_string()),
        Just("”".to_string()),
        Just("\"".to_string()),
        Just("''".to_string()),
        Just("'".to_string()),
        Just("«".to_string()),
        Just("»".to_string()),
        Just("said".to_string()),
        Just("she said,".to_string()),
        Just("Ann Lee".to_string()),
        Just("according to".to_string()),
        Just(":".to_string()),
        Just("—".to_string()),
        Just("...".to_string()),
        Just(". . .".to_string()),
        Just("1)".to_string()),
        Just("a.".to_string()),
        Just("•".to_string()),
        Just("(".to_string()),
        Just(")".to_string()),
        Just("é".to_string()),
        Just("日本".to_string()),
        Just("\n".to_string()),
        Just("\n\n".to_string()),
        Just("\t".to_string()),
        Just("\u{a0}".to_string()),
        "[A-Za-z]{1,8}[.!?,]?",
        "[0-9]{1,4}(\\.[0-9]{1,2})?",
        any::<char>().prop_map(|c| c.to_string()),
    ];
    prop::collection::vec(piece, 0..60).prop_map(|pieces| pieces.join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn sentences_are_ordered_trimmed_and_cover_the_text(text in article_text()) {
        let doc = pipeline().process_text(&text);
        let mut covered = vec![false; text.len()];
        let mut last_end = 0;
        for s in &doc.sentences {
            prop_assert!(s.start < s.end, "empty sentence {:?}", s);
            prop_assert!(s.start >= last_end, "overlap or disorder at {:?}", s);
            let slice = s.slice(&text);
            prop_assert!(slice.is_some(), "span {:?} is not on char boundaries", s);
            let slice = slice.unwrap();
            prop_assert_eq!(slice.trim(), slice);
            covered[s.start..s.end].iter_mut().for_each(|c| *c = true);
            last_end = s.end;
        }
        for (i, c) in text.char_indices() {
            prop_assert!(c.is_whitespace() || covered[i], "char {:?} at {} is in no sentence", c, i);
        }
    }

    #[test]
    fn output_offsets_slice_the_text_as_python_would(text in article_text()) {
        let doc = pipeline().process_text(&text);
        let record = ArticleRecord::from_document(&doc, OffsetUnit::Chars);
        let chars: Vec<char> = text.chars().collect();
        for (out, span) in record.sentences.iter().zip(&doc.sentences) {
            let by_chars: String = chars[out.start..out.end].iter().collect();
            prop_assert_eq!(by_chars.as_str(), &text[span.start..span.end]);
        }
        let map = OffsetMap::new(&text, OffsetUnit::Bytes);
        prop_assert_eq!(map.convert(text.len()), text.len());
    }

    #[test]
    fn quotes_are_valid_spans_whatever_the_marks(text in article_text()) {
        let doc = pipeline().process_text(&text);
        for q in &doc.quotes {
            prop_assert!(q.span.slice(&text).is_some(), "quote {:?}", q.span);
            prop_assert!(!q.parts.is_empty());
            let mut last = q.span.start;
            for p in &q.parts {
                prop_assert!(p.slice(&text).is_some(), "part {:?}", p);
                prop_assert!(p.start >= last && q.span.contains(*p), "part {:?} of {:?}", p, q.span);
                last = p.end;
            }
            if let Some(s) = &q.speaker {
                prop_assert!(s.mention.slice(&text).is_some(), "mention {:?}", s.mention);
                prop_assert!(!s.name.is_empty());
            }
            if let Some(c) = q.cue {
                prop_assert!(c.slice(&text).is_some(), "cue {:?}", c);
            }
        }
    }
}

/// One default pipeline (every stage, every entity layer) shared by the cases.
fn pipeline() -> &'static Pipeline {
    static PIPELINE: OnceLock<Pipeline> = OnceLock::new();
    PIPELINE.get_or_init(Pipeline::default)
}

/// Sentences and every entity layer, no quote stage.
fn pipeline_without_quotes() -> &'static Pipeline {
    static PIPELINE: OnceLock<Pipeline> = OnceLock::new();
    PIPELINE.get_or_init(|| Pipeline::builder().quotes(None).build())
}

/// The whole contract for one text: the documented invariants of the document, and an
/// output record whose code-point offsets slice the same text as the byte spans.
fn check_with(pipeline: &Pipeline, text: &str) -> Result<(), TestCaseError> {
    let doc = pipeline.process_text(text);
    if let Err(e) = check_document(text, &doc) {
        return Err(TestCaseError::fail(format!("{e} in {text:?}")));
    }
    let record = ArticleRecord::from_document(&doc, OffsetUnit::Chars);
    let chars: Vec<char> = text.chars().collect();
    let by_chars = |s: usize, e: usize| chars.get(s..e).map(|c| c.iter().collect::<String>());
    for (out, e) in record.entities.iter().zip(&doc.entities) {
        let sliced = by_chars(out.start, out.end);
        prop_assert_eq!(sliced.as_deref(), e.span.slice(text));
    }
    for (out, q) in record.quotes.iter().zip(&doc.quotes) {
        let sliced = by_chars(out.start, out.end);
        prop_assert_eq!(sliced.as_deref(), q.span.slice(text));
        if let Some(i) = out.sentence_index {
            prop_assert!(
                i < doc.sentences.len(),
                "sentence index {} of {}",
                i,
                doc.sentences.len()
            );
        }
    }
    prop_assert!(serde_json::to_string(&record).is_ok());
    Ok(())
}

fn check(text: &str) -> Result<(), TestCaseError> {
    check_with(pipeline(), text)
}

/// Cases of the long ignored run (`QUOTEX_FUZZ_CASES`, default 100,000).
fn fuzz_cases() -> u32 {
    std::env::var("QUOTEX_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000)
}

/// Texts on which overlapping quote-mark segments once panicked in `src/quotes/direct.rs`
/// (issue 8, item 1; segments of a line now nest or are disjoint).
const QUOTE_OVERLAP_PANICS: &[&str] = &[
    "She wrote: 'Our motto: ''we can win this'''",
    "'e\u{301} U.S. \"said Aa Aa \"Yes,\" she said. \"No.\"' \"",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(384))]

    /// Sentences and entities (tokenizer, network, lists, rules) on adversarial texts.
    #[test]
    fn adversarial_texts_sentences_and_entities(text in adversarial_text(80)) {
        check_with(pipeline_without_quotes(), &text)?;
    }

    /// The whole pipeline on adversarial texts.
    #[test]
    fn adversarial_texts_never_panic_and_keep_every_span_valid(text in adversarial_text(80)) {
        check(&text)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: fuzz_cases(),
        max_shrink_iters: 20_000,
        ..ProptestConfig::default()
    })]

    /// The long fuzz run (see the module comment): the whole pipeline, longer texts.
    #[test]
    #[ignore = "long fuzz run, by hand: QUOTEX_FUZZ_CASES=N cargo test --release --test properties fuzz -- --ignored"]
    fn fuzz_adversarial_texts_long_run(text in adversarial_text(300)) {
        check(&text)?;
    }
}

/// Texts that once broke a stage or stalled the tokenizer, kept as plain regression tests.
#[test]
fn adversarial_regressions() {
    let long = [
        ")".repeat(3_000),
        format!("{}x{}", "(".repeat(2_000), ")".repeat(2_000)),
        "=".repeat(3_000),
        "ab.".repeat(1_000),
    ];
    let short = [
        "",
        "\0",
        "\u{301}\u{301}\"\u{200f}",
        "“““““",
        "”",
        "«‹「『",
        "''''''",
        ")\n(\n)",
    ];
    for text in short.iter().copied().chain(long.iter().map(String::as_str)) {
        check(text).unwrap();
    }
}

#[test]
fn quote_overlap_regressions() {
    for text in QUOTE_OVERLAP_PANICS {
        check(text).unwrap();
    }
}
