//go:build !windows

package localfn

import "syscall"

// readFD reads once from a file descriptor.
func readFD(fd uintptr, p []byte) (int, error) { return syscall.Read(int(fd), p) }
