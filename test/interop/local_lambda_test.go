package interop

import (
	"crypto/tls"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"wsworkbench/emulator/tlscert"
)

// seed002 is seed 002's API with its Node.js handler (testdata/seed002):
// aws-sdk v2, callback style, the @connections endpoint built from the
// event without a scheme.
var seed002 = filepath.Join("testdata", "seed002", "template.yaml")

// The seed 002 handler runs unchanged in the workbench itself (no Lambda
// endpoint, no Docker): serve --tls gives it the workbench's certificate
// through NODE_EXTRA_CA_CERTS, so aws-sdk v2's https call to the
// @connections API reaches the gateway. "YOUR ID: <id>" comes back to the
// sender, and a message with "forward" reaches the other client.
func TestSeed002HandlerRunsLocally(t *testing.T) {
	needTool(t, "node", "node")
	needFile(t, "aws-sdk v2 (npm, test/interop/package.json)", "node_modules/aws-sdk/package.json")

	config := t.TempDir()
	cert, err := tlscert.Ensure(filepath.Join(config, "wsworkbench", "tls")) // serve --tls finds and reuses it
	if err != nil {
		t.Fatal(err)
	}
	serveEnv := append(os.Environ(), "XDG_CONFIG_HOME="+config)
	serveOut := startProcess(t, serveEnv, binary, "serve", "--listen", "127.0.0.1:0", "--tls", seed002)
	wsURL := waitLine(t, serveOut, regexp.MustCompile(`^WebSocket: (wss://127\.0\.0\.1:\d+/production)$`), "wsworkbench serve --tls")

	dialer := websocket.Dialer{HandshakeTimeout: 10 * time.Second, TLSClientConfig: &tls.Config{RootCAs: cert.Pool}}
	dial := func() *websocket.Conn {
		c, _, err := dialer.Dial(wsURL, nil)
		if err != nil {
			t.Fatalf("dial: %v\nserve: %s", err, serveOut)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
	read := func(c *websocket.Conn) string {
		t.Helper()
		c.SetReadDeadline(time.Now().Add(30 * time.Second))
		_, data, err := c.ReadMessage()
		if err != nil {
			t.Fatalf("read: %v\nserve: %s", err, serveOut)
		}
		return string(data)
	}
	write := func(c *websocket.Conn, msg string) {
		t.Helper()
		if err := c.WriteMessage(websocket.TextMessage, []byte(msg)); err != nil {
			t.Fatal(err)
		}
	}
	a, b := dial(), dial()
	write(a, `{"hello":"who am I"}`)
	idA := strings.TrimPrefix(read(a), "YOUR ID: ")
	if !regexp.MustCompile(`^[A-Za-z0-9_-]{15}=$`).MatchString(idA) {
		t.Fatalf("a got %q, want YOUR ID: <connection id>\nserve: %s", idA, serveOut)
	}
	write(b, `{}`)
	idB := strings.TrimPrefix(read(b), "YOUR ID: ")
	if idB == idA || !strings.HasSuffix(idB, "=") {
		t.Fatalf("b got %q", idB)
	}
	write(b, `{"forward":"`+idA+`","message":"hello a, from b"}`)
	if got := read(a); got != "hello a, from b" {
		t.Fatalf("a got %q, want b's forwarded message", got)
	}
	// The handler's log lines reach serve's log.
	waitLine(t, serveOut, regexp.MustCompile(`\tINFO\t(posting to `+regexp.QuoteMeta(idA)+`)`), "the function's log")
}
