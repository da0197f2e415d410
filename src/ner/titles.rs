//! Titles of creative works found from their shape and the words around them, with no
//! list of titles: a kind noun before or after ("the film X", "X, the BBC series"), a year
//! in brackets ("X (2004)"), a credit after it ("X, starring Y"), quote marks, a verb of watching ("binge-watching X"), an
//! acting cue ("starred in X", "plays Y in X", "X star Y") or a possessive with a series or
//! film word ("X's second season"). A title may hold lower-case small words and inner
//! punctuation ("Orange Is the New Black", "Nip/Tuck", "Later... With Jools Holland").
//!
//! Each match says whether its cue names the kind (FILM, SHOW, WORK) or leaves it open to
//! the document's vote of film and show words (see `layered.rs`).

use std::collections::HashSet;
use std::sync::LazyLock;

use regex::Regex;

use super::cue_regex::{CuePrefilter, CueRegex};
use super::rules::{RuleMatch, Strength};
use crate::doc::{EntityLabel, Span};

const KIND_NOUNS: &str = include_str!("../../data/entities/kind_nouns.txt");
const SMALL_WORDS: &str = include_str!("../../data/entities/title_small_words.txt");
const WATCH_VERBS: &str = include_str!("../../data/entities/watch_verbs.txt");
const GENRE_NOUNS: &str = include_str!("../../data/entities/genre_nouns.txt");
const SEASON_WHICH: &str = include_str!("../../data/entities/season_which_words.txt");
const SEASON_NOUNS: &str = include_str!("../../data/entities/season_nouns.txt");
pub(crate) const FILM_CUES: &str = include_str!("../../data/entities/film_cues.txt");
pub(crate) const SHOW_CUES: &str = include_str!("../../data/entities/show_cues.txt");

/// The non-comment, non-empty lines of a bundled list.
pub(crate) fn list(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

/// Regex alternation of a list, longest first, spaces matching any run of blanks.
fn alternation<'a>(items: impl Iterator<Item = &'a str>) -> String {
    let mut items: Vec<&str> = items.collect();
    items.sort_by_key(|n| std::cmp::Reverse(n.len()));
    items
        .iter()
        .map(|n| regex::escape(n).replace(' ', r"[^\S\n]+"))
        .collect::<Vec<_>>()
        .join("|")
}

fn kind_nouns(kind: &str) -> String {
    alternation(list(KIND_NOUNS).filter_map(|l| {
        let (k, noun) = l.split_once('\t')?;
        (k == kind).then_some(noun)
    }))
}

/// Compiles a cue pattern. Blank classes are taken out of case-insensitive mode: the
/// regex parser case-folds a class by walking every code point of its parts (`\S` is
/// nearly all of Unicode), which cost seconds per process; blanks have no case, so the
/// set matched is the same.
fn compile(pattern: &str) -> Regex {
    let pattern = pattern.replace(r"[^\S\n]", r"(?-i:[^\S\n])");
    Regex::new(&pattern).expect("title patterns compile (checked by the test suite)")
}

/// Compiles a cue searched over whole texts (see `cue_regex`: same matches, fast path).
fn compile_cue(pattern: &str) -> CueRegex {
    let pattern = pattern.replace(r"[^\S\n]", r"(?-i:[^\S\n])");
    CueRegex::new(&pattern).expect("title patterns compile (checked by the test suite)")
}

/// A title: capitalised words or numbers, with inner punctuation, joined by blanks, ": ",
/// "... " or up to three small words.
static TITLE: LazyLock<String> = LazyLock::new(|| {
    let word = r"#?(?:\p{Lu}|\p{N})[\p{L}\p{M}\p{N}]*(?:[-'’./&+][\p{L}\p{N}]+)*(?:[^\S\n]?['’]s\b)?[!?+]?";
    let sep = r"(?:[^\S\n]*(?::|\.\.\.|…)[^\S\n]+|[^\S\n]+)";
    let small = alternation(list(SMALL_WORDS));
    format!(r"{word}(?:{sep}(?:(?:{small})[^\S\n]+){{0,3}}{word})*")
});

const OPEN_Q: &str = r#"(?:["“‘']|&quot;)"#;
const CLOSE_Q: &str = r#"(?:["”’']|&quot;)"#;

/// Words before a kind noun that make it a verb or not a kind at all ("to film X").
static NOT_BEFORE_KIND: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| list(include_str!("../../data/entities/not_before_kind.txt")).collect());

struct Cue {
    re: CueRegex,
    label: EntityLabel,
    open_kind: bool,
    strength: Strength,
    /// Only in articles about the screen.
    needs_screen: bool,
    /// Check the word before the `kind` group against `NOT_BEFORE_KIND`.
    check_kind_verb: bool,
    /// The title comes first and is the subject of the cue ("X is a song"): it must not
    /// follow a determiner ("this Christmas is the first song").
    subject_first: bool,
    /// A singular kind noun before the title: "A and B" after it is one title ("the
    /// thriller Hide and Seek"), as a plural noun would name two.
    joins_and: bool,
    /// A possessive cue: "X's remake of Y" makes X the maker, not a title.
    possessive: bool,
    /// A possessive inside the title before "The"/"A" is its maker's ("Ann Vale's The
    /// Long Field, starring ..."): the title starts after it.
    possessive_maker: bool,
}

