#!/bin/sh
# fuzz.sh runs each fuzz target of pipegen for a short while, for CI: by
# default a number of executions that takes about 10s each, or FUZZTIME.
# A regression shows as a failing run, with the input written to
# testdata/fuzz/<target>/ next to the test. Longer runs find more:
# FUZZTIME=5m scripts/fuzz.sh.
#
#   FuzzParse     generator/directive  stage and pipeline directives
#   FuzzPipeline  generator/directive  the pipeline expression parser
#   FuzzGenerate  generator            the whole generator on a small package
#                                      (loads packages with the go command:
#                                      a few runs a second)
set -eu
cd "$(dirname "$0")/.."

# run PKG TARGET COUNT [flags]: fuzz for FUZZTIME if set, else for COUNT
# executions. A count, not a duration, by default: when a duration runs
# out while an input is being minimized, go test fails with "context
# deadline exceeded" though nothing was found (seen in CI).
run() {
	pkg=$1
	target=$2
	budget=${FUZZTIME:-$3}
	shift 3
	echo "== $target ($pkg, $budget)"
	go test "$pkg" -run '^$' -fuzz "^$target\$" -fuzztime "$budget" -fuzzminimizetime 3x "$@"
}

run ./generator/directive FuzzParse 300000x
run ./generator/directive FuzzPipeline 300000x
# The go command runs for each input: a few runs a second.
run ./generator FuzzGenerate 60x
