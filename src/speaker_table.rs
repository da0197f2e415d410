//! The speakers table: one row per speaker across a whole run.
//!
//! Each article is summarised on its own ([`ArticleSpeakers::from_document`], in the worker
//! threads); the summaries are merged in input order ([`SpeakerTable::add`]) by the speaker's
//! normalized name (`ids::normalize`, the key behind `speaker_id`). At the end
//! ([`SpeakerTable::finish`]) a one-word name merges into the one multi-word name of the run
//! whose last word it is ("Rosenberg" into "Melissa Rosenberg"), when exactly one such name
//! exists. Memory grows with the number of distinct speakers, not with the input.
//!
//! Counted: every quote with a speaker, except a speaker that stayed a bare pronoun ("she",
//! "they": the attribution found no name for it), which is not a person one can group.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use serde::Serialize;

use crate::doc::{Document, QuoteKind};
use crate::ids::{self, StableId};
use crate::quotes::lexicon::is_pronoun;

/// A string with a count, in first-seen order until sorted.
#[derive(Debug, Clone, PartialEq)]
struct Counted {
    key: String,
    text: String,
    count: u64,
}

/// Adds `count` to the entry of `key`, creating it with `text` when new. A speaker has a
/// handful of names and roles, so a linear search is the cheap choice.
fn bump(list: &mut Vec<Counted>, key: &str, text: &str, count: u64) {
    match list.iter_mut().find(|c| c.key == key) {
        Some(c) => c.count += count,
        None => list.push(Counted {
            key: key.to_string(),
            text: text.to_string(),
            count,
        }),
    }
}

/// Most frequent first; ties keep first-seen order (the sort is stable).
fn by_count(mut list: Vec<Counted>) -> Vec<Counted> {
    list.sort_by_key(|c| std::cmp::Reverse(c.count));
    list
}

/// Quote counts by kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Kinds {
    direct: u64,
    indirect: u64,
    mixed: u64,
}

impl Kinds {
    fn add(&mut self, other: Kinds) {
        self.direct += other.direct;
        self.indirect += other.indirect;
        self.mixed += other.mixed;
    }

    fn total(&self) -> u64 {
        self.direct + self.indirect + self.mixed
    }
}

/// One speaker of one article.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ArticleSpeaker {
    /// `ids::normalize` of the name.
    key: String,
    names: Vec<Counted>,
    roles: Vec<Counted>,
    kinds: Kinds,
    /// Name forms merged into this one inside the article (surname only).
    aliases: Vec<Counted>,
}

/// The speakers of one article, as the workers compute them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ArticleSpeakers {
    speakers: Vec<ArticleSpeaker>,
}

const HONORIFICS_LIST: &str = include_str!("../data/honorifics.txt");

static HONORIFICS: LazyLock<HashSet<String>> = LazyLock::new(|| {
    HONORIFICS_LIST
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(ids::normalize)
        .collect()
});

/// What a written name can take part in when names are merged.
#[derive(Debug, Clone, PartialEq, Eq)]
enum NameShape {
    /// Two or more words, the first and last capitalised ("Melissa Rosenberg"): the
    /// normalized last word.
    Full(String),
    /// One capitalised word, maybe after honorifics ("Rosenberg", "Ms Rosenberg").
    Surname(String),
    /// Anything else ("the company", "Tory-Labour" is one word but not a surname of anyone
    /// written with a space): never merged.
    Other,
}

fn name_shape(written: &str) -> NameShape {
    let words: Vec<&str> = written.split_whitespace().collect();
    let mut rest = &words[..];
    while let [first, tail @ ..] = rest {
        if tail.is_empty() || !HONORIFICS.contains(&ids::normalize(first)) {
            break;
        }
        rest = tail;
    }
    let capitalised = |w: &&str| w.chars().next().is_some_and(char::is_uppercase);
    match rest {
        [one] if capitalised(one) => NameShape::Surname(ids::normalize(one)),
        [first, .., last] if capitalised(first) && capitalised(last) => {
            NameShape::Full(ids::normalize(last))
        }
        _ => NameShape::Other,
    }
}

/// For each surname-shaped name (key, written form), the index of the one full name whose
/// last word it is, when there is exactly one; in the order of `names`.
fn surname_targets<'k>(names: impl Iterator<Item = (&'k str, &'k str)>) -> Vec<(String, usize)> {
    let shapes: Vec<(&str, NameShape)> = names.map(|(k, w)| (k, name_shape(w))).collect();
    let mut full_by_surname: HashMap<&str, Option<usize>> = HashMap::new();
    for (i, (_, shape)) in shapes.iter().enumerate() {
        if let NameShape::Full(last) = shape {
            full_by_surname
                .entry(last.as_str())
                .and_modify(|e| *e = None) // a second full name: ambiguous
                .or_insert(Some(i));
        }
    }
    shapes
        .iter()
        .filter_map(|(key, shape)| match shape {
            NameShape::Surname(s) if !s.is_empty() => full_by_surname
                .get(s.as_str())
                .copied()
                .flatten()
                .map(|i| (key.to_string(), i)),
            _ => None,
        })
        .collect()
}

