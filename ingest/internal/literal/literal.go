// Package literal finds credentials written as literal values into CI
// scripts. It finds tokens in a shape that their issuer fixed (an npm
// token, a GitHub token, an AWS access key id). It also finds the values
// of options and settings that take nothing but a credential: a registry
// login's password, an .npmrc auth token, an Authorization header and the
// password part of a URL.
//
// A literal credential in a repository is readable by everyone who can
// read the repository, and by every step and dependency of the job that
// runs the script. Callers keep a salted fingerprint of each value and
// never print it.
package literal

import (
	"net"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
)

// Finding is one literal credential in a script.
type Finding struct {
	// Line is the line of the script that contains the value, from 1.
	Line int
	// Kind is the kind of credential, for messages: "npm token".
	Kind string
	// Value is the credential itself. It must not reach the store, a
	// log or an output; callers fingerprint it.
	Value string
}

// A shape is a credential format fixed by its issuer. The prefixes keep
// words such as "pypi-publish" or "npm_config_cache" out.
type shape struct {
	kind string
	re   *regexp.Regexp
	// hints are substrings of which a line holds one wherever re matches
	// it, compared in lower case when fold is set. Most script lines
	// hold none, and a substring search costs far less than the regexp.
	hints []string
	fold  bool
}

// mayMatch reports whether line, or lower, its lower-case form, holds a
// hint of s.
func (s *shape) mayMatch(line, lower string) bool {
	if s.fold {
		line = lower
	}
	for _, h := range s.hints {
		if strings.Contains(line, h) {
			return true
		}
	}
	return false
}

var shapes = []shape{
	{"AWS access key id", regexp.MustCompile(`(?:AKIA|ASIA)[A-Z0-9]{16}`), []string{"AKIA", "ASIA"}, false},
	{"GitHub token", regexp.MustCompile(`gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,}`), []string{"gh", "github_pat_"}, false},
	{"GitLab token", regexp.MustCompile(`(?:glpat|gldt|glptt|glrt|glcbt)-[A-Za-z0-9_-]{20,}|GR1348941[A-Za-z0-9_-]{20,}`), []string{"gl", "GR1348941"}, false},
	{"npm token", regexp.MustCompile(`npm_[A-Za-z0-9]{36}`), []string{"npm_"}, false},
	{"PyPI token", regexp.MustCompile(`pypi-AgE[A-Za-z0-9_-]{50,}`), []string{"pypi-AgE"}, false},
	{"Slack token", regexp.MustCompile(`xox[abpr]-[A-Za-z0-9-]{10,}`), []string{"xox"}, false},
	{"CircleCI token", regexp.MustCompile(`CCIP(?:AT|RJ)_[A-Za-z0-9_]{20,}`), []string{"CCIP"}, false},
	// crates.io makes its API tokens of "cio" and 32 letters and digits.
	{"crates.io token", regexp.MustCompile(`cio[A-Za-z0-9]{32}`), []string{"cio"}, false},
	{"RubyGems API key", regexp.MustCompile(`rubygems_[a-f0-9]{48}`), []string{"rubygems_"}, false},
}

