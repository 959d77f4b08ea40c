package localfn

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
	"wsworkbench/emulator/atomicfile"
)

// bootstraps are our Runtime API clients for Node.js, Python and Ruby.
//
//go:embed bootstrap/node.cjs bootstrap/python.py bootstrap/ruby.rb
var bootstraps embed.FS

// Supported lists the runtimes the runner runs, for error messages and docs.
const Supported = "nodejs*, python3.*, ruby*, provided, provided.al2, provided.al2023 and go1.x"

// language is how one family of runtimes starts.
type language struct {
	prefix    string // runtime identifiers it covers
	program   string // the interpreter looked up on PATH
	bootstrap string // our bootstrap in the bootstrap directory
	inline    string // the file name Code.ZipFile is written to
}

var languages = []language{
	{prefix: "nodejs", program: "node", bootstrap: "node.cjs", inline: "index.js"},
	{prefix: "python3", program: "python3", bootstrap: "python.py", inline: "index.py"},
	{prefix: "ruby", program: "ruby", bootstrap: "ruby.rb", inline: "index.rb"},
}

// command returns how to start an instance of fn: the program, its
// arguments, the code directory (LAMBDA_TASK_ROOT) and variables its
// language needs.
func (r *Runner) command(fn Function) (program string, args []string, dir string, env []string, err error) {
	rt := strings.ToLower(strings.TrimSpace(fn.Runtime))
	dir = fn.CodeDir
	if fn.InlineCode == "" {
		st, err := os.Stat(dir)
		switch {
		case err != nil:
			return "", nil, "", nil, &runtimeError{typ: "Runtime.InvalidEntrypoint",
				msg: fmt.Sprintf("function %s's code directory %s does not exist", fn.Name, dir)}
		case !st.IsDir() && strings.EqualFold(filepath.Ext(dir), ".zip"):
			// A deployment package (SAM CodeUri: build/app.zip): unpacked
			// into the cache, once per content.
			if dir, err = r.cache.unzip(fn.Name, dir); err != nil {
				return "", nil, "", nil, &runtimeError{typ: "Runtime.InvalidEntrypoint",
					msg: fmt.Sprintf("function %s: %v", fn.Name, err)}
			}
		case !st.IsDir():
			return "", nil, "", nil, &runtimeError{typ: "Runtime.InvalidEntrypoint",
				msg: fmt.Sprintf("function %s's code %s is neither a directory nor a .zip file", fn.Name, dir)}
		}
	}
	for _, l := range languages {
		if !strings.HasPrefix(rt, l.prefix) {
			continue
		}
		if fn.InlineCode != "" {
			if dir, err = r.cache.inline(fn.Name, l.inline, fn.InlineCode); err != nil {
				return "", nil, "", nil, err
			}
		}
		program, err := exec.LookPath(l.program)
		if err != nil {
			return "", nil, "", nil, &runtimeError{typ: "Runtime.Unavailable",
				msg: fmt.Sprintf("runtime %s needs %s on PATH: %v", fn.Runtime, l.program, err)}
		}
		boot, err := r.cache.bootstrap(l.bootstrap)
		if err != nil {
			return "", nil, "", nil, err
		}
		switch l.prefix {
		case "python3":
			env = []string{"PYTHONUNBUFFERED=1", "PYTHONDONTWRITEBYTECODE=1"}
		}
		return program, []string{boot}, dir, env, nil
	}
	if fn.InlineCode != "" {
		return "", nil, "", nil, &runtimeError{typ: "Runtime.Unsupported",
			msg: fmt.Sprintf("inline code (Code.ZipFile) runs only for Node.js, Python and Ruby, not runtime %s", fn.Runtime)}
	}
	var exe string
	switch rt {
	case "provided", "provided.al2", "provided.al2023":
		exe = filepath.Join(dir, "bootstrap")
	case "go1.x":
		exe = filepath.Join(dir, fn.Handler)
	default:
		return "", nil, "", nil, &runtimeError{typ: "Runtime.Unsupported", msg: unsupportedRuntime(fn.Runtime)}
	}
	st, err := os.Stat(exe)
	if err != nil || st.IsDir() || st.Mode()&0o111 == 0 {
		msg := fmt.Sprintf("runtime %s needs an executable %s", fn.Runtime, exe)
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			msg += fmt.Sprintf(" (for Go: cd %s && go build -o %s .)", dir, filepath.Base(exe))
		}
		return "", nil, "", nil, &runtimeError{typ: "Runtime.InvalidEntrypoint", msg: msg}
	}
	return exe, nil, dir, nil, nil
}

