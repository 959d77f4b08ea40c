package emulator

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"
	"unicode/utf8"
	"unsafe"

	"wsworkbench/emulator/jsonpath"
	"wsworkbench/emulator/model"
	"wsworkbench/emulator/selection"
	"wsworkbench/emulator/vtl"
)

// request is one pass through the gateway: a $connect, a message or a
// $disconnect, on the snapshot it started with. It belongs to one goroutine.
type request struct {
	g     *Gateway
	snap  *Snapshot
	fault *model.MessageFault // the message fault that applies, if any
	rc    RequestContext
	body  []byte      // the message; nil on $connect and $disconnect
	head  http.Header // $connect: the upgrade request's headers; $disconnect: API Gateway's fixed set
	query url.Values
	// want is what the subscribers take of this request's events (Filter):
	// the events and the timings of steps nobody takes are not made.
	want EventKinds

	// How the message ended, for its EventMessage: the status of the
	// integration or of the error, the error's code, the size of the frame
	// sent back, whether a fault or a full queue dropped it, and whether
	// lent.integ describes the integration's answer.
	status  int
	code    Code
	sent    int
	dropped bool
	integ   bool
	summed  bool // its EventMessage is published

	// done stops the request's renders when it closes: the connection's
	// context for a message (the client left, the gateway closes). budget
	// is the time each render may take: the integration timeout, scaled.
	done   <-chan struct{}
	budget time.Duration
	// slow, set for a message handled on its read loop, is called by a
	// render that runs long (c.handOver): the reading goes on meanwhile.
	slow func()

	ctxMap  map[string]any    // $context for templates, built on first use
	ctxFlat map[string]string // $context for selection expressions, built on first use
	params  map[string]map[string]string

	// src is what selection expressions evaluate against. The message is
	// parsed as JSON at most once, into doc, by the first of route
	// selection, template selection and the request template that reads
	// it. A pooled request keeps its Doc (recycle resets it).
	src selection.Source
	doc *jsonpath.Doc
	// scratch is where the integration parses its request (MOCK reads the
	// statusCode there); kept too.
	scratch *jsonpath.Doc

	in   vtl.Input          // the input of the template being rendered
	ireq IntegrationRequest // what the integration is handed

	// rendered holds what the request template (0) and the response
	// template (1) rendered. The arrays outlive the request when it is
	// recycled (see recycle), so a message handled on the read loop renders
	// into the previous message's.
	rendered [2][]byte

	// lent holds the details of the request's events (lending): nil until
	// it publishes one. A recycled request keeps it, cleared.
	lent *lentDetails
}

// lentDetails are the details of a request's events. Their strings view
// the request's buffers: publish lends them to subscribers for the call
// and gives a channel subscriber its own copy (Event.clone). So an event
// costs a log no allocation.
type lentDetails struct {
	event    Event
	route    RouteChoice
	template [2]TemplateRender
	integ    IntegrationAnswer
	done     MessageDone
}

// lending returns the request's lent details, made on first use.
func (r *request) lending() *lentDetails {
	if r.lent == nil {
		r.lent = new(lentDetails)
	}
	return r.lent
}

