//! Contextual rules that type a name as SHOW or CHARACTER from the words around it, with no
//! list needed: "series X", "X showrunner", "season 2 of X", "X (which hits Netflix …",
//! "X has been renewed", "villain X", "X, played by Y", "portrays X", "X, the Netflix series".

use std::collections::HashSet;
use std::sync::LazyLock;

use regex::Regex;

use super::cue_regex::CueRegex;
use super::titles::list;
use crate::doc::{EntityLabel, Span};

pub const SHOW: EntityLabel = EntityLabel::Show;
pub const CHARACTER: EntityLabel = EntityLabel::Character;

const NETWORKS: &str = include_str!("../../data/entities/networks.txt");

/// A capitalised name: words starting upper case, joined by spaces or by "of"/"the"
/// ("Game of Thrones", "House of the Dragon"); a leading "The" is kept.
const NAME: &str = r"(?:\bThe[^\S\n]+)?\p{Lu}[\p{L}\p{M}\p{N}]*(?:[-'’.+/][\p{Lu}\p{N}][\p{L}\p{M}\p{N}]*)*\+?(?:[^\S\n]+(?:(?:of|the)[^\S\n]+){0,2}\p{Lu}[\p{L}\p{M}\p{N}]*(?:[-'’.][\p{Lu}\p{N}][\p{L}\p{M}\p{N}]*)*\+?)*";

const OPEN_QUOTE: &str = r#"['"‘“]?"#;
const CLOSE_QUOTE: &str = r#"['"’”]?"#;

fn networks_alternation() -> String {
    let mut names: Vec<&str> = NETWORKS
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    names.sort_by_key(|n| std::cmp::Reverse(n.len()));
    names
        .iter()
        .map(|n| regex::escape(n))
        .collect::<Vec<_>>()
        .join("|")
}

/// Blank classes are taken out of case-insensitive mode, as in `titles.rs`: case-folding
/// `\S` walks nearly all of Unicode at compile time; blanks have no case.
fn compile(pattern: &str) -> Regex {
    let pattern = pattern.replace(r"[^\S\n]", r"(?-i:[^\S\n])");
    Regex::new(&pattern).expect("entity rule patterns compile (checked by the test suite)")
}

/// Searched over whole texts: through its superset without `\b` (see `cue_regex`).
static NAME_RE: LazyLock<CueRegex> = LazyLock::new(|| {
    CueRegex::new(&NAME.replace(r"[^\S\n]", r"(?-i:[^\S\n])"))
        .expect("entity rule patterns compile (checked by the test suite)")
});

/// A context rule: a pattern on one side of the name, the label it gives, and how far it
/// may override the model.
struct Rule {
    pattern: Regex,
    label: EntityLabel,
    strength: Strength,
    /// Only in articles about film and television ("creator" of a game, "star" of a team).
    needs_screen: bool,
}

/// How much a context rule may override the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Strength {
    /// A title found by a cue that does not say its kind: yields to the model's names,
    /// places and organisations ("watching Arsenal"), not to its WORK_OF_ART/PRODUCT/EVENT.
    Title,
    /// Yields to any model entity ("Scarlett Johnson on BBC One" stays a PERSON).
    Weakest,
    /// Yields to the model's non-name labels ("moving to London, the show" stays GPE).
    Weak,
    /// Overrides the model ("series Jessica Jones").
    Strong,
    /// A title right after a noun naming its kind ("the film X", "comedy X"): overrides the
    /// model's names, organisations and buildings (it reads many titles as them), not its
    /// places ("play Ireland"), dates and numbers.
    Kind,
    /// A title before a role noun and a name ("X star Y"): yields to the model's people and
    /// places ("Hollywood star Y"), not to its organisations ("Friends actress Y").
    Named,
    /// A name in apposition to a kind noun ("latest film, X", "X, the crime caper sequel"):
    /// yields only to the model's people, dates and numbers (it overrides the places and
    /// organisations the model reads into titles).
    Apposed,
    /// A title before a screen role noun and a name ("X star Y", "X judge Y") found in the
    /// parse: overrides the model's people (one name before "star" and another is no
    /// person), yields to its organisations and places ("Hollywood star Y").
    Credit,
    /// A title before its own season or series word ("X's second series"): overrides the
    /// model's places (it reads titles ending in a place word as places: "Little
    /// Britain"), yields to its people and organisations ("Fox's new series").
    Owned,
    /// A title before a year in brackets ("X (1944)") or a credit ("X, starring Y"):
    /// yields only to the model's dates and numbers and to a person it names with two or
    /// more words (it reads many titles there as places or one-word people: "Casablanca",
    /// "Closer").
    Dated,
}

