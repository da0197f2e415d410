//! The document model: one `Document` owns the article text and every annotation is a
//! span of UTF-8 byte offsets into it. Byte offsets are the internal currency because
//! they slice `&str` in O(1); conversion to code-point offsets happens once, at output.

use serde::Serialize;

pub use crate::ner::Token;
pub use crate::syntax::TokenSyntax;

/// A half-open `[start, end)` range of UTF-8 byte offsets into a document's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        debug_assert!(start <= end, "span start {start} > end {end}");
        Span { start, end }
    }

    pub fn len(&self) -> usize {
        self.end - self.start
    }

    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    pub fn contains(&self, other: Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    pub fn overlaps(&self, other: Span) -> bool {
        self.start < other.end && other.start < self.end
    }

    /// The text this span covers; `None` when it is out of range or not on char boundaries.
    pub fn slice<'t>(&self, text: &'t str) -> Option<&'t str> {
        text.get(self.start..self.end)
    }
}

/// An article as read from the input, before any annotation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Article {
    pub id: String,
    pub title: Option<String>,
    pub text: String,
}

/// How a quote is marked in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum QuoteKind {
    /// Every part opens and closes with a quote mark.
    Direct,
    /// Reported speech with no quote marks.
    Indirect,
    /// Reported speech that is partly quoted.
    Mixed,
}

impl QuoteKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            QuoteKind::Direct => "direct",
            QuoteKind::Indirect => "indirect",
            QuoteKind::Mixed => "mixed",
        }
    }
}

/// Who said a quote: a canonical name, an optional role and the mention the
/// attribution rests on.
#[derive(Debug, Clone, PartialEq)]
pub struct Speaker {
    pub name: String,
    pub role: Option<String>,
    pub mention: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Quote {
    /// Hull of the content parts.
    pub span: Span,
    pub parts: Vec<Span>,
    pub kind: QuoteKind,
    pub speaker: Option<Speaker>,
    pub cue: Option<Span>,
    /// Which attribution step found the speaker.
    pub method: AttributionMethod,
    pub confidence: f32,
}

/// The attribution step that found a quote's speaker (the `method` of the output).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AttributionMethod {
    /// Between the parts of one quote: `“A,” Ann said, “B.”`.
    Split,
    /// The clause after the quote: `“…,” Ann said` / `“…,” said Ann`.
    CueAfter,
    /// `“…” ― Name`.
    Dash,
    /// `According to X, …` / `…, according to X.`
    AccordingTo,
    /// The clause before the quote: `Ann said: “…”`.
    CueBefore,
    /// `Name: …` with no verb (headlines, `Ann on Twitter:`).
    Colon,
    /// Someone the preceding sentences introduce as speaking.
    ParagraphSpeaker,
    /// A floating quote right after someone's quote.
    PreviousQuote,
    /// A run of uncued quote paragraphs alternating between the two people of an exchange.
    DialogueTurn,
    /// A `Q:` / `A:` / `NAME:` turn of an interview transcript.
    Transcript,
    /// Reported speech: `X says/told Y (that) …`.
    ReportedCue,
    /// Reported speech: `…, X said.` / `A, X said, B.`
    ReportedAfter,
    /// Reported speech: `…, saying …`.
    ReportedParticiple,
    /// No speaker found.
    None,
}