/// The most frequent written form (first seen among equals).
fn main_form(names: &[Counted]) -> Option<&str> {
    let mut best: Option<&Counted> = None;
    for n in names {
        if best.is_none_or(|b| n.count > b.count) {
            best = Some(n);
        }
    }
    best.map(|n| n.text.as_str())
}

impl ArticleSpeakers {
    /// Groups the quotes of `doc` by speaker, merging a surname alone into the one full
    /// name of the article that ends with it.
    pub fn from_document(doc: &Document) -> Self {
        let mut speakers: Vec<ArticleSpeaker> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        for q in &doc.quotes {
            let Some(s) = &q.speaker else { continue };
            // An unresolved pronoun or relative "who" names nobody.
            let name = s.name.trim();
            if is_pronoun(name) || name.eq_ignore_ascii_case("who") {
                continue;
            }
            let key = ids::normalize(&s.name);
            let i = *index.entry(key.clone()).or_insert_with(|| {
                speakers.push(ArticleSpeaker {
                    key: key.clone(),
                    names: Vec::new(),
                    roles: Vec::new(),
                    kinds: Kinds::default(),
                    aliases: Vec::new(),
                });
                speakers.len() - 1
            });
            let sp = &mut speakers[i];
            bump(&mut sp.names, &key, s.name.trim(), 1);
            if let Some(role) = s.role.as_deref() {
                bump(&mut sp.roles, &ids::normalize(role), role.trim(), 1);
            }
            match q.kind {
                QuoteKind::Direct => sp.kinds.direct += 1,
                QuoteKind::Indirect => sp.kinds.indirect += 1,
                QuoteKind::Mixed => sp.kinds.mixed += 1,
            }
        }
        let targets = surname_targets(
            speakers
                .iter()
                .map(|s| (s.key.as_str(), main_form(&s.names).unwrap_or(&s.key))),
        );
        if targets.is_empty() {
            return ArticleSpeakers { speakers };
        }
        let mut kept: Vec<Option<ArticleSpeaker>> = speakers.into_iter().map(Some).collect();
        for (alias_key, target) in &targets {
            let Some(from) = kept
                .iter()
                .position(|s| s.as_ref().is_some_and(|s| &s.key == alias_key))
            else {
                continue;
            };
            if let Some(alias) = kept[from].take() {
                if let Some(into) = kept[*target].as_mut() {
                    merge_article_speaker(into, alias);
                }
            }
        }
        ArticleSpeakers {
            speakers: kept.into_iter().flatten().collect(),
        }
    }

    /// Number of speakers in the article.
    pub fn len(&self) -> usize {
        self.speakers.len()
    }

    /// Whether no quote of the article has a named speaker.
    pub fn is_empty(&self) -> bool {
        self.speakers.is_empty()
    }
}

fn merge_article_speaker(into: &mut ArticleSpeaker, alias: ArticleSpeaker) {
    for r in alias.roles {
        bump(&mut into.roles, &r.key, &r.text, r.count);
    }
    for n in alias.names.into_iter().chain(alias.aliases) {
        bump(&mut into.aliases, &n.key, &n.text, n.count);
    }
    into.kinds.add(alias.kinds);
}

/// A speaker across the run.
#[derive(Debug, Clone)]
struct Entry {
    names: Vec<Counted>,
    roles: Vec<Counted>,
    aliases: Vec<Counted>,
    kinds: Kinds,
    articles: u64,
    /// Input position and id of the first article quoting them.
    first_article: (u64, String),
}

/// A row of the speakers table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SpeakerRow {
    /// `ids::speaker_id` of `speaker`.
    pub speaker_id: StableId,
    /// The most frequent written form of the name.
    pub speaker: String,
    /// Distinct roles (by normalized text), most frequent first.
    pub roles: Vec<String>,
    /// `direct + indirect + mixed`.
    pub quotes: u64,
    /// Direct quotes (every part in quote marks).
    pub direct: u64,
    /// Reported speech without quote marks.
    pub indirect: u64,
    /// Reported speech partly in quote marks.
    pub mixed: u64,
    /// Articles with at least one quote by them.
    pub articles: u64,
    /// The id of the first article (in input order) quoting them.
    pub first_article_id: String,
    /// Surname-only forms merged into this row, most frequent first.
    pub aliases: Vec<String>,
    /// `speaker_id`s of the aliases, as the quotes of those articles carry them.
    pub alias_ids: Vec<StableId>,
}

