// Package scenario reads, writes, records and runs WebSocket scenarios: a
// YAML file of named clients and steps (connect, send, expect, @connections
// calls, wait, close, expect close) that a QA engineer records once in the
// window and replays in CI with `wsworkbench test`.
//
// A scenario talks to any WebSocket server through the client package: the
// embedded gateway, a `wsworkbench serve`, or a deployed API Gateway stage. It
// never imports the emulator; what it needs from a gateway (the connection ID
// a client got) comes through Runner.ConnectionID.
//
// The file format is documented in docs/scenarios.md, with a JSON Schema in
// docs/scenario.schema.json.
package scenario

import (
	"regexp"
	"time"

	"gopkg.in/yaml.v3"
)

// DefaultTimeout is how long an expect or expectClose waits when the step
// and the scenario give no timeout.
const DefaultTimeout = 5 * time.Second

// Scenario is one parsed scenario file.
type Scenario struct {
	// File is the name errors and reports use (a path, or a label).
	File        string
	Name        string
	Description string
	// Timeout is the scenario's default for expect steps (DefaultTimeout
	// when the file gives none).
	Timeout time.Duration
	// Clients holds the clients the file declares, in file order; a client
	// named only in steps gets an empty ClientSpec.
	Clients []ClientSpec
	// Vars are the file's initial variables.
	Vars  map[string]string
	Steps []Step

	// doc is the parsed YAML document, kept so Encode writes the file back
	// with its comments, key order and descriptions.
	doc *yaml.Node
}

// ClientSpec is a client's defaults for its connect steps.
type ClientSpec struct {
	Name         string
	Path         string
	Headers      map[string]string
	Query        map[string]string
	Subprotocols []string
}

// Kind says what a step does.
type Kind string

// The kinds of step, as the YAML key that starts the step.
const (
	Connect     Kind = "connect"
	Send        Kind = "send"
	Expect      Kind = "expect"
	Post        Kind = "post"
	Get         Kind = "get"
	Delete      Kind = "delete"
	Wait        Kind = "wait"
	Close       Kind = "close"
	ExpectClose Kind = "expectClose"
)

// kinds lists every Kind in the order docs/scenarios.md gives them.
var kinds = []Kind{Connect, Send, Expect, Post, Get, Delete, Wait, Close, ExpectClose}

// Pos is a place in a scenario file.
type Pos struct {
	Line, Col int
}

// Step is one step. Which fields apply depends on Kind; Parse refuses fields
// that do not.
type Step struct {
	Kind        Kind
	Pos         Pos
	Description string
	// Client names the client for connect, send, expect, close and
	// expectClose.
	Client string
	// Target is the connection ID (usually "${connectionId.NAME}") for
	// post, get and delete.
	Target string

	// connect: Path, Headers, Query and Subprotocols add to (and override)
	// the client's defaults; Status is the upgrade status expected (101 by
	// default; 403 for a refused connect).
	Path         string
	Headers      map[string]string
	Query        map[string]string
	Subprotocols []string
	// Status is the HTTP status expected by connect, post, get and delete
	// (0: 101 for connect, 200 for post and get, 204 for delete).
	Status int

	// Body is what send and post send: text, or JSON written compactly.
	// Variables in it are replaced when the step runs.
	Body string
	// BodyJSON marks Body as JSON written from a YAML value: it is sent
	// compact, with variables replaced inside its strings.
	BodyJSON bool

	// Frames are the matchers of an expect (one, or an unordered set), or
	// of a get's answer body (at most one).
	Frames []Matcher
	// Timeout bounds expect and expectClose (0: the scenario's).
	Timeout time.Duration
	// Captures name values to take from the frame (or body) the first
	// matcher matched.
	Captures []Capture

	// Wait is the duration of a wait step.
	Wait time.Duration

	// Code and Reason are what close sends (1000 and "" by default) and the
	// code expectClose wants (0: any).
	Code   int
	Reason string
}

// MatchKind says how a Matcher compares a frame.
type MatchKind string

// The matchers, as their YAML keys.
const (
	MatchText   MatchKind = "text"   // the frame is exactly this text
	MatchJSON   MatchKind = "json"   // the frame is JSON equal to this value
	MatchSubset MatchKind = "subset" // the frame is JSON containing this value
	MatchRegex  MatchKind = "regex"  // the frame matches this regular expression
	MatchAny    MatchKind = "any"    // any frame
)

// Matcher is one expected frame.
type Matcher struct {
	Kind MatchKind
	Pos  Pos
	// Text is the expected text (text), the JSON written compactly (json,
	// subset) or the expression (regex). Variables are replaced when the
	// step runs.
	Text  string
	Value any            // json, subset: the decoded value
	Regex *regexp.Regexp // regex with no variables, compiled at parse time
}

// Capture takes one value from a matched frame into a variable.
type Capture struct {
	Var string
	Pos Pos
	// Path is a JSONPath ($.a.b[0]) into the frame's JSON, or "" when Regex
	// is set.
	Path string
	// Regex takes its first group (or the whole match) from the frame's
	// text.
	Regex *regexp.Regexp
}
