package editor

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"wsworkbench/emulator/model"
)

// The editor's changes to the API model. They are plain functions on the
// model so they read (and test) without a window. Routes, integrations and
// integration responses are found by logical ID, which stays put while keys
// are renamed; the workbench gives every element one (Workspace.AssignIDs)
// before the editor sees it.

// checkRouteKey returns why key cannot be a new key for a route of api (other
// than the route with ID self), or nil.
func checkRouteKey(api *model.API, key, self string) error {
	switch {
	case strings.TrimSpace(key) == "":
		return errors.New("a route key must not be empty")
	case key != strings.TrimSpace(key):
		return errors.New("a route key must not start or end with blanks")
	case strings.HasPrefix(key, "$") && key != model.RouteConnect && key != model.RouteDisconnect && key != model.RouteDefault:
		return errors.New("custom route keys must not start with $ (only $connect, $disconnect and $default are predefined)")
	case len(key) > 128:
		return errors.New("a route key is at most 128 characters")
	}
	if r := api.Route(key); r != nil && r.ID != self {
		return fmt.Errorf("the API has a %s route already", key)
	}
	return nil
}

// routeByID returns the route with the given logical ID, or nil.
func routeByID(api *model.API, id string) *model.Route {
	for i := range api.Routes {
		if api.Routes[i].ID == id {
			return &api.Routes[i]
		}
	}
	return nil
}

// responseByID returns the integration response with the given logical ID.
func responseByID(in *model.Integration, id string) *model.IntegrationResponse {
	if in == nil {
		return nil
	}
	for i := range in.Responses {
		if in.Responses[i].ID == id {
			return &in.Responses[i]
		}
	}
	return nil
}

// newMockRoute returns a two-way route with a new MOCK integration that
// answers {"statusCode": 200} and a /200/ integration response with a
// $default response template, so a new route answers at once. IDs are left
// empty for Workspace.AssignIDs; link connects them afterwards.
func newMockRoute(key string) (model.Route, model.Integration) {
	r := model.Route{
		Key:                              key,
		RouteResponseSelectionExpression: "$default",
		RouteResponse:                    &model.RouteResponse{Key: "$default"},
	}
	in := model.Integration{
		Type:                model.TypeMock,
		PassthroughBehavior: "WHEN_NO_MATCH",
		RequestTemplates:    map[string]string{"$default": `{"statusCode": 200}`},
		Responses: []model.IntegrationResponse{{
			Key:                         "/200/",
			TemplateSelectionExpression: "$default",
			ResponseTemplates: map[string]string{
				"$default": `{"route": "$context.routeKey", "connectionId": "$context.connectionId"}`,
			},
		}},
	}
	return r, in
}

// addRoute appends a new MOCK route for key and returns its index. assign
// gives the new elements logical IDs (Workspace.AssignIDs).
func addRoute(api *model.API, key string, assign func()) (int, error) {
	if err := checkRouteKey(api, key, ""); err != nil {
		return -1, err
	}
	r, in := newMockRoute(key)
	api.Integrations = append(api.Integrations, in)
	api.Routes = append(api.Routes, r)
	assign()
	route := &api.Routes[len(api.Routes)-1]
	route.IntegrationID = api.Integrations[len(api.Integrations)-1].ID
	return len(api.Routes) - 1, nil
}

// renameRoute changes the key of the route with ID id.
func renameRoute(api *model.API, id, key string) error {
	r := routeByID(api, id)
	if r == nil {
		return errors.New("the route no longer exists")
	}
	if err := checkRouteKey(api, key, id); err != nil {
		return err
	}
	r.Key = key
	return nil
}

// duplicateRoute copies the route with ID id under key, with a copy of its
// integration (so editing one does not change the other), and returns the
// new route's index.
func duplicateRoute(api *model.API, id, key string, assign func()) (int, error) {
	src := routeByID(api, id)
	if src == nil {
		return -1, errors.New("the route no longer exists")
	}
	if err := checkRouteKey(api, key, ""); err != nil {
		return -1, err
	}
	// Clone the whole API to deep-copy the route and its integration.
	cp := api.Clone()
	r := *routeByID(cp, id)
	r.ID, r.Key = "", key
	if r.RouteResponse != nil {
		r.RouteResponse.ID = ""
	}
	var newInteg *model.Integration
	if in := cp.Integration(r.IntegrationID); in != nil {
		c := *in
		c.ID = ""
		for i := range c.Responses {
			c.Responses[i].ID = ""
		}
		newInteg = &c
	}
	if newInteg != nil {
		api.Integrations = append(api.Integrations, *newInteg)
	}
	api.Routes = append(api.Routes, r)
	assign()
	if newInteg != nil {
		api.Routes[len(api.Routes)-1].IntegrationID = api.Integrations[len(api.Integrations)-1].ID
	}
	return len(api.Routes) - 1, nil
}

