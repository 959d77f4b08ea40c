package workspace

import (
	"reflect"
	"testing"
	"time"

	"wsworkbench/emulator/model"
)

// fill sets every field reachable from v to a non-zero value.
func fill(t *testing.T, v reflect.Value, seed int) {
	switch v.Kind() {
	case reflect.String:
		v.SetString("v" + string(rune('a'+seed%26)))
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int64:
		if v.Type() == reflect.TypeOf(time.Duration(0)) {
			v.SetInt(int64(time.Duration(seed+1) * time.Second))
		} else {
			v.SetInt(int64(seed + 1))
		}
	case reflect.Float64:
		v.SetFloat(float64(seed) + 0.5)
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		val := reflect.New(v.Type().Elem()).Elem()
		fill(t, val, seed)
		m.SetMapIndex(reflect.ValueOf("k"), val)
		v.Set(m)
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			fill(t, v.Field(i), seed+i)
		}
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 1, 1)
		fill(t, s.Index(0), seed)
		v.Set(s)
	case reflect.Pointer:
		p := reflect.New(v.Type().Elem())
		fill(t, p.Elem(), seed)
		v.Set(p)
	default:
		t.Fatalf("fill: unhandled kind %s", v.Kind())
	}
}

// TestEverySettingIsSaved fails when model.Settings gains a field that a
// save does not keep.
func TestEverySettingIsSaved(t *testing.T) {
	w := mustLoad(t, "mock-integration.cfn.yaml")
	fill(t, reflect.ValueOf(&w.API.Settings).Elem(), 0)
	// Faults are validated (rates are fractions, errors are AWS's three
	// messages), which arbitrary values are not; TestFaultsSurviveSaveAndReopen
	// saves and reopens every kind of fault.
	w.API.Settings.Faults = model.Faults{}
	// The DynamoDB endpoint is checked as an http(s) URL too.
	w.API.Settings.DynamoDBEndpoint = "http://127.0.0.1:8000"
	back, out := reload(t, w)
	if !reflect.DeepEqual(back.API.Settings, w.API.Settings) {
		t.Errorf("settings lost in a save:\n got: %+v\nwant: %+v\n%s", back.API.Settings, w.API.Settings, out)
	}
}

// TestModelFieldsKnown is a tripwire: when a model type gains a field, the
// workspace must learn to load and save it (elements.go, cfn_load.go,
// serverless.go, metadata.go), and then this count is updated.
func TestModelFieldsKnown(t *testing.T) {
	for _, tt := range []struct {
		v    any
		want int
	}{
		{model.API{}, 12},
		{model.Stage{}, 5},
		{model.Route{}, 10},
		{model.RouteResponse{}, 2},
		{model.Integration{}, 16},
		{model.IntegrationResponse{}, 6},
		{model.Authorizer{}, 7},
		{model.SavedMessage{}, 2},
		{model.MockAuthorizer{}, 6},
		{model.Function{}, 9},
	} {
		typ := reflect.TypeOf(tt.v)
		if got := typ.NumField(); got != tt.want {
			t.Errorf("model.%s has %d fields, the workspace knows %d: teach the workspace the new ones", typ.Name(), got, tt.want)
		}
	}
}
