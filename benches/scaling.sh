#!/usr/bin/env bash
# Does each pathological kind cost time linear in its size? Runs `quotex extract --threads 1`
# on every kind at several sizes (benches/scaling_inputs.py writes them) and prints CPU s,
# s/MB and peak RSS per size, and the ratio of the largest size's s/MB to the smallest's
# (startup subtracted): ~1 is linear, 2 when the size grows 8x means n^(4/3), 8 quadratic.
# Usage: bash benches/scaling.sh [INPUT_DIR]
#   INPUT_DIR   where the inputs are written (default target/scaling)
#   SIZES       MB, comma separated (default 0.25,0.5,1,2)
#   KINDS       comma separated subset (default: all; see benches/scaling_inputs.py)
#   ARGS        extra arguments to `quotex extract` (e.g. "--no-syntax")
#   TIMEOUT     CPU seconds before a run is given up (default 120; a CPU limit, not a wall
#               one, so a loaded machine does not cut runs short; the wall limit is 10x)
#   QUOTEX_BIN  binary to measure (default: build this tree and use target/release/quotex)
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-target/scaling}
sizes=${SIZES:-0.25,0.5,1,2}
limit=${TIMEOUT:-120}
if [ -n "${QUOTEX_BIN:-}" ]; then
  bin=$QUOTEX_BIN
else
  cargo build --release --quiet
  bin=target/release/quotex
fi
kinds=$(python3 benches/scaling_inputs.py "$dir" "$sizes" ../shared/data/corpus/bbc.jsonl "${KINDS:-}")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Startup (loading the embedded models), subtracted before the ratio.
printf 'Startup.\n' > "$tmp/tiny.txt"
/usr/bin/time -f "%U %S" -o "$tmp/time" "$bin" extract "$tmp/tiny.txt" --threads 1 -q ${ARGS:-} > /dev/null
start=$(awk '{print $1 + $2}' "$tmp/time")
echo "startup: $start s cpu (subtracted in the last column)"
echo

header="| kind |"
rule="|---|"
for s in ${sizes//,/ }; do
  header="$header $s MB: cpu s | s/MB | RSS MiB |"
  rule="$rule---|---|---|"
done
echo "$header last/first s/MB |"
echo "$rule---|"
for k in $kinds; do
  row="| $k |"
  first=""
  last=""
  for s in ${sizes//,/ }; do
    f=$(printf '%s/%s@%g.txt' "$dir" "$k" "$s")
    mb=$(stat -c %s "$f" | awk '{print $1 / 1048576}')
    : > "$tmp/time"
    (ulimit -t "$limit"; timeout $((limit * 10)) /usr/bin/time -f "%U %S %M" -o "$tmp/time" \
      nice -n 10 "$bin" extract "$f" --threads 1 -q ${ARGS:-} -o /dev/null 2>/dev/null) || true
    if ! tail -n 1 "$tmp/time" | grep -qE '^[0-9.]+ [0-9.]+ [0-9]+$'; then
      row="$row >$limit | - | - |"
      last=""
      continue
    fi
    read -r user sys kb < <(tail -n 1 "$tmp/time")
    cpu=$(awk -v u="$user" -v y="$sys" 'BEGIN{print u + y}')
    per=$(awk -v c="$cpu" -v st="$start" -v m="$mb" 'BEGIN{x = c - st; if (x < 0) x = 0; print x / m}')
    [ -z "$first" ] && first=$per
    last=$per
    row="$row $(awk -v c="$cpu" -v m="$mb" -v k="$kb" 'BEGIN{printf "%.2f | %.2f | %.0f |", c, c / m, k / 1024}')"
  done
  ratio=$(awk -v a="$first" -v b="$last" 'BEGIN{if (a > 0 && b != "") printf "%.2f", b / a; else print "-"}')
  echo "$row $ratio |"
done