fn rule(pattern: &str, label: EntityLabel, strength: Strength) -> Rule {
    Rule {
        pattern: compile(pattern),
        needs_screen: label == CHARACTER,
        label,
        strength,
    }
}

fn screen_rule(pattern: &str, label: EntityLabel, strength: Strength) -> Rule {
    Rule {
        needs_screen: true,
        ..rule(pattern, label, strength)
    }
}

/// Left contexts (ending right before the name).
static LEFT_RULES: LazyLock<Vec<Rule>> = LazyLock::new(|| {
    let season = r"(?:season|series)[^\S\n]+(?:\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|first|second|third|fourth|fifth|final|new|latest|last|next|upcoming)";
    vec![
        rule(
            &format!(
                r"(?i:\b(?:series|sitcom|miniseries|mini-series|docuseries|telenovela|soap[^\S\n]+opera)[^\S\n]+){OPEN_QUOTE}$"
            ),
            SHOW,
            Strength::Strong,
        ),
        // "show" is also a verb ("figures show London …"): only a noun after these.
        rule(
            &format!(
                r"(?i:\b(?:the|a|his|her|their|its|tv|television|hit|new|talk|chat|game|reality|quiz|cookery|breakfast|sketch|comedy|children's|radio)[^\S\n]+(?:show|programme)[^\S\n]+){OPEN_QUOTE}$"
            ),
            SHOW,
            Strength::Strong,
        ),
        rule(
            &format!(
                r"(?i:\b(?:showrunners?|show-runners?|episodes?|{season})[^\S\n]+of[^\S\n]+){OPEN_QUOTE}$"
            ),
            SHOW,
            Strength::Strong,
        ),
        screen_rule(
            &format!(
                r"(?i:\b(?:creators?|co-creators?|stars?|cast|writers|producers)[^\S\n]+of[^\S\n]+(?:the[^\S\n]+)?(?:(?:hit|new|popular|acclaimed|cult|tv|television|comedy|drama|crime|animated|\p{{Lu}}[\w+]*)[^\S\n]+){{0,2}}(?:series|show|sitcom|drama)[^\S\n]+){OPEN_QUOTE}$"
            ),
            SHOW,
            Strength::Strong,
        ),
        rule(
            &format!(
                r"(?i:\b(?:characters?|villain|supervillain|superhero|protagonist|antagonist|anti-hero|antihero|nemesis|alter[^\S\n]+ego|sidekick)[^\S\n]+){OPEN_QUOTE}$"
            ),
            CHARACTER,
            Strength::Strong,
        ),
    ]
});

