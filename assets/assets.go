// Package assets holds the files wsworkbench ships inside its binary: the
// sample API it opens on a first start and the chat samples. It does not
// import Fyne; the window wraps these bytes in resources itself. The
// application icon, icon.png, is not embedded here: FyneApp.toml names it
// for the fyne tool.
package assets

import _ "embed"

// SampleName is the file name the sample API is shown and saved under.
const SampleName = "sample.yaml"

// SampleAPI is assets/sample.yaml: a CloudFormation template of a WebSocket
// API with MOCK integrations that answers without any Lambda function.
//
//go:embed sample.yaml
var SampleAPI []byte

// File names the chat samples are shown under.
const (
	ChatSAMName        = "simple-chat.sam.yaml"
	ChatServerlessName = "serverless.yml"
)

// ChatSAM is assets/chat.sam.yaml: the AWS simple-websockets-chat-app SAM
// template, unchanged (the seed in /work/shared/fixtures/seeds), whose
// functions the built-in chat backend serves.
//
//go:embed chat.sam.yaml
var ChatSAM []byte

// ChatServerless is assets/chat.serverless.yml: the same chat as a
// Serverless Framework serverless.yml, unchanged.
//
//go:embed chat.serverless.yml
var ChatServerless []byte
