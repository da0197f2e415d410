//! The output schema, written down once as serde types. JSONL and JSON serialise
//! `ArticleRecord`; the CSV and Parquet tables are flat views built from the same records.

use std::borrow::Cow;

use serde::Serialize;

use crate::doc::{Document, EntitySource, QuoteKind, Span};
use crate::ids::{self, StableId};
use crate::offsets::{OffsetMap, OffsetUnit};

/// A span in output offsets (code points or bytes, `--offsets`).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SpanOut {
    /// First offset of the span.
    pub start: usize,
    /// Offset just past the span.
    pub end: usize,
}

/// A span with its text.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TextSpanOut<'a> {
    /// First offset of the span.
    pub start: usize,
    /// Offset just past the span.
    pub end: usize,
    /// The text of the span.
    pub text: &'a str,
}

/// Who said a quote.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SpeakerOut<'a> {
    /// `ids::speaker_id` of the name.
    pub speaker_id: StableId,
    /// The fullest form of the person's name in the article.
    pub name: &'a str,
    /// Their title or description in the article, if any.
    pub role: Option<&'a str>,
    /// The words the attribution rests on (a pronoun stays a pronoun here).
    pub mention: TextSpanOut<'a>,
}

/// A quote in the output record.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct QuoteOut<'a> {
    /// `ids::quote_id` of the parts' text: the same words give the same id in any article.
    pub quote_id: StableId,
    /// Start of the hull of the parts.
    pub start: usize,
    /// End of the hull of the parts.
    pub end: usize,
    /// The text of the hull (a split quote's hull contains its attribution).
    pub text: &'a str,
    /// The quoted content, one span per part.
    pub parts: Vec<SpanOut>,
    /// Direct, indirect or mixed.
    pub kind: QuoteKind,
    /// Who said it, when found.
    pub speaker: Option<SpeakerOut<'a>>,
    /// The speech verb, when there is one.
    pub cue: Option<TextSpanOut<'a>>,
    /// The attribution step that found the speaker.
    pub method: &'static str,
    /// A fixed score per attribution step.
    pub confidence: f32,
    /// The sentence the quote starts in.
    pub sentence_index: Option<usize>,
}

/// A named entity mention in the output record.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct EntityOut<'a> {
    /// First offset of the mention.
    pub start: usize,
    /// Offset just past the mention.
    pub end: usize,
    /// The mention's text.
    pub text: &'a str,
    /// Its label (PERSON, ORG, SHOW, ...).
    pub label: &'a str,
    /// The layer that found it.
    pub source: EntitySource,
}

/// One output record per article.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ArticleRecord<'a> {
    /// The article's id.
    pub id: &'a str,
    /// Its title, when the input has one.
    pub title: Option<&'a str>,
    /// Sentence spans, in text order.
    pub sentences: Vec<SpanOut>,
    /// Quotes, in text order.
    pub quotes: Vec<QuoteOut<'a>>,
    /// Entity mentions, in text order.
    pub entities: Vec<EntityOut<'a>>,
}

struct Converter<'a> {
    text: &'a str,
    map: OffsetMap,
}

impl<'a> Converter<'a> {
    fn span(&self, s: Span) -> SpanOut {
        SpanOut {
            start: self.map.convert(s.start),
            end: self.map.convert(s.end),
        }
    }

    fn text_span(&self, s: Span) -> TextSpanOut<'a> {
        TextSpanOut {
            start: self.map.convert(s.start),
            end: self.map.convert(s.end),
            text: s.slice(self.text).unwrap_or(""),
        }
    }
}

impl<'a> ArticleRecord<'a> {
    /// The record of a document, with offsets in `unit`.
    pub fn from_document(doc: &'a Document, unit: OffsetUnit) -> Self {
        let conv = Converter {
            text: &doc.text,
            map: OffsetMap::new(&doc.text, unit),
        };
        ArticleRecord {
            id: &doc.id,
            title: doc.title.as_deref(),
            sentences: doc.sentences.iter().map(|&s| conv.span(s)).collect(),
            quotes: doc
                .quotes
                .iter()
                .map(|q| QuoteOut {
                    quote_id: ids::quote_id(q.parts.iter().map(|&p| doc.span_text(p))),
                    start: conv.map.convert(q.span.start),
                    end: conv.map.convert(q.span.end),
                    text: doc.span_text(q.span),
                    parts: q.parts.iter().map(|&p| conv.span(p)).collect(),
                    kind: q.kind,
                    speaker: q.speaker.as_ref().map(|s| SpeakerOut {
                        speaker_id: ids::speaker_id(&s.name),
                        name: &s.name,
                        role: s.role.as_deref(),
                        mention: conv.text_span(s.mention),
                    }),
                    cue: q.cue.map(|c| conv.text_span(c)),
                    method: q.method.as_str(),
                    confidence: q.confidence,
                    sentence_index: doc.sentence_index_at(q.span.start),
                })
                .collect(),
            entities: doc
                .entities
                .iter()
                .map(|e| {
                    let t = conv.text_span(e.span);
                    EntityOut {
                        start: t.start,
                        end: t.end,
                        text: t.text,
                        label: e.label.as_str(),
                        source: e.source,
                    }
                })
                .collect(),
        }
    }
}

