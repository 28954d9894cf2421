//go:build !race

package main

// raceBuild says that this test binary runs under the race detector.
const raceBuild = false
