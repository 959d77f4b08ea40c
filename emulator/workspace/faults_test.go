package workspace

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"wsworkbench/emulator/model"
)

// TestFaultsSurviveSaveAndReopen: faults set in the window are written to
// Metadata.wsworkbench.faults and read back the same, so serve in CI runs
// with them.
func TestFaultsSurviveSaveAndReopen(t *testing.T) {
	ws, err := Load("../../assets/sample.yaml")
	if err != nil {
		t.Fatal(err)
	}
	want := model.Faults{
		Seed: 7,
		Messages: []model.MessageFault{
			{Route: "message", Latency: 300 * time.Millisecond, Jitter: 50 * time.Millisecond, DropAnswer: 0.25},
			{Connection: "AbCdEfGhIjKlMnO=", Error: "Forbidden", ErrorRate: 0.5},
		},
		Connect:    &model.ConnectFault{Status: 429, Every: 3},
		Closes:     []model.CloseFault{{Code: 1012, Reason: "restart", AfterMessages: 5}, {Drop: true, After: 2 * time.Minute}},
		Management: &model.ManagementFault{LimitExceeded: 0.1, GoneConnections: []string{"AbCdEfGhIjKlMnO="}},
	}
	ws.API.Settings.Faults = want
	path := filepath.Join(t.TempDir(), "sample.yaml")
	if err := ws.Save(path); err != nil {
		t.Fatal(err)
	}
	saved, _ := os.ReadFile(path)
	for _, s := range []string{"faults:", "latency: 300ms", "answerLatency", "every: 3", "after: 2m0s"} {
		if s == "answerLatency" {
			if strings.Contains(string(saved), s) {
				t.Errorf("a zero field is written: %s", s)
			}
			continue
		}
		if !strings.Contains(string(saved), s) {
			t.Errorf("saved file lacks %q", s)
		}
	}
	again, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := again.API.Settings.Faults; !reflect.DeepEqual(got, want) {
		t.Fatalf("reopened faults\n%+v\nwant\n%+v", got, want)
	}
}

func TestFaultsInMetadataAreChecked(t *testing.T) {
	src, err := os.ReadFile("../../assets/sample.yaml")
	if err != nil {
		t.Fatal(err)
	}
	bad := string(src) + "Metadata:\n  wsworkbench:\n    faults:\n      messages:\n        - drop: 3\n"
	_, err = Parse("bad.yaml", []byte(bad))
	if err == nil || !strings.Contains(err.Error(), "Metadata.wsworkbench.faults: messages[0].drop is 3") || !strings.HasPrefix(err.Error(), "bad.yaml:") {
		t.Fatalf("err = %v", err)
	}
}
