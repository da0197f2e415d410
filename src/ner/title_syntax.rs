//! Titles found from the dependency parse, beside the regex cues of `titles.rs`: the parse
//! says which proper noun a cue word belongs to, where the regexes only see adjacency.
//!
//! A candidate is always a run of capitalised tokens around a PROPN token (small words such
//! as "of the" inside, "'s" and ":" between capitalised words), and it needs a creative-work
//! cue linked to it by an arc:
//! - a kind noun modifying it or in apposition ("hit film X", "show X", "X, the crime caper
//!   sequel", "latest film, X") or a kind noun it modifies after a determiner ("the X
//!   programme");
//! - a kind noun as its predicate ("X has become one of the most watched programmes");
//! - "in X" after an acting or directing word ("starred in X", "performance in X"), "for X"
//!   after an award word ("won an Oscar for X");
//! - the object or passive subject of a verb of making films ("directed X", "X was
//!   remade"), the subject of "stars" with an object ("X stars Y");
//! - a screen role noun it modifies before a name ("X judge Y");
//! - "kind nouns such as / including X, Y and Z" and the conjuncts of any title found;
//! - a plural kind noun subject of "be"/"include" (or after "among") naming the list after
//!   the verb ("Among the overlooked films were X, Y and Z"), read from the surface;
//! - the object of a verb of winning ("beat") whose subject is a title or a kind noun.
//!
//! Every pass is one walk over the tokens (linear in the article).

use std::collections::HashMap;
use std::sync::LazyLock;

use super::rules::{RuleMatch, Strength};
use super::titles::{list, FILM_CUES, SHOW_CUES};
use crate::doc::{Document, EntityLabel, Span};
use crate::syntax::Pos;

const KIND_NOUNS: &str = include_str!("../../data/entities/kind_nouns.txt");
const GENRE_NOUNS: &str = include_str!("../../data/entities/genre_nouns.txt");
const SMALL_WORDS: &str = include_str!("../../data/entities/title_small_words.txt");
const OPENERS_NOT: &str = include_str!("../../data/entities/title_openers_not.txt");
const IN_HEADS: &str = include_str!("../../data/entities/syntax_in_heads.txt");
const AWARD_HEADS: &str = include_str!("../../data/entities/syntax_award_heads.txt");
const WORK_VERBS: &str = include_str!("../../data/entities/syntax_work_verbs.txt");
const ROLE_NOUNS: &str = include_str!("../../data/entities/syntax_role_nouns.txt");
const AS_VERBS: &str = include_str!("../../data/entities/syntax_as_verbs.txt");
const HONORIFICS: &str = include_str!("../../data/honorifics.txt");
const MORE_KIND_NOUNS: &str = include_str!("../../data/entities/syntax_kind_nouns.txt");
const ROLE_IN_HEADS: &str = include_str!("../../data/entities/syntax_role_in_heads.txt");
const OF_HEADS: &str = include_str!("../../data/entities/syntax_of_heads.txt");
const OF_HEADS_OPEN: &str = include_str!("../../data/entities/syntax_of_heads_open.txt");
const RIVAL_VERBS: &str = include_str!("../../data/entities/syntax_rival_verbs.txt");

/// What a kind noun says about the work it names.
#[derive(Debug, Clone, PartialEq)]
enum Kind {
    /// "film", "series", "album": the label.
    Named(EntityLabel),
    /// "comedy", "thriller": a work whose kind the document's vote decides.
    Genre,
}

struct Lists {
    kinds: HashMap<&'static str, Kind>,
    small: Vec<&'static str>,
    openers_not: Vec<&'static str>,
    in_heads: Vec<&'static str>,
    /// "role in X": overrides the model's places and organisations.
    role_in_heads: Vec<&'static str>,
    /// "star of X", "the cast of X".
    of_heads: Vec<&'static str>,
    /// "the premiere of X", "director of X": yield to the model's names.
    of_heads_open: Vec<&'static str>,
    award_heads: Vec<&'static str>,
    work_verbs: Vec<&'static str>,
    role_nouns: Vec<&'static str>,
    as_verbs: Vec<&'static str>,
    honorifics: Vec<&'static str>,
    /// "beat", "pip": a title subject's object is a title of its kind.
    rival_verbs: Vec<&'static str>,
    /// Film and show words ("Oscar", "film"): alone, never a title.
    kind_words: std::collections::HashSet<String>,
}

static LISTS: LazyLock<Lists> = LazyLock::new(|| {
    let mut kinds = HashMap::new();
    for noun in list(GENRE_NOUNS).filter(|n| !n.contains(' ')) {
        kinds.insert(noun, Kind::Genre);
    }
    for line in list(KIND_NOUNS).chain(list(MORE_KIND_NOUNS)) {
        let Some((label, noun)) = line.split_once('\t') else {
            continue;
        };
        // One-word nouns only: the parse gives the head noun ("drama" of "TV drama").
        if noun.contains(' ') {
            continue;
        }
        let kind = match label.trim() {
            "OPEN" => Kind::Genre,
            label => Kind::Named(EntityLabel::parse(label)),
        };
        kinds.insert(noun.trim(), kind);
    }
    Lists {
        kinds,
        small: list(SMALL_WORDS).collect(),
        openers_not: list(OPENERS_NOT).collect(),
        in_heads: list(IN_HEADS).collect(),
        role_in_heads: list(ROLE_IN_HEADS).collect(),
        of_heads: list(OF_HEADS).collect(),
        of_heads_open: list(OF_HEADS_OPEN).collect(),
        award_heads: list(AWARD_HEADS).collect(),
        work_verbs: list(WORK_VERBS).collect(),
        role_nouns: list(ROLE_NOUNS).collect(),
        as_verbs: list(AS_VERBS).collect(),
        honorifics: list(HONORIFICS).collect(),
        rival_verbs: list(RIVAL_VERBS).collect(),
        kind_words: list(FILM_CUES)
            .chain(list(SHOW_CUES))
            .map(str::to_lowercase)
            .collect(),
    }
});

