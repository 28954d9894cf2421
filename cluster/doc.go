// Package cluster runs pipegen pipelines across processes and machines,
// with NATS JetStream as every queue between them.
package cluster

import (
	_ "github.com/nats-io/nats-server/v2/server"
	_ "github.com/nats-io/nats.go/jetstream"
)
