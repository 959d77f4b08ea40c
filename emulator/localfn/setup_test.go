package localfn

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"wsworkbench/emulator/model"
)

// TestCAEnv: the functions' CA variables name the certificate (Node adds
// it) and a bundle beside it holding the certificate after the system's
// CAs (Python, Ruby and the SDKs replace theirs with it).
func TestCAEnv(t *testing.T) {
	dir := t.TempDir()
	cert := filepath.Join(dir, "cert.pem")
	own := "-----BEGIN CERTIFICATE-----\nWORKBENCH\n-----END CERTIFICATE-----\n"
	if err := os.WriteFile(cert, []byte(own), 0o600); err != nil {
		t.Fatal(err)
	}
	env, err := CAEnv(cert)
	if err != nil {
		t.Fatal(err)
	}
	bundle := filepath.Join(dir, "ca-bundle-with-workbench.pem")
	if env["NODE_EXTRA_CA_CERTS"] != cert || env["SSL_CERT_FILE"] != bundle || env["AWS_CA_BUNDLE"] != bundle {
		t.Fatalf("env %v", env)
	}
	b, err := os.ReadFile(bundle)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(string(b), own) {
		t.Errorf("the bundle does not end with the workbench's certificate")
	}
	if _, err := CAEnv(filepath.Join(dir, "missing.pem")); err == nil {
		t.Error("a missing certificate is no error")
	}
}

// TestRunsLocally: functions run here only for an API that calls Lambda
// and names no endpoint.
func TestRunsLocally(t *testing.T) {
	lambda := func(endpoint string) *model.API {
		api := &model.API{Integrations: []model.Integration{{Type: model.TypeAWSProxy}}}
		api.Settings.LambdaEndpoint = endpoint
		return api
	}
	mock := &model.API{Integrations: []model.Integration{{Type: model.TypeMock}}}
	cases := []struct {
		name string
		api  *model.API
		want bool
	}{
		{"lambda, no endpoint", lambda(""), true},
		{"lambda, blank endpoint", lambda("  "), true},
		{"lambda, endpoint", lambda("http://127.0.0.1:3001"), false},
		{"mock only", mock, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := RunsLocally(c.api); got != c.want {
				t.Errorf("RunsLocally = %v, want %v", got, c.want)
			}
		})
	}
}
