#!/usr/bin/env bash
# `clew analyze --json FILE > /dev/null` at 10k, 100k and 1M spans for each input shape:
# prints a markdown table of the median wall time of 3 runs (and the CPU time, user +
# sys, of that run), with the growth from 10k to 100k and from 100k to 1M (goal: ≤ ~12×
# for 10× the spans). Not a test: nothing here fails on a slow run.
#
# Inputs: `clew gen --spans N --traces 1 --seed 1 --format otlp` (shape "generated") and
# the crafted shapes of benches/shapes.rs, written as OTLP JSON by
# `CLEW_SHAPES_OUT=DIR cargo bench --bench analyze`. They are kept in $CLEW_BENCH_DIR
# (default /tmp/clew-bench-cli, about 3.5 GB at 1M) and written only when missing.
#
# Usage: bash scripts/bench-cli.sh   (make bench calls it after building the release CLI)
#   CLEW_BENCH_SIZES=10000,100000   CLEW_BENCH_SHAPES=generated,llm-agent   CLEW_BENCH_RUNS=5
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

CLEW=${CLEW:-target/release/clew}
DIR=${CLEW_BENCH_DIR:-/tmp/clew-bench-cli}
SIZES=${CLEW_BENCH_SIZES:-10000,100000,1000000}
SHAPES=${CLEW_BENCH_SHAPES:-generated,llm-agent,llm-fan-out,llm-chain,deep-chain,fan-out,late-start,n-plus-one,many-traces}
RUNS=${CLEW_BENCH_RUNS:-3}
IFS=, read -r -a sizes <<< "$SIZES"
IFS=, read -r -a shapes <<< "$SHAPES"

[ -x "$CLEW" ] || cargo build --release --bin clew >&2
mkdir -p "$DIR"

# Inputs, when missing.
crafted=()
for shape in "${shapes[@]}"; do
  for n in "${sizes[@]}"; do
    f="$DIR/$shape-$n.json"
    [ -s "$f" ] && continue
    if [ "$shape" = generated ]; then
      "$CLEW" gen --spans "$n" --traces 1 --seed 1 --format otlp --out "$f"
    else
      crafted+=("$shape")
    fi
  done
done
if [ ${#crafted[@]} -gt 0 ]; then
  list=$(printf '%s\n' "${crafted[@]}" | sort -u | paste -sd, -)
  echo "writing the $list inputs to $DIR (cargo bench --bench analyze)" >&2
  CLEW_SHAPES_OUT="$DIR" CLEW_BENCH_SHAPES="$list" CLEW_BENCH_SIZES="$SIZES" cargo bench --bench analyze >&2
fi

# One run: "wall_s cpu_s" (wall from the shell's clock, CPU from /usr/bin/time).
run_once() {
  local t0 t1 cpu
  t0=$(date +%s%N)
  cpu=$( { /usr/bin/time -f "%U %S" "$CLEW" analyze --json "$1" > /dev/null; } 2>&1 | tail -1)
  t1=$(date +%s%N)
  awk -v w=$(( t1 - t0 )) -v c="$cpu" 'BEGIN { split(c, p, " "); printf "%.3f %.2f\n", w / 1e9, p[1] + p[2] }'
}

# Median of $RUNS runs, by wall time.
median() {
  local f=$1 i
  for ((i = 0; i < RUNS; i++)); do run_once "$f"; done | sort -n | awk -v k=$(( (RUNS + 1) / 2 )) 'NR == k'
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0) printf "%.1f×", b / a; else printf "–" }'; }

header="| shape |"
rule="|---|"
for n in "${sizes[@]}"; do
  header+=" $(( n / 1000 ))k spans |"
  rule+="---|"
done
for ((i = 1; i < ${#sizes[@]}; i++)); do
  header+=" $(( sizes[i - 1] / 1000 ))k → $(( sizes[i] / 1000 ))k |"
  rule+="---|"
done
echo "clew analyze --json, wall time (median of $RUNS) and CPU time (user + sys) of that run; $(uptime | sed 's/.*load/load/')"
echo
echo "$header"
echo "$rule"
for shape in "${shapes[@]}"; do
  row="| $shape |"
  walls=()
  for n in "${sizes[@]}"; do
    read -r wall cpu < <(median "$DIR/$shape-$n.json")
    walls+=("$wall")
    row+=" ${wall} s (cpu ${cpu} s) |"
  done
  for ((i = 1; i < ${#walls[@]}; i++)); do
    row+=" $(ratio "${walls[i - 1]}" "${walls[i]}") |"
  done
  echo "$row"
done
