package workspace

import (
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"wsworkbench/emulator/model"
)

// emptyTemplate returns a document holding a CloudFormation template with no resources.
func emptyTemplate(description string) *yaml.Node {
	root := mappingNode(strNode("AWSTemplateFormatVersion"), &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: "2010-09-09", Style: yaml.SingleQuotedStyle})
	if description != "" {
		root.Content = append(root.Content, strNode("Description"), strNode(description))
	}
	root.Content = append(root.Content, strNode("Resources"), mappingNode())
	return &yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{root}}
}

// marshalDoc returns a new document: the workspace's document with the
// model's resources and metadata written into it. It checks the result loads
// back.
//
// dir is the directory the file is written to: functions' CodeUri is
// written relative to it.
func (w *Workspace) marshalDoc(dir string) (*yaml.Node, error) {
	if w.API == nil {
		return nil, errors.New("workspace has no API")
	}
	w.AssignIDs()
	if err := checkModel(w.API, w.docIDs()); err != nil {
		return nil, err
	}
	if err := validateAPI(w.API, nil); err != nil {
		return nil, err
	}
	doc := copyNode(w.doc)
	root := doc.Content[0]
	if root.Style&yaml.FlowStyle != 0 {
		unflow(root, map[*yaml.Node]bool{}) // a JSON template is saved as YAML
	}
	resources := mapGet(root, "Resources")
	if resources == nil || resources.Kind != yaml.MappingNode {
		return nil, errors.New("the template has no Resources mapping")
	}
	inDoc := func(id string) bool { return mapIndex(resources, id) >= 0 }
	want := elements(w.API, inDoc, dir)
	old := map[string]element{}
	loadedKinds := map[string]kind{} // logical ID → kind of every resource the document describes, so a save knows what to delete
	if w.loaded != nil {
		// The document's CodeUris are relative to where it was read.
		oldDir := dir
		if w.Path != "" {
			oldDir = fileDir(w.Path)
		}
		for _, el := range elements(w.loaded, inDoc, oldDir) {
			old[el.id] = el
		}
		loadedKinds = modelKinds(w.loaded)
	}
	params := mapGet(root, "Parameters")
	wantKind := map[string]kind{}
	for _, el := range want {
		wantKind[el.id] = el.kind
		if loadedKinds[el.id] != el.kind && (inDoc(el.id) || mapGet(params, el.id) != nil) {
			return nil, fmt.Errorf("logical ID %s is already used by another resource or parameter in the template", el.id)
		}
	}

	// Delete the resources the model no longer has.
	var deleted []string
	for _, id := range slices.Sorted(maps.Keys(loadedKinds)) {
		if wantKind[id] != loadedKinds[id] && inDoc(id) {
			mapDelete(resources, id)
			deleted = append(deleted, id)
		}
	}

	var newRoutes []string
	derived := map[string]string{}
	for _, el := range want {
		if i := mapIndex(resources, el.id); i >= 0 {
			updateResource(resources.Content[i+1], el, old)
		} else {
			insertResource(resources, el, loadedKinds, wantKind)
			if el.kind == kindRoute {
				newRoutes = append(newRoutes, el.id)
			}
		}
		if el.fn != "" {
			derived[el.id] = el.fn // the load reads the !Sub's function
		} else if el.kind == kindIntegration || el.kind == kindAuthorizer {
			uri := "IntegrationUri"
			if el.kind == kindAuthorizer {
				uri = "AuthorizerUri"
			}
			if o, ok := old[el.id]; ok && o.kind == el.kind {
				on, _ := o.prop(uri)
				nn, _ := el.prop(uri)
				if nodeEqual(on, nn) {
					derived[el.id] = w.derived[el.id]
				}
			}
		}
	}
	orderResources(resources, w.API)
	fixDependsOn(resources, deleted, newRoutes, loadedKinds)
	if len(w.API.Functions) > 0 {
		addSAMTransform(root)
	}

	newMeta, err := metadataNode(w.API, derived)
	if err != nil {
		return nil, err
	}
	var oldMeta *yaml.Node
	if w.loaded != nil {
		if oldMeta, err = metadataNode(w.loaded, w.derived); err != nil {
			return nil, err
		}
	}
	if w.loaded == nil || !nodeEqual(newMeta, oldMeta) {
		setMetadata(root, newMeta)
	}
	return doc, nil
}

