// Package scenario is the window's side of scenarios (client/scenario):
// Run Scenario replays a scenario file against the window's gateway and
// shows each step as it passes or fails.
package scenario

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	cs "wsworkbench/client/scenario"
	"wsworkbench/emulator"
)

// Replay shows one scenario run: a row per step, grey while it runs, then
// green (passed), red (failed, with the failure's text under it: expected
// against actual and the frame that came instead) or grey (skipped).
type Replay struct {
	Status *widget.Label   // the run's summary
	Rows   []*widget.Label // one per step
	// Details holds each step's failure text (hidden unless it failed).
	Details []*widget.Label
	// Traces holds each step's "trace of the frame that came instead"
	// button (hidden unless the step failed on a frame the window can
	// trace).
	Traces []*widget.Button
	done   bool
	d      dialog.Dialog
	// openTrace shows the trace of a frame the gateway sent to a
	// connection; it reports whether it found one.
	openTrace func(connID, frame string) bool
}

// Done reports whether the run finished and the rows show its result.
func (r *Replay) Done() bool { return r.done }

// RunFile loads the scenario at path and runs it with runner, showing the
// steps in a dialog on win. do runs a function on the UI goroutine.
//
// openTrace, when not nil, shows the trace of the frame that came instead
// of the expected one: a red step then has a button for it.
func RunFile(win fyne.Window, path string, runner cs.Runner, do func(func()), openTrace func(connID, frame string) bool) *Replay {
	r := &Replay{Status: widget.NewLabel("Running " + filepath.Base(path) + "…"), openTrace: openTrace}
	r.Status.Wrapping = fyne.TextWrapWord
	box := container.NewVBox(r.Status)
	data, err := os.ReadFile(path)
	var sc *cs.Scenario
	if err == nil {
		sc, err = cs.Parse(path, data)
	}
	if err != nil {
		r.Status.SetText(err.Error())
		r.Status.Importance = widget.DangerImportance
		r.done = true
	} else {
		for i := range sc.Steps {
			sr := cs.StepResult{Step: &sc.Steps[i]}
			row := widget.NewLabel("…  " + sr.Title(filepath.Base(path), i))
			row.Truncation = fyne.TextTruncateEllipsis
			detail := widget.NewLabel("")
			detail.Wrapping = fyne.TextWrapWord
			detail.Importance = widget.DangerImportance
			detail.Hide()
			trace := widget.NewButton("Show the trace of the frame that came instead", nil)
			trace.Hide()
			r.Rows, r.Details, r.Traces = append(r.Rows, row), append(r.Details, detail), append(r.Traces, trace)
			box.Add(row)
			box.Add(detail)
			box.Add(container.NewHBox(trace))
		}
		// Steps turn green or red as they finish: results collect here and
		// at most one refresh waits on the UI goroutine at a time, however
		// fast the steps go.
		var mu sync.Mutex
		var finished []cs.StepResult
		var pending atomic.Bool
		shown := 0
		file := filepath.Base(path)
		runner.OnStep = func(i int, sr cs.StepResult) {
			mu.Lock()
			finished = append(finished, sr)
			mu.Unlock()
			if pending.CompareAndSwap(false, true) {
				do(func() {
					pending.Store(false)
					mu.Lock()
					rs := finished[shown:]
					mu.Unlock()
					for j := range rs {
						if !r.done && shown+j < len(r.Rows) {
							r.showStep(shown+j, &rs[j], file)
						}
					}
					shown += len(rs)
				})
			}
		}
		go func() {
			res := runner.Run(context.Background(), sc)
			do(func() { r.show(res, file) })
		}()
	}
	r.d = dialog.NewCustom("Scenario "+filepath.Base(path), "Close", container.NewVScroll(box), win)
	r.d.Resize(fyne.NewSize(760, 520))
	r.d.Show()
	return r
}

// showStep colours step i's row with its result.
func (r *Replay) showStep(i int, s *cs.StepResult, file string) {
	row := r.Rows[i]
	switch s.Status {
	case cs.Passed:
		row.SetText("✓  " + s.Title(file, i))
		row.Importance = widget.SuccessImportance
	case cs.Failed:
		row.SetText("✗  " + s.Title(file, i))
		row.Importance = widget.DangerImportance
		text := s.Message
		if s.Actual != "" && !strings.Contains(text, s.Actual) {
			text += "\ncame instead: " + s.Actual
		}
		r.Details[i].SetText(text)
		r.Details[i].Show()
		if r.openTrace != nil && s.ConnectionID != "" && s.Actual != "" {
			connID, frame := s.ConnectionID, s.Actual
			r.Traces[i].OnTapped = func() {
				if r.openTrace(connID, frame) {
					r.d.Hide()
				}
			}
			r.Traces[i].Show()
		}
	default:
		row.SetText("–  " + s.Title(file, i) + " (skipped)")
		row.Importance = widget.LowImportance
	}
	row.Refresh()
}

// show colours the rows with the run's result.
func (r *Replay) show(res *cs.Result, file string) {
	r.done = true
	if res.Err != nil {
		r.Status.SetText("The scenario did not run: " + res.Err.Error())
		r.Status.Importance = widget.DangerImportance
		r.Status.Refresh()
		return
	}
	passed := 0
	for i := range res.Steps {
		if i >= len(r.Rows) {
			break
		}
		if res.Steps[i].Status == cs.Passed {
			passed++
		}
		r.showStep(i, &res.Steps[i], file)
	}
	if res.Passed() {
		r.Status.SetText(fmt.Sprintf("Passed: %d steps in %s", passed, res.Duration.Round(time.Millisecond)))
		r.Status.Importance = widget.SuccessImportance
	} else {
		r.Status.SetText(fmt.Sprintf("Failed: %d of %d steps passed", passed, len(res.Steps)))
		r.Status.Importance = widget.DangerImportance
	}
	r.Status.Refresh()
}

// GatewayConnectionID tells a client's connection ID from the address it
// connected from, asking the embedded gateway (as wsworkbench test does).
func GatewayConnectionID(g *emulator.Gateway) func(context.Context, string) (string, error) {
	return g.ConnectionIDFrom
}
