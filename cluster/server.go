// Package cluster runs pipegen's distributed pipelines (those with a
// //pipegen:distribute directive) across processes and machines, with
// NATS JetStream as every queue between them.
//
// A worker process connects and serves:
//
//	t, err := cluster.Connect(url)
//	defer t.Close()
//	err = ServeThumbs(ctx, t) // generated: runs this process's workers
//
// and a driver runs the pipeline with the Remote option:
//
//	for v, err := range Thumbs(ctx, in, pipegen.Remote(t)) { ... }
//
// [Embedded] starts a JetStream server inside the process, for tests,
// demos and single machines; [Connect] reaches any NATS server or
// cluster with JetStream enabled.
package cluster

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// Server is a NATS server with JetStream running inside this process.
type Server struct {
	s *server.Server
}

// Embedded starts a NATS server with JetStream, listening on a free port
// of 127.0.0.1 and storing its streams in dir. It is ready when Embedded
// returns. ctx bounds the start only; [Server.Close] stops it.
func Embedded(ctx context.Context, dir string) (*Server, error) {
	opts := &server.Options{
		ServerName: "pipegen-embedded",
		Host:       "127.0.0.1",
		Port:       server.RANDOM_PORT,
		JetStream:  true,
		StoreDir:   dir,
		NoLog:      true,
		NoSigs:     true,
		// Batches of tens of thousands of small elements are big
		// messages.
		MaxPayload: 8 << 20,
	}
	s, err := server.NewServer(opts)
	if err != nil {
		return nil, fmt.Errorf("cluster: embedded server: %w", err)
	}
	go s.Start()
	wait := 10 * time.Second
	if d, ok := ctx.Deadline(); ok {
		wait = time.Until(d)
	}
	if !s.ReadyForConnections(wait) {
		s.Shutdown()
		s.WaitForShutdown()
		return nil, errors.New("cluster: embedded server did not start in time")
	}
	return &Server{s: s}, nil
}

// URL is the address clients connect to, nats://127.0.0.1:PORT.
func (s *Server) URL() string { return s.s.ClientURL() }

// Close stops the server and waits until it has stopped.
func (s *Server) Close() {
	s.s.Shutdown()
	s.s.WaitForShutdown()
}
