//! An optional transformer backend for the model layer (cargo feature `bert`): a BERT
//! token classifier from a Hugging Face style directory, run with rust-bert (libtorch),
//! tokenized with `tokenizers` so every token maps to exact byte offsets of the text.
//!
//! A directory holds `config.json` (with `id2label`), `vocab.txt` or `tokenizer.json`, and
//! `model.safetensors` or `rust_model.ot`. Each sentence of the document is tokenized on its
//! own, so no entity crosses a sentence boundary; a sentence longer than the model's maximum
//! length is cut into overlapping windows, and each token takes its label from the window
//! where it has the most context on both sides. A word's label is its first piece's (Hugging
//! Face's "first" aggregation); BIO, BILOU/BIOES and bare IO tags decode to entities.

pub mod labels;
pub mod tiny;

use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rust_bert::bert::{BertConfig, BertForTokenClassification};
use tch::{nn, Device, Kind, Tensor};
use tokenizers::models::wordpiece::WordPiece;
use tokenizers::normalizers::bert::BertNormalizer;
use tokenizers::pre_tokenizers::bert::BertPreTokenizer;
use tokenizers::Tokenizer;

use self::labels::{parse_tag, Tag};
use super::{EntityRecognizer, LayeredNer};
use crate::doc::{Document, Entity, EntitySource, Span};

/// Why a model directory cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum BertError {
    /// The path is not a directory.
    #[error("{}: no such model directory", .0.display())]
    NotADirectory(PathBuf),
    /// A file the directory must hold is absent.
    #[error("{}: missing {what}", dir.display())]
    MissingFile {
        /// The model directory.
        dir: PathBuf,
        /// The file (or the alternatives) missing.
        what: &'static str,
    },
    /// A file cannot be read (or, for `tiny`, written).
    #[error("{}: cannot read: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// `config.json` is not a valid configuration.
    #[error("{}: invalid config: {reason}", path.display())]
    Config {
        /// The configuration file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// The checkpoint is not a BERT model.
    #[error("{}: model_type {found:?} is not supported (a BERT token classifier is: \"bert\")", path.display())]
    UnsupportedModel {
        /// The configuration file.
        path: PathBuf,
        /// Its `model_type`.
        found: String,
    },
    /// `id2label` is missing or malformed.
    #[error("{}: bad label map: {reason}", path.display())]
    LabelMap {
        /// The configuration file.
        path: PathBuf,
        /// What is wrong with the map.
        reason: String,
    },
    /// The tokenizer file cannot be loaded.
    #[error("{}: cannot load the tokenizer: {reason}", path.display())]
    Tokenizer {
        /// The tokenizer file.
        path: PathBuf,
        /// The tokenizer library's message.
        reason: String,
    },
    /// The vocabulary lacks a special token BERT needs.
    #[error("{}: the tokenizer has no {token} token", path.display())]
    MissingToken {
        /// The tokenizer file.
        path: PathBuf,
        /// The token ("[CLS]", "[SEP]", "[PAD]").
        token: &'static str,
    },
    /// The tokenizer's vocabulary is larger than the model's embedding table.
    #[error("{}: the tokenizer has {tokenizer} entries but the model's vocabulary only {model}", path.display())]
    VocabMismatch {
        /// The tokenizer file.
        path: PathBuf,
        /// The tokenizer's vocabulary size.
        tokenizer: usize,
        /// The model's `vocab_size`.
        model: i64,
    },
    /// The weights file cannot be read (or, for `tiny`, written).
    #[error("{}: cannot read the weights: {reason}", path.display())]
    Weights {
        /// The weights file.
        path: PathBuf,
        /// The cause.
        reason: String,
    },
    /// A tensor the model needs is not in the weights.
    #[error("{}: weight {name} is missing", path.display())]
    MissingWeight {
        /// The weights file.
        path: PathBuf,
        /// The tensor's name.
        name: String,
    },
    /// A tensor's shape disagrees with `config.json`.
    #[error("{}: weight {name} has shape {found:?} but config.json implies {expected:?}", path.display())]
    ShapeMismatch {
        /// The weights file.
        path: PathBuf,
        /// The tensor's name.
        name: String,
        /// The shape the configuration implies.
        expected: Vec<i64>,
        /// The shape in the file.
        found: Vec<i64>,
    },
    /// libtorch could not build the model.
    #[error("cannot build the model: {0}")]
    Build(String),
    /// The tokenizer failed on a text.
    #[error("tokenization failed: {0}")]
    Tokenize(String),
    /// A forward pass failed.
    #[error("inference failed: {0}")]
    Inference(String),
}