// A setting is an option or key whose value is a credential. The value
// is group 1, quoted or bare.
var settings = []shape{
	// docker, podman, buildah, nerdctl, oras and helm registry logins
	// with -p VALUE, -pVALUE, -p=VALUE, --password VALUE or
	// --password=VALUE; --password-stdin takes no value. The word login
	// must follow a word that is not an option waiting for its value, so
	// that docker run --name login -p 5432:5432 and cargo test -p login
	// are not logins.
	{loginKind, regexp.MustCompile(`(?:^|[\s;&|(])(?:[^\s;&|()-][^\s;&|()]*|-[^\s;&|()=]*=[^\s;&|()]*)\s+login\s(?:[^;&|]*?\s)?` + passwordOption + `("[^"]*"|'[^']*'|[^\s;&|]+)`), []string{"login"}, false},
	// The same logins after a global flag of docker, podman, buildah or
	// nerdctl that takes no value, as in docker --debug login.
	{loginKind, regexp.MustCompile(`\b(?:docker|podman|buildah|nerdctl)\s(?:[^;&|]*?\s)?` + flagWithoutValue + `\s+login\s(?:[^;&|]*?\s)?` + passwordOption + `("[^"]*"|'[^']*'|[^\s;&|]+)`), []string{"login"}, false},
	// .npmrc lines and npm config set: //host/:_authToken=VALUE,
	// //host/:_authToken VALUE, _password=VALUE.
	{"npm registry token", regexp.MustCompile(`:_(?:authToken|password|auth)(?:\s*=\s*|\s+)("[^"]*"|'[^']*'|[^\s"';&|]+)`), []string{":_"}, false},
	// .npmrc lines without a registry, _authToken=VALUE or _auth=VALUE,
	// written with > or >> to a file named .npmrc.
	{"npm registry token", regexp.MustCompile(`(?:^|[\s"'])_(?:authToken|password|auth)\s*=\s*("[^"]*"|'[^']*'|[^\s"';&|]+)["']?\s*>>?\s*["']?\S*\.npmrc\b`), []string{"npmrc"}, false},
	// npm config set and npm set with _authToken VALUE, which sets the
	// token of the default registry, or with a quoted
	// '//host/:_authToken' key, after options such as --location=user.
	{"npm registry token", regexp.MustCompile(`\b(?:npm\s+(?:config\s+)?set|pnpm\s+config\s+set)\s+(?:-\S+\s+)*["']?(?://[^\s"']*:)?_(?:authToken|password|auth)["']?(?:\s*=\s*|\s+)("[^"]*"|'[^']*'|[^\s"';&|]+)`), []string{"_auth", "_password"}, false},
	// Yarn's npmAuthToken, written to .yarnrc.yml as npmAuthToken: VALUE
	// or set with yarn config set, whose key may be a path to a scope's
	// or a registry's npmAuthToken. Elsewhere, a word after npmAuthToken
	// is a file name or prose, as in grep npmAuthToken .yarnrc.yml.
	{"npm registry token", regexp.MustCompile(`\bnpmAuthToken\s*[:=]\s*("[^"]*"|'[^']*'|[^\s"';&|]+)`), []string{"npmAuthToken"}, false},
	{"npm registry token", regexp.MustCompile(`\byarn\s+config\s+set\s[^;&|]*?npmAuthToken["']?\s+("[^"]*"|'[^']*'|[^\s"';&|]+)`), []string{"npmAuthToken"}, false},
	// twine upload and poetry publish with -p or --password, whose value
	// the index takes whatever its shape. Other subcommands' -p, such as
	// that of pytest in poetry run pytest -p no:cacheprovider, is not a
	// password.
	{uploadKind, regexp.MustCompile(`\b(?:twine\b[^;&|]*?\supload|poetry\b[^;&|]*?\spublish)\s(?:[^;&|]*?\s)?` + passwordOption + `("[^"]*"|'[^']*'|[^\s;&|]+)`), []string{"twine", "poetry"}, false},
	// uv publish with --token, -t, --password or -p.
	{uploadKind, regexp.MustCompile(`\buv\s+publish\b[^;&|]*?\s(?:--token|-t|--password|-p)(?:=|\s+)("[^"]*"|'[^']*'|[^\s;&|]+)`), []string{"uv"}, false},
	// helm repo add NAME URL --password VALUE, a chart repository's login.
	{loginKind, regexp.MustCompile(`\bhelm\s+repo\s+add\b[^;&|]*?\s--password(?:=|\s+)("[^"]*"|'[^']*'|[^\s;&|]+)`), []string{"helm"}, false},
	// kubectl and oc with --token VALUE, on any command, the bearer
	// token that authenticates to the Kubernetes API server.
	{"Kubernetes API token", regexp.MustCompile(`\b(?:kubectl|oc)\b[^;&|]*?\s--token(?:=|\s+)("[^"]*"|'[^']*'|[^\s;&|]+)`), []string{"--token"}, false},
	// The password options of the registry copy tools: oras (push, cp,
	// attach, tag, login), skopeo's --dest-password and registry tokens,
	// and regctl registry login --pass. skopeo's --creds USER:PASSWORD is
	// read apart (skopeoCreds).
	{loginKind, regexp.MustCompile(`\boras\s+(?:push|cp|copy|attach|tag|login|manifest|blob)\b[^;&|]*?\s(?:--password|-p|--to-password|--from-password)(?:=|\s+)("[^"]*"|'[^']*'|[^\s;&|]+)`), []string{"oras"}, false},
	{loginKind, regexp.MustCompile(`\bskopeo\b[^;&|]*?\s--(?:dest-|src-)?(?:password|registry-token)(?:=|\s+)("[^"]*"|'[^']*'|[^\s;&|]+)`), []string{"skopeo"}, false},
	{loginKind, regexp.MustCompile(`\bregctl\s+registry\s+(?:login|set)\b[^;&|]*?\s--pass(?:=|\s+)("[^"]*"|'[^']*'|[^\s;&|]+)`), []string{"regctl"}, false},
	// The base64 "auth" of a registry in a Docker config file that a
	// script writes: user and password, encoded, not encrypted.
	{"registry auth in a Docker config", regexp.MustCompile(`\\?"auth\\?"\s*:\s*\\?"([A-Za-z0-9+/]{8,}={0,2})\\?"`), []string{"auths"}, false},
	// cargo publish, owner and yank with --token VALUE, and cargo login
	// VALUE, which stores the token for later commands.
	{"crates.io token", regexp.MustCompile(`\bcargo\s+(?:publish|owner|yank|login)\b[^;&|]*?\s--token(?:=|\s+)("[^"]*"|'[^']*'|[^\s;&|]+)`), []string{"cargo"}, false},
	{"crates.io token", regexp.MustCompile(`\bcargo\s+login\s+("[^"]*"|'[^']*'|[^\s;&|'"-][^\s;&|]*)`), []string{"cargo"}, false},
	// poetry config pypi-token.NAME VALUE and http-basic.NAME USER VALUE.
	// Options such as --local may come before the key.
	{"PyPI token", regexp.MustCompile(`\bpoetry\s+config\s+(?:-\S+\s+)*pypi-token\.\S+\s+("[^"]*"|'[^']*'|[^\s;&|]+)`), []string{"pypi-token"}, false},
	{uploadKind, regexp.MustCompile(`\bpoetry\s+config\s+(?:-\S+\s+)*http-basic\.\S+\s+\S+\s+("[^"]*"|'[^']*'|[^\s;&|]+)`), []string{"http-basic"}, false},
	// curl -H 'Authorization: token VALUE', Bearer and Basic.
	{"token in an Authorization header", regexp.MustCompile(`(?i)authorization:\s*(?:token|bearer|basic)\s+([^\s"'\\]+)`), []string{"authorization:"}, true},
	// Request headers that carry an API token: GitLab's PRIVATE-TOKEN
	// and JOB-TOKEN, X-API-Key, X-Auth-Token.
	{"token in a request header", regexp.MustCompile(`(?i)\b(?:private-token|job-token|x-api-key|x-auth-token):\s*([^\s"'\\]+)`), []string{"token:", "key:"}, true},
	// https://user:VALUE@host, as in a git remote or a registry URL.
	// Group 2 is the host.
	{"password in a URL", regexp.MustCompile(`[a-z][a-z0-9+.-]*://[^\s/:@"']+:([^\s/@"']+)@(\[[0-9a-fA-F:.]*\]|[^\s/:"'?#]*)`), []string{"://"}, false},
}

