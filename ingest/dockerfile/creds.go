package dockerfile

import (
	"maps"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/parser"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest/internal/literal"
	"github.com/blastradius-dev/blastradius/ingest/internal/registry"
)

// argScope maps the variables that a stage's RUN instructions read to the
// build arguments whose values they contain, for argLogins. It lists the
// build arguments the stage declares, and the variables of its ENV
// instructions and of the stages it is built FROM. ENV overrides an ARG of
// the same name, as Docker does. npmRegistry is the host of the registry
// that an ENV or ARG default NPM_CONFIG_REGISTRY names, "" when computed.
type argScope struct {
	args        map[string]bool
	env         map[string][]string
	npmRegistry string
}

// holds returns the build arguments whose values a variable contains.
func (sc argScope) holds(name string) []string {
	if from, ok := sc.env[name]; ok {
		return from
	}
	if sc.args[name] {
		return []string{name}
	}
	return nil
}

// argLogins returns the graph.AttrArgLogins entries of the used stages.
// Those are the build arguments that a RUN instruction writes into an npm
// auth setting (registry.WritesNPMToken), as in
// echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc or npm
// config set. A token goes to the registry that the setting's key names,
// or, for a key without one, to the default registry: that of an
// NPM_CONFIG_REGISTRY that the Dockerfile sets, else registry.npmjs.org.
// They are also the passwords that a RUN line gives other package tools
// (toolLogins), and those of the index URLs that an ENV gives pip or uv.
// An ENV whose value reads a build argument passes it on to the RUN
// instructions of its stage and of the stages built FROM it, while an
// ARG ends with its stage. envArgs are the graph.AttrEnvArgs entries of
// the image that stage root makes.
func (d *document) argLogins(used []*stage, root int) (logins, envArgs []string) {
	scopes := map[int]argScope{}
	var out []string
	for _, s := range used {
		sc := argScope{args: map[string]bool{}, env: map[string][]string{}, npmRegistry: registry.NPMRegistry}
		if base, ok := scopes[s.from]; ok {
			sc.env, sc.npmRegistry = maps.Clone(base.env), base.npmRegistry
		}
		for _, n := range s.body {
			switch strings.ToLower(n.Value) {
			case "arg":
				for _, w := range words(n) {
					name, value, has := strings.Cut(w, "=")
					if name == "" {
						continue
					}
					sc.args[name] = true
					if strings.EqualFold(name, "NPM_CONFIG_REGISTRY") {
						// A build argument given at build time may set
						// another registry; its default is what the
						// input shows.
						sc.npmRegistry = registryHost(value, has)
					}
				}
			case "env":
				for _, kv := range assignments(n) {
					var from []string
					for _, ref := range registry.VarRefs(kv[1]) {
						from = append(from, sc.holds(ref)...)
					}
					slices.Sort(from)
					sc.env[kv[0]] = slices.Compact(from)
					if strings.EqualFold(kv[0], "NPM_CONFIG_REGISTRY") {
						sc.npmRegistry = registryHost(kv[1], true)
					}
					// pip and uv read their index URLs from these
					// variables, password included.
					if indexVariable.MatchString(kv[0]) {
						out = append(out, argsOf(sc, indexLogins(kv[1], "pypi"), n.StartLine)...)
					}
				}
			case "run":
				out = append(out, d.runLogins(n, sc)...)
			}
		}
		scopes[s.index] = sc
	}
	slices.Sort(out)
	// The ENV variables of the image's stage, those of the stages it is
	// built FROM included, are in the image's configuration.
	for name, args := range scopes[root].env {
		for _, arg := range args {
			envArgs = append(envArgs, arg+"="+name)
		}
	}
	slices.Sort(envArgs)
	return slices.Compact(out), envArgs
}

// registryHost returns the host of a registry URL that an ENV or ARG
// default sets, or "" when it reads a variable or there is none.
func registryHost(value string, has bool) string {
	value = strings.Trim(value, `"'`)
	if !has || value == "" || strings.Contains(value, "$") {
		return ""
	}
	return registry.URLHost(value)
}

