package interop

import (
	"bufio"
	"crypto/tls"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"wsworkbench/emulator/tlscert"
)

// chatSeed is the SAM chat project every build must run unchanged.
var chatSeed = filepath.Join("..", "..", "emulator", "workspace", "testdata", "simple-chat.sam.yaml") // the seed, byte for byte

// staleID is a connection the chat's table still lists but that is gone: a
// post to it answers 410.
const staleID = "ZZZZZZZZZZZZZZZ="

// The chat sample's real Node handlers (chatlambda/*.mjs), with the AWS SDK
// for JavaScript v3 management client built as the sample builds it,
// https://{domainName}/{stage}, behind a tiny Lambda Invoke API: the gateway
// runs the unchanged SAM template with --tls and --lambda-endpoint, the SDK
// trusts the workbench's certificate through NODE_EXTRA_CA_CERTS, and wscat
// and gorilla clients chat.
func TestChatWithNodeLambdas(t *testing.T) {
	node := needTool(t, "node", "node")
	needFile(t, "@aws-sdk/client-apigatewaymanagementapi (npm, test/interop/package.json)",
		"node_modules/@aws-sdk/client-apigatewaymanagementapi/package.json")
	wscat := wscatPath(t)

	config := t.TempDir()
	certDir := filepath.Join(config, "wsworkbench", "tls")
	cert, err := tlscert.Ensure(certDir) // serve --tls finds and reuses it
	if err != nil {
		t.Fatal(err)
	}

	// The Lambda functions.
	env := append(awsEnv(t), "NODE_EXTRA_CA_CERTS="+cert.CertPath, "STALE_CONNECTIONS="+staleID)
	shimOut := startProcess(t, env, node, "chatlambda/shim.mjs")
	port := waitLine(t, shimOut, regexp.MustCompile(`^listening (\d+)$`), "the Lambda shim")
	lambdaURL := "http://127.0.0.1:" + port

	// The gateway.
	serveEnv := append(os.Environ(), "XDG_CONFIG_HOME="+config)
	serveOut := startProcess(t, serveEnv, binary, "serve", "--listen", "127.0.0.1:0", "--log", "none",
		"--tls", "--lambda-endpoint", lambdaURL, chatSeed)
	wsURL := waitLine(t, serveOut, regexp.MustCompile(`^WebSocket: (wss://127\.0\.0\.1:\d+/Prod)$`), "wsworkbench serve --tls")

	dialer := websocket.Dialer{HandshakeTimeout: 10 * time.Second, TLSClientConfig: &tls.Config{RootCAs: cert.Pool}}
	var clients []*websocket.Conn
	for i := range 3 {
		c, _, err := dialer.Dial(wsURL, nil)
		if err != nil {
			t.Fatalf("client %d: %v\nserve: %s\nlambdas: %s", i, err, serveOut, shimOut)
		}
		t.Cleanup(func() { c.Close() })
		clients = append(clients, c)
	}
	expect := func(want string) {
		t.Helper()
		for i, c := range clients {
			c.SetReadDeadline(time.Now().Add(20 * time.Second))
			_, data, err := c.ReadMessage()
			if err != nil || string(data) != want {
				t.Fatalf("client %d: %q %v, want %q\nserve: %s\nlambdas: %s", i, data, err, want, serveOut, shimOut)
			}
		}
	}

	if err := clients[0].WriteMessage(websocket.TextMessage, []byte(`{"action":"sendmessage","data":"hello"}`)); err != nil {
		t.Fatal(err)
	}
	expect("hello")

	// The post to the stale connection got 410 and the handler dropped it.
	// The handler posts to every connection at once, so the clients can get
	// "hello" before the 410 is handled: wait for the table to settle.
	table := func() []string {
		client := http.Client{Timeout: 10 * time.Second}
		resp, err := client.Get(lambdaURL + "/connections")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var ids []string
		if err := json.NewDecoder(resp.Body).Decode(&ids); err != nil {
			t.Fatal(err)
		}
		return ids
	}
	settled := func(ids []string) bool {
		return len(ids) == 3 && !slices.Contains(ids, staleID)
	}
	ids := table()
	for deadline := time.Now().Add(10 * time.Second); !settled(ids) && time.Now().Before(deadline); ids = table() {
		time.Sleep(20 * time.Millisecond)
	}
	if !settled(ids) {
		t.Fatalf("the chat's table is %v: want the three clients, the stale connection dropped on 410", ids)
	}
	// The handler logged it before deleting; the line comes through a pipe.
	logged := func() bool {
		return strings.Contains(shimOut.String(), "Found stale connection, deleting "+staleID+" (GoneException, statusCode property: undefined)")
	}
	for deadline := time.Now().Add(5 * time.Second); !logged() && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
	}
	if !logged() {
		t.Errorf("the handler did not log the GoneException it caught:\n%s", shimOut)
	}

	// wscat, trusting the certificate with --ca, joins and sends.
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	res := run(t, 30*time.Second, append(os.Environ(), "NO_COLOR=1"), r, wscat,
		"--ca", cert.CertPath, "-c", wsURL, "-x", `{"action":"sendmessage","data":"from wscat"}`, "-w", "3")
	r.Close()
	if res.Code != 0 || !strings.Contains(res.Stdout, "from wscat") {
		t.Fatalf("wscat exited %d; it should have received its own message\nstdout:\n%s\nstderr:\n%s", res.Code, res.Stdout, res.Stderr)
	}
	expect("from wscat")
}

// startProcess runs a long-lived process with env and returns its combined
// output. It gets SIGTERM (then SIGKILL) when the test ends.
func startProcess(t *testing.T, env []string, name string, args ...string) *lockedBuffer {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = env
	out := &lockedBuffer{}
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			out.Write([]byte(sc.Text() + "\n"))
		}
	}()
	done := make(chan struct{})
	go func() {
		cmd.Wait()
		pw.Close()
		close(done)
	}()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	})
	return out
}

// waitLine waits up to 20 s for a line of out matching re and returns its
// first group.
func waitLine(t *testing.T, out *lockedBuffer, re *regexp.Regexp, what string) string {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		for _, line := range strings.Split(out.String(), "\n") {
			if m := re.FindStringSubmatch(line); m != nil {
				return m[1]
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("%s printed nothing matching %s within 20 s:\n%s", what, re, out)
	return ""
}
