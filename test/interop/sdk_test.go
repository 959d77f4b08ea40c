package interop

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// sdkReport is what connections-sdk.mjs prints.
type sdkReport struct {
	Endpoint string
	Post     struct{ Status int }
	Get      struct {
		Status                                int
		ConnectedAtIsDate, LastActiveAtIsDate bool
		ConnectedAt, LastActiveAt             string
		SourceIP                              string `json:"sourceIp"`
		UserAgent                             *string
	}
	Delete                                             struct{ Status int }
	PostAfterDelete, GetAfterDelete, DeleteAfterDelete sdkError
}

type sdkError struct {
	Error           *string
	IsGoneException bool
	Status          int
	Fault           string
}

// The AWS SDK for JavaScript v3, used as Lambda code uses it: the endpoint
// built from the requestContext the route delivered.
func TestSDKConnections(t *testing.T) {
	node := needTool(t, "node", "node")
	needFile(t, "@aws-sdk/client-apigatewaymanagementapi (npm, test/interop/package.json)",
		"node_modules/@aws-sdk/client-apigatewaymanagementapi/package.json")
	s := startServe(t, interopFile)
	ws, rc := dialInterop(t, s, "interop-sdk/1.0")
	event, err := json.Marshal(map[string]any{"requestContext": rc})
	if err != nil {
		t.Fatal(err)
	}
	text := `{"from": "sdk", "text": "héllo ✓"}`
	res := run(t, 60*time.Second, awsEnv(t), nil, node, "connections-sdk.mjs", string(event), text)
	if res.Code != 0 {
		t.Fatalf("connections-sdk.mjs exited %d\nstdout:\n%s\nstderr:\n%s", res.Code, res.Stdout, res.Stderr)
	}
	var r sdkReport
	if err := json.Unmarshal([]byte(res.Stdout), &r); err != nil {
		t.Fatalf("connections-sdk.mjs printed %q: %v", res.Stdout, err)
	}
	t.Logf("report: %s", res.Stdout)

	if want := "http://" + s.Host + "/production"; r.Endpoint != want {
		t.Errorf("endpoint from requestContext = %s, want %s", r.Endpoint, want)
	}
	if r.Post.Status != 200 {
		t.Errorf("PostToConnection status %d, want 200", r.Post.Status)
	}
	if got := readText(t, ws); got != text {
		t.Errorf("the client received %q, want %q", got, text)
	}

	g := r.Get
	if g.Status != 200 || !g.ConnectedAtIsDate || !g.LastActiveAtIsDate {
		t.Errorf("GetConnection: status %d, ConnectedAt %q (Date: %v), LastActiveAt %q (Date: %v); want 200 and two Dates",
			g.Status, g.ConnectedAt, g.ConnectedAtIsDate, g.LastActiveAt, g.LastActiveAtIsDate)
	}
	connected, err1 := time.Parse(time.RFC3339Nano, g.ConnectedAt)
	active, err2 := time.Parse(time.RFC3339Nano, g.LastActiveAt)
	switch {
	case err1 != nil || err2 != nil:
		t.Errorf("GetConnection times %q, %q: %v %v", g.ConnectedAt, g.LastActiveAt, err1, err2)
	case time.Since(connected) > time.Minute || time.Since(connected) < -time.Second:
		t.Errorf("ConnectedAt %s is not within the last minute", g.ConnectedAt)
	case active.Before(connected):
		t.Errorf("LastActiveAt %s is before ConnectedAt %s", g.LastActiveAt, g.ConnectedAt)
	}
	if g.SourceIP != "127.0.0.1" {
		t.Errorf("Identity.SourceIp = %q, want 127.0.0.1", g.SourceIP)
	}
	if g.UserAgent == nil || *g.UserAgent != "interop-sdk/1.0" {
		t.Errorf("Identity.UserAgent = %v, want interop-sdk/1.0", g.UserAgent)
	}

	if r.Delete.Status/100 != 2 {
		t.Errorf("DeleteConnection status %d, want 2xx", r.Delete.Status)
	}
	if ce := readClose(t, ws); ce.Code != websocket.CloseNormalClosure {
		t.Errorf("after DeleteConnection the client saw close %d %q, want 1000", ce.Code, ce.Text)
	}

	for _, c := range []struct {
		name string
		e    sdkError
	}{
		{"PostToConnection", r.PostAfterDelete},
		{"GetConnection", r.GetAfterDelete},
		{"DeleteConnection", r.DeleteAfterDelete},
	} {
		if c.e.Error == nil || *c.e.Error != "GoneException" || !c.e.IsGoneException || c.e.Status != 410 || c.e.Fault != "client" {
			t.Errorf("%s after delete: %+v, want a GoneException (instanceof, 410, client fault)", c.name, c.e)
		}
	}
}
