package actions

import (
	"regexp"
	"strings"
)

// githubEnvWrite matches a redirection that appends to the file that
// $GITHUB_ENV names: >> $GITHUB_ENV, >> "$GITHUB_ENV", >> ${GITHUB_ENV}.
var githubEnvWrite = regexp.MustCompile(`>>\s*["']?\$(?:GITHUB_ENV\b|\{GITHUB_ENV\})`)

// envAssignment matches NAME=VALUE, and envName the NAME= or NAME<< that
// starts a line of the $GITHUB_ENV file.
var (
	envAssignment = regexp.MustCompile(`^([A-Za-z_][A-Za-z0-9_]*)=(.*)$`)
	envName       = regexp.MustCompile(`([A-Za-z_][A-Za-z0-9_]*)(?:=|<<)`)
)

// githubEnvWrites returns the variables that a run: script sets for the
// later steps of its job by appending NAME=VALUE lines to $GITHUB_ENV, with
// their values as written. A line written by echo gives its value, with
// the step's variables that it reads replaced by their values in env. A name
// that another command writes (printf, a here-document delimiter
// NAME<<EOF) gets "", a value that holds no secret the input shows.
// NOTE: only lines that redirect to $GITHUB_ENV themselves are read: a
// block or a here-document redirected as a whole, and PowerShell's
// Out-File, are not.
func githubEnvWrites(run string, env map[string]string) map[string]string {
	var out map[string]string
	for _, line := range strings.Split(run, "\n") {
		loc := githubEnvWrite.FindStringIndex(line)
		if loc == nil {
			continue
		}
		if out == nil {
			out = map[string]string{}
		}
		cmd := strings.TrimSpace(line[:loc[0]])
		if name, value, ok := echoAssignment(cmd); ok {
			out[name] = shellVar.ReplaceAllStringFunc(value, func(ref string) string {
				if v, ok := env[strings.Trim(ref, "${}")]; ok {
					return v
				}
				return ref
			})
			continue
		}
		for _, m := range envName.FindAllStringSubmatch(cmd, -1) {
			out[m[1]] = ""
		}
	}
	return out
}

// shellVar matches a shell variable reference, $NAME or ${NAME}.
var shellVar = regexp.MustCompile(`\$\{?[A-Za-z_][A-Za-z0-9_]*\}?`)

// echoAssignment reads echo NAME=VALUE, the argument in quotes or not.
func echoAssignment(cmd string) (name, value string, ok bool) {
	words := strings.Fields(cmd)
	if len(words) < 2 || words[0] != "echo" {
		return "", "", false
	}
	rest := strings.TrimSpace(strings.TrimPrefix(cmd, "echo"))
	for _, flag := range []string{"-e ", "-n ", "-E "} {
		rest = strings.TrimSpace(strings.TrimPrefix(rest, flag))
	}
	if len(rest) >= 2 && (rest[0] == '"' || rest[0] == '\'') && rest[len(rest)-1] == rest[0] {
		rest = rest[1 : len(rest)-1]
	}
	m := envAssignment.FindStringSubmatch(rest)
	if m == nil {
		return "", "", false
	}
	return m[1], m[2], true
}
