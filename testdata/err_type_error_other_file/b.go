package p

import "strings"

// Nothing to do with pipegen, but the package must type-check.
func shout(s string) int { return strings.ToUpper(s) }
