package registry

import (
	"encoding/json"
	"strings"
)

// PackageRegistry returns the registry URL that the publishConfig of a
// package.json names for publishing the package, or "" when it names
// none or the file is not valid JSON. At publish time npm copies the
// registry and @SCOPE:registry keys of publishConfig into its
// configuration, below the command's options and above .npmrc and
// npm_config_* variables. For a package named @SCOPE/NAME it picks
// @SCOPE:registry before registry. The sources are npm/cli's
// lib/commands/publish.js, @npmcli/config's flatten and
// npm-registry-fetch's pickRegistry (npm 10). scoped is set when the URL
// comes from @SCOPE:registry, which a --registry option does not
// override.
// NOTE: a @SCOPE:registry that .npmrc or the environment sets also comes
// before publishConfig's registry, and neither is read here.
func PackageRegistry(manifest []byte) (url string, scoped bool) {
	var pkg struct {
		Name          string                     `json:"name"`
		PublishConfig map[string]json.RawMessage `json:"publishConfig"`
	}
	if json.Unmarshal(manifest, &pkg) != nil {
		return "", false
	}
	text := func(key string) string {
		var s string
		if json.Unmarshal(pkg.PublishConfig[key], &s) != nil {
			return ""
		}
		return strings.TrimSpace(s)
	}
	if scope, _, ok := strings.Cut(pkg.Name, "/"); ok && strings.HasPrefix(scope, "@") {
		if u := text(scope + ":registry"); u != "" {
			return u, true
		}
	}
	return text("registry"), false
}

// WithPackageRegistry returns npm release r sent to the registry that
// the publishConfig of its package.json names (PackageRegistry), unless
// the command's --registry option overrides it. Other releases are
// returned unchanged.
func WithPackageRegistry(r Release, url string, scoped bool) Release {
	if r.Eco != "npm" || url == "" || (r.Option != "" && !scoped) {
		return r
	}
	host := URLHost(url)
	if host == "" {
		return r
	}
	r.Host, r.HostUnknown, r.Option = host, false, url
	return r
}
