package cli

import (
	"flag"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/gorilla/websocket"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// logNormalizers make a serve log comparable across runs: times,
// durations, IDs, ports and the WebSocket key differ every run.
var logNormalizers = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`^\d\d:\d\d:\d\d\.\d\d\d `), "HH:MM:SS.mmm "},
	{regexp.MustCompile(` took=[0-9.]+(ns|µs|ms|s)`), " took=D"},
	{regexp.MustCompile(`"time":"[^"]*"`), `"time":"T"`},
	{regexp.MustCompile(`"durationNs":\d+`), `"durationNs":D`},
	{regexp.MustCompile(`127\.0\.0\.1:\d+`), "127.0.0.1:PORT"},
	{regexp.MustCompile(`"Sec-Websocket-Key":\["[^"]*"\]`), `"Sec-Websocket-Key":["K"]`},
}

// idPattern matches connection and request IDs (16 characters of base64url)
// and x-amzn-RequestId UUIDs.
var idPattern = regexp.MustCompile(`[A-Za-z0-9_-]{15}=|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)

// normalizeLog rewrites lines so that a golden file can hold them: each
// distinct ID becomes <idN> in order of appearance.
func normalizeLog(lines []string) string {
	ids := map[string]string{}
	var b strings.Builder
	for _, l := range lines {
		for _, n := range logNormalizers {
			l = n.re.ReplaceAllString(l, n.with)
		}
		l = idPattern.ReplaceAllStringFunc(l, func(id string) string {
			if _, ok := ids[id]; !ok {
				ids[id] = "<id" + strconv.Itoa(len(ids)+1) + ">"
			}
			return ids[id]
		})
		b.WriteString(l + "\n")
	}
	return b.String()
}

func checkLogGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -update writes it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from its golden file (go test -update rewrites it)\n--- got\n%s--- want\n%s", path, got, want)
	}
}

// TestServeLogGolden runs the real binary with each log format through a
// connection with a query string and subprotocols, one message, an
// @connections POST and GET, a refused DELETE, and SIGTERM, and compares
// the log with testdata/serve_log_{text,steps,json}.golden.
func TestServeLogGolden(t *testing.T) {
	file := writeFile(t, t.TempDir(), "api.yaml", serveTemplate)
	for _, format := range []string{"text", "steps", "json"} {
		t.Run(format, func(t *testing.T) {
			s := startServe(t, "--log", format, file)
			wsURL, connURL := s.urls(t)
			d := websocket.Dialer{Subprotocols: []string{"chat", "json"}}
			ws, _, err := d.Dial(wsURL+"?room=lobby", http.Header{"User-Agent": {"golden-test"}})
			if err != nil {
				t.Fatal(err)
			}
			defer ws.Close()
			send := func(msg string) string {
				t.Helper()
				if err := ws.WriteMessage(websocket.TextMessage, []byte(msg)); err != nil {
					t.Fatal(err)
				}
				_, got, err := ws.ReadMessage()
				if err != nil {
					t.Fatal(err)
				}
				return string(got)
			}
			hello := send(`{"action":"message"}`)
			id := regexp.MustCompile(`"hello": "([^"]+)"`).FindStringSubmatch(hello)
			if id == nil {
				t.Fatalf("answer %q", hello)
			}
			resp, err := http.Post(connURL+"/"+id[1], "text/plain", strings.NewReader("pushed"))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if _, got, err := ws.ReadMessage(); err != nil || string(got) != "pushed" {
				t.Fatalf("pushed: %q %v", got, err)
			}
			for _, r := range []struct{ method, id string }{{http.MethodGet, id[1]}, {http.MethodDelete, "AAAAAAAAAAAAAAA="}} {
				req, _ := http.NewRequest(r.method, connURL+"/"+r.id, nil)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
			}
			_, lines := s.stop(t, ws, syscall.SIGTERM)
			checkLogGolden(t, "serve_log_"+format, normalizeLog(lines))
		})
	}
}
