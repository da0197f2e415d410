#!/usr/bin/env bash
# Worst-case inputs: seconds per MB and peak RSS of `quotex extract --threads 1` on each
# pathological article (benches/pathological_inputs.py writes them), next to normal news.
# Usage: bash benches/pathological.sh [INPUT_DIR]
#   INPUT_DIR   where the inputs are written (default target/patho; /work/patho is a
#               convenient shared place); the BBC-based ones need ../shared/data/corpus/bbc.jsonl
#   MODES       entity layers to run, space separated (default "all none"; add "model" to
#               split the entity stage into the network and the list/rule layers)
#   TIMEOUT     seconds before a run is given up (default 120)
#   QUOTEX_BIN  binary to measure (default: build this tree and use target/release/quotex)
# Prints a Markdown table. "cpu s" is user + system time (one thread, so the wall time on
# an idle machine; it moves less than the wall time when other jobs share the cores),
# "s/MB" is cpu s per MB of input, "status" is ok, error (an error record: a caught panic
# or a refused input) or timeout. Targets (issue 8): any 1 MB article < 5 s and < 300 MiB.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-target/patho}
modes=${MODES:-all none}
limit=${TIMEOUT:-120}
# QUOTEX_BIN: a binary to measure instead of building this tree's (A/B runs).
if [ -n "${QUOTEX_BIN:-}" ]; then
  bin=$QUOTEX_BIN
else
  cargo build --release --quiet
  bin=target/release/quotex
fi
python3 benches/pathological_inputs.py "$dir" ../shared/data/corpus/bbc.jsonl > /dev/null
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Startup (loading the embedded model) is in every figure; this is its cost alone.
printf 'Startup.\n' > "$tmp/tiny.txt"
/usr/bin/time -f "%e %U %S %M" -o "$tmp/time" "$bin" extract "$tmp/tiny.txt" --threads 1 -q > /dev/null
read -r start_s start_u start_sys start_kb < "$tmp/time"
echo "startup (a one-line article): ${start_s} s wall, $(awk -v u="$start_u" -v s="$start_sys" 'BEGIN{print u + s}') s cpu, peak RSS $((start_kb / 1024)) MiB"
echo

header="| input | MB | chars |"
rule="|---|---|---|"
for m in $modes; do
  header="$header $m cpu s | $m s/MB | $m wall s | $m RSS MiB | $m status |"
  rule="$rule---|---|---|---|---|"
done
echo "$header"
echo "$rule"
for f in "$dir"/*.txt; do
  name=$(basename "$f" .txt)
  bytes=$(stat -c %s "$f")
  chars=$(python3 -c "import sys; print(len(open(sys.argv[1], encoding='utf-8').read()))" "$f")
  row=$(awk -v n="$name" -v b="$bytes" -v c="$chars" 'BEGIN{printf "| %s | %.3f | %d |", n, b / 1048576, c}')
  for m in $modes; do
    rm -f "$tmp/errors"; : > "$tmp/time"
    status=ok
    if ! timeout "$limit" /usr/bin/time -f "%e %U %S %M" -o "$tmp/time" \
      nice -n 10 "$bin" extract "$f" --threads 1 --ner-layers "$m" -q --errors "$tmp/errors" > /dev/null 2>"$tmp/stderr"; then
      status=error
    fi
    # time(1) writes "Command exited with non-zero status N" first when the run fails.
    if ! tail -n 1 "$tmp/time" | grep -qE '^[0-9.]+ [0-9.]+ [0-9.]+ [0-9]+$'; then
      row="$row - | - | >$limit | - | timeout |"
      continue
    fi
    [ -s "$tmp/errors" ] && status=error
    read -r wall user sys kb < <(tail -n 1 "$tmp/time")
    row="$row $(awk -v w="$wall" -v u="$user" -v y="$sys" -v b="$bytes" -v k="$kb" -v s="$status" \
      'BEGIN{c = u + y; printf "%.2f | %.2f | %.2f | %.0f | %s |", c, c / (b / 1048576), w, k / 1024, s}')"
  done
  echo "$row"
done
