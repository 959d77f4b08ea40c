package ui

import (
	"encoding/json"
	"strings"

	"wsworkbench/emulator/model"
)

// sampleMessage is the built-in MOCK sample's first example (its header
// comment lists it): the message route answers it with "Hello World".
const sampleMessage = `{"action": "message", "messageId": 1}`

// workspaceSwitched runs after another workspace opened (the unsaved
// changes were saved or discarded first): every tab's log is cleared, since
// its rows belong to the old API, and every composer gets a message for the
// new API's first custom route, so the next Send does not answer Forbidden.
func (wb *workbench) workspaceSwitched() {
	for _, t := range wb.clients.list {
		t.log.onClear()
	}
	wb.offerMessage(starterMessage(wb.ctl.Workspace().API, wb.ctl.IsSample()), true)
}

// offerMessage puts msg into the composers: into all of them when force is
// set, else only into those that hold nothing or the message offered last,
// so text a person typed stays. New tabs start with it.
func (wb *workbench) offerMessage(msg string, force bool) {
	for _, t := range wb.clients.list {
		if cur := t.composer.entry.Text; force || cur == "" || cur == wb.starter {
			t.composer.entry.SetText(msg)
		}
	}
	wb.starter = msg
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

// starterText is the message a new tab's composer starts with.
func (wb *workbench) starterText() string { return wb.starter }
