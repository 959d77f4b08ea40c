package cli

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"wsworkbench/assets"
	"wsworkbench/client/scenario"
	"wsworkbench/emulator"
	"wsworkbench/emulator/atomicfile"
	"wsworkbench/emulator/model"
	"wsworkbench/emulator/samplebackend"
	"wsworkbench/emulator/workspace"
)

func init() {
	register(command{
		name:    "test",
		usage:   "[flags] (--workspace FILE | --url URL) SCENARIO...",
		summary: "run scenarios against the embedded gateway or any WebSocket API; JUnit XML for CI",
		run:     runTest,
	})
}

const testHelp = `
Runs each SCENARIO file (docs/scenarios.md) and prints one line per scenario,
with what was expected and what came for a failed step. Exit code 0 when
every scenario passed, 1 when one failed or could not run, 2 for a wrong
command line.

With --workspace, each scenario gets its own embedded gateway for FILE (a
CloudFormation or SAM template, a serverless.yml, or the words sample and
chat: the built-in MOCK API and the chat sample with its backend), so
scenarios run in parallel without seeing each other's connections. With
--url they run against that stage (a wsworkbench serve, or an API Gateway
stage: add --sigv4 when its routes use IAM authorization), one at a time
unless --parallel says otherwise, since they share its connections.

Examples:
  wsworkbench test --workspace sample assets/sample.scenario.yaml
  wsworkbench test --workspace template.yaml --junit report.xml tests/*.yaml
  wsworkbench test --url wss://abc123.execute-api.eu-west-1.amazonaws.com/prod --sigv4 smoke.yaml
`

type testFlags struct {
	workspace, url, junit, region string
	timeScale                     float64
	timeout                       time.Duration
	parallel                      int
	sigv4, insecure               bool
}

func runTest(args []string, stdio Stdio) int {
	fs := newFlags("test", stdio)
	var f testFlags
	fs.StringVar(&f.workspace, "workspace", "", "run an embedded gateway for FILE (or sample, or chat) per scenario")
	fs.StringVar(&f.url, "url", "", "run against this WebSocket stage URL instead, e.g. ws://127.0.0.1:8080/production")
	fs.StringVar(&f.junit, "junit", "", "also write the results as JUnit XML to this file")
	fs.Float64Var(&f.timeScale, "time-scale", 0, "with --workspace: divide the gateway's timeouts by N (0 keeps the file's setting)")
	fs.DurationVar(&f.timeout, "timeout", 0, "how long each expect waits (default: the scenario's timeout, else 5s)")
	fs.IntVar(&f.parallel, "parallel", 0, "how many scenarios run at once (default: 4 with --workspace, 1 with --url)")
	fs.BoolVar(&f.sigv4, "sigv4", false, "with --url: sign connects and @connections calls with SigV4 from the default AWS credential chain")
	fs.StringVar(&f.region, "region", "", "with --sigv4: the AWS region (default: from the URL's host, then the AWS configuration)")
	fs.BoolVar(&f.insecure, "insecure", false, "accept any certificate on wss:// (e.g. serve --tls)")
	flagUsage := fs.Usage
	fs.Usage = func() {
		flagUsage()
		fmt.Fprint(fs.Output(), testHelp)
	}
	if code, done := parseFlags(fs, args, stdio); done {
		return code
	}
	if code := f.check(fs, stdio); code != ExitOK {
		return code
	}
	scenarios, err := loadScenarios(fs.Args())
	if err != nil {
		fmt.Fprintln(stdio.Err, err)
		return ExitError
	}
	ctx, stop := stopContext()
	defer stop()
	start := time.Now()
	results := f.runAll(ctx, scenarios)

	failed := 0
	for _, res := range results {
		scenario.WriteText(stdio.Out, res)
		if !res.Passed() {
			failed++
		}
	}
	if f.junit != "" {
		if err := writeJUnitFile(f.junit, results, start); err != nil {
			fmt.Fprintf(stdio.Err, "wsworkbench test: --junit: %v\n", err)
			return ExitError
		}
	}
	fmt.Fprintf(stdio.Out, "%d passed, %d failed\n", len(results)-failed, failed)
	if failed > 0 {
		return ExitError
	}
	return ExitOK
}

func (f *testFlags) check(fs *flag.FlagSet, stdio Stdio) int {
	switch {
	case (f.workspace == "") == (f.url == ""):
		fmt.Fprintln(stdio.Err, "wsworkbench test: give --workspace FILE or --url URL (one of them)")
		return ExitUsage
	case fs.NArg() == 0:
		fmt.Fprintln(stdio.Err, "wsworkbench test: give at least one SCENARIO file")
		return ExitUsage
	case f.sigv4 && f.url == "":
		fmt.Fprintln(stdio.Err, "wsworkbench test: --sigv4 signs for a deployed API: use it with --url")
		return ExitUsage
	case f.timeScale < 0 || f.parallel < 0 || f.timeout < 0:
		fmt.Fprintln(stdio.Err, "wsworkbench test: --time-scale, --parallel and --timeout must not be negative")
		return ExitUsage
	}
	if f.parallel == 0 {
		f.parallel = 1
		if f.workspace != "" {
			f.parallel = 4
		}
	}
	return ExitOK
}

// loadScenarios parses every file before anything runs, so a typo in the
// last file is found at once.
func loadScenarios(paths []string) ([]*scenario.Scenario, error) {
	var out []*scenario.Scenario
	var errs []error
	for _, p := range paths {
		sc, err := scenario.Load(p)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out = append(out, sc)
	}
	return out, errors.Join(errs...)
}

