#!/usr/bin/env bash
# The cost of Parquet output against JSONL and CSV on the same input, run back to back:
# best wall time, CPU time (user+sys) and peak RSS of N runs each, and the output size.
# usage: bash benches/parquet_cost.sh [INPUT] [RUNS] [extra quotex flags...]
# e.g.   bash benches/parquet_cost.sh ../shared/data/corpus/bbc.jsonl 3 --ner-layers none
set -euo pipefail
input=${1:-../shared/data/corpus/bbc.jsonl}
runs=${2:-3}
shift $(( $# > 2 ? 2 : $# )) || true
extra=("$@")
bin=${QUOTEX:-target/release/quotex}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

configs=(
  "jsonl|--format jsonl"
  "csv quotes|--format csv --table quotes"
  "parquet quotes|--format parquet --table quotes"
  "csv entities|--format csv --table entities"
  "parquet entities|--format parquet --table entities"
  "csv speakers|--format csv --table speakers"
  "parquet speakers|--format parquet --table speakers"
)
printf '| output | best wall s | CPU s (user+sys) | peak RSS MiB | output MiB |\n|---|---|---|---|---|\n'
for c in "${configs[@]}"; do
  name=${c%%|*}
  read -r -a flags <<<"${c#*|}"
  best_wall=; best_cpu=; best_rss=
  for _ in $(seq "$runs"); do
    /usr/bin/time -f '%e %U %S %M' -o "$out/time" \
      "$bin" extract "$input" -q --no-progress "${flags[@]}" "${extra[@]}" -o "$out/result"
    read -r wall user sys rss <"$out/time"
    cpu=$(echo "$user + $sys" | bc)
    if [ -z "$best_wall" ] || (( $(echo "$wall < $best_wall" | bc) )); then
      best_wall=$wall; best_cpu=$cpu; best_rss=$rss
    fi
  done
  size=$(stat -c %s "$out/result")
  printf '| %s | %.2f | %.2f | %.1f | %.2f |\n' "$name" "$best_wall" "$best_cpu" \
    "$(echo "$best_rss / 1024" | bc -l)" "$(echo "$size / 1048576" | bc -l)"
done
