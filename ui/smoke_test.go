package ui

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"fmt"
	"image"
	"image/png"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

var screenshot = flag.String("screenshot", "", "TestSmokeRealBinaryUnderXvfb: also work the window as a newcomer would and save a screenshot here (docs/screenshot.png)")

// TestSmokeRealBinaryUnderXvfb builds the real program (with cgo and the
// OpenGL driver, without the ci tag), starts it on a virtual X display with
// an empty home directory, waits for its window, and checks that the
// window is drawn (not blank) and that its embedded gateway answers. It
// logs how long the window took to appear and to draw: the start-to-first-
// frame figure in docs/PERFORMANCE.md.
//
// It needs Xvfb, ImageMagick's import and xdotool (scripts/setup.sh test
// installs them) and fails, rather than skips, without them.
func TestSmokeRealBinaryUnderXvfb(t *testing.T) {
	requireTools(t, "xvfb, imagemagick and xdotool", "Xvfb", "import", "xdotool")
	bin := buildBinary(t)
	display := startXvfb(t)
	home := t.TempDir()
	env := desktopEnv(display, home)

	start := time.Now()
	stderr := startWindow(t, bin, home, env, "--addr", "127.0.0.1:0")
	urlc := make(chan string, 1)
	var appLog bytes.Buffer
	go func() {
		re := regexp.MustCompile(`gateway at (ws://\S+)`)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			appLog.WriteString(sc.Text() + "\n")
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				urlc <- m[1]
			}
		}
	}()

	// The window appears...
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	search := exec.CommandContext(ctx, "xdotool", "search", "--sync", "--onlyvisible", "--name", "wsworkbench")
	search.Env = env
	out, err := search.Output()
	if err != nil {
		t.Fatalf("no wsworkbench window within 60 s: %v\napp log:\n%s", err, appLog.String())
	}
	mapped := time.Since(start)
	win := strings.Fields(string(out))[0]

	// ...and is drawn.
	shot := filepath.Join(t.TempDir(), "shot.png")
	var drawn time.Duration
	var colors int
	for deadline := time.Now().Add(30 * time.Second); ; {
		colors, err = grab(env, shot)
		if err == nil && colors >= 64 {
			drawn = time.Since(start)
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the window is still blank after 30 s (%d colours, %v)\napp log:\n%s", colors, err, appLog.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Logf("start to window mapped: %v; start to first drawn frame: %v (%d colours)", mapped.Round(time.Millisecond), drawn.Round(time.Millisecond), colors)

	title, err := xdotool(env, "getwindowname", win)
	if err != nil || !strings.Contains(title, "sample") {
		t.Errorf("window title %q (%v), want the sample's name", title, err)
	}

	// The real binary's gateway answers.
	var url string
	select {
	case url = <-urlc:
	case <-time.After(10 * time.Second):
		t.Fatalf("the app did not print its gateway URL\napp log:\n%s", appLog.String())
	}
	ws, _, err := websocket.DefaultDialer.Dial(url, nil)
	if err != nil {
		t.Fatalf("dial %s: %v", url, err)
	}
	defer ws.Close()
	if err := ws.WriteMessage(websocket.TextMessage, []byte(`{"action":"message","messageId":1}`)); err != nil {
		t.Fatal(err)
	}
	_ = ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, data, err := ws.ReadMessage(); err != nil || string(data) != `{"message": "Hello World"}` {
		t.Fatalf("the gateway answered %q, %v", data, err)
	}

	if *screenshot != "" {
		takeReadmeScreenshot(t, env, win, *screenshot)
	}
}

// requireTools fails the test, rather than skipping it, when a program it
// needs is not on PATH; installs names the packages scripts/setup.sh test
// installs for them.
func requireTools(t testing.TB, installs string, tools ...string) {
	t.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is missing: run scripts/setup.sh test (it installs %s)", tool, installs)
		}
	}
}

// desktopEnv is the environment of the real window on display with an
// empty home directory: every XDG directory under home, scale 1.
func desktopEnv(display, home string) []string {
	return append(os.Environ(),
		"DISPLAY="+display,
		"HOME="+home,
		"XDG_CONFIG_HOME="+filepath.Join(home, ".config"),
		"XDG_DATA_HOME="+filepath.Join(home, ".local", "share"),
		"XDG_CACHE_HOME="+filepath.Join(home, ".cache"),
		"XDG_RUNTIME_DIR="+home,
		"FYNE_SCALE=1",
	)
}

