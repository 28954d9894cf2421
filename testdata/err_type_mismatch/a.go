package p

import "strconv"

//pipegen:map
func Itoa(x int) string { return strconv.Itoa(x) }

//pipegen:map
func Half(x float64) float64 { return x / 2 }

//pipegen:map
func Len(s string) int { return len(s) }

//pipegen:pipeline P = Itoa | Half
//pipegen:pipeline Q = Itoa | Len | Itoa | Len | Half
