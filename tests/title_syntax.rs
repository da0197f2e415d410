//! Titles found from the dependency parse (`src/ner/title_syntax.rs`): each cue on a text
//! written for this test (invented titles and names), and texts where nothing is a title.

use quotex::{Article, Document, EntityLabel, Pipeline};

fn run(text: &str) -> Document {
    Pipeline::default().process(Article {
        id: "t".into(),
        title: None,
        text: text.into(),
    })
}

/// The labels given to exactly `span_text`.
fn labels(doc: &Document, span_text: &str) -> Vec<EntityLabel> {
    doc.entities
        .iter()
        .filter(|e| doc.span_text(e.span) == span_text)
        .map(|e| e.label.clone())
        .collect()
}

fn titles(doc: &Document) -> Vec<(String, EntityLabel)> {
    doc.entities
        .iter()
        .filter(|e| e.label.is_creative_work() || e.label == EntityLabel::Character)
        .map(|e| (doc.span_text(e.span).to_string(), e.label.clone()))
        .collect()
}

fn assert_label(text: &str, span_text: &str, label: EntityLabel) {
    let doc = run(text);
    let got = labels(&doc, span_text);
    assert!(
        !got.is_empty() && got.iter().all(|l| *l == label),
        "{span_text:?} should be {label} in {text:?}; entities {:?}",
        titles(&doc)
    );
}

#[test]
fn kind_noun_in_apposition_or_before() {
    assert_label(
        "The presenter fronted the long-running show Harbour Nights for ten years before the network dropped it.",
        "Harbour Nights",
        EntityLabel::Show,
    );
    assert_label(
        "Her latest film, Glass Orchard, opens in cinemas next week after a festival premiere.",
        "Glass Orchard",
        EntityLabel::Film,
    );
}

/// (Only in articles about the screen: "episodes" here.)
#[test]
fn kind_noun_as_predicate() {
    assert_label(
        "The Midnight Orchestra has become one of the most watched programmes on television, and the channel has ordered ten more episodes.",
        "The Midnight Orchestra",
        EntityLabel::Show,
    );
}

#[test]
fn lists_after_a_kind_noun() {
    let doc = run(
        "He went on to direct television series such as Night Watchers, Coldharbour Road and Blue Lantern before moving to film.",
    );
    for title in ["Night Watchers", "Coldharbour Road", "Blue Lantern"] {
        assert_eq!(
            labels(&doc, title),
            vec![EntityLabel::Show],
            "{title}: {:?}",
            titles(&doc)
        );
    }
}

#[test]
fn a_role_after_as_is_a_character() {
    assert_label(
        "The new series stars Paul Dorne as Captain Merrow, a ship's officer lost in time, and the first episode airs on Sunday.",
        "Captain Merrow",
        EntityLabel::Character,
    );
}

#[test]
fn common_words_and_places_are_not_titles() {
    let doc = run(
        "Film star Robert Vance arrived in London on Monday. Festival director Ann Coyle said the festival would show forty films. The film opened in cinemas in Leeds, and the director thanked the audience.",
    );
    let found = titles(&doc);
    assert!(
        found
            .iter()
            .all(|(t, _)| !matches!(t.as_str(), "Film" | "Festival" | "London" | "Leeds")),
        "{found:?}"
    );
}

#[test]
fn without_a_parse_nothing_breaks() {
    let pipeline = Pipeline::builder().syntax(false).build();
    let doc = pipeline.process(Article {
        id: "t".into(),
        title: None,
        text: "Her latest film, Glass Orchard, opens in cinemas next week.".into(),
    });
    assert!(doc.syntax.is_empty());
}
