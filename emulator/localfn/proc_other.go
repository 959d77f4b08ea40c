//go:build !linux

package localfn

import (
	"os"
	"os/exec"
)

// setProcessGroup is Linux-only for now: elsewhere the process is killed
// alone.
func setProcessGroup(cmd *exec.Cmd) {}

func killProcessGroup(p *os.Process) {
	if p != nil {
		_ = p.Kill()
	}
}

// pipePending cannot look into the pipe here: take then waits its short
// bound for late output.
func pipePending(f *os.File) int { return 1 }
