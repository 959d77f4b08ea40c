// Command wsworkbench is a local workbench for Amazon API Gateway WebSocket
// APIs: a mock gateway, client tabs and live route editing in one window, or
// the same gateway headless (wsworkbench serve FILE).
package main

import (
	"os"

	// Before Fyne initialises: a C.UTF-8 locale must not make every run
	// print Fyne's locale error (earlyenv's doc says why it is a module).
	_ "earlyenv.wsworkbench.local"

	"wsworkbench/emulator/cli"
	"wsworkbench/ui"
)

func main() {
	args := os.Args[1:]
	if cli.IsCommand(args) {
		os.Exit(cli.Run(args, cli.Stdio{In: os.Stdin, Out: os.Stdout, Err: os.Stderr}))
	}
	os.Exit(ui.Run(args))
}
