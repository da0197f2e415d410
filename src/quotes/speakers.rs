//! People of an article: PERSON mentions grouped by surname, each with its fullest name,
//! a role ("showrunner", "Prime Minister", "a doctor") and a gender when the text states
//! one, so that "Rosenberg" and "she" both become "Melissa Rosenberg".

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::LazyLock;

use super::lexicon::word_list;
use super::lexicon::{entities_overlapping, is_capitalised, is_determiner, is_punct, words, Word};
use crate::doc::{Document, EntityLabel, Span};
use crate::segment::TitleCaseLines;
use crate::syntax::Pos;

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

const HONORIFICS: &str = include_str!("../../data/honorifics.tsv");

/// What a kinship word is (`data/kinship.tsv`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kin {
    /// "wife", "husband": carries the possessor's surname.
    Spouse,
    /// "mother", "father": carries the possessor's surname.
    Parent,
    /// An honorific of a married person ("Mrs."), which a spouse or parent carries.
    Married,
}

/// Kinship nouns and married honorifics with their gender (`data/kinship.tsv`).
static KINSHIP: LazyLock<HashMap<&'static str, (Gender, Kin)>> = LazyLock::new(|| {
    tsv(include_str!("../../data/kinship.tsv"))
        .filter_map(|(w, rest)| {
            let (g, kind) = rest.split_once('\t')?;
            let kind = match kind.trim() {
                "spouse" => Kin::Spouse,
                "parent" => Kin::Parent,
                "married" => Kin::Married,
                _ => return None,
            };
            Some((w, (parse_gender(g)?, kind)))
        })
        .collect()
});

/// Titles in or before a name and the person noun that describes their bearer
/// (`data/title_nouns.tsv`: "Dr." -> "doctor").
static TITLE_NOUNS: LazyLock<HashMap<&'static str, &'static str>> = LazyLock::new(|| {
    tsv(include_str!("../../data/title_nouns.tsv"))
        .map(|(t, n)| (t, n.trim()))
        .collect()
});
const FIRST_NAMES: &str = include_str!("../../data/first_names.tsv");
const GENDERED_NOUNS: &str = include_str!("../../data/gendered_nouns.tsv");
/// Nouns for one person of unstated gender ("the nurse"), see [`add_described`].
static PERSON_NOUNS: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| word_list(include_str!("../../data/person_nouns.txt")));
/// Words that end a role phrase read leftwards from a name.
static STOP_BEFORE_ROLE: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| word_list(include_str!("../../data/stop_before_role.txt")));

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
    /// A character the text only describes ("the nurse", "the old man"): never named, so
    /// no surname, role or transcript label comes from it.
    pub nominal: bool,
}

