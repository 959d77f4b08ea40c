package workspace

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"wsworkbench/emulator/model"
)

// TestFunctionsFromSeeds reads the functions of the SAM and serverless.yml
// seeds as they are.
func TestFunctionsFromSeeds(t *testing.T) {
	dir, err := filepath.Abs("testdata")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		file string
		want []model.Function
	}{
		{"simple-chat.sam.yaml", []model.Function{
			{Name: "OnConnectFunction", Runtime: "nodejs12.x", Handler: "app.handler", CodeDir: filepath.Join(dir, "onconnect"), MemoryMB: 256,
				Env: map[string]string{"TABLE_NAME": "simplechat_connections"}},
			{Name: "OnDisconnectFunction", Runtime: "nodejs12.x", Handler: "app.handler", CodeDir: filepath.Join(dir, "ondisconnect"), MemoryMB: 256,
				Env: map[string]string{"TABLE_NAME": "simplechat_connections"}},
			{Name: "SendMessageFunction", Runtime: "nodejs12.x", Handler: "app.handler", CodeDir: filepath.Join(dir, "sendmessage"), MemoryMB: 256,
				Env: map[string]string{"TABLE_NAME": "simplechat_connections"}},
		}},
		{"simple-chat.serverless.yml", []model.Function{
			{Name: "connect", Runtime: "ruby2.7", Handler: "onconnect/handler.WebsocketApi.connect", CodeDir: dir, Timeout: 6 * time.Second, MemoryMB: 1024,
				Env: map[string]string{"TABLE_NAME": "simple_chatconnections"}},
			{Name: "disconnect", Runtime: "ruby2.7", Handler: "ondisconnect/handler.WebsocketApi.disconnect", CodeDir: dir, Timeout: 6 * time.Second, MemoryMB: 1024,
				Env: map[string]string{"TABLE_NAME": "simple_chatconnections"}},
			{Name: "sendMessage", Runtime: "ruby2.7", Handler: "sendmessage/handler.WebsocketApi.send_message", CodeDir: dir, Timeout: 6 * time.Second, MemoryMB: 1024,
				Env: map[string]string{"TABLE_NAME": "simple_chatconnections"}},
		}},
		{"mock-integration.cfn.yaml", nil},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			fns, warnings, err := LoadFunctions(filepath.Join("testdata", c.file))
			if err != nil {
				t.Fatal(err)
			}
			if len(warnings) > 0 {
				t.Errorf("warnings: %q", warnings)
			}
			if !reflect.DeepEqual(fns, c.want) {
				t.Errorf("functions:\n got %+v\nwant %+v", fns, c.want)
			}
		})
	}
}

const functionsTemplate = `AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Parameters:
  Stage: {Type: String, Default: dev}
Globals:
  Function:
    Runtime: python3.12
    Timeout: 10
    Environment:
      Variables:
        SHARED: from-globals
        LEVEL: info
Resources:
  Table:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: !Sub chat-${Stage}
  Simple:
    Type: AWS::Serverless::SimpleTable
  Sam:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: ./src/sam
      Handler: app.handler
      ReservedConcurrentExecutions: 2
      Environment:
        Variables:
          LEVEL: debug
          TABLE: !Ref Table
          SIMPLE: !Ref Simple
          TABLE_ARN: !GetAtt Table.Arn
          URL: !Sub "https://${AWS::Region}.example/${Stage}"
          BAD: !Ref Nowhere
  NodeInline:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: nodejs20.x
      Handler: index.handler
      Timeout: 5
      MemorySize: 512
      Code:
        ZipFile: |
          exports.handler = async () => ({ ok: true });
  FromS3:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: nodejs20.x
      Handler: index.handler
      Code: {S3Bucket: b, S3Key: k}
  SamS3:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: s3://bucket/code.zip
      Handler: app.handler
  SamDefault:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: ruby3.3
`

