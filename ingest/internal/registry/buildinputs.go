package registry

import (
	"regexp"
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
)

// BuildArg is a --build-arg of a build command. Value is the text after
// NAME= as the command writes it, with its variables unexpanded. Without
// "=", HasValue is false and the builder takes the value of the variable
// NAME of the command's environment.
type BuildArg struct {
	Name, Value string
	HasValue    bool
}

// BuildSecret is a --secret of a build command: the id that the
// Dockerfile mounts, and the variable Env or the file Src that gives the
// value. Docker's documentation of build secrets shows a secret given by
// its id alone (--secret id=API_TOKEN) reading the variable of that name.
type BuildSecret struct {
	ID, Env, Src string
}

// readBuildArg reads the value of --build-arg.
func readBuildArg(v string) (BuildArg, bool) {
	name, value, has := strings.Cut(v, "=")
	if name == "" {
		return BuildArg{}, false
	}
	return BuildArg{Name: name, Value: value, HasValue: has}, true
}

// readBuildSecret reads the value of --secret, comma-separated KEY=VALUE
// fields: id, src (or source), env and type. A type=env secret with src
// and no env reads the variable that src names.
func readBuildSecret(v string) (BuildSecret, bool) {
	var s BuildSecret
	typ := ""
	for _, field := range strings.Split(v, ",") {
		k, val, _ := strings.Cut(strings.TrimSpace(field), "=")
		switch strings.ToLower(k) {
		case "id":
			s.ID = val
		case "src", "source":
			s.Src = val
		case "env":
			s.Env = val
		case "type":
			typ = val
		}
	}
	if typ == "env" && s.Env == "" {
		s.Env, s.Src = s.Src, ""
	}
	if s.ID == "" {
		return BuildSecret{}, false
	}
	return s, true
}

// shellVarName matches a variable that a word expands, $NAME or ${NAME}.
var shellVarName = regexp.MustCompile(`\$\{?([A-Za-z_][A-Za-z0-9_]*)`)

// VariableInputs returns the graph.AttrBuildInputs entries of a build
// whose job passes its secrets as variables, as GitLab and CircleCI jobs
// do. There is one VIA:KEY=NAME entry for each variable NAME that gives
// the value of a build argument or a BuildKit secret.
func (b Build) VariableInputs() []string {
	var out []string
	for _, a := range b.Args {
		if !a.HasValue {
			out = append(out, graph.BuildViaArg+":"+a.Name+"="+a.Name)
			continue
		}
		for _, m := range shellVarName.FindAllStringSubmatch(a.Value, -1) {
			out = append(out, graph.BuildViaArg+":"+a.Name+"="+m[1])
		}
	}
	for _, s := range b.Secrets {
		switch {
		case s.Env != "":
			out = append(out, graph.BuildViaSecret+":"+s.ID+"="+s.Env)
		case s.Src == "":
			out = append(out, graph.BuildViaSecret+":"+s.ID+"="+s.ID)
		}
	}
	return out
}
