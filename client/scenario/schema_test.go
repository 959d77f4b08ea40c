package scenario

import (
	"encoding/json"
	"os"
	"slices"
	"testing"
)

// TestSchemaMatchesParser: docs/scenario.schema.json, which editors use to
// complete scenario files, names exactly the keys Parse takes for each
// kind of step.
func TestSchemaMatchesParser(t *testing.T) {
	b, err := os.ReadFile("../../docs/scenario.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	var schema struct {
		Defs struct {
			Step struct {
				OneOf []struct {
					Required   []string                   `json:"required"`
					Properties map[string]json.RawMessage `json:"properties"`
				} `json:"oneOf"`
			} `json:"step"`
		} `json:"$defs"`
	}
	if err := json.Unmarshal(b, &schema); err != nil {
		t.Fatal(err)
	}
	seen := map[Kind]bool{}
	for _, alt := range schema.Defs.Step.OneOf {
		kind := Kind(alt.Required[0])
		seen[kind] = true
		var keys []string
		for k := range alt.Properties {
			if k != string(kind) && k != "description" {
				keys = append(keys, k)
			}
		}
		want := slices.Clone(allowed[kind])
		slices.Sort(keys)
		slices.Sort(want)
		if !slices.Equal(keys, want) {
			t.Errorf("%s: schema has %v, Parse takes %v", kind, keys, want)
		}
	}
	for _, k := range kinds {
		if !seen[k] {
			t.Errorf("the schema has no %s step", k)
		}
	}
}
