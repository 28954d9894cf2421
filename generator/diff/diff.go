// Package diff writes unified diffs of text files, for pipegen diff.
package diff

import (
	"fmt"
	"strings"
)

// context is how many unchanged lines a hunk shows around changes.
const context = 3

// Unified returns the unified diff that turns a (named aName) into b
// (named bName), or "" when they are equal.
func Unified(aName, bName string, a, b []byte) string {
	if string(a) == string(b) {
		return ""
	}
	x, y := lines(string(a)), lines(string(b))
	ops := edits(x, y)
	var out strings.Builder
	fmt.Fprintf(&out, "--- %s\n+++ %s\n", aName, bName)
	for _, h := range hunks(ops) {
		writeHunk(&out, h, x, y)
	}
	return out.String()
}

// lines splits s into lines, each with its newline; a last line without
// one is marked as such, as diff does.
func lines(s string) []string {
	if s == "" {
		return nil
	}
	ls := strings.SplitAfter(s, "\n")
	if ls[len(ls)-1] == "" {
		ls = ls[:len(ls)-1]
	} else {
		ls[len(ls)-1] += "\n\\ No newline at end of file\n"
	}
	return ls
}

// op is one line of the edit script: kept (' '), deleted ('-') or
// inserted ('+'), with its line numbers in x and y (from 0).
type op struct {
	kind byte
	i, j int
}

// edits returns a shortest edit script from x to y. Common prefix and
// suffix are matched first; the middle, usually small for generated
// files, by the longest common subsequence.
func edits(x, y []string) []op {
	pre := 0
	for pre < len(x) && pre < len(y) && x[pre] == y[pre] {
		pre++
	}
	suf := 0
	for suf < len(x)-pre && suf < len(y)-pre && x[len(x)-1-suf] == y[len(y)-1-suf] {
		suf++
	}
	var ops []op
	for k := range pre {
		ops = append(ops, op{' ', k, k})
	}
	mx, my := x[pre:len(x)-suf], y[pre:len(y)-suf]
	// lcs[i][j] is the length of the LCS of mx[i:] and my[j:].
	lcs := make([][]int32, len(mx)+1)
	for i := range lcs {
		lcs[i] = make([]int32, len(my)+1)
	}
	for i := len(mx) - 1; i >= 0; i-- {
		for j := len(my) - 1; j >= 0; j-- {
			if mx[i] == my[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	i, j := 0, 0
	for i < len(mx) || j < len(my) {
		switch {
		case i < len(mx) && j < len(my) && mx[i] == my[j]:
			ops = append(ops, op{' ', pre + i, pre + j})
			i++
			j++
		case i < len(mx) && (j == len(my) || lcs[i+1][j] >= lcs[i][j+1]):
			// Deletions first, as diff(1) writes them.
			ops = append(ops, op{'-', pre + i, pre + j})
			i++
		default:
			ops = append(ops, op{'+', pre + i, pre + j})
			j++
		}
	}
	for k := range suf {
		ops = append(ops, op{' ', len(x) - suf + k, len(y) - suf + k})
	}
	return ops
}

// hunks groups the edit script into runs of changes with their context.
func hunks(ops []op) [][]op {
	var out [][]op
	for k := 0; k < len(ops); {
		if ops[k].kind == ' ' {
			k++
			continue
		}
		start := max(0, k-context)
		end := k
		for end < len(ops) {
			if ops[end].kind != ' ' {
				end++
				continue
			}
			// A run of kept lines longer than twice the context ends the
			// hunk.
			run := end
			for run < len(ops) && ops[run].kind == ' ' {
				run++
			}
			if run == len(ops) || run-end > 2*context {
				end = min(end+context, len(ops))
				break
			}
			end = run
		}
		out = append(out, ops[start:end])
		k = end
	}
	return out
}

func writeHunk(out *strings.Builder, h []op, x, y []string) {
	var ai, an, bi, bn int
	ai, bi = -1, -1
	for _, o := range h {
		if o.kind != '+' {
			if ai < 0 {
				ai = o.i
			}
			an++
		}
		if o.kind != '-' {
			if bi < 0 {
				bi = o.j
			}
			bn++
		}
	}
	if ai < 0 {
		ai = h[0].i - 1 // diff's convention for an empty range
	}
	if bi < 0 {
		bi = h[0].j - 1
	}
	fmt.Fprintf(out, "@@ -%s +%s @@\n", rangeOf(ai, an), rangeOf(bi, bn))
	for _, o := range h {
		switch o.kind {
		case ' ':
			out.WriteString(" " + x[o.i])
		case '-':
			out.WriteString("-" + x[o.i])
		case '+':
			out.WriteString("+" + y[o.j])
		}
	}
}

// rangeOf writes a hunk range: start line (from 1) and count.
func rangeOf(start, n int) string {
	if n == 1 {
		return fmt.Sprint(start + 1)
	}
	return fmt.Sprintf("%d,%d", start+1, n)
}
