package scenario

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"
)

// volatileKeys are JSON members whose values change on every run (request
// and message IDs, times): a recorded expect leaves them out and captures
// them into variables instead, so a later frame that repeats one is matched
// by the variable, not by a literal that will never come again.
var volatileKeys = map[string]bool{
	"requestId": true, "extendedRequestId": true, "messageId": true, "apiId": true,
	"connectedAt": true, "requestTime": true, "requestTimeEpoch": true, "timestamp": true,
	"time": true, "date": true, "lastActiveAt": true,
}

// Recorder turns what a window's tabs send and receive into a scenario:
// connect, send and close steps as they happened, and an expect for each
// frame that came back. Connection IDs the gateway gave the tabs become
// ${connectionId.NAME}; request IDs and times are captured, not compared.
//
// A Recorder is safe for concurrent use: tabs report from their own
// goroutines.
type Recorder struct {
	mu       sync.Mutex
	name     string
	clients  []string
	steps    []*yaml.Node
	connIDs  map[string]string // connection ID -> client name
	captured map[string]string // captured value -> variable name
	nCapture int
}

// NewRecorder starts a recording named name.
func NewRecorder(name string) *Recorder {
	return &Recorder{name: name, connIDs: map[string]string{}, captured: map[string]string{}}
}

func (r *Recorder) client(name string) {
	for _, c := range r.clients {
		if c == name {
			return
		}
	}
	r.clients = append(r.clients, name)
}

// Connect records a connect of client to path (relative to the stage, ""
// for the stage itself) that the server answered with status, and the
// connection ID it gave ("" when unknown).
func (r *Recorder) Connect(client, path string, headers, query map[string]string, subprotocols []string, status int, connectionID string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.client(client)
	st := r.step("connect", client)
	if path != "" {
		addPair(st, "path", str(path))
	}
	if len(headers) > 0 {
		addPair(st, "headers", strMapNode(headers))
	}
	if len(query) > 0 {
		addPair(st, "query", strMapNode(query))
	}
	if len(subprotocols) > 0 {
		seq := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
		for _, s := range subprotocols {
			seq.Content = append(seq.Content, str(s))
		}
		addPair(st, "subprotocols", seq)
	}
	if status != 0 && status != 101 {
		addPair(st, "status", num(status))
	}
	if connectionID != "" {
		r.connIDs[connectionID] = client
	}
}

// SetConnectionID tells the recorder a client's connection ID when it is
// learnt after the connect.
func (r *Recorder) SetConnectionID(client, connectionID string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if connectionID != "" {
		r.connIDs[connectionID] = client
	}
}

// Send records a frame the client sent.
func (r *Recorder) Send(client, text string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	st := r.step("send", client)
	if json.Valid([]byte(text)) && strings.TrimSpace(text) != "" && (text[0] == '{' || text[0] == '[') {
		addPair(st, "json", quoted(r.replaceJSON(text, nil)))
	} else {
		addPair(st, "text", quoted(r.replaceText(text)))
	}
}

// Receive records a frame the client received, as an expect.
func (r *Recorder) Receive(client, text string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	st := r.step("expect", client)
	var v any
	if err := json.Unmarshal([]byte(text), &v); err == nil && (strings.HasPrefix(strings.TrimSpace(text), "{") || strings.HasPrefix(strings.TrimSpace(text), "[")) {
		var caps [][2]string
		body := r.replaceJSON(text, &caps)
		key := "json"
		if len(caps) > 0 {
			key = "subset"
		}
		addPair(st, key, quoted(body))
		if len(caps) > 0 {
			m := &yaml.Node{Kind: yaml.MappingNode}
			for _, c := range caps {
				m.Content = append(m.Content, str(c[0]), str(c[1]))
			}
			addPair(st, "capture", m)
		}
		return
	}
	addPair(st, "text", quoted(r.replaceText(text)))
}

// Close records that the client closed with code and reason.
func (r *Recorder) Close(client string, code int, reason string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	st := r.step("close", client)
	if code != 0 && code != 1000 {
		addPair(st, "code", num(code))
	}
	if reason != "" {
		addPair(st, "reason", str(reason))
	}
}

// Closed records that the server closed the client's connection with code.
func (r *Recorder) Closed(client string, code int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	st := r.step("expectClose", client)
	if code != 0 {
		addPair(st, "code", num(code))
	}
}

// Len is how many steps have been recorded.
func (r *Recorder) Len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.steps)
}

