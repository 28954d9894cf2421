//go:build race

package difftest

// raceEnabled builds the test programs with the race detector when the
// test runs with it.
const raceEnabled = true