/// The parse of one document, with the helpers the rules share.
struct View<'d> {
    doc: &'d Document,
    /// Children of each token, in order.
    children: Vec<Vec<usize>>,
    /// Whether a span holds a name the model gives (a person, organisation, place or
    /// group): a possessive of such a name is the work's maker, not part of its title.
    named: &'d dyn Fn(Span) -> Option<EntityLabel>,
    /// The article is about film or television.
    screen: bool,
    /// Words the text writes in lower case somewhere (built when first needed).
    lower_words: std::cell::OnceCell<std::collections::HashSet<&'d str>>,
}

impl<'d> View<'d> {
    fn word(&self, i: usize) -> &'d str {
        let t = &self.doc.tokens[i];
        self.doc.text.get(t.start..t.end).unwrap_or("")
    }

    /// The lemma; the lemmatizer writes the lemmas of common words in lower case, which is
    /// all the lists hold (no allocation per token).
    fn lemma(&self, i: usize) -> &'d str {
        &self.doc.syntax[i].lemma
    }

    fn dep(&self, i: usize) -> &'d str {
        &self.doc.syntax[i].dep
    }

    fn pos(&self, i: usize) -> Option<Pos> {
        self.doc.syntax[i].pos
    }

    fn head(&self, i: usize) -> usize {
        self.doc.syntax[i].head
    }

    fn capitalised(&self, i: usize) -> bool {
        self.word(i).chars().next().is_some_and(char::is_uppercase)
    }

    fn is_noun(&self, i: usize) -> bool {
        matches!(self.pos(i), Some(Pos::Noun))
    }

    fn kind(&self, i: usize) -> Option<&'static Kind> {
        // A capitalised kind noun inside a sentence is part of a name ("A Series of
        // Unfortunate Events"), not a cue.
        if !self.is_noun(i) || self.capitalised(i) && !self.doc.syntax[i].sent_start {
            return None;
        }
        LISTS.kinds.get(self.lemma(i))
    }

    /// Token `i` ends where token `j` starts (no space between: "Howl" + "'s").
    fn joined(&self, i: usize, j: usize) -> bool {
        self.doc.tokens[i].end == self.doc.tokens[j].start
    }

    fn is_possessive(&self, i: usize) -> bool {
        matches!(self.word(i), "'s" | "’s")
    }

    /// The capitalised run around PROPN token `h`, as token indices `first..=last`, inside
    /// one sentence. Leftwards only capitalised words, "'s" and ":" (not small words: "X in
    /// Y" there is a preposition); rightwards also small words before a capitalised word
    /// ("Christmas with the Kranks").
    fn name_run(&self, h: usize) -> Option<(usize, usize)> {
        if !self.capitalised(h) || !matches!(self.pos(h), Some(Pos::Propn)) {
            return None;
        }
        let n = self.doc.tokens.len();
        let mut first = h;
        while first > 0 && !self.doc.syntax[first].sent_start {
            let p = first - 1;
            if self.capitalised(p) && self.pos(p) != Some(Pos::Punct) {
                first = p;
            } else if p > 1
                && LISTS.small.contains(&self.word(p))
                && !matches!(self.word(p), "and" | "or" | "&")
                && self.word(p).chars().all(char::is_lowercase)
                && (self.capitalised(p - 1)
                    || LISTS.small.contains(&self.word(p - 1))
                        && self.capitalised(p - 2)
                        && self.head(p - 1) == first)
                && !self.doc.syntax[p].sent_start
                && (self.head(p) == p - 1
                    || self.head(p) == first
                    || p >= 2 && self.head(p) == p - 2)
            {
                // "The Passion of the Christ" from "Christ": small words that hang on the
                // words around them.
                first = if self.capitalised(p - 1) {
                    p - 1
                } else {
                    p - 2
                };
            } else if (self.is_possessive(p) && self.dep(p) == "case" || self.word(p) == ":")
                && p > 0
                && self.capitalised(p - 1)
                && !self.doc.syntax[p].sent_start
            {
                // A possessive before "The" or of a name the model gives is the maker
                // ("Mel Gibson's The Passion …", "BBC World Service's X programme").
                if self.is_possessive(p) {
                    let mut q = p - 1;
                    while q > 0 && self.capitalised(q - 1) && !self.doc.syntax[q].sent_start {
                        q -= 1;
                    }
                    let owner = Span::new(self.doc.tokens[q].start, self.doc.tokens[p - 1].end);
                    let owner_text = self.doc.span_text(owner);
                    // One word the model names may be the title's own ("Howl's Moving
                    // Castle"); a full name or an acronym is a maker.
                    // A one-word place may be the title's own ("Howl's Moving Castle" -
                    // the model's place), a one-word person or group is a maker
                    // ("Westlife's X"), as is a full name or an acronym.
                    let maker = match (self.named)(owner) {
                        Some(EntityLabel::Person | EntityLabel::Org) => true,
                        Some(_) => q < p - 1,
                        None => false,
                    } || !owner_text.chars().any(char::is_lowercase);
                    if self.word(first) == "The" || maker {
                        break;
                    }
                }
                first = p - 1;
            } else {
                break;
            }
        }
        let mut last = h;
        let mut prep_seen = false;
        loop {
            let nx = last + 1;
            if nx >= n || self.doc.syntax[nx].sent_start {
                break;
            }
            let w = self.word(nx);
            let capital_after = |k: usize| {
                k < n
                    && !self.doc.syntax[k].sent_start
                    && self.word(k).chars().next().is_some_and(char::is_uppercase)
            };
            if self.capitalised(nx) && self.pos(nx) != Some(Pos::Punct) {
                last = nx;
            } else if (self.is_possessive(nx) && self.joined(last, nx) || w == ":")
                && capital_after(nx + 1)
            {
                last = nx + 1;
            } else if (LISTS.small.contains(&w) && w != "and" && w != "or"
                || matches!(self.pos(nx), Some(Pos::Adp))
                    && (first..=last).contains(&self.head(nx))
                    && !prep_seen
                    // Not after a person ("X for The Producers": a credit).
                    && !matches!(
                        (self.named)(Span::new(
                            self.doc.tokens[first].start,
                            self.doc.tokens[last].end
                        )),
                        Some(EntityLabel::Person)
                    )
                    && !(nx + 1 < n
                        && (self.named)(Span::new(
                            self.doc.tokens[nx + 1].start,
                            self.doc.tokens[nx + 1].end,
                        ))
                        .is_some()))
                && w.chars().all(char::is_lowercase)
            {
                // A preposition counts when it hangs on the title ("Christmas with"),
                // once ("X for The Producers at Theatre Royal" is two phrases).
                prep_seen |= !LISTS.small.contains(&w);
                // Up to two small words before a capitalised word ("with the Kranks").
                if capital_after(nx + 1) {
                    last = nx + 1;
                } else if nx + 2 < n
                    && LISTS.small.contains(&self.word(nx + 1))
                    && capital_after(nx + 2)
                {
                    last = nx + 2;
                } else {
                    break;
                }
            } else if matches!(w, "!" | "?") && self.joined(last, nx) {
                last = nx;
                break;
            } else {
                break;
            }
        }
        // "Mutants: On the form, varieties …": a subtitle that runs on in lower case is
        // cut at the colon.
        if let Some(colon) = (first..=last).find(|&k| self.word(k) == ":") {
            // A determiner, adjective or noun next: the phrase goes on ("On the form");
            // a verb or punctuation ends it ("Blade: Trinity was").
            let runs_on = last + 1 < n
                && !self.doc.syntax[last + 1].sent_start
                && self
                    .word(last + 1)
                    .chars()
                    .next()
                    .is_some_and(char::is_lowercase)
                && matches!(
                    self.pos(last + 1),
                    Some(Pos::Det | Pos::Adj | Pos::Noun | Pos::Num)
                );
            if runs_on {
                if colon == first || colon - 1 < h {
                    return None;
                }
                last = colon - 1;
            }
        }
        // A capitalised sentence opener that is no name ("Former X star", "With X star"):
        // not part of the title.
        if self.doc.syntax[first].sent_start
            && first < last
            && matches!(
                self.pos(first),
                Some(
                    Pos::Adp
                        | Pos::Adj
                        | Pos::Adv
                        | Pos::Sconj
                        | Pos::Cconj
                        | Pos::Verb
                        | Pos::Aux
                        | Pos::Pron
                        | Pos::Part
                        | Pos::Intj
                )
            )
        {
            first += 1;
        }
        Some((first, last))
    }

    fn writes_lower(&self, word: &str) -> bool {
        self.lower_words
            .get_or_init(|| {
                self.doc
                    .tokens
                    .iter()
                    .filter_map(|t| self.doc.text.get(t.start..t.end))
                    .filter(|w| w.chars().next().is_some_and(char::is_lowercase))
                    .collect()
            })
            .contains(word)
    }

    /// The title span around PROPN token `h`, if it has a title's shape.
    fn title_span(&self, h: usize) -> Option<Span> {
        let (first, mut last) = self.name_run(h)?;
        // A sequel number is the title's ("Doom 3"; not a year).
        let n = self.doc.tokens.len();
        if last + 1 < n
            && !self.doc.syntax[last + 1].sent_start
            && !self.joined(last, last + 1)
            && (1..=2).contains(&self.word(last + 1).len())
            && self.word(last + 1).chars().all(|c| c.is_ascii_digit())
        {
            last += 1;
        }
        // Glued to the word before ("C-Murder", "x.Y"): part of another word.
        if first > 0
            && self.joined(first - 1, first)
            && !self.word(first - 1).chars().all(char::is_whitespace)
            && !matches!(
                self.word(first - 1),
                "\"" | "“" | "‘" | "'" | "(" | "[" | "#"
            )
        {
            return None;
        }
        if self.unclear_edge(first, last) {
            return None;
        }
        let span = Span::new(self.doc.tokens[first].start, self.doc.tokens[last].end);
        let text = self.doc.span_text(span);
        // All capitals is an acronym (an organisation), not a title.
        if !text.chars().any(char::is_lowercase) {
            return None;
        }
        let lower = text.to_lowercase();
        // A name with an honorific is a person ("Mr X").
        let first_word = self.word(first).trim_end_matches('.').to_lowercase();
        if LISTS.honorifics.contains(&first_word.as_str()) {
            return None;
        }
        if first == last
            && (LISTS.openers_not.contains(&lower.as_str())
                || LISTS.kind_words.contains(lower.as_str())
                || LISTS.kinds.contains_key(lower.as_str())
                // A capitalised sentence opener that the text also writes in lower case
                // ("Festival director X"): a common word.
                || self.doc.syntax[first].sent_start && self.writes_lower(lower.as_str()))
        {
            return None;
        }
        // An award ("the Brit Awards", "Academy Awards") is no title; the lemmatizer
        // leaves a proper noun's plural as it is.
        let last_word = self.word(last).to_lowercase();
        if LISTS
            .award_heads
            .contains(&self.lemma(last).to_lowercase().as_str())
            || LISTS.award_heads.contains(&last_word.trim_end_matches('s'))
        {
            return None;
        }
        // One word left after a possessor the run leaves out as the work's maker: the
        // possessive is the title's own ("Gulliver's Travels", "Dead Man's Shoes") unless
        // the possessor is a person the model names, and a place is no title ("Brown's
        // Britain" is not "Britain").
        if first == last
            && first >= 2
            && self.is_possessive(first - 1)
            && self.capitalised(first - 2)
            && !self.doc.syntax[first - 1].sent_start
        {
            let mut q = first - 2;
            while q > 0 && self.capitalised(q - 1) && !self.doc.syntax[q].sent_start {
                q -= 1;
            }
            let owner = Span::new(self.doc.tokens[q].start, self.doc.tokens[first - 2].end);
            // A person or a body with an acronym ("BBC World Service's X programme") is
            // a maker.
            let by_person = matches!((self.named)(owner), Some(EntityLabel::Person))
                || self
                    .doc
                    .span_text(owner)
                    .split_whitespace()
                    .any(|w| w.len() >= 2 && !w.chars().any(char::is_lowercase));
            let place = matches!(
                (self.named)(span),
                Some(EntityLabel::Gpe | EntityLabel::Norp)
            );
            if !by_person || place {
                return None;
            }
        }
        Some(span)
    }

    /// Whether the run `first..=last` may be part of a longer title the run rules did not
    /// take: a word glued after it ("Boys Do" + "n't Cry"), a small word and a capitalised
    /// word after it that the model does not name ("Man" + "to Man", "Hot" + "in Herre"),
    /// a small word after a capitalised word before it ("the Christ" of "The Passion of the
    /// Christ", "Reflections on Adoption"), or a short number before it ("24 Hour …").
    fn unclear_edge(&self, first: usize, last: usize) -> bool {
        let n = self.doc.tokens.len();
        let starts = |k: usize| self.doc.syntax[k].sent_start;
        let lower_small = |k: usize| {
            let w = self.word(k);
            !matches!(w, "and" | "or" | "&")
                && w.chars().all(char::is_lowercase)
                && (LISTS.small.contains(&w) || matches!(self.pos(k), Some(Pos::Adp | Pos::Part)))
        };
        let unnamed_capital = |k: usize| {
            let t = &self.doc.tokens[k];
            let lower = self.word(k).to_lowercase();
            self.capitalised(k)
                && (!starts(k) || matches!(self.pos(k), Some(Pos::Propn | Pos::Noun)))
                && self.pos(k) != Some(Pos::Punct)
                && (self.named)(Span::new(t.start, t.end)).is_none()
                && !LISTS.award_heads.contains(&lower.as_str())
                && !LISTS.kind_words.contains(lower.as_str())
        };
        let nx = last + 1;
        // "Jak and Daxter and Ratchet": a chain of "and"s has no clear items.
        if nx + 2 < n
            && self.word(nx) == "and"
            && self.capitalised(nx + 1)
            && self.word(nx + 2) == "and"
        {
            return true;
        }
        if first >= 2
            && self.word(first - 1) == "and"
            && self.capitalised(first - 2)
            && first >= 3
            && self.word(first - 3) == "and"
        {
            return true;
        }
        if nx < n && !starts(nx) {
            // "Stardust... The Great American Songbook": the title runs on.
            if matches!(self.word(nx), "..." | "…") && nx + 1 < n && self.capitalised(nx + 1) {
                return true;
            }
            // A title ending on a verb or preposition before a small word and a capital
            // ("The World According" + "to Bex").
            if matches!(self.pos(last), Some(Pos::Verb | Pos::Adp))
                && lower_small(nx)
                && nx + 1 < n
                && self.capitalised(nx + 1)
            {
                return true;
            }
            if self.joined(last, nx)
                && self
                    .word(nx)
                    .chars()
                    .next()
                    .is_some_and(char::is_alphanumeric)
            {
                return true;
            }
            // A small word inside a model name that runs on past the title ("the
            // Nightmare on Elm Street franchise").
            if lower_small(nx)
                && nx + 1 < n
                && self.capitalised(nx + 1)
                && (self.named)(Span::new(
                    self.doc.tokens[nx].start,
                    self.doc.tokens[nx].end,
                ))
                .is_some()
            {
                return true;
            }
            if lower_small(nx) {
                let k = if nx + 2 < n && lower_small(nx + 1) && !starts(nx + 1) {
                    nx + 2
                } else {
                    nx + 1
                };
                if k < n && unnamed_capital(k) {
                    return true;
                }
            }
        }
        // "Bill and Ted's Excellent Adventure": a possessive first word after "X and".
        if first >= 2
            && !starts(first)
            && self.word(first - 1) == "and"
            && self.capitalised(first - 2)
            && first < last
            && self.is_possessive(first + 1)
        {
            return true;
        }
        if first > 0 && !starts(first) {
            let p = first - 1;
            let w = self.word(p);
            if w.len() <= 3 && w.chars().all(|c| c.is_ascii_digit()) {
                return true;
            }
            if lower_small(p) && p > 0 && !starts(p) {
                let k = if p > 1 && lower_small(p - 1) && !starts(p - 1) {
                    p - 2
                } else {
                    p - 1
                };
                if unnamed_capital(k) {
                    return true;
                }
            }
        }
        false
    }
}

