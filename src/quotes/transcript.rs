//! Interview transcripts: `Q: …` / `A: …` and `NAME: …` turns are direct speech without
//! quote marks (method `transcript`). A-turns are the interviewee the introduction names
//! most, Q-turns the outlet it names (else "Q"), NAME-turns the person of that name.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use regex::Regex;

use super::lexicon::word_list;
use super::speakers::People;
use crate::doc::{Document, EntityLabel, Span, Speaker};

/// One turn of a transcript.
#[derive(Debug, Clone)]
pub struct Turn {
    /// The whole line of the turn.
    pub line: Span,
    /// What was said (after the label and colon, trimmed).
    pub content: Span,
    /// The colon after the label.
    pub cue: Span,
    pub speaker: Speaker,
}

static TURN_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^[ \t]*([A-Z][\p{L}'’.\-]*(?: [A-Z][\p{L}'’.\-]*){0,2})[ \t]*:[ \t]+(\S.*?)[ \t\r]*$",
    )
    .expect("turn pattern compiles")
});

static NON_LABELS: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| word_list(include_str!("../../data/transcript_non_labels.txt")));

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Label {
    Question,
    Answer,
    /// An all-capitals name (`ROSENBERG:`).
    Capitals,
    /// A capitalised name or outlet (`Esquire:`); counts only when it recurs.
    Name,
}

fn classify(label: &str) -> Label {
    match label {
        "Q" | "Q." => Label::Question,
        "A" | "A." => Label::Answer,
        _ if label.chars().filter(|c| c.is_alphabetic()).count() >= 2
            && !label.chars().any(char::is_lowercase) =>
        {
            Label::Capitals
        }
        _ => Label::Name,
    }
}

/// "ROSENBERG" -> "Rosenberg"; other labels unchanged.
fn title_case(label: &str) -> String {
    if label.chars().any(char::is_lowercase) {
        return label.to_string();
    }
    label
        .split(' ')
        .map(|w| {
            let mut cs = w.chars();
            cs.next()
                .map(|c| c.to_string() + &cs.as_str().to_lowercase())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The turns of a transcript, or nothing when the document is not one: it needs at least
/// two turns under two different labels (capitalised names at least twice each, and four
/// turns in all when such names are the only labels).
pub fn find(doc: &Document, people: &People) -> Vec<Turn> {
    let text = &doc.text;
    let mut candidates: Vec<(Span, Span, Span, Label)> = Vec::new();
    let mut line_start = 0;
    for line in text.split('\n') {
        if let Some(c) = TURN_RE.captures(line) {
            if let (Some(l), Some(body)) = (c.get(1), c.get(2)) {
                let label = l.as_str();
                if !NON_LABELS.contains(label.to_lowercase().as_str()) {
                    candidates.push((
                        Span::new(line_start, line_start + line.len()),
                        Span::new(line_start + l.start(), line_start + l.end()),
                        Span::new(line_start + body.start(), line_start + body.end()),
                        classify(label),
                    ));
                }
            }
        }
        line_start += line.len() + 1;
    }
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for (_, l, _, _) in &candidates {
        *counts.entry(&text[l.start..l.end]).or_default() += 1;
    }
    candidates.retain(|(_, l, _, kind)| *kind != Label::Name || counts[&text[l.start..l.end]] >= 2);
    let labels: HashSet<&str> = candidates
        .iter()
        .map(|(_, l, _, _)| &text[l.start..l.end])
        .collect();
    let strong = candidates.iter().filter(|c| c.3 != Label::Name).count();
    let enough = labels.len() >= 2 && (strong >= 2 || candidates.len() >= 4);
    if !enough {
        return Vec::new();
    }
    // The introduction: everything before the first turn.
    let intro_end = candidates.first().map_or(0, |c| c.0.start);
    let intro = Span::new(0, intro_end);
    let interviewee = {
        let mut best: Option<(usize, usize, usize)> = None; // (mentions, -first, person)
                                                            // Only named people: the introduction's "the actress" is no interviewee's name.
        for (i, p) in people
            .persons
            .iter()
            .enumerate()
            .filter(|(_, p)| !p.nominal)
        {
            let inside: Vec<&Span> = p.mentions.iter().filter(|m| intro.contains(**m)).collect();
            if let Some(first) = inside.first() {
                let key = (inside.len(), usize::MAX - first.start, i);
                if best.is_none_or(|b| key > b) {
                    best = Some(key);
                }
            }
        }
        best.map(|(_, _, i)| &people.persons[i])
    };
    let outlet = doc
        .entities
        .iter()
        .take_while(|e| e.span.end <= intro_end)
        .find(|e| e.label == EntityLabel::Org)
        .map(|e| text[e.span.start..e.span.end].to_string());
    candidates
        .into_iter()
        .map(|(line, label, content, kind)| {
            let label_text = &text[label.start..label.end];
            let (name, role) = match kind {
                Label::Answer => interviewee.map_or(("A".to_string(), None), |p| {
                    (p.name.clone(), p.role.clone())
                }),
                Label::Question => (outlet.clone().unwrap_or_else(|| "Q".to_string()), None),
                Label::Capitals | Label::Name => {
                    let name = title_case(label_text);
                    let last = name.split(' ').next_back().unwrap_or(&name).to_string();
                    match people.by_name(&name).or_else(|| people.by_surname(&last)) {
                        Some(p) => (p.name.clone(), p.role.clone()),
                        None => (name, None),
                    }
                }
            };
            let colon_end = content.start;
            let colon = text[label.end..colon_end]
                .find(':')
                .map_or(Span::new(label.end, label.end), |i| {
                    Span::new(label.end + i, label.end + i + 1)
                });
            Turn {
                line,
                content,
                cue: colon,
                speaker: Speaker {
                    name,
                    role,
                    mention: label,
                },
            }
        })
        .collect()
}
