package localfn

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Runtime is a Lambda runtime identifier as the editor offers it.
type Runtime struct {
	ID string
	// Supported reports whether the workbench runs it; the others are
	// listed so a person moving a function here sees plainly that it will
	// not run.
	Supported bool
}

// Runtimes are the runtimes the editor offers, supported ones first.
var Runtimes = []Runtime{
	{"nodejs22.x", true}, {"nodejs20.x", true}, {"nodejs18.x", true},
	{"python3.13", true}, {"python3.12", true}, {"python3.11", true}, {"python3.10", true}, {"python3.9", true},
	{"ruby3.3", true}, {"ruby3.2", true},
	{"provided.al2023", true}, {"provided.al2", true},
	{"java21", false}, {"java17", false}, {"dotnet8", false},
}

// MaxTimeout is the longest timeout Lambda allows.
const MaxTimeout = 900 * time.Second

// Check reports what keeps fn from running here, for the editor to show
// before the function is ever called: a runtime the workbench does not run,
// a code folder that is not there, a handler whose file is not in it (or a
// bootstrap that is not executable), a timeout or memory size Lambda
// refuses. It does not start anything: whether the handler's function is
// exported shows at the first call, as on Lambda.
func Check(fn Function) error {
	if fn.InlineCode != "" {
		return nil
	}
	rt := strings.ToLower(strings.TrimSpace(fn.Runtime))
	if rt == "" {
		return fmt.Errorf("function %s has no runtime: choose one (%s)", fn.Name, Supported)
	}
	if fn.Timeout < 0 || fn.Timeout > MaxTimeout {
		return fmt.Errorf("function %s: timeout %s is out of Lambda's range (1 to 900 seconds)", fn.Name, fn.Timeout)
	}
	if fn.MemoryMB != 0 && (fn.MemoryMB < 128 || fn.MemoryMB > 10240) {
		return fmt.Errorf("function %s: memory %d MB is out of Lambda's range (128 to 10240)", fn.Name, fn.MemoryMB)
	}
	dir := fn.CodeDir
	st, err := os.Stat(dir)
	switch {
	case dir == "":
		return fmt.Errorf("function %s has no code folder", fn.Name)
	case err != nil:
		return fmt.Errorf("function %s: code folder %s does not exist", fn.Name, dir)
	case !st.IsDir() && strings.EqualFold(filepath.Ext(dir), ".zip"):
		return checkRuntime(fn, rt) // the handler is inside the package
	case !st.IsDir():
		return fmt.Errorf("function %s: code %s is neither a folder nor a .zip file", fn.Name, dir)
	}
	if err := checkRuntime(fn, rt); err != nil {
		return err
	}
	h := strings.TrimSpace(fn.Handler)
	switch {
	case strings.HasPrefix(rt, "provided"):
		return checkExecutable(fn, filepath.Join(dir, "bootstrap"))
	case rt == "go1.x":
		if h == "" {
			return fmt.Errorf("function %s has no handler: go1.x names the executable (e.g. bootstrap)", fn.Name)
		}
		return checkExecutable(fn, filepath.Join(dir, h))
	}
	// The file part of the handler, as our bootstraps read it.
	var base string
	var exts []string
	example := "index.handler"
	switch {
	case strings.HasPrefix(rt, "nodejs"):
		slash := strings.LastIndex(h, "/")
		if dot := strings.Index(h[slash+1:], "."); dot >= 0 {
			base = h[:slash+1+dot]
		}
		exts = []string{".js", ".mjs", ".cjs"}
	case strings.HasPrefix(rt, "python3"):
		if i := strings.LastIndex(h, "."); i > 0 {
			base = strings.ReplaceAll(h[:i], ".", "/")
		}
		exts = []string{".py", "/__init__.py"}
		example = "app.lambda_handler"
	case strings.HasPrefix(rt, "ruby"):
		if i := strings.Index(h, "."); i > 0 {
			base = h[:i]
		}
		exts = []string{".rb"}
		example = "app.lambda_handler"
	}
	if base == "" || strings.HasSuffix(h, ".") {
		return fmt.Errorf("function %s: handler %q is not file.function (e.g. %s)", fn.Name, h, example)
	}
	var tried []string
	for _, ext := range exts {
		p := filepath.Join(dir, filepath.FromSlash(base+ext))
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return nil
		}
		tried = append(tried, filepath.ToSlash(base+ext))
	}
	return fmt.Errorf("function %s: handler %s: no %s in %s", fn.Name, h, strings.Join(tried, " or "), dir)
}

// checkRuntime reports a runtime the workbench does not run.
func checkRuntime(fn Function, rt string) error {
	for _, l := range languages {
		if strings.HasPrefix(rt, l.prefix) {
			return nil
		}
	}
	switch rt {
	case "provided", "provided.al2", "provided.al2023", "go1.x":
		return nil
	}
	return fmt.Errorf("function %s: %s", fn.Name, unsupportedRuntime(fn.Runtime))
}

// unsupportedRuntime says that a runtime does not run here, and what does.
func unsupportedRuntime(runtime string) string {
	if runtime == "" {
		runtime = "(none)"
	}
	return fmt.Sprintf("runtime %s is not supported by the workbench: it runs %s functions (use --lambda-endpoint with sam local start-lambda for others)", runtime, Supported)
}

// checkExecutable reports a custom runtime's program that is missing or
// not executable.
func checkExecutable(fn Function, exe string) error {
	st, err := os.Stat(exe)
	if err != nil || st.IsDir() || st.Mode()&0o111 == 0 {
		return fmt.Errorf("function %s: runtime %s needs an executable %s", fn.Name, fn.Runtime, exe)
	}
	return nil
}
