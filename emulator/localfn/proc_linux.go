package localfn

import (
	"os"
	"os/exec"
	"syscall"
)

// setProcessGroup puts the process in a group of its own, so kill reaches
// whatever it starts, and has the kernel kill it if the workbench dies
// without stopping it.
func setProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}

// killProcessGroup kills the process and every process in its group.
func killProcessGroup(p *os.Process) {
	if p == nil {
		return
	}
	_ = syscall.Kill(-p.Pid, syscall.SIGKILL)
	_ = p.Kill()
}
