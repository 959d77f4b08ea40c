package localfn

import (
	"hash/fnv"
	"io/fs"
	"path/filepath"
	"strconv"
	"time"
)

// codeState is a fingerprint of a code directory: every file's path, size
// and modification time. Directories named node_modules, .git and
// __pycache__ count by their own modification time only, so a large
// dependency tree costs one stat per check.
type codeState struct {
	sum   uint64
	known bool
}

// skipDirs are not walked into when fingerprinting (see codeState).
var skipDirs = map[string]bool{"node_modules": true, ".git": true, "__pycache__": true, ".aws-sam": true}

// fingerprint returns dir's codeState sum.
func fingerprint(dir string) uint64 {
	h := fnv.New64a()
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return nil
		}
		h.Write([]byte(p))
		h.Write([]byte(strconv.FormatInt(info.Size(), 10)))
		h.Write([]byte(strconv.FormatInt(info.ModTime().UnixNano(), 10)))
		if d.IsDir() && p != dir && skipDirs[d.Name()] {
			return filepath.SkipDir
		}
		return nil
	})
	return h.Sum64()
}

// watch checks every function's code directory each ReloadInterval and
// restarts the function when it changed: its idle instances stop at once,
// busy ones after their invocation, and the next invocation starts a fresh
// instance. Connections and the gateway are untouched.
func (r *Runner) watch() {
	defer r.wg.Done()
	t := time.NewTicker(r.opts.ReloadInterval)
	defer t.Stop()
	for {
		select {
		case <-r.stop:
			return
		case <-t.C:
			r.checkCode()
		}
	}
}

// checkCode restarts the functions whose code changed since the last check.
// Functions that share a directory (a serverless.yml service) share one
// walk of it.
func (r *Runner) checkCode() {
	sums := map[string]uint64{}
	for _, f := range r.functions() {
		name := f.cfg.Name
		if f.cfg.CodeDir == "" {
			continue
		}
		sum, ok := sums[f.cfg.CodeDir]
		if !ok {
			sum = fingerprint(f.cfg.CodeDir)
			sums[f.cfg.CodeDir] = sum
		}
		if !f.watch.known {
			f.watch = codeState{sum: sum, known: true}
			continue
		}
		if sum == f.watch.sum {
			continue
		}
		f.watch.sum = sum
		f.restart()
		if r.opts.OnReload != nil {
			r.opts.OnReload(name)
		}
	}
}
