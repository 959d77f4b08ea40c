package workspace

import (
	"fmt"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"wsworkbench/emulator/dynamo"
	"wsworkbench/emulator/model"
)

// metadataKey is the key under the template's top-level Metadata that holds
// what only the workbench needs.
const metadataKey = "wsworkbench"

// metaDoc is the schema of Metadata.wsworkbench (documented in
// docs/workspace.md). Every field is optional; zero values are left out.
type metaDoc struct {
	Settings *metaSettings `yaml:"settings,omitempty"`
	// FunctionNames overrides the Lambda function name of an integration or
	// authorizer (by logical ID) where it differs from what its URI says.
	FunctionNames map[string]string `yaml:"functionNames,omitempty"`
	SavedMessages []metaMessage     `yaml:"savedMessages,omitempty"`
	// Faults are failures injected on purpose (model.Faults).
	Faults *model.Faults `yaml:"faults,omitempty"`
}

type metaSettings struct {
	MaxFrameBytes      int             `yaml:"maxFrameBytes,omitempty"`
	MaxMessageBytes    int             `yaml:"maxMessageBytes,omitempty"`
	IdleTimeout        string          `yaml:"idleTimeout,omitempty"`
	MaxConnectionTime  string          `yaml:"maxConnectionTime,omitempty"`
	IntegrationTimeout string          `yaml:"integrationTimeout,omitempty"`
	TimeScale          float64         `yaml:"timeScale,omitempty"`
	LambdaEndpoint     string          `yaml:"lambdaEndpoint,omitempty"`
	LambdaMode         string          `yaml:"lambdaMode,omitempty"`
	DynamoDBEndpoint   string          `yaml:"dynamodbEndpoint,omitempty"`
	MockAuthorizer     *metaMockAuthzr `yaml:"mockAuthorizer,omitempty"`
}

type metaMockAuthzr struct {
	Enabled     bool              `yaml:"enabled,omitempty"`
	Header      string            `yaml:"header,omitempty"`
	QueryString string            `yaml:"queryString,omitempty"`
	Value       string            `yaml:"value,omitempty"`
	PrincipalID string            `yaml:"principalId,omitempty"`
	Context     map[string]string `yaml:"context,omitempty"`
}

type metaMessage struct {
	Name string `yaml:"name"`
	Body string `yaml:"body"`
}

// readMetadata applies Metadata.wsworkbench from the template root to api.
func readMetadata(src *source, root *yaml.Node, api *model.API) error {
	md := mapGet(root, "Metadata")
	if md == nil {
		return nil
	}
	n := mapGet(md, metadataKey)
	if n == nil {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		return src.errAt(n, "Metadata.wsworkbench must be a mapping")
	}
	var doc metaDoc
	if err := decodeNode(n, &doc); err != nil {
		e := yamlError(src.name, err)
		e.Msg = "Metadata.wsworkbench: " + strings.TrimPrefix(e.Msg, "invalid YAML: ")
		return e
	}
	if s := doc.Settings; s != nil {
		st := &api.Settings
		st.MaxFrameBytes = s.MaxFrameBytes
		st.MaxMessageBytes = s.MaxMessageBytes
		st.TimeScale = s.TimeScale
		st.LambdaEndpoint = s.LambdaEndpoint
		st.LambdaMode = s.LambdaMode
		if e := strings.TrimSpace(s.DynamoDBEndpoint); e != "" {
			if err := dynamo.CheckEndpoint(e); err != nil {
				at := mapGet(mapGet(n, "settings"), "dynamodbEndpoint")
				return src.errAt(at, "Metadata.wsworkbench.settings.dynamodbEndpoint: "+err.Error())
			}
			st.DynamoDBEndpoint = e
		}
		durations := []struct {
			dst  *time.Duration
			text string
			key  string
		}{
			{&st.IdleTimeout, s.IdleTimeout, "idleTimeout"},
			{&st.MaxConnectionTime, s.MaxConnectionTime, "maxConnectionTime"},
			{&st.IntegrationTimeout, s.IntegrationTimeout, "integrationTimeout"},
		}
		for _, d := range durations {
			if d.text == "" {
				continue
			}
			v, err := time.ParseDuration(d.text)
			if err != nil {
				at := mapGet(mapGet(n, "settings"), d.key)
				return src.errAt(at, fmt.Sprintf("Metadata.wsworkbench.settings.%s: %q is not a duration like 10m or 30s", d.key, d.text))
			}
			*d.dst = v
		}
		if m := s.MockAuthorizer; m != nil {
			st.MockAuthorizer = model.MockAuthorizer{
				Enabled:     m.Enabled,
				Header:      m.Header,
				QueryString: m.QueryString,
				Value:       m.Value,
				PrincipalID: m.PrincipalID,
				Context:     nilIfEmpty(m.Context),
			}
		}
	}
	for id, name := range doc.FunctionNames {
		if in := api.Integration(id); in != nil {
			in.FunctionName = name
		} else if au := api.Authorizer(id); au != nil {
			au.FunctionName = name
		}
	}
	for _, m := range doc.SavedMessages {
		api.SavedMessages = append(api.SavedMessages, model.SavedMessage{Name: m.Name, Body: m.Body})
	}
	if doc.Faults != nil {
		if err := doc.Faults.Validate(); err != nil {
			return src.errAt(mapGet(n, "faults"), "Metadata.wsworkbench.faults: "+err.Error())
		}
		api.Settings.Faults = *doc.Faults
	}
	return nil
}

