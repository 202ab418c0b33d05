package actions

import (
	"cmp"
	"regexp"
	"slices"
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest/internal/registry"
)

// npmrcSecret is a secret that reaches npm through an .npmrc auth
// setting, and the registry that the setting scopes it to.
type npmrcSecret struct {
	name  string
	scope registry.TokenScope
	// home is set for a setting written to the home folder's .npmrc,
	// which npm stops reading once actions/setup-node has moved the user
	// configuration (job.homeNPMRCHidden).
	home bool
	// yarnrc is set for Yarn's npmAuthToken, which only Yarn 2 and later
	// read. unsure is set for an .npmrc setting that a Yarn 2 release
	// reads only if .yarnrc.yml, which is not read, names it.
	yarnrc, unsure bool
}

// readBy keeps the settings that a release reads: for yarn npm publish
// (berry) every one, those of .npmrc as unsure, and for the other tools
// those of .npmrc.
func readBy(npmrc []npmrcSecret, berry bool) []npmrcSecret {
	var out []npmrcSecret
	for _, s := range npmrc {
		reads, unsure := registry.Release{Berry: berry}.ReadsSetting(s.yarnrc)
		if !reads {
			continue
		}
		s.unsure = s.unsure || unsure
		out = append(out, s)
	}
	return out
}

// npmrcLogin is a secret of an .npmrc auth setting, the registry it logs
// in on, and whether the release publishes there with it.
type npmrcLogin struct {
	name, host string
	publishes  bool
	unsure     bool // as in npmrcSecret
}

// npmrcLogins returns where each secret of npmrc logs in for a release
// to target, on host: on the registry its key names, or on def, the
// job's default registry ("" when set at run time), for a key with none.
// The release publishes with the secrets whose scope reaches target.
func npmrcLogins(npmrc []npmrcSecret, target registry.NPMTarget, host, def string) []npmrcLogin {
	var out []npmrcLogin
	for _, s := range npmrc {
		if s.scope.Reaches(target) {
			// A token of a key that names a registry logs in there, also
			// when the release's registry is set at run time.
			login := host
			if h, ok := s.scope.LoginHost(host); ok {
				login = h
			}
			out = append(out, npmrcLogin{name: s.name, host: login, publishes: true, unsure: s.unsure})
			continue
		}
		if h, ok := s.scope.LoginHost(def); ok {
			out = append(out, npmrcLogin{name: s.name, host: h})
		}
	}
	slices.SortFunc(out, func(a, b npmrcLogin) int {
		return cmp.Or(strings.Compare(a.name, b.name), strings.Compare(a.host, b.host), compareBool(a.publishes, b.publishes))
	})
	return slices.Compact(out)
}

// npmrcSecrets returns the secrets that a line which writes an npm token
// reads, each with the scope of the auth setting its reference is written
// to (registry.NPMTokenScope). A reference is an expression or a shell
// variable, which may hold a secret through env. A reference goes to the
// home folder's .npmrc or to .yarnrc.yml when its own command writes there.
func npmrcSecrets(line string, env map[string]string) []npmrcSecret {
	var out []npmrcSecret
	for _, m := range secretReference.FindAllStringIndex(line, -1) {
		ref := line[m[0]:m[1]]
		scope := registry.NPMTokenScope(line, ref)
		home := registry.WritesHomeNPMRCAt(line, m[0])
		yarnrc := registry.WritesYarnrcTokenAt(line, m[0])
		for _, name := range secretNames(ref, env) {
			out = append(out, npmrcSecret{name: name, scope: scope, home: home, yarnrc: yarnrc})
		}
	}
	return out
}

// homeNPMRCHidden reports whether npm, run with the variables of env,
// skips the home folder's .npmrc. actions/setup-node with a registry-url
// exports NPM_CONFIG_USERCONFIG, naming the .npmrc it writes in
// RUNNER_TEMP, to the later steps of the job (its src/authutil.ts). A
// step that sets the variable itself may name any file, so its releases
// keep the home folder's settings.
func (j *job) homeNPMRCHidden(env map[string]string) bool {
	if len(j.nodeAuthKeys) == 0 {
		return false
	}
	for k := range env {
		if strings.EqualFold(k, "NPM_CONFIG_USERCONFIG") {
			return false
		}
	}
	return true
}

// secretReference matches an expression or a shell variable reference.
var secretReference = regexp.MustCompile(`\$\{\{.*?\}\}|\$\{?[A-Za-z_][A-Za-z0-9_]*\}?`)

// setupNodeScope returns the scope of the .npmrc line
// //HOST/PATH/:_authToken=${NODE_AUTH_TOKEN} that actions/setup-node
// writes for a registry-url: the URL without its scheme, with a trailing
// slash (setup-node's src/authutil.ts). A URL set at run time, or one
// without a scheme, gives an Unknown scope.
func setupNodeScope(url string) registry.TokenScope {
	url = strings.TrimSpace(url)
	_, rest, ok := strings.Cut(url, "://")
	if !ok || computed(url) || rest == "" {
		return registry.TokenScope{Unknown: true}
	}
	if !strings.HasSuffix(rest, "/") {
		rest += "/"
	}
	return registry.TokenScope{Key: "//" + rest}
}

// npmrcSecretLogin writes the account on a registry that a secret of an
// .npmrc auth setting for that registry logs in as, and returns its id.
// npm sends the secret only to that registry, so it is a token of an
// account there whatever the job publishes.
func (w *workflow) npmrcSecretLogin(line int, host, name string) string {
	account := w.registryAccount(line, host, name)
	w.b.node(account, graph.NodeIdentity, "", line, attrs{"ecosystem": "npm"})
	return account
}

// compareBool orders false before true.
func compareBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}
