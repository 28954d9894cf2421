package generator

import "slices"

// fuse merges chains of stages into single workers where that cannot
// change what the pipeline does: a stage B whose only producer is a stage A
// that sends only to B, with the same number of workers, runs in A's
// workers, called on what A yields, with no queue and no goroutine hand-off
// between them. A hop through a channel costs a hundred times more than a
// trivial stage, so this is where most of a pipeline's time goes.
//
// Stages with worker hooks or timeouts are left alone. Stages in front of
// an ordered term fuse like any other: the shares that tell the term when
// a position is complete travel with the elements (see
// pipegenimpl.Term), through a fused chain as through queues.
func fuse(def *pipelineDef) {
	for i := 0; i < len(def.nodes); i++ {
		a := def.nodes[i]
		for {
			b := fusable(a)
			if b == nil {
				break
			}
			a.fused = append(a.fused, b)
			a.targets = b.targets
			a.out = b.out
			// What the group yields has the index levels of its last stage.
			a.depth = b.depth
			for _, t := range b.targets {
				for j, p := range t.q.producers {
					if p == b {
						t.q.producers[j] = a
					}
				}
			}
			def.nodes = slices.DeleteFunc(def.nodes, func(n *node) bool { return n == b })
		}
	}
}

// fusable returns the stage that can be fused into a, or nil.
func fusable(a *node) *node {
	if !simple(a) || len(a.targets) != 1 || len(a.targets[0].branches) > 0 {
		return nil
	}
	b := a.targets[0].q.consumer
	if b == nil || !simple(b) || len(b.in.producers) != 1 || b.workers != a.workers {
		return nil
	}
	return b
}

// simple reports whether n is a stage that fusion may touch.
func simple(n *node) bool {
	return n.kind == stageNode && n.fn.start == nil && n.timeout == 0
}
