package editor

import (
	"strings"
	"testing"

	"wsworkbench/assets"
	"wsworkbench/emulator"
	"wsworkbench/emulator/model"
	"wsworkbench/emulator/workspace"
)

func sampleWorkspace(t *testing.T) *workspace.Workspace {
	t.Helper()
	ws, err := workspace.Parse(assets.SampleName, assets.SampleAPI)
	if err != nil {
		t.Fatal(err)
	}
	ws.AssignIDs()
	return ws
}

func TestCheckRouteKey(t *testing.T) {
	api := sampleWorkspace(t).API
	msgID := api.Route("message").ID
	tests := []struct {
		name, key, self string
		wantErr         string
	}{
		{"custom", "chat", "", ""},
		{"empty", "", "", "must not be empty"},
		{"blank", "  ", "", "must not be empty"},
		{"padded", " chat", "", "blanks"},
		{"reserved prefix", "$chat", "", "must not start with $"},
		{"predefined taken", "$default", "", "already"},
		{"taken", "message", "", "already"},
		{"same route keeps its key", "message", msgID, ""},
		{"too long", strings.Repeat("k", 129), "", "128"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := checkRouteKey(api, tc.key, tc.self)
			if tc.wantErr == "" && err != nil || tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Errorf("checkRouteKey(%q) = %v, want %q", tc.key, err, tc.wantErr)
			}
		})
	}
}

// TestRouteEditsCompile: every route edit leaves an API the gateway
// compiles, with IDs a save can write.
func TestRouteEditsCompile(t *testing.T) {
	ws := sampleWorkspace(t)
	api := ws.API
	i, err := addRoute(api, "chat", ws.AssignIDs)
	if err != nil {
		t.Fatal(err)
	}
	chat := api.Routes[i]
	if chat.ID == "" || api.Integration(chat.IntegrationID) == nil || chat.RouteResponse == nil {
		t.Fatalf("added route %+v", chat)
	}
	if _, err := emulator.Compile(api); err != nil {
		t.Fatalf("after add: %v", err)
	}
	if err := renameRoute(api, chat.ID, "talk"); err != nil {
		t.Fatal(err)
	}
	j, err := duplicateRoute(api, chat.ID, "talk2", ws.AssignIDs)
	if err != nil {
		t.Fatal(err)
	}
	dup := api.Routes[j]
	if dup.IntegrationID == chat.IntegrationID {
		t.Error("the duplicate shares the original's integration")
	}
	// Changing the copy's template leaves the original alone.
	api.Integration(dup.IntegrationID).Responses[0].ResponseTemplates["$default"] = `{"copy": true}`
	if strings.Contains(api.Integration(chat.IntegrationID).Responses[0].ResponseTemplates["$default"], "copy") {
		t.Error("editing the duplicate changed the original")
	}
	if _, err := emulator.Compile(api); err != nil {
		t.Fatalf("after duplicate: %v", err)
	}
	integs := len(api.Integrations)
	if err := DeleteRoute(api, chat.ID); err != nil {
		t.Fatal(err)
	}
	if len(api.Integrations) != integs-1 || api.Route("talk") != nil {
		t.Errorf("delete left %d integrations (had %d)", len(api.Integrations), integs)
	}
	if _, err := ws.Marshal(); err != nil {
		t.Fatalf("the edited workspace does not marshal: %v", err)
	}
}

// TestDeleteRouteKeepsSharedIntegration: an integration another route
// still uses survives the deletion of one of its routes.
func TestDeleteRouteKeepsSharedIntegration(t *testing.T) {
	ws := sampleWorkspace(t)
	api := ws.API
	msg := api.Route("message")
	api.Routes = append(api.Routes, model.Route{Key: "alias", IntegrationID: msg.IntegrationID})
	ws.AssignIDs()
	if err := DeleteRoute(api, api.Route("alias").ID); err != nil {
		t.Fatal(err)
	}
	if api.Integration(api.Route("message").IntegrationID) == nil {
		t.Fatal("the shared integration was deleted")
	}
}

func TestSetTwoWay(t *testing.T) {
	r := &model.Route{Key: "x"}
	setTwoWay(r, true)
	if r.RouteResponse == nil || r.RouteResponse.Key != "$default" || r.RouteResponseSelectionExpression != "$default" {
		t.Errorf("two-way: %+v", r)
	}
	setTwoWay(r, false)
	if r.RouteResponse != nil {
		t.Errorf("one-way: %+v", r)
	}
}

func TestCheckResponseAndTemplateKeys(t *testing.T) {
	in := &model.Integration{Responses: []model.IntegrationResponse{{ID: "a", Key: "/200/"}}}
	tests := []struct {
		name, key, self string
		ok              bool
	}{
		{"default", "$default", "", true},
		{"regex", `/4\d\d/`, "", true},
		{"taken", "/200/", "", false},
		{"rename to itself", "/200/", "a", true},
		{"bare status", "200", "", false},
		{"empty", "", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := checkResponseKey(in, tc.key, tc.self); (err == nil) != tc.ok {
				t.Errorf("checkResponseKey(%q) = %v", tc.key, err)
			}
		})
	}
	m := map[string]string{"$default": "", "1": ""}
	if checkTemplateKey(m, "2", "") != nil || checkTemplateKey(m, "1", "") == nil || checkTemplateKey(m, "1", "1") != nil || checkTemplateKey(m, " ", "") == nil {
		t.Error("checkTemplateKey")
	}
	if got := sortedTemplateKeys(map[string]string{"b": "", "$default": "", "a": ""}); strings.Join(got, ",") != "$default,a,b" {
		t.Errorf("sorted keys %v", got)
	}
}

func TestParseSettingsFields(t *testing.T) {
	vars, err := parseVars("a=1\n\n b = two words \n")
	if err != nil || vars["a"] != "1" || vars["b"] != "two words" {
		t.Errorf("parseVars: %v %v", vars, err)
	}
	if _, err := parseVars("a=1\nno-equals"); err == nil || !strings.HasPrefix(err.Error(), "2:1") {
		t.Errorf("parseVars error %v, want one at 2:1", err)
	}
	if _, err := parseVars("b-ad=1"); err == nil || !strings.HasPrefix(err.Error(), "1:2") {
		t.Errorf("parseVars error %v, want one at 1:2", err)
	}
	if formatVars(map[string]string{"b": "2", "a": "1"}) != "a=1\nb=2" {
		t.Error("formatVars")
	}
	if n, err := parseCount(""); n != 0 || err != nil {
		t.Error("empty count")
	}
	if _, err := parseCount("-1"); err == nil {
		t.Error("negative count")
	}
	if d, err := parseDur("90s"); err != nil || d.Seconds() != 90 {
		t.Error("duration")
	}
	if _, err := parseScale("fast"); err == nil {
		t.Error("scale")
	}
}