/// The people of one document.
#[derive(Debug, Default)]
pub struct People {
    pub persons: Vec<Person>,
    /// Every mention with its person, sorted (mentions do not overlap).
    mentions: Vec<(Span, usize)>,
    by_name: HashMap<String, usize>,
    /// Persons by surname, in order of appearance.
    by_surname: HashMap<String, Vec<usize>>,
    /// Persons by each lower-case word of their role ("actress" -> the actress).
    by_role_word: HashMap<String, Vec<usize>>,
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

/// A name span without the words the parse says are no part of a name: a sentence
/// adverb or determiner before it ("Sometimes Dick", tagged as one PERSON) and an adverb
/// after it ("Henry languidly"). Unchanged without a parse; `None` when nothing is left.
fn trim_by_parse(doc: &Document, span: Span) -> Option<Span> {
    if doc.syntax.len() != doc.tokens.len() || doc.syntax.is_empty() {
        return Some(span);
    }
    let range = doc.tokens_in(span);
    if range.len() < 2 {
        return Some(span);
    }
    let not_name = |t: usize| {
        matches!(
            doc.syntax[t].pos,
            Some(Pos::Adv)
                | Some(Pos::Det)
                | Some(Pos::Intj)
                | Some(Pos::Adp)
                | Some(Pos::Cconj)
                | Some(Pos::Sconj)
                | Some(Pos::Pron)
                | Some(Pos::Aux)
                | Some(Pos::Verb)
        )
    };
    let (mut first, mut last) = (range.start, range.end - 1);
    while first < last && not_name(first) {
        first += 1;
    }
    while last > first && matches!(doc.syntax[last].pos, Some(Pos::Adv) | Some(Pos::Verb)) {
        last -= 1;
    }
    (first <= last).then(|| Span::new(doc.tokens[first].start, doc.tokens[last].end))
}

/// Names the entity tagger missed or gave another label ("Florence" tagged ORG for
/// Florence Linden): a capitalised word that is the first name or surname of exactly one
/// named person (or the one word a person is named by) becomes a mention of that person
/// when it is a one-word entity of another label, or no entity and not the first word of
/// a sentence. One pass over the tokens; each lookup a hash or a binary search.
fn add_untagged_names(doc: &Document, persons: &mut [Person]) {
    let text = &doc.text;
    let mut by_word: HashMap<&str, Option<usize>> = HashMap::new();
    for (i, p) in persons.iter().enumerate() {
        let ws: Vec<&str> = p.name.split_whitespace().collect();
        let keys: Vec<&str> = match ws.as_slice() {
            [only] => vec![*only],
            [first, .., last] if !is_honorific(first) => vec![*first, *last],
            [_, .., last] => vec![*last],
            [] => vec![],
        };
        for k in keys {
            let e = by_word.entry(k).or_insert(Some(i));
            if *e != Some(i) {
                *e = None;
            }
        }
    }
    let is_known = overlaps_a_mention(persons);
    let mut added: Vec<(usize, Span)> = Vec::new();
    for (ti, t) in doc.tokens.iter().enumerate() {
        let span = Span::new(t.start, t.end);
        let Some(w) = text.get(t.start..t.end) else {
            continue;
        };
        if w.len() < 3 || !is_capitalised(w) || !w.chars().all(char::is_alphabetic) {
            continue;
        }
        let Some(&Some(p)) = by_word.get(w) else {
            continue;
        };
        if is_known(span) {
            continue;
        }
        let entities = entities_overlapping(doc, span);
        let ok = match entities {
            [] => {
                // Not the first word of a sentence ("Long ago …" is no Mrs. Long), unless
                // the parse makes it a proper noun subject ("Ogden sighed.").
                let before = text[..t.start].trim_end_matches([' ', '"', '“', '‘', '\'']);
                let mid_sentence =
                    ti > 0 && !before.is_empty() && !before.ends_with(['.', '!', '?', '\n', ':']);
                let subject = doc.syntax.len() == doc.tokens.len()
                    && doc.syntax[ti].tag == "NNP"
                    && doc.syntax[ti].dep.starts_with("nsubj");
                mid_sentence || subject
            }
            [e] => e.label != EntityLabel::Person && e.span == span,
            _ => false,
        };
        if ok {
            added.push((p, span));
        }
    }
    for (p, span) in added {
        persons[p].mentions.push(span);
    }
}

/// The role phrase right before a name: contiguous words ending in a role word
/// ("Democratic presidential nominee Hillary Clinton", "showrunner Melissa Rosenberg").
fn role_before(doc: &Document, name: Span) -> Option<String> {
    let text = &doc.text;
    let from = name.start.saturating_sub(80);
    let from = (from..=name.start)
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(name.start);
    // Within the name's line (looking back at most 80 bytes).
    let from = text[from..name.start]
        .rfind('\n')
        .map_or(from, |i| from + i + 1);
    let ws: Vec<Word> = words(text, Span::new(from, name.start));
    let last = ws.last()?;
    if !is_role_head(last.text(text)) {
        return None;
    }
    let other_entity = |w: &Word| {
        entities_overlapping(doc, w.span)
            .iter()
            .any(|e| e.label != EntityLabel::Person)
    };
    let mut start = ws.len() - 1;
    while start > 0 {
        let w = ws[start - 1].text(text);
        if is_punct(w)
            || STOP_BEFORE_ROLE.contains(w.to_lowercase().as_str())
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
) -> usize {
    let index = *by_name.entry(name.to_string()).or_insert_with(|| {
        persons.push(Person {
            name: name.to_string(),
            role: None,
            gender: None,
            mentions: Vec::new(),
            nominal: false,
        });
        persons.len() - 1
    });
    persons[index].mentions.push(span);
    index
}

impl People {
    pub fn from_document(doc: &Document) -> Self {
        let text = &doc.text;
        let title_case = TitleCaseLines::new(text);
        let mut names: Vec<Span> = doc
            .entities
            .iter()
            .filter(|e| e.label == EntityLabel::Person)
            .filter_map(|e| clean_name(text, e.span))
            .filter_map(|span| trim_by_parse(doc, span))
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
            if title_case.at(span.start) {
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
        // Persons by surname, and the ends of each person's mentions so far (ordered), so
        // that "the namesake mentioned most recently" is a logarithmic lookup.
        let mut by_surname: HashMap<String, Vec<usize>> = HashMap::new();
        let mut ends: Vec<BTreeSet<usize>> = Vec::new();
        for (i, p) in persons.iter().enumerate() {
            by_surname.entry(surname_of(&p.name)).or_default().push(i);
            ends.push(p.mentions.iter().map(|m| m.end).collect());
        }
        // A one-word name that is the first name of exactly one person ("Daniel" after
        // "Daniel Ortega") is that person when no surname matches.
        let mut by_first_name: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, p) in persons.iter().enumerate() {
            if let Some(first) = p.name.split_whitespace().next() {
                by_first_name.entry(first.to_string()).or_default().push(i);
            }
        }
        // A first gender for the full names, from their own mentions (honorifics, the
        // pronouns after them, the first name), so a surname with an honorific does not
        // join a namesake of the other gender ("Mrs. Ford" is not "Jock Ford").
        let no_counts = HashMap::new();
        let mut first_gender: Vec<Option<Gender>> = persons
            .iter()
            .map(|p| gender_of(doc, p, &no_counts))
            .collect();
        for span in short.into_iter().chain(headline) {
            let name = &text[span.start..span.end];
            let surname = surname_of(name);
            let mut candidates: Vec<usize> = by_surname.get(&surname).cloned().unwrap_or_default();
            if candidates.is_empty() {
                if let Some(only) = by_first_name.get(name).filter(|l| l.len() == 1) {
                    candidates = only.clone();
                }
            }
            // "Mr. Pett" is not "Nesta Pett": an honorific's gender must agree with the
            // gender the candidate's own honorific or first name gives.
            let wanted = honorific_gender(text, span);
            let own_gender = |i: usize, persons: &[Person], first_gender: &[Option<Gender>]| {
                let p = &persons[i];
                p.mentions
                    .first()
                    .and_then(|m| honorific_gender(text, *m))
                    .or_else(|| first_name_gender(&p.name))
                    .or_else(|| first_gender.get(i).copied().flatten())
            };
            if let Some(wanted) = wanted {
                candidates.retain(|&i| {
                    own_gender(i, &persons, &first_gender).is_none_or(|g| g == wanted)
                });
                // "Mrs. Lennox" is not Mary Lennox when the same paragraph calls Mary by
                // her first name: two forms of address side by side are two people
                // (mother and daughter, father and son).
                candidates.retain(|&i| !first_name_nearby(text, &persons[i].name, span));
                // A namesake known to agree beats one of unknown gender ("Mr. Pett" is
                // Peter Pett, not Nesta Pett whose gender the text has not said yet).
                if candidates
                    .iter()
                    .any(|&i| own_gender(i, &persons, &first_gender) == Some(wanted))
                {
                    candidates.retain(|&i| own_gender(i, &persons, &first_gender) == Some(wanted));
                }
            }
            // A titled person made earlier ("Mrs. Lennox", kept apart from Mary Lennox)
            // is who the same title and surname name again.
            let titled = honorific_before(text, span)
                .filter(|_| wanted.is_some())
                .and_then(|h| by_full_name.get(&format!("{h} {name}")));
            if let Some(&i) = titled {
                candidates = vec![i];
            }
            if let Some(&i) = by_full_name.get(name) {
                if !candidates.contains(&i) {
                    candidates.push(i);
                    candidates.sort_unstable();
                }
            }
            let chosen = candidates
                .iter()
                .filter_map(|&i| ends[i].range(..=span.start).next_back().map(|&e| (e, i)))
                .max()
                .map(|(_, i)| i)
                .or_else(|| candidates.first().copied());
            match chosen {
                Some(i) => {
                    // The honorific now tells this person's gender ("Mrs. Pett" joined
                    // Nesta Pett, so a later "Mr. Pett" is someone else).
                    if let (Some(g), Some(slot)) = (wanted, first_gender.get_mut(i)) {
                        slot.get_or_insert(g);
                    }
                    persons[i].mentions.push(span);
                    ends[i].insert(span.end);
                }
                None if !title_case.at(span.start) => {
                    // A person only ever named by one word ("Kilgrave", "Obama"); with an
                    // honorific, that is part of the name, so "Mr. Bennet" and "Mrs.
                    // Bennet" stay two people.
                    let titled = honorific_before(text, span)
                        .filter(|_| wanted.is_some())
                        .map(|h| format!("{h} {name}"));
                    let key = titled.as_deref().unwrap_or(name);
                    let i = add_mention(&mut persons, &mut by_full_name, key, span);
                    if ends.len() <= i {
                        by_surname.entry(surname).or_default().push(i);
                        ends.push(BTreeSet::new());
                    }
                    ends[i].insert(span.end);
                }
                None => {}
            }
        }
        add_untagged_names(doc, &mut persons);
        // How many different people each sentence names: pronouns after a sentence that
        // names several people say nothing about the gender of one of them.
        let mut people_in_sentence: HashMap<usize, (usize, usize)> = HashMap::new();
        for (i, p) in persons.iter().enumerate() {
            for m in &p.mentions {
                if let Some(si) = doc.sentence_index_at(m.start) {
                    let e = people_in_sentence.entry(si).or_insert((i, 0));
                    if e.0 != i || e.1 == 0 {
                        e.1 += usize::from(e.0 != i || e.1 == 0);
                        e.0 = i;
                    }
                }
            }
        }
        for person in &mut persons {
            person.mentions.sort();
            // Body text first: a headline's "Creator Dana Whitfield" is title-cased.
            let (body, headline): (Vec<Span>, Vec<Span>) = person
                .mentions
                .iter()
                .partition(|m| !title_case.at(m.start));
            person.role = body
                .iter()
                .chain(&headline)
                .find_map(|&m| role_before(doc, m).or_else(|| role_after(doc, m)));
            person.gender = gender_of(doc, person, &people_in_sentence);
        }
        add_described(doc, &mut persons, &people_in_sentence);
        let mut mentions: Vec<(Span, usize)> = persons
            .iter()
            .enumerate()
            .flat_map(|(i, p)| p.mentions.iter().map(move |&m| (m, i)))
            .collect();
        mentions.sort();
        let mut by_name = HashMap::new();
        let mut by_surname: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, p) in persons.iter().enumerate() {
            by_name.entry(p.name.clone()).or_insert(i);
            if !p.nominal {
                by_surname.entry(surname_of(&p.name)).or_default().push(i);
            }
        }
        let mut by_role_word: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, p) in persons.iter().enumerate() {
            for w in p.role.iter().flat_map(|r| r.split_whitespace()) {
                let w = w
                    .trim_matches(|c: char| !c.is_alphanumeric())
                    .to_lowercase();
                let list = by_role_word.entry(w).or_default();
                if list.last() != Some(&i) {
                    list.push(i);
                }
            }
        }
        People {
            persons,
            mentions,
            by_name,
            by_surname,
            by_role_word,
        }
    }

