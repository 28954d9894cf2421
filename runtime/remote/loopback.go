package remote

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	pipegen "github.com/pipegen/pipegen/runtime"
)

// Loopback is a pipegen.Transport within one process: Serve registers a
// pipeline's handler and Drive runs each batch through it, group after
// group, in one goroutine per run, as worker 0. It is for tests and
// examples that check generated code without a broker; it does nothing of
// what makes a real transport worth having (processes, redelivery).
type Loopback struct {
	mu      sync.Mutex
	served  map[string]*served
	changed chan struct{} // closed and replaced when served changes
}

type served struct {
	p *pipegen.RemotePipeline
	h pipegen.RemoteHandler
}

// NewLoopback returns an empty Loopback.
func NewLoopback() *Loopback {
	return &Loopback{served: map[string]*served{}, changed: make(chan struct{})}
}

// Serve serves p with h until ctx ends.
func (l *Loopback) Serve(ctx context.Context, p *pipegen.RemotePipeline, h pipegen.RemoteHandler) error {
	l.mu.Lock()
	if l.served[p.Name] != nil {
		l.mu.Unlock()
		return fmt.Errorf("pipegen: loopback: pipeline %s is served already", p.Name)
	}
	l.served[p.Name] = &served{p: p, h: h}
	close(l.changed)
	l.changed = make(chan struct{})
	l.mu.Unlock()
	<-ctx.Done()
	l.mu.Lock()
	delete(l.served, p.Name)
	l.mu.Unlock()
	return nil
}

// server waits until name is served.
func (l *Loopback) server(ctx context.Context, name string) (*served, error) {
	for {
		l.mu.Lock()
		s, changed := l.served[name], l.changed
		l.mu.Unlock()
		if s != nil {
			return s, nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// Drive starts a run of p.
func (l *Loopback) Drive(ctx context.Context, p *pipegen.RemotePipeline) (pipegen.RemoteRun, error) {
	ctx, cancel := context.WithCancel(ctx)
	r := &loopRun{in: make(chan []byte, 4), out: make(chan []byte, 4), cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(r.done)
		r.err = r.serve(ctx, l, p)
		close(r.out)
	}()
	return r, nil
}

type loopRun struct {
	in, out chan []byte
	cancel  context.CancelFunc
	done    chan struct{}
	err     error
	once    sync.Once
}

func (r *loopRun) serve(ctx context.Context, l *Loopback, p *pipegen.RemotePipeline) error {
	s, err := l.server(ctx, p.Name)
	if err != nil {
		return err
	}
	if s.p.Fingerprint != p.Fingerprint {
		return fmt.Errorf("pipegen: the worker of pipeline %s was built from another version of it (fingerprint %s, the driver's %s): rebuild both from the same code", p.Name, s.p.Fingerprint, p.Fingerprint)
	}
	for {
		var batch []byte
		var ok bool
		select {
		case batch, ok = <-r.in:
		case <-ctx.Done():
			return ctx.Err()
		}
		if !ok {
			return io.EOF
		}
		for g := range p.Groups {
			if batch, err = s.h(ctx, g, 0, batch, nil); err != nil {
				return err
			}
		}
		select {
		case r.out <- batch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

func (r *loopRun) Send(ctx context.Context, batch []byte) error {
	select {
	case r.in <- batch:
		return nil
	case <-r.done:
		return errors.New("pipegen: loopback: the run has ended")
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (r *loopRun) CloseSend(context.Context) error {
	r.once.Do(func() { close(r.in) })
	return nil
}

func (r *loopRun) Recv(ctx context.Context) ([]byte, error) {
	select {
	case b, ok := <-r.out:
		if !ok {
			return nil, r.err
		}
		return b, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (r *loopRun) Close() error {
	r.cancel()
	<-r.done
	return nil
}