// runLogins returns the graph.AttrArgLogins entries of one RUN
// instruction.
func (d *document) runLogins(n *parser.Node, sc argScope) []string {
	script, first, shell, _ := credentialScript(n)
	if !shell || !strings.Contains(script, "$") {
		return nil
	}
	var out []string
	for i, line := range strings.Split(script, "\n") {
		if !strings.Contains(line, "$") {
			continue
		}
		out = append(out, argsOf(sc, toolLogins(line), first+i)...)
		if !registry.WritesNPMToken(line) {
			continue
		}
		for _, tv := range registry.NPMTokenVars(line) {
			host, ok := tv.Scope.LoginHost(sc.npmRegistry)
			if !ok {
				continue
			}
			for _, arg := range sc.holds(tv.Name) {
				out = append(out, arg+"=npm@"+host+"@"+strconv.Itoa(first+i))
			}
		}
	}
	return out
}

// execShells are the shells that a RUN in exec form may run a script
// with, as in RUN ["sh", "-c", "npm ci"].
var execShells = map[string]bool{"sh": true, "bash": true, "ash": true, "dash": true, "zsh": true}

// credentialScript returns the text of a RUN instruction that the image's
// history records, and the line of the Dockerfile that its first line is
// on. shell reports whether a shell runs the text and expands its
// variables: the shell form does, and so does the exec form when it
// calls a shell with -c. The text of another exec form is its words
// joined by blanks. ok is false for a RUN without arguments.
func credentialScript(n *parser.Node) (script string, first int, shell, ok bool) {
	if !n.Attributes["json"] {
		script, first, ok = runScript(n)
		return script, first, ok, ok
	}
	ws := words(n)
	if len(ws) == 0 {
		return "", 0, false, false
	}
	if len(ws) >= 3 && execShells[path.Base(ws[0])] && strings.HasPrefix(ws[1], "-") && strings.HasSuffix(ws[1], "c") {
		return ws[2], n.StartLine, true, true
	}
	return strings.Join(ws, " "), n.StartLine, false, true
}

// toolLogin is a password or token that a command line gives a package
// tool for a registry: the registry's ecosystem and host, and the text
// of the credential, whose variables are read.
type toolLogin struct {
	eco, host, credential string
}

// password returns the password of USER:PASSWORD, or the whole text when
// it has no colon, as a URL whose user information is a token alone.
func password(userinfo string) string {
	if _, pass, ok := strings.Cut(userinfo, ":"); ok {
		return pass
	}
	return userinfo
}

// argsOf returns the graph.AttrArgLogins entries of logins at a line:
// one for each build argument that the variables of a credential hold.
func argsOf(sc argScope, logins []toolLogin, line int) []string {
	var out []string
	for _, l := range logins {
		for _, ref := range registry.VarRefs(l.credential) {
			for _, arg := range sc.holds(ref) {
				out = append(out, arg+"="+l.eco+"@"+l.host+"@"+strconv.Itoa(line))
			}
		}
	}
	return out
}

var (
	// credentialURL matches a URL with user information, as an index
	// URL with a password is written. Group 1 is the user information,
	// group 2 the host.
	credentialURL = regexp.MustCompile(`[A-Za-z][A-Za-z0-9+.-]*://([^\s/@"']+)@([^\s/:"'?#@]+)`)
	// pypiIndex matches a line that gives pip, uv, Poetry or Pipenv an
	// index, and indexVariable the variables that pip and uv read an
	// index URL from.
	pypiIndex     = regexp.MustCompile(`\b(?:pip3?|uv|poetry|pipenv)\b|(?:PIP|UV)_(?:EXTRA_|DEFAULT_)?INDEX(?:_URL)?\b|index-url`)
	indexVariable = regexp.MustCompile(`^(?i:PIP|UV)_(?i:EXTRA_|DEFAULT_)?(?i:INDEX)(?i:_URL)?$`)
	// composerBasic matches composer config http-basic.HOST USER
	// PASSWORD, with options before the key. Group 1 is the host, group 2
	// the password.
	composerBasic = regexp.MustCompile(`\bcomposer\s+config\s+(?:-\S+\s+)*http-basic\.(\S+)\s+\S+\s+("[^"]*"|'[^']*'|\S+)`)
	// bundleConfig matches bundle config [set] [--global|--local] HOST
	// USER:PASSWORD, the credentials that Bundler sends to a gem server.
	// Group 1 is the server, group 2 the credentials.
	bundleConfig = regexp.MustCompile(`\bbundle\s+config\s+(?:set\s+)?(?:--\S+\s+)*([^\s=-][^\s=]*\.[^\s=]+)\s+("[^"]*"|'[^']*'|\S+)`)
	// nugetSource matches the start of dotnet nuget add source or
	// dotnet nuget update source. Group 1 is add or update.
	nugetSource = regexp.MustCompile(`(?i)\bnuget\s+(add|update)\s+source\b`)
)