static CUES: LazyLock<Vec<Cue>> = LazyLock::new(|| {
    let title = TITLE.as_str();
    let mut cues = Vec::new();
    for (kind, label) in [
        ("FILM", EntityLabel::Film),
        ("SHOW", EntityLabel::Show),
        ("WORK", EntityLabel::Work),
    ] {
        let nouns = kind_nouns(kind);
        // "the film X", "new BBC series: X", "a movie called X".
        cues.push(Cue {
            re: compile_cue(&format!(
                r"(?i:\b(?P<kind>{nouns}))[^\S\n]*:?[^\S\n]+(?i:(?:called|entitled|titled)[^\S\n]+)?(?:{OPEN_Q}[^\S\n]*)?(?P<title>{title})"
            )),
            label: label.clone(),
            open_kind: false,
            strength: Strength::Kind,
            needs_screen: false,
            check_kind_verb: true,
            subject_first: false,
            joins_and: true,
            possessive: false,
            possessive_maker: false,
        });
        // "X is my favourite film", "X was one of the best movies".
        cues.push(Cue {
            re: compile_cue(&format!(
                r"(?P<title>{title})[^\S\n]*{CLOSE_Q}?[^\S\n]+(?:is|was|might[^\S\n]+be|has[^\S\n]+been|remains)[^\S\n]+(?i:(?:a|an|the|my|our|one[^\S\n]+of[^\S\n]+(?:the|my|our)|still|really|such[^\S\n]+a)[^\S\n]+)(?:[\p{{L}}-]+[^\S\n]+){{0,3}}?(?P<kind>(?i:{nouns})s?)\b"
            )),
            label: label.clone(),
            open_kind: false,
            strength: Strength::Weak,
            needs_screen: false,
            // "X was the first choice to play …": "play" is a verb there.
            check_kind_verb: true,
            subject_first: true,
            joins_and: false,
            possessive: false,
            possessive_maker: false,
        });
        // "X, the 2004 film", "X, a new BBC series".
        cues.push(Cue {
            re: compile_cue(&format!(
                r"(?P<title>{title})[^\S\n]*{CLOSE_Q}?,[^\S\n]+(?i:(?:the|a|an|his|her|their|its)[^\S\n]+(?P<mods>(?:[\p{{L}}\d+'’-]+[^\S\n]+){{0,3}}?))(?P<kind>{nouns})(?:[,.;)]|[^\S\n]+(?:starring|directed|by|about|which|that|from|based|released|set|due|out)\b)"
            )),
            label,
            open_kind: false,
            strength: Strength::Weak,
            needs_screen: false,
            check_kind_verb: false,
            subject_first: false,
            joins_and: false,
            possessive: false,
            possessive_maker: false,
        });
    }
    // "comedy The Matador", "period drama X": a genre says creative work, not which kind.
    let genres = alternation(list(GENRE_NOUNS));
    cues.push(Cue {
        re: compile_cue(&format!(
            r"(?i:\b(?P<kind>{genres}))[^\S\n]*:?[^\S\n]+(?:{OPEN_Q}[^\S\n]*)?(?P<title>{title})"
        )),
        label: EntityLabel::Work,
        open_kind: true,
        strength: Strength::Kind,
        needs_screen: false,
        check_kind_verb: true,
        subject_first: false,
        joins_and: true,
        possessive: false,
        possessive_maker: false,
    });
    let watch = alternation(list(WATCH_VERBS));
    let film_or_show = alternation(list(FILM_CUES).chain(list(SHOW_CUES)));
    let season_which = alternation(list(SEASON_WHICH));
    let season_nouns = alternation(list(SEASON_NOUNS));
    let open = |re: String, label: EntityLabel, needs_screen: bool| Cue {
        re: compile_cue(&re),
        label,
        open_kind: true,
        strength: Strength::Title,
        needs_screen,
        check_kind_verb: false,
        subject_first: false,
        joins_and: false,
        possessive: false,
        possessive_maker: false,
    };
    cues.extend([
        // "X (2004)": books and albums are dated too, so the kind is the vote's (WORK
        // when it is silent), now that the cue overrides the model.
        Cue {
            strength: Strength::Dated,
            ..open(
                format!(r"(?P<title>{title})[^\S\n]*{CLOSE_Q}?[^\S\n]*\((?:19|20)\d\d\)"),
                EntityLabel::Work,
                false,
            )
        },
        // "X, starring Y", "X, directed by Y": a credit right after a title names it as
        // a film or a series (the vote decides which).
        Cue {
            strength: Strength::Dated,
            possessive_maker: true,
            ..open(
                format!(
                    r"(?P<title>{title}),?[^\S\n]+(?:starring|co-starring|directed[^\S\n]+by)[^\S\n]+\p{{Lu}}"
                ),
                EntityLabel::Work,
                false,
            )
        },
        // "binge-watching X".
        open(
            format!(
                r"(?i:\b(?:{watch}))[^\S\n]+(?i:(?:the|some|an?|my|this|that|his|her|their)[^\S\n]+(?:new[^\S\n]+|latest[^\S\n]+|old[^\S\n]+)?)?(?:{OPEN_Q}[^\S\n]*)?(?P<title>{title})"
            ),
            EntityLabel::Work,
            false,
        ),
        // "starred in X", "a role in X", "plays Y in X".
        open(
            format!(
                r"(?i:\b(?:starring|starred|stars|star|appeared|appears|appearing|roles?|cameo|cast|part)[^\S\n]+in[^\S\n]+)(?:the[^\S\n]+(?:new[^\S\n]+|hit[^\S\n]+)?)?(?:{OPEN_Q}[^\S\n]*)?(?P<title>{title})"
            ),
            EntityLabel::Work,
            true,
        ),
        open(
            format!(
                r"(?i:\b(?:plays|played|playing|portrays|portrayed|portraying)[^\S\n]+)\p{{Lu}}[\p{{L}}\p{{M}}'’.-]*(?:[^\S\n]+\p{{Lu}}[\p{{L}}\p{{M}}'’.-]*){{0,3}}[^\S\n]+in[^\S\n]+(?:{OPEN_Q}[^\S\n]*)?(?P<title>{title})"
            ),
            EntityLabel::Work,
            true,
        ),
        // "X premiere", "X trailer".
        open(
            format!(
                r"(?P<title>{title})[^\S\n]*{CLOSE_Q}?[^\S\n]+(?i:premiere|finale|trailer|soundtrack|sequel|spoilers|box[^\S\n]+set|boxset|dvd|reboot|spin-off)\b"
            ),
            EntityLabel::Work,
            false,
        ),
        // "X star Y", "X director Y".
        Cue {
            strength: Strength::Named,
            ..open(
                format!(
                    r"(?P<title>{title})[^\S\n]*{CLOSE_Q}?[^\S\n]+(?:star|stars|co-star|actor|actress|presenter|host|creator|co-creator|writer|director|showrunner)[^\S\n]+\p{{Lu}}"
                ),
                EntityLabel::Work,
                true,
            )
        },
        // "X's second series", "X's final episode": a series before its own season word,
        // with a word saying which one (not "Fox's prime-time audience").
        Cue {
            possessive: true,
            label: EntityLabel::Show,
            open_kind: false,
            strength: Strength::Owned,
            ..open(
                format!(
                    r"(?P<title>{title})['’]s[^\S\n]+(?i:{season_which})[^\S\n]+(?i:{season_nouns})\b"
                ),
                EntityLabel::Show,
                true,
            )
        },
        // "X's second season", "X's director".
        Cue {
            possessive: true,
            ..open(
            format!(
                r"(?P<title>{title})['’]s[^\S\n]+(?i:(?:first|second|third|fourth|fifth|new|latest|final|last|next|upcoming|original)[^\S\n]+)?(?i:(?:{film_or_show}))\b"
                ),
                EntityLabel::Work,
                false,
            )
        },
        // A quoted title of two or more words ("Easy A"), or of one word with a film,
        // show or work word in its sentence (checked in `find`).
        open(
            format!(r"(?:^|[^\p{{L}}\p{{N}}]){OPEN_Q}[^\S\n]*(?P<title>{title})[^\S\n]*{CLOSE_Q}(?:[^\p{{L}}]|$)"),
            EntityLabel::Work,
            false,
        ),
    ]);
    cues
});