// decodeNode is yaml's Node.Decode, turning a decoder panic into an error.
func decodeNode(n *yaml.Node, v any) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("yaml: line %d: invalid value: %v", n.Line, r)
		}
	}()
	return n.Decode(v)
}

func nilIfEmpty(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	return m
}

// metadataNode returns Metadata.wsworkbench for api, or nil when the workbench
// has nothing to keep. derived gives each integration's and authorizer's
// function name as the saved URI implies it.
func metadataNode(api *model.API, derived map[string]string) (*yaml.Node, error) {
	var doc metaDoc
	s := api.Settings
	if !settingsZero(s) {
		ms := &metaSettings{
			MaxFrameBytes:    s.MaxFrameBytes,
			MaxMessageBytes:  s.MaxMessageBytes,
			TimeScale:        s.TimeScale,
			LambdaEndpoint:   s.LambdaEndpoint,
			LambdaMode:       s.LambdaMode,
			DynamoDBEndpoint: s.DynamoDBEndpoint,
		}
		if s.IdleTimeout != 0 {
			ms.IdleTimeout = s.IdleTimeout.String()
		}
		if s.MaxConnectionTime != 0 {
			ms.MaxConnectionTime = s.MaxConnectionTime.String()
		}
		if s.IntegrationTimeout != 0 {
			ms.IntegrationTimeout = s.IntegrationTimeout.String()
		}
		if m := s.MockAuthorizer; !mockAuthorizerZero(m) {
			ms.MockAuthorizer = &metaMockAuthzr{
				Enabled:     m.Enabled,
				Header:      m.Header,
				QueryString: m.QueryString,
				Value:       m.Value,
				PrincipalID: m.PrincipalID,
				Context:     m.Context,
			}
		}
		doc.Settings = ms
	}
	for _, in := range api.Integrations {
		if in.FunctionName != derived[in.ID] {
			if doc.FunctionNames == nil {
				doc.FunctionNames = map[string]string{}
			}
			doc.FunctionNames[in.ID] = in.FunctionName
		}
	}
	for _, au := range api.Authorizers {
		if au.FunctionName != derived[au.ID] {
			if doc.FunctionNames == nil {
				doc.FunctionNames = map[string]string{}
			}
			doc.FunctionNames[au.ID] = au.FunctionName
		}
	}
	for _, m := range api.SavedMessages {
		doc.SavedMessages = append(doc.SavedMessages, metaMessage(m))
	}
	if f := api.Settings.Faults; !f.Zero() || f.Disabled {
		doc.Faults = &f
	}
	if doc.Settings == nil && doc.FunctionNames == nil && doc.SavedMessages == nil && doc.Faults == nil {
		return nil, nil
	}
	var n yaml.Node
	if err := n.Encode(&doc); err != nil {
		return nil, fmt.Errorf("encode Metadata.wsworkbench: %w", err)
	}
	fixStyles(&n)
	return &n, nil
}

func mockAuthorizerZero(m model.MockAuthorizer) bool {
	return !m.Enabled && m.Header == "" && m.QueryString == "" && m.Value == "" && m.PrincipalID == "" && len(m.Context) == 0
}

func settingsZero(s model.Settings) bool {
	return s.MaxFrameBytes == 0 && s.MaxMessageBytes == 0 && s.IdleTimeout == 0 &&
		s.MaxConnectionTime == 0 && s.IntegrationTimeout == 0 && s.TimeScale == 0 &&
		s.LambdaEndpoint == "" && s.LambdaMode == "" && s.DynamoDBEndpoint == "" && mockAuthorizerZero(s.MockAuthorizer)
}