/// Windows per forward pass: enough to keep libtorch's matrix products wide.
const BATCH_WINDOWS: usize = 32;
/// BERT's position table is 512 long in every released checkpoint.
const DEFAULT_MAX_LENGTH: usize = 512;

fn read_json(path: &Path) -> Result<serde_json::Value, BertError> {
    let text = std::fs::read_to_string(path).map_err(|source| BertError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    serde_json::from_str(&text).map_err(|e| BertError::Config {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })
}

/// `id2label` as one tag per class id, checked to cover `0..n` exactly.
fn read_id2label(path: &Path, config: &serde_json::Value) -> Result<Vec<Tag>, BertError> {
    let err = |reason: String| BertError::LabelMap {
        path: path.to_path_buf(),
        reason,
    };
    let map = config
        .get("id2label")
        .and_then(|v| v.as_object())
        .ok_or_else(|| err("no id2label object (a token classifier needs one)".into()))?;
    if map.is_empty() {
        return Err(err("id2label is empty".into()));
    }
    let mut tags: Vec<Option<Tag>> = vec![None; map.len()];
    for (key, value) in map {
        let id: usize = key
            .trim()
            .parse()
            .map_err(|_| err(format!("class id {key:?} is not a number")))?;
        let name = value
            .as_str()
            .ok_or_else(|| err(format!("label of class {id} is not a string")))?;
        let slot = tags
            .get_mut(id)
            .ok_or_else(|| err(format!("class ids are not 0..{}: {id}", map.len())))?;
        *slot = Some(parse_tag(name));
    }
    // Every slot is filled: ids are distinct keys below map.len().
    Ok(tags.into_iter().flatten().collect())
}

fn tokenizer_settings(dir: &Path) -> Result<(bool, Option<bool>), BertError> {
    let path = dir.join("tokenizer_config.json");
    if !path.is_file() {
        // Hugging Face's BertTokenizer lowercases unless told otherwise.
        return Ok((true, None));
    }
    let value = read_json(&path)?;
    let lowercase = value
        .get("do_lower_case")
        .and_then(|v| v.as_bool())
        .unwrap_or(true);
    let strip_accents = value.get("strip_accents").and_then(|v| v.as_bool());
    Ok((lowercase, strip_accents))
}

fn load_tokenizer(dir: &Path) -> Result<(Tokenizer, PathBuf), BertError> {
    let json = dir.join("tokenizer.json");
    let vocab = dir.join("vocab.txt");
    if json.is_file() {
        let mut tokenizer = Tokenizer::from_file(&json).map_err(|e| BertError::Tokenizer {
            path: json.clone(),
            reason: e.to_string(),
        })?;
        // We add [CLS]/[SEP] and cut windows ourselves.
        tokenizer.with_padding(None);
        tokenizer
            .with_truncation(None)
            .map_err(|e| BertError::Tokenizer {
                path: json.clone(),
                reason: e.to_string(),
            })?;
        return Ok((tokenizer, json));
    }
    if vocab.is_file() {
        let (lowercase, strip_accents) = tokenizer_settings(dir)?;
        let path_str = vocab.to_str().ok_or_else(|| BertError::Tokenizer {
            path: vocab.clone(),
            reason: "path is not UTF-8".into(),
        })?;
        let model = WordPiece::from_file(path_str)
            .unk_token("[UNK]".into())
            .build()
            .map_err(|e| BertError::Tokenizer {
                path: vocab.clone(),
                reason: e.to_string(),
            })?;
        let mut tokenizer = Tokenizer::new(model);
        tokenizer.with_normalizer(Some(BertNormalizer::new(
            true,
            true,
            strip_accents,
            lowercase,
        )));
        tokenizer.with_pre_tokenizer(Some(BertPreTokenizer));
        return Ok((tokenizer, vocab));
    }
    Err(BertError::MissingFile {
        dir: dir.to_path_buf(),
        what: "vocab.txt or tokenizer.json",
    })
}

/// Checkpoints converted from TensorFlow name LayerNorm parameters gamma/beta.
fn legacy_name(name: &str) -> Option<String> {
    name.strip_suffix(".weight")
        .map(|n| format!("{n}.gamma"))
        .filter(|_| name.contains("LayerNorm"))
        .or_else(|| {
            name.strip_suffix(".bias")
                .filter(|_| name.contains("LayerNorm"))
                .map(|n| format!("{n}.beta"))
        })
}

/// Copies every variable of `vs` from the weights file, checking names and shapes first
/// (libtorch's copy would broadcast a wrong shape silently or abort on it).
fn load_weights(vs: &nn::VarStore, path: &Path) -> Result<(), BertError> {
    let weights_err = |reason: String| BertError::Weights {
        path: path.to_path_buf(),
        reason,
    };
    let is_safetensors = path.extension().is_some_and(|e| e == "safetensors");
    let named = catch_unwind(|| {
        if is_safetensors {
            Tensor::read_safetensors(path)
        } else {
            Tensor::load_multi(path)
        }
    })
    .map_err(|_| weights_err("libtorch could not parse the file".into()))?
    .map_err(|e| weights_err(e.to_string()))?;
    let named: HashMap<String, Tensor> = named.into_iter().collect();
    let mut variables: Vec<(String, Tensor)> = vs.variables().into_iter().collect();
    variables.sort_by(|a, b| a.0.cmp(&b.0));
    for (name, mut var) in variables {
        let src = named
            .get(&name)
            .or_else(|| legacy_name(&name).and_then(|n| named.get(&n)))
            .ok_or_else(|| BertError::MissingWeight {
                path: path.to_path_buf(),
                name: name.clone(),
            })?;
        if src.size() != var.size() {
            return Err(BertError::ShapeMismatch {
                path: path.to_path_buf(),
                name,
                expected: var.size(),
                found: src.size(),
            });
        }
        tch::no_grad(|| {
            src.f_to_kind(Kind::Float)
                .and_then(|s| var.f_copy_(&s))
                .map_err(|e| weights_err(format!("{name}: {e}")))
        })?;
    }
    Ok(())
}

struct Inner {
    model: BertForTokenClassification,
    // Owns the parameters the model's tensors point at.
    _vs: nn::VarStore,
}

/// The BERT model layer. Inference is serialised behind a lock (libtorch tensors are not
/// `Sync`); libtorch itself uses `tch::set_num_threads` threads inside each forward pass.
pub struct BertNer {
    inner: Mutex<Inner>,
    tokenizer: Tokenizer,
    tags: Vec<Tag>,
    cls: u32,
    sep: u32,
    pad: u32,
    /// Most tokens in one window, [CLS] and [SEP] included.
    max_length: usize,
}

/// One run of a sentence's tokens given to the model.
struct Window {
    sentence: usize,
    /// First token of the sentence in this window.
    start: usize,
    ids: Vec<i64>,
}

impl BertNer {
    /// Loads a model directory; every way it can be wrong is a `BertError`.
    pub fn load(dir: &Path) -> Result<Self, BertError> {
        if !dir.is_dir() {
            return Err(BertError::NotADirectory(dir.to_path_buf()));
        }
        let config_path = dir.join("config.json");
        if !config_path.is_file() {
            return Err(BertError::MissingFile {
                dir: dir.to_path_buf(),
                what: "config.json",
            });
        }
        let value = read_json(&config_path)?;
        let model_type = value
            .get("model_type")
            .and_then(|v| v.as_str())
            .unwrap_or("bert");
        if model_type != "bert" {
            return Err(BertError::UnsupportedModel {
                path: config_path,
                found: model_type.to_string(),
            });
        }
        let tags = read_id2label(&config_path, &value)?;
        let mut config: BertConfig =
            serde_json::from_value(value).map_err(|e| BertError::Config {
                path: config_path.clone(),
                reason: e.to_string(),
            })?;
        let positive = [
            ("hidden_size", config.hidden_size),
            ("num_attention_heads", config.num_attention_heads),
            ("num_hidden_layers", config.num_hidden_layers),
            ("intermediate_size", config.intermediate_size),
            ("vocab_size", config.vocab_size),
            ("type_vocab_size", config.type_vocab_size),
        ];
        if let Some((name, _)) = positive.iter().find(|(_, v)| *v <= 0) {
            return Err(BertError::Config {
                path: config_path,
                reason: format!("{name} must be positive"),
            });
        }
        if config.hidden_size % config.num_attention_heads != 0 {
            return Err(BertError::Config {
                path: config_path,
                reason: "hidden_size is not a multiple of num_attention_heads".into(),
            });
        }
        if config.max_position_embeddings < 3 {
            return Err(BertError::Config {
                path: config_path,
                reason: "max_position_embeddings must be at least 3".into(),
            });
        }
        // Inference only: no dropout, no extra outputs.
        config.output_attentions = Some(false);
        config.output_hidden_states = Some(false);
        config.is_decoder = Some(false);

        let (tokenizer, tokenizer_path) = load_tokenizer(dir)?;
        let special = |token: &'static str| {
            tokenizer
                .token_to_id(token)
                .ok_or_else(|| BertError::MissingToken {
                    path: tokenizer_path.clone(),
                    token,
                })
        };
        let (cls, sep, pad) = (special("[CLS]")?, special("[SEP]")?, special("[PAD]")?);
        let tokenizer_size = tokenizer.get_vocab_size(true);
        if tokenizer_size as i64 > config.vocab_size {
            return Err(BertError::VocabMismatch {
                path: tokenizer_path,
                tokenizer: tokenizer_size,
                model: config.vocab_size,
            });
        }

        let weights = ["model.safetensors", "rust_model.ot"]
            .iter()
            .map(|f| dir.join(f))
            .find(|p| p.is_file())
            .ok_or_else(|| BertError::MissingFile {
                dir: dir.to_path_buf(),
                what: "model.safetensors or rust_model.ot",
            })?;
        let mut vs = nn::VarStore::new(Device::Cpu);
        let model = catch_unwind(AssertUnwindSafe(|| {
            BertForTokenClassification::new(vs.root(), &config)
        }))
        .map_err(|_| BertError::Build("libtorch refused the configuration".into()))?
        .map_err(|e| BertError::Build(e.to_string()))?;
        load_weights(&vs, &weights)?;
        vs.freeze();
        let max_length = (config.max_position_embeddings as usize).min(DEFAULT_MAX_LENGTH);
        Ok(BertNer {
            inner: Mutex::new(Inner { model, _vs: vs }),
            tokenizer,
            tags,
            cls,
            sep,
            pad,
            max_length,
        })
    }

    /// Caps the window length (tokens, [CLS] and [SEP] included) below the model's maximum.
    pub fn with_max_length(mut self, max_length: usize) -> Self {
        self.max_length = max_length.clamp(3, self.max_length);
        self
    }

    /// The window length in use (tokens, `[CLS]` and `[SEP]` included).
    pub fn max_length(&self) -> usize {
        self.max_length
    }

    /// The model's classes as tags, by class id.
    pub fn tags(&self) -> &[Tag] {
        &self.tags
    }

    /// Entities of `text` within each sentence span (the whole text when there are none),
    /// as byte spans; also the number of word pieces the model saw.
    pub fn entities_with_count(
        &self,
        text: &str,
        sentences: &[Span],
    ) -> Result<(Vec<Entity>, usize), BertError> {
        let whole = [Span::new(0, text.len())];
        let sentences = if sentences.is_empty() {
            &whole[..]
        } else {
            sentences
        };
        // Tokenize every sentence on its own: offsets are relative to the sentence.
        let mut encodings = Vec::with_capacity(sentences.len());
        for span in sentences {
            let Some(slice) = span.slice(text) else {
                encodings.push(None);
                continue;
            };
            let encoding = self
                .tokenizer
                .encode(slice, false)
                .map_err(|e| BertError::Tokenize(e.to_string()))?;
            encodings.push(Some(encoding));
        }
        let capacity = self.max_length - 2;
        // Overlap of half a window, so every token but those at a sentence's ends has at
        // least a quarter window of context on each side in some window.
        let stride = (capacity / 2).max(1);
        let mut windows = Vec::new();
        for (sentence, encoding) in encodings.iter().enumerate() {
            let Some(encoding) = encoding else { continue };
            let ids = encoding.get_ids();
            let mut start = 0;
            while start < ids.len() {
                let end = (start + capacity).min(ids.len());
                let mut window = Vec::with_capacity(end - start + 2);
                window.push(self.cls as i64);
                window.extend(ids[start..end].iter().map(|&i| i as i64));
                window.push(self.sep as i64);
                windows.push(Window {
                    sentence,
                    start,
                    ids: window,
                });
                if end == ids.len() {
                    break;
                }
                start += stride;
            }
        }
        let classes = self.classify(&windows)?;
        // Per sentence and token: (context, class) of the best window so far.
        let mut best: Vec<Vec<(usize, usize)>> = encodings
            .iter()
            .map(|e| vec![(0, 0); e.as_ref().map_or(0, |e| e.get_ids().len())])
            .collect();
        let mut seen: Vec<Vec<bool>> = best.iter().map(|b| vec![false; b.len()]).collect();
        for (window, classes) in windows.iter().zip(&classes) {
            let n = window.ids.len() - 2;
            for (k, &class) in classes.iter().enumerate().take(n) {
                let token = window.start + k;
                let context = k.min(n - 1 - k);
                let slot = &mut best[window.sentence][token];
                if !seen[window.sentence][token] || context > slot.0 {
                    *slot = (context, class);
                    seen[window.sentence][token] = true;
                }
            }
        }
        let outside = Tag::outside();
        let mut entities = Vec::new();
        let mut pieces = 0;
        for ((span, encoding), best) in sentences.iter().zip(&encodings).zip(&best) {
            let Some(encoding) = encoding else { continue };
            pieces += best.len();
            // Words: (first piece, byte start, byte end), relative to the sentence.
            let mut words: Vec<(usize, usize, usize)> = Vec::new();
            let mut last_word = None;
            for (i, (word, &(s, e))) in encoding
                .get_word_ids()
                .iter()
                .zip(encoding.get_offsets())
                .enumerate()
            {
                match (word, last_word) {
                    (Some(w), Some(lw)) if *w == lw => {
                        if let Some(last) = words.last_mut() {
                            last.2 = last.2.max(e);
                        }
                    }
                    _ => words.push((i, s, e)),
                }
                last_word = *word;
            }
            let tags: Vec<&Tag> = words
                .iter()
                .map(|&(piece, _, _)| self.tags.get(best[piece].1).unwrap_or(&outside))
                .collect();
            for (first, last, label) in labels::decode(&tags) {
                let start = span.start + words[first].1;
                let end = extend_over_marks(text, span.start + words[last].2, span.end);
                if start < end && text.is_char_boundary(start) && text.is_char_boundary(end) {
                    entities.push(Entity {
                        span: Span::new(start, end),
                        label: crate::doc::EntityLabel::parse(&label),
                        source: EntitySource::Model,
                    });
                }
            }
        }
        Ok((entities, pieces))
    }

    /// Entities of `text` within each sentence span, as byte spans.
    pub fn entities(&self, text: &str, sentences: &[Span]) -> Result<Vec<Entity>, BertError> {
        self.entities_with_count(text, sentences).map(|(e, _)| e)
    }

    /// The argmax class of every token of every window (without [CLS]/[SEP]).
    fn classify(&self, windows: &[Window]) -> Result<Vec<Vec<usize>>, BertError> {
        let mut out: Vec<Vec<usize>> = vec![Vec::new(); windows.len()];
        // Similar lengths together: less padding.
        let mut order: Vec<usize> = (0..windows.len()).collect();
        order.sort_by_key(|&i| windows[i].ids.len());
        let inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        for batch in order.chunks(BATCH_WINDOWS) {
            let width = batch
                .iter()
                .map(|&i| windows[i].ids.len())
                .max()
                .unwrap_or(0);
            let mut ids = Vec::with_capacity(batch.len() * width);
            let mut mask = Vec::with_capacity(batch.len() * width);
            for &i in batch {
                let w = &windows[i].ids;
                ids.extend_from_slice(w);
                ids.extend(std::iter::repeat(self.pad as i64).take(width - w.len()));
                mask.extend(std::iter::repeat(1i64).take(w.len()));
                mask.extend(std::iter::repeat(0i64).take(width - w.len()));
            }
            let shape = [batch.len() as i64, width as i64];
            let predicted: Vec<i64> = catch_unwind(AssertUnwindSafe(|| {
                tch::no_grad(|| -> Result<Vec<i64>, tch::TchError> {
                    let ids = Tensor::f_from_slice(&ids)?.f_view(shape)?;
                    let mask = Tensor::f_from_slice(&mask)?.f_view(shape)?;
                    let types = ids.f_zeros_like()?;
                    let output = inner.model.forward_t(
                        Some(&ids),
                        Some(&mask),
                        Some(&types),
                        None,
                        None,
                        false,
                    );
                    let classes = output.logits.f_argmax(-1, false)?.f_flatten(0, -1)?;
                    Vec::<i64>::try_from(&classes)
                })
            }))
            .map_err(|payload| {
                let reason = payload
                    .downcast_ref::<String>()
                    .map(|s| s.lines().next().unwrap_or("").to_string())
                    .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_else(|| "libtorch panicked".into());
                BertError::Inference(reason)
            })?
            .map_err(|e| BertError::Inference(e.to_string()))?;
            for (row, &i) in batch.iter().enumerate() {
                let n = windows[i].ids.len();
                // Skip [CLS]; stop before [SEP].
                out[i] = predicted[row * width + 1..row * width + n - 1]
                    .iter()
                    .map(|&c| c.max(0) as usize)
                    .collect();
            }
        }
        Ok(out)
    }
}

