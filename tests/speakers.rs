//! Speakers beyond hard news (issue 10), one test per failure class, on texts written for
//! these tests: short quotes with a cue, speech verbs by position, pronouns by gender,
//! descriptions, dialogue turns, interview transcripts and hard-wrapped text.

mod common;

use common::{direct, doc};
use quotex::{Document, Pipeline, QuoteKind};

fn speaker_of(d: &Document, needle: &str) -> (Option<String>, &'static str) {
    let q = direct(d)
        .into_iter()
        .find(|(t, _, _)| t.contains(needle))
        .unwrap_or_else(|| panic!("no quote with {needle:?} in {:#?}", direct(d)));
    (q.1, q.2)
}

#[test]
fn short_quotes_with_a_cue_are_speech_and_a_quoted_title_is_not() {
    let d = doc("Margaret Holloway looked at the sea.\n\n\"Never,\" said Margaret Holloway.\n\nShe had watched \"Harbor\" twice that week.");
    let qs = direct(&d);
    assert_eq!(qs.len(), 1, "{qs:#?}");
    assert_eq!(qs[0].0, "\"Never,\"");
    assert_eq!(qs[0].1.as_deref(), Some("Margaret Holloway"));
    // A one-word paragraph of its own in a dialogue is speech too.
    let d = doc("\"Where is the key?\" asked Margaret Holloway.\n\n\"Upstairs.\"");
    assert!(direct(&d).iter().any(|(t, _, _)| t == "\"Upstairs.\""));
}

#[test]
fn a_verb_right_after_a_quote_is_a_speech_verb() {
    // "beckoned" and "glowed" are not in the cue lexicon: the position decides.
    let d = doc("\"Come closer, both of you,\" he beckoned.\n\n\"I just love the harbour at night,\" glowed Margaret Holloway.");
    assert_eq!(speaker_of(&d, "Come closer").1, "cue-after");
    let (name, method) = speaker_of(&d, "harbour at night");
    assert_eq!(name.as_deref(), Some("Margaret Holloway"));
    assert_eq!(method, "cue-after");
    // The added literary verbs are cues next to quote marks only.
    let d = doc("\"Leave it there,\" cried Margaret Holloway.");
    assert_eq!(
        speaker_of(&d, "Leave it").0.as_deref(),
        Some("Margaret Holloway")
    );
}

#[test]
fn pronouns_agree_in_gender_and_a_narrator_stays_i() {
    let text = "Mr. Daniel Ortega met Mrs. Helen Parker at the station.\n\n\"The train is late again,\" she said.\n\n\"It always is,\" he replied.";
    let d = doc(text);
    assert_eq!(
        speaker_of(&d, "train is late").0.as_deref(),
        Some("Helen Parker")
    );
    assert_eq!(
        speaker_of(&d, "always is").0.as_deref(),
        Some("Daniel Ortega")
    );
    // First names give a gender when nothing else does.
    let d = doc("Helen Parker and Daniel Ortega sat down.\n\n\"We should order,\" she said.");
    assert_eq!(
        speaker_of(&d, "We should order").0.as_deref(),
        Some("Helen Parker")
    );
    // A first-person narrator is "I", not the last named character.
    let d = doc("I watched Daniel Ortega cross the street.\n\n\"Wait for me,\" I said.");
    assert_eq!(speaker_of(&d, "Wait for me").0.as_deref(), Some("I"));
}

#[test]
fn a_description_resolves_to_the_person_given_that_role() {
    let d = doc("Helen Parker, the actress, arrived late. Daniel Ortega, the director, waited.\n\n\"It was a hard shoot,\" the actress added.");
    let q = d
        .quotes
        .iter()
        .find(|q| d.span_text(q.span).contains("hard shoot"))
        .expect("quote");
    let s = q.speaker.as_ref().expect("speaker");
    assert_eq!(s.name, "Helen Parker");
    assert_eq!(s.role.as_deref(), Some("the actress"));
    assert_eq!(d.span_text(s.mention), "the actress");
}

#[test]
fn dialogue_turns_alternate_between_the_two_speakers() {
    let text = "Helen Parker found Daniel Ortega on the pier.\n\n\"Where were you all night, Daniel?\" asked Helen Parker.\n\n\"At the harbour.\"\n\n\"All night?\"\n\n\"All night. The boats needed me.\"";
    let d = doc(text);
    assert_eq!(
        speaker_of(&d, "At the harbour"),
        (Some("Daniel Ortega".into()), "dialogue-turn")
    );
    assert_eq!(
        speaker_of(&d, "All night?"),
        (Some("Helen Parker".into()), "dialogue-turn")
    );
    assert_eq!(
        speaker_of(&d, "boats needed me"),
        (Some("Daniel Ortega".into()), "dialogue-turn")
    );
}

