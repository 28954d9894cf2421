package pipegen

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain checks that no test leaves a goroutine of a Run behind.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
