package pipegen

import (
	"errors"
	"fmt"
	"io/fs"
	"testing"
)

// codeError is an error type that callers might look for with errors.As.
type codeError struct{ code int }

func (e *codeError) Error() string { return fmt.Sprintf("code %d", e.code) }

func TestStageErrorError(t *testing.T) {
	errBad := errors.New("bad input")
	tests := []struct {
		name string
		err  *StageError
		want string
	}{
		{
			name: "input",
			err:  &StageError{Pipeline: "Thumbnails", Stage: "in", Worker: -1, Index: SourceIndex(3), Err: errBad},
			want: "pipeline Thumbnails: input in, element 3: bad input",
		},
		{
			name: "stage",
			err:  &StageError{Pipeline: "Thumbnails", Stage: "Decode", Worker: 2, Index: chain(17, 2, 0), Err: errBad},
			want: "pipeline Thumbnails: stage Decode, worker 2, element 17.2.0: bad input",
		},
		{
			name: "worker 0 is a stage, not an input",
			err:  &StageError{Pipeline: "P", Stage: "S", Worker: 0, Index: SourceIndex(0), Err: errBad},
			want: "pipeline P: stage S, worker 0, element 0: bad input",
		},
		{
			name: "panic with a string",
			err:  &StageError{Pipeline: "P", Stage: "S", Worker: 1, Index: SourceIndex(5), Err: errors.New("panic: boom"), Panic: "boom"},
			want: "pipeline P: stage S, worker 1, element 5: panic: boom",
		},
		{
			name: "panic with an int",
			err:  &StageError{Pipeline: "P", Stage: "S", Worker: 1, Index: SourceIndex(5), Err: errors.New("panic: 42"), Panic: 42},
			want: "pipeline P: stage S, worker 1, element 5: panic: 42",
		},
		{
			name: "panic with an error",
			err:  &StageError{Pipeline: "P", Stage: "S", Worker: 1, Index: SourceIndex(5), Err: errBad, Panic: errBad},
			want: "pipeline P: stage S, worker 1, element 5: panic: bad input",
		},
		{
			name: "failing start hook",
			err:  &StageError{Pipeline: "P", Stage: "Lookup", Worker: 1, Hook: "dialConn", Err: errBad},
			want: "pipeline P: stage Lookup, worker 1, hook dialConn: bad input",
		},
		{
			name: "statistics report",
			err:  &StageError{Pipeline: "P", Stage: StatsStage, Worker: -1, Err: errBad},
			want: "pipeline P: statistics report: bad input",
		},
		{
			name: "panic in an input",
			err:  &StageError{Pipeline: "P", Stage: "in", Worker: -1, Index: SourceIndex(9), Err: errors.New("panic: boom"), Panic: "boom"},
			want: "pipeline P: input in, element 9: panic: boom",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("Error() =\n\t%q\nwant\n\t%q", got, tt.want)
			}
		})
	}
}

func TestStageErrorUnwrap(t *testing.T) {
	cause := &codeError{7}
	se := &StageError{Pipeline: "P", Stage: "S", Worker: 0, Index: SourceIndex(1), Err: cause}
	if got := se.Unwrap(); got != cause {
		t.Errorf("Unwrap() = %v, want the original error", got)
	}
	if got := (&StageError{}).Unwrap(); got != nil {
		t.Errorf("Unwrap() of a StageError without Err = %v, want nil", got)
	}

	// As a pipeline's caller sees it: wrapped again by the caller's code.
	var err error = fmt.Errorf("making thumbnails: %w", se)

	if !errors.Is(err, se) {
		t.Error("errors.Is does not find the StageError through fmt.Errorf")
	}
	var got *StageError
	if !errors.As(err, &got) || got != se {
		t.Fatalf("errors.As(*StageError) = %v, %v", got, got == se)
	}
	if got.Stage != "S" || got.Index != SourceIndex(1) {
		t.Errorf("errors.As found %+v", got)
	}
	var ce *codeError
	if !errors.As(err, &ce) || ce.code != 7 {
		t.Errorf("errors.As does not find the original error through the StageError: %v", ce)
	}

	// errors.Is sees a sentinel through both layers.
	err = fmt.Errorf("outer: %w", &StageError{Pipeline: "P", Stage: "Open", Err: fmt.Errorf("open x: %w", fs.ErrNotExist)})
	if !errors.Is(err, fs.ErrNotExist) {
		t.Error("errors.Is does not find fs.ErrNotExist through the StageError")
	}
	if errors.Is(err, fs.ErrPermission) {
		t.Error("errors.Is finds an error that is not there")
	}
}