// addSAMTransform declares the SAM transform, which AWS::Serverless::Function
// needs, unless the template does already.
func addSAMTransform(root *yaml.Node) {
	if hasSAMTransform(root) {
		return
	}
	const sam = "AWS::Serverless-2016-10-31"
	switch t := mapGet(root, "Transform"); {
	case t == nil:
		at := 0
		if i := mapIndex(root, "AWSTemplateFormatVersion"); i >= 0 {
			at = i + 2
		}
		mapInsert(root, at, "Transform", strNode(sam))
	case t.Kind == yaml.SequenceNode:
		t.Content = append(t.Content, strNode(sam))
	default:
		mapSet(root, "Transform", &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Content: []*yaml.Node{t, strNode(sam)}})
	}
}

// updateResource rewrites the properties of res whose model value changed.
func updateResource(res *yaml.Node, el element, old map[string]element) {
	props := mapGet(res, "Properties")
	if props == nil || props.Kind != yaml.MappingNode {
		props = mappingNode()
		mapSet(res, "Properties", props)
	}
	o, had := old[el.id]
	had = had && o.kind == el.kind
	for _, p := range el.props {
		if had {
			if on, ok := o.prop(p.name); ok && nodeEqual(on, p.node) {
				continue // unchanged: keep the original node, intrinsics and all
			}
		}
		if p.node == nil {
			mapDelete(props, p.name)
			continue
		}
		if had {
			on, _ := o.prop(p.name)
			if mergeMapping(mapGet(props, p.name), on, p.node) {
				continue
			}
		}
		mapSet(props, p.name, p.node)
	}
}

// mergeMapping updates orig, a plain mapping in the document, from the old to
// the new canonical mapping: entries whose value did not change keep their
// nodes (quoting, comments), changed ones get the new value, removed ones go,
// new ones are appended. It reports false when orig is not a plain mapping.
func mergeMapping(orig, old, new *yaml.Node) bool {
	if orig == nil || old == nil || orig.Kind != yaml.MappingNode || new.Kind != yaml.MappingNode || old.Kind != yaml.MappingNode {
		return false
	}
	if name, _ := intrinsicName(orig); name != "" {
		return false
	}
	for i := 0; i+1 < len(orig.Content); i += 2 {
		if orig.Content[i].Kind != yaml.ScalarNode || orig.Content[i+1].Kind == yaml.AliasNode {
			return false
		}
	}
	// Drop the entries the new mapping lacks.
	for i := 0; i+1 < len(orig.Content); {
		if mapGet(new, orig.Content[i].Value) == nil {
			orig.Content = append(orig.Content[:i], orig.Content[i+2:]...)
			continue
		}
		i += 2
	}
	for i := 0; i+1 < len(new.Content); i += 2 {
		k, v := new.Content[i].Value, new.Content[i+1]
		if nodeEqual(mapGet(old, k), v) && mapGet(orig, k) != nil {
			continue
		}
		mapSet(orig, k, v)
	}
	return true
}

// insertResource adds el as a new resource after the last resource of its
// kind (or of any of the model's kinds).
func insertResource(resources *yaml.Node, el element, loaded, want map[string]kind) {
	props := mappingNode()
	for _, p := range append(el.props, el.extra...) {
		if p.node != nil {
			props.Content = append(props.Content, strNode(p.name), p.node)
		}
	}
	res := mappingNode(strNode("Type"), strNode(kindType[el.kind]), strNode("Properties"), props)
	sameKind, anyKind := -1, -1
	for i := 0; i+1 < len(resources.Content); i += 2 {
		id := resources.Content[i].Value
		k, ok := want[id]
		if !ok {
			k, ok = loaded[id]
		}
		if !ok {
			continue
		}
		anyKind = i
		if k == el.kind {
			sameKind = i
		}
	}
	at := len(resources.Content)
	if sameKind >= 0 {
		at = sameKind + 2
	} else if anyKind >= 0 {
		at = anyKind + 2
	}
	mapInsert(resources, at, el.id, res)
}

// orderResources puts the routes, integrations, integration responses and
// authorizers in the order of the model, reusing the places they occupy, so
// the next load sees them in the same order.
func orderResources(resources *yaml.Node, api *model.API) {
	var groups [][]string
	var routes, integs, resps, auths []string
	for _, r := range api.Routes {
		routes = append(routes, r.ID)
	}
	for _, in := range api.Integrations {
		integs = append(integs, in.ID)
		for _, ir := range in.Responses {
			resps = append(resps, ir.ID)
		}
	}
	for _, au := range api.Authorizers {
		auths = append(auths, au.ID)
	}
	groups = append(groups, routes, integs, resps, auths)
	for _, ids := range groups {
		var slots []int
		pairs := make([][2]*yaml.Node, 0, len(ids))
		for _, id := range ids {
			i := mapIndex(resources, id)
			if i < 0 {
				continue
			}
			slots = append(slots, i)
			pairs = append(pairs, [2]*yaml.Node{resources.Content[i], resources.Content[i+1]})
		}
		slices.Sort(slots)
		for j, i := range slots {
			resources.Content[i], resources.Content[i+1] = pairs[j][0], pairs[j][1]
		}
	}
}