/// Combining marks: a decomposed accent normalised away by the tokenizer still belongs to
/// the word it follows.
fn is_combining_mark(c: char) -> bool {
    matches!(c as u32,
        0x0300..=0x036F | 0x0483..=0x0489 | 0x0591..=0x05BD | 0x0610..=0x061A
        | 0x064B..=0x065F | 0x0900..=0x0903 | 0x093A..=0x094F | 0x1AB0..=0x1AFF
        | 0x1DC0..=0x1DFF | 0x200C..=0x200D | 0x20D0..=0x20FF | 0x302A..=0x302F
        | 0x3099..=0x309A | 0xFE00..=0xFE0F | 0xFE20..=0xFE2F)
}

/// `end` moved past any combining marks that follow it, never past `limit`.
fn extend_over_marks(text: &str, end: usize, limit: usize) -> usize {
    let mut end = end;
    if let Some(rest) = text.get(end..limit) {
        for c in rest.chars() {
            if !is_combining_mark(c) {
                break;
            }
            end += c.len_utf8();
        }
    }
    end
}

impl EntityRecognizer for BertNer {
    fn recognize(&self, doc: &Document) -> Vec<Entity> {
        match self.entities(&doc.text, &doc.sentences) {
            Ok(entities) => entities,
            Err(err) => {
                // The trait has no error path: the record keeps its other annotations and
                // the failure is reported, never skipped silently.
                eprintln!(
                    "quotex: warning: {}: bert model layer failed, no model entities: {err}",
                    doc.id
                );
                Vec::new()
            }
        }
    }
}

