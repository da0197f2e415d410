//! Direct-quote detection and spans on dialogue and on hard-wrapped text: short answers,
//! floating quotes that go on with the quote before them, single-quote dialogue after a
//! parenthesis, and the same quotes whether a text is hard-wrapped or not. Texts written
//! for these tests.

use quotex::{Document, Pipeline, QuoteKind};

fn doc(text: &str) -> Document {
    Pipeline::default().process_text(text)
}

/// The direct quotes: the text of each part, the speaker name and the method.
fn direct(d: &Document) -> Vec<(Vec<String>, Option<String>, &'static str)> {
    d.quotes
        .iter()
        .filter(|q| q.kind == QuoteKind::Direct)
        .map(|q| {
            (
                q.parts
                    .iter()
                    .map(|p| d.span_text(*p).to_string())
                    .collect(),
                q.speaker.as_ref().map(|s| s.name.clone()),
                q.method.as_str(),
            )
        })
        .collect()
}

#[test]
fn a_short_answer_after_an_attributed_quote_goes_on_with_it() {
    let d = doc("Ann Lee looked at the map.\n\n“Good!” said Ann Lee. “Excellent!”");
    let qs = direct(&d);
    assert_eq!(qs.len(), 1, "{qs:?}");
    assert_eq!(qs[0].0, vec!["“Good!”", "“Excellent!”"]);
    assert_eq!(qs[0].1.as_deref(), Some("Ann Lee"));
}

#[test]
fn a_short_quote_opening_a_paragraph_is_a_turn_of_dialogue() {
    let d = doc("Tom Reyes asked whether she would come.\n\n“Yes?” Her eyes met his.");
    let qs = direct(&d);
    assert_eq!(qs.len(), 1, "{qs:?}");
    assert_eq!(qs[0].0, vec!["“Yes?”"]);
    // Introduced by a colon or by a cue verb and a comma.
    let d = doc("Ann Lee leaned over the bed and whispered: “Dreams!”");
    assert_eq!(direct(&d).len(), 1, "{:?}", direct(&d));
    let d = doc("Tom Reyes glanced back at the gate and said, “Vanity.”");
    assert_eq!(direct(&d).len(), 1, "{:?}", direct(&d));
    // Mid-sentence, a short quoted word stays a scare quote.
    let d = doc("It lacked what painters call “life.” The view from the other end was better.");
    assert!(direct(&d).is_empty(), "{:?}", direct(&d));
}

#[test]
fn a_floating_quote_joins_the_quote_before_it_in_its_paragraph() {
    let d = doc("“We are leaving,” said Ann Lee. She picked up her bag. “Now.”");
    let qs = direct(&d);
    assert_eq!(qs.len(), 1, "{qs:?}");
    assert_eq!(qs[0].0.len(), 2);
    assert_eq!(qs[0].1.as_deref(), Some("Ann Lee"));
    // A quote with its own cue is an attribution of its own, even by the same speaker.
    let d = doc("“We are leaving,” said Ann Lee. “Right now,” she added.");
    assert_eq!(direct(&d).len(), 2, "{:?}", direct(&d));
    // Another paragraph is another turn.
    let d = doc("“We are leaving,” said Ann Lee.\n\n“Now?”");
    assert_eq!(direct(&d).len(), 2, "{:?}", direct(&d));
    // A long stretch of narration between them keeps them apart.
    let d = doc(
        "“We are leaving,” said Ann Lee. The rain had stopped an hour before, and the road \
         down to the harbour was full of carts, boys with baskets and dogs that barked at \
         every wheel. “We go now, before the tide turns.”",
    );
    assert_eq!(direct(&d).len(), 2, "{:?}", direct(&d));
}

#[test]
fn single_quote_dialogue_after_a_parenthesis() {
    let d = doc(
        "Ann Lee began talking again. ‘Dinah’ll miss me tonight, I’m sure!’ (Dinah was the \
         cat.) ‘I hope they’ll remember her saucer of milk at tea-time.’",
    );
    let qs = direct(&d);
    assert_eq!(qs.len(), 1, "{qs:?}");
    assert_eq!(
        qs[0].0,
        vec![
            "‘Dinah’ll miss me tonight, I’m sure!’",
            "‘I hope they’ll remember her saucer of milk at tea-time.’"
        ]
    );
}

/// Wraps every line at `width` columns by turning spaces into newlines (same offsets).
fn hard_wrap(text: &str, width: usize) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let mut column = 0;
        for (j, word) in line.split(' ').enumerate() {
            if j > 0 {
                if column + 1 + word.chars().count() > width {
                    out.push('\n');
                    column = 0;
                } else {
                    out.push(' ');
                    column += 1;
                }
            }
            out.push_str(word);
            column += word.chars().count();
        }
    }
    out
}

#[test]
fn a_hard_wrapped_article_gives_the_same_quotes_and_speakers() {
    let text = "The city council of Port Ellen met on Tuesday evening to vote on the new harbour \
        plan, which has divided the town for more than two years.\n\n\
        “We have waited long enough for this harbour, and the fishermen cannot wait another \
        winter,” said Mayor Ann Lee, who has backed the plan since her election in the spring. \
        “The money is there. The workers are there.”\n\n\
        Tom Reyes, who leads the opposition on the council, was not convinced by the figures \
        the mayor presented to the members before the vote.\n\n\
        “Nobody has shown us what the new quay will cost once the interest is paid,” he said. \
        He told reporters after the meeting that the vote had been rushed through the council \
        without a proper debate.\n\n\
        “Never,” said Ann Lee when she was asked whether the plan would be delayed again.";
    let wrapped = hard_wrap(text, 70);
    assert_eq!(wrapped.len(), text.len());
    assert!(wrapped.lines().all(|l| l.chars().count() <= 70));
    assert!(wrapped.matches('\n').count() > text.matches('\n').count() + 5);
    let (a, b) = (doc(text), doc(&wrapped));
    assert!(!direct(&a).is_empty());
    assert_eq!(direct(&a).len(), 3, "{:?}", direct(&a));
    let spans = |d: &Document| -> Vec<_> {
        d.quotes
            .iter()
            .map(|q| {
                (
                    q.parts.clone(),
                    q.kind,
                    q.speaker.as_ref().map(|s| s.name.clone()),
                    q.method,
                )
            })
            .collect()
    };
    assert_eq!(spans(&a), spans(&b));
    assert_eq!(a.sentences, b.sentences);
    let entities = |d: &Document| -> Vec<_> {
        d.entities
            .iter()
            .map(|e| (e.span, e.label.clone()))
            .collect()
    };
    assert_eq!(entities(&a), entities(&b));
    // The output keeps the text as it came, newlines and all.
    assert_eq!(b.text, wrapped);
}