    /// The person mentions inside `span`, in text order.
    pub fn mentions_in(&self, span: Span) -> impl Iterator<Item = (Span, &Person)> {
        let i = self.mentions.partition_point(|(m, _)| m.start < span.start);
        self.mentions[i..]
            .iter()
            .take_while(move |(m, _)| m.end <= span.end)
            .map(|&(m, p)| (m, &self.persons[p]))
    }

    /// The first person whose surname (last word of the name) is `word`.
    pub fn by_surname(&self, word: &str) -> Option<&Person> {
        self.by_surname
            .get(word)
            .and_then(|l| l.first())
            .map(|&i| &self.persons[i])
    }

    /// The person with this canonical name.
    pub fn by_name(&self, name: &str) -> Option<&Person> {
        self.by_name.get(name).map(|&i| &self.persons[i])
    }

    /// The person a name mention belongs to (it overlaps one of their mentions, or ends in
    /// their surname).
    pub fn person_at(&self, text: &str, mention: Span) -> Option<&Person> {
        let i = self
            .mentions
            .partition_point(|(m, _)| m.end <= mention.start);
        self.mentions[i..]
            .iter()
            .take_while(|(m, _)| m.start < mention.end)
            .find(|(m, _)| m.overlaps(mention))
            .map(|&(_, p)| &self.persons[p])
            .or_else(|| {
                let words = text.get(mention.start..mention.end).unwrap_or("");
                // "Mr Woodhouse" is not "Emma Woodhouse": an honorific's gender must agree.
                let wanted = words
                    .split_whitespace()
                    .find_map(|w| GENDER_WORDS.honorifics.get(w).copied().flatten());
                let agrees = |i: &usize| {
                    let p = &self.persons[*i];
                    let own = p.gender.or_else(|| first_name_gender(&p.name));
                    wanted.is_none() || own.is_none() || own == wanted
                };
                let mut ws = words
                    .split(|c: char| !c.is_alphanumeric() && c != '-')
                    .filter(|w| is_capitalised(w));
                // The first person (in order of appearance) whose surname is a word here.
                ws.try_fold(None::<usize>, |best, w| {
                    let found = self
                        .by_surname
                        .get(w)
                        .and_then(|l| l.iter().copied().find(agrees));
                    Some(match (best, found) {
                        (Some(b), Some(f)) => Some(b.min(f)),
                        (b, f) => b.or(f),
                    })
                })
                .flatten()
                .map(|i| &self.persons[i])
            })
    }

