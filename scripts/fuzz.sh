#!/bin/sh
# fuzz.sh runs each fuzz target of pipegen for a short while (FUZZTIME,
# 10s by default), for CI: a regression shows as a failing run, with the
# input written to testdata/fuzz/<target>/ next to the test. Longer runs
# find more: FUZZTIME=5m scripts/fuzz.sh.
#
#   FuzzParse     generator/directive  stage and pipeline directives
#   FuzzPipeline  generator/directive  the pipeline expression parser
#   FuzzGenerate  generator            the whole generator on a small package
#                                      (loads packages with the go command:
#                                      a few runs a second)
set -eu
cd "$(dirname "$0")/.."
fuzztime=${FUZZTIME:-10s}

run() {
	pkg=$1
	target=$2
	shift 2
	echo "== $target ($pkg, $fuzztime)"
	go test "$pkg" -run '^$' -fuzz "^$target\$" -fuzztime "$fuzztime" "$@"
}

run ./generator/directive FuzzParse
run ./generator/directive FuzzPipeline
# Minimizing each new input would take most of the time: a few runs each.
run ./generator FuzzGenerate -fuzzminimizetime 3x
