// Package cli runs wsworkbench's subcommands (render, select, serve, ...). It
// never imports Fyne: main.go hands everything but the window to Run, so the
// commands build and test without cgo or a display.
//
// Each subcommand lives in its own file and registers itself with register in
// an init function.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
)

// Exit codes, documented in docs/cli.md.
const (
	ExitOK    = 0 // success
	ExitError = 1 // the command ran and failed (bad template, bad file, server error)
	ExitUsage = 2 // the command line itself is wrong
)

// Stdio is what a command reads and writes.
type Stdio struct {
	In  io.Reader
	Out io.Writer
	Err io.Writer
}

// command is one subcommand.
type command struct {
	name    string
	usage   string // the arguments after the name, e.g. "[flags] FILE"
	summary string // one line for the command list
	run     func(args []string, io Stdio) int
}

var commands = map[string]command{}

func register(c command) {
	if _, dup := commands[c.name]; dup {
		panic("cli: command registered twice: " + c.name)
	}
	commands[c.name] = c
}

// IsCommand reports whether args name a subcommand or ask for help, i.e.
// whether Run (and not the window) should handle them.
func IsCommand(args []string) bool {
	if len(args) == 0 {
		return false
	}
	switch args[0] {
	case "-h", "-help", "--help", "help", "-version", "--version", "version":
		return true
	}
	_, ok := commands[args[0]]
	return ok
}

// Version is the program's version, printed by "wsworkbench version".
var Version = "0.1.0"

// Run runs the subcommand named by args[0] and returns the process exit code.
func Run(args []string, io Stdio) int {
	if len(args) == 0 {
		usage(io.Err)
		return ExitUsage
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		if len(args) > 1 {
			if c, ok := commands[args[1]]; ok {
				return c.run([]string{"--help"}, io)
			}
		}
		usage(io.Out)
		return ExitOK
	case "-version", "--version", "version":
		fmt.Fprintln(io.Out, "wsworkbench", Version)
		return ExitOK
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(io.Err, "wsworkbench: unknown command %q\n\n", args[0])
		usage(io.Err)
		return ExitUsage
	}
	return c.run(args[1:], io)
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "wsworkbench: a local workbench for Amazon API Gateway WebSocket APIs.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Usage:")
	fmt.Fprintln(w, "  wsworkbench [--addr HOST:PORT] [FILE]")
	fmt.Fprintln(w, "      open the window on FILE, the last workspace, or the built-in sample API;\n      its gateway listens on --addr (default 127.0.0.1:8080, or a free port)")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		c := commands[n]
		fmt.Fprintf(w, "  wsworkbench %s %s\n      %s\n", n, c.usage, c.summary)
	}
	fmt.Fprintln(w, "  wsworkbench help COMMAND")
	fmt.Fprintln(w, "      show a command's flags (also: wsworkbench COMMAND --help)")
	fmt.Fprintln(w, "  wsworkbench version")
	fmt.Fprintln(w, "      print the version")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Exit codes: 0 success, 1 the command failed, 2 bad command line.")
}

// newFlags returns a flag set for a subcommand whose --help prints the
// command's usage line, summary and flags to io.Out.
func newFlags(name string, io Stdio) *flag.FlagSet {
	fs := flag.NewFlagSet("wsworkbench "+name, flag.ContinueOnError)
	fs.SetOutput(io.Err)
	c := commands[name]
	fs.Usage = func() {
		out := fs.Output()
		fmt.Fprintf(out, "Usage: wsworkbench %s %s\n\n%s\n", name, c.usage, c.summary)
		var b strings.Builder
		fs.SetOutput(&b)
		fs.PrintDefaults()
		fs.SetOutput(out)
		if b.Len() > 0 {
			fmt.Fprintf(out, "\nFlags:\n%s", b.String())
		}
	}
	return fs
}

// parseFlags parses args with fs. It returns done=true with the exit code when
// the command should stop: after --help (0, usage on stdout) or a bad flag (2).
func parseFlags(fs *flag.FlagSet, args []string, io Stdio) (code int, done bool) {
	for _, a := range args {
		if a == "--" {
			break
		}
		if a == "-h" || a == "-help" || a == "--help" {
			fs.SetOutput(io.Out)
			fs.Usage()
			return ExitOK, true
		}
	}
	if err := fs.Parse(args); err != nil {
		return ExitUsage, true
	}
	return 0, false
}

// multiFlag collects a repeatable flag's values.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

// pairFlag is a repeatable NAME=VALUE flag and what takes its pairs.
type pairFlag struct {
	flag string
	vals multiFlag
	into func(k, v string)
}

// setPairs hands every NAME=VALUE of flags to its into. At the first value
// without a NAME= it says so on w for command and returns false.
func setPairs(w io.Writer, command string, flags []pairFlag) bool {
	for _, f := range flags {
		for _, s := range f.vals {
			k, v, ok := strings.Cut(s, "=")
			if !ok || k == "" {
				fmt.Fprintf(w, "wsworkbench %s: %s %q: want NAME=VALUE\n", command, f.flag, s)
				return false
			}
			f.into(k, v)
		}
	}
	return true
}

// readBody returns the message given to --body: the text itself, @FILE's
// contents, or stdin for @-.
func readBody(arg string, stdin io.Reader) ([]byte, error) {
	name, isFile := strings.CutPrefix(arg, "@")
	if !isFile {
		return []byte(arg), nil
	}
	if name == "-" {
		if stdin == nil {
			return nil, errors.New("no standard input")
		}
		return io.ReadAll(stdin)
	}
	return os.ReadFile(name)
}

// stopContext is what ends a long-running command (serve, sample-backend):
// SIGINT or SIGTERM. Tests replace it.
var stopContext = func() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}

// failure ends a command with an exit code and a message for stderr (none
// when msg is empty, e.g. after --help).
type failure struct {
	code int
	msg  string
}

func (f *failure) Error() string { return f.msg }

// failf returns a failure with the code and the formatted message.
func failf(code int, format string, args ...any) error {
	return &failure{code: code, msg: fmt.Sprintf(format, args...)}
}

// exitCode prints err's message on stderr and returns its exit code:
// a failure's own, ExitError for any other error.
func exitCode(err error, stdio Stdio) int {
	f, ok := err.(*failure)
	if !ok {
		f = &failure{code: ExitError, msg: err.Error()}
	}
	if f.msg != "" {
		fmt.Fprintln(stdio.Err, f.msg)
	}
	return f.code
}
