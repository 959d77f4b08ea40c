package cli

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"time"

	"gopkg.in/yaml.v3"

	"wsworkbench/emulator/model"
)

// faultFlags are serve's flags for faults set on purpose (model.Faults):
// a file of them, or the common ones one flag each. They replace or add to
// the workspace's Metadata.wsworkbench.faults.
type faultFlags struct {
	file    string
	off     bool
	seed    int64
	latency time.Duration
	jitter  time.Duration
	drop    float64
	error   string
	refuse  int
}

func addFaultFlags(fs *flag.FlagSet) *faultFlags {
	f := &faultFlags{}
	fs.StringVar(&f.file, "faults", "", "read faults from FILE (YAML, the form of Metadata.wsworkbench.faults; docs/gateway.md) instead of the workspace's")
	fs.BoolVar(&f.off, "no-faults", false, "apply none of the workspace's faults")
	fs.Int64Var(&f.seed, "fault-seed", 0, "seed the faults' random choices, so a run repeats (0: random)")
	fs.DurationVar(&f.latency, "fault-latency", 0, "delay every message's integration by this much")
	fs.DurationVar(&f.jitter, "fault-jitter", 0, "add up to this much more to --fault-latency")
	fs.Float64Var(&f.drop, "fault-drop", 0, "lose this fraction (0 to 1) of messages before routing")
	fs.StringVar(&f.error, "fault-error", "", `answer every message with this error frame instead of its integration: "Internal server error", "Forbidden" or "Endpoint request timed out"`)
	fs.IntVar(&f.refuse, "fault-refuse", 0, "refuse every new connection with this HTTP status (429, 500, 502, ...)")
	return f
}

// apply puts the flags' faults into api's settings.
func (f *faultFlags) apply(api *model.API) error {
	faults := api.Settings.Faults
	if f.file != "" {
		b, err := os.ReadFile(f.file)
		if err != nil {
			return fmt.Errorf("--faults: %w", err)
		}
		faults = model.Faults{}
		dec := yaml.NewDecoder(bytes.NewReader(b))
		dec.KnownFields(true)
		if err := dec.Decode(&faults); err != nil {
			return fmt.Errorf("--faults %s: %w", f.file, err)
		}
	}
	if f.off {
		faults = model.Faults{}
	}
	if f.seed != 0 {
		faults.Seed = f.seed
	}
	if f.latency > 0 || f.jitter > 0 || f.drop > 0 || f.error != "" {
		faults.Messages = append(faults.Messages, model.MessageFault{Latency: f.latency, Jitter: f.jitter, Drop: f.drop, Error: f.error})
	}
	if f.refuse != 0 {
		faults.Connect = &model.ConnectFault{Status: f.refuse}
	}
	if err := faults.Validate(); err != nil {
		return fmt.Errorf("faults: %w", err)
	}
	api.Settings.Faults = faults
	return nil
}

// describe is the line serve prints when faults are on, so nobody wonders
// why answers are slow.
func describeFaults(f model.Faults) string {
	if !f.Active() {
		return ""
	}
	return fmt.Sprintf("faults: on (%d message, %d close, connect %v, @connections %v): see docs/gateway.md, Faults", len(f.Messages), len(f.Closes), f.Connect != nil, f.Management != nil)
}