/// Acting verbs make a role only in a screen context (in sport "Murray plays Nadal", in
/// politics "he portrayed Labour as …"), and "plays" only before "in Y", "opposite Y", …
/// (a game is played too: "playing Ultima Online.").
static PORTRAYS_LEFT: LazyLock<Regex> = LazyLock::new(|| {
    compile(&format!(
        r"(?i:\b(?:portrays|portrayed|portraying|voices|voiced|voicing|starring[^\S\n]+as|starred[^\S\n]+as|cast[^\S\n]+as|role[^\S\n]+as)[^\S\n]+(?:the[^\S\n]+)?){OPEN_QUOTE}$"
    ))
});
static PLAYS_LEFT: LazyLock<Regex> = LazyLock::new(|| {
    compile(&format!(
        r"(?i:\b(?:plays|played|playing)[^\S\n]+(?:the[^\S\n]+)?(?:[a-z-]{{3,}}[^\S\n]+)?){OPEN_QUOTE}$"
    ))
});
static PLAYS_RIGHT: LazyLock<Regex> = LazyLock::new(|| {
    compile(&format!(
        r"^{CLOSE_QUOTE}(?:[^\S\n]+(?:in|opposite|alongside|to)\b|,)"
    ))
});

/// Capitalised words that start sentences or titles but are not names on their own.
static NOT_NAMES: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| list(include_str!("../../data/entities/not_names.txt")).collect());

/// Honorifics and titles mark real people in news style ("Mr Brown"): never a show or a
/// character by rule (the bundled lists may still name "Mr Spock"). One list with the
/// speakers table: `data/honorifics.txt` (lower case, no final period).
static HONORIFICS: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| list(include_str!("../../data/honorifics.txt")).collect());

fn is_rule_candidate(name: &str) -> bool {
    if NOT_NAMES.contains(&name) {
        return false;
    }
    // A lone gerund opens sentences ("Appearing on BBC Radio 4, …"), it is no name.
    if !name.contains(' ') && name.len() > 5 && name.ends_with("ing") {
        return false;
    }
    let first = name.split([' ', '.']).next().unwrap_or("");
    if HONORIFICS.contains(first.to_lowercase().as_str()) {
        return false;
    }
    // Acronyms ("CSI") are left to the lists: too many are countries, units or formats.
    let letters: Vec<char> = name.chars().filter(|c| c.is_alphabetic()).collect();
    !(letters.len() <= 4 && letters.iter().all(|c| c.is_uppercase()))
}

static SCREEN_CONTEXT: LazyLock<Regex> = LazyLock::new(|| {
    compile(
        r"(?i:\b(?:showrunners?|show-runners?|sitcoms?|episodes?|actor|actress|on[- ]screen|films?|movies?|tv series|the series|streaming|netflix|hbo|hulu|season \d{1,2})\b)",
    )
});

/// Right contexts (starting right after the name).
static RIGHT_RULES: LazyLock<Vec<Rule>> = LazyLock::new(|| {
    let networks = networks_alternation();
    // Words allowed between "X, the" and "series": adjectives and network names, not
    // "X, a spokesman for the show".
    let modifiers = r"(?:(?:\p{Lu}[\w+]*|new|hit|popular|long-running|acclaimed|animated|comedy|drama|crime|reality|tv|television|satirical|medical|cult|award-winning|original|upcoming|streaming|\w+'s)[^\S\n]+){0,3}";
    vec![
        screen_rule(
            &format!(r"^{CLOSE_QUOTE}(?i:[^\S\n]+(?:creators?|co-creators?)\b)"),
            SHOW,
            Strength::Weak,
        ),
        rule(
            &format!(
                r"^{CLOSE_QUOTE}(?i:[^\S\n]+(?:showrunners?|show-runners?|(?:season|series)[^\S\n]+(?:\d{{1,2}}|one|two|three|four|five|six|seven|eight|nine|ten|premiere|finale)|episodes?)\b)"
            ),
            SHOW,
            Strength::Strong,
        ),
        rule(
            &format!(
                r"^{CLOSE_QUOTE}[^\S\n]*(?:\([^\S\n]*(?:which|that)[^\S\n]+)?(?:hits|airs|aired|streams|streamed|premieres|premiered|returns|returned|debuts|debuted|moves|is[^\S\n]+streaming|drops)[^\S\n]+(?:on[^\S\n]+|to[^\S\n]+)?(?:{networks})\b"
            ),
            SHOW,
            Strength::Weak,
        ),
        rule(
            &format!(
                r"^{CLOSE_QUOTE}[^\S\n]+(?:has|had|have|was|is|were|got|gets|has[^\S\n]+just)[^\S\n]+(?:been[^\S\n]+)?renewed\b"
            ),
            SHOW,
            Strength::Weak,
        ),
        rule(
            &format!(r"^{CLOSE_QUOTE}[^\S\n]+(?:on|via)[^\S\n]+(?:{networks})\b(?:[^'’]|$)"),
            SHOW,
            Strength::Weakest,
        ),
        rule(
            &format!(
                r"^{CLOSE_QUOTE},[^\S\n]+(?:the|a|an)[^\S\n]+{modifiers}(?:series|show|sitcom|drama|miniseries|docuseries)[,.;)]"
            ),
            SHOW,
            Strength::Weak,
        ),
        rule(
            &format!(
                r"^{CLOSE_QUOTE},[^\S\n]+(?:the|a|an)[^\S\n]+{modifiers}(?:character|villain|supervillain|superhero|protagonist|antagonist|antihero|anti-hero)\b"
            ),
            CHARACTER,
            Strength::Strong,
        ),
        rule(
            &format!(
                r"^{CLOSE_QUOTE},?[^\S\n]+(?:who[^\S\n]+is[^\S\n]+|is[^\S\n]+|was[^\S\n]+)?(?:played|portrayed|voiced)[^\S\n]+by\b"
            ),
            CHARACTER,
            Strength::Strong,
        ),
    ]
});

