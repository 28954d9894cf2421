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