// runAll runs the scenarios, at most f.parallel at once, and returns their
// results in the order given.
func (f *testFlags) runAll(ctx context.Context, scenarios []*scenario.Scenario) []*scenario.Result {
	results := make([]*scenario.Result, len(scenarios))
	sem := make(chan struct{}, f.parallel)
	var wg sync.WaitGroup
	for i, sc := range scenarios {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			results[i] = f.runOne(ctx, sc)
		}()
	}
	wg.Wait()
	return results
}

func (f *testFlags) runOne(ctx context.Context, sc *scenario.Scenario) *scenario.Result {
	r := &scenario.Runner{URL: f.url, Timeout: f.timeout, InsecureSkipVerify: f.insecure}
	if f.workspace != "" {
		g, closeAll, err := f.startGateway()
		if err != nil {
			return &scenario.Result{Scenario: sc, Err: err}
		}
		defer closeAll()
		r.URL, r.ConnectionsURL = g.URL(), g.ConnectionsURL()
		r.ConnectionID = g.ConnectionIDFrom
	} else {
		r.ConnectionID = inspectConnectionID(f.url, f.insecure)
		r.HTTPClient = insecureClient(f.insecure)
		if f.sigv4 {
			s, err := scenario.NewSigV4(ctx, f.url, f.region)
			if err != nil {
				return &scenario.Result{Scenario: sc, Err: err}
			}
			r.SignConnect, r.SignRequest = s.SignConnect, s.SignRequest
		}
	}
	return r.Run(ctx, sc)
}

// startGateway opens an embedded gateway for the workspace on a free
// loopback port, with the chat sample's backend when the workspace is chat.
func (f *testFlags) startGateway() (*emulator.Gateway, func(), error) {
	var api *model.API
	var chat *samplebackend.Server
	if f.workspace == "chat" {
		ws, err := chatWorkspace()
		if err != nil {
			return nil, nil, err
		}
		chat, err = samplebackend.Open("127.0.0.1:0", samplebackend.Options{HTTPClient: &http.Client{Timeout: 10 * time.Second}})
		if err != nil {
			return nil, nil, fmt.Errorf("chat backend: %w", err)
		}
		api = ws.API.Clone()
		api.Settings.LambdaEndpoint = chat.URL()
	} else {
		ws, err := loadWorkspace(f.workspace)
		if err != nil {
			return nil, nil, err
		}
		api = ws.API.Clone()
	}
	if f.timeScale > 0 {
		api.Settings.TimeScale = f.timeScale
	}
	closeChat := func() {
		if chat != nil {
			_ = chat.Close()
		}
	}
	g, err := emulator.New(api, emulator.Options{Addr: "127.0.0.1:0"})
	if err == nil {
		err = g.Open()
	}
	if err != nil {
		closeChat()
		return nil, nil, fmt.Errorf("%s: %w", f.workspace, err)
	}
	return g, func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = g.Close(ctx)
		closeChat()
	}, nil
}

// inspectConnectionID asks a wsworkbench serve (GET /@wsworkbench/connections
// on its port) for a client's connection ID. Another server answers that
// it does not know.
func inspectConnectionID(wsURL string, insecure bool) func(context.Context, string) (string, error) {
	return func(ctx context.Context, local string) (string, error) {
		endpoint, err := inspectURL(wsURL)
		if err != nil {
			return "", err
		}
		hc := insecureClient(insecure)
		return emulator.PollConnectionID(ctx, local, func() ([]emulator.ConnectionInfo, error) {
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, endpoint, nil)
			if err != nil {
				return nil, err
			}
			resp, err := hc.Do(req)
			if err != nil {
				return nil, err
			}
			defer resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				return nil, fmt.Errorf("the server does not tell connection IDs (it is not a wsworkbench gateway: GET %s answered %s); capture the ID from a frame the API sends instead", endpoint, resp.Status)
			}
			var list []struct {
				ConnectionID string `json:"connectionId"`
				RemoteAddr   string `json:"remoteAddr"`
			}
			if err := json.NewDecoder(resp.Body).Decode(&list); err != nil {
				return nil, fmt.Errorf("GET %s: %w", endpoint, err)
			}
			out := make([]emulator.ConnectionInfo, len(list))
			for i, c := range list {
				out[i] = emulator.ConnectionInfo{ID: c.ConnectionID, RemoteAddr: c.RemoteAddr}
			}
			return out, nil
		})
	}
}

func writeJUnitFile(path string, results []*scenario.Result, start time.Time) error {
	var buf bytes.Buffer
	if err := scenario.WriteJUnit(&buf, results, start); err != nil {
		return err
	}
	return atomicfile.Write(path, buf.Bytes())
}

// chatWorkspace is the built-in chat sample (the AWS SAM chat template).
func chatWorkspace() (*workspace.Workspace, error) {
	return workspace.Parse(assets.ChatSAMName, assets.ChatSAM)
}

// inspectURL is a stage URL's /@wsworkbench/connections endpoint.
func inspectURL(wsURL string) (string, error) {
	u, err := url.Parse(wsURL)
	if err != nil || (u.Scheme != "ws" && u.Scheme != "wss") {
		return "", fmt.Errorf("%q is not a ws:// or wss:// URL", wsURL)
	}
	u.Scheme = strings.Replace(u.Scheme, "ws", "http", 1)
	u.Path, u.RawQuery = "/"+emulator.InspectPrefix+"/connections", ""
	return u.String(), nil
}

// insecureClient is an HTTP client that accepts any certificate when asked
// (for serve --tls's self-signed one).
func insecureClient(insecure bool) *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	if insecure {
		tr.TLSClientConfig = &tls.Config{InsecureSkipVerify: true}
	}
	return &http.Client{Timeout: 10 * time.Second, Transport: tr}
}
