// Package model holds the workbench's description of one API Gateway WebSocket
// API: what a CloudFormation template's AWS::ApiGatewayV2 resources say, plus the
// workbench's own settings. It is plain data: the workspace package reads and
// writes it, the gateway compiles it into a running snapshot, the window edits a
// copy of it. Nothing here validates; emulator.Compile does.
package model

import (
	"maps"
	"time"
)

// Integration types, as CloudFormation spells them.
const (
	TypeMock      = "MOCK"
	TypeAWSProxy  = "AWS_PROXY"
	TypeAWS       = "AWS"
	TypeHTTP      = "HTTP"
	TypeHTTPProxy = "HTTP_PROXY"
)

// Predefined route keys.
const (
	RouteConnect    = "$connect"
	RouteDisconnect = "$disconnect"
	RouteDefault    = "$default"
)

// API is one WebSocket API with its single stage. IDs are CloudFormation logical
// IDs; they tie routes to integrations and let a save write each resource back
// under the name it was loaded with.
type API struct {
	ID                        string // logical ID of the AWS::ApiGatewayV2::Api resource
	Name                      string
	Description               string
	RouteSelectionExpression  string
	APIKeySelectionExpression string
	Stage                     Stage
	Routes                    []Route // in file order
	Integrations              []Integration
	Authorizers               []Authorizer
	Settings                  Settings
	SavedMessages             []SavedMessage // the client tabs' saved messages
	// Functions are the workspace's SAM functions with code on this machine
	// (AWS::Serverless::Function with a local CodeUri), as the editor
	// creates and edits them. Functions the editor cannot edit faithfully
	// (inline code, code in S3, variables that do not resolve) stay in the
	// file only.
	Functions []Function
}

// Stage is the API's stage: its name is the first path segment of the URL.
type Stage struct {
	ID           string
	Name         string
	Description  string
	Variables    map[string]string
	DeploymentID string
}

// Route is one route key and the integration behind it.
type Route struct {
	ID                               string
	Key                              string // $connect, $disconnect, $default or a custom key
	IntegrationID                    string // "" means no integration
	AuthorizationType                string // NONE, AWS_IAM or CUSTOM ($connect only)
	AuthorizerID                     string
	APIKeyRequired                   bool
	RouteResponseSelectionExpression string
	// RouteResponse, when set, makes the route two-way: the integration's
	// answer is sent back to the client.
	RouteResponse     *RouteResponse
	OperationName     string
	RequestParameters map[string]bool // route.request.* name → required
}

// RouteResponse is a route's (only ever $default) route response.
type RouteResponse struct {
	ID  string
	Key string
}

// Integration is what a route calls.
type Integration struct {
	ID          string
	Type        string // one of the Type constants
	Description string
	URI         string
	Method      string
	// FunctionName overrides the Lambda function name derived from URI.
	FunctionName                string
	RequestTemplates            map[string]string // template key → VTL
	TemplateSelectionExpression string
	PassthroughBehavior         string // WHEN_NO_MATCH (default), NEVER, WHEN_NO_TEMPLATES
	ContentHandlingStrategy     string // "", CONVERT_TO_BINARY, CONVERT_TO_TEXT
	RequestParameters           map[string]string
	TimeoutMillis               int // 0 means AWS's default, 29000
	ConnectionType              string
	PayloadFormatVersion        string
	CredentialsArn              string
	Responses                   []IntegrationResponse
}

// IntegrationResponse maps an integration status (by regex key) to a response template.
type IntegrationResponse struct {
	ID                          string
	Key                         string            // $default or /regex/
	ResponseTemplates           map[string]string // template key → VTL
	TemplateSelectionExpression string
	ContentHandlingStrategy     string
	ResponseParameters          map[string]string
}

// Authorizer is a $connect REQUEST Lambda authorizer.
type Authorizer struct {
	ID             string
	Name           string
	Type           string // REQUEST
	URI            string
	FunctionName   string // override for the function derived from URI
	IdentitySource []string
	TTLSeconds     int
}

// SavedMessage is a message a person saved in a client tab's composer.
type SavedMessage struct {
	Name string
	Body string
}