/// The BERT model layer under the gazetteer, rule and consistency layers.
pub struct BertLayered {
    /// The model layer.
    pub bert: Arc<BertNer>,
    /// The other layers; their own `model` is not used.
    pub layers: LayeredNer,
}

impl EntityRecognizer for BertLayered {
    fn recognize(&self, doc: &Document) -> Vec<Entity> {
        self.layers
            .recognize_with_model(doc, self.bert.recognize(doc))
    }
}

/// The entity stage for `--ner-backend bert`: the model alone, or under the other layers.
/// `threads` (0 = one per core) sets libtorch's threads.
pub fn entity_stage(
    model_dir: &Path,
    threads: usize,
    with_model: bool,
    layers: Option<LayeredNer>,
) -> Result<Option<Box<dyn EntityRecognizer>>, BertError> {
    let threads = if threads == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        threads
    };
    tch::set_num_threads(threads as i32);
    let bert = with_model
        .then(|| BertNer::load(model_dir).map(Arc::new))
        .transpose()?;
    Ok(match (bert, layers) {
        (Some(bert), Some(mut layers)) => {
            layers.model = None;
            Some(Box::new(BertLayered { bert, layers }))
        }
        (Some(bert), None) => Some(Box::new(ArcNer(bert))),
        (None, Some(layers)) => Some(Box::new(layers)),
        (None, None) => None,
    })
}

struct ArcNer(Arc<BertNer>);

impl EntityRecognizer for ArcNer {
    fn recognize(&self, doc: &Document) -> Vec<Entity> {
        self.0.recognize(doc)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_extend_the_end() {
        let text = "Jose\u{301} and";
        assert_eq!(extend_over_marks(text, 4, text.len()), 6);
        assert_eq!(extend_over_marks(text, 6, text.len()), 6);
        assert_eq!(extend_over_marks(text, 4, 5), 4);
    }

    #[test]
    fn legacy_layer_norm_names() {
        assert_eq!(
            legacy_name("bert.embeddings.LayerNorm.weight").as_deref(),
            Some("bert.embeddings.LayerNorm.gamma")
        );
        assert_eq!(legacy_name("classifier.bias"), None);
    }
}
