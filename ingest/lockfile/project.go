package lockfile

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/pelletier/go-toml/v2/unstable"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
)

// atRepoTop reports whether f is the file called name in the top folder
// of its repository.
func atRepoTop(f *ingest.File, name string) bool {
	return f.Repo != "" && f.RelPath == name
}

// npmProjectAttrs returns the repository attributes that a package.json at
// the top of its repository gives: npm_manifest, and npm_project when npm
// publish would publish the package under its name. It returns nil for
// any other package.json.
func npmProjectAttrs(f *ingest.File, root *jsonValue, res *ingest.Result) map[string]string {
	if !atRepoTop(f, "package.json") {
		return nil
	}
	attrs := map[string]string{graph.AttrNPMManifest: "true"}
	// npm publish rejects a package whose private field is truthy in
	// JavaScript (EPRIVATE in npm's libnpmpublish), so a release of it
	// publishes no package.
	if jsTruthy(root.get("private")) {
		return attrs
	}
	name := root.get("name")
	if name == nil || name.Kind == jsonNull {
		return attrs
	}
	pos := ingest.Position{File: f.Path, Line: name.Line, Col: name.Col}
	if name.Kind != jsonString {
		res.Warnf(pos, "name is not a string; no npm package is recorded for the repository")
		return attrs
	}
	// NOTE: npm still accepts new versions of old packages whose names
	// have upper-case letters (libnpmpublish fixes the name with
	// allowLegacyCase), but this leaves them out with the warning.
	if !validNPMName(name.Str) {
		res.Warnf(pos, "name %s is not a valid npm package name (lower case, an optional @scope/, URL-safe characters, at most 214 characters); no npm package is recorded for the repository",
			quoteName(name.Str))
		return attrs
	}
	attrs[graph.AttrNPMProject] = name.Str
	return attrs
}

// jsTruthy reports whether a JSON value is truthy in JavaScript: false,
// 0, "", null and a missing value are not.
func jsTruthy(v *jsonValue) bool {
	if v == nil {
		return false
	}
	switch v.Kind {
	case jsonBool:
		return v.Str == "true"
	case jsonString:
		return v.Str != ""
	case jsonNumber:
		f, _ := strconv.ParseFloat(v.Str, 64)
		return f != 0
	case jsonNull:
		return false
	}
	return true
}

// maxQuotedName bounds the bytes of a name that a warning quotes.
const maxQuotedName = 100

// quoteName returns name as a Go string literal, cut to maxQuotedName
// bytes, for a warning.
func quoteName(name string) string {
	if len(name) <= maxQuotedName {
		return strconv.Quote(name)
	}
	cut := maxQuotedName
	for cut > 0 && !utf8.RuneStart(name[cut]) {
		cut--
	}
	return strconv.Quote(name[:cut]) + "…"
}

// parseTopManifest reads only the package name of a package.json at the
// top of its repository that a lockfile covers. The lockfile pins the
// dependencies, but npm publish reads the name from package.json.
func parseTopManifest(f *ingest.File, res *ingest.Result) error {
	if !atRepoTop(f, "package.json") {
		return nil
	}
	data, err := readAll(f)
	if err != nil {
		return err
	}
	root, idx, err := decodeJSON(data)
	if err != nil {
		return jsonError(f, idx, err)
	}
	if root.Kind != jsonObject {
		return ingest.Errorf(ingest.Position{File: f.Path, Line: root.Line, Col: root.Col}, "top-level value is not an object")
	}
	addProjectRepo(f, res, npmProjectAttrs(f, root, res))
	return nil
}

// addProjectRepo writes the repository node of f with attrs, which name
// the package the repository publishes.
func addProjectRepo(f *ingest.File, res *ingest.Result, attrs map[string]string) {
	attrs[graph.AttrRepository] = f.Repo
	res.AddNode(graph.Node{
		ID: f.RepoID(), Kind: graph.NodeRepository, Label: f.Repo,
		Attrs: attrs,
		Pos:   graph.Pos{File: f.Path},
	})
	res.Records++
}

// PyProject reads the pyproject.toml at the top of a repository for the
// name of the Python package that a release from there builds and
// uploads. Its dependencies are not read.
type PyProject struct{}

// NewPyProject returns the pyproject.toml parser.
func NewPyProject() *PyProject { return &PyProject{} }

// Format implements ingest.Parser.
func (*PyProject) Format() string { return "pyproject" }

// Detect implements ingest.Parser. It claims only the pyproject.toml at
// the top of a repository.
func (*PyProject) Detect(f *ingest.File) bool { return atRepoTop(f, "pyproject.toml") }

