#!/usr/bin/env bash
# Reruns every number and figure the README and docs/ quote, on this machine, and rewrites the
# generated blocks (`<!-- generated: NAME -->` … `<!-- /generated -->`, see
# scripts/regenerate_docs.py) with the machine, the OpenBLAS kernel, the date and the commit.
#
#   scripts/regenerate-docs.sh                      # everything, in place (hours on two cores)
#   scripts/regenerate-docs.sh --only speed,demo    # some groups: demo, bench, calibration,
#                                                   #   applications, sweeps
#   scripts/regenerate-docs.sh --quick              # small runs into a copy of the documents
#   scripts/regenerate-docs.sh --output DIR         # rewrite a copy in DIR instead of the checkout
#
# The groups and what they remake:
#   demo          hxsim demo: docs/figures (membrane-trace.svg, transfer-curve.svg, anchors.md,
#                 yinyang.md) and the blocks anchors, yinyang
#   bench         hxsim bench: benchmarks/results/ and the blocks speed, fastpath, fastpath-model
#   calibration   benchmarks/calibration/verify.sh and hxsim calibrate --seed 1 (calibration/):
#                 the block calibration
#   applications  benchmarks/applications/run.sh: benchmarks/applications/results/ and the
#                 block applications
#   sweeps        benchmarks/sweeps/run.sh (timed): the sweep results, plots and the blocks
#                 sweeps, sweeps-reference, sweeps-noise, sweeps-numsends,
#                 sweeps-numsends-hidden, sweeps-runtime
# --quick runs the demo, the benchmarks and one calibration check small (hxsim demo --quick,
# hxsim bench --quick, TRIALS=50 verify.sh 1), skips the applications and the sweeps, and
# writes into a copy of the documents (default .build/regenerated-docs/): its numbers are not
# the published ones, and the checkout stays as it is.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
. benchmarks/common.sh

quick=0
only=""
output=""
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) quick=1 ;;
        --only) only=$2; shift ;;
        --only=*) only=${1#--only=} ;;
        --output) output=$2; shift ;;
        --output=*) output=${1#--output=} ;;
        -h | --help) sed -n '2,27p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "regenerate-docs: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
    shift
done
groups="demo bench calibration applications sweeps"
for group in ${only//,/ }; do
    case " $groups " in
        *" $group "*) ;;
        *) echo "regenerate-docs: unknown group '$group'; groups: $groups" >&2; exit 2 ;;
    esac
done
wanted() { [ -z "$only" ] || [[ ",$only," == *",$1,"* ]]; }
say() { echo "regenerate-docs: $*" >&2; }
# Whether group $1, which only a full run makes (its cost: $2), runs now; says so when --quick
# skips it.
wanted_in_full() {
    wanted "$1" || return 1
    if [ "$quick" = 1 ]; then
        say "$1: skipped in quick mode ($2)"
        return 1
    fi
}

# Where the documents are rewritten: the checkout, or a copy.
if [ "$quick" = 1 ] && [ -z "$output" ]; then output=.build/regenerated-docs; fi
target=$root
if [ -n "$output" ]; then
    mkdir -p "$output"
    target=$(cd "$output" && pwd)
    for file in README.md docs benchmarks/README.md benchmarks/sweeps/README.md \
        calibration/README.md; do
        mkdir -p "$target/$(dirname "$file")"
        cp -R "$root/$file" "$target/$(dirname "$file")/"
    done
    say "writing into a copy of the documents: $target"
fi

./scripts/install-deps.sh
release_build hxsim
hxsim=$root/.build/release/hxsim
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The stamp of every block: machine, kernel, date, commit.
cpu=$(cpu_model)
kernel=$("$hxsim" --version | sed -n 's/.*OpenBLAS kernel \([^)]*\)).*/\1/p')
commit=$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
if [ "$commit" != unknown ] && [ -n "$(git status --porcelain --untracked-files=no)" ]; then
    commit="$commit-dirty"
fi
python3 - "$work/stamp.json" "$cpu, $(nproc) cores" "$kernel" "$(date -u +%Y-%m-%d)" \
    "$commit" "$quick" <<'EOF'
import json, sys
path, machine, kernel, date, commit, quick = sys.argv[1:]
json.dump({"machine": machine, "kernel": kernel, "date": date, "commit": commit,
           "quick": quick == "1"}, open(path, "w"))
EOF
say "machine: $cpu, $(nproc) cores; OpenBLAS kernel $kernel; commit $commit"
sources=()

if wanted demo; then
    say "hxsim demo$([ "$quick" = 1 ] && echo " --quick")"
    quickflag=()
    [ "$quick" = 1 ] && quickflag=(--quick)
    "$hxsim" demo --out "$work/demo" "${quickflag[@]}" > "$work/demo.txt"
    mkdir -p "$target/docs/figures"
    for file in membrane-trace.svg transfer-curve.svg anchors.md yinyang.md; do
        cp "$work/demo/$file" "$target/docs/figures/$file"
    done
    sources+=(--demo "$work/demo")
fi

if wanted bench; then
    if [ "$quick" = 1 ]; then
        say "hxsim bench --quick"
        "$hxsim" bench --quick --out "$work/bench" > /dev/null
        sources+=(--bench "$work/bench/summary.json")
    else
        say "hxsim bench (writes benchmarks/results/)"
        "$hxsim" bench --out "$target/benchmarks/results" > /dev/null
        sources+=(--bench "$target/benchmarks/results/summary.json")
    fi
fi

if wanted calibration; then
    if [ "$quick" = 1 ]; then
        say "benchmarks/calibration/verify.sh 1 (TRIALS=50)"
        RESULTS_DIR="$work/calibration" TRIALS=50 benchmarks/calibration/verify.sh 1 > /dev/null
        "$hxsim" calibrate --quick --seed 1 --out "$work/calibration/chip-1.json" --quiet \
            > /dev/null
        sources+=(--calibration "$work/calibration/results.csv")
    else
        say "benchmarks/calibration/verify.sh and hxsim calibrate --seed 1"
        RESULTS_DIR="$target/benchmarks/calibration" benchmarks/calibration/verify.sh > /dev/null
        mkdir -p "$target/calibration"
        "$hxsim" calibrate --seed 1 --out "$target/calibration/chip-1.json" --quiet > /dev/null
        sources+=(--calibration "$target/benchmarks/calibration/results.csv")
    fi
fi

if wanted_in_full applications "benchmarks/applications/run.sh takes hours"; then
    say "benchmarks/applications/run.sh (hours)"
    benchmarks/applications/run.sh > /dev/null
    sources+=(--applications "$root/benchmarks/applications/results")
fi

if wanted_in_full sweeps "benchmarks/sweeps/run.sh takes minutes"; then
    say "benchmarks/sweeps/run.sh"
    start=$(date +%s)
    benchmarks/sweeps/run.sh > /dev/null
    seconds=$(( $(date +%s) - start ))
    sources+=(--sweeps "$root/benchmarks/sweeps" --sweeps-seconds "$seconds")
fi

if [ ${#sources[@]} -eq 0 ]; then
    say "nothing to rewrite"
    exit 0
fi
python3 scripts/regenerate_docs.py --target "$target" --stamp "$work/stamp.json" "${sources[@]}"
say "done: $target"
