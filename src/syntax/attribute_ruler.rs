//! spaCy's `AttributeRuler` with the model's own patterns: a small token matcher over TAG,
//! LOWER, DEP and IS_SPACE (equality, IN, NOT_IN, REGEX), applied in pattern order so later
//! rules win, setting POS, MORPH, LEMMA, TAG or DEP on the matched token.

use std::collections::HashMap;

use regex::Regex;
use serde_json::Value;

use super::{Pos, SyntaxError};

/// The token attributes the ruler reads.
#[derive(Debug, Clone, Copy)]
enum Attr {
    Tag,
    Lower,
    Dep,
    IsSpace,
}

#[derive(Debug)]
enum Predicate {
    Eq(String),
    In(Vec<String>),
    NotIn(Vec<String>),
    Regex(Regex),
    Bool(bool),
}

/// What the ruler sets on a token; `None` leaves the attribute as it is.
#[derive(Debug, Default, Clone)]
pub(crate) struct Assign {
    pub pos: Option<Pos>,
    /// Morphological features (`Feat=Val|...`; empty for spaCy's `_`).
    pub morph: Option<String>,
    pub lemma: Option<String>,
    pub tag: Option<String>,
    pub dep: Option<String>,
}

struct Rule {
    /// Alternatives; each is a sequence of per-token constraint lists.
    patterns: Vec<Vec<Vec<(Attr, Predicate)>>>,
    assign: Assign,
    /// Which token of the match receives the attributes (negative counts from the end).
    index: i64,
}

pub(crate) struct AttributeRuler {
    rules: Vec<Rule>,
    /// Every (rule, pattern) pair, in rule order.
    patterns: Vec<(usize, usize)>,
    /// Patterns by a value their first token requires (LOWER, TAG or DEP equal to, or in,
    /// a list): only these are tried at a token; `unindexed` ones are tried everywhere.
    by_lower: HashMap<String, Vec<u32>>,
    by_tag: HashMap<String, Vec<u32>>,
    by_dep: HashMap<String, Vec<u32>>,
    unindexed: Vec<u32>,
}

/// The token fields the ruler reads and writes.
pub(crate) struct RulerToken<'a> {
    pub lower: &'a str,
    pub is_space: bool,
    pub tag: String,
    pub dep: String,
    pub pos: Option<Pos>,
    pub morph: String,
    pub lemma: Option<String>,
}

fn strings(v: &Value) -> Result<Vec<String>, SyntaxError> {
    v.as_array()
        .ok_or_else(|| SyntaxError::Config(format!("attribute ruler: expected a list: {v}")))?
        .iter()
        .map(|s| {
            s.as_str()
                .map(str::to_string)
                .ok_or_else(|| SyntaxError::Config(format!("attribute ruler: not a string: {s}")))
        })
        .collect()
}

fn predicate(v: &Value) -> Result<Predicate, SyntaxError> {
    match v {
        Value::String(s) => Ok(Predicate::Eq(s.clone())),
        Value::Bool(b) => Ok(Predicate::Bool(*b)),
        Value::Object(map) if map.len() == 1 => {
            let (op, arg) = map.iter().next().expect("one entry");
            match op.as_str() {
                "IN" => Ok(Predicate::In(strings(arg)?)),
                "NOT_IN" => Ok(Predicate::NotIn(strings(arg)?)),
                "REGEX" => {
                    let re = arg.as_str().ok_or_else(|| {
                        SyntaxError::Config(format!("attribute ruler: bad REGEX {arg}"))
                    })?;
                    Regex::new(re)
                        .map(Predicate::Regex)
                        .map_err(|e| SyntaxError::Config(format!("attribute ruler: {e}")))
                }
                other => Err(SyntaxError::Config(format!(
                    "attribute ruler: unsupported operator {other}"
                ))),
            }
        }
        other => Err(SyntaxError::Config(format!(
            "attribute ruler: unsupported value {other}"
        ))),
    }
}

impl Predicate {
    fn test_str(&self, s: &str) -> bool {
        match self {
            Predicate::Eq(v) => v == s,
            Predicate::In(vs) => vs.iter().any(|v| v == s),
            Predicate::NotIn(vs) => !vs.iter().any(|v| v == s),
            Predicate::Regex(re) => re.is_match(s),
            Predicate::Bool(_) => false,
        }
    }
}

