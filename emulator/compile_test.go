package emulator

import (
	"bytes"
	"encoding/base64"
	"errors"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"wsworkbench/emulator/model"
	"wsworkbench/emulator/selection"
)

// TestCompileErrors checks that Compile names the place of each problem
// and, for templates and expressions, its line and column.
func TestCompileErrors(t *testing.T) {
	tests := []struct {
		name   string
		edit   func(a *model.API)
		want   string // the error text
		line   int
		col    int
		integ  string
		route  string
		tmpl   string
		nerror int // 0 means 1
	}{
		{
			name: "no route selection expression",
			edit: func(a *model.API) { a.RouteSelectionExpression = "" },
			want: "RouteSelectionExpression: the route selection expression is required (e.g. $request.body.action)",
			tmpl: "RouteSelectionExpression",
		},
		{
			name: "bad route selection expression",
			edit: func(a *model.API) { a.RouteSelectionExpression = "${request.body.action" },
			want: "RouteSelectionExpression: 1:1:", line: 1, col: 1, tmpl: "RouteSelectionExpression",
		},
		{
			name: "Lambda integration without a function",
			edit: func(a *model.API) { a.Integrations[1].Type = model.TypeAWSProxy },
			want: `integration "ApiGatewayV2IntegrationOnMessage": no Lambda function: the integration URI is empty`, integ: "ApiGatewayV2IntegrationOnMessage",
		},
		{
			name: "unknown integration type",
			edit: func(a *model.API) { a.Integrations[1].Type = "LAMBDA" },
			want: `integration "ApiGatewayV2IntegrationOnMessage": unknown integration type "LAMBDA"`,
		},
		{
			name: "route to a missing integration",
			edit: func(a *model.API) { a.Routes[1].IntegrationID = "Nope" },
			want: `route "message": target integration "Nope" does not exist`, route: "message",
		},
		{
			name: "bad request template",
			edit: func(a *model.API) {
				a.Integrations[1].RequestTemplates["$default"] = "{\n  #if($x)\n"
			},
			want: `integration "ApiGatewayV2IntegrationOnMessage": request template "$default": 2:3:`, line: 2, col: 3,
			integ: "ApiGatewayV2IntegrationOnMessage", tmpl: `request template "$default"`,
		},
		{
			name: "bad response template",
			edit: func(a *model.API) {
				a.Integrations[1].Responses[0].ResponseTemplates["2"] = `{"a": #end}`
			},
			want: `integration "ApiGatewayV2IntegrationOnMessage": response "/200/": response template "2": 1:7:`, line: 1, col: 7,
		},
		{
			name: "bad integration response key",
			edit: func(a *model.API) { a.Integrations[1].Responses[0].Key = "200" },
			want: `integration "ApiGatewayV2IntegrationOnMessage": response "200": 1:1: an integration response key is $default or a regex between slashes (write /200/)`,
		},
		{
			name: "bad response template selection expression",
			edit: func(a *model.API) { a.Integrations[1].Responses[0].TemplateSelectionExpression = "${request.header.x}" },
			want: `integration "ApiGatewayV2IntegrationOnMessage": response "/200/": TemplateSelectionExpression: 1:`,
		},
		{
			name: "duplicate route",
			edit: func(a *model.API) { a.Routes = append(a.Routes, model.Route{Key: "message"}) },
			want: `route "message": route key defined twice`,
		},
		{
			name: "custom key with $",
			edit: func(a *model.API) { a.Routes = append(a.Routes, model.Route{Key: "$ping"}) },
			want: `route "$ping": custom route keys must not start with $`,
		},
		{
			name: "route response key",
			edit: func(a *model.API) { a.Routes[1].RouteResponse.Key = "ok" },
			want: `route "message": route response key "ok": API Gateway supports only $default`,
		},
		{
			name: "Lambda authorizer",
			edit: func(a *model.API) {
				a.Routes[0].AuthorizationType = "CUSTOM"
				a.Routes[0].AuthorizerID = "Auth"
				a.Authorizers = []model.Authorizer{{ID: "Auth", Type: "REQUEST"}}
			},
			want: `route "$connect": authorizer Auth: AuthorizerUri: no Lambda function: the integration URI is empty`,
		},
		{
			name: "timeout out of range",
			edit: func(a *model.API) { a.Integrations[1].TimeoutMillis = 30000 },
			want: `integration "ApiGatewayV2IntegrationOnMessage": TimeoutInMillis 30000 is outside 50-29000`,
		},
		{
			name: "passthrough behaviour",
			edit: func(a *model.API) { a.Integrations[1].PassthroughBehavior = "ALWAYS" },
			want: `integration "ApiGatewayV2IntegrationOnMessage": unknown PassthroughBehavior "ALWAYS"`,
		},
		{
			name: "negative setting",
			edit: func(a *model.API) { a.Settings.IdleTimeout = -time.Second },
			want: `settings: IdleTimeout must not be negative`,
		},
		{
			name: "stage name",
			edit: func(a *model.API) { a.Stage.Name = "pro duction" },
			want: `stage: stage name "pro duction" must be 1-128 letters, digits, '-' or '_'`,
		},
		{
			name: "every problem at once",
			edit: func(a *model.API) {
				a.RouteSelectionExpression = ""
				a.Integrations[0].Type = "X"
				a.Routes[1].IntegrationID = "Nope"
			},
			want: "RouteSelectionExpression", nerror: 3,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := seedAPI()
			tt.edit(api)
			snap, err := Compile(api)
			if err == nil {
				t.Fatalf("compiled: %v", snap)
			}
			var errs CompileErrors
			if !errors.As(err, &errs) {
				t.Fatalf("%T %v, want CompileErrors", err, err)
			}
			n := tt.nerror
			if n == 0 {
				n = 1
			}
			if len(errs) != n {
				t.Fatalf("%d errors, want %d:\n%v", len(errs), n, err)
			}
			if !strings.HasPrefix(errs[0].Error(), tt.want) {
				t.Errorf("got  %s\nwant %s...", errs[0], tt.want)
			}
			e := errs[0]
			if tt.line != 0 && (e.Line != tt.line || e.Col != tt.col) {
				t.Errorf("position %d:%d, want %d:%d", e.Line, e.Col, tt.line, tt.col)
			}
			if tt.integ != "" && e.Integration != tt.integ || tt.route != "" && e.Route != tt.route || tt.tmpl != "" && e.Template != tt.tmpl {
				t.Errorf("place %+v", e)
			}
		})
	}
}

