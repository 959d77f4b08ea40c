package ui

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestJourneyRealBinaryOCR works the real program on a 1024x768 virtual
// screen as a person does, with keys only (xdotool), and reads the screen
// back with tesseract OCR after each step:
//
//  1. first start: Ctrl+Enter sends the composer's message and the answer
//     ("Hello World") appears in the log (once more than it shows before:
//     the API editor may show the answer's template);
//  2. Ctrl+L clears the log, Ctrl+R reconnects, Ctrl+Enter sends: the
//     footer counts 4 messages and the answer shows again;
//  3. Ctrl+F and "Hello" search the log (1 of 4 match); clearing the search
//     shows 4 messages again;
//  4. on that 1024x768 screen the window fits and its Send, Close, Clear
//     and Reconnect buttons can be read.
//
// OCR is read for distinctive words with patterns that allow its usual
// noise, and every step waits (up to a deadline) for the screen to show
// what a person would wait for, so a slow machine is slower, not flaky.
// It needs Xvfb, xdotool, ImageMagick and tesseract-ocr (scripts/setup.sh
// test installs them) and fails, rather than skips, without them.
func TestJourneyRealBinaryOCR(t *testing.T) {
	requireTools(t, "xvfb, imagemagick, xdotool and tesseract-ocr", "Xvfb", "import", "convert", "xdotool", "tesseract")
	bin := buildBinary(t)
	display := startXvfbSized(t, "1024x768")
	home := t.TempDir()
	env := desktopEnv(display, home)
	stderr := startWindow(t, bin, home, env, "--addr", "127.0.0.1:0")
	var logMu sync.Mutex
	var appLog strings.Builder
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			logMu.Lock()
			appLog.WriteString(sc.Text() + "\n")
			logMu.Unlock()
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	search := exec.CommandContext(ctx, "xdotool", "search", "--sync", "--onlyvisible", "--name", "wsworkbench")
	search.Env = env
	out, err := search.Output()
	if err != nil {
		logMu.Lock()
		defer logMu.Unlock()
		t.Fatalf("no wsworkbench window within 60 s: %v\napp log:\n%s", err, appLog.String())
	}
	win := strings.Fields(string(out))[0]

	s := &screen{t: t, env: env, dir: t.TempDir()}
	key := func(keys ...string) {
		t.Helper()
		for _, k := range keys {
			if _, err := xdotool(env, "key", "--clearmodifiers", k); err != nil {
				t.Fatalf("xdotool key %s: %v", k, err)
			}
			time.Sleep(150 * time.Millisecond) // a person's pace; every check below waits for the screen
		}
	}

	// The window fits the screen.
	geo, err := xdotool(env, "getwindowgeometry", "--shell", win)
	if err != nil {
		t.Fatal(err)
	}
	g := map[string]int{}
	for _, line := range strings.Fields(geo) {
		if k, v, ok := strings.Cut(line, "="); ok {
			g[k], _ = strconv.Atoi(v)
		}
	}
	if g["X"]+g["WIDTH"] > 1024 || g["Y"]+g["HEIGHT"] > 768 {
		t.Errorf("on a 1024x768 screen the window is %dx%d at %d,%d: part of it is off-screen", g["WIDTH"], g["HEIGHT"], g["X"], g["Y"])
	}

	// 1. First start: connected. The answer's text may already show in
	// the API editor (the route's response template), so the log's answer
	// is counted on top of what shows before anything is sent.
	text := s.waitFor("the first tab connected", `client\s*1`, `\bopen\b`, `\b1 message\b`)
	before := len(hello.FindAllString(text, -1))
	answers := func(n int) func(string) bool {
		return func(text string) bool { return len(hello.FindAllString(text, -1)) >= before+n }
	}
	key("ctrl+Return")
	s.waitUntil("the answer after the first send", answers(1), `\b3 messages`)

	// 2. Clear, reconnect, send: every row shows, the answer too.
	key("ctrl+l")
	s.waitFor("the cleared log", `\b0 messages`)
	key("ctrl+r")
	s.waitFor("the reconnect", `\b2 messages`, `connected to`)
	key("ctrl+Return")
	text = s.waitUntil("the answer after clear, reconnect and send", answers(1), `\b4 messages`)
	if !regexp.MustCompile(`(?i)closed`).MatchString(text) {
		t.Errorf("the closed row is not on screen:\n%s", text)
	}

	// 3. Search, then clear the search.
	key("ctrl+f")
	for _, r := range "Hello" {
		key(string(r))
	}
	s.waitUntil("the search result", answers(1), `1\s*of\s*4\s*messages\s*match`)
	key("ctrl+a", "BackSpace")
	text = s.waitUntil("the log after clearing the search", answers(1), `\b4 messages`, `!messages\s*match`, `\{"action`)

	// 4. On this screen the buttons people need can be read (white on
	// the primary colour reads best in black and white).
	text += s.readWith("-threshold", "55%")
	for _, w := range []string{"Send", "Close", "Clear", "Reconnect"} {
		if !regexp.MustCompile(`\b` + w + `\b`).MatchString(text) {
			t.Errorf("%q cannot be read on the 1024x768 screen", w)
		}
	}
	if *shots != "" {
		s.save(filepath.Join(*shots, "ui2-journey-1024x768.png"))
	}
}

