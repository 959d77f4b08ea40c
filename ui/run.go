// Package ui is wsworkbench's window: the API editor, client tabs, the
// connections panel and the trace panel around an embedded gateway. It is
// the only package that imports Fyne; the gateway (emulator) and the
// clients (client) are used through their Go APIs.
package ui

import (
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
)

// AppID is the application's ID (FyneApp.toml's Details.ID): it names the
// preferences and the storage where autosaves go.
const AppID = "dev.wsworkbench.app"

// Run opens the window: on FILE when args name one, else on the last
// workspace, else on the built-in sample. It returns the process's exit
// code once the window is closed.
func Run(args []string) int {
	return run(args, os.Stderr)
}

func run(args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("wsworkbench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "", "where the embedded gateway listens (default 127.0.0.1:8080, or any free port when that is taken)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: wsworkbench [--addr HOST:PORT] [FILE]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 1 {
		fs.Usage()
		return 2
	}
	// SIGTERM and SIGINT quit as File > Quit does, so the gateway closes
	// its connections (1001, $disconnect) and local functions stop.
	// Fyne's driver catches them too, but only once its loop runs.
	term := make(chan os.Signal, 1)
	signal.Notify(term, syscall.SIGINT, syscall.SIGTERM)
	defer signal.Stop(term)
	a := app.NewWithID(AppID)
	go func() {
		if _, ok := <-term; ok {
			// The driver's Quit is File > Quit's action; unlike
			// App.Quit it is safe when Fyne's own handler quit first.
			fyne.Do(a.Driver().Quit)
		}
	}()
	opts := options{
		file:     fs.Arg(0),
		addr:     *addr,
		stateDir: a.Storage().RootURI().Path(),
	}
	if opts.addr == "" {
		opts.addr = a.Preferences().StringWithFallback(prefGatewayAddr, "127.0.0.1:8080")
	}
	if opts.stateDir == "" {
		if dir, err := os.UserConfigDir(); err == nil {
			opts.stateDir = filepath.Join(dir, "wsworkbench")
		}
	}
	win := a.NewWindow("wsworkbench")
	screen, known := screenArea(a)
	win.Resize(windowSize(savedWindowSize(a.Preferences()), screen, known))
	wb, err := newWorkbench(a, win, opts)
	if err != nil {
		fmt.Fprintln(stderr, "wsworkbench:", err)
		return 1
	}
	fmt.Fprintf(stderr, "wsworkbench: gateway at %s (@connections at %s)\n", wb.gw.URL(), wb.gw.ConnectionsURL())
	win.SetMaster()
	win.SetCloseIntercept(func() {
		wb.shutdown()
		win.Close()
	})
	wb.startStats(os.Getenv(statsEnv))
	wb.start()
	win.ShowAndRun()
	wb.shutdown() // after File > Quit, which closes the window without the intercept
	return 0
}
