package controller

import (
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"wsworkbench/emulator/model"
)

// TestSetFaultsRunsSavesAndReopens: SetFaults puts the faults into the
// running gateway and the workspace (unsaved); saved, they come back when
// the workspace opens again; invalid faults change nothing.
func TestSetFaultsRunsSavesAndReopens(t *testing.T) {
	prefs := NewMemPrefs()
	h := newHarness(t, func(o *Options) { o.Prefs = prefs })
	path := filepath.Join(t.TempDir(), "faulty.yaml")
	if err := h.c.Files.SaveTo(path); err != nil {
		t.Fatal(err)
	}
	f := model.Faults{
		Messages: []model.MessageFault{{Latency: 300 * time.Millisecond, Error: "Forbidden", ErrorRate: 0.5}},
		Connect:  &model.ConnectFault{Status: 429, Every: 3},
	}
	if err := h.c.SetFaults(f); err != nil {
		t.Fatal(err)
	}
	if got := h.c.Server.Gateway().Faults(); !reflect.DeepEqual(got, f) {
		t.Errorf("gateway runs %+v", got)
	}
	if !h.c.Unsaved() {
		t.Error("not marked unsaved")
	}
	if err := h.c.SetFaults(model.Faults{Messages: []model.MessageFault{{Drop: 2}}}); err == nil {
		t.Error("a drop fraction of 2 was accepted")
	}
	if got := h.c.Faults(); !reflect.DeepEqual(got, f) {
		t.Errorf("an invalid SetFaults left %+v", got)
	}
	if err := h.c.Files.Save(); err != nil {
		t.Fatal(err)
	}
	prefs.SetBool(PrefFirstStartDone, true)
	h2 := newHarness(t, func(o *Options) { o.Prefs = prefs })
	if h2.c.Workspace().Path != path {
		t.Fatalf("the next start opened %q", h2.c.Workspace().Path)
	}
	if got := h2.c.Faults(); !reflect.DeepEqual(got, f) {
		t.Errorf("reopened faults %+v, want %+v", got, f)
	}
	if got := h2.c.Server.Gateway().Faults(); !reflect.DeepEqual(got, f) {
		t.Errorf("reopened gateway runs %+v", got)
	}
}
