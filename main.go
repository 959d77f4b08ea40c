// Command wsworkbench is a local workbench for Amazon API Gateway WebSocket
// APIs: a mock gateway, client tabs and live route editing in one window, or
// the same gateway headless (wsworkbench serve FILE).
package main

import (
	"os"

	"wsworkbench/emulator/cli"
)

func main() {
	os.Exit(cli.Run(os.Args[1:], cli.Stdio{In: os.Stdin, Out: os.Stdout, Err: os.Stderr}))
}
