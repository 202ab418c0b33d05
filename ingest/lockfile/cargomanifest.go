package lockfile

import (
	"context"
	"regexp"
	"slices"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
)

// CargoManifest reads the Cargo.toml at the top of a repository for the
// name of the crate that cargo publish from there uploads. Its
// dependencies are not read: Cargo.lock gives them.
type CargoManifest struct{}

// NewCargoManifest returns the Cargo.toml parser.
func NewCargoManifest() *CargoManifest { return &CargoManifest{} }

// Format implements ingest.Parser.
func (*CargoManifest) Format() string { return "cargo-manifest" }

// Detect implements ingest.Parser. It claims only the Cargo.toml at the
// top of a repository.
func (*CargoManifest) Detect(f *ingest.File) bool { return atRepoTop(f, "Cargo.toml") }

// cratesIOName matches the names crates.io accepts for a new crate:
// ASCII letters, digits, - and _, starting with a letter, at most 64
// characters.
var cratesIOName = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_-]{0,63}$`)

// Parse implements ingest.Parser. The name is [package].name. A workspace
// root without [package] publishes no crate of its own, and
// package.publish = false, or a list of registries without crates-io,
// keeps cargo publish from uploading to crates.io.
func (*CargoManifest) Parse(ctx context.Context, f *ingest.File, env *ingest.Env, res *ingest.Result) error {
	data, err := readAll(f)
	if err != nil {
		return err
	}
	doc, err := unmarshalTOML(f, data)
	if err != nil {
		return err
	}
	attrs := map[string]string{}
	pkg, _ := doc["package"].(map[string]any)
	publish := pkg["publish"]
	if inherited, _ := publish.(map[string]any); inherited["workspace"] == true {
		// publish.workspace = true takes [workspace.package] publish.
		ws, _ := doc["workspace"].(map[string]any)
		wsPkg, _ := ws["package"].(map[string]any)
		publish = wsPkg["publish"]
	}
	if pkg != nil && cratesIOAllowed(publish) {
		if raw, ok := pkg["name"]; ok {
			pos := ingest.Position{File: f.Path, Line: tomlKeyLine(data, []string{"package", "name"})}
			switch name, ok := raw.(string); {
			case !ok:
				res.Warnf(pos, "[package] name is not a string; no crate is recorded for the repository")
			case !cratesIOName.MatchString(name):
				res.Warnf(pos, "[package] name %s is not a name crates.io accepts (ASCII letters, digits, '-' and '_', starting with a letter, at most 64 characters); no crate is recorded for the repository",
					quoteName(name))
			default:
				attrs[graph.AttrCargoProject] = name
			}
		}
	}
	addProjectRepo(f, res, attrs)
	return nil
}

// cratesIOAllowed reports whether a package's publish value lets cargo
// publish upload it to crates.io: no value, true, or a list of registry
// names with crates-io.
func cratesIOAllowed(publish any) bool {
	switch v := publish.(type) {
	case bool:
		return v
	case []any:
		return slices.Contains(v, any("crates-io"))
	}
	return true
}