// toolLogins returns the credentials that one line of a RUN script gives
// a package tool. Those are the index URLs of pip, uv, Poetry or Pipenv
// (indexLogins), composer config http-basic, bundle config, and dotnet
// nuget add source or update source (nugetSourceArgs). A NuGet password
// for nuget.org logs in nowhere, because nuget.org takes an API key only.
func toolLogins(line string) []toolLogin {
	var out []toolLogin
	if strings.Contains(line, "://") && pypiIndex.MatchString(line) {
		out = append(out, indexLogins(line, "pypi")...)
	}
	if strings.Contains(line, "composer") {
		for _, m := range composerBasic.FindAllStringSubmatch(line, -1) {
			if host := registry.URLHost(m[1]); host != "" {
				out = append(out, toolLogin{eco: "composer", host: host, credential: m[2]})
			}
		}
	}
	if strings.Contains(line, "bundle") {
		for _, m := range bundleConfig.FindAllStringSubmatch(line, -1) {
			if host := registry.URLHost(m[1]); host != "" && strings.Contains(m[2], ":") {
				out = append(out, toolLogin{eco: "gem", host: host, credential: password(strings.Trim(m[2], `"'`))})
			}
		}
	}
	if strings.Contains(strings.ToLower(line), "nuget") {
		for _, m := range nugetSource.FindAllStringSubmatchIndex(line, -1) {
			update := strings.EqualFold(line[m[2]:m[3]], "update")
			url, pass := nugetSourceArgs(line[m[1]:], update)
			if host := registry.NuGetHost(url); pass != "" && host != "" && host != registry.NuGetRegistry {
				out = append(out, toolLogin{eco: "nuget", host: host, credential: pass})
			}
		}
	}
	return out
}

// nugetFlags are the options of dotnet nuget add source and update
// source that take no value.
var nugetFlags = map[string]bool{"--store-password-in-clear-text": true, "--allow-insecure-connections": true, "-h": true, "--help": true}

// nugetSourceArgs returns the source URL and the --password of dotnet
// nuget add source or update source, from the text after "source" up to
// the end of the command, with options and argument in any order. The
// argument of add source is the URL. That of update source is the
// source's name, so the URL comes from --source, else is "".
func nugetSourceArgs(rest string, update bool) (url, pass string) {
	if end := strings.IndexAny(rest, ";&|"); end >= 0 {
		rest = rest[:end]
	}
	words := strings.Fields(rest)
	argument := ""
	for i := 0; i < len(words); i++ {
		w := words[i]
		if !strings.HasPrefix(w, "-") {
			if argument == "" {
				argument = strings.Trim(w, `"'`)
			}
			continue
		}
		name, value, joined := strings.Cut(w, "=")
		if nugetFlags[strings.ToLower(name)] {
			continue
		}
		if !joined {
			if i+1 >= len(words) {
				break
			}
			i++
			value = words[i]
		}
		switch strings.ToLower(name) {
		case "-p", "--password":
			pass = value
		case "-s", "--source":
			if update {
				url = strings.Trim(value, `"'`)
			}
		}
	}
	if !update {
		url = argument
	}
	return url, pass
}

// indexLogins returns the user information of each URL of a text as a
// credential for the URL's host, in ecosystem eco. pip, uv, Poetry and
// Pipenv send it to that index.
func indexLogins(text, eco string) []toolLogin {
	var out []toolLogin
	for _, m := range credentialURL.FindAllStringSubmatch(text, -1) {
		if host := registry.URLHost("https://" + m[2]); host != "" {
			out = append(out, toolLogin{eco: eco, host: host, credential: password(m[1])})
		}
	}
	return out
}

// defaultValue matches a value that is only ${NAME:-DEFAULT}, with the
// default in group 1.
var defaultValue = regexp.MustCompile(`^\$\{[A-Za-z_][A-Za-z0-9_]*:-([^{}]*)\}$`)

// Values of graph.AttrBakedAs.
const (
	bakedEnv = "env"
	bakedArg = "arg"
	bakedRun = "run"
)

