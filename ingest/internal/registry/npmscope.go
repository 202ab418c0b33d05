package registry

import (
	"net/url"
	"regexp"
	"strings"
)

// TokenScope is the registry that an .npmrc auth setting (_authToken,
// _auth or _password) scopes its value to. npm sends the value only to
// registries under that scope (npm's npmrc documentation, "Auth related
// configuration").
type TokenScope struct {
	// Key is the URI fragment that the setting's key starts with, without
	// its colon, as //registry.npmjs.org/ or //npm.example.com/team/, or
	// "" for a key with none, which only the default registry takes.
	Key string
	// Unknown is set when the key is computed at run time, or the command
	// does not show which setting it writes the value to.
	Unknown bool
}

// Compare orders scopes by key, then known before unknown, so that lists
// of tokens and their scopes sort the same in every reader.
func (s TokenScope) Compare(o TokenScope) int {
	if c := strings.Compare(s.Key, o.Key); c != 0 {
		return c
	}
	switch {
	case s.Unknown == o.Unknown:
		return 0
	case s.Unknown:
		return 1
	}
	return -1
}

// LoginHost returns the host of the registry that npm sends a value of
// scope s to, whatever registry a release names. That is the host of the
// key's registry, or def, the host of the job's default registry, for a
// key with no registry. ok is false when the key is computed at run time,
// or when it names no registry and def is "".
func (s TokenScope) LoginHost(def string) (host string, ok bool) {
	switch {
	case s.Unknown:
		return "", false
	case s.Key == "":
		return def, def != ""
	}
	host = URLHost("https:" + s.Key)
	return host, host != ""
}

// npmAuthKey matches an .npmrc auth key and what separates it from its
// value, at the end of the text before the value: the fragment, if any,
// is group 1, as in //host/:_authToken= or npm config set
// '//host/:_authToken' .
var npmAuthKey = regexp.MustCompile(`(?:^|[\s"'=])([^\s"'=]*:)?_(?:authToken|auth|password)["']?(?:\s*=\s*|\s+)["']?$`)

// printfAuthKey matches an .npmrc auth key right before a conversion of a
// printf format, as in '//host/:_authToken=%s\n'.
var printfAuthKey = regexp.MustCompile(`(?:^|[\s"'=])([^\s"'=]*:)?_(?:authToken|auth|password)\s*=\s*\\?["']?%`)

// NPMTokenScope returns the scope of a value that a command writes to an
// npm auth setting: from the key right before the value, as in
// //host/:_authToken=VALUE or npm config set //host/:_authToken VALUE, or
// from the key in the format of a printf command that prints the value.
func NPMTokenScope(cmd, value string) TokenScope {
	at := strings.Index(cmd, value)
	if at < 0 {
		return TokenScope{Unknown: true}
	}
	return npmTokenScopeAt(cmd, at)
}

// npmTokenScopeAt returns the scope of a value that starts at byte at of
// cmd, as NPMTokenScope does.
func npmTokenScopeAt(cmd string, at int) TokenScope {
	m := npmAuthKey.FindStringSubmatch(cmd[:at])
	if m == nil && strings.Contains(cmd[:at], "printf") {
		m = printfAuthKey.FindStringSubmatch(cmd[:at])
	}
	if m == nil {
		return TokenScope{Unknown: true}
	}
	key := strings.TrimSuffix(m[1], ":")
	if strings.ContainsAny(key, "$%{}`") {
		return TokenScope{Unknown: true}
	}
	return TokenScope{Key: key}
}

// TokenVar is a shell variable that a command reads while it writes an
// npm token into configuration (WritesNPMToken), and the registry that
// the auth setting it is written to scopes its value to.
type TokenVar struct {
	Name  string
	Scope TokenScope
	// Yarnrc is set for Yarn's npmAuthToken, which only Yarn 2 and later
	// read, from .yarnrc.yml, and unset for an .npmrc setting.
	Yarnrc bool
	// Line is the script's line that writes the setting, from 1, when
	// ScanReleases found it.
	Line int
}

// NPMTokenVars returns the variables that a command or line which writes
// an npm token reads, in order, each with the scope of the setting right
// before it (NPMTokenScope). npm expands ${NAME} in .npmrc from the
// environment (npm's npmrc documentation, "Files"), so a reference that
// the line writes into the file has the same scope. A variable read
// elsewhere, as HOST in //${HOST}/:_authToken, has an Unknown scope.
// Yarnrc is set for a reference in a command that writes Yarn's
// npmAuthToken (WritesYarnrcTokenAt).
func NPMTokenVars(cmd string) []TokenVar {
	var out []TokenVar
	for _, m := range varRef.FindAllStringSubmatchIndex(cmd, -1) {
		out = append(out, TokenVar{Name: cmd[m[2]:m[3]], Scope: npmTokenScopeAt(cmd, m[0]), Yarnrc: WritesYarnrcTokenAt(cmd, m[0])})
	}
	return out
}

// WrittenBefore returns the settings of vars that a release on line of a
// script sends: vars[:earlier] come from the scripts before it, the rest
// from the release's own script, of which those up to its line count.
func WrittenBefore(vars []TokenVar, earlier, line int) []TokenVar {
	out := vars[:earlier:earlier]
	for _, tv := range vars[earlier:] {
		if tv.Line <= line {
			out = append(out, tv)
		}
	}
	return out
}

// NPMTarget is the registry that an npm release sends its package to.
type NPMTarget struct {
	// URL is the registry's URL, or its host alone when its path is not
	// known.
	URL string
	// Default is set when the registry is the job's default one: the one
	// the job's configuration names, or registry.npmjs.org.
	Default bool
	// Unknown is set when the registry is chosen at run time.
	Unknown bool
}

// Reaches reports whether npm sends a value of scope s to the registry of
// target t. A scoped value goes to a registry on the scope's host (with
// its port) whose path starts with the scope's path, as npm-registry-fetch
// matches keys by walking up the registry's path. A value with no scope
// goes to the default registry only.
// NOTE: npm 8 and earlier take the registry that --registry names as the
// default for a value with no scope. npm 9 and later reject such a value
// (ERR_INVALID_AUTH).
func (s TokenScope) Reaches(t NPMTarget) bool {
	if s.Unknown || t.Unknown {
		return true
	}
	if s.Key == "" {
		return t.Default
	}
	scope, err := url.Parse("https:" + s.Key)
	if err != nil {
		return true
	}
	raw := t.URL
	pathKnown := strings.Contains(raw, "://")
	if !pathKnown {
		raw = "https://" + raw
	}
	reg, err := url.Parse(raw)
	if err != nil {
		return true
	}
	if !strings.EqualFold(hostWithPort(scope), hostWithPort(reg)) {
		return false
	}
	if !pathKnown {
		return true
	}
	return strings.HasPrefix(strings.TrimSuffix(reg.Path, "/")+"/", strings.TrimSuffix(scope.Path, "/")+"/")
}

// hostWithPort returns a URL's host and its port, without the port that
// its scheme implies, as a WHATWG URL's host is.
func hostWithPort(u *url.URL) string {
	port := u.Port()
	if port == "" || u.Scheme == "https" && port == "443" || u.Scheme == "http" && port == "80" {
		return u.Hostname()
	}
	return u.Host
}
