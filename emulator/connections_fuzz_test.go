package emulator

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzServeHTTP sends arbitrary methods, paths and bodies to the gateway's
// HTTP handler (no upgrade): it must never panic, and every answer must be
// one the gateway documents, with a JSON body when it has one.
func FuzzServeHTTP(f *testing.F) {
	f.Add("POST", "/production/@connections/AAAAAAAAAAAAAAA=", []byte("hi"))
	f.Add("GET", "/%40connections/AAAAAAAAAAAAAAA%3D", []byte(nil))
	f.Add("DELETE", "/production/@connections/", []byte(nil))
	f.Add("PUT", "/production", []byte("x"))
	f.Add("GET", "/production/%zz", []byte(nil))
	f.Add("POST", "/@connections/a/b", []byte("{}"))
	g, err := New(seedAPI(), Options{})
	if err != nil {
		f.Fatal(err)
	}
	allowed := map[int]bool{200: true, 204: true, 400: true, 403: true, 404: true, 410: true, 413: true, 426: true}
	f.Fuzz(func(t *testing.T, method, path string, body []byte) {
		if method == "" || strings.ContainsAny(method, " \t\r\n") || !strings.HasPrefix(path, "/") || strings.ContainsAny(path, " \t\r\n#?") {
			return
		}
		req, err := http.NewRequest(method, "http://127.0.0.1:8080"+path, bytes.NewReader(body))
		if err != nil {
			return
		}
		rec := httptest.NewRecorder()
		g.ServeHTTP(rec, req)
		if !allowed[rec.Code] {
			t.Fatalf("%s %s → %d %s", method, path, rec.Code, rec.Body)
		}
		if rec.Body.Len() > 0 && !json.Valid(rec.Body.Bytes()) {
			t.Fatalf("%s %s → %d with a body that is not JSON: %q", method, path, rec.Code, rec.Body)
		}
	})
}
