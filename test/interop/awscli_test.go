package interop

import (
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// awsCLI returns the AWS CLI scripts/setup.sh installs (Debian's awscli,
// /usr/bin/aws), or the first aws on PATH, and its major version.
func awsCLI(t *testing.T) (path string, major int) {
	t.Helper()
	path = needTool(t, "the AWS CLI (Debian package awscli)", "/usr/bin/aws", "aws")
	res := run(t, 30*time.Second, awsEnv(t), nil, path, "--version")
	v := res.Stdout + res.Stderr
	switch {
	case strings.HasPrefix(v, "aws-cli/2."):
		major = 2
	case strings.HasPrefix(v, "aws-cli/1."):
		major = 1
	default:
		t.Fatalf("%s --version printed %q, want aws-cli/1.x or aws-cli/2.x", path, v)
	}
	t.Logf("%s: %s", path, strings.TrimSpace(v))
	return path, major
}

// The AWS CLI's apigatewaymanagementapi commands against the @connections
// endpoint, the way a person tries them from a shell.
func TestAWSCLIConnections(t *testing.T) {
	aws, major := awsCLI(t)
	s := startServe(t, interopFile)
	ws, rc := dialInterop(t, s, "interop-awscli/1.0")
	env := awsEnv(t)
	cli := func(args ...string) result {
		t.Helper()
		args = append([]string{"apigatewaymanagementapi"}, args...)
		args = append(args, "--endpoint-url", s.Endpoint, "--output", "json")
		return run(t, 60*time.Second, env, nil, aws, args...)
	}

	// --data is a blob. fileb:// sends a file's bytes as they are, with
	// CLI v1 and v2 alike. Inline, v2 expects base64 (its default
	// cli_binary_format is base64) while v1 sends the text as it is.
	text := `{"from": "aws cli", "text": "héllo ✓"}`
	file := filepath.Join(t.TempDir(), "data.json")
	if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	inline := text
	if major == 2 {
		inline = base64.StdEncoding.EncodeToString([]byte(text))
	}
	for _, data := range []struct{ name, arg string }{
		{"fileb", "fileb://" + file},
		{"inline", inline},
	} {
		t.Run("post-to-connection "+data.name, func(t *testing.T) {
			res := cli("post-to-connection", "--connection-id="+rc.ConnectionID, "--data", data.arg)
			if res.Code != 0 {
				t.Fatalf("post-to-connection exited %d: %s", res.Code, res.Stderr)
			}
			if got := readText(t, ws); got != text {
				t.Fatalf("the client received %q, want %q", got, text)
			}
		})
	}

	t.Run("get-connection", func(t *testing.T) {
		res := cli("get-connection", "--connection-id="+rc.ConnectionID)
		if res.Code != 0 {
			t.Fatalf("get-connection exited %d: %s", res.Code, res.Stderr)
		}
		var out struct {
			ConnectedAt  string
			LastActiveAt string
			Identity     struct{ SourceIp, UserAgent string }
		}
		if err := json.Unmarshal([]byte(res.Stdout), &out); err != nil {
			t.Fatalf("get-connection printed %q: %v", res.Stdout, err)
		}
		connected := parseCLITime(t, "ConnectedAt", out.ConnectedAt)
		active := parseCLITime(t, "LastActiveAt", out.LastActiveAt)
		if age := time.Since(connected); age < 0 || age > time.Minute {
			t.Errorf("ConnectedAt %s is %s ago, want the last minute", out.ConnectedAt, age)
		}
		if active.Before(connected) {
			t.Errorf("LastActiveAt %s is before ConnectedAt %s", out.LastActiveAt, out.ConnectedAt)
		}
		if out.Identity.SourceIp != "127.0.0.1" || out.Identity.UserAgent != "interop-awscli/1.0" {
			t.Errorf("Identity = %+v, want SourceIp 127.0.0.1, UserAgent interop-awscli/1.0", out.Identity)
		}
	})

	t.Run("delete-connection", func(t *testing.T) {
		res := cli("delete-connection", "--connection-id="+rc.ConnectionID)
		if res.Code != 0 {
			t.Fatalf("delete-connection exited %d: %s", res.Code, res.Stderr)
		}
		if ce := readClose(t, ws); ce.Code != websocket.CloseNormalClosure {
			t.Errorf("the client saw close %d %q, want 1000", ce.Code, ce.Text)
		}
	})

	for _, args := range [][]string{
		{"post-to-connection", "--connection-id=" + rc.ConnectionID, "--data", "fileb://" + file},
		{"get-connection", "--connection-id=" + rc.ConnectionID},
		{"delete-connection", "--connection-id=" + rc.ConnectionID},
	} {
		t.Run(args[0]+" after close", func(t *testing.T) {
			res := cli(args...)
			if res.Code == 0 || !strings.Contains(res.Stderr, "GoneException") {
				t.Errorf("%s on a closed connection: exit %d, stderr %q, want GoneException", args[0], res.Code, res.Stderr)
			}
		})
	}
}

// parseCLITime parses a timestamp as the AWS CLI prints it (ISO 8601, with
// or without fractional seconds and offset).
func parseCLITime(t *testing.T, field, s string) time.Time {
	t.Helper()
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999-07:00", "2006-01-02T15:04:05.999999"} {
		if v, err := time.Parse(layout, s); err == nil {
			return v
		}
	}
	t.Fatalf("%s %q is not an ISO 8601 time", field, s)
	return time.Time{}
}
