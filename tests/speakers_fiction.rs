//! Speaker names in fiction (issue 10, second round), one test per mechanism, on texts
//! written for these tests: kinship possessives, titles and appositions that name a
//! description, honorific namesakes, narrators and described characters who are named
//! later, quotes that address their own fallback speaker, cues inside quotes.

mod common;

use common::{direct, doc};
use quotex::Document;

fn speaker_of(d: &Document, needle: &str) -> Option<String> {
    direct(d)
        .into_iter()
        .find(|(t, _, _)| t.contains(needle))
        .unwrap_or_else(|| panic!("no quote with {needle:?} in {:#?}", direct(d)))
        .1
}

/// The quote holding `needle` is attributed to `name` (the document's quotes on failure).
fn assert_speaker(d: &Document, needle: &str, name: &str) {
    assert_eq!(
        speaker_of(d, needle).as_deref(),
        Some(name),
        "{:#?}",
        direct(d)
    );
}

#[test]
fn a_kinship_possessive_is_the_married_namesake() {
    let d = doc("Mr. Harrow sat by the window with the newspaper.\n\n\
         \u{201c}Have you read the letter from the bank?\u{201d} said his wife.\n\n\
         Mr. Harrow made no answer.\n\n\
         Later that evening Mrs. Harrow folded the letter and put it away in a drawer.");
    assert_speaker(&d, "read the letter", "Mrs. Harrow");
}

#[test]
fn an_honorific_surname_joins_the_namesake_of_its_gender() {
    let d = doc(
        "The house of Mr. Peter Dorrance stood on the hill above the river.\n\n\
         His wife had been born Nesta Lyle Dorrance, and Mrs. Dorrance ruled the house.\n\n\
         \u{201c}The roof leaks again,\u{201d} said Mr. Dorrance.",
    );
    assert_speaker(&d, "roof leaks", "Peter Dorrance");
}

#[test]
fn a_title_names_the_description_of_its_bearer() {
    let d = doc(
        "Dr. Alan Reeve came into the room with his bag and looked at the patient.\n\n\
         \u{201c}Sit down and keep still,\u{201d} said the doctor.",
    );
    assert_speaker(&d, "keep still", "Alan Reeve");
}

#[test]
fn an_apposition_names_a_description() {
    let d = doc("In the corner of the studio sat the painter himself, Hugo Marlowe, whose work had made him famous.\n\n\
         The light fell on the canvas.\n\n\
         \u{201c}Look at it in this light,\u{201d} said the painter.");
    assert_speaker(&d, "this light", "Hugo Marlowe");
}

#[test]
fn a_described_character_who_says_her_name_takes_it() {
    let d = doc(
        "A young woman stood at the gate of the farm, holding a small bag.\n\n\
         \u{201c}I am Edith Crane,\u{201d} said the woman. \u{201c}I was sent for.\u{201d}\n\n\
         The farmer looked at her for a while.\n\n\
         \u{201c}Nobody told me you were coming today,\u{201d} said the woman again.",
    );
    assert_speaker(&d, "Nobody told me", "Edith Crane");
}

#[test]
fn a_narrator_takes_the_name_the_narration_gives() {
    let d = doc("My father's name was long and my own longer, so I called myself Tam, and the village called me so too.\n\n\
         \u{201c}Where are you going?\u{201d} asked the miller.\n\n\
         \u{201c}Home, sir,\u{201d} I said.");
    assert_speaker(&d, "Home, sir", "Tam");
    // Without such words the narrator stays "I".
    let d = doc("\u{201c}Where are you going?\u{201d} asked the miller.\n\n\u{201c}Home, sir,\u{201d} I said.");
    assert_speaker(&d, "Home, sir", "I");
}

#[test]
fn a_narrator_answering_for_a_name_takes_it() {
    let d = doc("The man seized me by the collar.\n\n\
         \u{201c}Tell us your name!\u{201d} said the man.\n\n\
         \u{201c}Tam, sir,\u{201d} I said.\n\n\
         \u{201c}Once more,\u{201d} said the man.\n\n\
         \u{201c}I am going home,\u{201d} I said.");
    assert_speaker(&d, "going home", "Tam");
}

#[test]
fn a_fallback_never_gives_a_quote_to_the_person_it_addresses() {
    let d = doc(
        "\u{201c}Your shoes are muddy again,\u{201d} said Amy Carter.\n\n\
         Jo Carter laughed and kicked them off.\n\n\
         \u{201c}Don't, Jo. It is so rude!\u{201d}",
    );
    let name = speaker_of(&d, "Don't, Jo");
    assert_ne!(name.as_deref(), Some("Jo Carter"), "{:#?}", direct(&d));
    assert_eq!(name.as_deref(), Some("Amy Carter"), "{:#?}", direct(&d));
}