// startWindow starts the real program bin in home with env and args, kills
// it when the test ends, and returns its standard error.
func startWindow(t testing.TB, bin, home string, env []string, args ...string) io.Reader {
	t.Helper()
	app := exec.Command(bin, args...)
	app.Env = env
	app.Dir = home
	stderr, err := app.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	app.Stdout = io.Discard
	if err := app.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = app.Process.Kill()
		_ = app.Wait()
	})
	return stderr
}

// buildBinary builds the program as `fyne package` does (cgo, the OpenGL
// driver, the fyneDo migration tag) into a temporary directory.
func buildBinary(t testing.TB) string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		goBin = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	bin := filepath.Join(t.TempDir(), "wsworkbench")
	cmd := exec.Command(goBin, "build", "-tags", "migrated_fynedo", "-o", bin, ".")
	cmd.Dir = ".."
	cmd.Env = append(os.Environ(), "CGO_ENABLED=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// startXvfb starts a virtual 1280×800 display and returns its name.
func startXvfb(t testing.TB) string {
	t.Helper()
	return startXvfbSized(t, "1280x800")
}

// startXvfbSized starts a virtual display of the given size ("1024x768")
// and returns its name.
func startXvfbSized(t testing.TB, size string) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	x := exec.Command("Xvfb", "-displayfd", "3", "-screen", "0", size+"x24", "-nolisten", "tcp")
	x.ExtraFiles = []*os.File{w}
	if err := x.Start(); err != nil {
		t.Fatalf("start Xvfb: %v", err)
	}
	w.Close()
	t.Cleanup(func() {
		_ = x.Process.Kill()
		_ = x.Wait()
	})
	num := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(r).ReadString('\n')
		num <- strings.TrimSpace(line)
	}()
	select {
	case n := <-num:
		if n == "" {
			t.Fatal("Xvfb did not report its display")
		}
		return ":" + n
	case <-time.After(20 * time.Second):
		t.Fatal("Xvfb did not start within 20 s")
	}
	return ""
}

// grab takes a screenshot of the display into file and returns how many
// colours it has (up to 4096).
func grab(env []string, file string) (int, error) {
	cmd := exec.Command("import", "-window", "root", file)
	cmd.Env = env
	if out, err := cmd.CombinedOutput(); err != nil {
		return 0, fmt.Errorf("import: %v: %s", err, out)
	}
	f, err := os.Open(file)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		return 0, err
	}
	return countColors(img, 4096), nil
}

// countColors counts an image's distinct colours, stopping at max.
func countColors(img image.Image, max int) int {
	seen := map[[4]uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			r, g, bl, a := img.At(x, y).RGBA()
			seen[[4]uint32{r, g, bl, a}] = true
			if len(seen) >= max {
				return max
			}
		}
	}
	return len(seen)
}

func xdotool(env []string, args ...string) (string, error) {
	cmd := exec.Command("xdotool", args...)
	cmd.Env = env
	out, err := cmd.Output()
	return strings.TrimSpace(string(out)), err
}

// takeReadmeScreenshot works the window as a newcomer would (send the
// composer's message, pick the answer in the log to see its trace) and
// saves a screenshot to path.
func takeReadmeScreenshot(t *testing.T, env []string, win, path string) {
	t.Helper()
	click := func(x, y string) [][]string {
		return [][]string{{"mousemove", "--window", win, x, y}, {"sleep", "0.2"}, {"click", "1"}, {"sleep", "0.2"}}
	}
	var steps [][]string
	steps = append(steps, click("640", "700")...) // the composer
	steps = append(steps, []string{"key", "ctrl+Return"}, []string{"sleep", "0.6"})
	steps = append(steps, click("640", "325")...) // the answer in the log
	steps = append(steps, click("137", "427")...) // the route's Responses tab (above the status line)
	steps = append(steps, []string{"mousemove", "--window", win, "1270", "790"}, []string{"sleep", "0.8"})
	for _, s := range steps {
		if _, err := xdotool(env, s...); err != nil {
			t.Fatalf("xdotool %v: %v", s, err)
		}
	}
	if _, err := grab(env, path); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot saved to %s", path)
}
