package registry

import (
	"regexp"
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest/internal/literal"
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

// ArgValues returns the graph.AttrBuildArgValues entries of build
// arguments whose value the command writes out: NAME=VALUE for a value
// that may choose an image, a tag or a version (node:20, 3.12-slim,
// ghcr.io/example-org/base:1.4). Values with a variable or an expression
// are left out. So are values under a credential's name or of a
// credential's shape, UUIDs, and values with a long run of mixed letters
// and digits, so that no secret written as an argument is kept.
func ArgValues(args []BuildArg) []string {
	var out []string
	for _, a := range args {
		if a.HasValue && PlainArgValue(a.Name, a.Value) {
			out = append(out, a.Name+"="+a.Value)
		}
	}
	return out
}

// ExpandArgs returns args with the variables of their values replaced by
// what expand gives, and the value of an argument written without one
// (--build-arg NAME) taken from the variable NAME. Variables whose values
// the input does not show stay as they are.
func ExpandArgs(args []BuildArg, expand func(string) string) []BuildArg {
	out := make([]BuildArg, 0, len(args))
	for _, a := range args {
		if !a.HasValue {
			if v := expand("${" + a.Name + "}"); v != "${"+a.Name+"}" {
				a.Value, a.HasValue = v, true
			}
		} else if strings.Contains(a.Value, "$") {
			a.Value = expand(a.Value)
		}
		out = append(out, a)
	}
	return out
}

// PlainArgValue reports whether a build argument's value is an image
// reference, a tag or a version that may be kept. A version or tag starts
// with a digit (22, 3.12-slim). Otherwise the value is an image reference,
// whose name Docker requires in lower case (ghcr.io/example-org/base:1.4),
// so a value with upper case before its tag is no image. A run of 16 or
// more letters and digits is a token, unless it is a digest's hex. A URL
// (a scheme and "://") is no image reference, and one with an "@" may
// carry a user and password (postgres://app:PASSWORD@db/app).
func PlainArgValue(name, value string) bool {
	if value == "" || len(value) > 200 || literal.CredentialName(name) || literal.LooksLikeCredential(name, value) ||
		literal.HasCredentialShape(value) {
		return false
	}
	if _, rest, ok := strings.Cut(value, "://"); ok && strings.Contains(rest, "@") {
		return false
	}
	for _, c := range value {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("._-/:@", c)) {
			return false
		}
	}
	if value[0] < '0' || value[0] > '9' {
		imageName := value
		if at := strings.IndexByte(imageName, '@'); at >= 0 {
			imageName = imageName[:at]
		}
		if colon := strings.LastIndexByte(imageName, ':'); colon > strings.LastIndexByte(imageName, '/') {
			imageName = imageName[:colon]
		}
		if strings.ToLower(imageName) != imageName {
			return false
		}
	}
	if uuid.MatchString(value) {
		return false
	}
	start := -1
	for i := 0; i <= len(value); i++ {
		if i < len(value) && isAlnum(value[i]) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 && tokenRun(value, start, i) {
			return false
		}
		start = -1
	}
	return true
}

// uuid matches a UUID, a shape that several services give their API keys.
var uuid = regexp.MustCompile(`[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}`)

// tokenRun reports whether value[start:end], a run of letters and digits,
// looks like a token: 16 or more characters with both letters and digits,
// or 8 or more that mix cases and digits. So is a run of 10 or more that
// switches between letters and digits four times or more (x7k2m9p4q8r3),
// because a tag joins a word and a number once or twice (jammy20240111,
// cudnn8). The hex of a digest (sha256:...) is no token.
func tokenRun(value string, start, end int) bool {
	run := value[start:end]
	if strings.HasSuffix(value[:start], "sha256:") || strings.HasSuffix(value[:start], "sha512:") {
		return false
	}
	digits := strings.ContainsAny(run, "0123456789")
	letters := strings.IndexFunc(run, func(r rune) bool { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' }) >= 0
	mixedCase := strings.ToLower(run) != run && strings.ToUpper(run) != run
	switches := 0
	for i := 1; i < len(run); i++ {
		if isDigit(run[i]) != isDigit(run[i-1]) {
			switches++
		}
	}
	return len(run) >= 16 && digits && letters || len(run) >= 8 && digits && mixedCase || len(run) >= 10 && switches >= 4
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// BuiltNode returns the id of the node of the image that a build makes
// from the Dockerfile whose node is dockerfileID. That is the node of the
// stage that --target names (graph.DockerfileStageID), else the
// Dockerfile's node, which is the image of its last stage.
func (b Build) BuiltNode(dockerfileID string) string {
	if b.Target != "" {
		return graph.DockerfileStageID(dockerfileID, b.Target)
	}
	return dockerfileID
}

// TargetAttrs adds the build's graph.AttrBuildTarget or
// graph.AttrBuildTargetUnknown to attrs, and returns attrs.
func (b Build) TargetAttrs(attrs map[string]string) map[string]string {
	switch {
	case b.Target != "":
		attrs[graph.AttrBuildTarget] = b.Target
	case b.TargetUnknown:
		attrs[graph.AttrBuildTargetUnknown] = "true"
	}
	return attrs
}

// StageNodeAttrs returns the attributes that a CI reader gives the node
// of the stage a literal --target names, as it does the Dockerfile's own
// node. The Dockerfile reader adds the rest when the input contains the
// file.
func (b Build) StageNodeAttrs(dockerfileID, file, repo string) map[string]string {
	return map[string]string{
		"ecosystem": "dockerfile", graph.AttrName: file, "path": file, graph.AttrRepository: repo,
		graph.AttrStage: b.Target, graph.AttrStageOf: dockerfileID,
	}
}

// PushReason returns the reason of the DEPENDS_ON edge from an image that
// a job builds and pushes to the node BuiltNode names.
func (b Build) PushReason(file, ctx string) string {
	switch {
	case b.Target != "":
		return "the job builds stage " + b.Target + " of " + file + " (--target) with context " + ctx + " and pushes it"
	case b.TargetUnknown:
		return "the job builds the image from " + file + " with context " + ctx + " and pushes it; possible: a variable names the stage it builds (--target), which may not be the last"
	}
	return "the job builds the image from " + file + " with context " + ctx + " and pushes it"
}
