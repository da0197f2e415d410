//! Writes synthetic BERT token classifiers in the Hugging Face layout, for the feature's
//! tests and speed figures (no NER weights can be downloaded where quotex is built).
//!
//! `Tiny` (2 layers, hidden 128) has its weights set so its output is known: every word
//! piece's embedding points at the tag `data/bert_tiny_lexicon.tsv` gives it, the
//! attention and feed-forward output projections are zero (each layer passes its input
//! through its residual connection and LayerNorm), and the classifier reads the tag back.
//! It is still run by rust-bert's own BERT, so tokenization, windows, batching, offsets and
//! decoding are tested on real model output. `Base` has BERT-base's shape (12 layers,
//! hidden 768) with seeded random weights: for speed only.

use std::path::Path;

use rust_bert::bert::{BertConfig, BertForTokenClassification};
use serde_json::json;
use tch::{nn, Device, Tensor};

use super::BertError;

const LEXICON: &str = include_str!("../../../data/bert_tiny_lexicon.tsv");
/// CoNLL-2003's classes in BIO.
pub const LABELS: [&str; 9] = [
    "O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC",
];
const SPECIAL: [&str; 5] = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"];
const SEED: i64 = 20_241_124;

/// The shape of the model to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModelSize {
    /// 2 layers, hidden 128, 24 positions; hand-set weights with a known output.
    Tiny,
    /// BERT-base's shape: 12 layers, hidden 768, 512 positions; random weights.
    Base,
}

/// The vocabulary (one piece per line, ids by position) and each piece's class id.
fn vocabulary() -> Vec<(String, usize)> {
    let mut vocab: Vec<(String, usize)> = SPECIAL.iter().map(|s| (s.to_string(), 0)).collect();
    for line in LEXICON.lines().filter(|l| !l.starts_with('#')) {
        if let Some((piece, tag)) = line.split_once('\t') {
            let class = LABELS.iter().position(|l| *l == tag.trim()).unwrap_or(0);
            vocab.push((piece.trim().to_string(), class));
        }
    }
    // Any other lowercase word still tokenizes, letter by letter, as O.
    for c in ('a'..='z').chain('0'..='9') {
        vocab.push((c.to_string(), 0));
        vocab.push((format!("##{c}"), 0));
    }
    for c in ".,;:!?'\"()-–—“”‘’".chars() {
        vocab.push((c.to_string(), 0));
    }
    vocab
}

fn config_json(size: ModelSize, vocab_size: usize) -> serde_json::Value {
    let (hidden, layers, heads, intermediate, positions) = match size {
        ModelSize::Tiny => (128, 2, 2, 256, 24),
        ModelSize::Base => (768, 12, 12, 3072, 512),
    };
    let id2label: serde_json::Map<String, serde_json::Value> = LABELS
        .iter()
        .enumerate()
        .map(|(i, l)| (i.to_string(), json!(l)))
        .collect();
    let label2id: serde_json::Map<String, serde_json::Value> = LABELS
        .iter()
        .enumerate()
        .map(|(i, l)| (l.to_string(), json!(i)))
        .collect();
    json!({
        "architectures": ["BertForTokenClassification"],
        "model_type": "bert",
        "attention_probs_dropout_prob": 0.1,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "hidden_size": hidden,
        "initializer_range": 0.02,
        "intermediate_size": intermediate,
        "layer_norm_eps": 1e-12,
        "max_position_embeddings": positions,
        "num_attention_heads": heads,
        "num_hidden_layers": layers,
        "pad_token_id": 0,
        "type_vocab_size": 2,
        "vocab_size": vocab_size,
        "id2label": id2label,
        "label2id": label2id,
    })
}

fn write(path: &Path, contents: &[u8]) -> Result<(), BertError> {
    std::fs::write(path, contents).map_err(|source| BertError::Read {
        path: path.to_path_buf(),
        source,
    })
}

/// Writes `config.json`, `vocab.txt`, `tokenizer_config.json` and `model.safetensors` into
/// `dir` (created if needed). The same size always gives the same files.
pub fn write_model(dir: &Path, size: ModelSize) -> Result<(), BertError> {
    std::fs::create_dir_all(dir).map_err(|source| BertError::Read {
        path: dir.to_path_buf(),
        source,
    })?;
    let vocab = vocabulary();
    let config = config_json(size, vocab.len());
    let config_text = serde_json::to_string_pretty(&config)
        .map_err(|e| BertError::Build(format!("config: {e}")))?;
    write(&dir.join("config.json"), config_text.as_bytes())?;
    let vocab_text: String = vocab.iter().map(|(p, _)| format!("{p}\n")).collect();
    write(&dir.join("vocab.txt"), vocab_text.as_bytes())?;
    write(
        &dir.join("tokenizer_config.json"),
        br#"{"do_lower_case": true}"#,
    )?;

    let bert_config: BertConfig =
        serde_json::from_value(config).map_err(|e| BertError::Build(format!("config: {e}")))?;
    tch::manual_seed(SEED);
    let vs = nn::VarStore::new(Device::Cpu);
    let _model = BertForTokenClassification::new(vs.root(), &bert_config)
        .map_err(|e| BertError::Build(e.to_string()))?;
    if size == ModelSize::Tiny {
        set_lexicon_weights(&vs, &vocab, bert_config.hidden_size)?;
    }
    let weights = dir.join("model.safetensors");
    vs.save(&weights).map_err(|e| BertError::Weights {
        path: weights.clone(),
        reason: e.to_string(),
    })
}

/// See the module comment: embedding -> tag direction, identity layers, tag read-out.
fn set_lexicon_weights(
    vs: &nn::VarStore,
    vocab: &[(String, usize)],
    hidden: i64,
) -> Result<(), BertError> {
    let classes = LABELS.len() as i64;
    let mut embeddings = vec![0f32; vocab.len() * hidden as usize];
    for (id, &(_, class)) in vocab.iter().enumerate() {
        let row = id * hidden as usize;
        embeddings[row + class] = 1.0;
        embeddings[row + classes as usize + class] = -1.0;
    }
    let mut readout = vec![0f32; (classes * hidden) as usize];
    for class in 0..classes as usize {
        readout[class * hidden as usize + class] = 1.0;
    }
    for (name, mut var) in vs.variables() {
        let value = if name == "bert.embeddings.word_embeddings.weight" {
            Tensor::from_slice(&embeddings).view([vocab.len() as i64, hidden])
        } else if name == "classifier.weight" {
            Tensor::from_slice(&readout).view([classes, hidden])
        } else if name.ends_with("output.dense.weight")
            || name.ends_with("output.dense.bias")
            || name.ends_with("position_embeddings.weight")
            || name.ends_with("token_type_embeddings.weight")
            || name == "classifier.bias"
        {
            var.zeros_like()
        } else {
            continue;
        };
        tch::no_grad(|| var.f_copy_(&value))
            .map_err(|e| BertError::Build(format!("{name}: {e}")))?;
    }
    Ok(())
}
