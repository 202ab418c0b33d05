package registry

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
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
	m, ok := ParseManifest(manifest)
	if !ok {
		return "", false
	}
	if m.ScopeRegistry != "" {
		return m.ScopeRegistry, true
	}
	return m.Registry, false
}

// Manifest is the part of a package.json that decides where npm
// publishes the package.
type Manifest struct {
	// Name is the package's name, "" when it has none.
	Name string
	// Registry is publishConfig's registry, and ScopeRegistry its
	// @SCOPE:registry for the scope of Name. Each is "" when absent.
	Registry, ScopeRegistry string
}

// ParseManifest reads a package.json. ok is false when it is not valid
// JSON.
func ParseManifest(data []byte) (m Manifest, ok bool) {
	var pkg struct {
		Name          string                     `json:"name"`
		PublishConfig map[string]json.RawMessage `json:"publishConfig"`
	}
	if json.Unmarshal(data, &pkg) != nil {
		return Manifest{}, false
	}
	text := func(raw json.RawMessage) string {
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return ""
		}
		return strings.TrimSpace(s)
	}
	m.Name = strings.TrimSpace(pkg.Name)
	m.Registry = text(pkg.PublishConfig["registry"])
	if scope := m.Scope(); scope != "" {
		m.ScopeRegistry = text(pkg.PublishConfig[scope+":registry"])
	}
	return m, true
}

// Scope returns the scope of the package's name, as @acme, or "" for a
// name without one.
func (m Manifest) Scope() string {
	if scope, _, ok := strings.Cut(m.Name, "/"); ok && strings.HasPrefix(scope, "@") {
		return scope
	}
	return ""
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

// MaxManifestSize bounds the bytes of a file that ReadTopFile reads.
const MaxManifestSize = 1 << 20

// ReadTopFile returns the content of the file name at the top of a
// repository on disk. The top is path, a CI configuration file as the
// input names it, less rel, that file's path inside the repository. It
// fails as ReadInside does, and when the top is unknown.
func ReadTopFile(path, rel, name string) ([]byte, error) {
	full := filepath.ToSlash(path)
	if rel == "" || !strings.HasSuffix(full, "/"+rel) {
		return nil, errors.New("repository root is unknown")
	}
	root := filepath.FromSlash(strings.TrimSuffix(full, "/"+rel))
	return ReadInside(root, name, MaxManifestSize)
}

// ReadInside returns the content of the file at rel below root. It fails
// when the file resolves outside root, is not a regular file, or is larger
// than limit bytes.
func ReadInside(root, rel string, limit int) ([]byte, error) {
	rootReal, err := filepath.EvalSymlinks(root)
	if err != nil {
		return nil, err
	}
	real, err := filepath.EvalSymlinks(filepath.Join(root, rel))
	if err != nil {
		return nil, err
	}
	if inside, err := filepath.Rel(rootReal, real); err != nil || inside == ".." || strings.HasPrefix(inside, ".."+string(filepath.Separator)) {
		return nil, errors.New("path leaves the repository")
	}
	// Opening a named pipe or a device would block until a writer
	// appears, so only a regular file is read.
	info, err := os.Stat(real)
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, errors.New("not a regular file")
	}
	fh, err := os.Open(real)
	if err != nil {
		return nil, err
	}
	defer fh.Close()

	data, err := io.ReadAll(io.LimitReader(fh, int64(limit)+1))
	if err != nil {
		return nil, err
	}
	if len(data) > limit {
		return nil, fmt.Errorf("larger than %d bytes", limit)
	}
	return data, nil
}