impl AttributionMethod {
    pub fn as_str(&self) -> &'static str {
        match self {
            AttributionMethod::Split => "split",
            AttributionMethod::CueAfter => "cue-after",
            AttributionMethod::Dash => "dash",
            AttributionMethod::AccordingTo => "according-to",
            AttributionMethod::CueBefore => "cue-before",
            AttributionMethod::Colon => "colon",
            AttributionMethod::ParagraphSpeaker => "paragraph-speaker",
            AttributionMethod::PreviousQuote => "previous-quote",
            AttributionMethod::DialogueTurn => "dialogue-turn",
            AttributionMethod::Transcript => "transcript",
            AttributionMethod::ReportedCue => "reported-cue",
            AttributionMethod::ReportedAfter => "reported-after",
            AttributionMethod::ReportedParticiple => "reported-participle",
            AttributionMethod::None => "none",
        }
    }

    /// A fixed confidence per step (how often the step is right on PolNeAR dev).
    pub fn confidence(&self) -> f32 {
        match self {
            AttributionMethod::Split | AttributionMethod::CueAfter | AttributionMethod::Dash => {
                0.95
            }
            AttributionMethod::CueBefore
            | AttributionMethod::AccordingTo
            | AttributionMethod::Transcript => 0.9,
            AttributionMethod::Colon => 0.8,
            AttributionMethod::ReportedCue | AttributionMethod::ReportedAfter => 0.75,
            AttributionMethod::PreviousQuote => 0.7,
            AttributionMethod::ReportedParticiple => 0.65,
            AttributionMethod::ParagraphSpeaker | AttributionMethod::DialogueTurn => 0.6,
            AttributionMethod::None => 0.3,
        }
    }
}

impl std::fmt::Display for AttributionMethod {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where an entity came from, so users can audit it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EntitySource {
    Model,
    Gazetteer,
    Rule,
}

impl EntitySource {
    pub fn as_str(&self) -> &'static str {
        match self {
            EntitySource::Model => "model",
            EntitySource::Gazetteer => "gazetteer",
            EntitySource::Rule => "rule",
        }
    }
}

/// The type of an entity: spaCy's 18 OntoNotes labels, quotex's creative-work and
/// character labels, and any other label a user gazetteer brings. Every stage matches on
/// this enum, so a misspelt label is a compile error; it serialises to the upper-case
/// strings of the output format ("PERSON", "SHOW", a user's "STUDIO").
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EntityLabel {
    Person,
    Norp,
    Fac,
    Org,
    Gpe,
    Loc,
    Product,
    Event,
    WorkOfArt,
    Law,
    Language,
    Date,
    Time,
    Percent,
    Money,
    Quantity,
    Ordinal,
    Cardinal,
    /// A TV or streaming series.
    Show,
    /// A cinema film.
    Film,
    /// A creative work whose kind is unclear or other (book, song, album, game, play).
    Work,
    /// A fictional character.
    Character,
    /// A label from a user gazetteer that is none of the above (upper case, e.g. "STUDIO").
    Custom(String),
}

/// Every built-in label with its output string, in one table for both directions.
const BUILTIN_LABELS: &[(EntityLabel, &str)] = &[
    (EntityLabel::Person, "PERSON"),
    (EntityLabel::Norp, "NORP"),
    (EntityLabel::Fac, "FAC"),
    (EntityLabel::Org, "ORG"),
    (EntityLabel::Gpe, "GPE"),
    (EntityLabel::Loc, "LOC"),
    (EntityLabel::Product, "PRODUCT"),
    (EntityLabel::Event, "EVENT"),
    (EntityLabel::WorkOfArt, "WORK_OF_ART"),
    (EntityLabel::Law, "LAW"),
    (EntityLabel::Language, "LANGUAGE"),
    (EntityLabel::Date, "DATE"),
    (EntityLabel::Time, "TIME"),
    (EntityLabel::Percent, "PERCENT"),
    (EntityLabel::Money, "MONEY"),
    (EntityLabel::Quantity, "QUANTITY"),
    (EntityLabel::Ordinal, "ORDINAL"),
    (EntityLabel::Cardinal, "CARDINAL"),
    (EntityLabel::Show, "SHOW"),
    (EntityLabel::Film, "FILM"),
    (EntityLabel::Work, "WORK"),
    (EntityLabel::Character, "CHARACTER"),
];

impl EntityLabel {
    /// The label of an output string; any other string is a `Custom` label (upper-cased,
    /// as gazetteer labels are).
    pub fn parse(s: &str) -> EntityLabel {
        let s = s.trim();
        BUILTIN_LABELS
            .iter()
            .find(|(_, name)| name.eq_ignore_ascii_case(s))
            .map(|(l, _)| l.clone())
            .unwrap_or_else(|| EntityLabel::Custom(s.to_uppercase()))
    }