/// A typed name found by a context rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleMatch {
    pub span: Span,
    pub label: EntityLabel,
    pub strength: Strength,
    /// A title whose kind the cue does not say ("watching X", "X (2004)"): the document's
    /// film and show words decide it, `label` is the fallback.
    pub open_kind: bool,
}

/// Where a possessive or a closing quote ends the name ("Kilgrave's" -> "Kilgrave").
fn trim_name(text: &str, span: Span) -> Span {
    let mut end = span.end;
    let s = &text[span.start..end];
    for suffix in ["'s", "’s", "'", "’", "."] {
        if s.len() > suffix.len() && s.ends_with(suffix) {
            end -= suffix.len();
            break;
        }
    }
    Span::new(span.start, end)
}

fn floor_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// Every capitalised name in `text`, possessives and closing quotes trimmed.
pub fn names(text: &str) -> impl Iterator<Item = Span> + '_ {
    NAME_RE
        .captures_iter(text)
        .filter_map(|c| c.get(0))
        .map(move |m| trim_name(text, Span::new(m.start(), m.end())))
        .filter(|s| !s.is_empty())
}

/// Words of film and television in `text`, counted up to two, in one scan: one licenses
/// "plays X" as a role; two make a screen article, where the parse's open title cues apply
/// (a technology or sports article often has one "film" or "the series").
pub fn screen_words(text: &str) -> usize {
    SCREEN_CONTEXT.find_iter(text).take(2).count()
}

/// "played for Chelsea", "played against Ann": not a role.
fn ends_with_preposition(left: &str) -> bool {
    let last = left
        .trim_end()
        .rsplit(char::is_whitespace)
        .next()
        .unwrap_or("");
    [
        "for",
        "with",
        "against",
        "under",
        "alongside",
        "opposite",
        "down",
        "out",
        "off",
    ]
    .contains(&last.to_lowercase().as_str())
}

