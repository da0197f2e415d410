//! The output schema, written down once as serde types. JSONL and JSON serialise
//! `ArticleRecord`; the CSV tables are flat views built from the same records.

use serde::Serialize;

use crate::doc::{Document, EntitySource, QuoteKind, Span};
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
    pub name: &'a str,
    pub role: Option<&'a str>,
    pub mention: TextSpanOut<'a>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct QuoteOut<'a> {
    pub start: usize,
    pub end: usize,
    pub text: &'a str,
    pub parts: Vec<SpanOut>,
    pub kind: QuoteKind,
    pub speaker: Option<SpeakerOut<'a>>,
    pub cue: Option<TextSpanOut<'a>>,
    /// The attribution step that found the speaker.
    pub method: &'a str,
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
                    start: conv.map.convert(q.span.start),
                    end: conv.map.convert(q.span.end),
                    text: doc.span_text(q.span),
                    parts: q.parts.iter().map(|&p| conv.span(p)).collect(),
                    kind: q.kind,
                    speaker: q.speaker.as_ref().map(|s| SpeakerOut {
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
                        label: e.label.as_str(),
                        source: e.source,
                    }
                })
                .collect(),
        }
    }
}

/// `--table quotes`: one row per quote.
#[derive(Debug, Serialize)]
pub struct QuoteRow<'a> {
    pub article_id: &'a str,
    pub quote_index: usize,
    pub kind: &'static str,
    pub text: &'a str,
    pub speaker: Option<&'a str>,
    pub speaker_role: Option<&'a str>,
    pub cue: Option<&'a str>,
    pub start: usize,
    pub end: usize,
    pub sentence_index: Option<usize>,
    pub confidence: f32,
    pub method: &'a str,
}

/// `--table entities`: one row per entity mention.
#[derive(Debug, Serialize)]
pub struct EntityRow<'a> {
    pub article_id: &'a str,
    pub entity_index: usize,
    pub label: &'a str,
    pub text: &'a str,
    pub start: usize,
    pub end: usize,
    pub source: &'static str,
}

/// `--table sentences`: one row per sentence.
#[derive(Debug, Serialize)]
pub struct SentenceRow<'a> {
    pub article_id: &'a str,
    pub sentence_index: usize,
    pub start: usize,
    pub end: usize,
    pub text: &'a str,
}

impl<'a> ArticleRecord<'a> {
    pub fn quote_rows(&self) -> impl Iterator<Item = QuoteRow<'_>> {
        self.quotes.iter().enumerate().map(|(i, q)| QuoteRow {
            article_id: self.id,
            quote_index: i,
            kind: q.kind.as_str(),
            text: q.text,
            speaker: q.speaker.as_ref().map(|s| s.name),
            speaker_role: q.speaker.as_ref().and_then(|s| s.role),
            cue: q.cue.as_ref().map(|c| c.text),
            start: q.start,
            end: q.end,
            sentence_index: q.sentence_index,
            confidence: q.confidence,
            method: q.method,
        })
    }

    pub fn entity_rows(&self) -> impl Iterator<Item = EntityRow<'_>> {
        self.entities.iter().enumerate().map(|(i, e)| EntityRow {
            article_id: self.id,
            entity_index: i,
            label: e.label,
            text: e.text,
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
                article_id: self.id,
                sentence_index: i,
                start: out.start,
                end: out.end,
                text: doc.span_text(*span),
            })
    }
}