/// Determiners that make the capitalised word after them part of a noun phrase.
static DETERMINERS: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| list(include_str!("../../data/entities/title_determiners.txt")).collect());

/// A lower-case kind noun right after a title found by an open cue: the capitalised
/// words were its modifier ("appeared in BBC mini-series X"), the title comes after.
static KIND_NOUN_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    let nouns = alternation(
        list(KIND_NOUNS)
            .filter_map(|l| l.split_once('\t').map(|(_, n)| n))
            .chain(list(GENRE_NOUNS)),
    );
    compile(&format!(r"^[^\S\n]+(?-i:{nouns})s?\b"))
});

/// A second title-shaped part joined by "and" ("Hide| and Seek", "Will| and Grace",
/// "An Officer| and a Gentleman"); not one that opens with a capitalised article, which
/// reads as a second title ("X and The Aviator").
static AND_PART: LazyLock<Regex> = LazyLock::new(|| {
    compile(&format!(
        r"^[^\S\n]+and[^\S\n]+(?:(?:the|a|an)[^\S\n]+)?(?P<title>{})",
        TITLE.as_str()
    ))
});

const NOT_OPENERS: &str = include_str!("../../data/entities/title_openers_not.txt");

/// Words that open sentences but not titles (lower case).
pub(crate) static NOT_TITLE_WORDS: LazyLock<std::collections::HashSet<&'static str>> =
    LazyLock::new(|| list(NOT_OPENERS).collect());

/// Film and show words and kind nouns, lower case: never a title on their own ("Oscar").
static CUE_WORDS: LazyLock<std::collections::HashSet<&'static str>> = LazyLock::new(|| {
    list(FILM_CUES)
        .chain(list(SHOW_CUES))
        .chain(list(KIND_NOUNS).filter_map(|l| l.split_once('\t').map(|(_, n)| n)))
        .collect()
});

/// One pass for the cue words of every cue, which tells each cue the lines to search.
static CUE_PREFILTER: LazyLock<CuePrefilter> = LazyLock::new(|| {
    let cues: Vec<&CueRegex> = CUES.iter().map(|c| &c.re).collect();
    CuePrefilter::new(&cues)
});

static QUOTED_INDEX: LazyLock<usize> = LazyLock::new(|| CUES.len() - 1);

static KIND_WORD: LazyLock<Regex> = LazyLock::new(|| {
    let words = alternation(
        list(FILM_CUES)
            .chain(list(SHOW_CUES))
            .chain(list(WATCH_VERBS))
            .chain(list(KIND_NOUNS).filter_map(|l| l.split_once('\t').map(|(_, n)| n))),
    );
    compile(&format!(r"(?i:\b(?:{words})\b)"))
});

