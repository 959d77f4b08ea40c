package model

import "time"

// Function is a Lambda function whose code is on this machine: what a SAM
// AWS::Serverless::Function, an AWS::Lambda::Function with inline code or a
// serverless.yml function says, resolved to local values. The workbench runs
// it itself (package localfn) when no Lambda endpoint is configured.
type Function struct {
	// Name is the name integrations call it by: the template's logical ID
	// (as sam local names functions), or the serverless.yml function key.
	Name string
	// Runtime is Lambda's runtime identifier, e.g. nodejs20.x, python3.12,
	// ruby3.3, provided.al2023.
	Runtime string
	// Handler is Lambda's handler string, e.g. app.handler.
	Handler string
	// CodeDir is the absolute code directory (LAMBDA_TASK_ROOT), or a .zip
	// deployment package, which is unpacked to a cache directory; empty
	// when InlineCode holds the code.
	CodeDir string
	// InlineCode is CloudFormation's Code.ZipFile or SAM's InlineCode.
	InlineCode string
	// Env are the function's environment variables, resolved.
	Env map[string]string
	// Timeout is the function's timeout; 0 means Lambda's default, 3 s.
	Timeout time.Duration
	// MemoryMB is the memory size; 0 means 128.
	MemoryMB int
	// ReservedConcurrency is ReservedConcurrentExecutions; 0 means unset.
	ReservedConcurrency int
}

// Function returns the function named name, or nil.
func (a *API) Function(name string) *Function {
	for i := range a.Functions {
		if a.Functions[i].Name == name {
			return &a.Functions[i]
		}
	}
	return nil
}