// Kinds of the passwords of a registry login and of a PyPI upload.
const (
	loginKind  = "registry login password"
	uploadKind = "PyPI upload password"
)

// optionWord reports whether the value at line[at:] is an option: a bare
// word that starts with a dash after a space. A command takes it for an
// option, as in poetry config http-basic.NAME USER --no-interaction.
func optionWord(line string, at int) bool {
	return at > 0 && at < len(line) && line[at] == '-' && (line[at-1] == ' ' || line[at-1] == '\t')
}

// namesLoopback reports whether a command, up to its end, names a
// registry on this machine, such as localhost:5000 or
// --repository-url=http://127.0.0.1:8080. The password of a login or an
// upload to it belongs to a registry that the job starts for its tests.
func namesLoopback(command string) bool {
	if end := strings.IndexAny(command, ";&|"); end >= 0 {
		command = command[:end]
	}
	for _, word := range strings.Fields(command) {
		if strings.HasPrefix(word, "-") {
			_, value, ok := strings.Cut(word, "=")
			if !ok {
				continue
			}
			word = value
		}
		word = unquote(word)
		if _, rest, ok := strings.Cut(word, "://"); ok {
			word = rest
		}
		word, _, _ = strings.Cut(word, "/")
		host := word
		if h, _, err := net.SplitHostPort(word); err == nil {
			host = h
		}
		if loopback(host) {
			return true
		}
	}
	return false
}

// flagWithoutValue matches the global flags of docker, podman, buildah
// and nerdctl that take no value: docker's -D, --debug, --tls and
// --tlsverify, podman's -r, --remote, --syslog and --noout, and nerdctl's
// --debug-full, --experimental and --insecure-registry.
const flagWithoutValue = `(?:-D|--debug|--debug-full|--tls|--tlsverify|-r|--remote|--syslog|--noout|--experimental|--insecure-registry)`