// environment returns the instance's environment: the host's PATH and HOME,
// the runner's extra variables, the function's own, then Lambda's reserved
// ones, which a function cannot override.
func (r *Runner) environment(fn Function, apiAddr, dir string, extra []string) []string {
	vars := map[string]string{}
	for _, k := range []string{"PATH", "HOME"} {
		if v, ok := os.LookupEnv(k); ok {
			vars[k] = v
		}
	}
	vars["LANG"] = "en_US.UTF-8"
	for k, v := range r.opts.Env {
		vars[k] = v
	}
	for k, v := range fn.Env {
		vars[k] = v
	}
	for _, kv := range extra {
		k, v, _ := strings.Cut(kv, "=")
		vars[k] = v
	}
	now := time.Now().UTC()
	reserved := map[string]string{
		"AWS_LAMBDA_RUNTIME_API":          apiAddr,
		"_HANDLER":                        fn.Handler,
		"LAMBDA_TASK_ROOT":                dir,
		"LAMBDA_RUNTIME_DIR":              r.cache.bootDir(),
		"AWS_EXECUTION_ENV":               "AWS_Lambda_" + fn.Runtime,
		"AWS_LAMBDA_FUNCTION_NAME":        fn.Name,
		"AWS_LAMBDA_FUNCTION_VERSION":     "$LATEST",
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": strconv.Itoa(fn.MemoryMB),
		"AWS_LAMBDA_LOG_GROUP_NAME":       "/aws/lambda/" + fn.Name,
		"AWS_LAMBDA_LOG_STREAM_NAME":      now.Format("2006/01/02") + "/[$LATEST]" + strings.ReplaceAll(newRequestID(), "-", ""),
		"AWS_LAMBDA_INITIALIZATION_TYPE":  "on-demand",
		"AWS_REGION":                      r.opts.Region,
		"AWS_DEFAULT_REGION":              r.opts.Region,
		"AWS_ACCESS_KEY_ID":               "AKIAWSWORKBENCHLOCAL",
		"AWS_SECRET_ACCESS_KEY":           "wsworkbench-local-secret-key",
		"AWS_SESSION_TOKEN":               "wsworkbench-local-session-token",
		"TZ":                              ":UTC",
	}
	for k, v := range reserved {
		vars[k] = v
	}
	env := make([]string, 0, len(vars))
	for k, v := range vars {
		env = append(env, k+"="+v)
	}
	return env
}

// arn is a function's ARN in the runner's region.
func (r *Runner) arn(name string) string {
	return "arn:aws:lambda:" + r.opts.Region + ":123456789012:function:" + name
}

// cache writes the bootstraps and inline code under one directory, once per
// content: a file's directory is named by its hash, so a new version of the
// workbench never runs an old bootstrap.
type cache struct {
	dir string

	once    sync.Once
	bootErr error
	boot    string
	mu      sync.Mutex
	inlined map[string]string
}

// bootDir returns the directory holding the bootstraps ("" before the
// first bootstrap call).
func (c *cache) bootDir() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.boot
}