/// `--table quotes`: one row per quote. Rows borrow from a record; `into_owned` detaches
/// them for the writers that collect rows in another thread (Parquet).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct QuoteRow<'a> {
    /// The article's id.
    pub article_id: Cow<'a, str>,
    /// Position of the quote in the article.
    pub quote_index: usize,
    /// `QuoteOut::quote_id`.
    pub quote_id: StableId,
    /// `direct`, `indirect` or `mixed`.
    pub kind: &'static str,
    /// `QuoteOut::text`.
    pub text: Cow<'a, str>,
    /// `SpeakerOut::speaker_id`.
    pub speaker_id: Option<StableId>,
    /// `SpeakerOut::name`.
    pub speaker: Option<Cow<'a, str>>,
    /// `SpeakerOut::role`.
    pub speaker_role: Option<Cow<'a, str>>,
    /// The cue verb's text.
    pub cue: Option<Cow<'a, str>>,
    /// `QuoteOut::start`.
    pub start: usize,
    /// `QuoteOut::end`.
    pub end: usize,
    /// `QuoteOut::sentence_index`.
    pub sentence_index: Option<usize>,
    /// `QuoteOut::confidence`.
    pub confidence: f32,
    /// `QuoteOut::method`.
    pub method: &'static str,
}

/// `--table entities`: one row per entity mention.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct EntityRow<'a> {
    /// The article's id.
    pub article_id: Cow<'a, str>,
    /// Position of the mention in the article.
    pub entity_index: usize,
    /// `EntityOut::label`.
    pub label: Cow<'a, str>,
    /// `EntityOut::text`.
    pub text: Cow<'a, str>,
    /// `EntityOut::start`.
    pub start: usize,
    /// `EntityOut::end`.
    pub end: usize,
    /// `model`, `gazetteer` or `rule`.
    pub source: &'static str,
}

/// `--table sentences`: one row per sentence.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SentenceRow<'a> {
    /// The article's id.
    pub article_id: Cow<'a, str>,
    /// Position of the sentence in the article.
    pub sentence_index: usize,
    /// First offset of the sentence.
    pub start: usize,
    /// Offset just past the sentence.
    pub end: usize,
    /// The sentence's text.
    pub text: Cow<'a, str>,
}

fn owned(s: Cow<'_, str>) -> Cow<'static, str> {
    Cow::Owned(s.into_owned())
}

impl QuoteRow<'_> {
    /// The row with its own copies of the strings.
    pub fn into_owned(self) -> QuoteRow<'static> {
        QuoteRow {
            article_id: owned(self.article_id),
            text: owned(self.text),
            speaker: self.speaker.map(owned),
            speaker_role: self.speaker_role.map(owned),
            cue: self.cue.map(owned),
            ..self
        }
    }
}

impl EntityRow<'_> {
    /// The row with its own copies of the strings.
    pub fn into_owned(self) -> EntityRow<'static> {
        EntityRow {
            article_id: owned(self.article_id),
            label: owned(self.label),
            text: owned(self.text),
            ..self
        }
    }
}

impl SentenceRow<'_> {
    /// The row with its own copies of the strings.
    pub fn into_owned(self) -> SentenceRow<'static> {
        SentenceRow {
            article_id: owned(self.article_id),
            text: owned(self.text),
            ..self
        }
    }
}

