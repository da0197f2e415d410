//! The output schema, written down once as serde types. JSONL and JSON serialise
//! `ArticleRecord`; the CSV and Parquet tables are flat views built from the same records.

use std::borrow::Cow;

use serde::Serialize;

use crate::doc::{Document, EntitySource, QuoteKind, Span};
use crate::ids::{self, StableId};
use crate::offsets::{OffsetMap, OffsetUnit};

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SpanOut {
    pub start: usize,
    pub end: usize,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TextSpanOut<'a> {
    pub start: usize,
    pub end: usize,
    pub text: &'a str,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SpeakerOut<'a> {
    /// `ids::speaker_id` of the name.
    pub speaker_id: StableId,
    pub name: &'a str,
    pub role: Option<&'a str>,
    pub mention: TextSpanOut<'a>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct QuoteOut<'a> {
    /// `ids::quote_id` of the parts' text: the same words give the same id in any article.
    pub quote_id: StableId,
    pub start: usize,
    pub end: usize,
    pub text: &'a str,
    pub parts: Vec<SpanOut>,
    pub kind: QuoteKind,
    pub speaker: Option<SpeakerOut<'a>>,
    pub cue: Option<TextSpanOut<'a>>,
    /// The attribution step that found the speaker.
    pub method: &'static str,
    pub confidence: f32,
    pub sentence_index: Option<usize>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct EntityOut<'a> {
    pub start: usize,
    pub end: usize,
    pub text: &'a str,
    pub label: &'a str,
    pub source: EntitySource,
}

/// One output record per article.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ArticleRecord<'a> {
    pub id: &'a str,
    pub title: Option<&'a str>,
    pub sentences: Vec<SpanOut>,
    pub quotes: Vec<QuoteOut<'a>>,
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
                    method: q.method,
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
                        label: &e.label,
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
    pub article_id: Cow<'a, str>,
    pub quote_index: usize,
    pub quote_id: StableId,
    pub kind: &'static str,
    pub text: Cow<'a, str>,
    pub speaker_id: Option<StableId>,
    pub speaker: Option<Cow<'a, str>>,
    pub speaker_role: Option<Cow<'a, str>>,
    pub cue: Option<Cow<'a, str>>,
    pub start: usize,
    pub end: usize,
    pub sentence_index: Option<usize>,
    pub confidence: f32,
    pub method: &'static str,
}

/// `--table entities`: one row per entity mention.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct EntityRow<'a> {
    pub article_id: Cow<'a, str>,
    pub entity_index: usize,
    pub label: Cow<'a, str>,
    pub text: Cow<'a, str>,
    pub start: usize,
    pub end: usize,
    pub source: &'static str,
}

/// `--table sentences`: one row per sentence.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SentenceRow<'a> {
    pub article_id: Cow<'a, str>,
    pub sentence_index: usize,
    pub start: usize,
    pub end: usize,
    pub text: Cow<'a, str>,
}

fn owned(s: Cow<'_, str>) -> Cow<'static, str> {
    Cow::Owned(s.into_owned())
}

impl QuoteRow<'_> {
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
    pub fn into_owned(self) -> SentenceRow<'static> {
        SentenceRow {
            article_id: owned(self.article_id),
            text: owned(self.text),
            ..self
        }
    }
}

impl<'a> ArticleRecord<'a> {
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
