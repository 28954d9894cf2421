package generator

import (
	"fmt"
	"go/types"
	"strings"

	"github.com/pipegen/pipegen/templates"
)

// Mermaid renders the pipelines of a generated package as Markdown: a
// heading and a Mermaid flowchart per pipeline, showing its inputs, its
// stages with their kind and settings (fused stages grouped in a box), its
// ordered terms and output, and the element type on every queue. Paste it
// into a README, or any Markdown viewer that draws Mermaid.
func Mermaid(pkg *templates.Package) string {
	var b strings.Builder
	for i, p := range pkg.Pipelines {
		if i > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "### %s\n\n`%s` (%s)\n\n```mermaid\nflowchart LR\n", p.Name, p.Expr, p.Where)
		writeFlowchart(&b, pkg, p)
		b.WriteString("```\n")
	}
	return b.String()
}

func writeFlowchart(b *strings.Builder, pkg *templates.Package, p *templates.Pipeline) {
	typeName := func(t types.Type) string {
		return types.TypeString(t, func(other *types.Package) string {
			if other.Path() == pkg.Path {
				return ""
			}
			return other.Name()
		})
	}
	// ids maps a consumer name ("" for the output) to the node its input
	// queue leads to.
	ids := map[string]string{"": "out"}
	for i, in := range p.Inputs {
		fmt.Fprintf(b, "    in%d([%s])\n", i, quote("input "+in.Name+": "+typeName(in.Type)))
	}
	for i, s := range p.Stages {
		id := fmt.Sprintf("s%d", i)
		ids[s.Name] = id
		if s.Kind == templates.Ordered {
			fmt.Fprintf(b, "    %s{{%s}}\n", id, quote(s.Name))
			continue
		}
		if len(s.Fused) == 0 {
			fmt.Fprintf(b, "    %s[%s]\n", id, quote(stageLabel(s, s)))
			continue
		}
		workers := fmt.Sprintf("%d workers", s.Workers)
		if s.Workers == 1 {
			workers = "1 worker"
		}
		fmt.Fprintf(b, "    subgraph %s_fused [%s]\n", id, quote("fused: one loop, "+workers))
		for k, step := range append([]*templates.Stage{s}, s.Fused...) {
			fmt.Fprintf(b, "        %s_%d[%s]\n", id, k, quote(stageLabel(s, step)))
			if k > 0 {
				fmt.Fprintf(b, "        %s_%d --> %s_%d\n", id, k-1, id, k)
			}
		}
		b.WriteString("    end\n")
	}
	if p.Out != nil {
		fmt.Fprintf(b, "    out([%s])\n", quote("output: "+typeName(p.Out.Item.Type)))
	}
	// The edge into a fused group goes to its first stage; out of it,
	// from its last.
	into := func(name string) string {
		id := ids[name]
		for _, s := range p.Stages {
			if s.Name == name && len(s.Fused) > 0 {
				return id + "_0"
			}
		}
		return id
	}
	edges := func(from string, targets []*templates.Target) {
		for _, t := range targets {
			label := typeName(t.Edge.Item.Type)
			if len(t.Branches) > 0 {
				// Outermost concat first: branch 1.2 is the second branch
				// of the concat in the first branch.
				var path []string
				for k := len(t.Branches) - 1; k >= 0; k-- {
					path = append(path, fmt.Sprint(t.Branches[k]+1))
				}
				label += ", concat branch " + strings.Join(path, ".")
			}
			fmt.Fprintf(b, "    %s -- %s --> %s\n", from, quote(label), into(t.Edge.Consumer))
		}
	}
	for i, in := range p.Inputs {
		edges(fmt.Sprintf("in%d", i), in.Targets)
	}
	for i, s := range p.Stages {
		from := fmt.Sprintf("s%d", i)
		if len(s.Fused) > 0 {
			from = fmt.Sprintf("s%d_%d", i, len(s.Fused))
		}
		edges(from, s.Targets)
	}
}

// stageLabel describes step, a stage of the worker head.
func stageLabel(head, step *templates.Stage) string {
	parts := []string{string(step.Kind)}
	if step == head {
		parts = append(parts, fmt.Sprintf("workers=%d", step.Workers))
		if step.MaxSize >= 0 {
			parts = append(parts, fmt.Sprintf("maxsize=%d", step.MaxSize))
		}
	}
	if step.Timeout > 0 {
		t := fmt.Sprintf("timeout=%v", step.Timeout)
		if step.TimeoutFail {
			t += " fail"
		}
		parts = append(parts, t)
	}
	if step.Start != nil {
		parts = append(parts, "start="+step.Start.Name)
	}
	if step.Done != nil {
		parts = append(parts, "done="+step.Done.Name)
	}
	return step.Name + "<br/>" + strings.Join(parts, " · ")
}

// quote makes s a Mermaid string.
func quote(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, "#quot;") + `"`
}
