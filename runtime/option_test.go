package pipegen

import (
	"context"
	"slices"
	"strings"
	"testing"
)

func testStages() []StageConfig {
	return []StageConfig{
		{Name: "Decode", Workers: 4, MaxSize: DefaultMaxSize},
		{Name: "Scale", Workers: 1, MaxSize: DefaultMaxSize},
		{Name: "Save", Workers: 2, MaxSize: 8},
	}
}

func TestNewRunDefaults(t *testing.T) {
	r, err := NewRun(t.Context(), "P", testStages(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Stop()
	for _, s := range testStages() {
		if got := r.Workers(s.Name); got != s.Workers {
			t.Errorf("Workers(%q) = %d, want %d", s.Name, got, s.Workers)
		}
		if got := r.MaxSize(s.Name); got != s.MaxSize {
			t.Errorf("MaxSize(%q) = %d, want %d", s.Name, got, s.MaxSize)
		}
	}
}

func TestNewRunOptions(t *testing.T) {
	opts := []Option{
		Workers("Decode", 8),
		MaxSize("Scale", 0), // 0 is allowed: synchronous hand-over
		Workers("Save", 1),  // 1 is allowed
		MaxSize("Save", 1000),
	}
	r, err := NewRun(t.Context(), "P", testStages(), opts)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Stop()
	want := []StageConfig{
		{Name: "Decode", Workers: 8, MaxSize: DefaultMaxSize},
		{Name: "Scale", Workers: 1, MaxSize: 0},
		{Name: "Save", Workers: 1, MaxSize: 1000},
	}
	for _, s := range want {
		if got := r.Workers(s.Name); got != s.Workers {
			t.Errorf("Workers(%q) = %d, want %d", s.Name, got, s.Workers)
		}
		if got := r.MaxSize(s.Name); got != s.MaxSize {
			t.Errorf("MaxSize(%q) = %d, want %d", s.Name, got, s.MaxSize)
		}
	}
}

func TestNewRunNilOptionsIgnored(t *testing.T) {
	r, err := NewRun(t.Context(), "P", testStages(), []Option{nil, Workers("Scale", 3), nil})
	if err != nil {
		t.Fatalf("NewRun with nil options: %v", err)
	}
	defer r.Stop()
	if got := r.Workers("Scale"); got != 3 {
		t.Errorf("Workers(Scale) = %d, want 3", got)
	}
}

func TestNewRunBadOptions(t *testing.T) {
	opts := []Option{
		Workers("Decode", 2), // fine
		Workers("Resize", 2), // no such stage
		Workers("Scale", 0),  // too few
		MaxSize("Save", -1),  // negative
		MaxSize("Decode", 5), // fine
		MaxSize("decode", 5), // names are case-sensitive
		Workers("Save", -3),  // negative
	}
	r, err := NewRun(t.Context(), "Thumbnails", testStages(), opts)
	if err == nil {
		r.Stop()
		t.Fatal("NewRun with bad options succeeded")
	}
	if r != nil {
		t.Errorf("NewRun returned a Run with its error")
	}
	msg := err.Error()
	for _, want := range []string{
		"Thumbnails",
		`Workers("Resize", 2)`,
		`no stage named "Resize"`,
		"Decode, Scale, Save", // the stages there are
		`Workers("Scale", 0)`,
		`MaxSize("Save", -1)`,
		`MaxSize("decode", 5)`,
		`Workers("Save", -3)`,
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("error does not mention %s:\n%s", want, msg)
		}
	}
	for _, fine := range []string{`Workers("Decode", 2)`, `MaxSize("Decode", 5)`} {
		if strings.Contains(msg, fine) {
			t.Errorf("error mentions the good option %s:\n%s", fine, msg)
		}
	}
	// Each bad option is reported once, in the order given.
	last := -1
	for _, o := range []string{`Workers("Resize", 2)`, `Workers("Scale", 0)`, `MaxSize("Save", -1)`, `MaxSize("decode", 5)`, `Workers("Save", -3)`} {
		if n := strings.Count(msg, o); n != 1 {
			t.Errorf("%s appears %d times in:\n%s", o, n, msg)
		}
		i := strings.Index(msg, o)
		if i < last {
			t.Errorf("%s is out of order in:\n%s", o, msg)
		}
		last = i
	}
}

func TestNewRunOneBadOption(t *testing.T) {
	for _, opt := range []Option{Workers("Nope", 1), Workers("Scale", 0), MaxSize("Scale", -1), MaxSize("", 1)} {
		r, err := NewRun(t.Context(), "P", testStages(), []Option{opt})
		if err == nil {
			r.Stop()
			t.Errorf("NewRun accepted a bad option")
		}
	}
}

func TestNewRunDoesNotModifyStages(t *testing.T) {
	stages := testStages()
	orig := slices.Clone(stages)
	r, err := NewRun(t.Context(), "P", stages, []Option{Workers("Decode", 16), MaxSize("Save", 0)})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Stop()
	if !slices.Equal(stages, orig) {
		t.Errorf("NewRun changed the caller's stages:\n got %+v\nwant %+v", stages, orig)
	}
	// Nor does the Run share them: a later change by the caller (the
	// generated code's package-level slice) does not reach it.
	stages[0].Workers = 99
	stages[2].MaxSize = 99
	if r.Workers("Decode") != 16 || r.MaxSize("Save") != 0 {
		t.Errorf("Run sees the caller's later change: Workers(Decode) = %d, MaxSize(Save) = %d", r.Workers("Decode"), r.MaxSize("Save"))
	}

	// Bad options leave them alone too.
	if _, err := NewRun(t.Context(), "P", stages, []Option{Workers("Decode", 3), Workers("Nope", 1)}); err == nil {
		t.Fatal("bad option accepted")
	}
	if stages[0].Workers != 99 {
		t.Errorf("a failed NewRun changed the caller's stages: %+v", stages[0])
	}
}

func TestNewRunNoStages(t *testing.T) {
	r, err := NewRun(context.Background(), "Empty", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Wait(); err != nil {
		t.Errorf("Wait() = %v", err)
	}
	if _, err := NewRun(context.Background(), "Empty", nil, []Option{Workers("X", 1)}); err == nil {
		t.Error("option naming a stage of a pipeline without stages accepted")
	}
}