impl AttributeRuler {
    pub(crate) fn from_json(rules: &[Value]) -> Result<Self, SyntaxError> {
        let bad = |what: &str| SyntaxError::Config(format!("attribute ruler: {what}"));
        let mut out = Vec::new();
        for rule in rules {
            let mut patterns = Vec::new();
            for pattern in rule["patterns"]
                .as_array()
                .ok_or_else(|| bad("no patterns"))?
            {
                let mut seq = Vec::new();
                for token in pattern
                    .as_array()
                    .ok_or_else(|| bad("pattern not a list"))?
                {
                    let mut constraints = Vec::new();
                    for (k, v) in token.as_object().ok_or_else(|| bad("token not a map"))? {
                        let attr = match k.as_str() {
                            "TAG" => Attr::Tag,
                            "LOWER" => Attr::Lower,
                            "DEP" => Attr::Dep,
                            "IS_SPACE" => Attr::IsSpace,
                            other => return Err(bad(&format!("unsupported attribute {other}"))),
                        };
                        constraints.push((attr, predicate(v)?));
                    }
                    seq.push(constraints);
                }
                patterns.push(seq);
            }
            let attrs = rule["attrs"].as_object().ok_or_else(|| bad("no attrs"))?;
            let mut assign = Assign::default();
            for (k, v) in attrs {
                let s = v.as_str().ok_or_else(|| bad("attr value not a string"))?;
                match k.as_str() {
                    "POS" => {
                        assign.pos = Some(Pos::parse(s).ok_or_else(|| bad(&format!("POS {s}")))?)
                    }
                    "MORPH" => assign.morph = Some(if s == "_" { String::new() } else { s.into() }),
                    "LEMMA" => assign.lemma = Some(s.into()),
                    "TAG" => assign.tag = Some(s.into()),
                    "DEP" => assign.dep = Some(s.into()),
                    other => return Err(bad(&format!("unsupported attr {other}"))),
                }
            }
            let index = rule["index"].as_i64().ok_or_else(|| bad("no index"))?;
            out.push(Rule {
                patterns,
                assign,
                index,
            });
        }
        Ok(Self::indexed(out))
    }

    fn indexed(rules: Vec<Rule>) -> Self {
        let mut ruler = AttributeRuler {
            rules,
            patterns: Vec::new(),
            by_lower: HashMap::new(),
            by_tag: HashMap::new(),
            by_dep: HashMap::new(),
            unindexed: Vec::new(),
        };
        for (r, rule) in ruler.rules.iter().enumerate() {
            for (p, pattern) in rule.patterns.iter().enumerate() {
                let id = ruler.patterns.len() as u32;
                ruler.patterns.push((r, p));
                // The most selective required value of the first token: LOWER, then TAG,
                // then DEP.
                let first = pattern.first().map(Vec::as_slice).unwrap_or(&[]);
                let key = [Attr::Lower, Attr::Tag, Attr::Dep]
                    .into_iter()
                    .find_map(|want| {
                        first.iter().find_map(|(attr, pred)| {
                            let values: Vec<&String> = match pred {
                                Predicate::Eq(v) => vec![v],
                                Predicate::In(vs) => vs.iter().collect(),
                                _ => return None,
                            };
                            (std::mem::discriminant(attr) == std::mem::discriminant(&want))
                                .then_some((want, values))
                        })
                    });
                let Some((attr, values)) = key else {
                    ruler.unindexed.push(id);
                    continue;
                };
                let map = match attr {
                    Attr::Lower => &mut ruler.by_lower,
                    Attr::Tag => &mut ruler.by_tag,
                    _ => &mut ruler.by_dep,
                };
                for v in values {
                    let ids = map.entry(v.clone()).or_default();
                    if ids.last() != Some(&id) {
                        ids.push(id);
                    }
                }
            }
        }
        ruler
    }

    fn matches(constraints: &[(Attr, Predicate)], t: &RulerToken) -> bool {
        constraints.iter().all(|(attr, p)| match attr {
            Attr::IsSpace => matches!(p, Predicate::Bool(b) if *b == t.is_space),
            Attr::Tag => p.test_str(&t.tag),
            Attr::Lower => p.test_str(t.lower),
            Attr::Dep => p.test_str(&t.dep),
        })
    }

    /// Matches every rule against the tokens as they are, then applies the matches in
    /// rule order (spaCy sorts matches by rule id, so later rules take precedence).
    pub(crate) fn apply(&self, tokens: &mut [RulerToken]) {
        // At each position only the patterns whose first token's required LOWER, TAG or
        // DEP is there (and the few unindexed ones): linear in the tokens.
        let n = tokens.len();
        let mut hits: Vec<(usize, usize)> = Vec::new(); // (rule, target token)
        let none: &[u32] = &[];
        for start in 0..n {
            let t = &tokens[start];
            let lists = [
                self.by_lower.get(t.lower).map_or(none, Vec::as_slice),
                self.by_tag.get(&t.tag).map_or(none, Vec::as_slice),
                self.by_dep.get(&t.dep).map_or(none, Vec::as_slice),
                &self.unindexed,
            ];
            for &id in lists.into_iter().flatten() {
                let (r, p) = self.patterns[id as usize];
                let rule = &self.rules[r];
                let pattern = &rule.patterns[p];
                let len = pattern.len();
                if len == 0 || start + len > n {
                    continue;
                }
                if pattern
                    .iter()
                    .zip(&tokens[start..start + len])
                    .all(|(c, t)| Self::matches(c, t))
                {
                    let target = if rule.index >= 0 {
                        start as i64 + rule.index
                    } else {
                        (start + len) as i64 + rule.index
                    };
                    if target >= start as i64 && target < (start + len) as i64 {
                        hits.push((r, target as usize));
                    }
                }
            }
        }
        // Applied in rule order (a token's later rules win), each (rule, token) once.
        hits.sort_unstable();
        hits.dedup();
        for (r, target) in hits {
            let a = &self.rules[r].assign;
            let t = &mut tokens[target];
            if let Some(pos) = a.pos {
                t.pos = Some(pos);
            }
            if let Some(m) = &a.morph {
                t.morph = m.clone();
            }
            if let Some(l) = &a.lemma {
                t.lemma = Some(l.clone());
            }
            if let Some(tag) = &a.tag {
                t.tag = tag.clone();
            }
            if let Some(dep) = &a.dep {
                t.dep = dep.clone();
            }
        }
    }
}
