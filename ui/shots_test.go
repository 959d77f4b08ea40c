package ui

import (
	"flag"
	"image/png"
	"os"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
)

var shots = flag.String("shots", "", "write screenshots of the window at 1024x768, 1280x720 and 1920x1080 into this directory")

// TestWriteScreenshots draws the window after a first exchange at the three
// sizes people use and writes PNGs, to look at by eye. It runs only with
// -shots DIR.
func TestWriteScreenshots(t *testing.T) {
	if *shots == "" {
		t.Skip("only with -shots DIR")
	}
	tb := newTestBench(t)
	tb.waitConnected(0)
	tb.send(0, `{"action":"message","messageId":1}`)
	tb.waitEntry(0, "answer", received(`{"message": "Hello World"}`))
	tb.settle(100 * time.Millisecond)
	for _, s := range []fyne.Size{{Width: 1024, Height: 768}, {Width: 1280, Height: 720}, {Width: 1920, Height: 1080}} {
		tb.win.Resize(s)
		tb.settle(50 * time.Millisecond)
		saveShot(t, tb, "ui2-test-"+sizeName(s))
	}
	tb.wb.look.setTheme(1.25, tb.wb.look.zoom.variant) // a projector
	tb.win.Resize(fyne.NewSize(1280, 800))
	tb.settle(50 * time.Millisecond)
	saveShot(t, tb, "ui2-test-1280x800-zoom125")
	tb.wb.look.setTheme(1, tb.wb.look.zoom.variant)
}

// saveShot writes the window as it is drawn now to -shots DIR/name.png.
func saveShot(t *testing.T, tb *testBench, name string) {
	t.Helper()
	f, err := os.Create(filepath.Join(*shots, name+".png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, tb.win.Canvas().Capture()); err != nil {
		t.Fatal(err)
	}
}

func sizeName(s fyne.Size) string {
	return itoa(int(s.Width)) + "x" + itoa(int(s.Height))
}

func itoa(n int) string {
	b := []byte{}
	for n > 0 || len(b) == 0 {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
	}
	return string(b)
}