/// The title span of a cue match, with leading sentence words and trailing possessive
/// trimmed; `None` when nothing title-like is left.
fn clean_title(text: &str, start: usize, end: usize) -> Option<Span> {
    let mut start = start;
    let mut end = end;
    let first = text[start..end]
        .split(|c: char| c.is_whitespace())
        .next()
        .unwrap_or("");
    if NOT_TITLE_WORDS.contains(first.to_lowercase().as_str()) && opens_sentence(text, start) {
        let rest = &text[start + first.len()..end];
        let skip = rest.len() - rest.trim_start().len();
        start += first.len() + skip;
    }
    for suffix in ["'s", "’s", " 's", " ’s"] {
        if text[start..end].ends_with(suffix) {
            end -= suffix.len();
            break;
        }
    }
    // "Hey Ya! It took …": a mark then a sentence opener ends the title at the mark.
    if let Some(cut) = text[start..end]
        .match_indices(['!', '?'])
        .find_map(|(i, _)| {
            let next = text[start + i + 1..end].trim_start();
            let word = next.split_whitespace().next().unwrap_or("");
            (next.len() < text[start + i + 1..end].len()
                && NOT_TITLE_WORDS.contains(word.to_lowercase().as_str()))
            .then_some(start + i + 1)
        })
    {
        end = cut;
    }
    let s = &text[start..end];
    let trimmed = s.trim_end_matches(['.', ':', ' ', '!', '?']);
    end = start + trimmed.len();
    // A closing "!" or "?" the sentence runs on after is the title's own ("Are We There
    // Yet? and …", "Mamma Mia! has joined", "Salaam Bombay! - nominated").
    let mut after = text[end..].chars();
    if let Some(mark @ ('!' | '?')) = after.next() {
        let rest: String = after.take(3).collect();
        let next = rest.trim_start().chars().next();
        let runs_on = rest.starts_with(' ')
            && next.is_some_and(|c| c.is_lowercase() || matches!(c, ',' | '-' | '–' | '('));
        if runs_on || rest.starts_with([',', ')', ';']) {
            end += mark.len_utf8();
        }
    }
    let title = &text[start..end];
    let has_letter = title.chars().any(char::is_alphabetic);
    // Capitals throughout a phrase are shouting, not a title ("WHEN HE SAY"); acronyms
    // ("GTA IV") stay.
    let shouting = title.split_whitespace().count() >= 2
        && !title.chars().any(char::is_lowercase)
        && title
            .split_whitespace()
            .any(|w| w.chars().filter(|c| c.is_alphabetic()).count() >= 4);
    if shouting {
        return None;
    }
    let is_capitalised = title
        .chars()
        .next()
        .is_some_and(|c| c.is_uppercase() || c.is_numeric());
    let tiny_acronym = title.len() <= 2 && title.chars().all(|c| c.is_uppercase());
    let lower = title.to_lowercase();
    (has_letter
        && is_capitalised
        && !tiny_acronym
        && title != "The"
        && !NOT_TITLE_WORDS.contains(lower.as_str())
        && !CUE_WORDS.contains(lower.as_str()))
    .then_some(Span::new(start, end))
}

/// Capitalised words inside sentences (names, not just a sentence's first word).
fn capitalised_inside(text: &str) -> std::collections::HashSet<&str> {
    let mut out = std::collections::HashSet::new();
    let mut pos = 0;
    for piece in text.split_inclusive(|c: char| !(c.is_alphanumeric() || c == '-')) {
        let word = piece.trim_end_matches(|c: char| !(c.is_alphanumeric() || c == '-'));
        if word.starts_with(char::is_uppercase) && !opens_sentence(text, pos) {
            out.insert(word);
        }
        pos += piece.len();
    }
    out
}

/// Lower-case words of the text (its common words).
fn lower_words(text: &str) -> std::collections::HashSet<String> {
    text.split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’')
        .filter(|w| w.starts_with(char::is_lowercase))
        .map(str::to_string)
        .collect()
}

/// Whether `pos` starts a sentence: text start, a line start, or after ". ", "! ", "? ".
fn opens_sentence(text: &str, pos: usize) -> bool {
    let before = text[..pos].trim_end_matches([' ', '\t', '"', '“', '\'', '‘']);
    before.is_empty() || before.ends_with(['\n', '.', '!', '?', ':'])
}

fn word_before(text: &str, pos: usize) -> String {
    text[..pos]
        .trim_end()
        .rsplit(|c: char| c.is_whitespace())
        .next()
        .unwrap_or("")
        .to_lowercase()
}

static AND_TITLE: LazyLock<Regex> = LazyLock::new(|| {
    compile(&format!(
        r"^[^\S\n]+and[^\S\n]+(?:the[^\S\n]+)?(?P<title>{})",
        TITLE.as_str()
    ))
});

/// The end of "… and the Prisoner of Azkaban" right after `end`: a character's name that
/// opens a title ("Harry Potter and the Half-Blood Prince").
pub fn and_title_end(text: &str, end: usize) -> Option<usize> {
    let window = &text[end..];
    AND_TITLE.captures(window).and_then(|caps| {
        let m = caps.name("title")?;
        let t = clean_title(text, end + m.start(), end + m.end())?;
        Some(t.end)
    })
}

