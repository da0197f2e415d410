//! Quotes and speakers: the user's example article, hand-written cases for every
//! attribution step, and the accuracy floor on PolNeAR dev (the targets).

mod common;

use common::{assert_success, json_lines, run, shared};
use quotex::eval::quotes::{evaluate, GoldArticle};
use quotex::eval::read_jsonl;
use quotex::{Document, Pipeline, QuoteKind};

fn doc(text: &str) -> Document {
    Pipeline::default().process_text(text)
}

/// (quote text, kind, speaker name, role, method).
type QuoteSummary = (
    String,
    QuoteKind,
    Option<String>,
    Option<String>,
    &'static str,
);

/// A summary of every quote.
fn quotes(d: &Document) -> Vec<QuoteSummary> {
    d.quotes
        .iter()
        .map(|q| {
            (
                d.span_text(q.span).to_string(),
                q.kind,
                q.speaker.as_ref().map(|s| s.name.clone()),
                q.speaker.as_ref().and_then(|s| s.role.clone()),
                q.method.as_str(),
            )
        })
        .collect()
}

#[test]
fn example_article_quotes_are_all_melissa_rosenberg_showrunner() {
    let Some(path) = shared("data/corpus/example-article.txt") else {
        return;
    };
    let out = run(&["extract", path.to_str().expect("utf-8 path"), "-q"], b"");
    assert_success(&out);
    let record = &json_lines(&out.stdout)[0];
    let qs = record["quotes"].as_array().expect("quotes list");
    let find = |needle: &str| {
        qs.iter()
            .find(|q| q["text"].as_str().unwrap_or_default().contains(needle))
            .unwrap_or_else(|| panic!("no quote with {needle:?} in {qs:#?}"))
    };
    let heal = find("People don't just heal");
    let messed = find("She was kind of messed up");
    let plan = find("I need to know what they're doing");
    let claim = find("season 2 will be all about how Jessica recovers");
    for q in [heal, messed, plan] {
        assert_eq!(q["kind"], "direct");
    }
    assert_eq!(claim["kind"], "indirect");
    // The split quote: two parts around "Rosenberg continues".
    let parts = messed["parts"].as_array().expect("parts");
    assert_eq!(parts.len(), 2, "{messed:#}");
    assert_eq!(messed["cue"]["text"], "continues");
    assert!(messed["text"]
        .as_str()
        .unwrap_or_default()
        .contains("Rosenberg continues"));
    for q in [heal, messed, plan, claim] {
        assert_eq!(q["speaker"]["name"], "Melissa Rosenberg", "{q:#}");
        assert_eq!(q["speaker"]["role"], "showrunner", "{q:#}");
    }
    // Every direct quote of the article is hers.
    let direct: Vec<_> = qs.iter().filter(|q| q["kind"] == "direct").collect();
    assert_eq!(direct.len(), 3, "{direct:#?}");
    assert!(direct
        .iter()
        .all(|q| q["speaker"]["name"] == "Melissa Rosenberg"));
}

#[test]
fn split_quote_is_one_quote_with_two_parts() {
    let d = doc("\"We are done,\" Ann Lee, the club's coach, said on Monday. \"We go home.\"");
    assert_eq!(d.quotes.len(), 1, "{:?}", quotes(&d));
    let q = &d.quotes[0];
    assert_eq!(q.parts.len(), 2);
    assert_eq!(q.method.as_str(), "split");
    let s = q.speaker.as_ref().expect("speaker");
    assert_eq!(s.name, "Ann Lee");
    assert_eq!(s.role.as_deref(), Some("the club's coach"));
}

#[test]
fn cue_on_either_side_dash_and_colon() {
    let d = doc("“The bridge will open in May,” said Mayor Tom Reyes.");
    assert_eq!(quotes(&d)[0].2.as_deref(), Some("Tom Reyes"));
    assert_eq!(d.quotes[0].method.as_str(), "cue-after");
    let d = doc("Tom Reyes told reporters: “The bridge will open in May.”");
    assert_eq!(quotes(&d)[0].2.as_deref(), Some("Tom Reyes"));
    assert_eq!(d.quotes[0].method.as_str(), "cue-before");
    // A noun that is also a cue verb ("report") is not the verb after a determiner.
    let d = doc("“The figures are fine,” the report said.");
    assert_eq!(quotes(&d)[0].2.as_deref(), Some("the report"));
    let d = doc("“We are ready for the vote,” Sen. Ann Lee (D-Ore.) said Tuesday.");
    assert_eq!(quotes(&d)[0].2.as_deref(), Some("Ann Lee"));
    let d = doc("“Nothing is ever finished in politics.” ― Tom Reyes");
    assert_eq!(quotes(&d)[0].2.as_deref(), Some("Tom Reyes"));
    assert_eq!(d.quotes[0].method.as_str(), "dash");
    let d = doc("Mayor Tom Reyes spoke at the hall.\n\nTom Reyes continued:\n\n“We will rebuild the bridge first.”");
    let q = d
        .quotes
        .iter()
        .find(|q| q.kind == QuoteKind::Direct)
        .expect("direct quote");
    assert_eq!(q.method.as_str(), "cue-before");
}