// passwordOption matches -p or --password followed by = or spaces, and
// -p joined to its value, before the value's group.
const passwordOption = `(?:(?:-p|--password)(?:=|\s+)|-p)`

// skopeoCreds matches skopeo's --creds, --src-creds and --dest-creds
// USER:PASSWORD; group 1 is the pair.
var skopeoCreds = regexp.MustCompile(`\bskopeo\b[^;&|]*?\s--(?:dest-|src-)?creds(?:=|\s+)("[^"]*"|'[^']*'|[^\s;&|]+)`)

// curlUser matches curl's -u USER:PASSWORD and --user; group 1 is the
// pair, quoted or bare.
var curlUser = regexp.MustCompile(`\bcurl\b[^;&|]*?\s(?:-u|--user)(?:=|\s+)("[^"]*"|'[^']*'|[^\s;&|]+)`)

// assignment matches NAME=VALUE, alone or after export, with the name in
// group 1 and the value, quoted or bare, in group 2.
var assignment = regexp.MustCompile(`(?:^|[\s;&|(])(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|'[^']*'|[^\s;&|)]+)`)

// credentialName matches variable names that conventionally hold a
// credential, and settingName those that name a setting about one
// (TOKEN_FILE, PASSWORD_PATH, AWS_SECRETS_MANAGER_REGION, API_KEY_HEADER,
// TOKEN_EXPIRY_SECONDS).
var (
	credentialName = regexp.MustCompile(`(?i)(token|secret|passw(or)?d|passwd|api[_-]?key|access[_-]?key|private[_-]?key|credential)`)
	settingName    = regexp.MustCompile(`(?i)[_-](file|path|name|type|url|id|version|lifetime|scopes?|format|length|env|var|region|host|hostname|port|endpoint|header|audience|issuer|ttl|timeout|expiry|expiration|seconds|ms)$`)
)

// assigned reports whether an assignment in a script writes a credential:
// the name says so, and the value looks random, with a digit or at least
// twenty characters. Words such as "postgres" are the test passwords of
// services the job starts.
func assigned(name, value string) bool {
	if !credentialName.MatchString(name) || settingName.MatchString(name) || !literalValue(value) {
		return false
	}
	return strings.ContainsAny(value, "0123456789") || len(value) >= 20
}

// Assigned reports whether a value that a file assigns to a variable of
// that name is a credential written as a literal, by the rule that Scan
// applies to NAME=VALUE in a script (assigned).
func Assigned(name, value string) bool { return assigned(name, value) }

// loopback reports whether a host is this machine. A URL password for it
// belongs to a service that the job starts for its tests, such as
// postgres://postgres:postgres@localhost:5432.
func loopback(host string) bool {
	host = strings.ToLower(strings.Trim(host, "[]"))
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && (ip.IsLoopback() || ip.IsUnspecified())
}

// azLogin matches the start of an Azure CLI login, whose -p is a
// service principal's client secret or the path of its certificate file.
var azLogin = regexp.MustCompile(`^[\s;&|(]?az\s+login\s`)

// filePath reports whether a value is the path of a file: it starts with
// /, ./, ../ or ~/, or ends in a certificate file's extension.
func filePath(v string) bool {
	for _, prefix := range []string{"/", "./", "../", "~/"} {
		if strings.HasPrefix(v, prefix) {
			return true
		}
	}
	lower := strings.ToLower(v)
	for _, ext := range []string{".pem", ".crt", ".pfx"} {
		if strings.HasSuffix(lower, ext) {
			return true
		}
	}
	return false
}

// minSetting is the shortest value of a setting taken for a credential.
// Shorter values are taken for the test passwords of local services.
const minSetting = 8

// MaxPerScript is the largest number of distinct literal credentials that
// the CI readers record for one job's scripts (one step's, for GitHub
// Actions), each a secret with a warning. The same value written again
// is the secret of its first finding.
const MaxPerScript = 100

