#!/usr/bin/env python3
"""spaCy's speed on the same corpus, for the README's comparison: en_core_web_sm 3.8.0,
nlp.pipe over every article. Default: only its NER (which carries its own tok2vec); with
PIPELINE=full (4th argument): the whole sm pipeline (tok2vec, tagger, parser,
attribute_ruler, lemmatizer, ner; the senter is disabled in the package, as spaCy ships it).
Usage: python3 benches/spacy_ner_speed.py MODEL_DIR CORPUS.jsonl [N_PROCESS] [ner|full]
Needs spacy 3.8.x (pip install 'spacy==3.8.*')."""
import json
import sys
import time

import spacy

model_dir, corpus = sys.argv[1], sys.argv[2]
n_process = int(sys.argv[3]) if len(sys.argv) > 3 else 1
pipeline = sys.argv[4] if len(sys.argv) > 4 else "ner"
texts = [json.loads(line)["text"] for line in open(corpus, encoding="utf-8") if line.strip()]
words = sum(len(t.split()) for t in texts)
if pipeline == "full":
    nlp = spacy.load(model_dir)
    assert nlp.pipe_names == ["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "ner"], nlp.pipe_names
else:
    nlp = spacy.load(model_dir, exclude=["tok2vec", "parser", "tagger", "attribute_ruler", "lemmatizer", "senter"])
    assert nlp.pipe_names == ["ner"], nlp.pipe_names
start = time.perf_counter()
entities = sum(len(doc.ents) for doc in nlp.pipe(texts, batch_size=64, n_process=n_process))
elapsed = time.perf_counter() - start
print(json.dumps({"tool": "spacy", "version": spacy.__version__, "pipeline": pipeline, "processes": n_process,
                  "articles": len(texts), "words": words, "entities": entities, "seconds": round(elapsed, 2),
                  "words_per_s": round(words / elapsed)}))