// Settings are what only the workbench needs; a save keeps them under the
// template's Metadata. Zero values mean "AWS's value" (see Defaults).
type Settings struct {
	MaxFrameBytes      int           // 32 KB
	MaxMessageBytes    int           // 128 KB
	IdleTimeout        time.Duration // 10 min
	MaxConnectionTime  time.Duration // 2 h
	IntegrationTimeout time.Duration // 29 s (an integration's TimeoutMillis wins)
	// TimeScale divides every timeout, so a demo can show the idle timeout in
	// seconds: 60 makes 10 minutes last 10 seconds. 0 or 1 is real time.
	TimeScale      float64
	LambdaEndpoint string // e.g. http://127.0.0.1:3001
	// LambdaMode says whether the Lambda endpoint takes several calls at
	// once: "auto" (or ""), "concurrent", or "serial" for the Runtime
	// Interface Emulator, which takes one at a time (see package lambda).
	LambdaMode string
	// DynamoDBEndpoint names a DynamoDB-compatible server (DynamoDB Local,
	// dynalite, LocalStack), e.g. http://127.0.0.1:8000: the file's missing
	// tables are created there and local functions get it as
	// AWS_ENDPOINT_URL_DYNAMODB. serve's --dynamodb-endpoint wins.
	DynamoDBEndpoint string
	// MockAuthorizer, when Enabled, decides $connect by a header or query value
	// instead of calling a Lambda authorizer.
	MockAuthorizer MockAuthorizer
	// Faults are failures injected on purpose (faults.go).
	Faults Faults
}

// MockAuthorizer allows a connection when the named header or query string
// parameter equals Value (any non-empty value when Value is "").
type MockAuthorizer struct {
	Enabled     bool
	Header      string
	QueryString string
	Value       string
	PrincipalID string
	Context     map[string]string
}

// Defaults returns the settings with every zero value replaced by AWS's.
func (s Settings) Defaults() Settings {
	if s.MaxFrameBytes == 0 {
		s.MaxFrameBytes = 32 * 1024
	}
	if s.MaxMessageBytes == 0 {
		s.MaxMessageBytes = 128 * 1024
	}
	if s.IdleTimeout == 0 {
		s.IdleTimeout = 10 * time.Minute
	}
	if s.MaxConnectionTime == 0 {
		s.MaxConnectionTime = 2 * time.Hour
	}
	if s.IntegrationTimeout == 0 {
		s.IntegrationTimeout = 29 * time.Second
	}
	if s.TimeScale <= 0 {
		s.TimeScale = 1
	}
	return s
}

// Scaled returns d divided by the time scale.
func (s Settings) Scaled(d time.Duration) time.Duration {
	if s.TimeScale <= 1 {
		return d
	}
	return time.Duration(float64(d) / s.TimeScale)
}

// Route returns the route with the given key, or nil.
func (a *API) Route(key string) *Route {
	for i := range a.Routes {
		if a.Routes[i].Key == key {
			return &a.Routes[i]
		}
	}
	return nil
}

// Integration returns the integration with the given ID, or nil.
func (a *API) Integration(id string) *Integration {
	for i := range a.Integrations {
		if a.Integrations[i].ID == id {
			return &a.Integrations[i]
		}
	}
	return nil
}

// Authorizer returns the authorizer with the given ID, or nil.
func (a *API) Authorizer(id string) *Authorizer {
	for i := range a.Authorizers {
		if a.Authorizers[i].ID == id {
			return &a.Authorizers[i]
		}
	}
	return nil
}

// Clone returns a deep copy, so an editor can change it while the gateway
// keeps running on the original.
func (a *API) Clone() *API {
	c := *a
	c.Stage.Variables = maps.Clone(a.Stage.Variables)
	c.Routes = make([]Route, len(a.Routes))
	for i, r := range a.Routes {
		r.RequestParameters = maps.Clone(r.RequestParameters)
		if r.RouteResponse != nil {
			rr := *r.RouteResponse
			r.RouteResponse = &rr
		}
		c.Routes[i] = r
	}
	c.Integrations = make([]Integration, len(a.Integrations))
	for i, in := range a.Integrations {
		in.RequestTemplates = maps.Clone(in.RequestTemplates)
		in.RequestParameters = maps.Clone(in.RequestParameters)
		resps := make([]IntegrationResponse, len(in.Responses))
		for j, r := range in.Responses {
			r.ResponseTemplates = maps.Clone(r.ResponseTemplates)
			r.ResponseParameters = maps.Clone(r.ResponseParameters)
			resps[j] = r
		}
		in.Responses = resps
		c.Integrations[i] = in
	}
	c.Authorizers = make([]Authorizer, len(a.Authorizers))
	for i, au := range a.Authorizers {
		au.IdentitySource = append([]string(nil), au.IdentitySource...)
		c.Authorizers[i] = au
	}
	c.Settings.MockAuthorizer.Context = maps.Clone(a.Settings.MockAuthorizer.Context)
	c.Settings.Faults = a.Settings.Faults.Clone()
	c.SavedMessages = append([]SavedMessage(nil), a.SavedMessages...)
	c.Functions = nil
	for _, fn := range a.Functions {
		fn.Env = maps.Clone(fn.Env)
		c.Functions = append(c.Functions, fn)
	}
	return &c
}
