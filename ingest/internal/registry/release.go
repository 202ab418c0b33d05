package registry

import (
	"net/url"
	"path"
	"slices"
	"strings"
)

// Package registries that releases go to unless a command names another.
const (
	NPMRegistry  = "registry.npmjs.org"
	PyPIRegistry = "pypi.org"
)

// Release is one package release a script makes to a package registry.
type Release struct {
	// Eco is "npm" or "pypi".
	Eco string
	// Host is the registry from the command's options, "" when they name
	// none (the job's default registry, or the ecosystem's).
	Host string
	// Vars are the variables the command line reads.
	Vars []string
	// Top is set when no cd before the release, in the same script, left
	// the folder the script starts in.
	Top bool
	// Maybe is set when the tool releases only when its configuration
	// enables it (semantic-release publishes to npm through a plugin).
	Maybe bool
	// Line is the script's line, from 1.
	Line int
}

// ScanReleases returns the package releases of a script, in order, and
// the variables its lines that write an npm token to .npmrc read.
func ScanReleases(script string) (releases []Release, tokenVars []string) {
	top := true
	lines := strings.Split(script, "\n")
	for i := 0; i < len(lines); i++ {
		start, ln := i, lines[i]
		for strings.HasSuffix(ln, "\\") && i+1 < len(lines) {
			i++
			ln = strings.TrimSuffix(ln, "\\") + " " + lines[i]
		}
		if strings.HasPrefix(strings.TrimSpace(ln), "#") {
			continue
		}
		if strings.Contains(ln, "_authToken") {
			tokenVars = append(tokenVars, refs(ln)...)
		}
		for _, cmd := range splitCommands(ln) {
			words := command(fields(cmd))
			if len(words) == 0 {
				continue
			}
			if words[0] == "cd" || words[0] == "pushd" {
				top = top && len(words) > 1 && AtTop(words[1])
				continue
			}
			eco, maybe := ReleaseTool(words)
			if eco == "" || slices.Contains(words, "--dry-run") {
				continue
			}
			releases = append(releases, Release{Eco: eco, Host: ReleaseHost(eco, words), Vars: refs(ln),
				Top: top, Maybe: maybe, Line: start + 1})
		}
	}
	return releases, tokenVars
}

// AtTop reports whether a working directory is the top of the workspace.
func AtTop(wd string) bool {
	wd = strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(wd), "./"), "/")
	switch wd {
	case "", ".", "${{ github.workspace }}", "$GITHUB_WORKSPACE", "$CI_PROJECT_DIR", "${CI_PROJECT_DIR}":
		return true
	}
	return false
}

// ReleaseTool returns the ecosystem a command's words release to, "" for
// a command that releases nothing, and whether the release depends on the
// tool's configuration.
func ReleaseTool(words []string) (eco string, maybe bool) {
	if len(words) == 0 {
		return "", false
	}
	switch words[0] {
	case "npx", "bunx":
		words = withoutFlags(words[1:])
	case "python", "python3":
		if len(words) > 2 && words[1] == "-m" {
			words = words[2:]
		}
	}
	if len(words) == 0 {
		return "", false
	}
	tool := path.Base(words[0])
	args := withoutFlags(words[1:])
	sub := ""
	if len(args) > 0 {
		sub = args[0]
	}
	switch tool {
	case "npm", "lerna", "changeset":
		if sub == "publish" {
			return "npm", false
		}
	case "pnpm":
		// pnpm takes options with values before the command
		// (pnpm --filter app publish).
		if slices.Contains(args, "publish") {
			return "npm", false
		}
	case "yarn":
		if sub == "publish" || (sub == "npm" && len(args) > 1 && args[1] == "publish") {
			return "npm", false
		}
	case "semantic-release":
		return "npm", true
	case "twine":
		if sub == "upload" {
			return "pypi", false
		}
	case "uv", "poetry", "flit", "hatch", "pdm":
		if sub == "publish" {
			return "pypi", false
		}
	}
	return "", false
}

// AuthEnv reports whether a variable of this name carries a registry
// token to the release tools of an ecosystem: the names that
// actions/setup-node, semantic-release, twine, uv, Poetry, Flit, Hatch
// and PDM read, and names that mention the registry.
func AuthEnv(eco, name string) bool {
	up := strings.ToUpper(name)
	switch eco {
	case "npm":
		return up == "NODE_AUTH_TOKEN" || strings.Contains(up, "NPM")
	case "pypi":
		switch up {
		case "TWINE_PASSWORD", "UV_PUBLISH_TOKEN", "UV_PUBLISH_PASSWORD", "FLIT_PASSWORD", "HATCH_INDEX_AUTH", "PDM_PUBLISH_PASSWORD":
			return true
		}
		return strings.HasPrefix(up, "POETRY_PYPI_TOKEN_") || strings.Contains(up, "PYPI")
	}
	return false
}

// ReleaseHost returns the registry a release command's options name, or
// "" when they name none.
func ReleaseHost(eco string, words []string) string {
	if eco == "npm" {
		return URLHost(flagValue(words, "--registry"))
	}
	if repo := flagValue(words, "--repository", "-r"); repo == "testpypi" {
		return "test.pypi.org"
	}
	if raw := flagValue(words, "--repository-url", "--publish-url", "--index-url"); raw != "" {
		return PyPIHost(raw)
	}
	return ""
}

// PyPIHost returns the registry of a PyPI upload URL: pypi.org for its
// upload endpoint and for no URL, else the URL's host.
func PyPIHost(raw string) string {
	h := URLHost(raw)
	if h == "" || h == "upload.pypi.org" {
		return PyPIRegistry
	}
	return h
}

// URLHost returns the host of a registry URL, or "" when the URL is
// empty or computed at run time.
func URLHost(raw string) string {
	raw = strings.TrimSpace(raw)
	if raw == "" || strings.Contains(raw, "$") {
		return ""
	}
	if !strings.Contains(raw, "://") {
		raw = "https://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return strings.ToLower(u.Hostname())
}

// withoutFlags drops the options at the start of words.
func withoutFlags(words []string) []string {
	for len(words) > 0 && strings.HasPrefix(words[0], "-") {
		words = words[1:]
	}
	return words
}

// flagValue returns the value of a command's option given as --name value
// or --name=value, or "".
func flagValue(words []string, names ...string) string {
	for i, w := range words {
		for _, n := range names {
			if w == n && i+1 < len(words) {
				return words[i+1]
			}
			if v, ok := strings.CutPrefix(w, n+"="); ok {
				return v
			}
		}
	}
	return ""
}

// VarRefs returns the names of the shell variables s reads ($NAME,
// ${NAME}), in order.
func VarRefs(s string) []string { return refs(s) }