#[test]
fn a_cue_inside_a_quote_introduces_no_speaker() {
    let d = doc("\u{201c}You must know, my dear, that Ann Long says the farm is sold to a man from the north.\u{201d}\n\n\
         This was news enough.\n\n\
         The clock struck.\n\n\
         \u{201c}What is his name?\u{201d}");
    assert_ne!(
        speaker_of(&d, "What is his name").as_deref(),
        Some("Ann Long"),
        "{:#?}",
        direct(&d)
    );
}

#[test]
fn a_possessive_noun_is_no_head_before_a_person_noun() {
    // "the child's nurse" is the nurse, not the child.
    let d = doc("A small child was asleep in the cot by the window.\n\n\
         \u{201c}Hush now,\u{201d} said the child's nurse.\n\n\
         \u{201c}It is late,\u{201d} said the nurse.");
    let first = speaker_of(&d, "Hush now");
    let second = speaker_of(&d, "It is late");
    assert_eq!(first, second, "{:#?}", direct(&d));
    assert!(first.is_some_and(|n| n.contains("nurse")));
}

#[test]
fn a_new_quote_paragraph_is_a_new_turn_for_the_person_present() {
    // The second quote has no cue; the previous-quote fallback would give it to the
    // father again, but a new paragraph is a new turn: the daughter present speaks.
    let d = doc(
        "Ellen Marsh sat by the fire and sewed, while her father read by the lamp.\n\n\
         \u{201c}What a pity the Graysons ever moved away!\u{201d} said Mr. Marsh.\n\n\
         \u{201c}I cannot agree with you; they were never happy here.\u{201d}",
    );
    assert_speaker(&d, "cannot agree", "Ellen Marsh");
}

#[test]
fn an_unambiguous_first_name_outweighs_the_pronouns_near_it() {
    // The "he" after Charlotte's name is her brother's: her first name still says she.
    let d = doc(
        "Charlotte Wren walked along the lane with her brother Thomas Wren. Charlotte had \
         not seen him for a year, and he looked older.\n\n\
         \u{201c}The harvest was poor,\u{201d} said he. \u{201c}We must sell the mare.\u{201d}",
    );
    assert_speaker(&d, "harvest was poor", "Thomas Wren");
}

#[test]
fn a_narrator_after_the_verb_keeps_no_full_stop() {
    let d = doc("The clerk looked up from his desk.\n\n\
         \u{201c}But the blots, sir,\u{201d} objected I.\n\n\
         \u{201c}True,\u{201d} said the clerk.");
    assert_speaker(&d, "the blots", "I");
}

#[test]
fn a_later_cue_anchors_every_other_turn_of_the_run_before_it() {
    // A, B, A, B, A: the cue of the last turn names A; the turns two, four back are A's.
    let d = doc("\u{201c}Is the boat in?\u{201d}\n\n\
         \u{201c}Not yet.\u{201d}\n\n\
         \u{201c}Then we wait here.\u{201d}\n\n\
         \u{201c}As you like, miss.\u{201d}\n\n\
         \u{201c}We will wait an hour,\u{201d} said Hannah Pike.");
    for turn in ["boat in", "wait here"] {
        assert_eq!(
            speaker_of(&d, turn).as_deref(),
            Some("Hannah Pike"),
            "{turn}: {:#?}",
            direct(&d)
        );
    }
    assert_ne!(
        speaker_of(&d, "As you like").as_deref(),
        Some("Hannah Pike")
    );
}

#[test]
fn a_titled_surname_beside_a_first_name_is_another_person() {
    // Mrs. Lennox and Mary in one paragraph: mother and daughter, not one person.
    let d = doc(
        "Mary Lennox sat on the stairs. The door opened and Mrs. Lennox came in, and Mary \
         stood up at once.\n\n\
         \u{201c}Go to your room,\u{201d} said Mrs. Lennox.",
    );
    assert_speaker(&d, "your room", "Mrs. Lennox");
}

#[test]
fn the_last_actor_of_a_narration_paragraph_speaks_next() {
    let d = doc(
        "Ellen Marsh sat by the fire. Her father came in from the yard.\n\n\
         \u{201c}Is the gate shut?\u{201d} said Ellen Marsh.\n\n\
         She put down her sewing. Mr. Marsh took off his boots.\n\n\
         \u{201c}It is shut and locked.\u{201d}",
    );
    assert_speaker(&d, "shut and locked", "Mr. Marsh");
}

#[test]
fn a_named_person_nearby_outranks_a_nearer_description_for_he() {
    // The old man is mentioned last, but Tom Baxter is the topic a "he" carries on.
    let d = doc(
        "Tom Baxter walked into the station and set down his bag. An old man was \
         sweeping the platform near the door.\n\n\
         \u{201c}When does the last train leave?\u{201d} he asked.",
    );
    assert_speaker(&d, "last train", "Tom Baxter");
}