impl View<'_> {
    /// Whether a kind noun's list marks titles here: a list of series, shows or programmes
    /// only in screen articles ("programmes such as the Olympics").
    fn kind_ok(&self, kind: &Kind) -> bool {
        self.screen || !matches!(kind, Kind::Named(EntityLabel::Show))
    }

    /// One word joined by "and" to one other capitalised word ("Hide and Seek", "Secrets and
    /// Lies"): one title, unless the pair ends a comma list ("X, Minder and Bergerac").
    fn and_pair(&self, span: Span) -> Option<Span> {
        let toks = self.doc.tokens_in(span);
        if toks.len() != 1 {
            return None;
        }
        let i = toks.start;
        let n = self.doc.tokens.len();
        let single = |k: usize| {
            k < n
                && self.capitalised(k)
                && self.pos(k) != Some(Pos::Punct)
                && self.name_run(k).is_none_or(|(f, l)| f == k && l == k)
                && (k + 1 >= n || !self.capitalised(k + 1))
        };
        let (a, b) = if i + 2 < n && self.word(i + 1) == "and" && single(i + 2) {
            (i, i + 2)
        } else if i >= 2 && self.word(i - 1) == "and" && single(i - 2) {
            (i - 2, i)
        } else {
            return None;
        };
        let place = |k: usize| {
            let t = &self.doc.tokens[k];
            matches!(
                (self.named)(Span::new(t.start, t.end)),
                Some(EntityLabel::Gpe)
            )
        };
        // A comma before the pair and none after: the pair ends a list ("X, Minder and
        // Bergerac"); with commas on both sides it is one item ("X, Romeo and Juliet, Y").
        let ends_list = a > 0 && self.word(a - 1) == "," && (b + 1 >= n || self.word(b + 1) != ",");
        // A chain of "and"s ("Jak and Daxter and Ratchet") has no clear pairs; a plural
        // kind noun before names several works ("the singles X and Y").
        let chained = a >= 2 && self.word(a - 1) == "and" || b + 2 < n && self.word(b + 1) == "and";
        let plural_before = a > 0 && matches!(self.doc.syntax[a - 1].tag.as_str(), "NNS" | "NNPS");
        if !single(a) || !single(b) || ends_list || chained || plural_before || place(a) || place(b)
        {
            return None;
        }
        if self.doc.syntax[b].sent_start {
            return None;
        }
        Some(Span::new(self.doc.tokens[a].start, self.doc.tokens[b].end))
    }
}

