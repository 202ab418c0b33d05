package cloudformation

import (
	"bytes"
	"errors"
	"net/url"
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/pelletier/go-toml/v2"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
	"github.com/blastradius-dev/blastradius/ingest/internal/yamlfile"
)

// SAMConfigNames are the names of the SAM CLI configuration file that sam
// reads from the project's folder when --config-file names none, in the
// order it looks for them.
var SAMConfigNames = []string{"samconfig.toml", "samconfig.yaml", "samconfig.yml"}

// Attributes of the Resource node of a SAM CLI configuration file.
// AttrSAMConfig is the file's path in the repository of AttrTemplateRepo.
// AttrSAMSections lists its sections that name a template or override
// parameters, each a query string (see SAMSection).
const (
	AttrSAMConfig   = "sam_config"
	AttrSAMSections = "sam_config_sections"
)

// SAMSection is one [ENV.COMMAND.parameters] table of a SAM CLI
// configuration file: the template that its template_file or template
// names, as written, and the names of the parameters its
// parameter_overrides sets. Values of the parameters are not kept, since
// they may be secrets.
type SAMSection struct {
	Env, Command, Template string
	Overrides              []string
}

// Encode writes the section as an item of AttrSAMSections.
func (s SAMSection) Encode() string {
	v := url.Values{}
	v.Set("env", s.Env)
	v.Set("command", s.Command)
	if s.Template != "" {
		v.Set("template", s.Template)
	}
	if len(s.Overrides) > 0 {
		v.Set("overrides", strings.Join(s.Overrides, " "))
	}
	return v.Encode()
}

// DecodeSAMSection reads an item of AttrSAMSections.
func DecodeSAMSection(item string) (SAMSection, bool) {
	v, err := url.ParseQuery(item)
	if err != nil || v.Get("env") == "" || v.Get("command") == "" {
		return SAMSection{}, false
	}
	s := SAMSection{Env: v.Get("env"), Command: v.Get("command"), Template: v.Get("template")}
	if o := v.Get("overrides"); o != "" {
		s.Overrides = strings.Fields(o)
	}
	return s, true
}

// samConfigTable matches the head of a table of a SAM CLI configuration
// file in TOML, such as [default.deploy.parameters], by which a file of
// another name that --config-file may give is recognised.
var samConfigTable = regexp.MustCompile(`(?m)^[ \t]*\[[ \t]*"?[A-Za-z0-9_-]+"?[ \t]*\.[ \t]*"?(deploy|sync|global)"?[ \t]*\.[ \t]*"?parameters"?[ \t]*\]`)

// isSAMConfig reports whether a file is a SAM CLI configuration file: by
// its name, or a .toml file with a deploy, sync or global table.
func isSAMConfig(name string, head []byte) bool {
	for _, n := range SAMConfigNames {
		if name == n {
			return true
		}
	}
	return path.Ext(name) == ".toml" && samConfigTable.Match(head)
}

// parseSAMConfig reads a SAM CLI configuration file, in TOML or YAML, and
// emits a Resource node (type sam_config) that lists the sections naming
// a template or overriding parameters. The linker reads it for a sam
// deploy or sam sync without a template option.
func parseSAMConfig(f *ingest.File, res *ingest.Result) error {
	data, err := yamlfile.ReadAll(f, maxSize)
	if err != nil {
		return err
	}
	data = bytes.TrimPrefix(data, []byte{0xEF, 0xBB, 0xBF})
	var doc map[string]any
	if strings.EqualFold(path.Ext(f.RelPath), ".toml") || strings.EqualFold(path.Ext(f.Path), ".toml") {
		if err := toml.Unmarshal(data, &doc); err != nil {
			var de *toml.DecodeError
			if errors.As(err, &de) {
				line, col := de.Position()
				return ingest.Errorf(ingest.Position{File: f.Path, Line: line, Col: col}, "invalid TOML syntax")
			}
			return ingest.Errorf(ingest.Position{File: f.Path}, "invalid TOML")
		}
	} else {
		root, err := yamlfile.Decode(f.Path, data)
		if err != nil {
			return err
		}
		if err := root.Decode(&doc); err != nil {
			return ingest.Errorf(ingest.Position{File: f.Path, Line: root.Line}, "a SAM CLI configuration file needs a mapping at its top level")
		}
	}

	var items []string
	for env, v := range doc {
		commands, ok := v.(map[string]any)
		if !ok {
			continue // version = 0.1
		}
		for command, c := range commands {
			params, _ := asMap(c)["parameters"].(map[string]any)
			s := SAMSection{Env: env, Command: command}
			s.Template, _ = params["template_file"].(string)
			if s.Template == "" {
				s.Template, _ = params["template"].(string)
			}
			s.Overrides = overrideNames(params["parameter_overrides"])
			if s.Template != "" || len(s.Overrides) > 0 {
				items = append(items, s.Encode())
			}
		}
	}
	res.Records = len(items)
	if f.Repo == "" || f.RelPath == "" || len(items) == 0 {
		return nil
	}
	sort.Strings(items)
	rel := strings.ReplaceAll(f.RelPath, `\`, "/")
	res.AddNode(graph.Node{
		ID:    "samconfig:" + strings.TrimPrefix(f.RepoID(), "repo:") + "/" + rel,
		Kind:  graph.NodeResource,
		Label: rel,
		Attrs: map[string]string{
			"type":           "sam_config",
			AttrSAMConfig:    rel,
			AttrTemplateRepo: f.RepoID(),
			AttrSAMSections:  graph.JoinList(items),
		},
		Pos: graph.Pos{Line: 1},
	})
	return nil
}

// asMap returns v as a mapping, or nil.
func asMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

// parameterName matches a CloudFormation parameter's logical name.
var parameterName = regexp.MustCompile(`^[A-Za-z0-9]+$`)

// overrideNames returns the names of the parameters that a
// parameter_overrides value sets: a string of Name=Value words (values
// may be quoted) or a list of them, each also in the form
// ParameterKey=Name,ParameterValue=Value. A name that is not
// alphanumeric, as CloudFormation requires, is a piece of a value that
// the words were split wrong around, and is left out.
func overrideNames(v any) []string {
	var words []string
	switch v := v.(type) {
	case string:
		words = splitQuoted(v)
	case []any:
		for _, it := range v {
			if s, ok := it.(string); ok {
				words = append(words, splitQuoted(s)...)
			}
		}
	}
	var names []string
	for _, w := range words {
		name, _, ok := strings.Cut(w, "=")
		if name == "ParameterKey" {
			rest := strings.TrimPrefix(w, "ParameterKey=")
			name, _, ok = strings.Cut(rest, ",")
		}
		if ok && parameterName.MatchString(name) {
			names = append(names, name)
		}
	}
	return names
}

// splitQuoted splits s at blanks outside single or double quotes, and
// drops the quotes. A backslash keeps the next character, a blank or a
// quote, inside the word, as the SAM CLI reads parameter_overrides.
func splitQuoted(s string) []string {
	var out []string
	var cur strings.Builder
	var quote rune
	inWord, escaped := false, false
	for _, r := range s {
		switch {
		case escaped:
			cur.WriteRune(r)
			escaped = false
		case r == '\\':
			escaped, inWord = true, true
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
			cur.WriteRune(r)
		case r == '"' || r == '\'':
			quote, inWord = r, true
		case r == ' ' || r == '\t' || r == '\n':
			if inWord {
				out = append(out, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if inWord {
		out = append(out, cur.String())
	}
	return out
}
