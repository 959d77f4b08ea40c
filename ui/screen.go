package ui

import (
	"math"
	"strconv"
)

// screenScale is the scale Fyne's desktop driver (v2.8) draws a window
// at, so the window's size can be worked out in Fyne's units before it
// shows: the user's scale (FYNE_SCALE when set and not "auto", else the
// app's setting, else 1) times the system's (detected from the screen's
// DPI on Linux and BSD, 1 on macOS and Wayland), rounded to a tenth as
// the driver rounds it (calculateScale in internal/driver/glfw/scale.go):
// FYNE_SCALE=1.25 draws at 1.3.
func screenScale(env string, setting, system float32) float32 {
	user := float32(1)
	if v, err := strconv.ParseFloat(env, 32); env != "" && env != "auto" && err == nil && v != 0 {
		user = float32(v)
	} else if env != "auto" && setting > 0 {
		user = setting
	}
	if system <= 0 {
		system = 1
	}
	return float32(math.Round(float64(system*user*10))) / 10
}

// detectedScale is the scale the driver detects from a screen widthPx
// pixels and widthMm millimetres wide: its DPI over 120, at least 1
// (calculateDetectedScale in Fyne's driver).
func detectedScale(widthMm, widthPx int) float32 {
	if widthMm <= 0 {
		return 1
	}
	dpi := float32(widthPx) / (float32(widthMm) / 25.4)
	if dpi > 1000 || dpi < 10 {
		return 1
	}
	return max(dpi/120, 1)
}
