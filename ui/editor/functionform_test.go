package editor

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestGuessFunction: a code folder's files say its runtime and handler;
// a folder with none of them gets Node.js and index.handler (which the
// check then reports missing).
func TestGuessFunction(t *testing.T) {
	tests := []struct {
		name             string
		files            []string
		runtime, handler string
	}{
		{"node", []string{"index.js", "package.json"}, "nodejs20.x", "index.handler"},
		{"node esm", []string{"index.mjs"}, "nodejs20.x", "index.handler"},
		{"python app", []string{"app.py", "requirements.txt"}, "python3.12", "app.lambda_handler"},
		{"python console default", []string{"lambda_function.py"}, "python3.12", "lambda_function.lambda_handler"},
		{"ruby", []string{"app.rb"}, "ruby3.3", "app.lambda_handler"},
		{"custom runtime", []string{"bootstrap", "main.go"}, "provided.al2023", "bootstrap"},
		{"empty", nil, "nodejs20.x", "index.handler"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for _, f := range tt.files {
				if err := os.WriteFile(filepath.Join(dir, f), nil, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if rt, h := guessFunction(dir); rt != tt.runtime || h != tt.handler {
				t.Errorf("guessFunction = %s, %s; want %s, %s", rt, h, tt.runtime, tt.handler)
			}
		})
	}
}

// TestRuntimeChoices: the runtimes that do not run here are marked, and a
// runtime the list lacks (an old one from a template) is offered as it is.
func TestRuntimeChoices(t *testing.T) {
	got := runtimeChoices("nodejs12.x")
	for _, want := range []string{"nodejs20.x", "python3.12", "ruby3.3", "provided.al2023", "java21" + unsupportedMark, "nodejs12.x"} {
		if !slices.Contains(got, want) {
			t.Errorf("runtimeChoices lacks %q: %v", want, got)
		}
	}
	if runtimeChoice("java21") != "java21 (does not run here)" || runtimeChoice("python3.12") != "python3.12" {
		t.Errorf("runtimeChoice marks wrongly: %q, %q", runtimeChoice("java21"), runtimeChoice("python3.12"))
	}
}

// TestParseLimit: timeout and memory fields take whole numbers in Lambda's
// range, or nothing for the default.
func TestParseLimit(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want int
		ok   bool
	}{{"", 0, true}, {" 30 ", 30, true}, {"900", 900, true}, {"901", 0, false}, {"0", 0, false}, {"2.5", 0, false}, {"x", 0, false}} {
		n, err := parseLimit(tt.in, 1, 900, "seconds")
		if n != tt.want || (err == nil) != tt.ok {
			t.Errorf("parseLimit(%q) = %d, %v; want %d, ok %v", tt.in, n, err, tt.want, tt.ok)
		}
	}
}