// Scan returns the literal credentials of a script, in the order of the
// values' positions. A line whose first word starts with # is a comment
// and is not read. A line that ends with a backslash continues on the
// next, as in the shell, and a finding's line is the one that holds the
// start of the value. A value that refers to a variable ($NAME, ${NAME},
// ${{ secrets.NAME }}) or looks like a placeholder (<token>, {{ token }},
// %TOKEN%, ***, [MASKED], your-password, changeme) is not literal.
func Scan(script string) []Finding {
	var out []Finding
	lines := strings.Split(script, "\n")
	for i := 0; i < len(lines); i++ {
		if strings.HasPrefix(strings.TrimSpace(lines[i]), "#") {
			continue
		}
		first := i
		line, starts := joinLines(lines, &i)
		for _, f := range scanLine(line) {
			// The value is on the last joined line that starts at or
			// before its offset: line first+k, counted from 1.
			k := sort.Search(len(starts), func(k int) bool { return starts[k] > f.offset })
			f.Line = first + k
			out = append(out, f.Finding)
		}
	}
	return out
}

// offsetFinding is a finding with the offset of its value in the line.
type offsetFinding struct {
	Finding
	offset int
}

// scanLine returns the findings of one line, without their line numbers,
// in the order of their offsets. A value that a shape and a setting both
// match keeps the shape's kind.
func scanLine(line string) []offsetFinding {
	var out []offsetFinding
	var seen map[string]bool
	add := func(kind, value string, offset int) {
		if !seen[value] {
			if seen == nil {
				seen = map[string]bool{}
			}
			seen[value] = true
			out = append(out, offsetFinding{Finding{Kind: kind, Value: value}, offset})
		}
	}
	line = maskColours(line)
	lower := strings.ToLower(line)
	for _, s := range shapes {
		if !s.mayMatch(line, lower) {
			continue
		}
		for _, loc := range s.re.FindAllStringIndex(line, -1) {
			if bounded(line, loc[0], loc[1]) {
				add(s.kind, line[loc[0]:loc[1]], loc[0])
			}
		}
	}
	for _, s := range settings {
		if !s.mayMatch(line, lower) {
			continue
		}
		for _, m := range s.re.FindAllStringSubmatchIndex(line, -1) {
			if len(m) > 4 && m[4] >= 0 && loopback(line[m[4]:m[5]]) {
				continue
			}
			if optionWord(line, m[2]) || (s.kind == loginKind || s.kind == uploadKind) && namesLoopback(line[m[0]:]) {
				continue
			}
			if s.kind == loginKind && azLogin.MatchString(line[m[0]:]) && filePath(unquote(line[m[2]:m[3]])) {
				continue
			}
			if v := unquote(line[m[2]:m[3]]); literalValue(v) {
				add(s.kind, v, m[2])
			}
		}
	}
	if strings.Contains(line, "printf") {
		for _, f := range printfTokens(line) {
			add(f.Kind, f.Value, f.offset)
		}
	}
	if strings.Contains(line, "skopeo") {
		for _, m := range skopeoCreds.FindAllStringSubmatchIndex(line, -1) {
			pair := unquote(line[m[2]:m[3]])
			if _, pass, ok := strings.Cut(pair, ":"); ok && literalValue(pass) {
				add(loginKind, pass, m[2])
			}
		}
	}
	if strings.Contains(line, "curl") {
		for _, m := range curlUser.FindAllStringSubmatchIndex(line, -1) {
			pair := unquote(line[m[2]:m[3]])
			if _, pass, ok := strings.Cut(pair, ":"); ok && literalValue(pass) {
				add("password in curl's --user", pass, m[2])
			}
		}
	}
	if strings.Contains(line, "=") {
		for _, m := range assignment.FindAllStringSubmatchIndex(line, -1) {
			name, v := line[m[2]:m[3]], unquote(line[m[4]:m[5]])
			if assigned(name, v) {
				add("credential assigned to "+name, v, m[4])
			}
		}
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].offset < out[b].offset })
	return out
}

// colour matches a terminal colour code, as the escape character or as
// written for echo -e and printf: \e[32m, \E[32m, \033[1;31m, echo -e's
// \0033[1m, \x1b[0m.
var colour = regexp.MustCompile(`(?:\x1b|\\[eE]|\\0{0,2}33|\\x1[bB]|\\u001[bB])\[[0-9;]*[A-Za-z]`)

// maskColours replaces the colour codes of a line with spaces of the same
// length, so that a value printed right after one is a word of its own
// and keeps its offset.
func maskColours(line string) string {
	if !strings.Contains(line, "[") || !strings.ContainsAny(line, "\x1b\\") {
		return line
	}
	return colour.ReplaceAllStringFunc(line, func(m string) string { return strings.Repeat(" ", len(m)) })
}

