package pipegen

// Worker identifies one worker of a stage. A stage's start function may
// take it (pypeln's on_start receives similar information).
type Worker struct {
	// Pipeline and Stage name the pipeline and the stage.
	Pipeline string
	Stage    string
	// Index is the worker's number in its stage, from 0.
	Index int
}

// StageStatus is what a stage's done method may learn when its worker
// ends (pypeln's on_done receives a stage_status).
type StageStatus struct {
	// Stage names the stage.
	Stage string
	// Done is set when the worker ends because the stage's input ended, not
	// because the run stopped (a failure, a cancellation, an early break).
	Done bool
	// ActiveWorkers is the number of the stage's other workers still
	// running.
	ActiveWorkers int
}

// WorkerStarted records that a worker of stage has started (its start
// function succeeded); [Run.WorkerDone] records its end.
func (r *Run) WorkerStarted(stage string) {
	r.active[stageIndex(r.stages, stage)].Add(1)
}

// WorkerDone records that a started worker of stage is ending and returns
// the status to pass to its done method.
func (r *Run) WorkerDone(stage string) StageStatus {
	left := r.active[stageIndex(r.stages, stage)].Add(-1)
	// A run stopped by a failure is marked halted before its context is
	// cancelled; one stopped by the caller's context, the other way round.
	return StageStatus{Stage: stage, Done: !r.Stopped() && r.ctx.Err() == nil, ActiveWorkers: int(left)}
}