// bootstrap returns the path of the named bootstrap, writing all of them
// on first use.
func (c *cache) bootstrap(name string) (string, error) {
	c.once.Do(func() {
		h := sha256.New()
		entries, _ := bootstraps.ReadDir("bootstrap")
		for _, e := range entries {
			b, _ := bootstraps.ReadFile("bootstrap/" + e.Name())
			h.Write([]byte(e.Name()))
			h.Write(b)
		}
		dir := filepath.Join(c.dir, "bootstrap-"+hex.EncodeToString(h.Sum(nil))[:12])
		for _, e := range entries {
			b, _ := bootstraps.ReadFile("bootstrap/" + e.Name())
			if err := writeOnce(filepath.Join(dir, e.Name()), b); err != nil {
				c.bootErr = err
				return
			}
		}
		c.mu.Lock()
		c.boot = dir
		c.mu.Unlock()
	})
	if c.bootErr != nil {
		return "", fmt.Errorf("writing the runtime bootstraps: %w", c.bootErr)
	}
	return filepath.Join(c.bootDir(), name), nil
}

// inline writes a function's inline code as file and returns its directory.
func (c *cache) inline(fn, file, code string) (string, error) {
	sum := sha256.Sum256([]byte(file + "\x00" + code))
	dir := filepath.Join(c.dir, "inline", safeName(fn)+"-"+hex.EncodeToString(sum[:])[:12])
	if err := writeOnce(filepath.Join(dir, file), []byte(code)); err != nil {
		return "", fmt.Errorf("writing %s's inline code: %w", fn, err)
	}
	return dir, nil
}

// writeOnce writes data to path unless a file with that content is there,
// atomically (a temporary file renamed into place).
func writeOnce(path string, data []byte) error {
	if old, err := os.ReadFile(path); err == nil && string(old) == string(data) {
		return nil
	}
	return atomicfile.Write(path, data)
}

// safeName keeps a function name usable as a directory name.
func safeName(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '-' || r == '_' || r == '.' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return '_'
	}, s)
}

// maxUnzipped bounds what one deployment package may unpack to: Lambda's
// limit for unzipped code.
const maxUnzipped = 250 << 20

// unzip unpacks the deployment package at path into the cache and returns
// the directory. The directory is named by the package's content, so a new
// package (after a rebuild) unpacks beside the old one.
func (c *cache) unzip(fn, path string) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(data)
	dir := filepath.Join(c.dir, "zip", safeName(fn)+"-"+hex.EncodeToString(sum[:])[:12])
	if _, err := os.Stat(filepath.Join(dir, ".complete")); err == nil {
		return dir, nil
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return "", fmt.Errorf("%s: %w", path, err)
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), ".unzip-*")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	var total int64
	for _, f := range zr.File {
		name := filepath.FromSlash(f.Name)
		if !filepath.IsLocal(name) {
			return "", fmt.Errorf("%s: entry %q leaves the package", path, f.Name)
		}
		target := filepath.Join(tmp, name)
		if f.FileInfo().IsDir() {
			if err := os.MkdirAll(target, 0o755); err != nil {
				return "", err
			}
			continue
		}
		if total += int64(f.UncompressedSize64); total > maxUnzipped {
			return "", fmt.Errorf("%s unpacks to more than %d MB", path, maxUnzipped>>20)
		}
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return "", err
		}
		if err := unzipFile(f, target); err != nil {
			return "", fmt.Errorf("%s: %s: %w", path, f.Name, err)
		}
	}
	if err := os.WriteFile(filepath.Join(tmp, ".complete"), nil, 0o644); err != nil {
		return "", err
	}
	if err := os.Rename(tmp, dir); err != nil {
		if _, statErr := os.Stat(filepath.Join(dir, ".complete")); statErr == nil {
			return dir, nil // unpacked meanwhile by another instance
		}
		return "", err
	}
	return dir, nil
}

// unzipFile writes one entry, keeping its executable bits (a bootstrap).
func unzipFile(f *zip.File, target string) error {
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	mode := os.FileMode(0o644)
	if f.Mode()&0o111 != 0 {
		mode = 0o755
	}
	out, err := os.OpenFile(target, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, mode)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, io.LimitReader(rc, maxUnzipped)); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