/// One title found by a parse rule, before it becomes a `RuleMatch`.
struct Hit {
    head: usize,
    label: EntityLabel,
    strength: Strength,
    open_kind: bool,
}

fn from_kind(kind: &Kind, head: usize, strong: Strength) -> Hit {
    match kind {
        Kind::Named(label) => Hit {
            head,
            label: label.clone(),
            strength: strong,
            open_kind: false,
        },
        Kind::Genre => Hit {
            head,
            label: EntityLabel::Work,
            strength: strong,
            open_kind: true,
        },
    }
}

fn open(head: usize, strength: Strength) -> Hit {
    Hit {
        head,
        label: EntityLabel::Work,
        strength,
        open_kind: true,
    }
}

/// Whether a lower-case common noun modifies the name at `span` from right before it
/// ("activist Ada Greenfield", "director X"): a person's role, unless the noun names a kind of
/// work ("comedy X", "film X").
pub(crate) fn role_noun_before(doc: &Document, span: Span) -> bool {
    let n = doc.tokens.len();
    if n == 0 || doc.syntax.len() != n {
        return false;
    }
    let toks = doc.tokens_in(span);
    if toks.start == 0 || toks.is_empty() {
        return false;
    }
    let common_noun = |k: usize| {
        let s = &doc.syntax[k];
        let word = doc.span_text(Span::new(doc.tokens[k].start, doc.tokens[k].end));
        matches!(s.pos, Some(Pos::Noun))
            && word.chars().next().is_some_and(char::is_lowercase)
            && !LISTS.kinds.contains_key(s.lemma.as_str())
            && !LISTS.kind_words.contains(s.lemma.as_str())
    };
    let k = toks.start - 1;
    let s = &doc.syntax[k];
    // "activist X".
    if matches!(s.dep.as_str(), "compound" | "amod") && toks.contains(&s.head) && common_noun(k) {
        return true;
    }
    // "a rural boy, X": the name in apposition to a common noun right before it (not
    // a name with an article: "the box-office hit, The Chorus").
    let text = doc.span_text(span);
    let article = ["The ", "A ", "An "].iter().any(|a| text.starts_with(a));
    !article
        && k >= 1
        && doc.span_text(Span::new(doc.tokens[k].start, doc.tokens[k].end)) == ","
        && common_noun(k - 1)
        && toks
            .clone()
            .any(|t| doc.syntax[t].dep == "appos" && doc.syntax[t].head == k - 1)
}

