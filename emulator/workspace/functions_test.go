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
			local, err := LoadLocal(filepath.Join("testdata", c.file))
			if err != nil {
				t.Fatal(err)
			}
			fns, warnings := local.Functions, local.Warnings
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
	local, err := ParseLocal("t.yaml", "/work/app", []byte(functionsTemplate))
	if err != nil {
		t.Fatal(err)
	}
	fns, warnings := local.Functions, local.Warnings
	want := []model.Function{
		{Name: "NodeInline", Runtime: "nodejs20.x", Handler: "index.handler", InlineCode: "exports.handler = async () => ({ ok: true });\n",
			Timeout: 5 * time.Second, MemoryMB: 512},
		{Name: "Sam", Runtime: "python3.12", Handler: "app.handler", CodeDir: "/work/app/src/sam", Timeout: 10 * time.Second, ReservedConcurrency: 2,
			Env: map[string]string{"SHARED": "from-globals", "LEVEL": "debug", "TABLE": "chat-dev", "SIMPLE": "Simple",
				"TABLE_ARN": "arn:aws:dynamodb:us-east-1:123456789012:Table", "URL": "https://us-east-1.example/dev"}},
		{Name: "SamDefault", Runtime: "ruby3.3", Handler: "app.handler", CodeDir: "/work/app", Timeout: 10 * time.Second,
			Env: map[string]string{"SHARED": "from-globals", "LEVEL": "info"}},
	}
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
	local, err := ParseLocal("t.yaml", "/w", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if got := local.Functions[1].Env["TABLE"]; got != "dev" {
		t.Errorf("TABLE = %q, want the table's name dev", got)
	}
	doc = strings.Replace(functionsTemplate, "TableName: !Sub chat-${Stage}", "TableName: plain_name", 1)
	if local, _ = ParseLocal("t.yaml", "/w", []byte(doc)); local.Functions[1].Env["TABLE"] != "plain_name" {
		t.Errorf("TABLE = %q, want plain_name", local.Functions[1].Env["TABLE"])
	}
	// A name that refers back to its own table stops at the logical ID.
	doc = strings.Replace(functionsTemplate, "TableName: !Sub chat-${Stage}", "TableName: !Sub '${Table}-x'", 1)
	if local, err = ParseLocal("t.yaml", "/w", []byte(doc)); err != nil || local.Functions[1].Env["TABLE"] != "Table-x" {
		t.Errorf("self-referring TableName: %v, TABLE = %q, want Table-x", err, local.Functions[1].Env["TABLE"])
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
      Properties:
        TableName: conns
        AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
        KeySchema: [{AttributeName: id, KeyType: HASH}]
`
	local, err := ParseLocal("serverless.yml", "/svc", []byte(doc))
	if err != nil || len(local.Warnings) > 0 {
		t.Fatal(err, local.Warnings)
	}
	fns := local.Functions
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
	if _, err := LoadLocal(filepath.Join(t.TempDir(), "nope.yaml")); !os.IsNotExist(err) {
		t.Fatalf("err = %v, want not-exist", err)
	}
}

// FuzzParseLocal feeds ParseLocal arbitrary bytes: it must not
// panic, and its errors are *Error.
func FuzzParseLocal(f *testing.F) {
	for _, name := range seedFiles {
		data, err := os.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(functionsTemplate))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := ParseLocal("fuzz.yaml", "/w", data)
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("error is %T, want *Error: %v", err, err)
			}
		}
	})
}

// TestTables reads the tables of the seeds and of a template with indexes
// and a SimpleTable.
func TestTables(t *testing.T) {
	for _, c := range []struct {
		file string
		want []model.Table
	}{
		{"testdata/simple-chat.sam.yaml", []model.Table{{ID: "ConnectionsTable", Name: "simplechat_connections",
			Attributes: []model.TableAttribute{{Name: "connectionId", Type: "S"}}, KeySchema: []model.TableKey{{Name: "connectionId", KeyType: "HASH"}}}}},
		{"testdata/simple-chat.serverless.yml", []model.Table{{ID: "SimpleChatTable", Name: "simple_chatconnections",
			Attributes: []model.TableAttribute{{Name: "connectionId", Type: "S"}}, KeySchema: []model.TableKey{{Name: "connectionId", KeyType: "HASH"}}}}},
	} {
		local, err := LoadLocal(c.file)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(local.Tables, c.want) {
			t.Errorf("%s: tables\n got %+v\nwant %+v", c.file, local.Tables, c.want)
		}
	}
	doc := functionsTemplate + `  Indexed:
    Type: AWS::DynamoDB::Table
    Properties:
      AttributeDefinitions:
        - {AttributeName: pk, AttributeType: S}
        - {AttributeName: sk, AttributeType: N}
        - {AttributeName: g, AttributeType: S}
      KeySchema:
        - {AttributeName: pk, KeyType: HASH}
        - {AttributeName: sk, KeyType: RANGE}
      GlobalSecondaryIndexes:
        - IndexName: byG
          KeySchema: [{AttributeName: g, KeyType: HASH}]
          Projection: {ProjectionType: INCLUDE, NonKeyAttributes: [x, y]}
      LocalSecondaryIndexes:
        - IndexName: byPkG
          KeySchema: [{AttributeName: pk, KeyType: HASH}, {AttributeName: g, KeyType: RANGE}]
          Projection: {ProjectionType: KEYS_ONLY}
  NoKeys:
    Type: AWS::DynamoDB::Table
    Properties: {TableName: nokeys}
`
	local, err := ParseLocal("t.yaml", "/w", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	want := []model.Table{
		{ID: "Indexed", Name: "Indexed",
			Attributes: []model.TableAttribute{{Name: "pk", Type: "S"}, {Name: "sk", Type: "N"}, {Name: "g", Type: "S"}},
			KeySchema:  []model.TableKey{{Name: "pk", KeyType: "HASH"}, {Name: "sk", KeyType: "RANGE"}},
			GlobalSecondaryIndexes: []model.TableIndex{{Name: "byG", KeySchema: []model.TableKey{{Name: "g", KeyType: "HASH"}},
				Projection: "INCLUDE", NonKeyAttributes: []string{"x", "y"}}},
			LocalSecondaryIndexes: []model.TableIndex{{Name: "byPkG", KeySchema: []model.TableKey{{Name: "pk", KeyType: "HASH"}, {Name: "g", KeyType: "RANGE"}},
				Projection: "KEYS_ONLY"}}},
		{ID: "Simple", Name: "Simple", Attributes: []model.TableAttribute{{Name: "id", Type: "S"}}, KeySchema: []model.TableKey{{Name: "id", KeyType: "HASH"}}},
	}
	// Table in functionsTemplate has no KeySchema: it is left out.
	if !reflect.DeepEqual(local.Tables, want) {
		t.Errorf("tables\n got %+v\nwant %+v", local.Tables, want)
	}
	if !strings.Contains(strings.Join(local.Warnings, "\n"), "table NoKeys has no KeySchema") {
		t.Errorf("no warning for the table without keys: %q", local.Warnings)
	}
}

// TestDropMissing keeps the functions whose code is on disk (and inline
// code) and names the others.
func TestDropMissing(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "here"), 0o755); err != nil {
		t.Fatal(err)
	}
	l := &Local{Functions: []model.Function{
		{Name: "Here", CodeDir: filepath.Join(dir, "here")},
		{Name: "Gone", CodeDir: filepath.Join(dir, "gone")},
		{Name: "Inline", InlineCode: "x"},
	}}
	msgs := l.DropMissing()
	if len(l.Functions) != 2 || l.Functions[0].Name != "Here" || l.Functions[1].Name != "Inline" {
		t.Errorf("kept %+v", l.Functions)
	}
	if len(msgs) != 1 || !strings.Contains(msgs[0], "function Gone: no code at ") {
		t.Errorf("messages %q", msgs)
	}
}
