//! People of an article: PERSON mentions grouped by surname, each with its fullest name,
//! a role ("showrunner", "Prime Minister", "a doctor") and a gender when the text states
//! one, so that "Rosenberg" and "she" both become "Melissa Rosenberg".

use std::collections::HashMap;
use std::sync::LazyLock;

use super::lexicon::{is_capitalised, is_punct, words, Word};
use crate::doc::{Document, EntityLabel, Span};
use crate::segment::in_title_case_line;

const ROLES: &str = include_str!("../../data/roles.txt");

static ROLE_WORDS: LazyLock<Vec<Vec<String>>> = LazyLock::new(|| {
    ROLES
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| l.split(' ').map(str::to_string).collect())
        .collect()
});

/// Whether `word` ends a role phrase ("showrunner", "Minister" of "Prime Minister").
fn is_role_head(word: &str) -> bool {
    let lower = word.to_lowercase();
    ROLE_WORDS
        .iter()
        .any(|r| r.last().is_some_and(|w| *w == lower))
}

const HONORIFICS_M: &[&str] = &["Mr", "Mr.", "Sir", "Lord"];
const HONORIFICS_F: &[&str] = &["Mrs", "Mrs.", "Ms", "Ms.", "Miss", "Dame", "Lady"];
const STOP_BEFORE_ROLE: &[&str] = &[
    "the", "a", "an", "his", "her", "their", "its", "said", "says", "and", "or", "with", "by",
    "to", "of", "for", "as", "that", "who", "when", "while", "but", "under", "from", "in", "at",
    "on", "about", "over", "after", "before", "than", "like", "between", "against",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gender {
    Male,
    Female,
}

#[derive(Debug, Clone)]
pub struct Person {
    pub name: String,
    pub role: Option<String>,
    pub gender: Option<Gender>,
    /// Mentions (name spans) in text order.
    pub mentions: Vec<Span>,
}

/// The people of one document.
#[derive(Debug, Default)]
pub struct People {
    pub persons: Vec<Person>,
}

/// A PERSON span cleaned of a leading role word and a trailing possessive.
fn clean_name(text: &str, span: Span) -> Option<Span> {
    let ws = words(text, span);
    let mut first = 0;
    while first < ws.len() && is_role_head(ws[first].text(text)) {
        first += 1;
    }
    let mut last = ws.len();
    while last > first && is_punct(ws[last - 1].text(text)) {
        last -= 1;
    }
    if first >= last {
        return None;
    }
    let mut end = ws[last - 1].span.end;
    let s = &text[ws[first].span.start..end];
    for suffix in ["'s", "’s"] {
        if s.ends_with(suffix) && s.len() > suffix.len() {
            end -= suffix.len();
        }
    }
    Some(Span::new(ws[first].span.start, end))
}

/// The role phrase right before a name: contiguous words ending in a role word
/// ("Democratic presidential nominee Hillary Clinton", "showrunner Melissa Rosenberg").
fn role_before(doc: &Document, name: Span) -> Option<String> {
    let text = &doc.text;
    let line_start = text[..name.start].rfind('\n').map_or(0, |i| i + 1);
    let from = name.start.saturating_sub(80).max(line_start);
    let from = (from..=name.start)
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(name.start);
    let ws: Vec<Word> = words(text, Span::new(from, name.start));
    let last = ws.last()?;
    if !is_role_head(last.text(text)) {
        return None;
    }
    let other_entity = |w: &Word| {
        doc.entities
            .iter()
            .any(|e| e.span.overlaps(w.span) && e.label != EntityLabel::Person)
    };
    let mut start = ws.len() - 1;
    while start > 0 {
        let w = ws[start - 1].text(text);
        if is_punct(w)
            || STOP_BEFORE_ROLE.contains(&w.to_lowercase().as_str())
            || other_entity(&ws[start - 1])
            || ws.len() - start >= 4
        {
            break;
        }
        start -= 1;
    }
    let role = &text[ws[start].span.start..last.span.end];
    Some(role.to_string())
}

/// An appositive after a name: ", a senior adviser," / ", the showrunner of X,".
fn role_after(doc: &Document, name: Span) -> Option<String> {
    let text = &doc.text;
    let rest = text[name.end..].strip_prefix(", ")?;
    let end = rest
        .find([',', '.', ';', '\n', '(', ')'])
        .unwrap_or(rest.len());
    let phrase = rest[..end].trim();
    let ws: Vec<&str> = phrase.split_whitespace().collect();
    if ws.len() < 2 || ws.len() > 8 || !matches!(ws[0], "a" | "an" | "the") {
        return None;
    }
    ws.iter()
        .any(|w| is_role_head(w.trim_matches(|c: char| !c.is_alphanumeric())))
        .then(|| phrase.to_string())
}

/// Adds a mention to the person with this exact name, creating them if needed.
fn add_mention(
    persons: &mut Vec<Person>,
    by_name: &mut HashMap<String, usize>,
    name: &str,
    span: Span,
) {
    let index = *by_name.entry(name.to_string()).or_insert_with(|| {
        persons.push(Person {
            name: name.to_string(),
            role: None,
            gender: None,
            mentions: Vec::new(),
        });
        persons.len() - 1
    });
    persons[index].mentions.push(span);
}

impl People {
    pub fn from_document(doc: &Document) -> Self {
        let text = &doc.text;
        let mut names: Vec<Span> = doc
            .entities
            .iter()
            .filter(|e| e.label == EntityLabel::Person)
            .filter_map(|e| clean_name(text, e.span))
            .collect();
        names.sort();
        // Full names make people; a surname alone joins the person with that surname
        // named most recently before it ("Clinton" after "Bill Clinton" is Bill, after
        // "Hillary Clinton" Hillary). Headlines only join people named elsewhere.
        let mut persons: Vec<Person> = Vec::new();
        let mut by_full_name: HashMap<String, usize> = HashMap::new();
        let mut short: Vec<Span> = Vec::new();
        let mut headline: Vec<Span> = Vec::new();
        for span in names {
            if in_title_case_line(text, span.start) {
                headline.push(span);
                continue;
            }
            let name = &text[span.start..span.end];
            if name.split_whitespace().count() < 2 {
                short.push(span);
                continue;
            }
            add_mention(&mut persons, &mut by_full_name, name, span);
        }
        let surname_of = |name: &str| name.split_whitespace().last().unwrap_or(name).to_string();
        for span in short.into_iter().chain(headline) {
            let name = &text[span.start..span.end];
            let surname = surname_of(name);
            let candidates: Vec<usize> = (0..persons.len())
                .filter(|&i| surname_of(&persons[i].name) == surname || persons[i].name == name)
                .collect();
            let chosen = candidates
                .iter()
                .copied()
                .filter_map(|i| {
                    persons[i]
                        .mentions
                        .iter()
                        .filter(|m| m.end <= span.start)
                        .map(|m| m.end)
                        .max()
                        .map(|last| (last, i))
                })
                .max()
                .map(|(_, i)| i)
                .or_else(|| candidates.first().copied());
            match chosen {
                Some(i) => persons[i].mentions.push(span),
                None if !in_title_case_line(text, span.start) => {
                    // A person only ever named by one word ("Kilgrave", "Obama").
                    add_mention(&mut persons, &mut by_full_name, name, span);
                }
                None => {}
            }
        }
        for person in &mut persons {
            person.mentions.sort();
            // Body text first: a headline's "Creator Dana Whitfield" is title-cased.
            let (body, headline): (Vec<Span>, Vec<Span>) = person
                .mentions
                .iter()
                .partition(|m| !in_title_case_line(text, m.start));
            person.role = body
                .iter()
                .chain(&headline)
                .find_map(|&m| role_before(doc, m).or_else(|| role_after(doc, m)));
            person.gender = gender_of(doc, person);
        }
        People { persons }
    }

    /// The person a name mention belongs to (it overlaps one of their mentions, or ends in
    /// their surname).
    pub fn person_at(&self, text: &str, mention: Span) -> Option<&Person> {
        self.persons
            .iter()
            .find(|p| p.mentions.iter().any(|m| m.overlaps(mention)))
            .or_else(|| {
                let ws: Vec<&str> = text[mention.start..mention.end]
                    .split(|c: char| !c.is_alphanumeric() && c != '-')
                    .filter(|w| is_capitalised(w))
                    .collect();
                self.persons.iter().find(|p| {
                    let surname = p.name.split_whitespace().last().unwrap_or("");
                    ws.contains(&surname)
                })
            })
    }

    /// The person a pronoun at `pos` most likely refers to: the nearest earlier mention,
    /// outside the `quoted` spans, of a person whose gender (when known) agrees.
    pub fn resolve_pronoun(&self, pronoun: &str, pos: usize, quoted: &[Span]) -> Option<&Person> {
        let wanted = match pronoun.to_lowercase().as_str() {
            "he" | "him" | "his" => Some(Gender::Male),
            "she" | "her" => Some(Gender::Female),
            _ => return None,
        };
        self.persons
            .iter()
            .filter(|p| p.gender.is_none() || p.gender == wanted)
            .filter_map(|p| {
                p.mentions
                    .iter()
                    // Names inside quotes are talked about, not talking.
                    .filter(|m| m.end <= pos && !quoted.iter().any(|q| q.contains(**m)))
                    .map(|m| m.end)
                    .max()
                    .map(|last| (last, p))
            })
            .max_by_key(|(last, _)| *last)
            .map(|(_, p)| p)
    }
}

/// Gender from an honorific ("Mr. Brandt") or from the pronouns of the sentence after a
/// sentence that names only this person.
fn gender_of(doc: &Document, person: &Person) -> Option<Gender> {
    let text = &doc.text;
    for m in &person.mentions {
        let before = text[..m.start].trim_end();
        let last = before.rsplit(char::is_whitespace).next().unwrap_or("");
        if HONORIFICS_M.contains(&last) {
            return Some(Gender::Male);
        }
        if HONORIFICS_F.contains(&last) {
            return Some(Gender::Female);
        }
    }
    let (mut male, mut female) = (0, 0);
    for m in &person.mentions {
        let Some(i) = doc.sentence_index_at(m.start) else {
            continue;
        };
        for j in [i, i + 1] {
            let Some(sentence) = doc.sentences.get(j) else {
                continue;
            };
            let from = if j == i { m.end } else { sentence.start };
            for w in text[from.min(sentence.end)..sentence.end]
                .split(|c: char| !c.is_alphanumeric())
                .take(12)
            {
                match w {
                    "he" | "He" | "his" | "His" | "him" => male += 1,
                    "she" | "She" | "her" | "Her" => female += 1,
                    _ => {}
                }
            }
        }
    }
    match male.cmp(&female) {
        std::cmp::Ordering::Greater => Some(Gender::Male),
        std::cmp::Ordering::Less => Some(Gender::Female),
        std::cmp::Ordering::Equal => None,
    }
}