/// Every title found by a cue in `text`; `screen` says the article is about film or
/// television (it licenses the acting cues). `sentence_of` gives the sentence span of
/// a position, for the one-word quoted titles.
pub fn find(text: &str, screen: bool, sentence_of: &dyn Fn(usize) -> Span) -> Vec<RuleMatch> {
    let mut out = Vec::new();
    let mut common_words: Option<std::collections::HashSet<String>> = None;
    let mut names_inside: Option<std::collections::HashSet<&str>> = None;
    let mut kind_word_in: std::collections::HashMap<Span, bool> = std::collections::HashMap::new();
    let regions = CUE_PREFILTER.scan(text);
    for ((i, cue), regions) in CUES.iter().enumerate().zip(&regions) {
        if cue.needs_screen && !screen {
            continue;
        }
        for caps in cue.re.captures_iter_in(text, regions) {
            let Some(t) = caps.name("title") else {
                continue;
            };
            if let Some(k) = caps.name("kind") {
                // A capitalised kind word is part of a name ("UK Film Council").
                let noun = k.as_str().rsplit(char::is_whitespace).next().unwrap_or("");
                if noun.starts_with(char::is_uppercase)
                    || (cue.check_kind_verb
                        && NOT_BEFORE_KIND.contains(word_before(text, k.start()).as_str()))
                {
                    continue;
                }
            }
            // "X, the studio behind the film": modifiers, not a phrase of their own.
            if caps.name("mods").is_some_and(|m| {
                m.as_str().split_whitespace().any(|w| {
                    NOT_TITLE_WORDS.contains(w.to_lowercase().as_str())
                        || w == "the"
                        || w == "behind"
                })
            }) {
                continue;
            }
            let Some(mut span) = clean_title(text, t.start(), t.end()) else {
                continue;
            };
            let whole = caps.get(0).map_or(t.range(), |m| m.range());
            if cue.subject_first && DETERMINERS.contains(word_before(text, span.start).as_str()) {
                continue;
            }
            if cue.possessive_maker {
                let inner = &text[span.start..span.end];
                if let Some(at) = ["'s The ", "’s The ", "'s A ", "’s A ", "' The ", "’ The "]
                    .iter()
                    .filter_map(|p| inner.rfind(p).map(|i| i + p.find(" ").unwrap_or(0)))
                    .max()
                {
                    let from = span.start + at;
                    let from = from + text[from..].len() - text[from..].trim_start().len();
                    span = Span::new(from, span.end);
                }
            }
            // "Dinner with the Pikes, starring": a small word or preposition after a
            // capitalised word before the title leaves its start unclear.
            let mut from = span.start.saturating_sub(80);
            while !text.is_char_boundary(from) {
                from += 1;
            }
            if cue.possessive_maker && UNCLEAR_BEFORE.is_match(&text[from..span.start]) {
                continue;
            }
            if cue.possessive && text[whole.end..].trim_start().starts_with("of ") {
                continue;
            }
            if cue.strength == Strength::Title
                && t.end() == whole.end
                && KIND_NOUN_AFTER.is_match(&text[span.end..])
            {
                continue;
            }
            if cue.joins_and && span.end == t.end() {
                if let Some(part) = AND_PART
                    .captures(&text[span.end..])
                    .and_then(|c| c.name("title"))
                    .filter(|p| !p.as_str().starts_with(['T', 'A']) || !p.as_str().contains(' '))
                {
                    if let Some(p) =
                        clean_title(text, span.end + part.start(), span.end + part.end())
                    {
                        // Two names, not one title: "Ray and Mike Leigh's drama", "Meet
                        // The Fockers and Shall We Dance". One title joins a short part.
                        let words = |s: Span| text[s.start..s.end].split_whitespace().count();
                        let after = &text[p.end..];
                        let possessive = after.starts_with(['\'', '’'])
                            || after.starts_with(" 's")
                            || after.starts_with(" ’s");
                        if !possessive && (words(span) == 1 || words(p) == 1) {
                            span = Span::new(span.start, p.end);
                        }
                    }
                }
            }
            // A cue after the title cannot tell a title from the capital of a sentence's
            // first word: that word must not be a common word of the text ("However, X
            // star Y"; "There is a film").
            if t.start() == caps.get(0).map_or(0, |m| m.start()) && opens_sentence(text, span.start)
            {
                let first = text[span.start..span.end]
                    .split_whitespace()
                    .next()
                    .unwrap_or("");
                let single = !text[span.start..span.end].contains(char::is_whitespace);
                if single
                    && !names_inside
                        .get_or_insert_with(|| capitalised_inside(text))
                        .contains(first)
                {
                    continue;
                }
                if first != "The"
                    && common_words
                        .get_or_insert_with(|| lower_words(text))
                        .contains(&first.to_lowercase())
                {
                    let rest = &text[span.start + first.len()..span.end];
                    let skip = rest.len() - rest.trim_start().len();
                    if rest.trim().is_empty() {
                        continue;
                    }
                    span = Span::new(span.start + first.len() + skip, span.end);
                }
            }
            if i == *QUOTED_INDEX {
                let words = text[span.start..span.end].split_whitespace().count();
                // A quoted title ends at its closing mark: it must be the whole quotation,
                // and a one-word one needs a word of its kind in the sentence.
                let sentence = sentence_of(span.start);
                // Once per sentence, not per quoted title in it (quote soup has thousands).
                let in_sentence = *kind_word_in.entry(sentence).or_insert_with(|| {
                    text.get(sentence.start..sentence.end)
                        .is_some_and(|s| KIND_WORD.is_match(s))
                });
                if span.end != t.end() || (words < 2 && !in_sentence) || words > 8 {
                    continue;
                }
            }
            let mut label = cue.label.clone();
            let mut open_kind = cue.open_kind;
            // "hit show X - The Opera": the subtitle belongs to the title, and a kind noun
            // ending it names the kind (a stage opera, not a TV show).
            if let Some((end, kind)) = dash_subtitle(text, span.end) {
                span = Span::new(span.start, end);
                if let Some(kind) = kind {
                    label = kind;
                    open_kind = false;
                }
            }
            out.push(RuleMatch {
                span,
                label,
                strength: cue.strength,
                open_kind,
            });
        }
    }
    out
}

