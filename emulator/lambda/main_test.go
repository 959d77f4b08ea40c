package lambda

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the run when goroutines outlive the tests: every test
// closes its clients, and a closed client leaves no call, queue waiter or
// idle connection behind.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
