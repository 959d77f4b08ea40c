package ui

import (
	"encoding/json"
	"strings"

	"wsworkbench/emulator/model"
	"wsworkbench/ui/clients"
)

// sampleMessage is the built-in MOCK sample's first example (its header
// comment lists it): the message route answers it with "Hello World".
const sampleMessage = `{"action": "message", "messageId": 1}`

// starters is the message the composers are offered: one for the API's
// first custom route, the chat sample's, a new route's. A new tab's
// composer starts with the last one offered.
type starters struct {
	clients *clients.Panel
	text    string // the message offered last
}

// offer puts msg into the composers: into all of them when force is set,
// else only into those that hold nothing or the message offered last, so
// text a person typed stays.
func (s *starters) offer(msg string, force bool) {
	for _, t := range s.clients.List {
		if cur := t.Composer.Entry.Text; force || cur == "" || cur == s.text {
			t.Composer.Entry.SetText(msg)
		}
	}
	s.text = msg
}

// starterMessage is what a composer starts with for api: the sample's own
// example, else a message for the first custom route.
func starterMessage(api *model.API, sample bool) string {
	if sample {
		return sampleMessage
	}
	for _, r := range api.Routes {
		if !strings.HasPrefix(r.Key, "$") {
			return routeMessage(api.RouteSelectionExpression, r.Key)
		}
	}
	return routeMessage(api.RouteSelectionExpression, "hello")
}

// routeMessage is a JSON message the route selection expression rse sends
// to route: {"action": "<route>"} for $request.body.action, nested objects
// for a deeper path ($request.body.a.b gives {"a": {"b": "<route>"}}), and
// {"action": "<route>"} for an expression that does not read the body.
func routeMessage(rse, route string) string {
	path := []string{"action"}
	expr := strings.TrimSpace(rse)
	if strings.HasPrefix(expr, "${") && strings.HasSuffix(expr, "}") {
		expr = "$" + expr[2:len(expr)-1]
	}
	if rest, ok := strings.CutPrefix(expr, "$request.body."); ok && rest != "" && !strings.ContainsAny(rest, " ${}[]") {
		path = strings.Split(rest, ".")
	}
	value, _ := json.Marshal(route)
	msg := string(value)
	for i := len(path) - 1; i >= 0; i-- {
		key, _ := json.Marshal(path[i])
		msg = "{" + string(key) + ": " + msg + "}"
	}
	return msg
}
