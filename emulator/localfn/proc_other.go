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

// peakMemoryMB is unknown here.
func peakMemoryMB(p *os.Process) int { return 0 }