// borrow returns b as a string without copying: for events only, which
// publish copies for any subscriber that keeps them.
func borrow(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// outcome is what a route's integration produced.
type outcome struct {
	status  int
	headers http.Header
	payload []byte // the frame for a two-way route; nil means no frame
}

func (r *request) publish(e Event) {
	if !r.want.Has(e.Kind) {
		return
	}
	e.ConnectionID = r.rc.ConnectionID
	e.RequestID = r.rc.RequestID
	e.MessageID = r.rc.MessageID
	if e.RouteKey == "" {
		e.RouteKey = r.rc.RouteKey
	}
	l := r.lending()
	l.event = e
	r.g.events.publishLent(&l.event)
	l.event = Event{}
}

// publishIntegration publishes the integration's answer: e with the
// integration's type, how its answer was used (sel, and the integration
// response key when one matched) and the Lambda call it made, if any.
func (r *request) publishIntegration(ci *compiledIntegration, status int, took time.Duration, errText string, sel ResponseSelection, response string) {
	if !r.want.Has(EventIntegration) && !r.want.Has(EventMessage) {
		return
	}
	e := Event{Status: status, Duration: took, Error: errText}
	r.status, r.integ = e.Status, true
	r.lending().integ = IntegrationAnswer{Type: ci.model.Type, Selection: sel, Response: response}
	if !r.want.Has(EventIntegration) {
		return // EventMessage carries it
	}
	e.Kind = EventIntegration
	e.Integration = &r.lent.integ
	if l := r.ireq.Lambda; l != nil && l.Function != "" {
		e.Lambda = l
	}
	r.publish(e)
}

// publishError publishes the error the request failed with.
func (r *request) publishError(e *Error) {
	r.status, r.code = e.Code.Status(), e.Code
	r.publish(Event{Kind: EventError, Status: e.Code.Status(), Code: e.Code, Error: e.Error()})
}

// publishDone publishes the EventMessage that sums up a message's request,
// when someone takes it: the route, the integration's answer (and its
// Lambda call), the status, the sizes, the time since the frame arrived.
// A message with an answer is done when the answer goes to the socket
// (sendFrame), so its line comes before anything the client does next;
// one without is done when its work ends. Only the first call publishes.
func (r *request) publishDone() { r.publishDoneAt(time.Time{}) }

// publishDoneAt is publishDone with the time the message was done, when the
// caller has read the clock already (zero: now).
func (r *request) publishDoneAt(now time.Time) {
	if !r.want.Has(EventMessage) || r.summed {
		return
	}
	r.summed = true
	if now.IsZero() {
		now = time.Now()
	}
	l := r.lending()
	l.done = MessageDone{Received: len(r.body), Sent: r.sent, Dropped: r.dropped}
	e := Event{Time: now, Kind: EventMessage, Status: r.status, Code: r.code, Duration: now.Sub(r.rc.RequestTime), Message: &l.done}
	if r.integ {
		e.Integration = &l.integ
		if lc := r.ireq.Lambda; lc != nil && lc.Function != "" {
			e.Lambda = lc
		}
	}
	r.publish(e)
}

// contextMap returns $context for a template.
func (r *request) contextMap() map[string]any {
	if r.ctxMap == nil {
		r.ctxMap = r.rc.Map()
	}
	return r.ctxMap
}

// eval evaluates a selection expression. The integration status and
// headers are set for response template selection.
func (r *request) eval(e *compiledExpr, status int, respHeaders http.Header) (string, bool) {
	src := &r.src
	src.Body, src.Doc = r.body, r.bodyDoc() // the same every time: parsed once
	if e.bodyPath != "" {
		// What e.e.Eval does for a plain body path, without copying what
		// it finds: the message is never changed, so a value may share its
		// bytes.
		d := src.BodyDoc()
		if !d.Valid() {
			return "", false
		}
		if s, ok := e.body.StringIn(d); ok {
			return s, true
		}
		return selection.Stringify(e.body.GetIn(d)), true
	}
	src.Headers = r.head
	src.QueryString = r.query
	src.StageVariables = r.snap.api.Stage.Variables
	src.Context = nil
	if e.usesContext {
		if r.ctxFlat == nil {
			r.ctxFlat = r.rc.flat()
		}
		src.Context = r.ctxFlat
	}
	src.StatusCode, src.ResponseHeaders = "", nil
	if status != 0 {
		src.StatusCode = statusString(status)
		src.ResponseHeaders = respHeaders
	}
	return e.e.Eval(src)
}

// input returns the template input for body. When body is the message, the
// template shares the message's parse with the selection expressions.
func (r *request) input(t *compiledTemplate, body []byte) *vtl.Input {
	in := &r.in
	*in = vtl.Input{Body: body, StageVariables: r.snap.api.Stage.Variables, Params: r.paramMap()}
	if t.usesContext {
		in.Context = r.contextMap()
	}
	if len(body) > 0 && len(body) == len(r.body) && &body[0] == &r.body[0] {
		in.Doc = r.bodyDoc()
	}
	return in
}

// bodyDoc returns where the message is parsed (by its first reader).
func (r *request) bodyDoc() *jsonpath.Doc {
	if r.doc == nil {
		r.doc = new(jsonpath.Doc)
	}
	return r.doc
}

// scratchDoc returns the Doc the integration may parse its request into.
func (r *request) scratchDoc() *jsonpath.Doc {
	if r.scratch == nil {
		r.scratch = new(jsonpath.Doc)
	}
	return r.scratch
}

// noParams is $input.params() of a message: no path, query string or
// headers. Templates only read it.
var noParams = map[string]map[string]string{"path": {}, "querystring": {}, "header": {}}

// paramMap returns $input.params(): the upgrade request's query string and
// headers on $connect; empty on messages, which carry neither.
func (r *request) paramMap() map[string]map[string]string {
	if r.params != nil {
		return r.params
	}
	if len(r.query) == 0 && len(r.head) == 0 {
		return noParams
	}
	qs := make(map[string]string, len(r.query))
	for k, v := range r.query {
		if len(v) > 0 {
			qs[k] = v[0]
		}
	}
	hs := make(map[string]string, len(r.head))
	for k, v := range r.head {
		if len(v) > 0 {
			hs[k] = v[0]
		}
	}
	r.params = map[string]map[string]string{"path": {}, "querystring": qs, "header": hs}
	return r.params
}

// run calls route's integration and, for a two-way route, maps its answer
// to the frame to send back.
//
// A panic in a template or an integration fails this request only (the
// client gets "Internal server error" or 500), never the gateway.
func (r *request) run(ctx context.Context, route *compiledRoute) (out outcome, err error) {
	defer func() {
		if p := recover(); p != nil {
			out, err = outcome{}, &Error{Code: CodeInternal, Detail: fmt.Sprintf("internal error in the gateway: %v", p)}
		}
	}()
	ci := route.integ
	if ci == nil {
		if r.rc.EventType == EventTypeMessage {
			return outcome{}, configError("No integration defined for route %s", route.key)
		}
		return outcome{status: http.StatusOK}, nil
	}
	ireq := &r.ireq
	*ireq = IntegrationRequest{
		Body:           r.body,
		RawBody:        r.body,
		Headers:        r.head,
		QueryString:    r.query,
		StageVariables: r.snap.api.Stage.Variables,
		Context:        &r.rc,
		Functions:      r.g.opts.Functions,
		lambda:         r.g.lambda,
		doc:            r.scratchDoc(),
	}
	r.budget = r.snap.scaled(ci.timeout)
	if !ci.typ.proxy {
		body, templated, err := r.requestBody(ci)
		if err != nil {
			return outcome{}, err
		}
		ireq.Body, ireq.Templated = body, templated
	}

	var start time.Time
	timed := r.want.Has(EventIntegration)
	if timed {
		start = time.Now()
	}
	if timed || r.want.Has(EventMessage) {
		if t := ci.model.Type; t == model.TypeAWSProxy || t == model.TypeAWS {
			ireq.Lambda = new(LambdaCall)
		}
	}
	var res *IntegrationResult
	if ci.typ.blocking {
		ictx, cancel := context.WithTimeout(ctx, r.snap.scaled(ci.timeout))
		// The call is attributed to this request when @connections calls
		// are logged (inFlight).
		attribute := r.g.events.wanted(false).Has(EventConnections)
		var token uint64
		if attribute {
			token = r.g.calls.begin(r)
		}
		res, err = ci.impl.Invoke(ictx, ireq)
		if attribute {
			r.g.calls.end(token)
		}
		cancel()
	} else {
		// MOCK cannot block: its timeout would only cost a timer per message.
		res, err = ci.impl.Invoke(ctx, ireq)
	}
	var took time.Duration // for the trace only
	if timed {
		took = time.Since(start)
	}
	if err == nil && res == nil {
		err = fmt.Errorf("integration %s returned no result", ci.model.ID)
	}
	if err != nil {
		r.publishIntegration(ci, 0, took, err.Error(), 0, "")
		return outcome{}, err
	}
	out = outcome{status: res.StatusCode, headers: res.Headers}
	if ci.typ.proxy || !route.twoWay || r.rc.EventType != EventTypeMessage {
		// Proxy: the backend's body is the payload. One-way routes,
		// $connect and $disconnect never send a frame, so AWS's
		// integration response has nothing to do.
		sel := ResponseUnused
		if ci.typ.proxy {
			sel = ResponseProxy
			out.payload = res.Body
		}
		r.publishIntegration(ci, res.StatusCode, took, "", sel, "")
		return out, nil
	}
	payload, err := r.responseBody(ci, res, took)
	if err != nil {
		return outcome{}, err
	}
	out.payload = payload
	return out, nil
}

// requestBody applies the integration's request template, or its
// passthrough behaviour when no template is selected.
func (r *request) requestBody(ci *compiledIntegration) (body []byte, templated bool, err error) {
	t, value := r.pickTemplate(ci.tse, &ci.templates, 0, nil)
	if t == nil {
		switch {
		case ci.passthrough == passNever,
			ci.passthrough == passWhenNoTemplates && len(ci.templates.byKey) > 0:
			return nil, false, &Error{Code: CodeUnsupportedMediaType,
				Detail: fmt.Sprintf("no request template matches %q and PassthroughBehavior is %s", value, ci.passthrough)}
		}
		body := r.body
		if ci.model.ContentHandlingStrategy == "CONVERT_TO_BINARY" && len(body) > 0 {
			dec, err := base64.StdEncoding.DecodeString(string(body))
			if err != nil {
				return nil, false, configError("CONVERT_TO_BINARY: the message is not base64: %v", err)
			}
			body = dec
		}
		return body, false, nil
	}
	out, err := r.render(TemplateRequest, t, value, r.body, r.rc.RequestTime.Add(r.budget))
	if err != nil {
		return nil, false, err
	}
	return out, true, nil
}

// responseBody selects the integration response for res and renders its
// template: the frame for a two-way route.
func (r *request) responseBody(ci *compiledIntegration, res *IntegrationResult, took time.Duration) ([]byte, error) {
	idx := -1
	switch {
	case ci.typ.selectByError && res.ErrorMessage == "":
		idx = ci.deflt
	case ci.typ.selectByError:
		if i, ok := selection.SelectResponse(ci.keys, res.ErrorMessage); ok {
			idx = i
		}
	default:
		idx = ci.selectResponse(res.StatusCode)
	}
	if idx < 0 {
		err := configError("No match for output mapping and no default output mapping configured. Endpoint Response Status Code: %d", res.StatusCode)
		r.publishIntegration(ci, res.StatusCode, took, err.Error(), ResponseNoMatch, "")
		return nil, err
	}
	resp := ci.responses[idx]
	r.publishIntegration(ci, res.StatusCode, took, "", ResponseMatched, resp.model.Key)

	r.rc.Status = res.StatusCode
	if r.ctxMap != nil {
		r.ctxMap["status"] = res.StatusCode
	}
	t, value := r.pickTemplate(resp.tse, &resp.templates, res.StatusCode, res.Headers)
	if t == nil {
		body := res.Body
		if resp.model.ContentHandlingStrategy == "CONVERT_TO_TEXT" && !utf8.Valid(body) {
			body = []byte(base64.StdEncoding.EncodeToString(body))
		}
		return body, nil
	}
	return r.render(TemplateResponse, t, value, res.Body, time.Time{}) // r.budget from its start
}

// pickTemplate chooses a template: by the selection expression when there
// is one, else by the key "application/json" (the content type API Gateway
// assumes for a WebSocket message); a value with no template falls back to
// "$default". It returns the template (nil when none applies) and the
// selection value.
func (r *request) pickTemplate(e *compiledExpr, templates *templateSet, status int, respHeaders http.Header) (*compiledTemplate, string) {
	if e == nil {
		return templates.fixed, noSelection
	}
	value, ok := r.eval(e, status, respHeaders)
	if !ok {
		value = "$default"
	}
	return templates.pick(value), value
}

// maxPooledRender bounds the render buffers a pooled request keeps
// (rendered), so one huge render does not stay in memory.
const maxPooledRender = 64 << 10

// render renders t with body as $input by deadline (zero: within r.budget
// from its start, which costs no clock reading), publishing the result.
// A request template that reads a message starting like JSON but not valid
// JSON is CodeBadPayload; a render past its deadline is CodeTimeout (the
// client gets "Endpoint request timed out", as when a backend is too slow);
// a render stopped because the connection closed is CodeCanceled; any other
// failure is a configuration error.
func (r *request) render(side TemplateSide, t *compiledTemplate, value string, body []byte, deadline time.Time) ([]byte, error) {
	// The output lives as long as the request: the integration request
	// body, or the frame, which sendFrame copies if it has to queue it.
	i := 0
	if side == TemplateResponse {
		i = 1
	}
	var start time.Time
	traced := r.want.Has(EventTemplate)
	if traced {
		start = time.Now()
	}
	var in *vtl.Input // a template that is only text reads none
	if !t.tpl.IsText() {
		in = r.input(t, body)
		in.Deadline, in.Done = deadline, r.done
		if deadline.IsZero() {
			in.Budget = r.budget
		}
		in.Slow, in.SlowAfter = r.slow, slowRender
	}
	out, err := t.tpl.AppendRender(r.rendered[i][:0], in)
	r.rendered[i] = out
	if traced {
		end := time.Now()
		e := Event{Time: end, Kind: EventTemplate, Duration: end.Sub(start),
			Template: &r.lending().template[side-1]}
		*e.Template = TemplateRender{Side: side, Key: t.key, Value: value, Input: borrow(body), Output: borrow(out)}
		if err != nil {
			e.Error = err.Error()
		}
		r.publish(e)
	}
	switch {
	case err == nil:
		return out, nil
	case side == TemplateRequest && errors.Is(err, vtl.ErrPayload):
		return nil, &Error{Code: CodeBadPayload, Detail: "Could not process payload", Err: err}
	case errors.Is(err, vtl.ErrTimeout):
		return nil, &Error{Code: CodeTimeout, Detail: fmt.Sprintf("Execution failed due to a timeout error: the %s template ran past the integration timeout (%v)", side, r.budget), Err: err}
	case errors.Is(err, vtl.ErrCanceled):
		return nil, &Error{Code: CodeCanceled, Detail: fmt.Sprintf("the %s template was stopped: the connection closed", side), Err: err}
	}
	return nil, &Error{Code: CodeInternal, Detail: fmt.Sprintf("Execution failed due to configuration error: Unable to transform %s", side), Err: err}
}
