package localfn

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"wsworkbench/emulator/atomicfile"
	"wsworkbench/emulator/model"
)

// UsesLambda reports whether any of api's integrations or authorizers calls
// a Lambda function.
func UsesLambda(api *model.API) bool {
	for _, in := range api.Integrations {
		if in.Type == model.TypeAWSProxy || in.Type == model.TypeAWS {
			return true
		}
	}
	return len(api.Authorizers) > 0 && !api.Settings.MockAuthorizer.Enabled
}

// RunsLocally reports whether the workbench runs api's functions itself:
// it calls Lambda and names no Lambda endpoint (an endpoint keeps every call
// on the Invoke API).
func RunsLocally(api *model.API) bool {
	return UsesLambda(api) && strings.TrimSpace(api.Settings.LambdaEndpoint) == ""
}

// Setup is how `wsworkbench serve` and the window run a workspace's
// functions: what differs between them is only where the values come from
// (flags, the window's settings).
type Setup struct {
	// MaxInstances bounds each function's instances (0: the default).
	MaxInstances int
	// CertPath, when set, is the certificate the gateway serves: functions
	// get it as their CA bundle, so SDK calls to the @connections API over
	// https verify.
	CertPath string
	// DynamoEndpoint, when set, is the functions' AWS_ENDPOINT_URL_DYNAMODB.
	DynamoEndpoint string
	// OnReload is told when a function's code changed (see Options).
	OnReload func(function string)
}

// Start returns a Runner for fns set up as s says.
func Start(fns []Function, s Setup) (*Runner, error) {
	opts := Options{MaxInstances: s.MaxInstances, Env: map[string]string{}, OnReload: s.OnReload}
	if s.CertPath != "" {
		env, err := CAEnv(s.CertPath)
		if err != nil {
			return nil, err
		}
		opts.Env = env
	}
	if s.DynamoEndpoint != "" {
		opts.Env["AWS_ENDPOINT_URL_DYNAMODB"] = s.DynamoEndpoint
	}
	return New(fns, opts)
}

// systemCABundles are where Linux distributions and macOS keep the system's
// CA certificates.
var systemCABundles = []string{
	"/etc/ssl/certs/ca-certificates.crt", // Debian, Ubuntu, Alpine
	"/etc/pki/tls/certs/ca-bundle.crt",   // Fedora, RHEL
	"/etc/ssl/cert.pem",                  // macOS, Alpine
}

// CAEnv returns the variables that make Node.js, Python, Ruby and the AWS
// SDKs trust the workbench's certificate at certPath: NODE_EXTRA_CA_CERTS
// adds it to Node's CAs; SSL_CERT_FILE and AWS_CA_BUNDLE replace the CA
// list, so they name a bundle of the system's CAs plus the workbench's
// (written beside the certificate).
func CAEnv(certPath string) (map[string]string, error) {
	own, err := os.ReadFile(certPath)
	if err != nil {
		return nil, fmt.Errorf("reading the certificate: %w", err)
	}
	var bundle []byte
	for _, p := range systemCABundles {
		if b, err := os.ReadFile(p); err == nil {
			bundle = append(bundle, b...)
			if len(b) > 0 && b[len(b)-1] != '\n' {
				bundle = append(bundle, '\n')
			}
			break
		}
	}
	bundle = append(bundle, own...)
	path := filepath.Join(filepath.Dir(certPath), "ca-bundle-with-workbench.pem")
	if err := atomicfile.Write(path, bundle); err != nil {
		return nil, fmt.Errorf("writing the CA bundle for functions: %w", err)
	}
	return map[string]string{
		"NODE_EXTRA_CA_CERTS": certPath,
		"SSL_CERT_FILE":       path,
		"AWS_CA_BUNDLE":       path,
	}, nil
}
