package actions

import (
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
	"github.com/blastradius-dev/blastradius/ingest/internal/literal"
)

// credentialName matches keys that conventionally hold credentials.
var credentialName = regexp.MustCompile(`(?i)(token|secret|passw(or)?d|passwd|api[_-]?key|access[_-]?key|private[_-]?key|credential|auth)`)

// credentialValue matches values shaped like well-known credentials: AWS
// access key ids, GitHub, GitLab, npm, PyPI and Slack tokens.
var credentialValue = regexp.MustCompile(`^(AKIA|ASIA)[A-Z0-9]{16}$|^gh[pousr]_[A-Za-z0-9]{30,}|^github_pat_|^glpat-|^npm_[A-Za-z0-9]{30,}|^pypi-|^xox[abpr]-`)

// writeInlineSecrets records literal credentials in a job's env blocks
// (workflow, job, step, container and service level), container and
// service registry credentials, and the inputs of steps and of a called
// reusable workflow. Only a salted
// fingerprint of each value is kept, and the secret is flagged as stored
// outside a secret manager.
func (w *workflow) writeInlineSecrets(j *job, jn *yaml.Node) {
	var blocks []*yaml.Node
	blocks = append(blocks, lookup(w.root, "env"), lookup(jn, "env"), lookup(jn, "with"))
	container := lookup(jn, "container")
	blocks = append(blocks, lookup(container, "env"), lookup(container, "credentials"))
	for _, p := range pairs(lookup(jn, "services")) {
		blocks = append(blocks, lookup(p.val, "env"), lookup(p.val, "credentials"))
	}
	for _, st := range items(lookup(jn, "steps")) {
		blocks = append(blocks, lookup(st, "env"), lookup(st, "with"))
	}
	for _, b := range blocks {
		for _, p := range pairs(b) {
			v, ok := scalar(p.val)
			if !ok || !looksLikeCredential(p.key.Value, v) {
				continue
			}
			id := graph.GHAInlineSecretID(j.rid, p.key.Value)
			a := attrs(literal.SecretAttrs(w.env, "github", p.key.Value, w.repo, v))
			w.b.node(id, graph.NodeSecret, p.key.Value+" (literal in "+j.id+")", p.key.Line, a)
			w.b.edge(j.rid, graph.EdgeExposes, id, graph.Certain, p.key.Line, attrs{graph.AttrVia: "env"})
			w.warnf(p.key, "job %s: %s holds a literal credential; store it as a secret and rotate it", j.id, p.key.Value)
		}
	}
}

// readEnvLiterals records, before the steps are read, the literal
// credentials of the env blocks that the job's steps see (the workflow's,
// the job's and each step's), by name and value. writeInlineSecrets writes
// each as the inline secret that envLiteral names.
func (w *workflow) readEnvLiterals(j *job, jn *yaml.Node) {
	blocks := []*yaml.Node{lookup(w.root, "env"), lookup(jn, "env")}
	for _, st := range items(lookup(jn, "steps")) {
		blocks = append(blocks, lookup(st, "env"))
	}
	for _, b := range blocks {
		for _, p := range pairs(b) {
			if v, ok := scalar(p.val); ok && looksLikeCredential(p.key.Value, v) {
				if j.envLiterals == nil {
					j.envLiterals = map[[2]string]string{}
				}
				j.envLiterals[[2]string{p.key.Value, v}] = graph.GHAInlineSecretID(j.rid, p.key.Value)
			}
		}
	}
}

// envLiteral returns the inline secret of a variable whose value is a
// literal credential of an env block, or one that a step exported through
// $GITHUB_ENV (exportLiteral), or "" for any other value.
func (j *job) envLiteral(name, value string) string {
	return j.envLiterals[[2]string{name, value}]
}

// exportLiteral records the inline secret of a literal credential that a
// step exports as name through $GITHUB_ENV, for the steps after it. The
// secret is the literal of the step's script of that value, else the
// literal of the step's env block that the value copies (envIDs, by
// value). Else a value that looks like a credential, by the rule of env
// blocks, becomes an inline secret named by the run: key's line and the
// variable. literals are the script's literals by value
// (writeScriptLiterals), and run the run: key.
func (w *workflow) exportLiteral(j *job, step, name, value string, envIDs, literals map[string]string, run *yaml.Node) {
	id := literals[value]
	if id == "" {
		id = envIDs[value]
	}
	if id == "" {
		if computed(value) || !looksLikeCredential(name, value) {
			return
		}
		line := deref(run).Line
		id = graph.GHAInlineSecretID(j.rid, literal.Key("run", line, 0)+"/"+name)
		a := attrs(literal.SecretAttrs(w.env, "github", name, w.repo, value))
		a["step"] = step
		w.b.node(id, graph.NodeSecret, name+" (literal in "+j.id+", line "+strconv.Itoa(line)+")", line, a)
		w.b.edge(j.rid, graph.EdgeExposes, id, graph.Certain, line, attrs{graph.AttrVia: "env"})
		w.warnf(run, "job %s: step %s exports %s with a literal credential; store it as a secret and rotate it", j.id, stepNumber(step), name)
	}
	if j.envLiterals == nil {
		j.envLiterals = map[[2]string]string{}
	}
	j.envLiterals[[2]string{name, value}] = id
}

