//! Gazetteers: lists of names with a label, matched on word boundaries with aho-corasick.
//!
//! File formats (chosen by extension):
//! - CSV with a header row `name,label[,aliases]`, aliases separated by `|`, `#` comments;
//! - JSONL, one `{"name": …, "label": …, "aliases": [...]}` object per line.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use aho_corasick::{AhoCorasick, MatchKind};
use serde::Deserialize;

use crate::doc::{EntityLabel, Span};
use crate::segment::TitleCaseLines;

/// The starter lists shipped in `data/entities/` (written for quotex).
const BUNDLED: &[(&str, &str)] = &[
    (
        "data/entities/shows.csv",
        include_str!("../../data/entities/shows.csv"),
    ),
    (
        "data/entities/characters.csv",
        include_str!("../../data/entities/characters.csv"),
    ),
    (
        "data/entities/organisations.csv",
        include_str!("../../data/entities/organisations.csv"),
    ),
];

/// One name of the list, with the label it gets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GazetteerEntry {
    /// The name as it appears in text (matching is case-sensitive).
    pub name: String,
    /// The label every match of the name gets.
    pub label: EntityLabel,
    /// Other forms of the name that get the same label.
    pub aliases: Vec<String>,
}

/// A malformed gazetteer line or file, with where it is.
#[derive(Debug, thiserror::Error)]
#[error("{source_name}:{line}: {reason}")]
pub struct GazetteerError {
    /// The file (or list) name the entry came from.
    pub source_name: String,
    /// The 1-based line of the bad entry (0 when the whole file is unreadable).
    pub line: usize,
    /// What is wrong with it.
    pub reason: String,
}

/// A match of a gazetteer name in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GazetteerMatch {
    /// The matched words (byte offsets).
    pub span: Span,
    /// The label of the matched name.
    pub label: EntityLabel,
}

/// A compiled set of names. Matching is case-sensitive: names are proper nouns, and
/// case keeps "Fox" (the network) apart from "fox".
#[derive(Debug, Clone)]
pub struct Gazetteer {
    automaton: Option<AhoCorasick>,
    /// Label of each pattern, by pattern index.
    labels: Vec<EntityLabel>,
    /// Words in each pattern (1 for "Netflix").
    word_counts: Vec<usize>,
}

impl Default for Gazetteer {
    fn default() -> Self {
        Gazetteer::from_entries(Vec::new())
    }
}

#[derive(Deserialize)]
struct JsonEntry {
    name: String,
    label: String,
    #[serde(default)]
    aliases: Vec<String>,
}

fn normalize_label(label: &str) -> Option<EntityLabel> {
    let label = label.trim().to_uppercase();
    (!label.is_empty()
        && label
            .chars()
            .all(|c| c.is_ascii_uppercase() || c == '_' || c.is_ascii_digit()))
    .then(|| EntityLabel::parse(&label))
}

fn entry(
    name: &str,
    label: &str,
    aliases: Vec<String>,
    source_name: &str,
    line: usize,
) -> Result<GazetteerEntry, GazetteerError> {
    let err = |reason: String| GazetteerError {
        source_name: source_name.to_string(),
        line,
        reason,
    };
    let name = name.trim();
    if name.is_empty() {
        return Err(err("empty name".into()));
    }
    let label = normalize_label(label).ok_or_else(|| {
        err(format!(
            "label {label:?} is not a label (letters, digits and _ only, e.g. SHOW)"
        ))
    })?;
    Ok(GazetteerEntry {
        name: name.to_string(),
        label,
        aliases: aliases
            .into_iter()
            .map(|a| a.trim().to_string())
            .filter(|a| !a.is_empty())
            .collect(),
    })
}

