//! Property tests: whatever the text, sentences are exact, ordered spans that cover it,
//! and every quote, part, speaker mention and cue is a valid span of the text.

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
        let doc = Pipeline::default().process_text(&text);
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
        let doc = Pipeline::default().process_text(&text);
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
        let doc = Pipeline::default().process_text(&text);
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