/// Applies the context rules to every capitalised name of `text`; `screen`: the text has
/// a screen word ([`screen_words`]).
pub fn find(text: &str, screen: bool) -> Vec<RuleMatch> {
    const WINDOW: usize = 80;
    let mut out = Vec::new();
    for span in names(text) {
        if !is_rule_candidate(&text[span.start..span.end]) {
            continue;
        }
        let left = &text[floor_boundary(text, span.start.saturating_sub(WINDOW))..span.start];
        let right = &text[span.end..ceil_boundary(text, (span.end + WINDOW).min(text.len()))];
        let found = LEFT_RULES
            .iter()
            .find(|r| (screen || !r.needs_screen) && r.pattern.is_match(left))
            .map(|r| (r.label.clone(), r.strength))
            .or_else(|| {
                let acting = screen
                    && (PORTRAYS_LEFT.is_match(left)
                        || (PLAYS_LEFT.is_match(left)
                            && PLAYS_RIGHT.is_match(right)
                            && !ends_with_preposition(left)));
                acting.then_some((CHARACTER, Strength::Weak))
            })
            .or_else(|| {
                RIGHT_RULES
                    .iter()
                    .find(|r| (screen || !r.needs_screen) && r.pattern.is_match(right))
                    .map(|r| (r.label.clone(), r.strength))
            });
        if let Some((mut label, strength)) = found {
            // "hit show X - The Opera": the subtitle is the title's, its kind noun the kind.
            let mut span = span;
            if let Some((end, kind)) = super::titles::dash_subtitle(text, span.end) {
                span = Span::new(span.start, end);
                label = kind.unwrap_or(label);
            }
            out.push(RuleMatch {
                span,
                label,
                strength,
                open_kind: false,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(text: &str) -> Vec<(String, EntityLabel)> {
        find(text, screen_words(text) >= 1)
            .into_iter()
            .map(|m| (text[m.span.start..m.span.end].to_string(), m.label))
            .collect()
    }

    #[test]
    fn show_cues_on_either_side() {
        assert_eq!(
            typed("Netflix said its Marvel series Harbor Lights had been renewed."),
            vec![("Harbor Lights".to_string(), SHOW)]
        );
        assert_eq!(
            typed("The Harbor Lights showrunner spoke to us."),
            vec![("The Harbor Lights".to_string(), SHOW)]
        );
        assert_eq!(
            typed("We wait for season 2 of Game of Thrones."),
            vec![("Game of Thrones".to_string(), SHOW)]
        );
        assert_eq!(
            typed("an appearance in Tidewater (which hits Netflix on Sept. 30)"),
            vec![("Tidewater".to_string(), SHOW)]
        );
        assert_eq!(
            typed("'Harbor Lights' showrunner Dana Whitfield"),
            vec![("Harbor Lights".to_string(), SHOW)]
        );
        assert_eq!(
            typed("Quiet Hours, the new HBO drama, opens."),
            vec![("Quiet Hours".to_string(), SHOW)]
        );
    }

    #[test]
    fn character_cues() {
        assert!(
            typed("the villain Mordecai's plan").is_empty(),
            "needs a screen context"
        );
        assert_eq!(
            typed("In the film, the villain Mordecai's plan"),
            vec![("Mordecai".to_string(), CHARACTER)]
        );
        assert_eq!(
            typed("In the new film Mordecai, played by Ann Lee, returns."),
            vec![("Mordecai".to_string(), CHARACTER)]
        );
        assert_eq!(
            typed("On screen Ann Lee portrays Mordecai."),
            vec![("Mordecai".to_string(), CHARACTER)]
        );
    }

    #[test]
    fn plays_needs_a_screen_context() {
        assert!(typed("Murray plays Nadal in the final.").is_empty());
        assert_eq!(
            typed("In the film, Ann Lee plays Mordecai in Quiet Hours."),
            vec![("Mordecai".to_string(), CHARACTER)]
        );
        assert!(typed("In the film, she began playing Ultima Online. It was fun.").is_empty());
    }

    #[test]
    fn sport_and_politics_are_not_shows() {
        assert!(typed("Manchester United star Wayne Rooney scored.").is_empty());
        assert!(typed("The Premier League season starts in August.").is_empty());
        assert!(typed(
            "Figures show London grew. Philip Rinaldi, a spokesman for the show, spoke."
        )
        .is_empty());
        assert!(typed("Tony Blair said on Tuesday the war hero Bob Smith would visit.").is_empty());
    }
}