/// The titles the parse marks in `doc` (none without a parse). `screen`: the article is
/// about film or television (acting and role cues count only there). `named`: whether the
/// model gives a person, organisation, place or group overlapping a span.
/// `person`: whether the model gives exactly this span as a person (a real person an actor
/// plays: "DiCaprio as Howard Hughes" stays a person).
/// `known`: the label of a title already found (by a list or a cue) overlapping a span.
pub fn find(
    doc: &Document,
    screen: bool,
    named: &dyn Fn(Span) -> Option<EntityLabel>,
    person: &dyn Fn(Span) -> bool,
    known: &dyn Fn(Span) -> Option<EntityLabel>,
) -> Vec<RuleMatch> {
    let n = doc.tokens.len();
    if n == 0 || doc.syntax.len() != n {
        return Vec::new();
    }
    let mut children = vec![Vec::new(); n];
    for (i, s) in doc.syntax.iter().enumerate() {
        if s.head != i && s.head < n {
            children[s.head].push(i);
        }
    }
    let lower_words = std::cell::OnceCell::new();
    let v = View {
        doc,
        children,
        named,
        screen,
        lower_words,
    };
    let propn = |i: usize| matches!(v.pos(i), Some(Pos::Propn)) && v.capitalised(i);
    let mut hits: Vec<Hit> = Vec::new();
    let mut openers: Vec<RuleMatch> = Vec::new();
    // Where a list named by a kind noun starts (byte offset) and that noun's kind.
    let mut list_starts: Vec<(usize, &Kind)> = Vec::new();
    // Verbs of winning over rivals ("beat").
    let mut rivals: Vec<usize> = Vec::new();
    // Each token's sentence, and whether that sentence speaks of awards ("best", an
    // award word): one pass.
    let mut sentence = vec![0usize; n];
    let mut award_sentence: Vec<bool> = Vec::new();
    for (i, slot) in sentence.iter_mut().enumerate() {
        if i == 0 || v.doc.syntax[i].sent_start {
            award_sentence.push(false);
        }
        let k = award_sentence.len() - 1;
        *slot = k;
        let lemma = v.lemma(i);
        if v.word(i) == "best" || LISTS.award_heads.contains(&lemma.to_lowercase().as_str()) {
            award_sentence[k] = true;
        }
    }
    for (i, &in_sentence) in sentence.iter().enumerate() {
        let head = v.head(i);
        let dep = v.dep(i);
        // A kind noun right before the name it modifies ("hit film X", "comedy X").
        if let Some(kind) = v.kind(i) {
            if head > i
                && head < n
                && propn(head)
                && matches!(dep, "compound" | "nmod" | "amod")
                && v.name_run(head).is_some_and(|(first, _)| first == i + 1)
            {
                hits.push(from_kind(kind, head, Strength::Strong));
            }
            // "show X", "latest film, X": the name in apposition to the kind noun it
            // follows overrides the model (which reads many titles as people).
            for &c in &v.children[i] {
                // Only the name right after the kind noun and its punctuation ("book,
                // X, <author>, a lawyer": the author is no title).
                let adjacent = v.name_run(c).is_some_and(|(first, _)| {
                    first > i && (i + 1..first).all(|k| v.pos(k) == Some(Pos::Punct))
                });
                if v.dep(c) == "appos" && propn(c) && c > i && adjacent {
                    hits.push(from_kind(kind, c, Strength::Strong));
                }
                // "series such as A, B and C", "films including A".
                if v.dep(c) == "prep" && matches!(v.word(c), "as" | "including" | "like") {
                    let such = v.word(c) != "as"
                        || v.children[c].iter().any(|&k| v.word(k) == "such")
                        || c > 0 && v.word(c - 1) == "such";
                    if such && v.kind_ok(kind) {
                        // The surface list from the word after "as" (the tagger reads
                        // many titles in lists as common nouns or verbs: "Lost In ...").
                        if c + 1 < n && v.capitalised(c + 1) && !v.doc.syntax[c + 1].sent_start {
                            list_starts.push((v.doc.tokens[c + 1].start, kind));
                        }
                        for &o in &v.children[c] {
                            if v.dep(o) == "pobj" && propn(o) {
                                hits.push(from_kind(kind, o, Strength::Kind));
                            }
                        }
                    }
                }
            }
            // "Among the overlooked films were A, B and C", "whose films include A, B and
            // C", "Other shows which won praise were A, B and C": a plural kind noun that
            // is the subject of "be" or "include" (or follows "among" before "be") names
            // the list right after the verb.
            let among = dep == "pobj" && head < n && v.word(head).eq_ignore_ascii_case("among");
            if v.doc.syntax[i].tag == "NNS"
                && v.kind_ok(kind)
                && (matches!(dep, "nsubj" | "nsubjpass") || among)
            {
                let verb = (i + 1..n.min(i + 16))
                    .take_while(|&k| !v.doc.syntax[k].sent_start)
                    .find(|&k| {
                        matches!(v.lemma(k), "be" | "include")
                            && matches!(v.pos(k), Some(Pos::Verb | Pos::Aux))
                    });
                if let Some(k) = verb {
                    let subject_of = among || head == k;
                    let first = k + 1;
                    if subject_of
                        && first < n
                        && v.capitalised(first)
                        && !v.doc.syntax[first].sent_start
                        && v.pos(first) != Some(Pos::Punct)
                    {
                        list_starts.push((v.doc.tokens[first].start, kind));
                    }
                }
            }
            // "X, the crime caper sequel": the kind noun in apposition to the name.
            if dep == "appos" && head < n && propn(head) {
                hits.push(from_kind(kind, head, Strength::Apposed));
            }
        }
        // "Scrubs star Zach Braff": a one-word title opening the sentence that the tagger
        // reads as a common noun. Only before a screen role noun and a name, and only a
        // word the text never writes in lower case ("Rock star X", "Film director Y").
        if screen
            && v.doc.syntax[i].sent_start
            && head == i + 1
            && i + 2 < n
            && dep == "compound"
            && matches!(v.pos(i), Some(Pos::Noun))
            && LISTS.role_nouns.contains(&v.lemma(i + 1))
            && propn(i + 2)
        {
            let word = v.word(i);
            let lower = word.to_lowercase();
            let t = &doc.tokens[i];
            let span = Span::new(t.start, t.end);
            if word.len() > 2
                && v.capitalised(i)
                && word.chars().all(char::is_alphabetic)
                && word.chars().skip(1).all(char::is_lowercase)
                && !v.writes_lower(&lower)
                && !LISTS.openers_not.contains(&lower.as_str())
                && !LISTS.kind_words.contains(lower.as_str())
                && !LISTS.kinds.contains_key(lower.as_str())
                && (v.named)(span).is_none()
            {
                openers.push(RuleMatch {
                    span,
                    label: EntityLabel::Work,
                    strength: Strength::Credit,
                    open_kind: true,
                });
            }
        }
        if screen && LISTS.rival_verbs.contains(&v.lemma(i)) && matches!(v.pos(i), Some(Pos::Verb))
        {
            rivals.push(i);
        }
        if !propn(i) || head >= n {
            continue;
        }
        let head_lemma = v.lemma(head).to_string();
        match dep {
            // "the X programme", "Service's X programme": a name modifying a kind noun
            // after a determiner or possessive; not when that noun modifies another
            // ("the Venice film festival").
            "compound" if head > i => {
                if let (Some(Kind::Named(label)), Some((first, last)), false) =
                    (v.kind(head), v.name_run(i), v.dep(head) == "compound")
                {
                    let after_det = first > 0
                        && (matches!(v.pos(first - 1), Some(Pos::Det))
                            || v.is_possessive(first - 1));
                    // "the Whitney Houston film The Bodyguard": the name after is the title.
                    let name_after = head + 1 < n
                        && v.capitalised(head + 1)
                        && v.pos(head + 1) != Some(Pos::Punct);
                    // A series or show outside screen articles is often a product line or
                    // a sports series ("the Test series"); a broadcaster's possessive
                    // still marks a programme ("BBC Two's X programme").
                    let by_name =
                        first >= 2 && v.is_possessive(first - 1) && v.capitalised(first - 2);
                    let screen_ok = screen || *label != EntityLabel::Show || by_name;
                    if last + 1 == head && after_det && !name_after && screen_ok {
                        hits.push(Hit {
                            head: i,
                            label: label.clone(),
                            strength: Strength::Title,
                            open_kind: false,
                        });
                    }
                }
                // "X judge Y": a screen role noun followed by a name.
                if screen
                    && LISTS.role_nouns.contains(&head_lemma.as_str())
                    && v.name_run(i).is_some_and(|(_, last)| last + 1 == head)
                    && head + 1 < n
                    && propn(head + 1)
                {
                    hits.push(open(i, Strength::Credit));
                }
            }
            // "X has become one of the most watched programmes", "X is a film".
            // Only in articles about the screen ("X is clearly a show in decline": a fair).
            "nsubj" if screen && matches!(head_lemma.as_str(), "be" | "become" | "remain") => {
                for &a in &v.children[head] {
                    if v.dep(a) != "attr" {
                        continue;
                    }
                    let kind = v.kind(a).or_else(|| {
                        (v.lemma(a) == "one")
                            .then(|| {
                                v.children[a]
                                    .iter()
                                    .filter(|&&p| v.word(p) == "of")
                                    .flat_map(|&p| v.children[p].iter())
                                    .find_map(|&o| v.kind(o))
                            })
                            .flatten()
                    });
                    if let Some(kind) = kind {
                        hits.push(from_kind(kind, i, Strength::Named));
                    }
                }
            }
            // "X stars Y".
            "nsubj"
                if head_lemma == "star"
                    && matches!(v.pos(head), Some(Pos::Verb))
                    && v.children[head].iter().any(|&c| v.dep(c) == "dobj") =>
            {
                hits.push(open(i, Strength::Title));
            }
            // The model reads many titles as organisations: these arcs override those.
            // Screen articles only: events and products are broadcast and adapted too.
            "dobj" | "nsubjpass" if screen && LISTS.work_verbs.contains(&head_lemma.as_str()) => {
                hits.push(open(i, Strength::Named));
            }
            "pobj" => {
                let grand = v.head(head);
                if grand >= n {
                    continue;
                }
                let grand_lemma = v.lemma(grand).to_lowercase();
                let prep = v.word(head);
                // "stars Y as Captain X", "was cast as X": the role, a character.
                let acted = |k: usize| LISTS.as_verbs.contains(&v.lemma(k));
                if prep == "as"
                    && screen
                    && (acted(grand) || propn(grand) && v.head(grand) < n && acted(v.head(grand)))
                    && !v.title_span(i).is_some_and(person)
                {
                    hits.push(Hit {
                        head: i,
                        label: EntityLabel::Character,
                        strength: Strength::Weak,
                        open_kind: false,
                    });
                }
                // An award's own kind noun names the work's kind ("best album award for
                // X"); without one the award is for a work only in screen articles
                // ("award for Online Vendor of the year" is a category).
                // "the director award went to <a person> for X", "nominees include <a
                // person> for X": a work credited to a person the model names, in a
                // sentence about awards.
                let credited = prep == "for"
                    && screen
                    && propn(grand)
                    && matches!(
                        (v.named)(Span::new(doc.tokens[grand].start, doc.tokens[grand].end)),
                        Some(EntityLabel::Person)
                    )
                    && award_sentence.get(in_sentence).copied().unwrap_or(false);
                let award = prep == "for"
                    && (LISTS.award_heads.contains(&grand_lemma.as_str()) || credited);
                let award_kind = award
                    .then(|| {
                        v.children[grand]
                            .iter()
                            .filter(|&&k| matches!(v.dep(k), "compound" | "amod" | "nmod"))
                            .find_map(|&k| v.kind(k))
                    })
                    .flatten();
                if let Some(kind) = award_kind {
                    hits.push(from_kind(kind, i, Strength::Named));
                } else if screen
                    && prep == "in"
                    && LISTS.role_in_heads.contains(&grand_lemma.as_str())
                {
                    // "his role in Closer": the model reads many titles after "in" as
                    // places; a role is seldom in a place. Not a possessive place ("a
                    // performance in London's West End").
                    // Nor one a small word and a capital may continue ("Last Tango" + "in
                    // Paris").
                    let owned = v.name_run(i).is_some_and(|(f, l)| {
                        (f..=l).any(|k| v.is_possessive(k))
                            || l + 2 < n
                                && v.word(l + 1).chars().all(char::is_lowercase)
                                && matches!(v.pos(l + 1), Some(Pos::Adp | Pos::Det))
                                && v.capitalised(l + 2)
                    });
                    hits.push(open(
                        i,
                        if owned {
                            Strength::Named
                        } else {
                            Strength::Apposed
                        },
                    ));
                } else if screen
                    && (prep == "in" && LISTS.in_heads.contains(&grand_lemma.as_str())
                        || prep == "of" && LISTS.of_heads.contains(&grand_lemma.as_str())
                        || award)
                {
                    hits.push(open(i, Strength::Named));
                } else if screen
                    && prep == "of"
                    && LISTS.of_heads_open.contains(&grand_lemma.as_str())
                {
                    hits.push(open(i, Strength::Title));
                }
            }
            _ => {}
        }
    }
    // The conjuncts of a title ("He-Man and Transformers"), as open titles that yield to
    // the model's names.
    let mut seen: std::collections::HashSet<usize> = hits.iter().map(|h| h.head).collect();
    let mut k = 0;
    while k < hits.len() {
        let h = hits[k].head;
        let label = hits[k].label.clone();
        let open_kind = hits[k].open_kind;
        // A list after a kind noun keeps some of its strength; others yield to names.
        let strength = match hits[k].strength {
            Strength::Strong | Strength::Apposed | Strength::Kind => Strength::Kind,
            _ => Strength::Title,
        };
        for &c in &v.children[h] {
            // A possessor is no item ("Ray and Mike Leigh's drama X").
            let possessor = v
                .name_run(c)
                .is_some_and(|(_, l)| l + 1 < n && v.is_possessive(l + 1));
            // A list has a conjunction ("A, B and C"); commas alone may join a title to
            // its author ("book, X, <author>, a lawyer").
            let has_cc = |k: usize| v.children[k].iter().any(|&x| v.dep(x) == "cc");
            let listed = has_cc(h)
                || has_cc(c)
                || v.children[c]
                    .iter()
                    .any(|&x| v.dep(x) == "conj" && has_cc(x));
            if v.dep(c) == "conj" && propn(c) && !possessor && listed && seen.insert(c) {
                hits.push(Hit {
                    head: c,
                    label: label.clone(),
                    strength,
                    open_kind,
                });
            }
        }
        k += 1;
    }
    // "X beat A, B and C to the award", "The soap beat A": the subject is a title or a
    // kind noun, so the capitalised object right after the verb (and the list it opens)
    // is a work of the same kind. A participle ("X won, beating A") takes its head's
    // subject.
    let mut rival_titles: Vec<RuleMatch> = Vec::new();
    for &r in &rivals {
        let subject_of = |k: usize| {
            v.children[k]
                .iter()
                .copied()
                .find(|&c| matches!(v.dep(c), "nsubj" | "nsubjpass"))
        };
        let subject = subject_of(r).or_else(|| {
            (matches!(v.dep(r), "advcl" | "xcomp" | "conj") && v.head(r) < n)
                .then(|| subject_of(v.head(r)))
                .flatten()
        });
        let Some(s) = subject else { continue };
        let token_span = Span::new(doc.tokens[s].start, doc.tokens[s].end);
        let kind = if let Some(kind) = v.kind(s) {
            match kind {
                Kind::Named(label) => Some((label.clone(), false)),
                Kind::Genre => Some((EntityLabel::Work, true)),
            }
        } else if let Some(hit) = hits.iter().find(|h| h.head == s) {
            Some((hit.label.clone(), hit.open_kind))
        } else {
            known(token_span).map(|label| {
                let open = label == EntityLabel::Work;
                (label, open)
            })
        };
        let Some((label, open_kind)) = kind else {
            continue;
        };
        let first = r + 1;
        if first >= n
            || !v.capitalised(first)
            || v.doc.syntax[first].sent_start
            || v.pos(first) == Some(Pos::Punct)
        {
            continue;
        }
        for span in super::titles::list_from(&doc.text, doc.tokens[first].start, true) {
            if !doc.span_text(span).chars().any(char::is_lowercase) {
                continue;
            }
            rival_titles.push(RuleMatch {
                span,
                label: label.clone(),
                strength: Strength::Named,
                open_kind,
            });
        }
    }
    let mut out: Vec<RuleMatch> = Vec::new();
    for hit in hits {
        let Some(mut span) = v.title_span(hit.head) else {
            continue;
        };
        if let Some(joint) = v.and_pair(span) {
            span = joint;
        }
        out.push(RuleMatch {
            span,
            label: hit.label,
            strength: hit.strength,
            open_kind: hit.open_kind,
        });
    }
    out.extend(openers);
    out.extend(rival_titles);
    for (pos, kind) in list_starts {
        let (label, open_kind) = match kind {
            Kind::Named(label) => (label.clone(), false),
            Kind::Genre => (EntityLabel::Work, true),
        };
        for span in super::titles::list_from(&doc.text, pos, false) {
            // A name with an honorific or all capitals is no title ("Mr X", "BBC").
            let text = doc.span_text(span);
            let first_word = text
                .split(' ')
                .next()
                .unwrap_or("")
                .trim_end_matches('.')
                .to_lowercase();
            if LISTS.honorifics.contains(&first_word.as_str())
                || !text.chars().any(char::is_lowercase)
            {
                continue;
            }
            // The kind noun names every item: over any model label (it reads many
            // titles in lists as people or places).
            out.push(RuleMatch {
                span,
                label: label.clone(),
                strength: Strength::Strong,
                open_kind,
            });
        }
    }
    out.sort_by_key(|m| (m.span.start, m.span.end));
    out.dedup_by(|a, b| a.span == b.span);
    out
}
