//go:build !ci && !android && !ios && !wasm && !test_web_driver && !mobile

package ui

import (
	"os"
	"runtime"
	"strings"

	"fyne.io/fyne/v2"
	"github.com/go-gl/glfw/v3.4/glfw"
)

// screenArea returns the part of the primary screen a window may use (its
// work area: the screen less panels and docks), in Fyne units, or false
// when it cannot tell. It must run on the main goroutine after the app
// made its first window (Fyne has initialised GLFW then), as Run does.
//
// Fyne has no API for the screen's size, so this asks GLFW, as Fyne's own
// driver does, and divides by the scale Fyne will draw at (screenScale).
func screenArea(a fyne.App) (fyne.Size, bool) {
	m := glfw.GetPrimaryMonitor()
	if m == nil {
		return fyne.Size{}, false
	}
	mode := m.GetVideoMode()
	_, _, w, h := m.GetWorkarea()
	if w <= 0 || h <= 0 {
		if mode == nil {
			return fyne.Size{}, false
		}
		w, h = mode.Width, mode.Height
	}
	system := float32(1)
	if runtime.GOOS != "darwin" && glfw.GetPlatform() != glfw.PlatformWayland && !dpiDetectionOff() && mode != nil {
		if wmm, hmm := m.GetPhysicalSize(); !(wmm == 60 && hmm == 60) { // the Steam Deck says 6 cm square
			system = detectedScale(wmm, mode.Width)
		}
	}
	scale := screenScale(os.Getenv("FYNE_SCALE"), a.Settings().Scale(), system)
	return fyne.NewSize(float32(w)/scale, float32(h)/scale), true
}

func dpiDetectionOff() bool {
	env := os.Getenv("FYNE_DISABLE_DPI_DETECTION")
	return strings.EqualFold(env, "true") || strings.EqualFold(env, "t") || env == "1"
}
