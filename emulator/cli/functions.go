package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"wsworkbench/emulator/dynamo"
	"wsworkbench/emulator/localfn"
	"wsworkbench/emulator/model"
	"wsworkbench/emulator/tlscert"
)

// localFunctions returns a runner for fns. cert, when not nil, is the
// certificate the gateway serves: functions get it as their CA bundle so SDK
// calls to the @connections API over https verify. dynamoEndpoint, when set,
// is the functions' AWS_ENDPOINT_URL_DYNAMODB. Each invocation's log reaches
// the event log with the event of the call (LambdaCall.Log); reloads are
// reported on errw when logging.
func localFunctions(fns []model.Function, maxInstances int, cert *tlscert.Cert, dynamoEndpoint string, logging bool, errw io.Writer) (*localfn.Runner, error) {
	opts := localfn.Options{MaxInstances: maxInstances, Env: map[string]string{}}
	if cert != nil {
		env, err := caEnv(cert)
		if err != nil {
			return nil, err
		}
		opts.Env = env
	}
	if dynamoEndpoint != "" {
		opts.Env["AWS_ENDPOINT_URL_DYNAMODB"] = dynamoEndpoint
	}
	if logging {
		opts.OnReload = func(fn string) {
			fmt.Fprintf(errw, "%s function %s: code changed; its next invocation starts a new instance\n", time.Now().Format("15:04:05.000"), fn)
		}
	}
	return localfn.New(fns, opts)
}

// ensureTables creates the file's DynamoDB tables that endpoint lacks and
// says what it did on errw.
func ensureTables(ctx context.Context, endpoint string, tables []model.Table, errw io.Writer) error {
	if len(tables) == 0 {
		fmt.Fprintf(errw, "DynamoDB: %s (the file declares no table)\n", endpoint)
		return nil
	}
	created, err := dynamo.EnsureTables(ctx, endpoint, "", tables)
	for _, name := range created {
		fmt.Fprintf(errw, "DynamoDB: created table %s at %s\n", name, endpoint)
	}
	if err != nil {
		return err
	}
	if kept := len(tables) - len(created); kept > 0 {
		fmt.Fprintf(errw, "DynamoDB: %d table(s) already at %s, left as they are\n", kept, endpoint)
	}
	return nil
}

// appendFunctionLog appends a local invocation's log, indented, to go under
// its event in the text log.
func appendFunctionLog(b []byte, log string) []byte {
	log = strings.TrimRight(log, "\n")
	for line := range strings.SplitAfterSeq(log, "\n") {
		b = append(b, "    "...)
		b = append(b, line...)
	}
	return append(b, '\n')
}

// systemCABundles are where Linux distributions and macOS keep the system's
// CA certificates.
var systemCABundles = []string{
	"/etc/ssl/certs/ca-certificates.crt", // Debian, Ubuntu, Alpine
	"/etc/pki/tls/certs/ca-bundle.crt",   // Fedora, RHEL
	"/etc/ssl/cert.pem",                  // macOS, Alpine
}

// caEnv returns the variables that make Node.js, Python, Ruby and the AWS
// SDKs trust the workbench's certificate: NODE_EXTRA_CA_CERTS adds it to
// Node's CAs; SSL_CERT_FILE and AWS_CA_BUNDLE replace the CA list, so they
// name a bundle of the system's CAs plus the workbench's (written beside
// the certificate).
func caEnv(cert *tlscert.Cert) (map[string]string, error) {
	own, err := os.ReadFile(cert.CertPath)
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
	path := filepath.Join(filepath.Dir(cert.CertPath), "ca-bundle-with-workbench.pem")
	if err := writeFileAtomic(path, bundle); err != nil {
		return nil, fmt.Errorf("writing the CA bundle for functions: %w", err)
	}
	return map[string]string{
		"NODE_EXTRA_CA_CERTS": cert.CertPath,
		"SSL_CERT_FILE":       path,
		"AWS_CA_BUNDLE":       path,
	}, nil
}

// writeFileAtomic writes data to path through a temporary file.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".ca-bundle-*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return nil
}