/// Column names of the speakers table, in order.
pub const SPEAKER_COLUMNS: &[&str] = &[
    "speaker_id",
    "speaker",
    "roles",
    "quotes",
    "direct",
    "indirect",
    "mixed",
    "articles",
    "first_article_id",
    "aliases",
    "alias_ids",
];

impl SpeakerRow {
    /// The row as CSV fields: lists joined with `|`.
    pub fn csv_fields(&self) -> [String; 11] {
        let join_ids = |ids: &[StableId]| {
            ids.iter()
                .map(|i| i.to_string())
                .collect::<Vec<_>>()
                .join("|")
        };
        [
            self.speaker_id.to_string(),
            self.speaker.clone(),
            self.roles.join("|"),
            self.quotes.to_string(),
            self.direct.to_string(),
            self.indirect.to_string(),
            self.mixed.to_string(),
            self.articles.to_string(),
            self.first_article_id.clone(),
            self.aliases.join("|"),
            join_ids(&self.alias_ids),
        ]
    }
}

/// Speakers merged across a run.
#[derive(Debug, Default)]
pub struct SpeakerTable {
    entries: HashMap<String, Entry>,
    articles_seen: u64,
}

impl SpeakerTable {
    /// An empty table.
    pub fn new() -> Self {
        SpeakerTable::default()
    }

    /// Adds one article's speakers; call it for every article, in input order.
    pub fn add(&mut self, article_id: &str, article: &ArticleSpeakers) {
        let position = self.articles_seen;
        self.articles_seen += 1;
        for sp in &article.speakers {
            let entry = self.entries.entry(sp.key.clone()).or_insert_with(|| Entry {
                names: Vec::new(),
                roles: Vec::new(),
                aliases: Vec::new(),
                kinds: Kinds::default(),
                articles: 0,
                first_article: (position, article_id.to_string()),
            });
            for (list, from) in [
                (&mut entry.names, &sp.names),
                (&mut entry.roles, &sp.roles),
                (&mut entry.aliases, &sp.aliases),
            ] {
                for c in from {
                    bump(list, &c.key, &c.text, c.count);
                }
            }
            entry.kinds.add(sp.kinds);
            entry.articles += 1;
        }
    }