/// Parses a CSV gazetteer (`name,label[,aliases]` header; `|`-separated aliases).
pub fn parse_csv(text: &str, source_name: &str) -> Result<Vec<GazetteerEntry>, GazetteerError> {
    let mut reader = csv::ReaderBuilder::new()
        .comment(Some(b'#'))
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let header_err = |reason: String| GazetteerError {
        source_name: source_name.to_string(),
        line: 1,
        reason,
    };
    let headers = reader
        .headers()
        .map_err(|e| header_err(e.to_string()))?
        .clone();
    let column = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
    let name_col =
        column("name").ok_or_else(|| header_err("the header row has no `name` column".into()))?;
    let label_col =
        column("label").ok_or_else(|| header_err("the header row has no `label` column".into()))?;
    let aliases_col = column("aliases");
    let mut entries = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| GazetteerError {
            source_name: source_name.to_string(),
            line: e.position().map_or(0, |p| p.line() as usize),
            reason: e.to_string(),
        })?;
        let line = record.position().map_or(0, |p| p.line() as usize);
        let field = |i: usize| record.get(i).unwrap_or("");
        let aliases = aliases_col
            .map(|i| field(i).split('|').map(str::to_string).collect())
            .unwrap_or_default();
        entries.push(entry(
            field(name_col),
            field(label_col),
            aliases,
            source_name,
            line,
        )?);
    }
    Ok(entries)
}

/// Parses a JSONL gazetteer.
pub fn parse_jsonl(text: &str, source_name: &str) -> Result<Vec<GazetteerEntry>, GazetteerError> {
    let mut entries = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let parsed: JsonEntry = serde_json::from_str(line).map_err(|e| GazetteerError {
            source_name: source_name.to_string(),
            line: i + 1,
            reason: format!("not a {{\"name\",\"label\",\"aliases\"}} object: {e}"),
        })?;
        entries.push(entry(
            &parsed.name,
            &parsed.label,
            parsed.aliases,
            source_name,
            i + 1,
        )?);
    }
    Ok(entries)
}

/// Reads a gazetteer file; `.jsonl`/`.ndjson` are JSON lines, anything else CSV.
pub fn read_file(path: &Path) -> Result<Vec<GazetteerEntry>, GazetteerError> {
    let text = std::fs::read_to_string(path).map_err(|e| GazetteerError {
        source_name: path.display().to_string(),
        line: 0,
        reason: format!("cannot read gazetteer: {e}"),
    })?;
    let name = path.display().to_string();
    let is_jsonl = matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("jsonl" | "ndjson")
    );
    Ok(if is_jsonl {
        parse_jsonl(&text, &name)?
    } else {
        parse_csv(&text, &name)?
    })
}

/// The bundled starter lists.
pub fn bundled_entries() -> Vec<GazetteerEntry> {
    BUNDLED
        .iter()
        .flat_map(|(name, text)| {
            parse_csv(text, name).expect("bundled gazetteers parse (checked by the test suite)")
        })
        .collect()
}

pub(crate) fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// Two glued words from a lost separator, as in "Luke CageIron Fist": lower then upper case.
fn is_camel_glue(before: Option<char>, after: Option<char>) -> bool {
    matches!((before, after), (Some(b), Some(a)) if b.is_lowercase() && a.is_uppercase())
}

/// The word right before `start` when only spaces separate it, if it is capitalised.
fn capitalised_word_before(text: &str, start: usize) -> bool {
    let before = &text[..start];
    let trimmed = before.trim_end_matches(' ');
    if trimmed.len() == before.len() || trimmed.ends_with(['\n', '\r']) {
        return false;
    }
    let word_start = trimmed
        .char_indices()
        .rev()
        .find(|&(_, c)| !(c.is_alphanumeric() || c == '.'))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let word = &trimmed[word_start..];
    // A sentence start before us ends in "." — "Smith." is not part of our name.
    !word.ends_with('.') && word.chars().next().is_some_and(char::is_uppercase)
}

fn capitalised_word_after(text: &str, end: usize) -> bool {
    let after = &text[end..];
    let trimmed = after.trim_start_matches(' ');
    trimmed.len() != after.len() && trimmed.chars().next().is_some_and(char::is_uppercase)
}

