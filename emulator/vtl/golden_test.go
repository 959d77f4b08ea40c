package vtl

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/golden/*.golden with the current output")

// TestGolden renders each testdata/golden/NAME.vtl against NAME.body (or an
// empty body) and the table tests' context, and compares the output with
// NAME.golden.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "golden", "*.vtl"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden templates: %v", err)
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".vtl")
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			body, err := os.ReadFile(strings.TrimSuffix(file, ".vtl") + ".body")
			if err != nil && !os.IsNotExist(err) {
				t.Fatal(err)
			}
			tp, err := Parse(string(src))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			in := testInput("")
			in.Body = body
			got, err := tp.Render(in)
			if err != nil {
				t.Fatalf("Render: %v", err)
			}
			golden := strings.TrimSuffix(file, ".vtl") + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("%s differs from %s\n--- got ---\n%s\n--- want ---\n%s", file, golden, got, want)
			}
		})
	}
}
