package remote

import (
	"errors"
	"fmt"
	"time"

	pipegen "github.com/pipegen/pipegen/runtime"
)

// Error is a remote stage's error as the driver sees it. The error value
// itself cannot cross processes: what crosses is its message (and, for a
// timeout, a *pipegen.TimeoutError, which errors.Is still sees as
// context.DeadlineExceeded). errors.Is against the worker's sentinel
// errors is false on the driver.
type Error struct {
	// Msg is the original error's message.
	Msg string
}

// Error returns the original error's message.
func (e *Error) Error() string { return e.Msg }

const errorVersion = 1

// EncodeError writes a worker's failure for the driver: a
// *pipegen.StageError keeps its pipeline, stage, worker, index, message,
// panic (as text) and stack; any other error keeps its message.
func EncodeError(err error) []byte {
	var w Writer
	w.buf = append(w.buf, errorVersion)
	var se *pipegen.StageError
	if !errors.As(err, &se) {
		w.Bool(false)
		w.String(err.Error())
		return w.buf
	}
	w.Bool(true)
	w.String(se.Pipeline)
	w.String(se.Stage)
	w.Int(int64(se.Worker))
	w.Index(se.Index)
	msg := ""
	if se.Err != nil {
		msg = se.Err.Error()
	}
	w.String(msg)
	var te *pipegen.TimeoutError
	if errors.As(se.Err, &te) {
		w.Int(int64(te.Timeout))
	} else {
		w.Int(-1)
	}
	w.Bool(se.Panic != nil)
	if se.Panic != nil {
		w.String(fmt.Sprint(se.Panic))
	}
	w.Bytes8(se.Stack)
	return w.buf
}

// DecodeError reads what [EncodeError] wrote: a *pipegen.StageError whose
// Err is an [*Error] (or a *pipegen.TimeoutError) and whose Panic, if any,
// is the panic value's text; or an [*Error] for a failure that is no
// stage's.
func DecodeError(b []byte) error {
	if len(b) < 1 || b[0] != errorVersion {
		return fmt.Errorf("pipegen: undecodable error from a worker (%d bytes)", len(b))
	}
	r := NewReader(b[1:])
	if !r.Bool() {
		msg := r.String()
		if r.Err() != nil {
			return fmt.Errorf("pipegen: undecodable error from a worker: %v", r.Err())
		}
		return &Error{Msg: msg}
	}
	se := &pipegen.StageError{Pipeline: r.String(), Stage: r.String(), Worker: int(r.Int()), Index: r.Index()}
	msg := r.String()
	if t := r.Int(); t >= 0 {
		se.Err = &pipegen.TimeoutError{Timeout: time.Duration(t)}
	} else {
		se.Err = &Error{Msg: msg}
	}
	if r.Bool() {
		se.Panic = r.String()
		if se.Err.Error() == "" {
			se.Err = &Error{Msg: "panic: " + se.Panic.(string)}
		}
	}
	se.Stack = r.Bytes8()
	if r.Err() != nil {
		return fmt.Errorf("pipegen: undecodable error from a worker: %v", r.Err())
	}
	return se
}