// envLiteralIDs returns the inline secrets of the literal credentials of
// a step's variables, by value. Of two with one value, the first id in
// sort order is kept.
func (j *job) envLiteralIDs(env map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range env {
		id := j.envLiteral(k, v)
		if prev, ok := out[v]; id != "" && (!ok || id < prev) {
			out[v] = id
		}
	}
	return out
}

// writeScriptLiterals records the literal credentials of a step's run
// script (see package literal), as writeInlineSecrets does those of env
// blocks. A value in a literal block scalar (run: |) is placed on its own
// line of the file; one in a folded or one-line scalar on the run key's.
// It returns the inline secret of each value, by value, for the release
// reader; the map lives only while the step is read.
func (w *workflow) writeScriptLiterals(j *job, step string, run *yaml.Node, script string) map[string]string {
	pos := deref(run)
	var ids map[string]string
	for i, f := range literal.Scan(script) {
		line, col := pos.Line, pos.Column
		if pos.Style&yaml.LiteralStyle != 0 {
			line, col = pos.Line+f.Line, 0
		}
		if _, seen := ids[f.Value]; seen {
			// The same credential written again is the same secret.
			continue
		}
		if len(ids) == literal.MaxPerScript {
			w.res.Warnf(ingest.Position{File: w.f.Path, Line: line, Col: col},
				"job %s: step %s: the script contains more than %d literal credentials; the rest are not recorded", j.id, stepNumber(step), literal.MaxPerScript)
			break
		}
		id := graph.GHAInlineSecretID(j.rid, literal.Key("run", pos.Line, i))
		a := attrs(literal.SecretAttrs(w.env, "github", f.Kind, w.repo, f.Value))
		a["step"] = step
		w.b.node(id, graph.NodeSecret, f.Kind+" (literal in "+j.id+", line "+strconv.Itoa(line)+")", line, a)
		w.b.edge(j.rid, graph.EdgeExposes, id, graph.Certain, line, attrs{graph.AttrVia: "script"})
		w.res.Warnf(ingest.Position{File: w.f.Path, Line: line, Col: col},
			"job %s: step %s: the script contains a literal %s; store it as a secret and rotate it", j.id, stepNumber(step), f.Kind)
		if ids == nil {
			ids = map[string]string{}
		}
		ids[f.Value] = id
	}
	return ids
}

func looksLikeCredential(key, value string) bool {
	if value == "" || strings.Contains(value, "${{") || len(value) < 8 {
		return false
	}
	// Every form credentialValue matches starts with one of these bytes.
	if strings.IndexByte("Agnpx", value[0]) >= 0 && credentialValue.MatchString(value) {
		return true
	}
	if !credentialName.MatchString(key) || settingKey.MatchString(key) {
		return false
	}
	// Values that are plainly not secrets: booleans, numbers, paths, URLs
	// without credentials, and names of other variables.
	lower := strings.ToLower(value)
	if lower == "true" || lower == "false" || strings.HasPrefix(value, "/") || strings.HasPrefix(value, "./") ||
		strings.HasPrefix(lower, "http://") || strings.HasPrefix(lower, "https://") || strings.HasPrefix(value, "$") {
		return false
	}
	if strings.ContainsAny(value, " \n") {
		return false
	}
	// Secrets are random-looking: a digit, or length. Words such as
	// "access_token" (the value of a token_format input) are settings.
	return strings.ContainsAny(value, "0123456789") || len(value) >= 20
}

// settingKey matches keys that name a setting about a credential, not the
// credential itself: token_format, password-file, secret_name.
var settingKey = regexp.MustCompile(`(?i)[_-](format|file|path|name|type|url|id|version|lifetime|scopes?)$`)

// actionLiterals records the literal credentials of a composite action's
// run step, as writeScriptLiterals does for a job's. Every job that uses
// the action runs the step, and everyone who can read the repository
// reads the value. The Secret is named by the action file and line. No
// job exposes it here, because the input does not show which versions of
// the action contain the step.
func actionLiterals(f *ingest.File, env *ingest.Env, b *builder, run *yaml.Node, script string) {
	pos := deref(run)
	if pos == nil {
		return
	}
	for i, lit := range literal.Scan(script) {
		line, col := pos.Line, pos.Column
		if pos.Style&yaml.LiteralStyle != 0 {
			line, col = pos.Line+lit.Line, 0
		}
		id := graph.GHAInlineSecretID("runtime:gha:"+graph.GHARepo(b.host, f.Repo)+"/"+f.RelPath+"#action", literal.Key("run", pos.Line, i))
		a := attrs(literal.SecretAttrs(env, "github", lit.Kind, f.Repo, lit.Value))
		b.node(id, graph.NodeSecret, lit.Kind+" (literal in "+f.RelPath+", line "+strconv.Itoa(line)+")", line, a)
		b.res.Warnf(ingest.Position{File: f.Path, Line: line, Col: col},
			"composite step: the script contains a literal %s; take it as an input from a secret and rotate it", lit.Kind)
	}
}