// fixDependsOn removes deleted resources from every DependsOn and adds new
// routes to the DependsOn of deployments that list the API's routes, so
// CloudFormation deploys them before the deployment.
func fixDependsOn(resources *yaml.Node, deleted, newRoutes []string, loaded map[string]kind) {
	for i := 0; i+1 < len(resources.Content); i += 2 {
		res := resources.Content[i+1]
		dep := mapGet(res, "DependsOn")
		if dep == nil {
			continue
		}
		switch dep.Kind {
		case yaml.ScalarNode:
			if slices.Contains(deleted, dep.Value) {
				mapDelete(res, "DependsOn")
				continue
			}
		case yaml.SequenceNode:
			dep.Content = slices.DeleteFunc(dep.Content, func(n *yaml.Node) bool {
				return n.Kind == yaml.ScalarNode && slices.Contains(deleted, n.Value)
			})
			if len(dep.Content) == 0 {
				mapDelete(res, "DependsOn")
				continue
			}
		}
		if len(newRoutes) == 0 || typeOf(res) != typePrefix+"Deployment" {
			continue
		}
		listsRoute := false
		var names []*yaml.Node
		if dep.Kind == yaml.ScalarNode {
			names = []*yaml.Node{dep}
		} else {
			names = dep.Content
		}
		for _, n := range names {
			if loaded[n.Value] == kindRoute {
				listsRoute = true
			}
		}
		if !listsRoute {
			continue
		}
		if dep.Kind == yaml.ScalarNode {
			dep = &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Content: []*yaml.Node{strNode(dep.Value)}}
			mapSet(res, "DependsOn", dep)
		}
		for _, id := range newRoutes {
			dep.Content = append(dep.Content, strNode(id))
		}
	}
}

func typeOf(res *yaml.Node) string {
	if t := mapGet(res, "Type"); t != nil {
		return t.Value
	}
	return ""
}

// setMetadata writes md (nil: removes) as Metadata.wsworkbench.
func setMetadata(root, md *yaml.Node) {
	meta := mapGet(root, "Metadata")
	if md == nil {
		if meta != nil && meta.Kind == yaml.MappingNode {
			mapDelete(meta, metadataKey)
			if len(meta.Content) == 0 {
				mapDelete(root, "Metadata")
			}
		}
		return
	}
	if meta == nil || meta.Kind != yaml.MappingNode {
		meta = mappingNode()
		// CloudFormation's usual order puts Metadata before Parameters and Resources.
		at := len(root.Content)
		for _, k := range []string{"Parameters", "Rules", "Mappings", "Conditions", "Resources"} {
			if i := mapIndex(root, k); i >= 0 && i < at {
				at = i
			}
		}
		mapDelete(root, "Metadata")
		if at > len(root.Content) {
			at = len(root.Content)
		}
		mapInsert(root, at, "Metadata", meta)
	}
	mapSet(meta, metadataKey, md)
}

// docIDs returns every name the template already uses (parameters, resources,
// conditions, mappings, outputs).
func (w *Workspace) docIDs() map[string]bool {
	ids := map[string]bool{}
	if w.doc == nil || len(w.doc.Content) == 0 {
		return ids
	}
	root := w.doc.Content[0]
	for _, sec := range []string{"Parameters", "Resources", "Conditions", "Mappings", "Outputs"} {
		m := mapGet(root, sec)
		if m == nil || m.Kind != yaml.MappingNode {
			continue
		}
		for i := 0; i+1 < len(m.Content); i += 2 {
			ids[m.Content[i].Value] = true
		}
	}
	return ids
}