// DeleteRoute removes the route with ID id, and its integration when no
// other route uses it.
func DeleteRoute(api *model.API, id string) error {
	idx := -1
	for i := range api.Routes {
		if api.Routes[i].ID == id {
			idx = i
			break
		}
	}
	if idx < 0 {
		return errors.New("the route no longer exists")
	}
	integ := api.Routes[idx].IntegrationID
	api.Routes = append(api.Routes[:idx], api.Routes[idx+1:]...)
	if integ == "" {
		return nil
	}
	for _, r := range api.Routes {
		if r.IntegrationID == integ {
			return nil
		}
	}
	for i := range api.Integrations {
		if api.Integrations[i].ID == integ {
			api.Integrations = append(api.Integrations[:i], api.Integrations[i+1:]...)
			break
		}
	}
	return nil
}

// setTwoWay gives the route a $default route response, or takes it away.
func setTwoWay(r *model.Route, on bool) {
	if !on {
		r.RouteResponse = nil
		return
	}
	if r.RouteResponse == nil {
		r.RouteResponse = &model.RouteResponse{Key: "$default"}
	}
	if r.RouteResponseSelectionExpression == "" {
		r.RouteResponseSelectionExpression = "$default"
	}
}

// ensureIntegration returns the route's integration, creating a MOCK one
// (answering 200) when the route has none.
func ensureIntegration(api *model.API, r *model.Route, assign func()) *model.Integration {
	if in := api.Integration(r.IntegrationID); in != nil {
		return in
	}
	routeID := r.ID
	api.Integrations = append(api.Integrations, model.Integration{
		Type:                model.TypeMock,
		PassthroughBehavior: "WHEN_NO_MATCH",
		RequestTemplates:    map[string]string{"$default": `{"statusCode": 200}`},
	})
	assign()
	in := &api.Integrations[len(api.Integrations)-1]
	routeByID(api, routeID).IntegrationID = in.ID
	return in
}

// checkTemplateKey returns why key cannot name a new template in m (other
// than the one named self).
func checkTemplateKey(m map[string]string, key, self string) error {
	if strings.TrimSpace(key) == "" {
		return errors.New("a template key must not be empty")
	}
	if _, dup := m[key]; dup && key != self {
		return fmt.Errorf("there is a %q template already", key)
	}
	return nil
}

// checkResponseKey returns why key cannot be a new integration response key
// of in (other than the response with ID self).
func checkResponseKey(in *model.Integration, key, self string) error {
	if strings.TrimSpace(key) == "" {
		return errors.New("a response key must not be empty ($default or a /regex/ on the status)")
	}
	if key != "$default" && !(len(key) >= 2 && strings.HasPrefix(key, "/") && strings.HasSuffix(key, "/")) {
		return errors.New(`a response key is $default or a regular expression between slashes, like /2\d\d/`)
	}
	for _, r := range in.Responses {
		if r.Key == key && r.ID != self {
			return fmt.Errorf("the integration has a %s response already", key)
		}
	}
	return nil
}

// sortedTemplateKeys returns m's keys with $default first, then in order.
func sortedTemplateKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sortKeys(keys)
	return keys
}

func sortKeys(keys []string) {
	slices.SortFunc(keys, func(a, b string) int {
		switch {
		case a == b:
			return 0
		case a == "$default":
			return -1
		case b == "$default":
			return 1
		}
		return strings.Compare(a, b)
	})
}

// NewAPI returns the API File > New starts with: one two-way $default
// route whose MOCK answers with what the gateway saw.
func NewAPI() *model.API {
	api := &model.API{
		Name:                     "new-api",
		RouteSelectionExpression: "$request.body.action",
		Stage:                    model.Stage{Name: "production"},
	}
	r, in := newMockRoute(model.RouteDefault)
	in.Responses[0].Key = "$default"
	in.Responses[0].ResponseTemplates["$default"] = `{"message": "The $context.routeKey route answered.", "connectionId": "$context.connectionId"}`
	in.ID = "DefaultIntegration"
	in.Responses[0].ID = "DefaultIntegrationResponse"
	r.ID = "DefaultRoute"
	r.RouteResponse.ID = "DefaultRouteResponse"
	r.IntegrationID = in.ID
	api.Routes = []model.Route{r}
	api.Integrations = []model.Integration{in}
	return api
}