// Parse implements ingest.Parser. The name is [project].name (PEP 621),
// else [tool.poetry].name (Poetry's own table), PEP 503 normalised.
func (*PyProject) Parse(ctx context.Context, f *ingest.File, env *ingest.Env, res *ingest.Result) error {
	data, err := readAll(f)
	if err != nil {
		return err
	}
	doc, err := unmarshalTOML(f, data)
	if err != nil {
		return err
	}
	attrs := map[string]string{}
	// Without a table that names the package, the build backend
	// (setuptools) reads the name from setup.py or setup.cfg.
	if table, _ := pyprojectTable(doc); table != nil {
		attrs[graph.AttrPyPIManifest] = "true"
		if name := pyprojectName(f, data, doc, res); name != "" {
			attrs[graph.AttrPyPIProject] = name
		}
	}
	addProjectRepo(f, res, attrs)
	return nil
}

// pyprojectName returns the PEP 503 form of the package name a
// pyproject.toml gives, or "" when it gives none that PyPI would accept.
func pyprojectName(f *ingest.File, data []byte, doc map[string]any, res *ingest.Result) string {
	table, path := pyprojectTable(doc)
	if table == nil {
		return ""
	}
	// pypi.org rejects an upload with a classifier that starts with
	// "Private ::" (pypi.org/classifiers), which projects add so that they
	// are never uploaded.
	classifiers, _ := table["classifiers"].([]any)
	if slices.ContainsFunc(classifiers, isPrivateClassifier) {
		return ""
	}
	raw, ok := table["name"]
	if !ok {
		return ""
	}
	pos := ingest.Position{File: f.Path, Line: tomlKeyLine(data, append(path, "name"))}
	name, ok := raw.(string)
	if !ok {
		res.Warnf(pos, "[%s] name is not a string; no PyPI package is recorded for the repository", strings.Join(path, "."))
		return ""
	}
	if name == "" || projectName(name) != name {
		res.Warnf(pos, "[%s] name %s is not a valid Python package name (letters and digits, with '.', '_' or '-' between them, as PEP 508 defines); no PyPI package is recorded for the repository",
			strings.Join(path, "."), quoteName(name))
		return ""
	}
	return graph.PyPIName(name)
}

// pyprojectTable returns the table of a pyproject.toml that names the
// package and its key path: [project] when it has a name, else
// [tool.poetry] when it has one, else [project] when present.
func pyprojectTable(doc map[string]any) (map[string]any, []string) {
	project, _ := doc["project"].(map[string]any)
	if _, ok := project["name"]; ok {
		return project, []string{"project"}
	}
	tool, _ := doc["tool"].(map[string]any)
	poetry, _ := tool["poetry"].(map[string]any)
	if _, ok := poetry["name"]; ok {
		return poetry, []string{"tool", "poetry"}
	}
	if project != nil {
		return project, []string{"project"}
	}
	return nil, nil
}

func isPrivateClassifier(c any) bool {
	s, _ := c.(string)
	return strings.HasPrefix(s, "Private ::")
}

// tomlKeyLine returns the line where a TOML document sets the key at path,
// whether in a [table] header's section, as a dotted key or inside an
// inline table, or 0 when it does not set it.
func tomlKeyLine(data []byte, path []string) int {
	idx := newLineIndex(data)
	var p unstable.Parser
	p.Reset(data)
	var table []string
	for p.NextExpression() {
		e := p.Expression()
		switch e.Kind {
		case unstable.Table, unstable.ArrayTable:
			table = keyParts(e.Key())
		case unstable.KeyValue:
			if off := keyValueOffset(e, table, path); off >= 0 {
				line, _ := idx.position(int64(off))
				return line
			}
		}
	}
	return 0
}

// keyValueOffset returns the offset of the key of a key/value expression
// under table when its full key is path, or of a key inside its inline
// table value that is, else -1.
func keyValueOffset(kv *unstable.Node, table, path []string) int {
	it := kv.Key()
	full := slices.Clone(table)
	offset := -1
	for it.Next() {
		if offset < 0 {
			offset = int(it.Node().Raw.Offset)
		}
		full = append(full, string(it.Node().Data))
	}
	if slices.Equal(full, path) {
		return offset
	}
	value := kv.Value()
	if value.Kind != unstable.InlineTable || len(full) >= len(path) || !slices.Equal(full, path[:len(full)]) {
		return -1
	}
	children := value.Children()
	for children.Next() {
		if child := children.Node(); child.Kind == unstable.KeyValue {
			if off := keyValueOffset(child, full, path); off >= 0 {
				return off
			}
		}
	}
	return -1
}

// keyParts returns the parts of a dotted key.
func keyParts(it unstable.Iterator) []string {
	var out []string
	for it.Next() {
		out = append(out, string(it.Node().Data))
	}
	return out
}