impl Gazetteer {
    /// A gazetteer of exactly these entries; a later entry relabels an earlier name.
    pub fn from_entries(entries: Vec<GazetteerEntry>) -> Self {
        // Later entries override earlier ones with the same surface form, so a user's
        // file can relabel a bundled name.
        let mut by_form: HashMap<String, EntityLabel> = HashMap::new();
        let mut order: Vec<String> = Vec::new();
        for e in entries {
            for form in std::iter::once(e.name).chain(e.aliases) {
                if by_form.insert(form.clone(), e.label.clone()).is_none() {
                    order.push(form);
                }
            }
        }
        let labels: Vec<EntityLabel> = order.iter().map(|f| by_form[f].clone()).collect();
        let word_counts = order.iter().map(|f| f.split_whitespace().count()).collect();
        let automaton = (!order.is_empty()).then(|| {
            AhoCorasick::builder()
                .match_kind(MatchKind::Standard)
                .build(&order)
                .expect("gazetteer patterns compile")
        });
        Gazetteer {
            automaton,
            labels,
            word_counts,
        }
    }

    /// The bundled lists plus the user's entries (which win on the same name).
    pub fn bundled_with(user: Vec<GazetteerEntry>) -> Self {
        let mut entries = bundled_entries();
        entries.extend(user);
        Gazetteer::from_entries(entries)
    }

