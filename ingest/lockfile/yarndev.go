package lockfile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/blastradius-dev/blastradius/ingest"
)

// Neither yarn.lock format marks the packages that only development
// needs, but the project's package.json files declare them. A production
// install leaves out what their devDependencies pull in and their other
// sections do not. The package.json beside the lockfile is the project's
// root. Yarn 1 finds the workspaces by the globs of the root's workspaces
// field, and Yarn 2 and later lists them in the lockfile as workspace:
// entries.

// maxYarnWorkspaces bounds the workspace manifests read for one lockfile.
const maxYarnWorkspaces = 10000

// yarnManifest is the declared dependencies of one package.json:
// those a production install gets (dependencies, optionalDependencies,
// peerDependencies) and those only development needs (devDependencies).
type yarnManifest struct {
	prod, dev           []yarnDep
	prodNames, devNames map[string]bool
	workspaces          *jsonValue
}

// errManifestShape reports a package.json whose dependency sections
// cannot be read.
type errManifestShape string

func (e errManifestShape) Error() string { return string(e) }

// readYarnManifest reads the dependency sections of the package.json at p.
// It opens p without waiting, because opening a named pipe blocks until
// a writer opens it, and rejects anything but a regular file.
func readYarnManifest(p string) (*yarnManifest, error) {
	fh, _, err := ingest.OpenRegular(p)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	data, err := io.ReadAll(io.LimitReader(fh, maxLockfileSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxLockfileSize {
		return nil, errManifestShape(fmt.Sprintf("larger than %d MiB", maxLockfileSize>>20))
	}
	root, _, err := decodeJSON(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")))
	if err != nil {
		return nil, errManifestShape("not valid JSON")
	}
	if root.Kind != jsonObject {
		return nil, errManifestShape("top-level value is not an object")
	}
	m := &yarnManifest{prodNames: map[string]bool{}, devNames: map[string]bool{}, workspaces: root.get("workspaces")}
	for _, field := range []string{"dependencies", "optionalDependencies", "peerDependencies", "devDependencies"} {
		v := root.get(field)
		if v == nil || v.Kind == jsonNull {
			continue
		}
		if v.Kind != jsonObject {
			return nil, errManifestShape(field + " is not an object")
		}
		for _, mem := range v.Members {
			d := yarnDep{name: mem.Key}
			if mem.Value.Kind == jsonString {
				d.rng = mem.Value.Str
			}
			if field == "devDependencies" {
				m.dev = append(m.dev, d)
				m.devNames[d.name] = true
			} else {
				m.prod = append(m.prod, d)
				m.prodNames[d.name] = true
			}
		}
	}
	return m, nil
}

// settleDev marks as dev the packages that the devDependencies of the
// project's package.json files reach and their other sections do not.
// Without a package.json beside the lockfile no package is dev. When the
// root or a workspace manifest cannot be read, no package is dev either,
// with one warning, because a production root of that manifest could
// reach any package.
func (y *yarnLock) settleDev() {
	if y.c.tooMany != "" {
		return
	}
	dir := filepath.Dir(y.file.Path)
	rootPath := filepath.Join(dir, "package.json")
	root, err := readYarnManifest(rootPath)
	if errors.Is(err, fs.ErrNotExist) {
		return
	}
	if err != nil {
		y.devUnknown(rootPath, err)
		return
	}

	var workspaces []*yarnEntry
	for _, e := range y.entries {
		if e.workspace {
			workspaces = append(workspaces, e)
		}
	}
	var r yarnRoots
	switch {
	case len(workspaces) > 0:
		err = y.workspaceRoots(&r, dir, root, workspaces)
	case y.berry:
		r.addManifest(y, root)
	default:
		err = y.classicRoots(&r, dir, root)
	}
	if err != nil {
		return
	}
	y.c.settleDev(r.prod, r.dev)
	if y.berry {
		// Yarn 2 and later leave the dev packages out only in yarn
		// workspaces focus --production, not under NODE_ENV=production.
		for _, p := range y.c.pkgs {
			if p.dev {
				if p.attrs == nil {
					p.attrs = map[string]string{}
				}
				p.attrs[attrYarnBerry] = "true"
			}
		}
	}
}

// yarnRoots is the ids of the packages that the project's manifests
// declare, split into those a production install gets and the others.
type yarnRoots struct {
	prod, dev []string
}

// add appends the ids of the entries that d may resolve to.
func (r *yarnRoots) add(y *yarnLock, d yarnDep, dev bool) {
	for _, e := range y.targets(d) {
		switch {
		case e.id == "":
		case dev:
			r.dev = append(r.dev, e.id)
		default:
			r.prod = append(r.prod, e.id)
		}
	}
}

// addManifest adds the declared dependencies of m.
func (r *yarnRoots) addManifest(y *yarnLock, m *yarnManifest) {
	for _, d := range m.prod {
		r.add(y, d, false)
	}
	for _, d := range m.dev {
		r.add(y, d, true)
	}
}

// workspaceRoots adds the dependencies of Yarn 2's workspace entries. Each
// entry lists every dependency of its package.json by the descriptor
// that resolves it, devDependencies included, so the manifest gives only
// the section. A dependency the manifest does not declare counts as a
// production one. So does every production dependency the manifest
// declares, even one a stale entry leaves out. On error it has warned.
func (y *yarnLock) workspaceRoots(r *yarnRoots, dir string, root *yarnManifest, workspaces []*yarnEntry) error {
	if len(workspaces) > maxYarnWorkspaces {
		err := errManifestShape(fmt.Sprintf("more than %d workspaces", maxYarnWorkspaces))
		y.devUnknown(filepath.Join(dir, "package.json"), err)
		return err
	}
	for _, e := range workspaces {
		m := root
		if rel := path.Clean(e.wsPath); rel != "." {
			p := filepath.Join(dir, filepath.FromSlash(rel), "package.json")
			if !insideFolder(rel) {
				err := errManifestShape("workspace folder is outside the project")
				y.devUnknown(p, err)
				return err
			}
			var err error
			if m, err = readYarnManifest(p); err != nil {
				y.devUnknown(p, err)
				return err
			}
		}
		for _, d := range e.deps {
			r.add(y, d, m.devNames[d.name] && !m.prodNames[d.name])
		}
		for _, d := range m.prod {
			r.add(y, d, false)
		}
	}
	// The root's own dependencies count even when the lockfile has no
	// entry for its folder.
	for _, d := range root.prod {
		r.add(y, d, false)
	}
	return nil
}

// classicRoots adds the declared dependencies of Yarn 1's root manifest
// and of the workspaces its workspaces field names. On error it has
// warned.
func (y *yarnLock) classicRoots(r *yarnRoots, dir string, root *yarnManifest) error {
	dirs, err := yarnWorkspaceDirs(dir, root.workspaces)
	if err != nil {
		y.devUnknown(filepath.Join(dir, "package.json"), err)
		return err
	}
	r.addManifest(y, root)
	for _, rel := range dirs {
		p := filepath.Join(dir, filepath.FromSlash(rel), "package.json")
		m, err := readYarnManifest(p)
		if err != nil {
			y.devUnknown(p, err)
			return err
		}
		r.addManifest(y, m)
	}
	return nil
}

// targets returns the entries a declared dependency may resolve to: the
// one its descriptor names, else every entry of its name, so that a
// production dependency the lockfile spells differently still counts.
func (y *yarnLock) targets(d yarnDep) []*yarnEntry {
	if e := y.resolve(d, y.byName); e != nil {
		return []*yarnEntry{e}
	}
	name := d.name
	if real, ok := aliasTarget(d.rng); ok {
		name = real
	}
	return y.byName[name]
}

// devUnknown warns that the manifest at p could not be read, so that no
// package of the lockfile is marked dev.
func (y *yarnLock) devUnknown(p string, err error) {
	reason := err.Error()
	var pe *fs.PathError
	if errors.As(err, &pe) {
		reason = pe.Err.Error()
	}
	y.res.Warnf(ingest.Position{File: p},
		"cannot tell which packages of %s only development needs, so none is marked dev: %s", y.file.Path, reason)
}

// insideFolder reports whether the slash-separated relative path rel stays
// inside the folder it is relative to.
func insideFolder(rel string) bool {
	rel = path.Clean(rel)
	return rel != ".." && !strings.HasPrefix(rel, "../") && !path.IsAbs(rel) && !filepath.IsAbs(filepath.FromSlash(rel))
}

// yarnWorkspaceDirs returns the folders, relative to dir, that the
// workspaces field of Yarn 1's root package.json matches and that contain
// a package.json. The field is a list of glob patterns, or an object
// whose packages member is one. A pattern may use *, ? and [...] in each
// path segment.
//
// NOTE: other glob syntax (**, braces, negation, extended globs) and a
// pattern that leaves dir give an error, so such a project gets no dev
// marks at all.
func yarnWorkspaceDirs(dir string, ws *jsonValue) ([]string, error) {
	if ws != nil && ws.Kind == jsonObject {
		ws = ws.get("packages")
	}
	if ws == nil || ws.Kind == jsonNull {
		return nil, nil
	}
	if ws.Kind != jsonArray {
		return nil, errManifestShape("workspaces is not a list of folders")
	}
	seen := map[string]bool{".": true}
	var out []string
	for _, it := range ws.Items {
		if it.Kind != jsonString {
			return nil, errManifestShape("a workspaces pattern is not a string")
		}
		pat := path.Clean(strings.TrimPrefix(it.Str, "./"))
		if !insideFolder(pat) || strings.Contains(pat, "**") || strings.ContainsAny(pat, "{}()!+@") {
			return nil, errManifestShape(fmt.Sprintf("workspaces pattern %q is not read", it.Str))
		}
		dirs, err := globFolders(dir, pat)
		if err != nil {
			return nil, err
		}
		for _, d := range dirs {
			if seen[d] {
				continue
			}
			seen[d] = true
			if st, err := os.Stat(filepath.Join(dir, filepath.FromSlash(d), "package.json")); err != nil || st.IsDir() {
				// A folder without a package.json holds no package, so
				// it is no workspace.
				continue
			}
			out = append(out, d)
			if len(out) > maxYarnWorkspaces {
				return nil, errManifestShape(fmt.Sprintf("more than %d workspaces", maxYarnWorkspaces))
			}
		}
	}
	return out, nil
}

// globFolders returns the folders under dir, as slash-separated relative
// paths, that pattern pat matches segment by segment. Names that start
// with a dot match only a segment that does too, and node_modules never
// matches a wildcard.
func globFolders(dir, pat string) ([]string, error) {
	cur := []string{"."}
	for _, seg := range strings.Split(pat, "/") {
		if !strings.ContainsAny(seg, `*?[\`) {
			for i := range cur {
				cur[i] = path.Join(cur[i], seg)
			}
			continue
		}
		if _, err := path.Match(seg, ""); err != nil {
			return nil, errManifestShape(fmt.Sprintf("workspaces pattern %q is malformed", pat))
		}
		var next []string
		for _, c := range cur {
			folder := filepath.Join(dir, filepath.FromSlash(c))
			if st, err := os.Stat(folder); err != nil || !st.IsDir() {
				// A literal segment that names nothing, or a file.
				continue
			}
			entries, err := os.ReadDir(folder)
			if err != nil {
				return nil, err
			}
			for _, e := range entries {
				name := e.Name()
				if name == "node_modules" || strings.HasPrefix(name, ".") && !strings.HasPrefix(seg, ".") {
					continue
				}
				if ok, _ := path.Match(seg, name); !ok {
					continue
				}
				if st, err := os.Stat(filepath.Join(dir, filepath.FromSlash(c), name)); err == nil && st.IsDir() {
					next = append(next, path.Join(c, name))
				}
			}
			if len(next) > maxYarnWorkspaces {
				return nil, errManifestShape(fmt.Sprintf("more than %d workspaces", maxYarnWorkspaces))
			}
		}
		cur = next
	}
	return cur, nil
}
