#!/usr/bin/env bash
# Throughput and peak memory of `quotex extract` on the BBC benchmark corpus, spaCy's
# speed on the same corpus in the same run, and memory on a large streamed input.
# Usage: bash benches/throughput.sh [CORPUS.jsonl] [REPEAT]
# SPACY_PYTHON=/path/to/python (with spacy 3.8 installed) adds the spaCy row; without it
# the script makes a venv in target/bench-venv and installs spacy from PyPI.
# Prints a Markdown table; figures in the README come from this script.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${1:-../shared/data/corpus/bbc.jsonl}
repeat=${2:-4}
cargo build --release --quiet
bin=target/release/quotex
words=$(python3 -c "import json,sys; print(sum(len(json.loads(l)['text'].split()) for l in open(sys.argv[1])))" "$corpus")
articles=$(wc -l < "$corpus")

measure() { # args: label, then the command; prints a table row
  local label=$1; shift
  local best_wall=999999 rss=0
  for _ in 1 2 3; do
    /usr/bin/time -f "%e %M" -o /tmp/quotex-time "$@" > /dev/null 2>/tmp/quotex-stderr
    read -r wall kb < /tmp/quotex-time
    if awk "BEGIN{exit !($wall < $best_wall)}"; then best_wall=$wall; fi
    rss=$kb
  done
  awk -v l="$label" -v w="$best_wall" -v n="$words" -v a="$articles" -v r="$rss" \
    'BEGIN{ws = (w > 0 ? n / w : 0); printf "| %s | %.2f | %.0f | %.0f | %.1f |\n", l, w, a / (w > 0 ? w : 1), ws, r / 1024}'
}

echo "corpus: $corpus ($articles articles, $words words); best of 3 runs"
echo
echo "| run | wall s | articles/s | words/s | peak RSS MiB |"
echo "|---|---|---|---|---|"
for t in 1 2; do
  measure "quotex extract (default: tokens, tags, parse, lemmas, sentences, all entity layers, quotes), $t thread(s)" "$bin" extract "$corpus" --threads "$t" -q
done
for t in 1 2; do
  measure "quotex extract --no-syntax (sentences, all entity layers, quotes), $t thread(s)" "$bin" extract "$corpus" --threads "$t" --no-syntax -q
done
for t in 1 2; do
  measure "quotex extract --ner-layers model --no-syntax (spaCy-parity NER, quotes), $t thread(s)" "$bin" extract "$corpus" --threads "$t" --ner-layers model --no-syntax -q
done
measure "quotex extract --ner-layers none --no-syntax (sentences, quotes), 1 thread" "$bin" extract "$corpus" --threads 1 --ner-layers none --no-syntax -q
measure "quotex extract --format csv, 2 threads" "$bin" extract "$corpus" --format csv -q

spacy_python=${SPACY_PYTHON:-}
if [ -z "$spacy_python" ]; then
  if [ ! -x target/bench-venv/bin/python ]; then
    python3 -m venv target/bench-venv && target/bench-venv/bin/pip install -q 'spacy==3.8.*' >/dev/null
  fi
  spacy_python=target/bench-venv/bin/python
fi
model=../shared/models/en_core_web_sm-3.8.0
for pipe in ner full; do
  for p in 1 2; do
    /usr/bin/time -f "%e %M" -o /tmp/quotex-time "$spacy_python" benches/spacy_ner_speed.py "$model" "$corpus" "$p" "$pipe" > /tmp/spacy-speed.json
    read -r wall kb < /tmp/quotex-time
    python3 - "$p" "$kb" <<'PY'
import json, sys
r = json.load(open("/tmp/spacy-speed.json"))
what = "ner + its tok2vec" if r["pipeline"] == "ner" else "full pipeline: tok2vec, tagger, parser, attribute_ruler, lemmatizer, ner"
print(f"| spaCy {r['version']} en_core_web_sm ({what}), {sys.argv[1]} process(es) | {r['seconds']:.2f} | "
      f"{r['articles'] / r['seconds']:.0f} | {r['words_per_s']} | {int(sys.argv[2]) / 1024:.1f} |")
PY
  done
done

# The networks alone (tokenizer, entity network, syntax), 1 and 2 threads.
cargo build --release --quiet --example syntax_speed
echo
/usr/bin/time -f "syntax_speed: peak RSS %M KB (holds the whole corpus and its tokens)" target/release/examples/syntax_speed "$corpus"
echo

# Memory must not grow with the input: stream the corpus $repeat times through stdin
# (never written to disk) and compare peak RSS with a single pass.
/usr/bin/time -f "%e %M" -o /tmp/quotex-time bash -c \
  "for i in \$(seq $repeat); do cat '$corpus'; done | $bin extract -q > /dev/null"
read -r wall kb < /tmp/quotex-time
echo
echo "streamed $((articles * repeat)) articles ($repeat x the corpus) through stdin: ${wall} s, peak RSS $((kb / 1024)) MiB"