// joinLines returns lines[*i] joined with the lines that a trailing
// backslash continues it on, each backslash and line break replaced by a
// space, and the offset where each joined line starts. It leaves *i at
// the last line it joined.
func joinLines(lines []string, i *int) (string, []int) {
	line := lines[*i]
	starts := []int{0}
	for *i+1 < len(lines) {
		body, ok := strings.CutSuffix(strings.TrimSuffix(line, "\r"), "\\")
		if !ok {
			break
		}
		*i++
		line = body + " "
		starts = append(starts, len(line))
		line += lines[*i]
	}
	return line, starts
}

// SecretAttrs returns the attributes of the Secret node of a credential
// written into a CI file: its provider, the name the file gives it, its
// repository, and the salted fingerprint of value when env has a
// fingerprinter. The value itself is not kept.
func SecretAttrs(env *ingest.Env, provider, name, repo, value string) map[string]string {
	a := map[string]string{
		graph.AttrProvider:     provider,
		"type":                 "inline-value",
		graph.AttrName:         name,
		graph.AttrRepository:   repo,
		graph.AttrLongLived:    "true",
		graph.AttrStoredInline: "true",
	}
	if env != nil && env.Fingerprint != nil {
		a[graph.AttrFingerprint] = env.Fingerprint(value)
	}
	return a
}

// RegistryToken reports whether a kind of finding (Finding.Kind) is a
// token that the ecosystem's registries take: npm tokens, and GitHub and
// GitLab tokens for the npm registries of GitHub Packages and GitLab; PyPI
// tokens and upload passwords for PyPI; crates.io tokens for Cargo and
// RubyGems API keys for gem.
func RegistryToken(eco, kind string) bool {
	switch eco {
	case "npm":
		switch kind {
		case "npm token", "npm registry token", "GitHub token", "GitLab token":
			return true
		}
	case "pypi":
		return kind == "PyPI token" || kind == uploadKind
	case "cargo":
		return kind == "crates.io token"
	case "gem":
		return kind == "RubyGems API key"
	}
	return false
}

// Key names the i-th finding of a script written at a line of its file,
// for the id of its node: "run@12", then "run@12/2" and so on. A name by
// position keeps the value out of the id.
func Key(prefix string, line, i int) string {
	k := prefix + "@" + strconv.Itoa(line)
	if i > 0 {
		k += "/" + strconv.Itoa(i+1)
	}
	return k
}

// bounded reports whether line[lo:hi] is a whole word: no letter, digit
// or underscore touches it on either side.
func bounded(line string, lo, hi int) bool {
	word := func(c byte) bool {
		return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
	}
	return (lo == 0 || !word(line[lo-1])) && (hi == len(line) || !word(line[hi]))
}

func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '"' || s[0] == '\'') && s[len(s)-1] == s[0] {
		return s[1 : len(s)-1]
	}
	return s
}

// literalValue reports whether a setting's value is a credential written
// into the script rather than a reference to one or a placeholder.
func literalValue(v string) bool {
	if len(v) < minSetting || strings.ContainsAny(v, "$<>{}%*`") {
		return false
	}
	// YOUR_TOKEN_HERE, cut-off examples ("abc...") and values of one or
	// two letters or digits (xxxxxxxx, 00000000-0000-0000) are
	// placeholders.
	if strings.Trim(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZ_-") == "" || strings.Contains(v, "...") {
		return false
	}
	// yq reads a variable with env(NAME) and strenv(NAME).
	if strings.HasPrefix(v, "env(") || strings.HasPrefix(v, "strenv(") {
		return false
	}
	return distinctAlnum(v) > 2 && !placeholder(v)
}

// placeholder reports whether a value with no digit reads as a
// placeholder: in square brackets or parentheses, as GitLab prints masked
// variables in job logs ([MASKED]), starting with "your" (your-password),
// or a word that examples use, such as changeme. A value with a digit is
// read as written.
func placeholder(v string) bool {
	if strings.ContainsAny(v, "0123456789") {
		return false
	}
	if first, last := v[0], v[len(v)-1]; first == '[' && last == ']' || first == '(' && last == ')' {
		return true
	}
	word := strings.NewReplacer("-", "", "_", "").Replace(strings.ToLower(v))
	if strings.HasPrefix(word, "your") {
		return true
	}
	switch word {
	case "changeme", "changeit", "password", "placeholder", "redacted":
		return true
	}
	return false
}

// distinctAlnum returns how many different ASCII letters and digits s
// has.
func distinctAlnum(s string) int {
	var seen [128]bool
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 128 && !seen[c] && (c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			seen[c] = true
			n++
		}
	}
	return n
}
