package emulator

import (
	"encoding/json"
	"net/http"
	"time"
)

// InspectPrefix is the first path segment of wsworkbench's own endpoints on
// the gateway's port. API Gateway has no such path ("@" cannot start a stage
// name), so no client of a real API can reach them by mistake.
const InspectPrefix = "@wsworkbench"

// inspectConnection is one entry of GET /@wsworkbench/connections.
type inspectConnection struct {
	ConnectionID string    `json:"connectionId"`
	RemoteAddr   string    `json:"remoteAddr"`
	SourceIP     string    `json:"sourceIp"`
	UserAgent    string    `json:"userAgent,omitempty"`
	ConnectedAt  time.Time `json:"connectedAt"`
}

// serveInspect serves wsworkbench's own endpoints:
//
//	GET /@wsworkbench/connections   the open connections, with the client
//	                                address each came from (so a test runner
//	                                learns the connection ID its client got)
//
// Anything else under the prefix is 404.
func (g *Gateway) serveInspect(w http.ResponseWriter, r *http.Request, rest []string) {
	if len(rest) != 1 || rest[0] != "connections" {
		writeMessage(w, http.StatusNotFound, "Not Found")
		return
	}
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		writeMessage(w, http.StatusMethodNotAllowed, "Method Not Allowed")
		return
	}
	infos := g.Connections()
	out := make([]inspectConnection, len(infos))
	for i, ci := range infos {
		out[i] = inspectConnection{ConnectionID: ci.ID, RemoteAddr: ci.RemoteAddr, SourceIP: ci.SourceIP, UserAgent: ci.UserAgent, ConnectedAt: ci.ConnectedAt}
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(out)
}