    /// The person a description refers to ("the actress", "the young showrunner"): among
    /// the people whose role holds the description's last word, the one named most
    /// recently before `pos`; none when no one was given that role.
    pub fn resolve_description(&self, words: &str, pos: usize) -> Option<&Person> {
        let ws: Vec<&str> = words.split_whitespace().collect();
        let first = ws.first()?.to_lowercase();
        if ws.len() < 2 || !is_determiner(&first) {
            return None;
        }
        let head = ws
            .last()?
            .trim_matches(|c: char| !c.is_alphanumeric())
            .to_lowercase();
        let wanted = noun_gender(&head);
        self.by_role_word
            .get(&head)?
            .iter()
            .map(|&i| &self.persons[i])
            .filter(|p| wanted.is_none() || p.gender.is_none() || p.gender == wanted)
            .filter_map(|p| {
                let k = p.mentions.partition_point(|m| m.end <= pos);
                k.checked_sub(1).map(|k| (p.mentions[k].end, p))
            })
            .max_by_key(|(end, _)| *end)
            .map(|(_, p)| p)
    }

    /// Mentions outside quotes, by the gender of their person, for pronoun resolution.
    pub fn resolver(&self, doc: &Document, quoted: &[Span]) -> PronounResolver {
        let mut quoted = quoted.to_vec();
        quoted.sort();
        let in_quote = |m: Span| {
            let q = quoted.partition_point(|q| q.start <= m.start);
            q > 0 && quoted[q - 1].contains(m)
        };
        // Mentions outside quotes (names inside quotes are talked about, not talking) and,
        // for the chain, the he/she of the narration, merged in text order.
        let mut events: Vec<(Span, Option<usize>)> = self
            .mentions
            .iter()
            .filter(|(m, _)| !in_quote(*m))
            .map(|&(m, p)| (m, Some(p)))
            .collect();
        {
            let text = &doc.text;
            for t in &doc.tokens {
                let span = Span::new(t.start, t.end);
                let w = text.get(t.start..t.end).unwrap_or("");
                if matches!(w, "he" | "He" | "she" | "She") && !in_quote(span) {
                    events.push((span, None));
                }
            }
            events.sort_by_key(|(m, _)| (m.start, m.end));
        }
        let mut resolver = PronounResolver {
            lists: Default::default(),
            subject_first: true,
        };
        for (m, p) in events {
            let subject = super::syntax_view::is_subject_at(doc, m.start).unwrap_or(true)
                || owns_the_subject(doc, m);
            let p = match p {
                Some(p) => p,
                None => {
                    // A he/she of the narration carries on the person it resolves to, so
                    // the topic of a passage stays salient ("She was grinding her teeth …").
                    let w = doc.text.get(m.start..m.end).unwrap_or("");
                    match resolver.resolve_index(self, w, m.start, None) {
                        Some((_, p)) => p,
                        None => continue,
                    }
                }
            };
            let slot = match self.persons[p].gender {
                Some(Gender::Male) => 0,
                Some(Gender::Female) => 1,
                None => 2,
            };
            resolver.lists[slot].push((m.end, p, subject));
        }
        resolver
    }
}

/// Whether the mention `m` owns the subject of its clause ("Ann's heart was full", "The
/// mind of Ann was hushed"): the topic of the sentence as much as a subject is. Needs the
/// parse; reads the arcs of the mention's last token and two heads above it.
fn owns_the_subject(doc: &Document, m: Span) -> bool {
    if doc.syntax.len() != doc.tokens.len() || m.end == 0 {
        return false;
    }
    let t = doc.token_index_at(m.end - 1);
    let Some(s) = doc.syntax.get(t) else {
        return false;
    };
    let subject = |k: usize| {
        doc.syntax
            .get(k)
            .is_some_and(|x| x.dep.starts_with("nsubj"))
    };
    match s.dep.as_str() {
        "poss" => subject(s.head),
        "pobj" => {
            let prep = s.head;
            doc.syntax.get(prep).is_some_and(|p| {
                p.dep == "prep"
                    && doc.text.get(doc.tokens[prep].start..doc.tokens[prep].end) == Some("of")
                    && subject(p.head)
            })
        }
        _ => false,
    }
}

/// How much nearer (in bytes) a person of unknown gender must be to beat a person whose
/// gender agrees with the pronoun.
const AGREEMENT_WINDOW: usize = 400;

/// Resolves he/she by agreement: the nearest earlier mention, outside quotes, of a person
/// whose gender agrees (or is unknown).
pub struct PronounResolver {
    /// (mention end, person, is a subject) sorted, for male, female and unknown gender.
    lists: [Vec<(usize, usize, bool)>; 3],
    /// Prefer a subject a little farther back to a nearer object.
    subject_first: bool,
}

/// How far back (bytes) before the nearest description a named person of the same
/// gender slot still beats it (tuned on the first 70 LitBank excerpts: 100 to 500 all
/// gain; 300 in the middle).
const NOMINAL_WINDOW: usize = 300;

/// How far back (bytes) before the nearest candidate a subject still beats it.
const SUBJECT_REACH: usize = 250;

impl PronounResolver {
    /// The person `pronoun` (he/she) at byte `pos` refers to, if any.
    pub fn resolve<'p>(&self, people: &'p People, pronoun: &str, pos: usize) -> Option<&'p Person> {
        self.resolve_at(people, pronoun, pos).map(|(_, p)| p)
    }

    /// The person `pronoun` at byte `pos` resolves to, with the end of the mention it rests on.
    pub fn resolve_at<'p>(
        &self,
        people: &'p People,
        pronoun: &str,
        pos: usize,
    ) -> Option<(usize, &'p Person)> {
        self.resolve_except(people, pronoun, pos, None)
    }

    /// Like [`Self::resolve_at`], passing over the person named `except` (someone the
    /// quote addresses does not speak it: “Wake up, Philip,” she said).
    pub fn resolve_except<'p>(
        &self,
        people: &'p People,
        pronoun: &str,
        pos: usize,
        except: Option<&str>,
    ) -> Option<(usize, &'p Person)> {
        self.resolve_index(people, pronoun, pos, except)
            .map(|(end, p)| (end, &people.persons[p]))
    }

    fn resolve_index(
        &self,
        people: &People,
        pronoun: &str,
        pos: usize,
        except: Option<&str>,
    ) -> Option<(usize, usize)> {
        let slots: &[usize] = match pronoun_gender(pronoun)? {
            Gender::Male => &[0, 2],
            Gender::Female => &[1, 2],
        };
        let nearest = |s: usize| {
            let l = &self.lists[s];
            let i = l.partition_point(|&(end, _, _)| end <= pos);
            // A bounded walk back past the excluded person's mentions.
            let mut back = l[..i]
                .iter()
                .rev()
                .take(16)
                .filter(|&&(_, p, _)| except.is_none_or(|n| people.persons[p].name != n));
            let mut first = *back.next()?;
            if people.persons[first.1].nominal {
                // A named person not much farther back wins over a description: a
                // described character ("his nurse", "the servant") is seldom the topic
                // a he/she carries on.
                let named = back
                    .clone()
                    .find(|c| !people.persons[c.1].nominal && c.0 + NOMINAL_WINDOW >= first.0);
                if let Some(n) = named {
                    first = *n;
                }
            }
            if !self.subject_first || first.2 {
                return Some((first.0, first.1));
            }
            let subject = back
                .take(8)
                .take_while(|c| c.0 + SUBJECT_REACH >= first.0)
                .find(|c| c.2);
            Some(subject.map_or((first.0, first.1), |c| (c.0, c.1)))
        };
        // A person known to agree wins over a nearer person of unknown gender unless that
        // one is much nearer (same stretch of text).
        let known = nearest(slots[0]);
        let unknown = nearest(slots[1]);
        let chosen = match (known, unknown) {
            (Some(k), Some(u)) if u.0 > k.0 + AGREEMENT_WINDOW => u,
            (Some(k), _) => k,
            (None, u) => u?,
        };
        Some(chosen)
    }
}

