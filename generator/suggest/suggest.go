// Package suggest measures how far a mistyped name is from the names it
// may have meant, for the "did you mean" part of pipegen's messages (the
// generator's, for stages and pipelines; the command's, for subcommands).
package suggest

// Distance is the Levenshtein distance between a and b, counted in runes:
// how many runes must be inserted, deleted or replaced to turn a into b.
func Distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
