package scenario

import (
	"bytes"
	"os"
	"testing"
)

// FuzzParse: Parse never panics, and a file it accepts is written back by
// Encode as a file it accepts again, with the same steps.
func FuzzParse(f *testing.F) {
	for _, p := range []string{"../../assets/sample.scenario.yaml", "../../assets/chat.scenario.yaml"} {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(minimal))
	f.Add([]byte("steps:\n  - expect: a\n    frames: [{json: {a: [1, 2.5, null]}}, {regex: '^x'}]\n    capture: {v: $.a[0]}\n"))
	f.Add([]byte("steps:\n  - send: a\n    json: '{\"k\": \"${v}\"}'\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		sc, err := Parse("f.yaml", data)
		if err != nil {
			return
		}
		var b bytes.Buffer
		if err := sc.Encode(&b); err != nil {
			t.Fatalf("Encode: %v", err)
		}
		again, err := Parse("f.yaml", b.Bytes())
		if err != nil {
			t.Fatalf("Encode wrote a file Parse refuses: %v\n%q\n%q", err, data, b.String())
		}
		if len(again.Steps) != len(sc.Steps) {
			t.Fatalf("%d steps became %d", len(sc.Steps), len(again.Steps))
		}
		for i := range sc.Steps {
			if sc.Steps[i].Kind != again.Steps[i].Kind || sc.Steps[i].Body != again.Steps[i].Body {
				t.Fatalf("step %d changed: %+v -> %+v", i, sc.Steps[i], again.Steps[i])
			}
		}
	})
}
