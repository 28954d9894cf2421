package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// age gives the file at path a modification time an hour ago, so that a
// later write shows.
func age(t *testing.T, path string) time.Time {
	t.Helper()
	past := time.Now().Add(-time.Hour).Truncate(time.Second)
	if err := os.Chtimes(path, past, past); err != nil {
		t.Fatal(err)
	}
	return past
}

// unchanged checks that the file at path holds want and was not written
// since age.
func unchanged(t *testing.T, path, want string, mtime time.Time) {
	t.Helper()
	if got := read(t, path); got != want {
		t.Errorf("%s changed", path)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if !fi.ModTime().Equal(mtime) {
		t.Errorf("%s was written: modified %v, was %v", path, fi.ModTime(), mtime)
	}
}

// noTempFiles checks that no temporary file of pipegen is left in dir.
func noTempFiles(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".pipegen-") || strings.HasSuffix(e.Name(), ".tmp") {
			t.Errorf("left behind in %s: %s", dir, e.Name())
		}
	}
}

// positioned matches an error line of pipegen: file:line:col: message.
var positioned = regexp.MustCompile(`^p/[a-z_]+\.go:[0-9]+:[0-9]+: \S`)

// TestFailedRunsLeaveOutputUntouched breaks a package with good generated
// code in many ways. Each time gen, check and diff exit 1 with positioned
// errors only, and the generated file keeps its bytes and its
// modification time: it is neither rewritten nor removed.
func TestFailedRunsLeaveOutputUntouched(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files map[string]string // replaced or added files of package p; "" removes
		want  string            // an expected error line
	}{
		{
			name:  "bad directive",
			files: map[string]string{"p/stages.go": strings.Replace(stages, "workers=2", "workers=0", 1)},
			want:  `p/stages.go:5:23: bad value "0" for workers`,
		},
		{
			name:  "type error elsewhere",
			files: map[string]string{"p/more.go": "package p\n\nvar n int = \"one\"\n"},
			want:  "p/more.go:3:13: package does not type-check: cannot use \"one\"",
		},
		{
			name:  "syntax error elsewhere",
			files: map[string]string{"p/more.go": "package p\n\nfunc broken( {\n"},
			want:  "p/more.go:3:14: syntax error: expected ')', found '{'",
		},
		{
			name:  "import of a missing package",
			files: map[string]string{"p/more.go": "package p\n\nimport \"example.com/nope\"\n\nvar _ = nope.X\n"},
			want:  "p/more.go:3:8: cannot import example.com/nope: no required module provides package example.com/nope",
		},
		{
			// The parser cannot read the file that has the directives:
			// that they cannot be seen does not mean they are gone.
			name:  "unreadable file with the directives",
			files: map[string]string{"p/stages.go": strings.Replace(stages, "package p", "pakage p", 1)},
			want:  "p/stages.go:1:1: syntax error: expected 'package', found pakage",
		},
		{
			name:  "directives removed while another file does not parse",
			files: map[string]string{"p/stages.go": "package p\n", "p/more.go": "package p\n\nfunc broken( {\n"},
			want:  "p/more.go:3:14: syntax error: expected ')', found '{'",
		},
		{
			name:  "file of another package",
			files: map[string]string{"p/z.go": "package q\n"},
			want:  "p/z.go:1:1: package does not type-check: package q; expected package p",
		},
		{
			name:  "unknown stage",
			files: map[string]string{"p/stages.go": strings.Replace(stages, "Double | Small", "Double | Tiny", 1)},
			want:  "p/stages.go:11:36: unknown name Tiny: not a stage, input or pipeline",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := module(t, map[string]string{"p/stages.go": stages, "p/uses.go": uses})
			gen := filepath.Join(dir, "p", "pipegen_gen.go")
			if code, _, stderr := pipegen(t, "./p"); code != 0 {
				t.Fatalf("gen: exit %d, %q", code, stderr)
			}
			good := read(t, gen)
			mtime := age(t, gen)
			for name, content := range tc.files {
				write(t, filepath.Join(dir, name), content)
			}
			for _, cmd := range [][]string{{"./p"}, {"gen", "-v", "./p"}, {"check", "./p"}, {"diff", "./p"}} {
				code, stdout, stderr := pipegen(t, cmd...)
				if code != 1 || stdout != "" {
					t.Errorf("pipegen %s: exit %d, want 1; stdout %q", strings.Join(cmd, " "), code, stdout)
				}
				if !strings.Contains(stderr, tc.want) {
					t.Errorf("pipegen %s: stderr lacks %q:\n%s", strings.Join(cmd, " "), tc.want, stderr)
				}
				for line := range strings.Lines(strings.TrimSpace(stderr)) {
					if !positioned.MatchString(line) {
						t.Errorf("pipegen %s: error line not positioned as file:line:col: message: %q", strings.Join(cmd, " "), line)
					}
				}
				unchanged(t, gen, good, mtime)
			}
			noTempFiles(t, filepath.Join(dir, "p"))
		})
	}
}

