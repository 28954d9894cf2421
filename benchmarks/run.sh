#!/usr/bin/env bash
# run.sh runs the benchmark table at full size (benchtable's defaults: 5 runs
# per cell) and writes RESULTS.md next to this script. Extra arguments go to
# benchtable, e.g. ./run.sh -scale 0.1 -runs 3 for a quick look.
#
# It takes several minutes on a 2-core machine, most of it in the slow cells
# (W3/fused sleeps 20,000 times in a row). Progress goes to standard error.
set -euo pipefail
cd "$(dirname "$0")"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Measure what pipegen generates today: stop if pg/pipegen_gen.go is stale.
if ! go tool pipegen check ./pg; then
	echo "run.sh: regenerate first: go run github.com/pipegen/pipegen/cmd/pipegen ./pg" >&2
	exit 1
fi
go build -o "$tmp/benchtable" ./cmd/benchtable
# The pipegen under test is this checkout: note its commit, and any
# uncommitted change outside benchmarks/ (it is measured too).
commit=$(git -C .. rev-parse --short HEAD 2>/dev/null || echo unknown)
changed=$(git -C .. status --porcelain -- . ':!benchmarks' 2>/dev/null | awk '{print $2}' || true)
if [ -n "$changed" ]; then
	golden=$(grep -c '^testdata/' <<<"$changed" || true)
	commit="$commit plus uncommitted changes to $(grep -v '^testdata/' <<<"$changed" | tr '\n' ' ')(and $golden files under testdata/)"
fi

start=$(date +%s)
status=0
"$tmp/benchtable" "$@" >"$tmp/table.md" || status=$?
elapsed=$(($(date +%s) - start))

{
	cat <<HEADER
# pipegen benchmark results

Produced by \`benchmarks/run.sh${*:+ $*}\` (that is, \`go run ./cmd/benchtable${*:+ $*}\`
from \`benchmarks/\`) at pipegen commit $commit, in ${elapsed}s of wall time.
Everything below is benchtable's output, unedited: see README.md for what
each workload and implementation is and how the numbers are measured,
and [TARGETS.md](TARGETS.md) for issue 4's targets against a run (each
with its ratio, and for each miss the reason and what would close it).

- Every cell is one workload (rows) run by one implementation (columns),
  over the source 0..N-1, all in one process, one cell after the other.
- Each run's checksum is checked against the fused loop's; a mismatch is
  a failure, listed at the end if any.
- ns/item is wall time per **source** element (not per output element),
  the median of the runs; allocs/item is the median of
  runtime.MemStats.Mallocs deltas divided by N.
- W3's times are set by how long \`time.Sleep(200µs)\` really sleeps,
  which the machine table reports (timers may be much coarser than 200µs).

HEADER
	cat "$tmp/table.md"
} >RESULTS.md

echo "wrote RESULTS.md (benchtable exit status $status, ${elapsed}s)" >&2
exit $status