    /// The output string ("PERSON", "SHOW", a custom label as given).
    pub fn as_str(&self) -> &str {
        match self {
            EntityLabel::Custom(s) => s,
            builtin => BUILTIN_LABELS
                .iter()
                .find(|(l, _)| l == builtin)
                .map_or("", |(_, name)| name),
        }
    }

    /// A title of a creative work (series, film, other work, or the model's WORK_OF_ART).
    pub fn is_creative_work(&self) -> bool {
        matches!(
            self,
            EntityLabel::Show | EntityLabel::Film | EntityLabel::Work | EntityLabel::WorkOfArt
        )
    }

    /// quotex's own creative-work labels, which the layers assign (not the model's).
    pub fn is_title(&self) -> bool {
        matches!(
            self,
            EntityLabel::Show | EntityLabel::Film | EntityLabel::Work
        )
    }
}

impl std::fmt::Display for EntityLabel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for EntityLabel {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(EntityLabel::parse(s))
    }
}

impl Serialize for EntityLabel {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Entity {
    pub span: Span,
    pub label: EntityLabel,
    pub source: EntitySource,
}

/// An article with its annotations. Every span indexes `text`.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub id: String,
    pub title: Option<String>,
    pub text: String,
    /// The one token list (spaCy's tokenizer), computed once; every stage reads it.
    pub tokens: Vec<Token>,
    /// Tag, POS, lemma and dependency arc of each token, parallel to `tokens`; empty when
    /// the pipeline runs without syntax.
    pub syntax: Vec<TokenSyntax>,
    pub sentences: Vec<Span>,
    pub entities: Vec<Entity>,
    pub quotes: Vec<Quote>,
}

impl Document {
    pub fn new(article: Article) -> Self {
        Document {
            id: article.id,
            title: article.title,
            text: article.text,
            tokens: Vec::new(),
            syntax: Vec::new(),
            sentences: Vec::new(),
            entities: Vec::new(),
            quotes: Vec::new(),
        }
    }

    pub fn span_text(&self, span: Span) -> &str {
        span.slice(&self.text).unwrap_or("")
    }

    /// Index of the sentence containing byte offset `pos`, if any.
    pub fn sentence_index_at(&self, pos: usize) -> Option<usize> {
        let i = self.sentences.partition_point(|s| s.end <= pos);
        (i < self.sentences.len() && self.sentences[i].start <= pos).then_some(i)
    }

    /// Index of the first token that ends after byte offset `pos` (the token containing
    /// `pos`, or the next one); `tokens.len()` when there is none.
    pub fn token_index_at(&self, pos: usize) -> usize {
        self.tokens.partition_point(|t| t.end <= pos)
    }

    /// The range of token indices inside `span` (tokens that start and end within it).
    pub fn tokens_in(&self, span: Span) -> std::ops::Range<usize> {
        let first = self.tokens.partition_point(|t| t.start < span.start);
        let last = self.tokens.partition_point(|t| t.end <= span.end);
        first..last.max(first)
    }

    /// Number of whitespace-separated words, the unit of the throughput figures.
    pub fn word_count(&self) -> usize {
        self.text.split_whitespace().count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_round_trip_through_their_strings() {
        for (label, name) in BUILTIN_LABELS {
            assert_eq!(label.as_str(), *name);
            assert_eq!(EntityLabel::parse(name), *label);
        }
        assert_eq!(
            EntityLabel::parse("studio"),
            EntityLabel::Custom("STUDIO".into())
        );
        assert_eq!(EntityLabel::Custom("STUDIO".into()).to_string(), "STUDIO");
        assert_eq!(
            serde_json::to_string(&EntityLabel::WorkOfArt).expect("serialises"),
            "\"WORK_OF_ART\""
        );
    }
}