/// The gender a third-person singular pronoun asks for.
pub fn pronoun_gender(pronoun: &str) -> Option<Gender> {
    match pronoun.to_lowercase().as_str() {
        "he" | "him" | "his" => Some(Gender::Male),
        "she" | "her" => Some(Gender::Female),
        _ => None,
    }
}

struct GenderWords {
    honorifics: HashMap<String, Option<Gender>>,
    first_names: HashMap<String, Gender>,
    nouns: HashMap<String, Gender>,
}

fn parse_gender(tag: &str) -> Option<Gender> {
    match tag.trim() {
        "M" => Some(Gender::Male),
        "F" => Some(Gender::Female),
        _ => None,
    }
}

fn tsv(text: &str) -> impl Iterator<Item = (&str, &str)> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| l.split_once('\t'))
}

static GENDER_WORDS: LazyLock<GenderWords> = LazyLock::new(|| GenderWords {
    honorifics: tsv(HONORIFICS)
        .map(|(w, g)| (w.to_string(), parse_gender(g)))
        .collect(),
    first_names: tsv(FIRST_NAMES)
        .filter_map(|(w, g)| Some((w.to_string(), parse_gender(g)?)))
        .collect(),
    nouns: tsv(GENDERED_NOUNS)
        .filter_map(|(w, g)| Some((w.to_string(), parse_gender(g)?)))
        .collect(),
});

/// Whether an entity the model labels a place, an organisation, a group or a product is
/// a person after all: a form of address (`data/address_forms.txt`) and a capitalised
/// word ("Aunt Maud" typed ORG, "Madame Ferrand" typed LOC). Creative works are left
/// alone ("Miss Piggy" the show).
pub fn address_form_names_person(label: &EntityLabel, words: &str) -> bool {
    static FORMS: LazyLock<HashSet<&'static str>> =
        LazyLock::new(|| word_list(include_str!("../../data/address_forms.txt")));
    let mistyped = matches!(
        label,
        EntityLabel::Org
            | EntityLabel::Gpe
            | EntityLabel::Loc
            | EntityLabel::Fac
            | EntityLabel::Product
            | EntityLabel::Norp
    );
    let mut ws = words.split_whitespace();
    let (Some(first), Some(second)) = (ws.next(), ws.next()) else {
        return false;
    };
    mistyped && FORMS.contains(first) && second.chars().next().is_some_and(char::is_uppercase)
}

/// Whether `word` is an honorific or form of address ("Mr.", "Mrs", "Dr.").
pub fn is_honorific(word: &str) -> bool {
    GENDER_WORDS.honorifics.contains_key(word)
}

/// The honorific right before a name ("Mrs." of "Mrs. Lennox"), if any.
fn honorific_before(text: &str, name: Span) -> Option<&str> {
    let before = text[..name.start].trim_end();
    let last = before.rsplit(char::is_whitespace).next()?;
    GENDER_WORDS.honorifics.contains_key(last).then_some(last)
}

/// The gender of the honorific right before a name or opening it ("Mrs. Lennox").
fn honorific_gender(text: &str, name: Span) -> Option<Gender> {
    let before = text[..name.start].trim_end();
    let last = before.rsplit(char::is_whitespace).next().unwrap_or("");
    let first = text[name.start..name.end]
        .split_whitespace()
        .next()
        .unwrap_or("");
    [last, first]
        .iter()
        .find_map(|w| GENDER_WORDS.honorifics.get(*w).copied().flatten())
}

/// The gender of a name's first word when it is an unambiguous given name.
/// How far (bytes) around a mention its paragraph is searched for another form of a name.
const NEARBY_REACH: usize = 600;

/// Whether the first name of the full name `name` stands alone as a word in the paragraph
/// of `span` (within [`NEARBY_REACH`] bytes), outside `span`.
fn first_name_nearby(text: &str, name: &str, span: Span) -> bool {
    let mut words = name.split_whitespace();
    let (Some(first), Some(_)) = (words.next(), words.next()) else {
        return false;
    };
    if is_honorific(first) || !first.chars().next().is_some_and(char::is_uppercase) {
        return false;
    }
    let mut from = span.start.saturating_sub(NEARBY_REACH);
    while !text.is_char_boundary(from) {
        from += 1;
    }
    let mut to = (span.end + NEARBY_REACH).min(text.len());
    while !text.is_char_boundary(to) {
        to -= 1;
    }
    // The paragraph: the lines around the mention (hard wraps are undone upstream).
    let from = text[from..span.start]
        .rfind('\n')
        .map_or(from, |k| from + k + 1);
    let to = text[span.end..to].find('\n').map_or(to, |k| span.end + k);
    let alone = |at: usize, end: usize| {
        let before = text[..at].chars().next_back();
        let after = text[end..].chars().next();
        // Not the start of the full name again ("Mary Lennox").
        let full = text[end..]
            .strip_prefix(' ')
            .and_then(|r| r.chars().next())
            .is_some_and(char::is_uppercase);
        before.is_none_or(|c| !c.is_alphanumeric())
            && after.is_none_or(|c| !c.is_alphanumeric())
            && !full
    };
    [(from, span.start), (span.end, to)]
        .into_iter()
        .any(|(a, b)| {
            text[a..b]
                .match_indices(first)
                .any(|(k, _)| alone(a + k, a + k + first.len()))
        })
}

