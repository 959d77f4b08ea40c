package cli

import (
	"bytes"
	"strings"
	"testing"
)

func run(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = Run(args, Stdio{In: strings.NewReader(""), Out: &out, Err: &errb})
	return code, out.String(), errb.String()
}

// TestHelpListsEveryCommand checks that the top-level help names every
// registered subcommand and the exit codes.
func TestHelpListsEveryCommand(t *testing.T) {
	for _, arg := range []string{"--help", "-h", "help"} {
		code, out, _ := run(arg)
		if code != ExitOK {
			t.Fatalf("%s: exit %d, want 0", arg, code)
		}
		for name := range commands {
			if !strings.Contains(out, "wsworkbench "+name+" ") {
				t.Errorf("%s: help does not list %q:\n%s", arg, name, out)
			}
		}
		if !strings.Contains(out, "Exit codes: 0 success, 1 the command failed, 2 bad command line.") {
			t.Errorf("%s: help does not document the exit codes:\n%s", arg, out)
		}
	}
}

// TestEveryCommandHasHelp checks that each subcommand answers --help (and
// "help NAME") on stdout with exit 0, naming its usage.
func TestEveryCommandHasHelp(t *testing.T) {
	if len(commands) < 4 {
		t.Fatalf("only %d commands registered; want render, select, serve, sample-backend", len(commands))
	}
	for name, c := range commands {
		t.Run(name, func(t *testing.T) {
			for _, args := range [][]string{{name, "--help"}, {"help", name}} {
				code, out, errOut := run(args...)
				if code != ExitOK {
					t.Fatalf("%v: exit %d, want 0 (stderr %q)", args, code, errOut)
				}
				if !strings.Contains(out, "Usage: wsworkbench "+name+" "+c.usage) {
					t.Errorf("%v: stdout lacks the usage line:\n%s", args, out)
				}
			}
		})
	}
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want int
	}{
		{"no arguments", nil, ExitUsage},
		{"unknown command", []string{"frobnicate"}, ExitUsage},
		{"unknown flag", []string{"render", "--no-such-flag"}, ExitUsage},
		{"version", []string{"version"}, ExitOK},
		{"domain name with a scheme", []string{"serve", "--domain-name", "https://gw.test", "sample"}, ExitUsage},
		{"domain name with a path", []string{"serve", "--domain-name", "gw.test/Prod", "sample"}, ExitUsage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if code, _, _ := run(tt.args...); code != tt.want {
				t.Errorf("exit %d, want %d", code, tt.want)
			}
		})
	}
}

func TestIsCommand(t *testing.T) {
	tests := []struct {
		args []string
		want bool
	}{
		{nil, false},
		{[]string{"api.yaml"}, false},
		{[]string{"serve", "x"}, true},
		{[]string{"--help"}, true},
		{[]string{"version"}, true},
	}
	for _, tt := range tests {
		if got := IsCommand(tt.args); got != tt.want {
			t.Errorf("IsCommand(%q) = %v, want %v", tt.args, got, tt.want)
		}
	}
}
