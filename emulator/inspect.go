package emulator

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
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
//	POST /@wsworkbench/connections/{id}/close?code=N&reason=TEXT
//	POST /@wsworkbench/connections/{id}/drop            (TCP, no close frame)
//	POST /@wsworkbench/connections/{id}/idle            (the idle timeout, now)
//	POST /@wsworkbench/connections/{id}/max-duration    (the 2-hour limit, now)
//	                                what a tester does to one connection from
//	                                the window, for a CI job (204, 404 unknown)
//
// Anything else under the prefix is 404. A request whose Host is not the
// gateway's (see localHost) is 403.
func (g *Gateway) serveInspect(w http.ResponseWriter, r *http.Request, rest []string) {
	if !g.localHost(r.Host) {
		writeMessage(w, http.StatusForbidden, "Forbidden: Host "+r.Host+" is not this gateway's (an IP address, localhost or serve --domain-name)")
		return
	}
	if len(rest) == 3 && rest[0] == "connections" && r.Method == http.MethodPost {
		g.serveConnectionAction(w, r, rest[1], rest[2])
		return
	}
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
	writeJSON(w, http.StatusOK, out)
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
	_ = h.WriteJSONL(w)
}

// serveConnectionAction closes, drops or times out one connection now.
func (g *Gateway) serveConnectionAction(w http.ResponseWriter, r *http.Request, id, action string) {
	var err error
	switch action {
	case "close":
		code := 1000
		if c := r.URL.Query().Get("code"); c != "" {
			if code, err = strconv.Atoi(c); err != nil {
				writeMessage(w, http.StatusBadRequest, "code must be a number")
				return
			}
		}
		err = g.CloseConnection(id, code, r.URL.Query().Get("reason"))
	case "drop":
		err = g.DropConnection(id)
	case "idle":
		err = g.ExpireIdle(id)
	case "max-duration":
		err = g.ExpireMaxDuration(id)
	default:
		writeMessage(w, http.StatusNotFound, "Not Found")
		return
	}
	switch {
	case errors.Is(err, ErrGone):
		writeMessage(w, http.StatusNotFound, "No such connection")
	case err != nil:
		writeMessage(w, http.StatusBadRequest, err.Error())
	default:
		w.WriteHeader(http.StatusNoContent)
	}
}

// localHost reports whether host (a request's Host) names the gateway the
// way a local tool or a backend does: an IP address, localhost, or
// Options.DomainName. The connection list hands out every connection ID,
// which is all @connections asks for, and the transcripts every frame: a web
// page that points its own name at 127.0.0.1 (DNS rebinding) could read
// them, but the browser then sends the page's name as Host.
func (g *Gateway) localHost(host string) bool {
	name := hostOnly(host)
	if net.ParseIP(name) != nil || strings.EqualFold(name, "localhost") {
		return true
	}
	return g.opts.DomainName != "" && strings.EqualFold(name, hostOnly(g.opts.DomainName))
}

// hostOnly returns host without its port and IPv6 brackets.
func hostOnly(host string) string {
	if h, _, err := net.SplitHostPort(host); err == nil {
		return h
	}
	return strings.Trim(host, "[]")
}

// ConnectionIDFrom returns the ID of the open connection whose client
// connected from localAddr (the client's own address), waiting for it until
// ctx ends: the gateway registers a connection as its handshake completes,
// which the client may see a moment earlier. Test runners use it to learn
// the connection ID their client got.
func (g *Gateway) ConnectionIDFrom(ctx context.Context, localAddr string) (string, error) {
	return PollConnectionID(ctx, localAddr, func() ([]ConnectionInfo, error) { return g.Connections(), nil })
}

// PollConnectionID looks for localAddr among the connections list returns
// until it appears or ctx ends.
func PollConnectionID(ctx context.Context, localAddr string, list func() ([]ConnectionInfo, error)) (string, error) {
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		infos, err := list()
		if err != nil {
			return "", err
		}
		for _, ci := range infos {
			if ci.RemoteAddr == localAddr {
				return ci.ID, nil
			}
		}
		select {
		case <-ctx.Done():
			return "", fmt.Errorf("the gateway has no connection from %s", localAddr)
		case <-tick.C:
		}
	}
}
