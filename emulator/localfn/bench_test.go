package localfn

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"testing"

	"wsworkbench/emulator/lambda"
)

// echoes are one echo handler per runtime: the function returns its event.
var echoes = []struct {
	name, runtime, handler, file, code string
}{
	{"node", "nodejs20.x", "app.handler", "app.js", `exports.handler = async (e) => e;`},
	{"python", "python3.12", "app.handler", "app.py", "def handler(e, c):\n    return e\n"},
	{"ruby", "ruby3.2", "app.handler", "app.rb", "def handler(event:, context:)\n  event\nend\n"},
	{"go", "provided.al2023", "bootstrap", "", ""},
}

// echoFunction writes the echo handler of one runtime and returns it.
func echoFunction(b *testing.B, i int) Function {
	e := echoes[i]
	if e.name == "go" {
		dir := b.TempDir()
		if out, err := exec.Command("go", "build", "-o", filepath.Join(dir, "bootstrap"), "./testdata/gofn").CombinedOutput(); err != nil {
			b.Fatalf("go build: %v\n%s", err, out)
		}
		return Function{Name: "Echo", Runtime: e.runtime, Handler: e.handler, CodeDir: dir}
	}
	return Function{Name: "Echo", Runtime: e.runtime, Handler: e.handler, CodeDir: writeCode(b, map[string]string{e.file: e.code})}
}

var benchEvent = []byte(`{"requestContext":{"routeKey":"echo","connectionId":"abcdefghijklmno="},"body":"{\"action\":\"echo\",\"data\":\"hello\"}","isBase64Encoded":false}`)

// BenchmarkWarmInvoke compares one warm call through the runner (Runtime
// API, our bootstrap or aws-lambda-go, the handler) with one call of a bare
// Lambda Invoke API echo server on loopback through the gateway's Invoke
// API client. The difference is what running the code here adds per call.
func BenchmarkWarmInvoke(b *testing.B) {
	b.Run("invoke-api-echo", func(b *testing.B) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			w.Write(body)
		}))
		defer srv.Close()
		c, err := lambda.NewClient(srv.URL, lambda.ModeConcurrent, nil)
		if err != nil {
			b.Fatal(err)
		}
		defer c.Close()
		ctx := context.Background()
		for b.Loop() {
			if _, fe, err := c.Invoke(ctx, "Echo", benchEvent); err != nil || fe != "" {
				b.Fatal(err, fe)
			}
		}
	})
	for i, e := range echoes {
		b.Run("localfn-"+e.name, func(b *testing.B) {
			r := newRunner(b, Options{}, echoFunction(b, i))
			ctx := context.Background()
			if _, fe, log, err := r.Invoke(ctx, "Echo", benchEvent); err != nil || fe != "" {
				b.Fatal(err, fe, log)
			}
			for b.Loop() {
				if _, fe, _, err := r.Invoke(ctx, "Echo", benchEvent); err != nil || fe != "" {
					b.Fatal(err, fe)
				}
			}
		})
	}
}

// BenchmarkColdStart measures a cold start per runtime: the instance is
// retired before each call, so every call starts a process, waits for its
// first /next and runs the handler once.
func BenchmarkColdStart(b *testing.B) {
	for i, e := range echoes {
		b.Run(e.name, func(b *testing.B) {
			r := newRunner(b, Options{}, echoFunction(b, i))
			ctx := context.Background()
			for b.Loop() {
				if err := r.Restart("Echo"); err != nil {
					b.Fatal(err)
				}
				if _, fe, log, err := r.Invoke(ctx, "Echo", benchEvent); err != nil || fe != "" {
					b.Fatal(err, fe, log)
				}
			}
		})
	}
}
