package generator

import (
	"cmp"
	"fmt"
	"go/token"
	"path/filepath"
	"slices"
	"strings"
)

// Error is one problem in the user's code, at the position it concerns.
type Error struct {
	Pos token.Position
	Msg string
}

// Error formats the problem as file:line:col: message.
func (e *Error) Error() string {
	return e.Format("")
}

// Format is like Error with the file name relative to dir when it is below
// dir (as the go command prints positions).
func (e *Error) Format(dir string) string {
	pos := e.Pos
	if dir != "" && pos.Filename != "" {
		if rel, err := filepath.Rel(dir, pos.Filename); err == nil && !strings.HasPrefix(rel, "..") {
			pos.Filename = rel
		}
	}
	if !pos.IsValid() && pos.Filename == "" {
		return e.Msg
	}
	return fmt.Sprintf("%s: %s", pos, e.Msg)
}

// Errors is every problem found in one run, in file and position order.
type Errors []*Error

// Error lists the problems, one a line.
func (errs Errors) Error() string {
	return errs.Format("")
}

// Format lists the problems one a line, with file names relative to dir.
func (errs Errors) Format(dir string) string {
	lines := make([]string, len(errs))
	for i, e := range errs {
		lines[i] = e.Format(dir)
	}
	return strings.Join(lines, "\n")
}

// sortErrors orders errs by file, line and column, and drops exact
// duplicates (the same problem seen through two pipelines, say).
func sortErrors(errs Errors) Errors {
	slices.SortStableFunc(errs, func(a, b *Error) int {
		return cmp.Or(
			cmp.Compare(a.Pos.Filename, b.Pos.Filename),
			cmp.Compare(a.Pos.Line, b.Pos.Line),
			cmp.Compare(a.Pos.Column, b.Pos.Column),
		)
	})
	return slices.CompactFunc(errs, func(a, b *Error) bool {
		return a.Pos == b.Pos && a.Msg == b.Msg
	})
}

// reporter collects the errors of one package.
type reporter struct {
	fset *token.FileSet
	errs Errors
}

func (r *reporter) errorf(pos token.Pos, format string, args ...any) {
	r.errs = append(r.errs, &Error{Pos: r.fset.Position(pos), Msg: fmt.Sprintf(format, args...)})
}

// where formats pos as file:line:col with the base name of the file, for
// messages that point elsewhere in the package.
func (r *reporter) where(pos token.Pos) string {
	p := r.fset.Position(pos)
	return fmt.Sprintf("%s:%d:%d", filepath.Base(p.Filename), p.Line, p.Column)
}
