//go:build race

package generator_test

// raceEnabled makes the programs built by the tests race-checked too when
// the tests are.
const raceEnabled = true