// TestRegenerationReplacesFile checks that gen writes a new file and
// renames it over the old one: readers (an editor, a concurrent go build)
// never see a half-written file, and nothing is left behind.
func TestRegenerationReplacesFile(t *testing.T) {
	dir := module(t, map[string]string{"p/stages.go": stages, "p/uses.go": uses})
	gen := filepath.Join(dir, "p", "pipegen_gen.go")
	if code, _, stderr := pipegen(t, "./p"); code != 0 {
		t.Fatalf("gen: exit %d, %q", code, stderr)
	}
	before, err := os.Stat(gen)
	if err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dir, "p", "stages.go"), strings.Replace(stages, "workers=2", "workers=3", 1))
	if code, _, stderr := pipegen(t, "./p"); code != 0 {
		t.Fatalf("gen: exit %d, %q", code, stderr)
	}
	after, err := os.Stat(gen)
	if err != nil {
		t.Fatal(err)
	}
	if os.SameFile(before, after) {
		t.Error("the generated file was rewritten in place, not replaced")
	}
	if !strings.Contains(read(t, gen), "Workers: 3") {
		t.Error("the generated file does not have the new setting")
	}
	if after.Mode().Perm() != 0o644 {
		t.Errorf("generated file mode %v, want 0644", after.Mode().Perm())
	}
	noTempFiles(t, filepath.Join(dir, "p"))

	// Up to date: not even rewritten.
	good := read(t, gen)
	mtime := age(t, gen)
	if code, _, stderr := pipegen(t, "./p"); code != 0 {
		t.Fatalf("gen: exit %d, %q", code, stderr)
	}
	unchanged(t, gen, good, mtime)
}

// TestForeignFileSurvivesRemoval checks the removal path: a package whose
// directives are gone loses its generated file, but a file of that name
// that pipegen did not write stays, whatever the command.
func TestForeignFileSurvivesRemoval(t *testing.T) {
	const mine = "package p\n\n// My own file, which happens to have pipegen's file name.\n"
	dir := module(t, map[string]string{"p/plain.go": "package p\n\nfunc F() {}\n", "p/pipegen_gen.go": mine})
	gen := filepath.Join(dir, "p", "pipegen_gen.go")
	mtime := age(t, gen)
	for _, cmd := range [][]string{{"./p"}, {"-v", "./p"}, {"check", "./p"}, {"diff", "./p"}} {
		if code, stdout, stderr := pipegen(t, cmd...); code != 0 || stdout != "" {
			t.Errorf("pipegen %s: exit %d, %q, %q", strings.Join(cmd, " "), code, stdout, stderr)
		}
		unchanged(t, gen, mine, mtime)
	}
	// A file with a header that merely resembles pipegen's is foreign too.
	const lookalike = "// Code generated by pipegen.\n\npackage p\n"
	write(t, gen, lookalike)
	mtime = age(t, gen)
	if code, _, stderr := pipegen(t, "./p"); code != 0 {
		t.Errorf("gen: exit %d, %q", code, stderr)
	}
	unchanged(t, gen, lookalike, mtime)
}
