//! Quote-mark soup: the quote stage must never panic and must return valid, ordered
//! spans, whatever mix of quote marks, apostrophes, dashes, colons, brackets, newlines and
//! odd characters it is given. Runs on the sentence and quote stages with synthetic PERSON
//! entities (every capitalised word), so the attribution and speaker code is exercised
//! without the cost of the entity model. `cargo test --release --test quote_soup -- --ignored`
//! runs the long version.

use proptest::prelude::*;
use quotex::doc::{Article, Document, Entity, EntitySource, Span};
use quotex::quotes::{QuoteExtractor, RuleQuotes};
use quotex::segment::{RuleSegmenter, Segmenter};

fn soup() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("\"".to_string()),
        Just("'".to_string()),
        Just("''".to_string()),
        Just("'''".to_string()),
        Just("“".to_string()),
        Just("”".to_string()),
        Just("‘".to_string()),
        Just("’".to_string()),
        Just("«".to_string()),
        Just("»".to_string()),
        Just("„".to_string()),
        Just("‟".to_string()),
        Just("〝".to_string()),
        Just("〞".to_string()),
        Just("—".to_string()),
        Just("–".to_string()),
        Just("―".to_string()),
        Just("-".to_string()),
        Just("--".to_string()),
        Just(":".to_string()),
        Just(",".to_string()),
        Just(".".to_string()),
        Just("(".to_string()),
        Just(")".to_string()),
        Just("[".to_string()),
        Just("]".to_string()),
        Just("\n".to_string()),
        Just("\n\n".to_string()),
        Just("\r\n".to_string()),
        Just("\t".to_string()),
        Just("\u{0}".to_string()),
        Just("\u{301}".to_string()),
        Just("\u{200f}".to_string()),
        Just("שלום".to_string()),
        Just("😀".to_string()),
        Just("Q:".to_string()),
        Just("A:".to_string()),
        Just("ANN:".to_string()),
        Just("said".to_string()),
        Just("she said,".to_string()),
        Just("said Ann Lee.".to_string()),
        Just("he cried".to_string()),
        Just("the actress added".to_string()),
        Just("according to".to_string()),
        Just("Ann".to_string()),
        Just("Tom Reyes".to_string()),
        Just("Mr.".to_string()),
        Just("I".to_string()),
        Just("they".to_string()),
        "[A-Za-z]{1,7}[.!?,:;]?",
        any::<char>().prop_map(|c| c.to_string()),
    ];
    prop::collection::vec(piece, 0..80).prop_map(|p| {
        // Pieces are joined with nothing or a space, so marks glue to words both ways.
        let mut s = String::new();
        for (i, x) in p.iter().enumerate() {
            if i % 3 != 0 {
                s.push(' ');
            }
            s.push_str(x);
        }
        s
    })
}

/// Every run of capitalised words is a PERSON, so speaker code paths run on the soup.
fn document(text: &str) -> Document {
    let mut doc = Document::new(Article {
        id: "soup".into(),
        title: None,
        text: text.into(),
    });
    doc.sentences = RuleSegmenter::default().segment(text);
    let mut start: Option<usize> = None;
    let mut last_end = 0;
    for (i, c) in text.char_indices().chain([(text.len(), ' ')]) {
        if c.is_alphabetic() {
            if start.is_none() && c.is_uppercase() {
                start = Some(i);
            }
            last_end = i + c.len_utf8();
        } else if c != ' ' || start.is_some_and(|_| !text[i..].starts_with(" ")) {
            if let Some(s) = start.take() {
                if last_end > s {
                    doc.entities.push(Entity {
                        span: Span::new(s, last_end),
                        label: quotex::EntityLabel::Person,
                        source: EntitySource::Rule,
                    });
                }
            }
        }
    }
    doc
}

fn check(text: &str) -> Result<(), TestCaseError> {
    let doc = document(text);
    let quotes = RuleQuotes::default().extract(&doc);
    for q in &quotes {
        prop_assert!(q.span.slice(text).is_some(), "quote {:?}", q.span);
        prop_assert!(!q.parts.is_empty());
        let mut last = q.span.start;
        for p in &q.parts {
            prop_assert!(p.slice(text).is_some(), "part {:?}", p);
            prop_assert!(p.start >= last && q.span.contains(*p), "part {:?}", p);
            last = p.end;
        }
        if let Some(s) = &q.speaker {
            prop_assert!(s.mention.slice(text).is_some(), "mention {:?}", s.mention);
        }
        if let Some(c) = q.cue {
            prop_assert!(c.slice(text).is_some(), "cue {:?}", c);
        }
        prop_assert!(!q.method.as_str().is_empty());
    }
    // Direct quotes never overlap each other.
    let direct: Vec<_> = quotes
        .iter()
        .filter(|q| q.kind == quotex::QuoteKind::Direct)
        .flat_map(|q| q.parts.iter().copied())
        .collect();
    for (i, a) in direct.iter().enumerate() {
        for b in &direct[i + 1..] {
            prop_assert!(!a.overlaps(*b), "direct parts {:?} and {:?} overlap", a, b);
        }
    }
    Ok(())
}

#[test]
fn the_issue_cases_do_not_panic() {
    for text in [
        "She wrote: 'Our motto: ''we can win this'''",
        "'''''''''",
        "“‘“‘”’”’",
        "He said: '\"A,\" she said, \"B.\"' And left.",
        "''A,'' he said. ''B.'''",
    ] {
        check(text).unwrap();
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]
    #[test]
    fn quote_soup_never_panics(text in soup()) {
        check(&text)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200_000))]
    #[test]
    #[ignore]
    fn quote_soup_long_run(text in soup()) {
        check(&text)?;
    }
}