/// A subtitle after a dash ("X - The Opera", "X - the Warrior Poet"): part of the title.
static DASH_SUBTITLE: LazyLock<Regex> = LazyLock::new(|| {
    compile(r"^[^\S\n]+[-–][^\S\n]+(?:The|the)(?:[^\S\n]+\p{Lu}[\p{L}\p{M}'’]*)+")
});

/// The kind a subtitle's last word names ("The Opera": a work, "The Movie": a film).
static KIND_BY_LAST_WORD: LazyLock<Vec<(EntityLabel, Regex)>> = LazyLock::new(|| {
    ["FILM", "SHOW", "WORK"]
        .into_iter()
        .map(|kind| {
            (
                EntityLabel::parse(kind),
                compile(&format!(r"(?i)[^\S\n](?:{})$", kind_nouns(kind))),
            )
        })
        .collect()
});

/// A dash subtitle right after a title ending at `end` ("X - The Opera"): where the
/// title ends with it, and the kind its last word names, if any.
pub(crate) fn dash_subtitle(text: &str, end: usize) -> Option<(usize, Option<EntityLabel>)> {
    let sub = DASH_SUBTITLE.find(text.get(end..)?)?;
    let new_end = end + sub.end();
    let kind = KIND_BY_LAST_WORD
        .iter()
        .find(|(_, re)| re.is_match(&text[end..new_end]))
        .map(|(kind, _)| kind.clone());
    Some((new_end, kind))
}

/// The end of a text that a title after it may continue: a capitalised word, then one or
/// two small words or prepositions ("Dinner with the" + "Pikes").
static UNCLEAR_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    let small = inner_small_words(false);
    compile(&format!(
        r"\p{{Lu}}[\p{{L}}\p{{M}}'’-]*(?:[^\S\n]+(?:{small})){{1,2}}[^\S\n]+$"
    ))
});

/// The lower-case words a list item may hold between its capitalised words, as a regex
/// alternation: small words and `list_item_words.txt`, "and"/"or"/"&" only with `and`.
fn inner_small_words(and: bool) -> String {
    alternation(
        list(SMALL_WORDS)
            .filter(|w| and || !matches!(*w, "and" | "or" | "&"))
            .chain(list(include_str!(
                "../../data/entities/list_item_words.txt"
            ))),
    )
}

/// A list item: a title that may also hold prepositions and possessive determiners
/// (`list_item_words.txt`) between its capitalised words; the list's commas and last
/// "and" delimit it. `and`: whether "and"/"or" may be inside (the last item only).
fn list_item(and: bool) -> String {
    let word = r"#?(?:\p{Lu}|\p{N})[\p{L}\p{M}\p{N}]*(?:[-'’./&+][\p{L}\p{N}]+)*(?:[^\S\n]?['’]s\b)?[!?+]?";
    let sep = r"(?:[^\S\n]*(?::|\.\.\.|…)[^\S\n]+|[^\S\n]+)";
    let small = inner_small_words(and);
    format!(r"^(?:{word}(?:{sep}(?:(?:{small})[^\S\n]+){{0,3}}{word})*)")
}

/// A list item before the list's last link (no "and"/"or" inside).
static ITEM_AT: LazyLock<Regex> = LazyLock::new(|| compile(&list_item(false)));
/// A list's last item.
static LAST_ITEM_AT: LazyLock<Regex> = LazyLock::new(|| compile(&list_item(true)));

/// The title-shaped span starting at byte `pos` and the other items of the list it opens
/// ("were A, B and C" from A's start): nothing unless a real list (commas and a last
/// "and"/"or") follows, or, with `single`, the one title there when no list does.
pub(crate) fn list_from(text: &str, pos: usize, single: bool) -> Vec<Span> {
    let title_at = |at: usize, inner_and: bool| {
        let re: &Regex = if inner_and { &LAST_ITEM_AT } else { &ITEM_AT };
        let m = re.find(text.get(at..)?)?;
        clean_title(text, at, at + m.end())
    };
    let Some(first) = title_at(pos, false) else {
        return Vec::new();
    };
    let mut items = vec![first];
    let mut end = first.end;
    let mut closed = false;
    for _ in 0..12 {
        let Some(l) = LINK.captures(&text[end..]) else {
            break;
        };
        let next = end + l.get(0).map_or(0, |g| g.end());
        let is_and = l.name("and").is_some() || l.name("and2").is_some();
        // The last item may hold an "and" ("... and Sex and the City"), but then the
        // split is unclear.
        let Some(item) = title_at(next, is_and) else {
            break;
        };
        let item_text = &text[item.start..item.end];
        if is_and && (item_text.contains(" and ") || item_text.contains(" or ")) {
            return Vec::new();
        }
        items.push(item);
        end = item.end;
        if is_and {
            // "Mole and Otter and Stoat and Weasel": a last item running on into
            // another "and X" leaves the split unclear.
            let runs_on = LINK
                .captures(&text[end..])
                .filter(|l| l.name("and").is_some() || l.name("and2").is_some())
                .and_then(|l| l.get(0))
                .is_some_and(|g| ITEM_AT.is_match(&text[end + g.end()..]));
            if runs_on {
                return Vec::new();
            }
            closed = true;
            break;
        }
    }
    if !closed {
        return if single { vec![first] } else { Vec::new() };
    }
    // An item with an inner possessive is a name and a title ("Ann Vale's Long
    // Field"): left out, as are long runs.
    items
        .into_iter()
        .filter(|s| {
            let t = &text[s.start..s.end];
            !t.contains("'s ") && !t.contains("’s ") && t.split_whitespace().count() <= 8
        })
        .collect()
}

