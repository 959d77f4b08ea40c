package ui

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"wsworkbench/emulator/model"
)

// TestLambdaProxyTraceShowsEventResultAndPosts: the trace of a message
// answered by a Lambda proxy integration shows, as drawn: the call's
// duration, the result received as pretty JSON (open), the event sent
// (folded until opened), wording that fits a proxy (no "none matched"), and
// the @connections POST the function made while handling the message, with
// its target connection.
func TestLambdaProxyTraceShowsEventResultAndPosts(t *testing.T) {
	var target string // the connection the function posts to
	var connsURL string
	invoke := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.ReadAll(r.Body)
		// Like a broadcast function: tell the other client first.
		resp, err := http.Post(connsURL+"/"+target, "application/json", strings.NewReader(`{"note":"posted by the function"}`))
		if err == nil {
			resp.Body.Close()
		}
		_, _ = io.WriteString(w, `{"statusCode": 200, "body": "{\"from\":\"lambda\",\"ok\":true}"}`)
	}))
	t.Cleanup(invoke.Close)

	tb := newBackendBench(t)
	tb.waitConnected(0)
	target = tb.waitConnected(1)
	connsURL = tb.wb.gw.ConnectionsURL()
	ed := tb.wb.editor
	retype(settingsEntry(t, ed, "http://127.0.0.1:3001"), invoke.URL)
	ed.Routes.SelectRoute("message")
	setIntegrationType(t, ed, model.TypeAWSProxy)
	retype(ed.Field("functionName").Entry(), "chatFunction")
	tb.waitFor("the edit to go live", func() bool { return tb.wb.ctl.Live() && len(tb.wb.ctl.Errors()) == 0 })

	seq := tb.lastSeq(0)
	tb.send(0, `{"action":"message"}`)
	e := tb.waitEntry(0, "the function's answer", receivedAfter(seq, `{"from":"lambda","ok":true}`))
	tb.waitFor("the answer's trace link", func() bool { _, ok := tb.tab(0).Model.Request(e.Seq); return ok })
	tb.selectEntry(0, e.Seq)
	p := tb.wb.tracer
	var shown string
	tb.waitFor("the trace with the post", func() bool {
		shown = strings.Join(labelsIn(p.StepsBox()), "\n")
		return strings.Contains(shown, "@connections POST "+target)
	})
	for _, want := range []string{
		"chatFunction",
		"call took",
		"result received (",
		"\"statusCode\": 200", // pretty: a space after the colon, on its own line
		"event sent (",
		"a proxy integration has no integration responses",
		`{"note":"posted by the function"}`,
	} {
		if !strings.Contains(shown, want) {
			t.Errorf("the trace does not show %q; it shows:\n%s", want, shown)
		}
	}
	if strings.Contains(shown, "none matched") {
		t.Errorf("a proxy integration's trace says \"none matched\":\n%s", shown)
	}
	if strings.Contains(shown, `"requestContext"`) {
		t.Errorf("the event sent is open before it is asked for")
	}
	// Opening the event shows it, pretty.
	var acc *widget.Accordion
	walkRendered(p.StepsBox(), func(pl placed) {
		if a, ok := pl.obj.(*widget.Accordion); ok && strings.HasPrefix(a.Items[0].Title, "event sent") {
			acc = a
		}
	})
	if acc == nil {
		t.Fatal("no folded event")
	}
	acc.Open(0)
	test.WidgetRenderer(acc).Refresh()
	if shown = strings.Join(labelsIn(p.StepsBox()), "\n"); !strings.Contains(shown, `"requestContext": {`) {
		t.Errorf("the opened event does not show its requestContext, pretty:\n%s", shown)
	}
}
