package generator_test

import (
	"strings"
	"testing"
)

// TestInlinedOnlyPipelinesGenerateNothing checks, on the golden case
// inline_unused, which pipelines get functions: none for the lower-case
// pipelines that are only inlined in others and that the package's code
// never names (inner, and middle, which is itself inlined only); all for
// the others, whether named by the code (a local variable of the same name
// does not count), only through their WithIndex variant, only by a test,
// only by a file of another build, exported, or inlined nowhere. pipegen
// graph still draws every pipeline.
func TestInlinedOnlyPipelinesGenerateNothing(t *testing.T) {
	outs, err := generate(t, goldenCase{name: "inline_unused"})
	if err != nil || len(outs) != 1 {
		t.Fatalf("got %d outputs, error %v", len(outs), err)
	}
	code := string(outs[0].Content)
	for _, name := range []string{"inner", "middle"} {
		for _, decl := range []string{"func " + name + "[", "func " + name + "WithIndex[", "type " + name + "Run "} {
			if strings.Contains(code, decl) {
				t.Errorf("generated code has %s…: %s is only inlined and never called", decl, name)
			}
		}
	}
	for _, name := range []string{"indexed", "tested", "elsewhere", "Twice", "alone", "Chain"} {
		if !strings.Contains(code, "func "+name+"[") || !strings.Contains(code, "func "+name+"WithIndex[") {
			t.Errorf("generated code lacks the functions of %s", name)
		}
	}
	var drawn []string
	for _, p := range outs[0].Model.Pipelines {
		drawn = append(drawn, p.Name)
	}
	if got, want := strings.Join(drawn, " "), "inner middle indexed tested elsewhere Twice alone Chain"; got != want {
		t.Errorf("the model for pipegen graph has pipelines %s, want %s", got, want)
	}
}
