package interop

import (
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// pageHTML is a page that talks to the gateway from another origin, the way
// a web app served from its own host talks to API Gateway. It writes every
// frame it receives into the DOM, then reports to the page's own server,
// which releases the stylesheet that holds the page's load event (headless
// Chromium's --dump-dom prints the DOM at load, and a WebSocket answer would
// otherwise come after it).
const pageHTML = `<!doctype html>
<html><head><meta charset="utf-8"><title>connecting</title></head>
<body>
<ol id="frames"></ol>
<p id="status">connecting</p>
<script>
const sent = %s;
const frames = document.getElementById("frames");
const status = document.getElementById("status");
let reported = false;
function report(text) {
  if (reported) return;
  reported = true;
  status.textContent = text;
  document.title = text;
  fetch("/result", {method: "POST", body: text});
}
const ws = new WebSocket(%q);
ws.onopen = () => { status.textContent = "open"; sent.forEach((m) => ws.send(m)); };
ws.onmessage = (e) => {
  const li = document.createElement("li");
  li.textContent = e.data;
  frames.appendChild(li);
  if (frames.children.length === sent.length) {
    ws.close(1000);
    report("answered");
  }
};
ws.onerror = () => report("error");
ws.onclose = (e) => report("closed " + e.code);
</script>
<link rel="stylesheet" href="/hold">
</body></html>
`

// A page served from another origin opens the gateway in headless Chromium
// and gets the seed's answers: API Gateway accepts any Origin.
func TestChromiumCrossOriginPage(t *testing.T) {
	chromium := needTool(t, "chromium (Debian package chromium)", "chromium")
	s := startServe(t, seedFile)
	sent := []string{`{"action":"message","messageId":1}`, `hello`, `{"action":"message","messageId":2}`}
	quoted := make([]string, len(sent))
	for i, m := range sent {
		quoted[i] = fmt.Sprintf("%q", m)
	}

	var once sync.Once
	done := make(chan string, 1)
	page := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprintf(w, pageHTML, "["+strings.Join(quoted, ", ")+"]", s.WS)
		case "/result":
			b, _ := io.ReadAll(io.LimitReader(r.Body, 1024))
			once.Do(func() { done <- string(b) })
		case "/hold":
			select {
			case <-done:
			case <-time.After(20 * time.Second):
			case <-r.Context().Done():
			}
			w.Header().Set("Content-Type", "text/css")
		default:
			http.NotFound(w, r)
		}
	}))
	defer page.Close()
	if pageHost := strings.TrimPrefix(page.URL, "http://"); !strings.HasPrefix(pageHost, "127.0.0.1:") || pageHost == s.Host {
		t.Fatalf("the page %s must be on 127.0.0.1 and another origin than the gateway %s", page.URL, s.WS)
	}

	home := t.TempDir()
	res := run(t, 90*time.Second, []string{"HOME=" + home, "PATH=" + os.Getenv("PATH")}, nil, chromium,
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--no-proxy-server", "--user-data-dir="+t.TempDir(), "--dump-dom", page.URL+"/")
	if res.Code != 0 {
		t.Fatalf("chromium exited %d\nstderr:\n%s", res.Code, res.Stderr)
	}
	dom := res.Stdout

	if got := firstMatch(`<title>([^<]*)</title>`, dom); got != "answered" {
		t.Fatalf("the page's title is %q, want \"answered\"; DOM:\n%s", got, dom)
	}
	var frames []string
	for _, m := range regexp.MustCompile(`<li>([^<]*)</li>`).FindAllStringSubmatch(dom, -1) {
		frames = append(frames, html.UnescapeString(m[1]))
	}
	forbidden := regexp.MustCompile(`^\{"message": "Forbidden", "connectionId":"[A-Za-z0-9_-]{15}=", "requestId":"[A-Za-z0-9_-]{15}="\}$`)
	if len(frames) != 3 || frames[0] != `{"message": "Hello World"}` || !forbidden.MatchString(frames[1]) || frames[2] != `{"message": "Hi!"}` {
		t.Fatalf("the page received %q, want Hello World, the Forbidden frame, Hi!; DOM:\n%s", frames, dom)
	}
}

func firstMatch(pattern, s string) string {
	m := regexp.MustCompile(pattern).FindStringSubmatch(s)
	if m == nil {
		return ""
	}
	return m[1]
}