fn first_name_gender(name: &str) -> Option<Gender> {
    let first = name.split_whitespace().next()?;
    GENDER_WORDS.first_names.get(first).copied()
}

/// The gender of a person noun ("actress", "man"), if it has one.
pub fn noun_gender(word: &str) -> Option<Gender> {
    GENDER_WORDS.nouns.get(&word.to_lowercase()).copied()
}

/// Gender from an honorific ("Mr. Brandt", inside or before the name), from an
/// unambiguous first name, or else from the pronouns of the sentence after a mention.
fn gender_of(
    doc: &Document,
    person: &Person,
    people_in_sentence: &HashMap<usize, (usize, usize)>,
) -> Option<Gender> {
    let text = &doc.text;
    let gw = &*GENDER_WORDS;
    for m in &person.mentions {
        let before = text[..m.start].trim_end();
        let last = before.rsplit(char::is_whitespace).next().unwrap_or("");
        let first = text[m.start..m.end].split_whitespace().next().unwrap_or("");
        for w in [last, first] {
            if let Some(Some(g)) = gw.honorifics.get(w) {
                return Some(*g);
            }
        }
    }
    // An unambiguous first name outweighs the pronouns near the name: those often belong
    // to someone else of the sentence ("Charlotte … he said").
    let first = person.name.split_whitespace().next().unwrap_or("");
    if let Some(g) = gw.first_names.get(first) {
        return Some(*g);
    }
    let (mut male, mut female) = (0, 0);
    for m in &person.mentions {
        let Some(i) = doc.sentence_index_at(m.start) else {
            continue;
        };
        if people_in_sentence.get(&i).is_some_and(|&(_, n)| n > 1) {
            continue;
        }
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

/// Whether a lower-case noun names one person ("nurse", "old man"'s "man").
fn is_person_noun(lower: &str) -> bool {
    GENDER_WORDS.nouns.contains_key(lower) || PERSON_NOUNS.contains(lower)
}

/// A description of one person outside any name: a determiner, at most three modifiers and
/// a person noun ("the nurse", "a small boy", "his wife", "The Old Man").
struct Description {
    span: Span,
    /// The head noun, lower case.
    head: String,
    gender: Option<Gender>,
}

/// The descriptions of a document, in text order (one pass over its tokens). With a parse,
/// the head must be a noun that is no compound modifier ("a woman servant" is a servant).
fn descriptions(doc: &Document) -> Vec<Description> {
    let text = &doc.text;
    let toks = &doc.tokens;
    let parsed = !doc.syntax.is_empty() && doc.syntax.len() == toks.len();
    let tok = |i: usize| text.get(toks[i].start..toks[i].end).unwrap_or("");
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        if !is_determiner(tok(i)) {
            i += 1;
            continue;
        }
        let mut gender = None;
        let mut found = None;
        for j in i + 1..(i + 5).min(toks.len()) {
            let w = tok(j);
            let wordlike = !w.is_empty() && w.chars().all(|c| c.is_alphabetic() || c == '-');
            if !wordlike || is_determiner(w) {
                break;
            }
            let lower = w.to_lowercase();
            gender = gender.or_else(|| noun_gender(&lower));
            if !is_person_noun(&lower) {
                continue;
            }
            let head = !parsed
                || (matches!(doc.syntax[j].pos, Some(Pos::Noun) | Some(Pos::Propn))
                    && doc.syntax[j].dep != "compound");
            if head {
                found = Some((j, lower));
                break;
            }
        }
        let Some((mut j, mut head)) = found else {
            i += 1;
            continue;
        };
        // "the child's nurse" is a nurse: a possessive noun is no head when a person
        // noun follows it (at most one modifier between).
        if matches!(toks.get(j + 1).map(|_| tok(j + 1)), Some("'s" | "’s")) {
            let next = (j + 2..(j + 4).min(toks.len()))
                .take_while(|&k| tok(k).chars().all(|c| c.is_alphabetic() || c == '-'))
                .find(|&k| is_person_noun(&tok(k).to_lowercase()));
            if let Some(k) = next {
                j = k;
                head = tok(k).to_lowercase();
                gender = noun_gender(&head);
            }
        }
        let span = Span::new(toks[i].start, toks[j].end);
        let named = entities_overlapping(doc, span)
            .iter()
            .any(|e| e.label == EntityLabel::Person);
        if !named {
            out.push(Description {
                span,
                gender: noun_gender(&head).or(gender),
                head,
            });
        }
        i = j + 1;
    }
    out
}

/// The word right before a mention when it is an honorific or a title ("Dr.", "Parson").
fn honorific_or_title_before(text: &str, m: Span) -> Option<&str> {
    let before = text[..m.start].trim_end();
    let last = before.rsplit(char::is_whitespace).next()?;
    (GENDER_WORDS.honorifics.contains_key(last) || TITLE_NOUNS.contains_key(last)).then_some(last)
}

/// Descriptions the text gives a name by apposition ("the artist himself, Basil
/// Hallward," / "Basil Hallward, the artist," / "a man named Ames"): for each head noun,
/// the one named person so linked (`None` when the text links it to several). A linked
/// person's gender must agree with the noun's. One pass over the descriptions, each
/// lookup a binary search.
fn appositive_names(
    text: &str,
    persons: &[Person],
    described: &[Description],
) -> HashMap<String, Option<usize>> {
    let mut mentions: Vec<(Span, usize)> = persons
        .iter()
        .enumerate()
        .flat_map(|(i, p)| p.mentions.iter().map(move |&m| (m, i)))
        .collect();
    mentions.sort_unstable_by_key(|(m, _)| (m.start, m.end));
    let starting_at = |pos: usize| {
        let k = mentions.partition_point(|(m, _)| m.start < pos);
        mentions.get(k).filter(|(m, _)| m.start == pos).copied()
    };
    let ending_at = |pos: usize| {
        let k = mentions.partition_point(|(m, _)| m.end <= pos);
        k.checked_sub(1)
            .map(|k| mentions[k])
            .filter(|(m, _)| m.end == pos)
    };
    let mut out: HashMap<String, Option<usize>> = HashMap::new();
    for d in described {
        // After: ", Name" (an honorific may open it), or "named Name".
        let rest = &text[d.span.end..];
        let rest_trimmed = rest
            .strip_prefix(" himself")
            .or_else(|| rest.strip_prefix(" herself"))
            .unwrap_or(rest);
        let after = rest_trimmed
            .strip_prefix(',')
            .or_else(|| rest_trimmed.strip_prefix(" named"))
            .or_else(|| rest_trimmed.strip_prefix(" called"))
            .and_then(|r| {
                let r2 = r.trim_start();
                let mut pos = text.len() - r2.len();
                if let Some(h) = r2.split_whitespace().next().filter(|w| is_honorific(w)) {
                    pos += h.len() + (r2[h.len()..].len() - r2[h.len()..].trim_start().len());
                }
                let (m, p) = starting_at(pos)?;
                // The name closes the apposition: punctuation or a relative pronoun next.
                let next = text[m.end..].trim_start();
                let closed = next.starts_with([',', '.', ';', ':', '!', '?', ')', '—'])
                    || next.starts_with("who ");
                closed.then_some(p)
            });
        // Before: "Name, the artist," (closed by a comma).
        let before = || {
            let b = text[..d.span.start].trim_end();
            let b = b.strip_suffix(',')?.trim_end();
            let (_, p) = ending_at(b.len())?;
            text[d.span.end..].starts_with(',').then_some(p)
        };
        let Some(p) = after.or_else(before) else {
            continue;
        };
        let agrees = d.gender.is_none() || persons[p].gender.is_none_or(|g| Some(g) == d.gender);
        if !agrees {
            continue;
        }
        let e = out.entry(d.head.clone()).or_insert(Some(p));
        if *e != Some(p) {
            *e = None;
        }
    }
    out
}

/// The named people by surname, for kinship possessives ("his wife" of Mr. Bennet is the
/// Mrs. Bennet the text names).
struct Family {
    /// Every mention of a named person, by end: (end, person).
    mentions: Vec<(usize, usize)>,
    by_surname: HashMap<String, Vec<usize>>,
    /// The gender of each named person, from their own gender or a gendered honorific.
    gender: Vec<Option<Gender>>,
    /// Whether a person carries a married honorific ("Mrs. Bennet").
    married: Vec<bool>,
    /// The one married man and the one married woman the text names, if only one.
    only_married: [Option<usize>; 2],
}

/// How many mentions back the possessor of "his"/"her" is looked for.
const POSSESSOR_REACH: usize = 40;

impl Family {
    fn new(text: &str, persons: &[Person]) -> Self {
        let mut mentions: Vec<(usize, usize)> = persons
            .iter()
            .enumerate()
            .flat_map(|(i, p)| p.mentions.iter().map(move |m| (m.end, i)))
            .collect();
        mentions.sort_unstable();
        let mut by_surname: HashMap<String, Vec<usize>> = HashMap::new();
        let mut gender = Vec::with_capacity(persons.len());
        let mut married = Vec::with_capacity(persons.len());
        for (i, p) in persons.iter().enumerate() {
            if let Some(last) = p.name.split_whitespace().last() {
                by_surname.entry(last.to_string()).or_default().push(i);
            }
            // The honorifics the person carries: in the name, or before a mention.
            let titles: Vec<&str> = p
                .name
                .split_whitespace()
                .next()
                .into_iter()
                .chain(p.mentions.iter().filter_map(|m| honorific_before(text, *m)))
                .collect();
            let honorific = titles
                .iter()
                .find_map(|w| GENDER_WORDS.honorifics.get(*w).copied().flatten());
            gender.push(p.gender.or(honorific));
            married.push(
                titles
                    .iter()
                    .any(|w| KINSHIP.get(w).is_some_and(|k| k.1 == Kin::Married)),
            );
        }
        let mut only_married = [None, None];
        for (slot, wanted) in only_married.iter_mut().zip([Gender::Male, Gender::Female]) {
            let mut all = (0..persons.len()).filter(|&i| married[i] && gender[i] == Some(wanted));
            if let (Some(i), None) = (all.next(), all.next()) {
                *slot = Some(i);
            }
        }
        Family {
            mentions,
            by_surname,
            gender,
            married,
            only_married,
        }
    }

    /// The named person a kinship description stands for: "his wife" / "her father" is
    /// the person with a married honorific of the noun's gender who shares the surname
    /// of the possessor, the nearest named person before it whose gender the possessive
    /// agrees with (up to three such people are tried, nearest first).
    fn kin_of(&self, text: &str, persons: &[Person], d: &Description) -> Option<usize> {
        let (kin_gender, kin) = *KINSHIP.get(d.head.as_str())?;
        if kin == Kin::Married {
            return None;
        }
        let possessive = text
            .get(d.span.start..d.span.end)?
            .split_whitespace()
            .next()?;
        // "their father": the possessor may be of either gender.
        let owner_gender = match possessive.to_lowercase().as_str() {
            "his" => Some(Gender::Male),
            "her" => Some(Gender::Female),
            "their" => None,
            _ => return None,
        };
        let k = self
            .mentions
            .partition_point(|&(end, _)| end <= d.span.start);
        let mut tried: Vec<usize> = Vec::new();
        for &(_, owner) in self.mentions[..k].iter().rev().take(POSSESSOR_REACH) {
            let agrees = owner_gender.is_none_or(|g| self.gender[owner] == Some(g));
            if tried.contains(&owner) || !agrees {
                continue;
            }
            tried.push(owner);
            // A possessor known by one name ("William") has no surname to share: the
            // kin is then the one married person of that gender the text names.
            if persons[owner].name.split_whitespace().count() < 2 {
                let only = self.only_married[usize::from(kin_gender == Gender::Female)];
                if let Some(i) = only.filter(|&i| i != owner) {
                    return Some(i);
                }
                continue;
            }
            let surname = persons[owner].name.split_whitespace().last()?;
            let kin: Vec<usize> = self
                .by_surname
                .get(surname)
                .into_iter()
                .flatten()
                .copied()
                .filter(|&i| i != owner && self.married[i] && self.gender[i] == Some(kin_gender))
                .collect();
            if kin.len() == 1 {
                return Some(kin[0]);
            }
            if tried.len() >= 3 {
                break;
            }
        }
        None
    }
}

/// Whether a span overlaps a mention of one of `persons` (mentions sorted once, then a
/// binary search per query).
fn overlaps_a_mention(persons: &[Person]) -> impl Fn(Span) -> bool {
    let mut mentions: Vec<Span> = persons
        .iter()
        .flat_map(|p| p.mentions.iter().copied())
        .collect();
    mentions.sort_unstable();
    move |s: Span| {
        let k = mentions.partition_point(|m| m.end <= s.start);
        mentions.get(k).is_some_and(|m| m.start < s.end)
    }
}

/// Characters the text only describes become people ("the nurse said", "she" after "the
/// nurse"): one per head noun, named by its most frequent form with a lower-case
/// determiner. A description joins a named person instead when exactly one person carries
/// the noun in their name ("the parson" and "Parson Tringham") or as their role.
fn add_described(
    doc: &Document,
    persons: &mut Vec<Person>,
    people_in_sentence: &HashMap<usize, (usize, usize)>,
) {
    let text = &doc.text;
    let named = persons.len();
    let overlaps_name = overlaps_a_mention(persons);
    let mut linked: HashMap<String, Option<usize>> = HashMap::new();
    // Head nouns whose kinship possessives all name one person ("his mother" is Mrs.
    // Morel): "the mother" of the same text is her too.
    let mut kin_linked: HashMap<String, Option<usize>> = HashMap::new();
    let mut groups: Vec<(String, Option<Gender>, Vec<Span>)> = Vec::new();
    let mut group_of: HashMap<String, usize> = HashMap::new();
    let family = Family::new(text, &persons[..named]);
    let described = descriptions(doc);
    let appositives = appositive_names(text, &persons[..named], &described);
    for d in described {
        if overlaps_name(d.span) {
            continue;
        }
        if let Some(p) = family.kin_of(text, persons, &d) {
            let e = kin_linked.entry(d.head.clone()).or_insert(Some(p));
            if *e != Some(p) {
                *e = None;
            }
            persons[p].mentions.push(d.span);
            continue;
        }
        let link = *linked.entry(d.head.clone()).or_insert_with(|| {
            if let Some(&p) = appositives.get(&d.head) {
                return p;
            }
            let carriers: Vec<usize> = (0..named)
                .filter(|&i| {
                    let p = &persons[i];
                    let ws: Vec<&str> = p.name.split_whitespace().collect();
                    let is_head = |w: &str| {
                        w.to_lowercase() == d.head
                            || TITLE_NOUNS.get(w).is_some_and(|n| *n == d.head)
                    };
                    // A title in the name or right before a mention ("Dr. Archie" is
                    // the doctor).
                    let in_name = ws.len() > 1 && ws[..ws.len() - 1].iter().any(|w| is_head(w))
                        || p.mentions
                            .iter()
                            .any(|m| honorific_or_title_before(text, *m).is_some_and(is_head));
                    let in_role = p.role.as_ref().is_some_and(|r| {
                        r.split_whitespace().last().is_some_and(|w| {
                            w.trim_matches(|c: char| !c.is_alphanumeric())
                                .to_lowercase()
                                == d.head
                        })
                    });
                    in_name || in_role
                })
                .collect();
            (carriers.len() == 1).then(|| carriers[0])
        });
        if let Some(p) = link {
            // "the clergyman" tells Parson Tringham's gender when nothing else did.
            if persons[p].gender.is_none() {
                persons[p].gender = d.gender;
            }
            persons[p].mentions.push(d.span);
            continue;
        }
        let g = *group_of.entry(d.head.clone()).or_insert_with(|| {
            groups.push((d.head.clone(), d.gender, Vec::new()));
            groups.len() - 1
        });
        groups[g].2.push(d.span);
    }
    let mut nominal_groups = Vec::with_capacity(groups.len());
    for (head, gender, spans) in groups {
        match kin_linked.get(&head).copied().flatten() {
            Some(p) => persons[p].mentions.extend(spans),
            None => nominal_groups.push((head, gender, spans)),
        }
    }
    for p in persons.iter_mut().take(named) {
        p.mentions.sort();
    }
    for (_, gender, spans) in nominal_groups {
        // The most frequent form, determiner in lower case ("The nurse" -> "the nurse").
        let mut counts: HashMap<String, (usize, usize)> = HashMap::new();
        for (k, s) in spans.iter().enumerate() {
            let form = s.slice(text).unwrap_or("");
            let mut form: String = form.split_whitespace().collect::<Vec<_>>().join(" ");
            if let Some(first) = form.get(..1) {
                if form.split(' ').next().is_some_and(is_determiner) {
                    let lower = first.to_lowercase();
                    form.replace_range(..1, &lower);
                }
            }
            let e = counts.entry(form).or_insert((0, k));
            e.0 += 1;
        }
        // The description that introduces the character names it ("a small boy", later
        // "the boy"), as the fullest form names a person; a possessive form anchors it to
        // someone and wins ("his wife", not the "a wife" of a generic remark before).
        let possessive = |f: &str| {
            f.split(' ')
                .next()
                .is_some_and(|w| matches!(w, "his" | "her" | "my" | "our" | "their" | "your"))
        };
        let any_possessive = counts.keys().any(|f| possessive(f));
        let Some(name) = counts
            .into_iter()
            .filter(|(f, _)| !any_possessive || possessive(f))
            .max_by_key(|(_, (n, first))| {
                let n = if any_possessive { *n } else { 0 };
                (n, std::cmp::Reverse(*first))
            })
            .map(|(f, _)| f)
        else {
            continue;
        };
        let mut person = Person {
            name,
            role: None,
            gender,
            mentions: spans,
            nominal: true,
        };
        if person.gender.is_none() {
            person.gender = gender_of(doc, &person, people_in_sentence);
        }
        persons.push(person);
    }
}