// YAML writes the recording as a scenario file.
func (r *Recorder) YAML() []byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	root := &yaml.Node{Kind: yaml.MappingNode}
	addPair(root, "name", str(r.name))
	addPair(root, "description", str("Recorded in wsworkbench. Connection IDs are ${connectionId.NAME}; request IDs and times are captured, not compared."))
	clients := &yaml.Node{Kind: yaml.MappingNode}
	for _, c := range r.clients {
		clients.Content = append(clients.Content, str(c), &yaml.Node{Kind: yaml.MappingNode, Style: yaml.FlowStyle})
	}
	addPair(root, "clients", clients)
	steps := &yaml.Node{Kind: yaml.SequenceNode, Content: r.steps}
	addPair(root, "steps", steps)
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	_ = enc.Encode(&yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{root}})
	_ = enc.Close()
	return b.Bytes()
}

func (r *Recorder) step(kind, client string) *yaml.Node {
	r.client(client)
	st := &yaml.Node{Kind: yaml.MappingNode}
	addPair(st, kind, str(client))
	r.steps = append(r.steps, st)
	return st
}

// replaceText puts ${connectionId.NAME} and captured variables in place of
// the values they stand for.
func (r *Recorder) replaceText(s string) string {
	for _, id := range sortedByLength(r.connIDs) {
		s = strings.ReplaceAll(s, id, "${connectionId."+r.connIDs[id]+"}")
	}
	for _, v := range sortedByLength(r.captured) {
		s = strings.ReplaceAll(s, v, "${"+r.captured[v]+"}")
	}
	return s
}

func sortedByLength(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		if len(k) >= 6 { // short values would replace text by accident
			keys = append(keys, k)
		}
	}
	sort.Slice(keys, func(i, j int) bool {
		return len(keys[i]) > len(keys[j]) || len(keys[i]) == len(keys[j]) && keys[i] < keys[j]
	})
	return keys
}

// replaceJSON rewrites a JSON text: known IDs become variables, and with
// caps, volatile members are dropped and captured (appended to caps as
// variable and JSONPath). Key order is kept.
func (r *Recorder) replaceJSON(text string, caps *[][2]string) string {
	dec := json.NewDecoder(strings.NewReader(text))
	dec.UseNumber()
	var b bytes.Buffer
	r.copyJSON(dec, &b, "$", caps)
	return b.String()
}

func (r *Recorder) copyJSON(dec *json.Decoder, b *bytes.Buffer, path string, caps *[][2]string) {
	tok, err := dec.Token()
	if err != nil {
		return
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			b.WriteByte('{')
			first := true
			for dec.More() {
				kt, _ := dec.Token()
				k, _ := kt.(string)
				p := member(path, k)
				if caps != nil && volatileKeys[k] {
					var raw json.RawMessage
					_ = dec.Decode(&raw)
					r.capture(k, p, raw, caps)
					continue
				}
				if !first {
					b.WriteByte(',')
				}
				first = false
				writeJSONString(b, k)
				b.WriteByte(':')
				r.copyJSON(dec, b, p, caps)
			}
			_, _ = dec.Token()
			b.WriteByte('}')
		case '[':
			b.WriteByte('[')
			for i := 0; dec.More(); i++ {
				if i > 0 {
					b.WriteByte(',')
				}
				r.copyJSON(dec, b, fmt.Sprintf("%s[%d]", path, i), caps)
			}
			_, _ = dec.Token()
			b.WriteByte(']')
		}
	case string:
		writeJSONString(b, r.replaceText(t))
	case json.Number:
		b.WriteString(t.String())
	case bool:
		b.WriteString(strconv.FormatBool(t))
	case nil:
		b.WriteString("null")
	}
}

// capture names a volatile value: a new variable, unless the same value
// was captured before (then the later frame is expected to repeat it, which
// a subset cannot say for a dropped member, so nothing more is needed).
func (r *Recorder) capture(key, path string, raw json.RawMessage, caps *[][2]string) {
	var s string
	if json.Unmarshal(raw, &s) != nil {
		s = string(raw)
	}
	if _, seen := r.captured[s]; seen {
		return
	}
	r.nCapture++
	name := fmt.Sprintf("%s%d", key, r.nCapture)
	r.captured[s] = name
	*caps = append(*caps, [2]string{name, path})
}

func addPair(m *yaml.Node, key string, v *yaml.Node) {
	m.Content = append(m.Content, str(key), v)
}

func str(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s} }

func quoted(s string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s, Style: yaml.SingleQuotedStyle}
}

func num(n int) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.Itoa(n)}
}

func strMapNode(m map[string]string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.MappingNode}
	for _, k := range slices.Sorted(maps.Keys(m)) {
		n.Content = append(n.Content, str(k), str(m[k]))
	}
	return n
}