#[test]
fn interview_transcripts_are_direct_speech() {
    let text = "Helen Parker, the director of the new film, spoke to the Harbor Weekly about the shoot.\n\nQ: What was the hardest day?\nA: The storm scenes. We shot them in one night.\nQ: Would you do it again?\nA: Never again, honestly.\n";
    let d = doc(text);
    let (name, method) = speaker_of(&d, "The storm scenes");
    assert_eq!(name.as_deref(), Some("Helen Parker"));
    assert_eq!(method, "transcript");
    assert_eq!(
        speaker_of(&d, "Never again").0.as_deref(),
        Some("Helen Parker")
    );
    let q = speaker_of(&d, "hardest day");
    assert_eq!(q.1, "transcript");
    assert_ne!(q.0.as_deref(), Some("Helen Parker"));
    // NAME: turns, the label in capitals.
    let text = "Daniel Ortega and Helen Parker talked about the film.\n\nORTEGA: We wanted more time.\nPARKER: So did I, and more money.\nORTEGA: Nobody ever has enough.\n";
    let d = doc(text);
    assert_eq!(
        speaker_of(&d, "more time"),
        (Some("Daniel Ortega".into()), "transcript")
    );
    assert_eq!(
        speaker_of(&d, "more money").0.as_deref(),
        Some("Helen Parker")
    );
    // One "Note:" line is not a transcript.
    let d = doc("Note: the film opens on Friday.\n\nIt runs two hours.");
    assert!(d.quotes.iter().all(|q| q.method.as_str() != "transcript"));
}

