package actions

import (
	"regexp"
	"strings"
)

// stepOutputExpr matches an expression that reads an output of a step,
// ${{ steps.ID.outputs.NAME }}, and captures the step's id and the
// output's name.
var stepOutputExpr = regexp.MustCompile(`\$\{\{\s*steps\.([A-Za-z_][A-Za-z0-9_-]*)\.outputs\.([A-Za-z_][A-Za-z0-9_-]*)\s*\}\}`)

// envContextExpr matches an expression that reads a variable through the env
// context, ${{ env.NAME }}, and captures its name.
var envContextExpr = regexp.MustCompile(`\$\{\{\s*env\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}`)

// plainValue reports whether a value may replace the expression that
// reads it: it is set, reads no secret and no job token, and does not
// look like a credential. Expressions that read credentials stay as
// written, because the credential readers look for them.
func plainValue(name, v string) bool {
	return v != "" && len(secretRefs(v, false)) == 0 && !tokenRef(v, nil) && !looksLikeCredential(name, v)
}

// setStepOutput records the value of an output of the step with id, for
// the expressions of later steps that read it.
func (j *job) setStepOutput(id, name, value string) {
	if id == "" || !plainValue(name, value) {
		return
	}
	if j.stepOutputs == nil {
		j.stepOutputs = map[string]map[string]string{}
	}
	if j.stepOutputs[id] == nil {
		j.stepOutputs[id] = map[string]string{}
	}
	j.stepOutputs[id][name] = value
}

// resolveOutputs replaces each ${{ steps.ID.outputs.NAME }} in s by the
// value an earlier step recorded, as the runner does before the step
// runs. Other expressions are kept as written.
func (j *job) resolveOutputs(s string) string {
	if len(j.stepOutputs) == 0 || !strings.Contains(s, "steps.") {
		return s
	}
	return stepOutputExpr.ReplaceAllStringFunc(s, func(expr string) string {
		m := stepOutputExpr.FindStringSubmatch(expr)
		if v, ok := j.stepOutputs[m[1]][m[2]]; ok {
			return v
		}
		return expr
	})
}

// resolveInput replaces, in the value of a with: input, the recorded
// step outputs (resolveOutputs) and the ${{ env.NAME }} expressions.
// env is the step's env context: its own env, the variables earlier steps
// exported, then the job's and the workflow's env.
func (j *job) resolveInput(s string, env map[string]string) string {
	s = j.resolveOutputs(s)
	if !strings.Contains(s, "env.") {
		return s
	}
	return envContextExpr.ReplaceAllStringFunc(s, func(expr string) string {
		name := envContextExpr.FindStringSubmatch(expr)[1]
		if v := env[name]; plainValue(name, v) {
			return v
		}
		return expr
	})
}

// resolveEnvOutputs replaces the recorded step outputs in the values of
// a step's own env block.
func (j *job) resolveEnvOutputs(env map[string]string) {
	if len(j.stepOutputs) == 0 {
		return
	}
	for k, v := range env {
		env[k] = j.resolveOutputs(v)
	}
}

// readActionOutputs records the registry output of an
// aws-actions/amazon-ecr-login step with id: the host of the one registry
// it logs in to. The action leaves the output unset when it logs in to
// several registries. A computed account or region leaves it unknown.
func (w *workflow) readActionOutputs(j *job, name, id string, input func(string) string, env map[string]string, line int) {
	if id == "" || !strings.EqualFold(name, "aws-actions/amazon-ecr-login") {
		return
	}
	if h := w.ecrLoginOf(j, input, env, line, j.cond).registryHost(); h != "" {
		j.setStepOutput(id, "registry", h)
	}
}

// readRunOutputs records the outputs that a run: step with id writes to
// $GITHUB_OUTPUT as NAME=VALUE lines (githubFileWrites), with the
// variables of env expanded. Only bash and sh scripts are read. An output
// whose value depends on a test of the script is not recorded.
func (j *job) readRunOutputs(id, shell, run string, env map[string]string) {
	if id == "" || !strings.Contains(run, "GITHUB_OUTPUT") {
		return
	}
	if bash, _ := j.scriptShells(shell); !bash {
		return
	}
	out, mixed := githubFileWrites(run, env, "GITHUB_OUTPUT")
	for k, v := range out {
		if !mixed[k] {
			j.setStepOutput(id, k, v)
		}
	}
}

// expandStepVars replaces, in an image name that a script pushes, the
// shell variables ($NAME, ${NAME}) of the step's env by their values.
// Values that contain an expression or a variable are not used.
// NOTE: a variable that the script sets again before the command keeps
// its value from env here.
func expandStepVars(s string, env map[string]string) string {
	if !strings.Contains(s, "$") {
		return s
	}
	return shellVar.ReplaceAllStringFunc(s, func(ref string) string {
		if strings.HasPrefix(ref, "${") != strings.HasSuffix(ref, "}") {
			return ref
		}
		if v, ok := env[strings.Trim(ref, "${}")]; ok && v != "" && !strings.Contains(v, "$") {
			return v
		}
		return ref
	})
}