#[test]
fn an_answering_cue_in_a_new_paragraph_is_not_the_previous_speaker() {
    let d = doc(
        "Tom Baxter and Sam Grant sat by the fire in the farmhouse kitchen.\n\n\
         \u{201c}Where have you been all day?\u{201d} said Tom.\n\n\
         \u{201c}Out in the top fields,\u{201d} he replied.",
    );
    assert_speaker(&d, "Where have you", "Tom Baxter");
    assert_speaker(&d, "top fields", "Sam Grant");
}

#[test]
fn an_occupation_noun_is_a_described_character_for_he() {
    // "coachman" (data/gendered_nouns.tsv) makes "the coachman" a male character, nearer
    // to "he said" than Tom Baxter.
    let d = doc(
        "Tom Baxter paid for his supper and went out into the yard of the inn.\n\n\
         The lamps had just been lit along the wall, and the rain that had fallen all \
         afternoon was still dripping from the eaves onto the cobbles. Four horses stood \
         steaming in the cold, their breath rising in clouds under the lanterns, and the \
         wheels of the old carriage were caked with the mud of the long road from the coast. \
         Somewhere a door banged twice and was still.\n\n\
         The coachman climbed down from his box and opened the door.\n\n\
         \u{201c}The roads are bad tonight,\u{201d} he said.",
    );
    assert_speaker(&d, "roads are bad", "the coachman");
}

#[test]
fn a_fictional_character_is_a_person_for_pronouns() {
    // The gazetteer labels the name CHARACTER; a he/she resolves to it as to a PERSON.
    let d = doc(
        "The old man from the farm had left a parcel on the step the night before.\n\n\
         Walter White was sitting at the kitchen table with his back to the window.\n\n\
         \u{201c}Bring me that parcel,\u{201d} said he.",
    );
    assert_speaker(&d, "Bring me", "Walter White");
}

#[test]
fn a_form_of_address_makes_a_mistyped_name_a_person() {
    // The entity model types "Madame Ferrand" a place here; the form of address makes it
    // a person the driver speaks to, who answers.
    let d = doc("The coach stopped at the inn before noon.\n\n\
         \"The roads were bad, Madame Ferrand,\" said the driver.\n\n\
         \"They are always bad in spring.\"");
    assert_speaker(&d, "always bad", "Madame Ferrand");
}

#[test]
fn two_people_calling_each_other_by_name_speak_each_others_turns() {
    // No cue anywhere: the first quote is spoken by the one the second addresses.
    let d = doc("The station was crowded that morning.\n\n\
         \"Walter, you look tired tonight.\"\n\n\
         \"I am tired, Clara. I have not slept for a week.\"\n\n\
         \"Surely it is only the heat.\"");
    assert_speaker(&d, "look tired", "Clara");
    assert_speaker(&d, "not slept", "Walter");
    assert_speaker(&d, "only the heat", "Clara");
}

#[test]
fn the_one_heard_speaks_not_the_hearer() {
    // "He heard …" before a quote paragraph: the hearer is the subject, the speaker is
    // the one heard (the owner of the voice, or the subject of the verb heard).
    let d = doc("Ann Lee went into the kitchen to speak to the cook. Tom Hart waited for her on the landing. He heard Ann Lee's voice.\n\n\
         \u{201c}I cannot stay long tonight.\u{201d}");
    assert_speaker(&d, "cannot stay", "Ann Lee");
    let d = doc("Ann Lee went into the kitchen. Tom Hart waited for her on the landing. He heard her speak.\n\n\
         \u{201c}I cannot stay long tonight.\u{201d}");
    assert_speaker(&d, "cannot stay", "Ann Lee");
}

#[test]
fn the_last_conjoined_clause_of_the_narration_acts_before_the_quote() {
    // The root's subject is "We"; the clause conjoined after it names who speaks next.
    let d = doc("The lamps were lit early that evening.\n\n\
         We waited in the hall for an hour; but at last Ann Lee came down the stairs.\n\n\
         \u{201c}You may all go home now.\u{201d}");
    assert_speaker(&d, "go home now", "Ann Lee");
}

#[test]
fn the_owner_of_the_subject_is_as_salient_as_a_subject() {
    // "The face of Tom Hart" / "Tom Hart's face" is the subject: Tom Hart is the topic a
    // he carries on, not the subject of the sentence before.
    for owner in ["The face of Tom Hart", "Tom Hart's face"] {
        let d = doc(&format!(
            "Ralph Dunn walked with his friend down to the river. {owner} grew pale.\n\n\
             \u{201c}I will go no further,\u{201d} said he."
        ));
        assert_speaker(&d, "no further", "Tom Hart");
    }
}