// TestCompileSeed checks the seed compiles and the snapshot is wired.
func TestCompileSeed(t *testing.T) {
	api := seedAPI()
	s, err := Compile(api)
	if err != nil {
		t.Fatal(err)
	}
	if s.Stage() != "production" || len(s.APIID()) != 10 || s.connect == nil || s.routes["message"] == nil || !s.routes["message"].twoWay {
		t.Errorf("snapshot %+v", s)
	}
	if s.Settings().MaxFrameBytes != 32*1024 || s.Settings().IdleTimeout != 10*time.Minute {
		t.Errorf("settings not defaulted: %+v", s.Settings())
	}
	api.Routes[1].Key = "changed"
	if s.API().Routes[1].Key != "message" {
		t.Errorf("the snapshot shares the caller's model")
	}
	api.Stage.Name = ""
	if s, err := Compile(api); err != nil || s.Stage() != "production" {
		t.Errorf("an empty stage name: %v %v", s, err)
	}
}

// TestIDs checks the shape and uniqueness of generated IDs.
func TestIDs(t *testing.T) {
	g := newIDGen()
	seen := map[string]bool{}
	for i := 0; i < 100000; i++ {
		id, tail := g.connectionID()
		msg := g.messageID(tail)
		req := g.requestID()
		msg2, req2 := g.messageIDs(tail) // a message's IDs, made together
		for _, x := range []string{id, msg, req, msg2, req2} {
			if !validConnectionID(x) {
				t.Fatalf("%q is not 15 URL-safe base64 characters and =", x)
			}
			if seen[x] {
				t.Fatalf("duplicate ID %q", x)
			}
			seen[x] = true
		}
		if id[11] != 'C' || msg[11] != 'C' || req[11] != 'F' {
			t.Fatalf("12th characters %c %c %c, want C C F", id[11], msg[11], req[11])
		}
		if msg[12:] != id[12:] || msg2[12:] != id[12:] {
			t.Fatalf("message IDs %s, %s do not end like their connection %s", msg, msg2, id)
		}
		if msg2[11] != 'C' || req2[11] != 'F' {
			t.Fatalf("messageIDs: 12th characters %c %c, want C F", msg2[11], req2[11])
		}
	}
	for _, bad := range []string{"", "abc", "AAAAAAAAAAAAAAAA", "AAAAAAAAAAAAAA+=", "AAAAAAAAAAAAAAA=x"} {
		if validConnectionID(bad) {
			t.Errorf("%q accepted", bad)
		}
	}
	if a, b := apiIDFor("Api", "chat"), apiIDFor("Api", "chat"); a != b || len(a) != 10 || apiIDFor("Api", "other") == a {
		t.Errorf("apiIDFor: %s %s", a, b)
	}
}

// TestIDBlocksAreDisjoint: connections taking their message IDs from
// blocks, in turn and at once, and requests taking IDs from the counter
// meanwhile, never get the same counter value.
func TestIDBlocksAreDisjoint(t *testing.T) {
	const conns, perConn = 8, 1000
	seen := map[string]bool{}
	check := func(ids ...string) {
		t.Helper()
		for _, id := range ids {
			if p := id[:11]; seen[p] { // the counter's part (the kind follows)
				t.Fatalf("counter part %s given twice", p)
			} else {
				seen[p] = true
			}
		}
	}
	g := newIDGen()
	blocks := make([]idBlock, conns)
	for range perConn { // in turn, with the plain counter between
		for i := range blocks {
			check(g.messageIDsIn([2]byte{byte(i), 1}, nil, &blocks[i]))
		}
		check(g.requestID())
	}
	out := make([][]string, conns)
	var wg sync.WaitGroup
	for i := range conns { // at once
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range perConn {
				m, r := g.messageIDsIn([2]byte{byte(i), 1}, nil, &blocks[i])
				out[i] = append(out[i], m, r)
			}
		}()
	}
	wg.Wait()
	for _, ids := range out {
		check(ids...)
	}
}

