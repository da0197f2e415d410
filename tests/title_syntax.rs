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

/// Each of `forms` has exactly one mention, labelled `label`.
fn assert_labels(doc: &Document, forms: &[&str], label: EntityLabel) {
    for form in forms {
        assert_eq!(
            labels(doc, form),
            vec![label.clone()],
            "{form}: {:?}",
            titles(doc)
        );
    }
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

/// (Only in articles about the screen: two screen words, "episodes" here.)
#[test]
fn kind_noun_as_predicate() {
    assert_label(
        "The Midnight Orchestra has become one of the most watched programmes on television, and the channel has ordered ten more episodes. Each of the episodes runs an hour.",
        "The Midnight Orchestra",
        EntityLabel::Show,
    );
}

#[test]
fn lists_after_a_kind_noun() {
    let doc = run(
        "He went on to direct television series such as Night Watchers, Coldharbour Road and Blue Lantern before moving to film. His first film opens in May.",
    );
    assert_labels(
        &doc,
        &["Night Watchers", "Coldharbour Road", "Blue Lantern"],
        EntityLabel::Show,
    );
}

#[test]
fn a_role_after_as_is_a_character() {
    assert_label(
        "The new series stars Paul Dorne as Captain Merrow, a ship's officer lost in time, and the first episode airs on Sunday. A second episode follows.",
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

/// No part of a longer title: the parse's run stops inside it, so the edge is unclear.
#[test]
fn no_partial_titles_at_unclear_edges() {
    let text = "Critics praised the drama at the festival. Stone to Stone, a historical epic \
                starring Mara Quell, opens the event. She won in 2001 for her performance in \
                Girls Don't Run. The film director also made Tales of the Marsh.";
    let doc = run(text);
    let found = titles(&doc);
    for partial in ["Stone", "Girls Do", "Marsh"] {
        assert!(
            found.iter().all(|(t, _)| t != partial),
            "{partial:?} is part of a title: {found:?}"
        );
    }
}

/// Awards, categories and places after a possessor are no titles; a sequel number is the
/// title's; a dash subtitle ending in a kind noun names the kind.
#[test]
fn awards_possessors_numbers_and_subtitles() {
    let doc = run(
        "The film leads the nominations for the Silverline Film Awards. The actress \
                   said the film was a gift. Her new book, Grant's Kingdom, is out in May.",
    );
    let found = titles(&doc);
    assert!(
        found
            .iter()
            .all(|(t, _)| !t.contains("Awards") && t != "Kingdom"),
        "{found:?}"
    );
    let doc =
        run("The much-anticipated sci-fi horror Vortex 3 went straight to the top of the charts.");
    let found = titles(&doc);
    assert!(found.iter().any(|(t, _)| t == "Vortex 3"), "{found:?}");
    assert_label(
        "The musical is by the producer of the hit show Dan Harker - The Opera, which toured.",
        "Dan Harker - The Opera",
        EntityLabel::Work,
    );
}

/// Lists of programmes outside screen articles are often events; a chain of "and"s has no
/// clear items.
#[test]
fn lists_outside_screen_articles() {
    let doc = run("Fans watched programmes such as \
                   the Northern Games on their phones, and franchises like Kip and Dax and \
                   Rollo and Fen sold well.");
    let found = titles(&doc);
    assert!(found.is_empty(), "{found:?}");
}

/// Two single titles after a plural kind noun are two works; one "A and B" item in the
/// middle of a comma list is one title.
#[test]
fn pairs_by_number_and_list_position() {
    let doc = run(
        "He produced the singles Takedown and Ozzo for the album. The actor had roles \
                   in films including The Iron Yard, Hal and Jenny, Deep Harbour and Blue Ice.",
    );
    let found = titles(&doc);
    assert!(
        found.iter().all(|(t, _)| t != "Takedown and Ozzo"),
        "{found:?}"
    );
}

/// `form` is found, and every mention of it is a creative work (of any kind).
fn assert_creative_work(doc: &Document, form: &str) {
    let found = labels(doc, form);
    assert!(
        !found.is_empty() && found.iter().all(|l| l.is_creative_work()),
        "{form}: {:?}",
        titles(doc)
    );
}

/// "role/performance in X" overrides a place the model may read there; "star of A and B";
/// awards credited to a person ("<person> for X"); "X's second series".
#[test]
fn roles_credits_and_seasons() {
    let doc = run("The actress won praise for her performance in Brackenridge, and the film took the top prize at the festival. Critics called the film her best. The director said the cinema release was a triumph.");
    assert_creative_work(&doc, "Brackenridge");
    assert_label(
        "Other nominees in the best actress category include Mara Quillan for Paper Kites, Tessa Moor for Hollow Pines and Jane Ash for Blue Fields. The film awards take place next month, and the film critics will vote at the cinema.",
        "Paper Kites",
        EntityLabel::Film,
    );
    assert_label(
        "The actor, star of Copper Lanterns, will host the film festival gala. His films have taken millions at the box office, and the film critics adore him.",
        "Copper Lanterns",
        EntityLabel::Film,
    );
    assert_label(
        "Little Harbour's second series beat two rival sitcoms to the award. The episodes drew ratings the channel had not seen in years.",
        "Little Harbour",
        EntityLabel::Show,
    );
}

/// A title found once types its other mentions: without its article, and with the subtitle
/// a later mention adds.
#[test]
fn short_and_long_forms_of_a_title() {
    let doc = run("Her new film, The Copper Orchard, opens on Friday. Critics loved Copper Orchard, and the director praised the cast of the film.");
    assert_eq!(
        labels(&doc, "Copper Orchard"),
        vec![EntityLabel::Film],
        "{:?}",
        titles(&doc)
    );
    let doc = run("Her performance in Marigold won praise, and the film opens in cinemas next month. Marigold - the Last Summer was shot in six weeks, the director said of the film.");
    assert_creative_work(&doc, "Marigold - the Last Summer");
}

/// A plural family name is no short form of "The X": "the Hendersons" after the show "The
/// Hendersons" stays what the model says.
#[test]
fn plural_names_are_no_short_forms() {
    let doc = run("The reality series The Hendersons returns to the channel next week. Viewers heard Hendersons argue in every episode of the series.");
    assert!(labels(&doc, "Hendersons").is_empty(), "{:?}", titles(&doc));
}

/// titles5: a plural kind noun that is the subject of "be" or "include" (or follows
/// "among") names the list after the verb, whatever the model reads in it.
#[test]
fn lists_named_by_a_plural_kind_noun() {
    let doc = run(
        "The jury met in Cannes for a week of screenings. Among the overlooked films were Harbour Lights, Sorrow Creek and Pale Meridian, which critics had praised.",
    );
    assert_labels(
        &doc,
        &["Harbour Lights", "Sorrow Creek", "Pale Meridian"],
        EntityLabel::Film,
    );
    let doc = run(
        "The veteran actor, whose films include Lantern Road, Pale Meridian and Sorrow Creek, said the theatre needed help. He began in film in 1990.",
    );
    assert_labels(
        &doc,
        &["Lantern Road", "Pale Meridian", "Sorrow Creek"],
        EntityLabel::Film,
    );
    // A list item may hold a preposition ("The House on the Marsh").
    let doc = run(
        "The festival film awards were announced. Also nominated, with two awards each, are the comedy Lantern Road, The House on the Marsh and Sorrow Creek, the film critics said.",
    );
    assert_labels(
        &doc,
        &["The House on the Marsh", "Sorrow Creek"],
        EntityLabel::Film,
    );
    // A chain of "and"s leaves the items unclear: nothing.
    let doc = run(
        "The game copies franchises such as Mole and Otter and Stoat and Weasel on the console, and the film of it opens soon.",
    );
    assert!(
        labels(&doc, "Otter").iter().all(|l| !l.is_title()),
        "{:?}",
        titles(&doc)
    );
}

/// titles5: "X beat A and B": the object of a title or kind noun subject of a verb of
/// winning over rivals is a work of its kind, and the model's one span over "A and B" is
/// two titles.
#[test]
fn rivals_of_a_title() {
    let doc = run(
        "At the television comedy awards the show was the big winner. The sitcom Hollow Acres beat Parkside Lane and The Night Porters to the best comedy prize, and its writer thanked the cast of every episode.",
    );
    assert_labels(
        &doc,
        &["Parkside Lane", "The Night Porters"],
        EntityLabel::Show,
    );
}

/// titles5: a year in brackets and a credit after a title ("X (1942)", "X, starring Y")
/// override the model's places and one-word people; a maker's possessive is left out.
#[test]
fn years_and_credits_after_a_title() {
    assert_label(
        "The film critic chose old classics for the season. He picked Port Sahra (1942) and Wings (1927), the first film to win the top prize.",
        "Port Sahra",
        EntityLabel::Film,
    );
    let doc = run(
        "The box office chart was led by a new film. Fans had waited for Nearer, starring Tom Reed and Mia Holt, which took $7m at the cinema. Director Ann Vale's The Long Field, starring Tom Reed, was second.",
    );
    assert_labels(&doc, &["Nearer", "The Long Field"], EntityLabel::Film);
    // The title's start is unclear after a capitalised word and a small word: nothing.
    let doc = run(
        "The box office chart was led by a new film. Comedy Dinner with the Pikes, starring Tom Reed, was second at the cinema.",
    );
    assert!(
        labels(&doc, "Pikes").iter().all(|l| !l.is_title()),
        "{:?}",
        titles(&doc)
    );
}

/// titles5: a title's other mention after a role noun is the person it is named after.
#[test]
fn a_role_noun_makes_a_person() {
    let doc = run(
        "He starred in seven films including Jungle Drum, Night Harbour and Ada Greenfield. Years later the daughter of activist Ada Greenfield praised the film.",
    );
    let at = doc.text.rfind("Ada Greenfield").unwrap();
    assert!(
        doc.entities
            .iter()
            .filter(|e| e.span.start == at)
            .all(|e| !e.label.is_title()),
        "{:?}",
        titles(&doc)
    );
    // A one-word title's mention in apposition to a common noun is the character.
    let doc = run(
        "The film Marwen opens in cinemas this week. In the film she falls in love with a rural boy, Marwen, and the director shot it in a month.",
    );
    let at = doc.text.rfind("Marwen").unwrap();
    assert!(
        doc.entities
            .iter()
            .filter(|e| e.span.start == at)
            .all(|e| !e.label.is_title()),
        "{:?}",
        titles(&doc)
    );
}
