package emulator

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"wsworkbench/emulator/httpinteg"
	"wsworkbench/emulator/lambda"
	"wsworkbench/emulator/model"
)

// httpBackendClient calls HTTP and HTTP_PROXY backends. It has no timeout of
// its own: the integration timeout bounds every call through its context.
var httpBackendClient = &http.Client{}

// httpIntegration is an HTTP_PROXY or HTTP integration: a call to any URL.
type httpIntegration struct {
	proxy  bool
	uri    string
	method string
	params map[string]string
}

var _ Integration = (*httpIntegration)(nil)

func newHTTPProxyIntegration(in *model.Integration, api *model.API) (Integration, error) {
	return newHTTPIntegration(in, true)
}

func newHTTPCustomIntegration(in *model.Integration, api *model.API) (Integration, error) {
	return newHTTPIntegration(in, false)
}

func newHTTPIntegration(in *model.Integration, proxy bool) (Integration, error) {
	u, err := url.Parse(strings.TrimSpace(in.URI))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("IntegrationUri %q: want an http:// or https:// URL", in.URI)
	}
	if err := httpinteg.CheckParameters(in.RequestParameters); err != nil {
		return nil, err
	}
	return &httpIntegration{proxy: proxy, uri: strings.TrimSpace(in.URI), method: in.Method, params: in.RequestParameters}, nil
}

// Invoke calls the backend: request parameters mapped onto the request; for
// HTTP_PROXY the message as the body (on $connect the client's headers, minus
// the handshake's), for HTTP the request template's output. Any HTTP status
// is an answer; a transport failure is an integration failure and a missed
// deadline a timeout.
func (h *httpIntegration) Invoke(ctx context.Context, req *IntegrationRequest) (*IntegrationResult, error) {
	rc := req.Context
	src := httpinteg.Sources{
		Context:        rc.flat(),
		StageVariables: req.StageVariables,
		Body:           req.RawBody,
	}
	if rc.EventType == EventTypeConnect {
		src.Header, src.Query = req.Headers, req.QueryString
	}
	mapped, err := httpinteg.MapParameters(h.params, src)
	if err != nil {
		return nil, configError("%v", err)
	}
	hr := httpinteg.Request{Method: h.method, URI: h.uri, Mapped: mapped, Body: req.Body}
	if h.proxy && rc.EventType == EventTypeConnect {
		hr.Header = httpinteg.ProxyHeaders(lambda.ForwardedHeaders(req.Headers, rc.DomainName, rc.SourceIP, rc.scheme()))
	}
	resp, err := httpinteg.Do(ctx, httpBackendClient, hr)
	if err != nil {
		return nil, err
	}
	return &IntegrationResult{StatusCode: resp.Status, Headers: resp.Header, Body: resp.Body}, nil
}