// TestEncodeIDIsBase64 checks that encodeID writes what
// base64.URLEncoding writes, for every value of each byte.
func TestEncodeIDIsBase64(t *testing.T) {
	var b [11]byte
	for i := range b {
		for v := range 256 {
			b[i] = byte(v)
			b[(i+1)%len(b)] = byte(v * 7)
			var got [idLen]byte
			encodeID(got[:], &b)
			if want := base64.URLEncoding.EncodeToString(b[:]); string(got[:]) != want {
				t.Fatalf("encodeID(%x) = %s, want %s", b, got, want)
			}
		}
	}
}

// TestIDEncodeIsBase64 checks that idGen.encode, which encodes the
// counter's 48 bits directly and copies the host's characters, writes the
// base64 of the ID's 11 bytes laid out as idGen's doc says, for counts
// across the 48 bits, both kinds and many tails and hosts.
func TestIDEncodeIsBase64(t *testing.T) {
	for h := range 40 {
		g := newIDGen()
		g.host = [3]byte{byte(h * 37), byte(h * 91), byte(h * 13)}
		g.mid = newIDGenMid(g.host)
		for i := range 2000 {
			count := uint64(i)*0x9E3779B97F4A7C15 + uint64(h)
			tail := [2]byte{byte(i * 7), byte(i >> 3)}
			for _, kind := range []byte{kindConnection, kindRequest} {
				n := (count * idScramble) & (1<<48 - 1)
				var b [11]byte
				for j := range 6 {
					b[j] = byte(n >> (40 - 8*j))
				}
				b[6], b[7], b[8] = g.host[0], g.host[1], g.host[2]&0xC0|kind
				b[9], b[10] = tail[0], tail[1]
				var got [idLen]byte
				g.encode(got[:], count, kind, tail)
				if want := base64.URLEncoding.EncodeToString(b[:]); string(got[:]) != want {
					t.Fatalf("encode(%d, kind %d, tail %x) = %s, want %s", count, kind, tail, got, want)
				}
			}
		}
	}
}

// TestSelectResponseRemembersLastStatus checks that the integration's
// cached answer for the last status always equals a fresh selection, as
// statuses change back and forth.
func TestSelectResponseRemembersLastStatus(t *testing.T) {
	var ci compiledIntegration
	for _, k := range []string{"/4\\d\\d/", "$default", "/200/"} {
		key, err := selection.ParseResponseKey(k)
		if err != nil {
			t.Fatal(err)
		}
		ci.keys = append(ci.keys, key)
	}
	var none compiledIntegration
	none.keys = ci.keys[2:] // only /200/: other statuses match nothing
	for _, status := range []int{200, 200, 404, 404, 500, 200, 0, 0, -1, 1 << 40, 403, 200} {
		want, ok := selection.SelectResponse(ci.keys, strconv.Itoa(status))
		if !ok {
			want = -1
		}
		if got := ci.selectResponse(status); got != want {
			t.Errorf("status %d: response %d, want %d", status, got, want)
		}
		want, ok = selection.SelectResponse(none.keys, strconv.Itoa(status))
		if !ok {
			want = -1
		}
		if got := none.selectResponse(status); got != want {
			t.Errorf("only /200/, status %d: response %d, want %d", status, got, want)
		}
	}
}

// TestValidTextIsUTF8Valid checks validText against utf8.Valid on ASCII of
// every length to 40, with a non-ASCII or invalid byte at each place, and
// on random bytes.
func TestValidTextIsUTF8Valid(t *testing.T) {
	check := func(b []byte) {
		t.Helper()
		if got, want := validText(b), utf8.Valid(b); got != want {
			t.Fatalf("validText(%q) = %v, utf8.Valid says %v", b, got, want)
		}
	}
	for n := range 41 {
		b := bytes.Repeat([]byte("a"), n)
		check(b)
		for i := range n {
			for _, bad := range [][]byte{{0xff}, {0xc3, 0xa9}, {0xe2, 0x82, 0xac}, {0xc3}, {0x80}} {
				c := append(append(append([]byte(nil), b[:i]...), bad...), b[i:]...)
				check(c)
			}
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		b := make([]byte, r.IntN(40))
		for i := range b {
			b[i] = byte(r.IntN(256))
			if r.IntN(4) > 0 {
				b[i] &= 0x7f
			}
		}
		check(b)
	}
}
