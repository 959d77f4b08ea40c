package emulator

import (
	"encoding/json"
	"net/http"
	"strconv"
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
	Origin       string    `json:"origin,omitempty"`
	Subprotocol  string    `json:"subprotocol,omitempty"`
	Query        string    `json:"query,omitempty"`
	ConnectedAt  time.Time `json:"connectedAt"`
}

// serveInspect serves wsworkbench's own endpoints:
//
//	GET /@wsworkbench/connections   the open connections, with the client
//	                                address each came from (so a test runner
//	                                learns the connection ID its client got)
//	GET /@wsworkbench/connections/{id}/transcript[?after=SEQ]
//	                                the connection's history as JSON lines
//	                                (open, or among the last closed ones)
//
// Anything else under the prefix is 404.
func (g *Gateway) serveInspect(w http.ResponseWriter, r *http.Request, rest []string) {
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		writeMessage(w, http.StatusMethodNotAllowed, "Method Not Allowed")
		return
	}
	if len(rest) == 3 && rest[0] == "connections" && rest[2] == "transcript" {
		g.serveTranscript(w, r, rest[1])
		return
	}
	if len(rest) != 1 || rest[0] != "connections" {
		writeMessage(w, http.StatusNotFound, "Not Found")
		return
	}
	infos := g.Connections()
	out := make([]inspectConnection, len(infos))
	for i, ci := range infos {
		out[i] = inspectConnection{ConnectionID: ci.ID, RemoteAddr: ci.RemoteAddr, SourceIP: ci.SourceIP, UserAgent: ci.UserAgent,
			Origin: ci.Origin, Subprotocol: ci.Subprotocol, Query: ci.Query, ConnectedAt: ci.ConnectedAt}
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(out)
}

// serveTranscript writes a connection's history as JSON lines, one
// HistoryEntry each, after the sequence number ?after= (0: all it keeps).
// A first line {"dropped": N} says how many older entries the bounds let go.
func (g *Gateway) serveTranscript(w http.ResponseWriter, r *http.Request, id string) {
	after, err := strconv.ParseUint(r.URL.Query().Get("after"), 10, 64)
	if err != nil && r.URL.Query().Get("after") != "" {
		writeMessage(w, http.StatusBadRequest, "after must be a sequence number")
		return
	}
	h, ok := g.History(id, after)
	if !ok {
		writeMessage(w, http.StatusNotFound, "No such connection")
		return
	}
	w.Header().Set("Content-Type", "application/x-ndjson")
	enc := json.NewEncoder(w)
	if h.Dropped > 0 {
		_ = enc.Encode(map[string]uint64{"dropped": h.Dropped})
	}
	for _, e := range h.Entries {
		_ = enc.Encode(e)
	}
}