// AssignIDs gives every element of w.API without a logical ID a new one that
// no resource, parameter or other element uses. Marshal and Save call it; a
// caller that links a new route to a new integration calls it first, so the
// integration has an ID to link to.
func (w *Workspace) AssignIDs() {
	api := w.API
	used := w.docIDs()
	for id := range modelKinds(api) {
		used[id] = true
	}
	// gen returns base, or base with the first free number after it.
	gen := func(base string) string {
		id := base
		for n := 2; used[id]; n++ {
			id = base + strconv.Itoa(n)
		}
		used[id] = true
		return id
	}
	if api.ID == "" {
		api.ID = gen("WebSocketApi")
	}
	if api.Stage.ID == "" && api.Stage.Name != "" {
		api.Stage.ID = gen("Stage")
	}
	for i := range api.Authorizers {
		if au := &api.Authorizers[i]; au.ID == "" {
			au.ID = gen("Authorizer" + idWords(au.Name))
		}
	}
	for i := range api.Integrations {
		in := &api.Integrations[i]
		if in.ID == "" {
			in.ID = gen("Integration")
		}
		for j := range in.Responses {
			if ir := &in.Responses[j]; ir.ID == "" {
				ir.ID = gen(in.ID + "Response" + idWords(ir.Key))
			}
		}
	}
	for i := range api.Functions {
		if fn := &api.Functions[i]; fn.Name == "" {
			fn.Name = gen(idWords(strings.TrimSuffix(filepath.Base(fn.CodeDir), filepath.Ext(fn.CodeDir))) + "Function")
		}
	}
	for i := range api.Routes {
		r := &api.Routes[i]
		if r.ID == "" {
			r.ID = gen("Route" + idWords(r.Key))
		}
		if r.RouteResponse != nil && r.RouteResponse.ID == "" {
			r.RouteResponse.ID = gen(r.ID + "Response")
		}
	}
}

// idWords turns free text ("$connect", "send-message", "/2\d\d/") into
// CamelCase letters and digits for a logical ID.
func idWords(s string) string {
	var b strings.Builder
	up := true
	for _, c := range s {
		switch {
		case c >= 'a' && c <= 'z':
			if up {
				c -= 'a' - 'A'
			}
			b.WriteRune(c)
			up = false
		case c >= 'A' && c <= 'Z' || c >= '0' && c <= '9':
			b.WriteRune(c)
			up = false
		default:
			up = true
		}
	}
	return b.String()
}

func isLogicalID(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// checkModel reports what in api a template cannot say or a load would
// reject: missing or clashing IDs, references to nothing, duplicate route keys.
// existing are the names the template already has.
func checkModel(api *model.API, existing map[string]bool) error {
	seen := map[string]string{}
	id := func(id, what string) error {
		if id == "" {
			return fmt.Errorf("%s has no logical ID", what)
		}
		if !existing[id] && !isLogicalID(id) {
			return fmt.Errorf("%s: logical ID %q must be letters and digits only", what, id)
		}
		if prev, dup := seen[id]; dup {
			return fmt.Errorf("%s: logical ID %s is also used by %s", what, id, prev)
		}
		seen[id] = what
		return nil
	}
	if err := id(api.ID, "the API"); err != nil {
		return err
	}
	if api.Stage.ID != "" {
		if err := id(api.Stage.ID, "the stage"); err != nil {
			return err
		}
		if api.Stage.Name == "" {
			return fmt.Errorf("stage %s has no name", api.Stage.ID)
		}
	}
	for _, au := range api.Authorizers {
		if err := id(au.ID, "authorizer "+au.Name); err != nil {
			return err
		}
	}
	for _, in := range api.Integrations {
		if err := id(in.ID, "an integration"); err != nil {
			return err
		}
		if !slices.Contains(integrationTypes, in.Type) {
			return fmt.Errorf("integration %s: type %q is not one of %s", in.ID, in.Type, strings.Join(integrationTypes, ", "))
		}
		for _, ir := range in.Responses {
			if err := id(ir.ID, "a response of integration "+in.ID); err != nil {
				return err
			}
			if ir.Key == "" {
				return fmt.Errorf("integration response %s has no key", ir.ID)
			}
		}
	}
	for _, fn := range api.Functions {
		if err := id(fn.Name, "function "+fn.Name); err != nil {
			return err
		}
		if fn.CodeDir == "" {
			return fmt.Errorf("function %s has no code folder", fn.Name)
		}
	}
	keys := map[string]bool{}
	for _, r := range api.Routes {
		if err := id(r.ID, "route "+r.Key); err != nil {
			return err
		}
		if r.Key == "" {
			return fmt.Errorf("route %s has no route key", r.ID)
		}
		if keys[r.Key] {
			return fmt.Errorf("route key %q is used twice", r.Key)
		}
		keys[r.Key] = true
		if r.IntegrationID != "" && api.Integration(r.IntegrationID) == nil {
			return fmt.Errorf("route %s: integration %q does not exist", r.Key, r.IntegrationID)
		}
		if r.AuthorizerID != "" && api.Authorizer(r.AuthorizerID) == nil {
			return fmt.Errorf("route %s: authorizer %q does not exist", r.Key, r.AuthorizerID)
		}
		if rr := r.RouteResponse; rr != nil {
			if err := id(rr.ID, "the route response of "+r.Key); err != nil {
				return err
			}
			if rr.Key != model.RouteDefault {
				return fmt.Errorf("route %s: route response key must be $default, not %q", r.Key, rr.Key)
			}
		}
	}
	return nil
}