/// The link between two items of a list: ", ", " and ", ", and ", " or ", ", or ".
static LINK: LazyLock<Regex> = LazyLock::new(|| {
    compile(r"^(?:,[^\S\n]+(?P<and>(?:and|or)[^\S\n]+)?|[^\S\n]+(?P<and2>and|or)[^\S\n]+)")
});

/// The other titles of a list that holds the title at `span` ("films such as A, B and
/// C"): a list is title-shaped items joined by commas and a last "and"/"or", and a list
/// holding one title is a list of titles. `(span, items in the list)`. Items with an inner
/// possessive ("Ann Vale's Long Field") are left out: a name and a title.
pub fn list_siblings(text: &str, span: Span) -> Vec<(Span, usize)> {
    // Items before the title: title-shaped runs in the stretch of line before it.
    let line_start = text[..span.start].rfind('\n').map_or(0, |i| i + 1);
    let mut from = span.start.saturating_sub(400).max(line_start);
    while !text.is_char_boundary(from) {
        from += 1;
    }
    let mut found: Vec<Span> = Vec::new();
    let mut pos = from;
    while pos < span.start {
        let at_word_start = !text[..pos]
            .chars()
            .next_back()
            .is_some_and(char::is_alphanumeric);
        match LAST_ITEM_AT
            .find(&text[pos..span.start])
            .filter(|_| at_word_start)
        {
            Some(m) => {
                found.push(Span::new(pos, pos + m.end()));
                pos += m.end().max(1);
            }
            None => pos += text[pos..].chars().next().map_or(1, char::len_utf8),
        }
        while !text.is_char_boundary(pos) {
            pos += 1;
        }
    }
    // (item, linked to the next by and/or), walking back from the title while linked.
    let link_to = |item: Span, next_start: usize| {
        LINK.captures(&text[item.end..]).and_then(|l| {
            let g = l.get(0)?;
            (item.end + g.end() == next_start)
                .then_some(l.name("and").is_some() || l.name("and2").is_some())
        })
    };
    let mut items: Vec<(Span, bool)> = Vec::new();
    let mut next_start = span.start;
    for item in found.iter().rev() {
        match link_to(*item, next_start) {
            Some(is_and) => {
                items.push((*item, is_and));
                next_start = item.start;
            }
            None => break,
        }
    }
    items.reverse();
    items.push((span, false));
    // Items after the title.
    let mut end = span.end;
    for _ in 0..12 {
        let Some(l) = LINK.captures(&text[end..]) else {
            break;
        };
        let next = end + l.get(0).map_or(0, |g| g.end());
        let Some(m) = LAST_ITEM_AT.find(&text[next..]) else {
            break;
        };
        let is_and = l.name("and").is_some() || l.name("and2").is_some();
        if let Some(last) = items.last_mut() {
            last.1 = is_and;
        }
        items.push((Span::new(next, next + m.end()), false));
        end = next + m.end();
        if is_and {
            break;
        }
    }
    // The list: commas, then one "and"/"or" before its last item. A last item that runs
    // on into another "and X" leaves the split unclear ("Sex and the City and Will and
    // Grace").
    let Some(and_at) = items.iter().position(|(_, and)| *and) else {
        return Vec::new();
    };
    if let Some((last, _)) = items.get(and_at + 1) {
        let runs_on = LINK
            .captures(&text[last.end..])
            .filter(|l| l.name("and").is_some() || l.name("and2").is_some())
            .and_then(|l| l.get(0))
            .is_some_and(|g| LAST_ITEM_AT.is_match(&text[last.end + g.end()..]));
        if runs_on {
            return Vec::new();
        }
    }
    let items = &items[..=and_at + 1];
    if !items.iter().any(|(s, _)| *s == span) {
        return Vec::new();
    }
    let n = items.len();
    items
        .iter()
        .filter(|(s, _)| *s != span)
        .filter_map(|(s, _)| clean_title(text, s.start, s.end))
        .filter(|s| {
            let t = &text[s.start..s.end];
            !t.contains("'s ") && !t.contains("’s ") && t.split_whitespace().count() <= 8
        })
        .map(|s| (s, n))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn titles(text: &str) -> Vec<(String, EntityLabel, bool)> {
        let whole = Span::new(0, text.len());
        let mut v: Vec<_> = find(text, true, &|_| whole)
            .into_iter()
            .map(|m| {
                (
                    text[m.span.start..m.span.end].to_string(),
                    m.label,
                    m.open_kind,
                )
            })
            .collect();
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v.dedup_by(|a, b| a.0 == b.0);
        v
    }

    /// Every cue but the quoted-title one (which can start at a line break) gets words
    /// that confine its search to a few lines.
    #[test]
    fn cues_have_required_words() {
        for (i, cue) in CUES.iter().enumerate() {
            let sets = cue.re.required_words();
            if std::env::var_os("QUOTEX_SHOW_CUE_WORDS").is_some() {
                let shown: Vec<Vec<String>> = sets
                    .iter()
                    .map(|set| {
                        set.iter()
                            .map(|w| String::from_utf8_lossy(w).into_owned())
                            .collect()
                    })
                    .collect();
                eprintln!("cue {i}: {shown:?}");
            }
            assert_eq!(sets.is_empty(), i == *QUOTED_INDEX, "cue {i}");
        }
    }

    /// Time per cue over a corpus (`QUOTEX_CUE_CORPUS=file.jsonl cargo test --release
    /// --lib cue_costs -- --ignored --nocapture`): where the title cues spend.
    #[test]
    #[ignore]
    fn cue_costs() {
        let Some(path) = std::env::var_os("QUOTEX_CUE_CORPUS") else {
            return;
        };
        let texts: Vec<String> = std::fs::read_to_string(path)
            .unwrap()
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .filter_map(|v| v["text"].as_str().map(str::to_string))
            .collect();
        let _ = &*CUE_PREFILTER;
        let mut per_cue = vec![std::time::Duration::ZERO; CUES.len()];
        let mut scan = std::time::Duration::ZERO;
        let mut found = 0usize;
        for text in &texts {
            let t = std::time::Instant::now();
            let regions = CUE_PREFILTER.scan(text);
            scan += t.elapsed();
            for (i, cue) in CUES.iter().enumerate() {
                let t = std::time::Instant::now();
                found += cue.re.captures_iter_in(text, &regions[i]).count();
                per_cue[i] += t.elapsed();
            }
        }
        eprintln!("{} texts, {found} matches; scan {scan:?}", texts.len());
        for (i, d) in per_cue.iter().enumerate() {
            eprintln!("cue {i}: {d:?}");
        }
    }

    #[test]
    fn kind_nouns_name_the_kind() {
        assert_eq!(
            titles("She loved the film Quiet Harbour."),
            vec![("Quiet Harbour".into(), EntityLabel::Film, false)]
        );
        assert_eq!(
            titles("Fernhill Bay, the new BBC series, opens."),
            vec![("Fernhill Bay".into(), EntityLabel::Show, false)]
        );
        assert_eq!(
            titles("Her novel The Salt Road of the North is out."),
            vec![(
                "The Salt Road of the North".into(),
                EntityLabel::Work,
                false
            )]
        );
        assert!(titles("They want to film Jones in May.").is_empty());
    }

    #[test]
    fn open_cues_and_inner_punctuation() {
        assert_eq!(
            titles("We saw Tin/Can (2004) twice."),
            vec![("Tin/Can".into(), EntityLabel::Work, true)]
        );
        assert_eq!(
            titles("I was binge watching Pebble Is the New Stone all week"),
            vec![("Pebble Is the New Stone".into(), EntityLabel::Work, true)]
        );
        assert_eq!(
            titles("He starred in Later... With Ann Lee last year"),
            vec![("Later... With Ann Lee".into(), EntityLabel::Work, true)]
        );
        assert_eq!(
            titles("Quiet Hours star Ann Lee spoke."),
            vec![("Quiet Hours".into(), EntityLabel::Work, true)]
        );
        // A season word with a word saying which one names a series.
        assert_eq!(
            titles("Quiet Hours's second season starts."),
            vec![("Quiet Hours".into(), EntityLabel::Show, false)]
        );
        assert_eq!(
            titles("Quiet Hours's director spoke."),
            vec![("Quiet Hours".into(), EntityLabel::Work, true)]
        );
    }

    #[test]
    fn genre_nouns_and_whole_titles() {
        assert_eq!(
            titles("It beat the thriller Hide and Wander at the box office."),
            vec![("Hide and Wander".into(), EntityLabel::Work, true)]
        );
        // A plural kind noun names two titles; a long part and a possessive are two names.
        assert_eq!(
            titles("the comedy Meet The Owls and Shall We Sing? won")[0].0,
            "Meet The Owls"
        );
        assert_eq!(
            titles("the biopic Ray and Ann Lee's drama Stone")[0].0,
            "Ray"
        );
        assert_eq!(
            titles("The road-trip comedy Are We Nearly Home? and others")[0].0,
            "Are We Nearly Home?"
        );
        assert_eq!(titles("the single Hey Ho! It took off")[0].0, "Hey Ho");
    }

    #[test]
    fn cues_that_are_not_titles() {
        // A relative clause, a determiner before the subject, a verb "play", a possessive
        // maker, a modifier before a kind noun.
        assert!(titles("Like every track Ann Lee has released, it sold.").is_empty());
        assert!(titles("I think this Christmas is the first song to do it.").is_empty());
        assert!(titles("Lee was the first choice to play the lead.").is_empty());
        assert!(titles("Band Nine's remake of the song was a hit.").is_empty());
        assert_eq!(
            titles("She appeared in BBC mini-series The Salt Roads."),
            vec![("The Salt Roads".into(), EntityLabel::Show, false)]
        );
    }

    #[test]
    fn list_siblings_of_a_title() {
        let text = "Films such as Quiet Harbour, Tin Can and Paper Moon were sold.";
        let at = text.find("Tin Can").unwrap();
        let span = Span::new(at, at + "Tin Can".len());
        let got: Vec<(&str, usize)> = list_siblings(text, span)
            .into_iter()
            .map(|(s, n)| (&text[s.start..s.end], n))
            .collect();
        assert_eq!(got, vec![("Quiet Harbour", 3), ("Paper Moon", 3)]);
        // No "and": not a list. An item running on into another "and": unclear.
        let text = "It beat Quiet Harbour, Tin Can, and more.";
        let at = text.find("Quiet").unwrap();
        assert!(list_siblings(text, Span::new(at, at + 13)).is_empty());
        let text = "It beat Quiet Harbour and Will and Grace.";
        let at = text.find("Quiet").unwrap();
        assert!(list_siblings(text, Span::new(at, at + 13)).is_empty());
    }

    #[test]
    fn quoted_titles() {
        assert_eq!(
            titles("Tonight we show \" Salt And Stone \" on the roof."),
            vec![("Salt And Stone".into(), EntityLabel::Work, true)]
        );
        assert!(titles("\"Absolutely,\" she said.").is_empty());
    }
}