    /// Whether it holds no name.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// Non-overlapping matches on word boundaries, longest first.
    ///
    /// A boundary is a non-alphanumeric neighbour, or for names of two words or more a
    /// lower-to-upper case glue ("CageIron"). A match that runs on into a capitalised
    /// word ("The Crown Prosecution Service") is part of a longer name and is skipped,
    /// except in title-case lines such as headlines.
    pub fn find(&self, text: &str) -> Vec<GazetteerMatch> {
        let Some(automaton) = &self.automaton else {
            return Vec::new();
        };
        let mut candidates: Vec<(Span, usize)> = Vec::new();
        let mut title_case: Option<TitleCaseLines> = None;
        for m in automaton.find_overlapping_iter(text) {
            let (start, end) = (m.start(), m.end());
            let pattern = m.pattern().as_usize();
            let before = text[..start].chars().next_back();
            let after = text[end..].chars().next();
            let first = text[start..].chars().next();
            let last = text[..end].chars().next_back();
            let multiword = self.word_counts[pattern] >= 2;
            let left_ok = !before.is_some_and(is_word_char)
                || first.is_some_and(|f| !is_word_char(f))
                || (multiword && is_camel_glue(before, first));
            let right_ok = !after.is_some_and(is_word_char)
                || last.is_some_and(|l| !is_word_char(l))
                || (multiword && is_camel_glue(last, after));
            if !(left_ok && right_ok) {
                continue;
            }
            let runs_on = capitalised_word_before(text, start) || capitalised_word_after(text, end);
            // Each line's case is computed once: asking per match was O(line) each, so
            // quadratic on an article in one line.
            if runs_on
                && !title_case
                    .get_or_insert_with(|| TitleCaseLines::new(text))
                    .at(start)
            {
                continue;
            }
            candidates.push((Span::new(start, end), pattern));
        }
        candidates.sort_by_key(|(s, _)| (std::cmp::Reverse(s.len()), s.start));
        // Taken spans never overlap, so in (start, end) order their ends are in order too:
        // whether one overlaps a candidate is a look at its neighbour before the
        // candidate's end (a scan of every taken span per candidate was quadratic). The
        // third key part keeps the order of choice among equal (empty) spans.
        let mut taken: BTreeMap<(usize, usize, usize), usize> = BTreeMap::new();
        for (seq, (span, pattern)) in candidates.into_iter().enumerate() {
            let free = taken
                .range(..(span.end, 0, 0))
                .rev()
                .take_while(|((_, end, _), _)| *end > span.start)
                .all(|(&(start, end, _), _)| !Span::new(start, end).overlaps(span));
            if free {
                taken.insert((span.start, span.end, seq), pattern);
            }
        }
        // By start, in the order of choice at equal starts (a stable sort on the start).
        let mut taken: Vec<(usize, Span, usize)> = taken
            .into_iter()
            .map(|((start, end, seq), pattern)| (seq, Span::new(start, end), pattern))
            .collect();
        taken.sort_by_key(|&(seq, span, _)| (span.start, seq));
        taken
            .into_iter()
            .map(|(_, span, pattern)| GazetteerMatch {
                span,
                label: self.labels[pattern].clone(),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gaz(rows: &[(&str, &str)]) -> Gazetteer {
        Gazetteer::from_entries(
            rows.iter()
                .map(|(n, l)| GazetteerEntry {
                    name: n.to_string(),
                    label: EntityLabel::parse(l),
                    aliases: vec![],
                })
                .collect(),
        )
    }

    fn found(g: &Gazetteer, text: &str) -> Vec<(String, String)> {
        g.find(text)
            .into_iter()
            .map(|m| {
                (
                    text[m.span.start..m.span.end].to_string(),
                    m.label.to_string(),
                )
            })
            .collect()
    }

    #[test]
    fn matches_on_word_boundaries_only() {
        let g = gaz(&[("Fox", "ORG"), ("Netflix", "ORG")]);
        assert_eq!(
            found(&g, "Foxes on Netflix's slate, Fox said."),
            vec![
                ("Netflix".into(), "ORG".into()),
                ("Fox".into(), "ORG".into())
            ]
        );
    }

    #[test]
    fn glued_multiword_names_split_at_case_change() {
        let g = gaz(&[("Luke Cage", "SHOW"), ("Iron Fist", "SHOW")]);
        assert_eq!(
            found(&g, "after Luke CageIron Fist, and more"),
            vec![
                ("Luke Cage".into(), "SHOW".into()),
                ("Iron Fist".into(), "SHOW".into())
            ]
        );
    }

    #[test]
    fn longest_match_wins_and_longer_names_are_skipped() {
        let g = gaz(&[("Marvel", "ORG"), ("Marvel Studios", "ORG"), ("Crown", "X")]);
        assert_eq!(
            found(
                &g,
                "Marvel Studios said the Crown Prosecution Service agreed."
            ),
            vec![("Marvel Studios".into(), "ORG".into())]
        );
    }

    #[test]
    fn user_entries_override_bundled_labels() {
        let mut entries = bundled_entries();
        entries.push(GazetteerEntry {
            name: "Netflix".into(),
            label: EntityLabel::parse("STREAMER"),
            aliases: vec![],
        });
        let g = Gazetteer::from_entries(entries);
        assert_eq!(
            found(&g, "It is on Netflix."),
            vec![("Netflix".into(), "STREAMER".into())]
        );
    }

    #[test]
    fn bad_files_name_the_line_and_reason() {
        let err = parse_csv("name,label\nNetflix,ORG\nHulu,not a label\n", "g.csv").unwrap_err();
        assert_eq!(err.line, 3);
        assert!(err.to_string().starts_with("g.csv:3: label"), "{err}");
        let err = parse_csv("title,label\n", "g.csv").unwrap_err();
        assert!(err.to_string().contains("no `name` column"), "{err}");
        let err =
            parse_jsonl("{\"name\":\"A\",\"label\":\"SHOW\"}\n{oops}\n", "g.jsonl").unwrap_err();
        assert_eq!(err.line, 2);
        let ok = parse_jsonl(
            "{\"name\":\"Loki\",\"label\":\"show\",\"aliases\":[\"Marvel's Loki\"]}\n",
            "g.jsonl",
        )
        .unwrap();
        assert_eq!(ok[0].label, EntityLabel::Show);
        assert_eq!(ok[0].aliases, vec!["Marvel's Loki".to_string()]);
    }

    #[test]
    fn bundled_lists_parse() {
        let entries = bundled_entries();
        assert!(entries.len() > 150, "{}", entries.len());
        assert!(entries
            .iter()
            .any(|e| e.name == "Netflix" && e.label == EntityLabel::Org));
    }
}
