package difftest

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pipegen/pipegen/generator/difftest/harness"
)

// TestRejectedPipelines checks the check of the pipelines that pipegen
// must reject (Spec.Rejected): a deep pipeline rejected with the expected
// error passes, whether the error is at the output or at a stage; a
// pipeline that pipegen accepts, or rejects with another message, fails.
func TestRejectedPipelines(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command")
	}
	two := &harness.Func{ID: 0, Kind: harness.KFlatMap, In: harness.TInt, Out: harness.TInt, Flat: harness.FlatSliceForm, MaxSize: -1, A: 2, B: 1, M: 100}
	id := &harness.Func{ID: 1, Kind: harness.KMap, In: harness.TInt, Out: harness.TInt, MaxSize: -1, A: 1, M: 100}
	funcs := []*harness.Func{two, id}
	stage := func(f *harness.Func) *harness.Term {
		return &harness.Term{Op: harness.OpStage, Name: f.Name(), Func: f.ID}
	}
	chain := func(n int, rest ...*harness.Term) harness.Expr {
		var e harness.Expr
		for range n {
			e = append(e, stage(two))
		}
		return append(e, rest...)
	}
	concat := &harness.Term{Op: harness.OpConcat, Branches: []harness.Expr{{stage(id)}, {stage(id)}}}
	pipeline := func(name string, e harness.Expr, split bool) *harness.Pipeline {
		return &harness.Pipeline{Name: name, Inputs: []string{"in"}, InTypes: []harness.Type{harness.TInt}, Out: harness.TInt, Expr: e, Split: split}
	}
	helper := pipeline("h0", chain(7), false)
	cases := []struct {
		p *harness.Pipeline
		// err is what the check expects; want what it must find.
		err  *harness.DepthError
		want string
	}{
		{pipeline("AtOutput", chain(7, concat), false), &harness.DepthError{Where: "the output of AtOutput"}, ""},
		{pipeline("AtStage", chain(8), true), &harness.DepthError{Where: "s0#8"}, ""},
		{pipeline("Inlined", harness.Expr{{Op: harness.OpPipe, Name: "h0"}, concat}, false), &harness.DepthError{Where: "the output of Inlined"}, ""},
		{pipeline("Accepted", chain(2), false), &harness.DepthError{Where: "the output of Accepted"}, "pipegen accepted the pipeline; want the error: elements reaching the output of Accepted have passed more than 7"},
		{pipeline("Elsewhere", chain(7, concat), false), &harness.DepthError{Where: "ordered"}, "pipegen rejected the pipeline with: "},
	}
	spec := &harness.Spec{Seed: 1, Funcs: funcs, Pipelines: []*harness.Pipeline{pipeline("P0", chain(1), false)}, Runs: 1}
	for _, c := range cases {
		spec.Rejected = append(spec.Rejected, &harness.Rejected{Pipeline: c.p, Err: c.err, Funcs: funcs, Pipelines: []*harness.Pipeline{helper}})
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{Root: root, Dir: t.TempDir()}
	if err := writeModule(cfg, []*harness.Spec{spec}); err != nil {
		t.Fatal(err)
	}
	results := []*Result{{Seed: spec.Seed}}
	if err := checkRejected(context.Background(), cfg, []*harness.Spec{spec}, results); err != nil {
		t.Fatal(err)
	}
	if results[0].Rejected != len(cases) {
		t.Errorf("Rejected = %d, want %d", results[0].Rejected, len(cases))
	}
	found := map[string]string{}
	for _, f := range results[0].Failures {
		if f.Kind != RejectionKind {
			t.Errorf("failure of kind %s, want %s", f.Kind, RejectionKind)
		}
		found[f.Pipeline] = f.Detail
	}
	for _, c := range cases {
		got, failed := found[c.p.Name]
		switch {
		case c.want == "" && failed:
			t.Errorf("%s: %s", c.p.Name, got)
		case c.want != "" && !strings.Contains(got, c.want):
			t.Errorf("%s: failure %q, want one containing %q", c.p.Name, got, c.want)
		}
	}
	if t.Failed() {
		t.Logf("%s", results[0].Describe())
	}
}