// TestFunctionsFromTemplate covers Globals, inline code, resolved variables
// (a table's Ref is its name) and the functions left out with a warning.
func TestFunctionsFromTemplate(t *testing.T) {
	fns, warnings, err := ParseFunctions("t.yaml", "/work/app", []byte(functionsTemplate))
	if err != nil {
		t.Fatal(err)
	}
	want := []model.Function{
		{Name: "NodeInline", Runtime: "nodejs20.x", Handler: "index.handler", InlineCode: "exports.handler = async () => ({ ok: true });\n",
			Timeout: 5 * time.Second, MemoryMB: 512},
		{Name: "Sam", Runtime: "python3.12", Handler: "app.handler", CodeDir: "/work/app/src/sam", Timeout: 10 * time.Second, ReservedConcurrency: 2,
			Env: map[string]string{"SHARED": "from-globals", "LEVEL": "debug", "TABLE": "Table", "SIMPLE": "Simple",
				"TABLE_ARN": "arn:aws:dynamodb:us-east-1:123456789012:Table", "URL": "https://us-east-1.example/dev"}},
		{Name: "SamDefault", Runtime: "ruby3.3", Handler: "app.handler", CodeDir: "/work/app", Timeout: 10 * time.Second,
			Env: map[string]string{"SHARED": "from-globals", "LEVEL": "info"}},
	}
	// TableName !Sub is not resolved for Ref (only strings and parameters
	// are), so Table's Ref is its logical ID here.
	if !reflect.DeepEqual(fns, want) {
		t.Errorf("functions:\n got %+v\nwant %+v", fns, want)
	}
	wantWarn := []string{`t.yaml:33:16: function Sam: environment variable BAD left out`, `FromS3 has no Code.ZipFile`, `SamS3's code is in S3`}
	all := strings.Join(warnings, "\n")
	for _, w := range wantWarn {
		if !strings.Contains(all, w) {
			t.Errorf("warnings lack %q:\n%s", w, all)
		}
	}
}

// TestTableRefIsItsName checks a table's Ref resolves to its TableName, a
// string or a parameter's value.
func TestTableRefIsItsName(t *testing.T) {
	doc := strings.Replace(functionsTemplate, "TableName: !Sub chat-${Stage}", "TableName: !Ref Stage", 1)
	fns, _, err := ParseFunctions("t.yaml", "/w", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if got := fns[1].Env["TABLE"]; got != "dev" {
		t.Errorf("TABLE = %q, want the table's name dev", got)
	}
	doc = strings.Replace(functionsTemplate, "TableName: !Sub chat-${Stage}", "TableName: plain_name", 1)
	if fns, _, _ = ParseFunctions("t.yaml", "/w", []byte(doc)); fns[1].Env["TABLE"] != "plain_name" {
		t.Errorf("TABLE = %q, want plain_name", fns[1].Env["TABLE"])
	}
}

// TestFunctionsFromServerless covers provider defaults, per-function
// overrides and a Ref to a resources table.
func TestFunctionsFromServerless(t *testing.T) {
	doc := `service: chat
provider:
  name: aws
  runtime: nodejs20.x
  stage: ${opt:stage, 'test'}
  timeout: 12
  environment:
    STAGE: ${self:provider.stage}
    TABLE: {Ref: ConnTable}
functions:
  connect:
    handler: src/handlers.connect
    events:
      - websocket: {route: $connect}
  py:
    handler: py/app.handler
    runtime: python3.12
    timeout: 2
    memorySize: 256
    reservedConcurrency: 1
    environment:
      STAGE: own
    events:
      - websocket: {route: py}
resources:
  Resources:
    ConnTable:
      Type: AWS::DynamoDB::Table
      Properties: {TableName: conns}
`
	fns, warnings, err := ParseFunctions("serverless.yml", "/svc", []byte(doc))
	if err != nil || len(warnings) > 0 {
		t.Fatal(err, warnings)
	}
	want := []model.Function{
		{Name: "connect", Runtime: "nodejs20.x", Handler: "src/handlers.connect", CodeDir: "/svc", Timeout: 12 * time.Second, MemoryMB: 1024,
			Env: map[string]string{"STAGE": "test", "TABLE": "conns"}},
		{Name: "py", Runtime: "python3.12", Handler: "py/app.handler", CodeDir: "/svc", Timeout: 2 * time.Second, MemoryMB: 256, ReservedConcurrency: 1,
			Env: map[string]string{"STAGE": "own", "TABLE": "conns"}},
	}
	if !reflect.DeepEqual(fns, want) {
		t.Errorf("functions:\n got %+v\nwant %+v", fns, want)
	}
}

// TestLoadFunctionsMissingFile checks a missing file is an error.
func TestLoadFunctionsMissingFile(t *testing.T) {
	if _, _, err := LoadFunctions(filepath.Join(t.TempDir(), "nope.yaml")); !os.IsNotExist(err) {
		t.Fatalf("err = %v, want not-exist", err)
	}
}

// FuzzParseFunctions feeds ParseFunctions arbitrary bytes: it must not
// panic, and its errors are *Error.
func FuzzParseFunctions(f *testing.F) {
	for _, name := range seedFiles {
		data, err := os.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(functionsTemplate))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _, err := ParseFunctions("fuzz.yaml", "/w", data)
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("error is %T, want *Error: %v", err, err)
			}
		}
	})
}
