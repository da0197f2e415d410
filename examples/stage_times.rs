//! Seconds of each stage on one article, the network apart: sentences, the network (cached
//! in FILE.model.tsv after the first run, so the other stages can be timed alone and
//! often), the list/rule/title layers, quotes and the JSON record.
//! Usage: cargo run --release --example stage_times FILE [REPEAT]
use std::time::Instant;

use quotex::doc::{Article, Document, Entity, EntityLabel, EntitySource, Span};
use quotex::ner::gazetteer::Gazetteer;
use quotex::ner::{EntityRecognizer, LayeredNer, ModelNer};
use quotex::output::ArticleRecord;
use quotex::quotes::{QuoteExtractor, RuleQuotes};
use quotex::segment::{RuleSegmenter, Segmenter};

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("usage: stage_times FILE [REPEAT]");
    let repeat: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(1);
    let text = std::fs::read_to_string(&path).expect("readable UTF-8 file");
    let mut doc = Document::new(Article {
        id: "x".into(),
        title: None,
        text,
    });
    let t = Instant::now();
    doc.sentences = RuleSegmenter::default().segment(&doc.text);
    eprintln!(
        "sentences {:.3} s ({})",
        t.elapsed().as_secs_f64(),
        doc.sentences.len()
    );

    let cache = format!("{path}.model.tsv");
    let model: Vec<Entity> = match std::fs::read_to_string(&cache) {
        Ok(tsv) => tsv
            .lines()
            .filter_map(|l| {
                let mut f = l.split('\t');
                let start = f.next()?.parse().ok()?;
                let end = f.next()?.parse().ok()?;
                Some(Entity {
                    span: Span::new(start, end),
                    label: EntityLabel::parse(f.next()?),
                    source: EntitySource::Model,
                })
            })
            .collect(),
        Err(_) => {
            let t = Instant::now();
            // The model alone, through the layered recognizer (its headline view included).
            let only_model = LayeredNer {
                model: Some(ModelNer::default()),
                gazetteer: None,
                rules: false,
            };
            let ents = only_model.recognize(&doc);
            eprintln!("model {:.3} s ({})", t.elapsed().as_secs_f64(), ents.len());
            let tsv: String = ents
                .iter()
                .map(|e| format!("{}\t{}\t{}\n", e.span.start, e.span.end, e.label.as_str()))
                .collect();
            std::fs::write(&cache, tsv).expect("cache written");
            ents
        }
    };
    let layers = LayeredNer {
        model: None,
        gazetteer: Some(std::sync::Arc::new(Gazetteer::bundled_with(Vec::new()))),
        rules: true,
    };
    // Warm the lazily compiled patterns so that they are not counted.
    let _ = layers.recognize_with_model(
        &Document::new(Article {
            id: "w".into(),
            title: None,
            text: "The film Warm Up (2004) star Ann Lee said \"hi\".".into(),
        }),
        Vec::new(),
    );
    for _ in 0..repeat {
        let t = Instant::now();
        doc.entities = layers.recognize_with_model(&doc, model.clone());
        eprintln!(
            "layers {:.3} s ({})",
            t.elapsed().as_secs_f64(),
            doc.entities.len()
        );
    }
    let quotes = RuleQuotes::default();
    for _ in 0..repeat {
        let t = Instant::now();
        doc.quotes = quotes.extract(&doc);
        eprintln!(
            "quotes {:.3} s ({})",
            t.elapsed().as_secs_f64(),
            doc.quotes.len()
        );
    }
    let t = Instant::now();
    let record = ArticleRecord::from_document(&doc, Default::default());
    let json = serde_json::to_string(&record).expect("serializes");
    eprintln!(
        "output {:.3} s ({} bytes)",
        t.elapsed().as_secs_f64(),
        json.len()
    );
}
