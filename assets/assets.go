// Package assets holds the files wsworkbench ships inside its binary: the
// sample API it opens on a first start (and, later, the application icon).
// It does not import Fyne; the window wraps these bytes in resources itself.
package assets

import _ "embed"

// SampleName is the file name the sample API is shown and saved under.
const SampleName = "sample.yaml"

// SampleAPI is assets/sample.yaml: a CloudFormation template of a WebSocket
// API with MOCK integrations that answers without any Lambda function.
//
//go:embed sample.yaml
var SampleAPI []byte