    /// Number of distinct speakers so far (before the surname merge).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no speaker was added.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Merges surname-only speakers and returns the rows, most quoted first (ties: first
    /// quoted in the input first).
    pub fn finish(self) -> Vec<SpeakerRow> {
        // First quoted first, so aliases list in the order the input shows them, and the
        // result never depends on hashing.
        let mut keys: Vec<(u64, String)> = self
            .entries
            .iter()
            .map(|(k, e)| (e.first_article.0, k.clone()))
            .collect();
        keys.sort();
        let keys: Vec<String> = keys.into_iter().map(|(_, k)| k).collect();
        let mut entries = self.entries;
        let targets = surname_targets(keys.iter().map(|k| {
            let written = entries.get(k).and_then(|e| main_form(&e.names));
            (k.as_str(), written.unwrap_or(k))
        }));
        for (alias_key, target) in &targets {
            let Some(alias) = entries.remove(alias_key) else {
                continue;
            };
            let Some(into) = entries.get_mut(&keys[*target]) else {
                continue;
            };
            for r in alias.roles {
                bump(&mut into.roles, &r.key, &r.text, r.count);
            }
            for n in alias.names.into_iter().chain(alias.aliases) {
                bump(&mut into.aliases, &n.key, &n.text, n.count);
            }
            into.kinds.add(alias.kinds);
            // Inside one article a surname alone already joined its full name, so an
            // article with the alias left has no quote by the full name: counts add up.
            into.articles += alias.articles;
            if alias.first_article.0 < into.first_article.0 {
                into.first_article = alias.first_article;
            }
        }
        let mut rows: Vec<(u64, SpeakerRow)> = entries
            .into_iter()
            .map(|(key, e)| {
                let aliases = by_count(e.aliases);
                let speaker = main_form(&e.names).unwrap_or(&key).to_string();
                (
                    e.first_article.0,
                    SpeakerRow {
                        speaker_id: ids::id_of_normalized(&key),
                        speaker,
                        roles: by_count(e.roles).into_iter().map(|r| r.text).collect(),
                        quotes: e.kinds.total(),
                        direct: e.kinds.direct,
                        indirect: e.kinds.indirect,
                        mixed: e.kinds.mixed,
                        articles: e.articles,
                        first_article_id: e.first_article.1,
                        alias_ids: aliases
                            .iter()
                            .map(|a| ids::id_of_normalized(&a.key))
                            .collect(),
                        aliases: aliases.into_iter().map(|a| a.text).collect(),
                    },
                )
            })
            .collect();
        rows.sort_by(|(pa, a), (pb, b)| {
            b.quotes
                .cmp(&a.quotes)
                .then(pa.cmp(pb))
                .then_with(|| a.speaker_id.cmp(&b.speaker_id))
        });
        rows.into_iter().map(|(_, r)| r).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doc::{Article, Quote, Span, Speaker};

    fn doc(id: &str, quotes: &[(&str, Option<&str>, QuoteKind)]) -> Document {
        let mut d = Document::new(Article {
            id: id.into(),
            title: None,
            text: String::new(),
        });
        d.quotes = quotes
            .iter()
            .map(|&(name, role, kind)| Quote {
                span: Span::new(0, 0),
                parts: vec![],
                kind,
                speaker: Some(Speaker {
                    name: name.into(),
                    role: role.map(String::from),
                    mention: Span::new(0, 0),
                }),
                cue: None,
                method: crate::doc::AttributionMethod::CueAfter,
                confidence: 1.0,
            })
            .collect();
        d
    }

    fn table(docs: &[Document]) -> Vec<SpeakerRow> {
        let mut t = SpeakerTable::new();
        for d in docs {
            t.add(&d.id, &ArticleSpeakers::from_document(d));
        }
        t.finish()
    }

    use QuoteKind::*;

    #[test]
    fn merges_by_name_across_articles_and_surnames_when_unique() {
        let rows = table(&[
            doc(
                "a",
                &[("Ann Lee", Some("mayor"), Direct), ("she", None, Direct)],
            ),
            doc("b", &[("LEE", None, Indirect), ("Bo Park", None, Mixed)]),
            doc(
                "c",
                &[
                    ("ann  lee", Some("Mayor"), Direct),
                    ("Ann Lee", Some("former judge"), Direct),
                ],
            ),
        ]);
        assert_eq!(rows.len(), 2, "{rows:#?}");
        let lee = &rows[0];
        assert_eq!(lee.speaker, "Ann Lee");
        assert_eq!(lee.speaker_id, ids::speaker_id("Ann Lee"));
        assert_eq!(lee.roles, vec!["mayor", "former judge"]);
        assert_eq!(
            (lee.quotes, lee.direct, lee.indirect, lee.mixed),
            (4, 3, 1, 0)
        );
        assert_eq!(lee.articles, 3);
        assert_eq!(lee.first_article_id, "a");
        assert_eq!(lee.aliases, vec!["LEE"]);
        assert_eq!(lee.alias_ids, vec![ids::speaker_id("Lee")]);
        assert_eq!(rows[1].speaker, "Bo Park");
        assert_eq!(rows[1].first_article_id, "b");
    }

    #[test]
    fn an_ambiguous_surname_stays_its_own_row() {
        let rows = table(&[
            doc("a", &[("Ann Lee", None, Direct)]),
            doc("b", &[("Tom Lee", None, Direct)]),
            doc("c", &[("Lee", None, Direct), ("Lee", None, Indirect)]),
        ]);
        let names: Vec<&str> = rows.iter().map(|r| r.speaker.as_str()).collect();
        assert_eq!(names, vec!["Lee", "Ann Lee", "Tom Lee"]);
        assert_eq!(rows[0].quotes, 2);
    }

    #[test]
    fn honorifics_count_as_a_surname_but_compounds_and_phrases_do_not() {
        assert_eq!(name_shape("Ms. Lee"), NameShape::Surname("lee".into()));
        assert_eq!(name_shape("Dr Ann Lee"), NameShape::Full("lee".into()));
        assert_eq!(
            name_shape("Tory-Labour"),
            NameShape::Surname("tory labour".into())
        );
        assert_eq!(name_shape("the company"), NameShape::Other);
        assert_eq!(name_shape("Mr"), NameShape::Surname("mr".into()));
        let rows = table(&[
            doc(
                "a",
                &[("Ann Lee", None, Direct), ("New Labour", None, Direct)],
            ),
            doc(
                "b",
                &[
                    ("Mr Lee", None, Direct),
                    ("Labour", None, Direct),
                    ("lee", None, Direct),
                ],
            ),
        ]);
        let names: Vec<(&str, u64)> = rows
            .iter()
            .map(|r| (r.speaker.as_str(), r.quotes))
            .collect();
        assert_eq!(
            names,
            vec![("Ann Lee", 2), ("New Labour", 2), ("lee", 1)],
            "{rows:#?}"
        );
        assert_eq!(rows[1].aliases, vec!["Labour"]);
    }

    #[test]
    fn a_surname_merges_inside_its_article_first() {
        let rows = table(&[doc(
            "a",
            &[("Lee", None, Direct), ("Ann Lee", Some("mayor"), Indirect)],
        )]);
        assert_eq!(rows.len(), 1);
        assert_eq!((rows[0].quotes, rows[0].articles), (2, 1));
        assert_eq!(rows[0].aliases, vec!["Lee"]);
    }
}
