#!/bin/sh
# Peak resident memory of `hxsim vmm` against the batch size (issue 12): 10^3, 10^5 and 10^6
# input rows of 128 activations through a 128 x 512 weight matrix (both hemispheres), CSV in,
# CSV out. Each size runs with the default memory budget (200 MB) and with a smaller one
# (--max-memory 120, smaller chunks); the two outputs must be the same bytes (SHA-256).
#
#   benchmarks/memory/vmm-rss.sh [ROWS...]     (default: 1000 100000 1000000)
#
# Writes benchmarks/memory/results.md (table, machine, OpenBLAS kernel) and prints it.
# Needs /usr/bin/time (GNU time) and a release build (built here if missing).
set -eu
cd "$(dirname "$0")/../.."
. benchmarks/common.sh
rows_list=${*:-"1000 100000 1000000"}
work=$(mktemp -d "${TMPDIR:-/tmp}/hxsim-rss.XXXXXX")
trap 'rm -rf "$work"' EXIT

release_build hxsim
hxsim=.build/release/hxsim

# Deterministic operands: weights w[i][j] = (7i + 13j) mod 127 - 63; inputs x[r][i] =
# (r + 3i) mod 32 (every activation 0..31 appears).
awk 'BEGIN { for (i = 0; i < 128; i++) { line = ""; for (j = 0; j < 512; j++)
    line = line (j ? "," : "") ((7 * i + 13 * j) % 127 - 63); print line } }' > "$work/w.csv"

cpu=$(cpu_model)
kernel=$(hxsim_kernel "$hxsim")
load=$(cut -d' ' -f1-3 /proc/loadavg)

out=benchmarks/memory/results.md
{
    echo "# Peak memory of hxsim vmm against the batch size"
    echo
    echo "Written by \`benchmarks/memory/vmm-rss.sh\` on $(date -u +%Y-%m-%d): $cpu, OpenBLAS kernel"
    echo "$kernel, $(nproc) cores, load average before the runs $load (a shared machine)."
    echo "Inputs rows x 128 (CSV), weights 128 x 512 (CSV), outputs rows x 512 (CSV to a pipe)."
    echo "Peak RSS is GNU time's maximum resident set size; wall time includes reading, writing"
    echo "and hashing the output."
    echo
    echo "| rows | input file | budget (--max-memory) | peak RSS | wall time | output SHA-256 (first 16) |"
    echo "| ---: | ---: | ---: | ---: | ---: | --- |"
} > "$out"

for rows in $rows_list; do
    awk -v n="$rows" 'BEGIN { for (r = 0; r < n; r++) { line = ""; for (i = 0; i < 128; i++)
        line = line (i ? "," : "") ((r + 3 * i) % 32); print line } }' > "$work/x.csv"
    size=$(du -h "$work/x.csv" | cut -f1)
    first=""
    for budget in 200 120; do
        /usr/bin/time -f '%M %e' -o "$work/time" "$hxsim" vmm --inputs "$work/x.csv" \
            --weights "$work/w.csv" --max-memory "$budget" --quiet | sha256sum | cut -c1-16 \
            > "$work/hash"
        read -r kb seconds < "$work/time"
        hash=$(cat "$work/hash")
        [ -z "$first" ] && first=$hash
        [ "$hash" = "$first" ] || { echo "outputs differ between budgets at $rows rows" >&2; exit 1; }
        echo "| $rows | $size | $budget MB | $((kb / 1024)) MiB | $seconds s | $hash |" >> "$out"
    done
done
cat "$out"
