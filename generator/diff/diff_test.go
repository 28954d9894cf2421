package diff

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestEqualIsEmpty(t *testing.T) {
	if d := Unified("a", "b", []byte("x\ny\n"), []byte("x\ny\n")); d != "" {
		t.Fatalf("diff of equal texts: %q", d)
	}
}

func TestUnified(t *testing.T) {
	a := "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n"
	b := "1\n2\nthree\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n16\n"
	got := Unified("old", "new", []byte(a), []byte(b))
	want := `--- old
+++ new
@@ -1,6 +1,6 @@
 1
 2
-3
+three
 4
 5
 6
@@ -13,3 +13,4 @@
 13
 14
 15
+16
`
	if got != want {
		t.Fatalf("got:\n%s\nwant:\n%s", got, want)
	}
}

// TestPatchApplies checks the diffs against patch(1), when it is there:
// applying the diff to a must give b.
func TestPatchApplies(t *testing.T) {
	patch, err := exec.LookPath("patch")
	if err != nil {
		t.Skip("no patch command")
	}
	cases := [][2]string{
		{"", "new\nfile\n"},
		{"old\nfile\n", ""},
		{"a\nb\nc\n", "a\nc\n"},
		{"a\nb\nc\n", "x\na\nb\nc\ny\n"},
		{strings.Repeat("same\n", 20) + "x\n" + strings.Repeat("same\n", 20), strings.Repeat("same\n", 20) + "y\n" + strings.Repeat("same\n", 20)},
		{"no newline", "no newline\nnow\n"},
	}
	for i, c := range cases {
		dir := t.TempDir()
		file := filepath.Join(dir, "f")
		if err := os.WriteFile(file, []byte(c[0]), 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(patch, "-s", file)
		cmd.Stdin = strings.NewReader(Unified("f", "f", []byte(c[0]), []byte(c[1])))
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("case %d: patch: %v\n%s", i, err, out)
			continue
		}
		if got, _ := os.ReadFile(file); string(got) != c[1] {
			t.Errorf("case %d: patched file is %q, want %q", i, got, c[1])
		}
	}
}
