package emulator

import (
	"encoding/json"
	"net"
	"net/http"
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
	ConnectedAt  time.Time `json:"connectedAt"`
}

// serveInspect serves wsworkbench's own endpoints:
//
//	GET /@wsworkbench/connections   the open connections, with the client
//	                                address each came from (so a test runner
//	                                learns the connection ID its client got)
//
// Anything else under the prefix is 404. A request whose Host is not the
// gateway's (see localHost) is 403.
func (g *Gateway) serveInspect(w http.ResponseWriter, r *http.Request, rest []string) {
	if !g.localHost(r.Host) {
		writeMessage(w, http.StatusForbidden, "Forbidden: Host "+r.Host+" is not this gateway's (an IP address, localhost or serve --domain-name)")
		return
	}
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

// localHost reports whether host (a request's Host) names the gateway the
// way a local tool or a backend does: an IP address, localhost, or
// Options.DomainName. The connection list hands out every connection ID,
// which is all @connections asks for: a web page that points its own name
// at 127.0.0.1 (DNS rebinding) could read it, but the browser then sends the
// page's name as Host.
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
