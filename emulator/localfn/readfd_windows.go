package localfn

import "syscall"

// readFD reads once from a handle.
func readFD(fd uintptr, p []byte) (int, error) { return syscall.Read(syscall.Handle(fd), p) }