#[test]
fn hard_wrapped_text_gives_the_same_quotes_and_speakers() {
    let paragraphs = [
        "The harbour board met on Tuesday to decide the future of the old pier, which has been closed since the winter storms.",
        "\"We cannot keep a pier that nobody can walk on, and we cannot afford to rebuild it this year,\" said Helen Parker, the chair of the board, after the vote.",
        "Daniel Ortega, who runs the fishing cooperative, disagreed. \"The boats need the pier more than the board needs the money,\" he said. \"Without it the fleet will leave the town within a year.\"",
        "The board will meet again in March.",
    ];
    let unwrapped = paragraphs.join("\n\n");
    let wrapped = paragraphs
        .iter()
        .map(|p| {
            let mut lines = vec![String::new()];
            for w in p.split(' ') {
                let last = lines.last_mut().expect("a line");
                if !last.is_empty() && last.len() + 1 + w.len() > 70 {
                    lines.push(w.to_string());
                } else {
                    if !last.is_empty() {
                        last.push(' ');
                    }
                    last.push_str(w);
                }
            }
            lines.join("\n")
        })
        .collect::<Vec<_>>()
        .join("\n\n");
    assert!(wrapped.lines().count() > 8);
    let norm = |d: &Document| {
        let mut v: Vec<(String, Option<String>, &'static str, QuoteKind)> = d
            .quotes
            .iter()
            .map(|q| {
                (
                    d.span_text(q.span)
                        .split_whitespace()
                        .collect::<Vec<_>>()
                        .join(" "),
                    q.speaker.as_ref().map(|s| s.name.clone()),
                    q.method.as_str(),
                    q.kind,
                )
            })
            .collect();
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v
    };
    let (a, b) = (doc(&unwrapped), doc(&wrapped));
    assert_eq!(norm(&a), norm(&b));
    assert_eq!(a.sentences.len(), b.sentences.len());
    assert_eq!(
        speaker_of(&b, "fleet will leave").0.as_deref(),
        Some("Daniel Ortega")
    );
    assert_eq!(
        speaker_of(&b, "cannot keep a pier").0.as_deref(),
        Some("Helen Parker")
    );
}

#[test]
fn a_quote_after_a_narration_paragraph_is_its_subject_speaking() {
    let text = "\"You are late again,\" said Helen Parker.\n\nDaniel Ortega dropped his bag by the door and sat down.\n\n\"The ferry broke down twice.\"";
    let d = doc(text);
    assert_eq!(
        speaker_of(&d, "ferry broke down"),
        (Some("Daniel Ortega".into()), "paragraph-speaker")
    );
}

/// The same text through a pipeline without the parse (`--no-syntax`).
fn doc_without_syntax(text: &str) -> Document {
    Pipeline::builder().syntax(false).build().process_text(text)
}

#[test]
fn an_action_beat_in_the_quote_paragraph_names_the_speaker() {
    let text = "\"You took the last boat,\" said Helen Parker.\n\n\"Very well.\" Daniel Ortega poured the tea and sat down.";
    for d in [doc(text), doc_without_syntax(text)] {
        assert_eq!(
            speaker_of(&d, "Very well"),
            (Some("Daniel Ortega".into()), "paragraph-speaker")
        );
    }
}

#[test]
fn a_pronoun_at_a_dialogue_turn_is_the_other_side_when_both_agree() {
    // Two men in an exchange: "he said" in the turn after Mr. Reyes's quote is the other
    // man, and "he added" continues that man's turn.
    let text = "Mr. Tom Reyes met Mr. Daniel Ortega at the pier.\n\n\"The boats are late,\" said Daniel Ortega.\n\n\"Not like this,\" said Tom Reyes.\n\n\"They always are,\" he said.\n\n\"The tide is wrong,\" he added.";
    let d = doc(text);
    assert_eq!(
        speaker_of(&d, "always are").0.as_deref(),
        Some("Daniel Ortega")
    );
    assert_eq!(
        speaker_of(&d, "tide is wrong").0.as_deref(),
        Some("Daniel Ortega")
    );
}

#[test]
fn an_uncued_run_is_anchored_by_a_later_attribution() {
    let text = "The gate was shut.\n\n\"Soon.\"\n\n\"Not soon enough,\" said Helen Parker.\n\n\"Fine,\" said Daniel Ortega.";
    for d in [doc(text), doc_without_syntax(text)] {
        assert_eq!(
            speaker_of(&d, "Soon."),
            (Some("Daniel Ortega".into()), "dialogue-turn")
        );
    }
}

#[test]
fn a_narrator_addressed_by_name_takes_that_name() {
    let text = "Helen Parker was waiting at the table.\n\n\"You are late again, Daniel,\" said Helen Parker.\n\n\"The ferry broke down,\" I said.\n\n\"That is what you told me last week, Daniel,\" she said.\n\n\"It broke down last week too,\" I replied.";
    let d = doc(text);
    assert_eq!(speaker_of(&d, "ferry broke").0.as_deref(), Some("Daniel"));
    assert_eq!(speaker_of(&d, "last week too").0.as_deref(), Some("Daniel"));
    // Named once only, or never: "I" stays "I" (see the narrator test above).
    let d =
        doc("\"You are late, Daniel,\" said Helen Parker.\n\n\"The ferry broke down,\" I said.");
    assert_eq!(speaker_of(&d, "ferry broke").0.as_deref(), Some("I"));
}

#[test]
fn a_surname_with_an_honorific_joins_only_a_namesake_of_its_gender() {
    // "Jock" is no listed first name: the pronouns after "Jock Ford" make him a man.
    let text = "Jock Ford put on his coat. He was late again.\n\n\"Sit down,\" said Mrs. Ford.";
    let d = doc(text);
    assert_ne!(speaker_of(&d, "Sit down").0.as_deref(), Some("Jock Ford"));
}

#[test]
fn the_parse_narrows_an_inverted_mention_and_the_rules_work_without_it() {
    let text = "\"Eat your soup,\" said the old man quietly.";
    let d = doc(text);
    let q = d.quotes.first().expect("a quote");
    let s = q.speaker.as_ref().expect("a speaker");
    assert_eq!(d.span_text(s.mention), "the old man");
    let d = doc_without_syntax(text);
    assert!(d.syntax.is_empty());
    assert_eq!(
        d.quotes.first().map(|q| q.method.as_str()),
        Some("cue-after")
    );
}

#[test]
fn a_described_character_speaks_and_takes_a_pronoun() {
    // No PERSON entity is male: "he" is the boy the narration describes, named by the
    // description that introduces him.
    let text = "Mrs. Margaret Holloway walked into the garden. A small boy was sitting on the wall.\n\n\"Are you lost?\" asked Margaret Holloway.\n\n\"No,\" he said. \"I live here.\"";
    let d = doc(text);
    assert_eq!(speaker_of(&d, "No,").0.as_deref(), Some("a small boy"));
    // A description as the speaker phrase is that character too.
    let d = doc("A tall nurse came into the room.\n\n\"Wake up now,\" said the nurse.");
    assert_eq!(speaker_of(&d, "Wake up").0.as_deref(), Some("a tall nurse"));
}

#[test]
fn the_person_a_quote_addresses_does_not_speak_it() {
    let text = "Tom Baker came in from the yard. Daniel Ortega was asleep on the bench.\n\n\"Wake up, Daniel,\" he said.";
    let d = doc(text);
    assert_eq!(speaker_of(&d, "Wake up").0.as_deref(), Some("Tom Baker"));
}

#[test]
fn a_pronoun_prefers_the_subject_to_a_nearer_object() {
    let text = "Margaret Holloway handed the letter to Ann Lee.\n\n\"Read it to me,\" she said.";
    let d = doc(text);
    assert_eq!(
        speaker_of(&d, "Read it").0.as_deref(),
        Some("Margaret Holloway")
    );
}

#[test]
fn the_narration_before_a_run_gives_its_subject() {
    // The name after an honorific opens the paragraph.
    let text = "Mr. Daniel Ortega came home late.\n\nMr. Ortega was sniffing the air suspiciously.\n\n\"You have been smoking in here.\"";
    let d = doc(text);
    assert_eq!(
        speaker_of(&d, "smoking").0.as_deref(),
        Some("Daniel Ortega")
    );
    // Else the subject of the paragraph's last sentence.
    let text = "The wind rose over the hill. Ann Lee turned round.\n\n\"Who is there?\"";
    let d = doc(text);
    let (name, method) = speaker_of(&d, "Who is there");
    assert_eq!(name.as_deref(), Some("Ann Lee"));
    assert_eq!(method, "paragraph-speaker");
}
