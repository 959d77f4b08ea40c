package editor

// forms builds the editor's detail: the API settings (settingsview.go,
// backendsettings.go), a route (routeview.go) with its authorizer
// (authorizerview.go) and backend fields (integrationbackend.go). The
// fields it makes register with the Editor, which shows compile errors in
// them and keeps what survives a rebuild (the template shown, the tab).
type forms struct{ ed *Editor }

func (ed *Editor) forms() forms { return forms{ed: ed} }
