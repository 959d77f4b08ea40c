package ui

import (
	"flag"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"wsworkbench/client"
	"wsworkbench/ui/clients"
)

var update = flag.Bool("update", false, "rewrite the markup goldens in testdata/")

// testBench is a workbench on Fyne's test app, with its gateway running
// in-process on 127.0.0.1 and real clients in its tabs. The UI goroutine is
// the test's: everything the app would hand to fyne.Do is queued, and the
// test runs the queue while it waits (waitFor), so widgets are only ever
// touched by the test goroutine, as -race checks.
type testBench struct {
	t     testing.TB
	app   fyne.App
	win   fyne.Window
	wb    *workbench
	queue chan func()
	opts  options
	done  bool
}

// benchOption changes a test bench's options.
type benchOption func(*options)

func withStateDir(dir string) benchOption { return func(o *options) { o.stateDir = dir } }
func withFile(path string) benchOption    { return func(o *options) { o.file = path } }
func withLogCapacity(n int) benchOption   { return func(o *options) { o.logCapacity = n } }

// newTestBench starts a workbench on a new test app.
func newTestBench(t testing.TB, mods ...benchOption) *testBench {
	t.Helper()
	return newTestBenchOn(t, test.NewTempApp(t), mods...)
}

// newTestBenchOn starts a workbench on app a (whose preferences a previous
// bench may have written).
func newTestBenchOn(t testing.TB, a fyne.App, mods ...benchOption) *testBench {
	t.Helper()
	q := make(chan func(), 4096)
	opts := options{
		stateDir:      t.TempDir(),
		addr:          "127.0.0.1:0",
		do:            func(f func()) { q <- f },
		editDelay:     20 * time.Millisecond,
		autosaveDelay: 50 * time.Millisecond,
		frame:         5 * time.Millisecond,
	}
	for _, m := range mods {
		m(&opts)
	}
	win := a.NewWindow("wsworkbench")
	win.Resize(fyne.NewSize(1280, 800))
	wb, err := newWorkbench(a, win, opts)
	if err != nil {
		t.Fatalf("newWorkbench: %v", err)
	}
	tb := &testBench{t: t, app: a, win: win, wb: wb, queue: q, opts: opts}
	wb.start()
	t.Cleanup(tb.close)
	return tb
}

// close shuts the workbench down (once).
func (tb *testBench) close() {
	if tb.done {
		return
	}
	tb.done = true
	tb.wb.shutdown()
	tb.drain()
	tb.win.Close()
}

// drain runs the UI work queued so far.
func (tb *testBench) drain() {
	for {
		select {
		case f := <-tb.queue:
			f()
		default:
			return
		}
	}
}

// waitFor runs the UI queue until cond holds, or fails the test after 10 s.
func (tb *testBench) waitFor(what string, cond func() bool) {
	tb.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		tb.drain()
		if cond() {
			return
		}
		if time.Now().After(deadline) {
			tb.t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// settle runs the UI queue for d.
func (tb *testBench) settle(d time.Duration) {
	end := time.Now().Add(d)
	for time.Now().Before(end) {
		tb.drain()
		time.Sleep(2 * time.Millisecond)
	}
	tb.drain()
}

// setTLS turns TLS on or off as View > Serve over TLS does and waits until
// the gateway has restarted, running the UI queue meanwhile.
func (tb *testBench) setTLS(on bool) error {
	tb.t.Helper()
	done, result := false, error(nil)
	tb.wb.ctl.TLS.Set(on, func(err error) { done, result = true, err })
	tb.waitFor("the gateway to restart", func() bool { return done })
	return result
}

// openFile opens the workspace at path as File > Open does and waits for
// the load to finish.
func (tb *testBench) openFile(path string) {
	tb.t.Helper()
	tb.wb.files.openPath(path, nil)
	tb.waitFor("the load of "+path, func() bool { return tb.wb.ctl.Files.Loading() == nil })
}

// tab returns the i-th client tab.
func (tb *testBench) tab(i int) *clients.Tab {
	tb.t.Helper()
	if i >= len(tb.wb.clients.List) {
		tb.t.Fatalf("there is no tab %d (%d tabs)", i, len(tb.wb.clients.List))
	}
	return tb.wb.clients.List[i]
}

// waitConnected waits until tab i is open and shows its connection ID.
func (tb *testBench) waitConnected(i int) string {
	tb.t.Helper()
	t := tb.tab(i)
	tb.waitFor(t.Name+" to show its connection ID", func() bool {
		c := t.Model.Client()
		return c.State().Phase == client.Open && c.ConnectionID() != "" && t.IDLabel.Text == c.ConnectionID()
	})
	return t.IDLabel.Text
}

// send types text into tab i's composer and taps Send.
func (tb *testBench) send(i int, text string) {
	tb.t.Helper()
	t := tb.tab(i)
	t.Composer.Entry.SetText("")
	test.Type(t.Composer.Entry, text)
	test.Tap(t.Composer.SendBtn)
}

// findEntry returns the log entry of tab i that matches, waiting for it.
func (tb *testBench) waitEntry(i int, what string, match func(client.Entry) bool) client.Entry {
	tb.t.Helper()
	t := tb.tab(i)
	var found client.Entry
	tb.waitFor(t.Name+" to log "+what, func() bool {
		for _, e := range t.Model.Client().Log().Entries() {
			if match(e) {
				found = e
				return true
			}
		}
		return false
	})
	return found
}

// received matches a received frame with exactly text, routed or not.
func received(text string) func(client.Entry) bool {
	return func(e client.Entry) bool { return e.Dir == client.Received && e.Text == text }
}

// receivedAfter matches a received frame with text logged after seq.
func receivedAfter(seq uint64, text string) func(client.Entry) bool {
	return func(e client.Entry) bool { return e.Seq > seq && e.Dir == client.Received && e.Text == text }
}

// receivedContaining matches a received frame after seq whose text contains s.
func receivedContaining(seq uint64, s string) func(client.Entry) bool {
	return func(e client.Entry) bool {
		return e.Seq > seq && e.Dir == client.Received && strings.Contains(e.Text, s)
	}
}

// lastSeq returns the newest entry's Seq in tab i's log.
func (tb *testBench) lastSeq(i int) uint64 {
	log := tb.tab(i).Model.Client().Log()
	if log.Len() == 0 {
		return 0
	}
	return log.At(log.Len() - 1).Seq
}

// objects returns every object laid out under o, dialogs included when o is
// an overlay.
func objects(o fyne.CanvasObject) []fyne.CanvasObject { return test.LaidOutObjects(o) }

// findButton returns the first button under o whose text is text.
func findButton(t testing.TB, o fyne.CanvasObject, text string) *widget.Button {
	t.Helper()
	for _, obj := range objects(o) {
		if b, ok := obj.(*widget.Button); ok && b.Text == text {
			return b
		}
	}
	t.Fatalf("no %q button", text)
	return nil
}

// findEntry returns the first entry under o.
func findEntry(t testing.TB, o fyne.CanvasObject) *widget.Entry {
	t.Helper()
	for _, obj := range objects(o) {
		if e, ok := obj.(*widget.Entry); ok {
			return e
		}
	}
	t.Fatalf("no entry")
	return nil
}

// topDialog returns the window's topmost overlay (an open dialog).
func (tb *testBench) topDialog() fyne.CanvasObject {
	tb.t.Helper()
	top := tb.win.Canvas().Overlays().Top()
	if top == nil {
		tb.t.Fatalf("no dialog is open")
	}
	return top
}