impl<'a> ArticleRecord<'a> {
    /// The `--table quotes` rows of the record.
    pub fn quote_rows(&self) -> impl Iterator<Item = QuoteRow<'_>> {
        self.quotes.iter().enumerate().map(|(i, q)| QuoteRow {
            article_id: Cow::Borrowed(self.id),
            quote_index: i,
            quote_id: q.quote_id,
            kind: q.kind.as_str(),
            text: Cow::Borrowed(q.text),
            speaker_id: q.speaker.as_ref().map(|s| s.speaker_id),
            speaker: q.speaker.as_ref().map(|s| Cow::Borrowed(s.name)),
            speaker_role: q.speaker.as_ref().and_then(|s| s.role).map(Cow::Borrowed),
            cue: q.cue.as_ref().map(|c| Cow::Borrowed(c.text)),
            start: q.start,
            end: q.end,
            sentence_index: q.sentence_index,
            confidence: q.confidence,
            method: q.method,
        })
    }

    /// The `--table entities` rows of the record.
    pub fn entity_rows(&self) -> impl Iterator<Item = EntityRow<'_>> {
        self.entities.iter().enumerate().map(|(i, e)| EntityRow {
            article_id: Cow::Borrowed(self.id),
            entity_index: i,
            label: Cow::Borrowed(e.label),
            text: Cow::Borrowed(e.text),
            start: e.start,
            end: e.end,
            source: e.source.as_str(),
        })
    }

    /// Sentence rows need the document for the sentence text.
    pub fn sentence_rows<'d>(&'d self, doc: &'d Document) -> impl Iterator<Item = SentenceRow<'d>> {
        self.sentences
            .iter()
            .zip(&doc.sentences)
            .enumerate()
            .map(|(i, (out, span))| SentenceRow {
                article_id: Cow::Borrowed(self.id),
                sentence_index: i,
                start: out.start,
                end: out.end,
                text: Cow::Borrowed(doc.span_text(*span)),
            })
    }
}

/// A token in the output record (`--tokens`): spaCy's token with its tag, POS, lemma and
/// dependency arc. Without the syntax layer (`--no-syntax`) only `start` and `end` are
/// written. Whitespace tokens (spaCy's tokens for extra spaces and line breaks) are kept:
/// they are part of spaCy's token list and `head` indexes that list.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TokenOut<'a> {
    /// First offset of the token.
    pub start: usize,
    /// Offset just past the token.
    pub end: usize,
    /// Penn Treebank tag (spaCy's `tag_`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tag: Option<&'a str>,
    /// Universal POS (spaCy's `pos_`); `null` where spaCy leaves it empty.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pos: Option<Option<&'static str>>,
    /// The lemma.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lemma: Option<&'a str>,
    /// Dependency label (spaCy's `dep_`, `ROOT` for a sentence root).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dep: Option<&'a str>,
    /// Index of the head in the article's token list; a root points to itself.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub head: Option<usize>,
}

/// Converts sorted byte offsets of one text to the output unit in one pass: token
/// offsets only grow, so each conversion counts the chars since the previous one.
struct MonotoneOffsets<'t> {
    bytes: &'t [u8],
    identity: bool,
    byte: usize,
    chars: usize,
}

impl<'t> MonotoneOffsets<'t> {
    fn new(text: &'t str, unit: OffsetUnit) -> Self {
        MonotoneOffsets {
            bytes: text.as_bytes(),
            identity: unit == OffsetUnit::Bytes || text.is_ascii(),
            byte: 0,
            chars: 0,
        }
    }

    /// The offset of `byte` in the output unit; `byte` should not be below the previous
    /// one (a smaller one is counted from the start again, still correct).
    fn convert(&mut self, byte: usize) -> usize {
        if self.identity {
            return byte;
        }
        let byte = byte.min(self.bytes.len());
        if byte < self.byte {
            self.byte = 0;
            self.chars = 0;
        }
        // A code point starts at every byte that is not a UTF-8 continuation byte.
        self.chars += self.bytes[self.byte..byte]
            .iter()
            .filter(|&&b| b & 0xC0 != 0x80)
            .count();
        self.byte = byte;
        self.chars
    }
}

/// Token offsets of `doc` in `unit`, in token order.
fn token_offsets(doc: &Document, unit: OffsetUnit) -> Vec<(usize, usize)> {
    let mut conv = MonotoneOffsets::new(&doc.text, unit);
    doc.tokens
        .iter()
        .map(|t| {
            let start = conv.convert(t.start);
            (start, conv.convert(t.end))
        })
        .collect()
}

