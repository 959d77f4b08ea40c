//go:build !ci && !android && !ios && !wasm && !test_web_driver && !mobile

package ui

import (
	"os"
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
// driver does, and divides by the scale Fyne will use: the user's (FYNE_SCALE)
// times the one detected from the screen's DPI (getMonitorScale in Fyne's
// driver; Wayland scales by itself).
func screenArea(a fyne.App) (fyne.Size, bool) {
	m := glfw.GetPrimaryMonitor()
	if m == nil {
		return fyne.Size{}, false
	}
	_, _, w, h := m.GetWorkarea()
	if w <= 0 || h <= 0 {
		mode := m.GetVideoMode()
		if mode == nil {
			return fyne.Size{}, false
		}
		w, h = mode.Width, mode.Height
	}
	scale := a.Settings().Scale()
	if scale <= 0 {
		scale = 1
	}
	if glfw.GetPlatform() != glfw.PlatformWayland && !dpiDetectionOff() {
		wmm, hmm := m.GetPhysicalSize()
		if mode := m.GetVideoMode(); mode != nil && wmm > 0 && !(wmm == 60 && hmm == 60) {
			dpi := float32(mode.Width) / (float32(wmm) / 25.4)
			if dpi >= 10 && dpi <= 1000 && dpi/96 > 1 {
				scale *= dpi / 96
			}
		}
	}
	return fyne.NewSize(float32(w)/scale, float32(h)/scale), true
}

func dpiDetectionOff() bool {
	env := os.Getenv("FYNE_DISABLE_DPI_DETECTION")
	return strings.EqualFold(env, "true") || strings.EqualFold(env, "t") || env == "1"
}