// hello is the sample's answer as OCR reads it.
var hello = regexp.MustCompile(`Hel+o\s*W[o0]rld`)

// screen reads the virtual display with OCR.
type screen struct {
	t   *testing.T
	env []string
	dir string
	n   int
}

// readWith reads the last screenshot again with more ImageMagick
// operations before the negation (a threshold, say).
func (s *screen) readWith(ops ...string) string {
	s.t.Helper()
	shot := filepath.Join(s.dir, fmt.Sprintf("shot-%02d.png", s.n))
	prep := strings.TrimSuffix(shot, ".png") + "-ocr2.png"
	args := append([]string{shot, "-colorspace", "Gray", "-resize", "200%"}, ops...)
	if out, err := exec.Command("convert", append(append(args, "-negate"), prep)...).CombinedOutput(); err != nil {
		s.t.Fatalf("convert: %v: %s", err, out)
	}
	out, err := exec.Command("tesseract", prep, "-", "--psm", "11").Output()
	if err != nil {
		s.t.Fatalf("tesseract: %v", err)
	}
	return string(out)
}

// read takes a screenshot and returns the text OCR finds in it.
func (s *screen) read() (string, string) {
	s.t.Helper()
	s.n++
	shot := filepath.Join(s.dir, fmt.Sprintf("shot-%02d.png", s.n))
	if _, err := grab(s.env, shot); err != nil {
		s.t.Fatal(err)
	}
	// Grey, doubled in size, dark text on light: what tesseract reads best.
	prep := strings.TrimSuffix(shot, ".png") + "-ocr.png"
	mean, err := exec.Command("convert", shot, "-colorspace", "Gray", "-format", "%[fx:mean]", "info:").Output()
	if err != nil {
		s.t.Fatalf("convert: %v", err)
	}
	args := []string{shot, "-colorspace", "Gray", "-resize", "200%"}
	if m, _ := strconv.ParseFloat(strings.TrimSpace(string(mean)), 64); m < 0.5 {
		args = append(args, "-negate")
	}
	if out, err := exec.Command("convert", append(args, prep)...).CombinedOutput(); err != nil {
		s.t.Fatalf("convert: %v: %s", err, out)
	}
	out, err := exec.Command("tesseract", prep, "-", "--psm", "11").Output()
	if err != nil {
		s.t.Fatalf("tesseract: %v", err)
	}
	return string(out), shot
}

// waitFor reads the screen until every pattern matches (and none of those
// written "!pattern" does), or fails after 40 s with what it read.
func (s *screen) waitFor(what string, patterns ...string) string {
	s.t.Helper()
	return s.waitUntil(what, nil, patterns...)
}

// waitUntil is waitFor with a further condition on the text read (nil for
// none).
func (s *screen) waitUntil(what string, cond func(string) bool, patterns ...string) string {
	s.t.Helper()
	res := make([]*regexp.Regexp, len(patterns))
	not := make([]bool, len(patterns))
	for i, p := range patterns {
		p, not[i] = strings.CutPrefix(p, "!")
		res[i] = regexp.MustCompile(p)
	}
	deadline := time.Now().Add(40 * time.Second)
	for {
		text, shot := s.read()
		missing := ""
		for i, re := range res {
			if re.MatchString(text) == not[i] {
				missing = patterns[i]
				break
			}
		}
		if missing == "" && cond != nil && !cond(text) {
			missing = "(the condition on the text)"
		}
		if missing == "" {
			return text
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("waiting for %s: the screen (%s) never showed %q (a leading ! means it went on showing it); OCR read:\n%s", what, shot, missing, text)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// save copies the last screenshot to path.
func (s *screen) save(path string) {
	s.t.Helper()
	data, err := os.ReadFile(filepath.Join(s.dir, fmt.Sprintf("shot-%02d.png", s.n)))
	if err == nil {
		err = os.WriteFile(path, data, 0o644)
	}
	if err != nil {
		s.t.Error(err)
	}
}
