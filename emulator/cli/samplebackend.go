package cli

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"wsworkbench/emulator/samplebackend"
	"wsworkbench/emulator/tlscert"
)

func init() {
	register(command{
		name:    "sample-backend",
		usage:   "chat [--listen ADDR] [--cacert FILE]",
		summary: "serve the chat sample's Lambda functions (Invoke API) for the seed chat projects",
		run:     runSampleBackend,
	})
}

// runSampleBackend serves the built-in chat backend until interrupted. It
// prints the Lambda endpoint to give `serve --lambda-endpoint` (or the
// window's Lambda endpoint setting) and one line per function call.
func runSampleBackend(args []string, stdio Stdio) int {
	fset := newFlags("sample-backend", stdio)
	var listen, cacert string
	fset.StringVar(&listen, "listen", samplebackend.DefaultAddr, "the address to serve the Lambda Invoke API on")
	fset.StringVar(&cacert, "cacert", "", "a PEM certificate to trust when posting to an https @connections endpoint (default: the workbench's own, when it exists)")
	// The sample's name may come before or after the flags:
	// "sample-backend chat --listen ADDR" as well as "--listen ADDR chat".
	var names []string
	for {
		if code, done := parseFlags(fset, args, stdio); done {
			return code
		}
		if fset.NArg() == 0 {
			break
		}
		names = append(names, fset.Arg(0))
		args = fset.Args()[1:]
	}
	if len(names) != 1 || names[0] != "chat" {
		fmt.Fprintln(stdio.Err, "wsworkbench sample-backend: name the sample: chat (the only one)")
		return ExitUsage
	}
	client, trusted, err := sampleBackendClient(cacert)
	if err != nil {
		fmt.Fprintf(stdio.Err, "wsworkbench sample-backend: %v\n", err)
		return ExitError
	}
	var mu sync.Mutex // the log lines come from concurrent calls
	logf := func(format string, a ...any) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(stdio.Out, time.Now().Format("15:04:05.000")+" "+format+"\n", a...)
	}
	srv, err := samplebackend.Open(listen, samplebackend.Options{HTTPClient: client, Logf: logf})
	if err != nil {
		fmt.Fprintf(stdio.Err, "wsworkbench sample-backend: %v\n", err)
		return ExitError
	}
	ctx, stop := stopContext()
	defer stop()
	mu.Lock()
	fmt.Fprintf(stdio.Out, "chat sample backend: Lambda Invoke API on %s\n", srv.URL())
	fmt.Fprintf(stdio.Out, "functions: OnConnectFunction, OnDisconnectFunction, SendMessageFunction (SAM); connect, disconnect, sendMessage (serverless.yml)\n")
	if trusted != "" {
		fmt.Fprintf(stdio.Out, "trusting %s for https @connections\n", trusted)
	}
	fmt.Fprintf(stdio.Out, "try: wsworkbench serve --lambda-endpoint %s simple-chat.sam.yaml\n", srv.URL())
	mu.Unlock()
	<-ctx.Done()
	if err := srv.Close(); err != nil {
		fmt.Fprintf(stdio.Err, "wsworkbench sample-backend: %v\n", err)
		return ExitError
	}
	return ExitOK
}

// sampleBackendClient returns the HTTP client the chat posts to @connections
// with: it trusts the system's roots plus cacert, or the workbench's own
// certificate (serve --tls) when no cacert is given and one exists.
func sampleBackendClient(cacert string) (*http.Client, string, error) {
	path := cacert
	if path == "" {
		dir, err := tlscert.DefaultDir()
		if err == nil {
			p := filepath.Join(dir, tlscert.CertFile)
			if _, err := os.Stat(p); err == nil {
				path = p
			}
		}
	}
	client := &http.Client{Timeout: 10 * time.Second}
	if path == "" {
		return client, "", nil
	}
	pemBytes, err := os.ReadFile(path)
	if err != nil {
		if cacert == "" && errors.Is(err, fs.ErrNotExist) {
			return client, "", nil
		}
		return nil, "", fmt.Errorf("--cacert: %w", err)
	}
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(pemBytes) {
		return nil, "", fmt.Errorf("--cacert %s: no PEM certificate in it", path)
	}
	client.Transport = &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}
	return client, path, nil
}
