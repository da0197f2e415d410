//! A checkpoint's `id2label` read as tags: which tagging scheme position (BIO, BILOU/BIOES,
//! or bare IO types) and which quotex label each class id stands for.

use std::collections::HashMap;
use std::sync::OnceLock;

const LABEL_MAP: &str = include_str!("../../../data/bert_labels.tsv");

/// The position part of a tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagPosition {
    /// `O`: outside any entity.
    Outside,
    /// `B-`: begins an entity.
    Begin,
    /// `I-`, or a bare type with no prefix (IO scheme): inside an entity.
    Inside,
    /// `L-` / `E-`: the last word of an entity.
    Last,
    /// `U-` / `S-`: a one-word entity.
    Unit,
}

/// One class of the model: its position and, unless `Outside`, the quotex label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    /// Where in an entity the class puts a word.
    pub position: TagPosition,
    /// The quotex label ("PERSON"); empty for `Outside`.
    pub label: String,
}

impl Tag {
    /// The `O` tag.
    pub fn outside() -> Self {
        Tag {
            position: TagPosition::Outside,
            label: String::new(),
        }
    }
}

fn label_map() -> &'static HashMap<String, String> {
    static MAP: OnceLock<HashMap<String, String>> = OnceLock::new();
    MAP.get_or_init(|| {
        LABEL_MAP
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .filter_map(|l| l.split_once('\t'))
            .map(|(k, v)| (k.trim().to_uppercase(), v.trim().to_string()))
            .collect()
    })
}

/// The quotex label for a checkpoint's entity type (`PER` -> `PERSON`); a type the map does
/// not list keeps its name, uppercased, so nothing a model finds is thrown away.
pub fn map_entity_type(raw: &str) -> String {
    let key = raw.trim().to_uppercase();
    label_map().get(&key).cloned().unwrap_or(key)
}

/// Parses one `id2label` value (`B-PER`, `I_ORG`, `S-LOC`, `O`, `PER`).
pub fn parse_tag(raw: &str) -> Tag {
    let raw = raw.trim();
    if raw.is_empty() || raw.eq_ignore_ascii_case("O") {
        return Tag::outside();
    }
    let mut chars = raw.chars();
    let (first, second) = (chars.next(), chars.next());
    if let (Some(p), Some('-' | '_')) = (first, second) {
        let position = match p.to_ascii_uppercase() {
            'B' => Some(TagPosition::Begin),
            'I' => Some(TagPosition::Inside),
            'L' | 'E' => Some(TagPosition::Last),
            'U' | 'S' => Some(TagPosition::Unit),
            _ => None,
        };
        if let Some(position) = position {
            let entity_type = &raw[2..];
            if !entity_type.trim().is_empty() {
                return Tag {
                    position,
                    label: map_entity_type(entity_type),
                };
            }
        }
    }
    Tag {
        position: TagPosition::Inside,
        label: map_entity_type(raw),
    }
}

/// Word-level entities from one tag per word, as `(first_word, last_word, label)`, both
/// inclusive. Lenient like seqeval: an `I-` or `L-` that does not continue an entity of its
/// type starts one.
pub fn decode(tags: &[&Tag]) -> Vec<(usize, usize, String)> {
    let mut out = Vec::new();
    let mut open: Option<(usize, &str)> = None;
    for (i, tag) in tags.iter().enumerate() {
        let continues = open.is_some_and(|(_, label)| label == tag.label);
        match tag.position {
            TagPosition::Outside => {
                if let Some((start, label)) = open.take() {
                    out.push((start, i - 1, label.to_string()));
                }
            }
            TagPosition::Inside if continues => {}
            TagPosition::Last if continues => {
                if let Some((start, label)) = open.take() {
                    out.push((start, i, label.to_string()));
                }
            }
            TagPosition::Begin | TagPosition::Inside | TagPosition::Last | TagPosition::Unit => {
                if let Some((start, label)) = open.take() {
                    out.push((start, i - 1, label.to_string()));
                }
                match tag.position {
                    TagPosition::Unit | TagPosition::Last => {
                        out.push((i, i, tag.label.clone()));
                    }
                    _ => open = Some((i, tag.label.as_str())),
                }
            }
        }
    }
    if let Some((start, label)) = open {
        out.push((start, tags.len() - 1, label.to_string()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(raw: &[&str]) -> Vec<Tag> {
        raw.iter().map(|r| parse_tag(r)).collect()
    }

    fn run(raw: &[&str]) -> Vec<(usize, usize, String)> {
        let t = tags(raw);
        decode(&t.iter().collect::<Vec<_>>())
    }

    #[test]
    fn conll_ontonotes_and_wnut_types_map_to_ours() {
        assert_eq!(parse_tag("B-PER").label, "PERSON");
        assert_eq!(parse_tag("I-ORG").label, "ORG");
        assert_eq!(parse_tag("B-LOC").label, "LOC");
        assert_eq!(parse_tag("B-MISC").label, "MISC");
        assert_eq!(parse_tag("B-GPE").label, "GPE");
        assert_eq!(parse_tag("L-WORK_OF_ART").label, "WORK_OF_ART");
        assert_eq!(parse_tag("B-creative-work").label, "WORK_OF_ART");
        assert_eq!(parse_tag("B-corporation").label, "ORG");
        assert_eq!(parse_tag("S-SHOW").label, "SHOW");
        assert_eq!(parse_tag("per").label, "PERSON");
        assert_eq!(parse_tag("per").position, TagPosition::Inside);
        assert_eq!(parse_tag("O").position, TagPosition::Outside);
        assert_eq!(parse_tag("E_LOC").position, TagPosition::Last);
        assert_eq!(parse_tag("U-LOC").position, TagPosition::Unit);
    }

    #[test]
    fn bio_bilou_and_io_decode() {
        assert_eq!(
            run(&["B-PER", "I-PER", "O", "B-LOC", "B-LOC", "I-ORG"]),
            vec![
                (0, 1, "PERSON".into()),
                (3, 3, "LOC".into()),
                (4, 4, "LOC".into()),
                (5, 5, "ORG".into())
            ]
        );
        assert_eq!(
            run(&["U-PER", "B-ORG", "I-ORG", "L-ORG", "L-ORG", "O"]),
            vec![
                (0, 0, "PERSON".into()),
                (1, 3, "ORG".into()),
                (4, 4, "ORG".into())
            ]
        );
        assert_eq!(
            run(&["PER", "PER", "O", "LOC"]),
            vec![(0, 1, "PERSON".into()), (3, 3, "LOC".into())]
        );
        // A type change inside a run closes the first entity.
        assert_eq!(
            run(&["B-PER", "I-LOC"]),
            vec![(0, 0, "PERSON".into()), (1, 1, "LOC".into())]
        );
        assert!(run(&[]).is_empty());
    }
}