// imageLiterals writes a Secret node of type inline-value for each
// credential written as a literal into the used stages. Those are the
// value of an ENV, the default of an ARG, and a value in a RUN
// instruction's script (literal.Scan). In the stages that the image's last
// stage is built FROM, itself included, ENV values are in the image's
// configuration and the environment of every container that runs it, and
// ARG values and RUN scripts are in the image's history. A stage that the
// image only copies from or mounts leaves none of these in the image, but
// the build runs its RUN instructions with them, so its literals are
// marked graph.AttrBuildOnly. Only a salted fingerprint of each value is
// kept, and one value written twice is one node.
func (d *document) imageLiterals(used []*stage) {
	if len(d.stages) == 0 {
		return
	}
	var chain []*stage
	inChain := map[int]bool{}
	for i := len(d.stages) - 1; i >= 0; i = d.stages[i].from {
		chain = append(chain, d.stages[i])
		inChain[i] = true
	}
	slices.Reverse(chain)

	// The image's own stages come first, so that a value written both
	// there and in a stage it copies from is not marked build-only.
	for _, s := range used {
		if !inChain[s.index] {
			chain = append(chain, s)
		}
	}

	ids := map[string]string{} // value -> node id
	keys := map[string]bool{}
	buildOnly := false
	add := func(key, name, as, value string, line int) {
		if _, ok := ids[value]; ok || len(ids) >= literal.MaxPerScript {
			return
		}
		if keys[key] {
			key += "@" + strconv.Itoa(line)
		}
		keys[key] = true
		id := graph.DockerfileInlineSecretID(d.id, key)
		ids[value] = id
		attrs := literal.SecretAttrs(d.env, "dockerfile", name, d.f.Repo, value)
		attrs[graph.AttrBakedInto] = d.id
		attrs[graph.AttrBakedAs] = as
		if buildOnly {
			attrs[graph.AttrBuildOnly] = "true"
		}
		d.res.AddNode(graph.Node{ID: id, Kind: graph.NodeSecret, Label: name + " (literal in " + d.f.RelPath + ")", Attrs: attrs,
			Pos: graph.Pos{File: d.f.Path, Line: line}})
	}

	for _, s := range chain {
		buildOnly = !inChain[s.index]
		for _, n := range s.body {
			switch strings.ToLower(n.Value) {
			case "env":
				for _, kv := range assignments(n) {
					if value, _, ok := d.credential(kv[0], kv[1]); ok {
						add(kv[0], kv[0], bakedEnv, value, n.StartLine)
					}
				}
			case "arg":
				for _, w := range words(n) {
					name, raw, has := strings.Cut(w, "=")
					if !has {
						// The stage's ARG takes the default of the build
						// argument declared before the first FROM.
						if v, ok := d.meta[name]; ok {
							raw, has = v, true
						}
					}
					if !has {
						continue
					}
					if value, _, ok := d.credential(name, raw); ok {
						add(name, name, bakedArg, value, n.StartLine)
					}
				}
			case "run":
				script, first, _, ok := credentialScript(n)
				if !ok {
					continue
				}
				for i, f := range literal.Scan(script) {
					line := first + f.Line - 1
					if _, seen := ids[f.Value]; !seen && !buildOnly {
						d.res.Warnf(d.pos(line), "RUN writes what looks like a credential (%s) into the script that the image's history records; the value is not stored", f.Kind)
					} else if !seen {
						d.res.Warnf(d.pos(line), "RUN of stage %s writes what looks like a credential (%s) into a script that the image's build runs; the value is not stored", s.label(), f.Kind)
					}
					add(literal.Key("run", line, i), f.Kind, bakedRun, f.Value, line)
				}
			}
		}
	}
}

// credential returns the credential that an ENV or ARG assigns to a
// variable: a value in the shape of a known token (literal.Scan), or one
// that the variable's name says is a credential (literal.Assigned). The
// value is unquoted first. A value that reads a variable is not a literal,
// unless it contains a token of a known shape or is the whole default of
// ${NAME:-DEFAULT}, which the image keeps when NAME is unset. kind names
// the credential for messages.
func (d *document) credential(name, raw string) (value, kind string, ok bool) {
	if strings.Contains(raw, "$") {
		if fs := literal.Scan(raw); len(fs) > 0 {
			return fs[0].Value, fs[0].Kind, true
		}
		if m := defaultValue.FindStringSubmatch(strings.Trim(raw, `"`)); m != nil && !strings.Contains(m[1], "$") && literal.Assigned(name, m[1]) {
			return m[1], "default of a credential assigned to " + name, true
		}
		return "", "", false
	}
	r, err := d.lex.ProcessWordWithMatches(raw, vars{})
	if err == nil {
		raw = r.Result
	}
	if fs := literal.Scan(raw); len(fs) > 0 {
		return fs[0].Value, fs[0].Kind, true
	}
	if literal.Assigned(name, raw) {
		return raw, "credential assigned to " + name, true
	}
	return "", "", false
}
