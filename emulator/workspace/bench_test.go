package workspace

import (
	"os"
	"testing"
)

func benchData(b *testing.B, name string) []byte {
	data, err := os.ReadFile("testdata/" + name)
	if err != nil {
		b.Fatal(err)
	}
	return data
}

func BenchmarkParse(b *testing.B) {
	for _, name := range seedFiles {
		data := benchData(b, name)
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Parse(name, data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkMarshal measures a save after an edit, including the check that
// the output loads back.
func BenchmarkMarshal(b *testing.B) {
	for _, name := range seedFiles {
		w, err := Parse(name, benchData(b, name))
		if err != nil {
			b.Fatal(err)
		}
		w.API.Routes[0].OperationName = "Edited"
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := w.Marshal(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkLoadFanOut loads issue 9's fan-out serverless.yml (7^10 lookups
// when each ${self:...} is expanded every time it is used).
func BenchmarkLoadFanOut(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Load("testdata/fanout.serverless.yml"); err != nil {
			b.Fatal(err)
		}
	}
}