/// The tokens of `doc` for the output record, offsets in `unit`.
pub fn tokens_out(doc: &Document, unit: OffsetUnit) -> Vec<TokenOut<'_>> {
    let syntax = (doc.syntax.len() == doc.tokens.len()).then_some(&doc.syntax);
    token_offsets(doc, unit)
        .into_iter()
        .enumerate()
        .map(|(i, (start, end))| {
            let s = syntax.and_then(|s| s.get(i));
            TokenOut {
                start,
                end,
                tag: s.map(|s| s.tag.as_str()),
                pos: s.map(|s| s.pos.map(|p| p.as_str())),
                lemma: s.map(|s| s.lemma.as_str()),
                dep: s.map(|s| s.dep.as_str()),
                head: s.map(|s| s.head),
            }
        })
        .collect()
}

/// The index of the sentence each token belongs to, as the parser sees it: the last
/// sentence starting at or before the token's start (whitespace between two sentences
/// goes with the one before); `None` before the first sentence. One pass over both lists.
pub fn token_sentences(doc: &Document) -> Vec<Option<usize>> {
    let mut next = 0;
    doc.tokens
        .iter()
        .map(|t| {
            while next < doc.sentences.len() && doc.sentences[next].start <= t.start {
                next += 1;
            }
            next.checked_sub(1)
        })
        .collect()
}

/// One article's record with its tokens (`--tokens`): the record of
/// [`ArticleRecord::from_document`] and a `tokens` array after it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ArticleWithTokens<'a> {
    /// The record.
    #[serde(flatten)]
    pub record: ArticleRecord<'a>,
    /// Every token of the article, in text order.
    pub tokens: Vec<TokenOut<'a>>,
}

impl<'a> ArticleWithTokens<'a> {
    /// The record of a document with its tokens, offsets in `unit`.
    pub fn from_document(doc: &'a Document, unit: OffsetUnit) -> Self {
        ArticleWithTokens {
            record: ArticleRecord::from_document(doc, unit),
            tokens: tokens_out(doc, unit),
        }
    }
}

/// `--table tokens`: one row per token. Syntax columns are empty (`null`) without the
/// syntax layer.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TokenRow<'a> {
    /// The article's id.
    pub article_id: Cow<'a, str>,
    /// Position of the token in the article's token list.
    pub token_index: usize,
    /// First offset of the token.
    pub start: usize,
    /// Offset just past the token.
    pub end: usize,
    /// The token's text.
    pub text: Cow<'a, str>,
    /// `TokenOut::tag`.
    pub tag: Option<Cow<'a, str>>,
    /// `TokenOut::pos`.
    pub pos: Option<&'static str>,
    /// `TokenOut::lemma`.
    pub lemma: Option<Cow<'a, str>>,
    /// `TokenOut::dep`.
    pub dep: Option<Cow<'a, str>>,
    /// `TokenOut::head`.
    pub head: Option<usize>,
    /// The sentence the token belongs to (see [`token_sentences`]).
    pub sentence_index: Option<usize>,
}

impl TokenRow<'_> {
    /// The row with its own copies of the strings.
    pub fn into_owned(self) -> TokenRow<'static> {
        TokenRow {
            article_id: owned(self.article_id),
            text: owned(self.text),
            tag: self.tag.map(owned),
            lemma: self.lemma.map(owned),
            dep: self.dep.map(owned),
            ..self
        }
    }
}

/// The `--table tokens` rows of a document, offsets in `unit`.
pub fn token_rows(doc: &Document, unit: OffsetUnit) -> impl Iterator<Item = TokenRow<'_>> {
    let sentences = token_sentences(doc);
    let syntax = (doc.syntax.len() == doc.tokens.len()).then_some(&doc.syntax);
    token_offsets(doc, unit)
        .into_iter()
        .zip(sentences)
        .zip(&doc.tokens)
        .enumerate()
        .map(move |(i, (((start, end), sentence_index), token))| {
            let s = syntax.and_then(|s| s.get(i));
            let span = token.start..token.end;
            TokenRow {
                article_id: Cow::Borrowed(&doc.id),
                token_index: i,
                start,
                end,
                text: Cow::Borrowed(doc.text.get(span).unwrap_or("")),
                tag: s.map(|s| Cow::Borrowed(s.tag.as_str())),
                pos: s.and_then(|s| s.pos.map(|p| p.as_str())),
                lemma: s.map(|s| Cow::Borrowed(s.lemma.as_str())),
                dep: s.map(|s| Cow::Borrowed(s.dep.as_str())),
                head: s.map(|s| s.head),
                sentence_index,
            }
        })
}