#[test]
fn multi_paragraph_quote_and_floating_quotes() {
    let text = "Ann Lee, the coach, was blunt. “We lost the first game badly.\n\n\
                “And we lost the second one too.”\n\n\
                “Next year will be different,” she said.\n\n\
                “We have a new pitch and better players.”";
    let d = doc(text);
    let direct: Vec<_> = d
        .quotes
        .iter()
        .filter(|q| q.kind == QuoteKind::Direct)
        .collect();
    assert_eq!(direct.len(), 3, "{:?}", quotes(&d));
    assert_eq!(
        direct[0].parts.len(),
        2,
        "the quote re-opens in the next paragraph"
    );
    assert_eq!(direct[2].method.as_str(), "previous-quote");
    for q in &direct[1..] {
        assert_eq!(q.speaker.as_ref().map(|s| s.name.as_str()), Some("Ann Lee"));
    }
}

#[test]
fn pronouns_resolve_by_gender() {
    let text = "Mr. Tom Reyes met Ms. Ann Lee on Monday. “The talks went well,” she said. \
                “We agree on most things,” he added.";
    let d = doc(text);
    let names: Vec<_> = d
        .quotes
        .iter()
        .filter(|q| q.kind == QuoteKind::Direct)
        .map(|q| q.speaker.as_ref().map(|s| s.name.clone()))
        .collect();
    assert_eq!(
        names,
        vec![Some("Ann Lee".to_string()), Some("Tom Reyes".to_string())]
    );
    // The mention stays the pronoun the attribution rests on.
    assert_eq!(
        d.span_text(d.quotes[0].speaker.as_ref().expect("speaker").mention),
        "she"
    );
}

#[test]
fn unbalanced_marks_never_swallow_the_article() {
    let text = "“This quote never closes, Ann Lee said.\n\nThe council met on Tuesday and voted. \
                It adjourned at noon.\n\n“The budget passes,” Tom Reyes said.";
    let d = doc(text);
    let closed = d
        .quotes
        .iter()
        .find(|q| d.span_text(q.span).contains("The budget passes"))
        .expect("the later quote is still found");
    assert_eq!(
        closed.speaker.as_ref().map(|s| s.name.as_str()),
        Some("Tom Reyes")
    );
    for q in &d.quotes {
        assert!(
            !d.span_text(q.span).contains("council met"),
            "{:?}",
            quotes(&d)
        );
    }
}

#[test]
fn scare_quotes_titles_and_nicknames_are_not_quotes() {
    let d = doc(
        "The so-called “Iron Lady” watched “The Crown” on Netflix with Tom “Tiny” Reyes, \
         who called the plan “a disaster.”",
    );
    assert!(
        d.quotes.iter().all(|q| q.kind != QuoteKind::Direct),
        "{:?}",
        quotes(&d)
    );
}

#[test]
fn guillemets_and_reported_speech() {
    let d = doc("«Nous allons gagner cette fois», a dit Ann Lee, said the report.");
    assert!(d.quotes.iter().any(|q| q.kind == QuoteKind::Direct));
    let d = doc(
        "Ann Lee said the bridge would open in May. According to the council, the cost doubled.",
    );
    let q = quotes(&d);
    assert!(
        q.iter()
            .any(|(t, k, s, _, m)| t == "the bridge would open in May"
                && *k == QuoteKind::Indirect
                && s.as_deref() == Some("Ann Lee")
                && *m == "reported-cue"),
        "{q:?}"
    );
    assert!(
        q.iter().any(|(t, _, s, _, m)| t == "the cost doubled"
            && s.as_deref() == Some("the council")
            && *m == "according-to"),
        "{q:?}"
    );
    let d = doc("Tom Reyes called the plan “a disaster for the city.”");
    assert_eq!(
        d.quotes.first().map(|q| q.kind),
        Some(QuoteKind::Mixed),
        "{:?}",
        quotes(&d)
    );
}

#[test]
fn polnear_dev_meets_the_targets() {
    let Some(path) = shared("data/polnear/dev.jsonl") else {
        return;
    };
    let gold: Vec<GoldArticle> = read_jsonl(&path).expect("dev gold reads");
    let (report, _) = evaluate(&gold, &Pipeline::default());
    eprintln!(
        "PolNeAR dev: direct exact F1 {:.1}, cov>=0.3 F1 {:.1}, speaker {:.1}; all cov>=0.3 F1 {:.1}, end-to-end F1 {:.1}",
        report.direct.exact.f1,
        report.direct.cov30.f1,
        report.direct.speaker_accuracy,
        report.all.cov30.f1,
        report.all.end_to_end.f1
    );
    assert!(report.direct.cov30.f1 >= 93.0);
    assert!(report.direct.exact.f1 >= 85.0);
    assert!(report.direct.speaker_accuracy >= 88.0);
    assert!(report.all.cov30.f1 >= 60.0);
    assert!(report.all.end_to_end.f1 >= 50.0);
}

