package lockfile

import (
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/blastradius-dev/blastradius/ingest"
	"github.com/blastradius-dev/blastradius/ingest/internal/yamlfile"
)

// readBerry reads the YAML format of Yarn 2 and later. Each entry's
// resolution names the real package and its protocol (npm:, workspace:,
// patch:, Git and URL sources). The descriptors of the entry's key name
// the package as its dependents require it, so an alias ("x@npm:real@^1")
// is recorded under the real package with the alias kept.
func (y *yarnLock) readBerry(data []byte) error {
	root, err := yamlfile.Decode(y.file.Path, data)
	if err != nil {
		return err
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if k.Value == "__metadata" {
			continue
		}
		if v.Kind != yaml.MappingNode {
			y.res.Warnf(y.at(k), "package entry is not a mapping; skipped")
			continue
		}
		var specs []string
		for _, s := range strings.Split(k.Value, ",") {
			if s = strings.TrimSpace(s); s != "" {
				specs = append(specs, s)
			}
		}
		for _, s := range specs {
			_, rng := splitDescriptor(s)
			y.c.checkURL(rng, k.Line, y.res)
		}
		resolution := yamlStr(v, "resolution")
		if len(specs) == 0 || resolution == "" {
			y.res.Warnf(y.at(k), "package entry has no resolution; skipped")
			continue
		}
		e := &yarnEntry{line: k.Line, specs: specs, version: yamlStr(v, "version")}
		name, rng := splitDescriptor(resolution)
		y.c.checkURL(rng, k.Line, y.res)
		e.name = name
		proto, rest, _ := strings.Cut(rng, ":")
		switch {
		case proto == "workspace":
			e.workspace, e.wsPath = true, rest
		case proto == "npm":
			if e.version == "" {
				e.version = rest
			}
		case proto == "patch":
			// A patched registry package: name and version are the
			// original's.
		default:
			switch o := yarnOrigin(rng); o {
			case "local":
				e.local = true
			default:
				e.origin = o
			}
		}
		e.possible = yamlStr(v, "conditions") != ""
		for _, s := range specs {
			if n, _ := splitDescriptor(s); n != e.name {
				e.aliases = append(e.aliases, n)
			}
		}
		e.deps = y.berryDeps(yamlGet(v, "dependencies"), false)
		e.deps = append(e.deps, y.berryDeps(yamlGet(v, "optionalDependencies"), true)...)
		e.meta = y.berryMeta(yamlGet(v, "dependenciesMeta"))
		y.entries = append(y.entries, e)
	}
	return nil
}

func (y *yarnLock) berryDeps(n *yaml.Node, optional bool) []yarnDep {
	if n == nil {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		y.res.Warnf(y.at(n), "dependencies is not a mapping; skipped")
		return nil
	}
	var out []yarnDep
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if v.Kind != yaml.ScalarNode || k.Value == "" || v.Value == "" {
			y.res.Warnf(y.at(k), "dependency entry is malformed; skipped")
			continue
		}
		out = append(out, yarnDep{name: k.Value, rng: v.Value, line: k.Line, optional: optional})
	}
	return out
}

// berryMeta reads dependenciesMeta: per dependency (name or
// name@version), whether its build scripts run (built) and whether it is
// optional.
func (y *yarnLock) berryMeta(n *yaml.Node) map[string]yarnMeta {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	out := map[string]yarnMeta{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		var m yarnMeta
		switch yamlStr(v, "built") {
		case "true":
			m.built = true
		case "false":
			m.notBuilt = true
		}
		m.optional = yamlStr(v, "optional") == "true"
		out[k.Value] = m
	}
	return out
}

// at is the position of node n.
func (y *yarnLock) at(n *yaml.Node) ingest.Position {
	return ingest.Position{File: y.file.Path, Line: n.Line, Col: n.Column}
}

// yamlGet returns the value of key in mapping n, or nil.
func yamlGet(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// yamlStr returns the scalar value of key in mapping n, or "".
func yamlStr(n *yaml.Node, key string) string {
	v := yamlGet(n, key)
	if v == nil || v.Kind != yaml.ScalarNode {
		return ""
	}
	return v.Value
}

// yamlPairs calls fn for each key and value of mapping n.
func yamlPairs(n *yaml.Node, fn func(k, v *yaml.Node)) {
	if n == nil || n.Kind != yaml.MappingNode {
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		fn(n.Content[i], n.Content[i+1])
	}
}
