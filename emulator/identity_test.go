package emulator

import (
	"net/http"
	"testing"

	"wsworkbench/emulator/model"
)

// TestDomainNameIsTheGatewaysOwn is issue 9 item 6: backends post to
// https://{domainName}/{stage}/@connections, so domainName must be where
// the gateway listens (or the configured name), never the Host header a
// client (or a web page, by DNS rebinding) chose.
func TestDomainNameIsTheGatewaysOwn(t *testing.T) {
	tests := []struct {
		name   string
		opts   Options
		want   func(g *Gateway) string
		header http.Header
	}{
		{name: "listening address", want: (*Gateway).Addr, header: http.Header{"Host": {"attacker.example:9999"}}},
		{name: "configured name", opts: Options{DomainName: "gw.test:8443"}, want: func(*Gateway) string { return "gw.test:8443" },
			header: http.Header{"Host": {"attacker.example:9999"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ti, uri := newTestIntegration(t, 200)
			api := seedAPI()
			api.Routes = append(api.Routes, model.Route{Key: "rec", IntegrationID: "Rec"})
			api.Routes[0].IntegrationID = "Rec"
			api.Integrations = append(api.Integrations, model.Integration{ID: "Rec", Type: typeTest, URI: uri})
			g := start(t, api, tt.opts)
			ws := dial(t, g, tt.header)
			send(t, ws, `{"action":"rec"}`)
			waitFor(t, "the message", func() bool { return len(ti.requests()) == 2 })
			want := tt.want(g)
			for i, r := range ti.requests() {
				if r.Context.DomainName != want {
					t.Errorf("%s: domainName %q, want %q", r.Context.EventType, r.Context.DomainName, want)
				}
				if got := r.Context.Map()["domainName"]; got != want {
					t.Errorf("request %d: $context.domainName %q, want %q", i, got, want)
				}
			}
		})
	}
}