/// Reported speech on the dependency parse (the default) and by the word-window rules
/// (`--no-syntax`): both paths attribute `X says …`; the parse also reads the subject's
/// head ("A spokeswoman for …"), an inserted "X said" and a clause after "shows".
#[test]
fn reported_speech_on_the_parse_and_without_it() {
    let plain = Pipeline::builder().syntax(false).build();
    for d in [
        doc("Ann Lee said the bridge would open in May."),
        plain.process_text("Ann Lee said the bridge would open in May."),
    ] {
        let q = quotes(&d);
        assert!(
            q.iter()
                .any(|(t, k, s, _, m)| t == "the bridge would open in May"
                    && *k == QuoteKind::Indirect
                    && s.as_deref() == Some("Ann Lee")
                    && *m == "reported-cue"),
            "{q:?}"
        );
    }
    let d = doc("A spokeswoman for the council says that neither the mayor nor her staff approved the plan.");
    let q = &d.quotes[0];
    assert_eq!(
        d.span_text(q.span),
        "that neither the mayor nor her staff approved the plan"
    );
    let speaker = q.speaker.as_ref().expect("a speaker");
    assert_eq!(d.span_text(speaker.mention), "A spokeswoman");
    assert_eq!(q.method.as_str(), "reported-cue");

    let d = doc("The new bridge, the mayor said on Monday, would open in May.");
    let q = &d.quotes[0];
    let parts: Vec<&str> = q.parts.iter().map(|p| d.span_text(*p)).collect();
    assert_eq!(
        parts,
        vec!["The new bridge", "would open in May"],
        "{:?}",
        quotes(&d)
    );
    assert_eq!(q.method.as_str(), "reported-after");
    assert_eq!(
        q.speaker.as_ref().map(|s| d.span_text(s.mention)),
        Some("the mayor")
    );

    let d = doc("The council's survey shows that most residents want a second bridge.");
    let q = quotes(&d);
    assert!(
        q.iter().any(
            |(t, _, _, _, m)| t == "that most residents want a second bridge"
                && *m == "reported-cue"
        ),
        "{q:?}"
    );
    // Without the parse, "shows" is no cue.
    let d =
        plain.process_text("The council's survey shows that most residents want a second bridge.");
    assert!(d.quotes.is_empty(), "{:?}", quotes(&d));
}

/// Claims without a clause, on the parse: a naming verb with its object and predicate
/// ("called the plan a failure", "described the vote as …") and requests ("called for …",
/// "called on X to …", "pressed for …"); a purpose infinitive, a reflexive object and a
/// summons are none.
#[test]
fn naming_predicates_and_requests_on_the_parse() {
    // A second sentence: a one-line text is read as a headline.
    let has = |text: &str, content: &str, speaker: &str| {
        let d = doc(&format!("{text} The river towns met on Monday."));
        let q = quotes(&d);
        assert!(
            q.iter().any(|(t, k, s, _, m)| t == content
                && *k == QuoteKind::Indirect
                && s.as_deref() == Some(speaker)
                && *m == "reported-cue"),
            "{text}: {q:?}"
        );
    };
    has(
        "Mayor Ann Lee called the bridge plan a waste of public money.",
        "the bridge plan a waste of public money",
        "Ann Lee",
    );
    has(
        "Councillor Tom Reyes described the vote as a setback for the river towns.",
        "the vote as a setback for the river towns",
        "Tom Reyes",
    );
    has(
        "Ann Lee has called for a full inquiry into the ferry contract.",
        "a full inquiry into the ferry contract",
        "Ann Lee",
    );
    has(
        "Tom Reyes called on the county board to publish the ferry accounts.",
        "the county board to publish the ferry accounts",
        "Tom Reyes",
    );
    has(
        "The teachers' union pressed for smaller classes and more reading tutors.",
        "smaller classes and more reading tutors",
        "The teachers' union",
    );
    for none in [
        "Ann Lee travelled to the capital to plead for more money for the ferry.",
        "The man who calls himself Captain Reyes runs the ferry every morning.",
        "The defence lawyers called the harbour master as their first witness.",
    ] {
        let d = doc(&format!("{none} The river towns met on Monday."));
        assert!(
            d.quotes.iter().all(|q| q.kind == QuoteKind::Direct),
            "{none}: {:?}",
            quotes(&d)
        );
    }
}
