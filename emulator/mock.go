package emulator

import (
	"bytes"
	"context"
	"math"
	"net/http"

	"github.com/tidwall/gjson"

	"wsworkbench/emulator/jsonpath"
	"wsworkbench/emulator/model"
)

// mockIntegration is API Gateway's MOCK integration: a loopback whose only
// output is a status code, read from the integration request body. The
// integration response body is empty; the response template makes the
// frame.
type mockIntegration struct{}

var _ Integration = (*mockIntegration)(nil)

func newMockIntegration(*model.Integration, *model.API) (Integration, error) {
	return &mockIntegration{}, nil
}

// Invoke reads the status code from req.Body:
//   - an empty body (no request template, nothing passed through: a
//     $connect) answers 200, as AWS's "default integration response";
//   - a JSON object with an integer "statusCode" answers that status;
//   - anything else is AWS's configuration error, which the client sees as
//     500 on $connect and "Internal server error" on a message.
func (m *mockIntegration) Invoke(ctx context.Context, req *IntegrationRequest) (*IntegrationResult, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	body := bytes.TrimSpace(req.Body)
	if len(body) == 0 {
		return &mockResults[http.StatusOK-100], nil
	}
	d := req.doc
	if d == nil {
		d = new(jsonpath.Doc)
	}
	status, ok := mockStatus(body, d)
	if !ok {
		return nil, configError("statusCode should be an integer which defined in request template")
	}
	return &mockResults[status-100], nil
}

// mockResults are MOCK's answers for the statuses 100-599, shared by every
// call (the gateway only reads an integration's result), so a MOCK message
// allocates no result.
var mockResults = func() (r [500]IntegrationResult) {
	for i := range r {
		r[i].StatusCode = 100 + i
	}
	return r
}()

// mockStatus returns the integer statusCode of a JSON object, parsed
// into d.
func mockStatus(body []byte, d *jsonpath.Doc) (int, bool) {
	if len(body) == 0 || body[0] != '{' {
		return 0, false
	}
	d.Parse(borrow(body)) // the number's text is not kept, only its value
	if !d.Valid() {
		return 0, false
	}
	v := statusCodePath.GetIn(d)
	if v.Type != gjson.Number {
		return 0, false
	}
	f := v.Num
	if f != math.Trunc(f) || f < 100 || f > 599 {
		return 0, false
	}
	return int(f), true
}

// statusCodePath is where MOCK reads the status in its request.
var statusCodePath = jsonpath.MustCompile("$.statusCode")
