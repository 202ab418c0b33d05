package lockfile

import (
	"context"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
)

// ecoNuGet is the purl type and ecosystem attribute of NuGet packages.
// Package ids keep the case the file writes them in, as SBOMs and
// release ids do, although NuGet compares ids without regard to case.
const ecoNuGet = "nuget"

// NuGetLock reads NuGet's lock file, packages.lock.json (or
// packages.PROJECT.lock.json), which restore writes beside a project
// when RestorePackagesWithLockFile is set. It lists, per target
// framework and runtime, every package restore resolves, with its type:
// Direct, Transitive, CentralTransitive (a transitive package whose
// version Directory.Packages.props pins) or Project (another project of
// the repository, which gets no node).
type NuGetLock struct{}

// NewNuGetLock returns the packages.lock.json parser.
func NewNuGetLock() *NuGetLock { return &NuGetLock{} }

// Format implements ingest.Parser.
func (*NuGetLock) Format() string { return "nuget-lockfile" }

// Detect implements ingest.Parser.
func (*NuGetLock) Detect(f *ingest.File) bool { return isNuGetLockName(baseName(f)) }

// isNuGetLockName reports whether a file name is one that NuGet writes
// its lock file under: packages.lock.json, or packages.NAME.lock.json
// for a project named NAME.
func isNuGetLockName(name string) bool {
	return strings.HasPrefix(name, "packages.") && strings.HasSuffix(name, ".lock.json") &&
		len(name) >= len("packages.lock.json")
}

// Parse implements ingest.Parser. A package listed under several target
// frameworks is one package, at the line of its first listing. Its
// dependencies name the lowest version they accept, so each is joined
// to the version the same framework resolves.
func (*NuGetLock) Parse(ctx context.Context, f *ingest.File, env *ingest.Env, res *ingest.Result) error {
	data, err := readAll(f)
	if err != nil {
		return err
	}
	root, idx, err := decodeJSON(data)
	if err != nil {
		return jsonError(f, idx, err)
	}
	at := func(v *jsonValue) ingest.Position { return ingest.Position{File: f.Path, Line: v.Line, Col: v.Col} }
	if root.Kind != jsonObject {
		return ingest.Errorf(at(root), "top-level value is not an object")
	}
	c := newCollector(f)
	frameworks := root.get("dependencies")
	if frameworks != nil && frameworks.Kind != jsonObject {
		return ingest.Errorf(at(frameworks), "dependencies is not an object")
	}
	for _, fw := range memberList(frameworks) {
		if fw.Value.Kind != jsonObject {
			res.Warnf(ingest.Position{File: f.Path, Line: fw.Line, Col: fw.Col}, "target framework entry is not an object; skipped")
			continue
		}
		readNuGetFramework(c, fw.Value, f, res)
	}
	return c.emit(res)
}

// memberList returns the members of object v, or nil.
func memberList(v *jsonValue) []jsonMember {
	if v == nil || v.Kind != jsonObject {
		return nil
	}
	return v.Members
}

// readNuGetFramework adds the packages of one target framework of a
// packages.lock.json and the dependencies between them.
func readNuGetFramework(c *collector, fw *jsonValue, f *ingest.File, res *ingest.Result) {
	pos := func(m jsonMember) ingest.Position { return ingest.Position{File: f.Path, Line: m.Line, Col: m.Col} }
	ids := map[string]string{} // lower-case package id -> node id
	type listing struct {
		id    string
		entry *jsonValue
	}
	var listed []listing
	for _, m := range fw.Members {
		e := m.Value
		if e.Kind != jsonObject {
			res.Warnf(pos(m), "package entry is not an object; skipped")
			continue
		}
		kind := e.str("type")
		if strings.EqualFold(kind, "Project") {
			continue
		}
		version := e.str("resolved")
		if version == "" {
			res.Warnf(pos(m), "package entry has no resolved version; skipped")
			continue
		}
		id := c.add(pkgRef{Eco: ecoNuGet, Name: m.Key, Version: version},
			pkgFacts{Line: m.Line, Direct: strings.EqualFold(kind, "Direct")})
		ids[strings.ToLower(m.Key)] = id
		listed = append(listed, listing{id, e})
	}
	for _, l := range listed {
		deps := l.entry.get("dependencies")
		if deps == nil {
			continue
		}
		if deps.Kind != jsonObject {
			res.Warnf(ingest.Position{File: f.Path, Line: deps.Line, Col: deps.Col}, "dependencies is not an object; skipped")
			continue
		}
		for _, d := range deps.Members {
			// A dependency that the framework does not list gives no edge.
			if to := ids[strings.ToLower(d.Key)]; to != "" {
				c.depend(l.id, to, d.Line, graph.Certain)
			}
		}
	}
}

// projectExts are the MSBuild project files whose PackageReference items
// NuGet restores.
var projectExts = []string{".csproj", ".fsproj", ".vbproj"}

// projectExt returns the extension of an MSBuild project file name, or
// "" for any other name.
func projectExt(name string) string {
	for _, ext := range projectExts {
		if strings.HasSuffix(name, ext) && len(name) > len(ext) {
			return ext
		}
	}
	return ""
}

// nugetLockBeside reports whether a NuGet lock file of the project file f
// sits in its folder: packages.lock.json, or packages.NAME.lock.json.
func nugetLockBeside(f *ingest.File) bool {
	base := baseName(f)
	name := strings.TrimSuffix(base, projectExt(base))
	dir := filepath.Dir(f.Path)
	for _, lock := range []string{"packages.lock.json", "packages." + name + ".lock.json"} {
		if st, err := os.Stat(filepath.Join(dir, lock)); err == nil && st.Mode().IsRegular() {
			return true
		}
	}
	return false
}

// packageItem is one PackageReference or PackageVersion item of an
// MSBuild file, with its metadata as attributes or child elements.
type packageItem struct {
	include, update   string
	version, override string
	line              int
	// conditional is set when the item or an element around it has a
	// Condition, so that only some builds include it.
	conditional bool
}

// msbuildItems collects the PackageReference or PackageVersion items of
// an MSBuild file, named by kind, with the lines they start on.
type msbuildItems struct {
	kind  string
	idx   lineIndex
	items []packageItem
}

// UnmarshalXML implements xml.Unmarshaler. It walks the tokens of the
// root element, so that each item keeps the offset where it starts.
func (l *msbuildItems) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	// conds records, per open element, whether it or an element around
	// it has a Condition.
	conds := []bool{xmlAttr(start, "Condition") != ""}
	var cur *packageItem
	curDepth, child, text := 0, "", ""
	for len(conds) > 0 {
		off := d.InputOffset()
		tok, err := d.Token()
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			cond := conds[len(conds)-1] || xmlAttr(t, "Condition") != "" ||
				strings.EqualFold(t.Name.Local, "When") || strings.EqualFold(t.Name.Local, "Otherwise")
			conds = append(conds, cond)
			switch {
			case cur == nil && strings.EqualFold(t.Name.Local, l.kind):
				line, _ := l.idx.position(off)
				cur = &packageItem{
					include: xmlAttr(t, "Include"), update: xmlAttr(t, "Update"),
					version: xmlAttr(t, "Version"), override: xmlAttr(t, "VersionOverride"),
					line: line, conditional: cond,
				}
				curDepth = len(conds)
			case cur != nil && len(conds) == curDepth+1:
				child, text = t.Name.Local, ""
			}
		case xml.CharData:
			if child != "" {
				text += string(t)
			}
		case xml.EndElement:
			switch {
			case cur != nil && child != "" && len(conds) == curDepth+1:
				switch {
				case strings.EqualFold(child, "Version"):
					cur.version = text
				case strings.EqualFold(child, "VersionOverride"):
					cur.override = text
				}
				child = ""
			case cur != nil && len(conds) == curDepth:
				l.items = append(l.items, *cur)
				cur = nil
			}
			conds = conds[:len(conds)-1]
		}
	}
	return nil
}

// xmlAttr returns the value of attribute name of element e, matched
// without regard to case as MSBuild matches them, or "".
func xmlAttr(e xml.StartElement, name string) string {
	for _, a := range e.Attr {
		if a.Name.Space == "" && strings.EqualFold(a.Name.Local, name) {
			return strings.TrimSpace(a.Value)
		}
	}
	return ""
}

// readMSBuildItems returns the items of kind in MSBuild file data.
func readMSBuildItems(data []byte, kind string) ([]packageItem, error) {
	l := &msbuildItems{kind: kind, idx: newLineIndex(data)}
	if err := decodeXML(data, l); err != nil {
		return nil, err
	}
	return l.items, nil
}

// itemNames splits the Include or Update value of an item, which may list
// several names separated by semicolons.
func itemNames(s string) []string {
	var out []string
	for _, n := range strings.Split(s, ";") {
		if n = strings.TrimSpace(n); n != "" {
			out = append(out, n)
		}
	}
	return out
}

// addProjectReferences adds the PackageReference items of the project
// file f, read from data, as direct dependencies. An Update item later in
// the file changes their version. A reference without a version takes the
// one from Directory.Packages.props.
//
// NOTE: references in Directory.Build.props and other imported files,
// and transitive packages, are not read. Only a lock file lists those.
func addProjectReferences(c *collector, f *ingest.File, data []byte, res *ingest.Result) error {
	items, err := readMSBuildItems(data, "PackageReference")
	if err != nil {
		return err
	}
	type reference struct {
		name string
		item packageItem
	}
	var refs []reference
	for _, it := range items {
		if it.include != "" {
			for _, n := range itemNames(it.include) {
				refs = append(refs, reference{n, it})
			}
			continue
		}
		if it.conditional {
			continue
		}
		for _, n := range itemNames(it.update) {
			for i := range refs {
				if !strings.EqualFold(refs[i].name, n) {
					continue
				}
				if it.version != "" {
					refs[i].item.version = it.version
				}
				if it.override != "" {
					refs[i].item.override = it.override
				}
			}
		}
	}
	var central map[string]string
	centralRead := false
	for _, r := range refs {
		spec := r.item.override
		if spec == "" {
			spec = r.item.version
		}
		if spec == "" {
			if !centralRead {
				central, centralRead = centralVersions(f, res), true
			}
			spec = central[strings.ToLower(r.name)]
		}
		ref := pkgRef{Eco: ecoNuGet, Name: r.name}
		pf := pkgFacts{Line: r.item.line, Direct: true, Possible: r.item.conditional}
		version, pinned := nugetVersion(spec)
		switch {
		case pinned:
			ref.Version = version
		case version != "":
			pf.Attrs = map[string]string{attrRange: version}
		}
		c.add(ref, pf)
	}
	return nil
}

// centralVersions returns the versions, by lower-case package id, that
// the PackageVersion items of the Directory.Packages.props nearest to the
// project file f give: in its folder or the nearest folder above it,
// within its repository. Conditional items are left out. A file that
// cannot be read gives a warning and no versions.
func centralVersions(f *ingest.File, res *ingest.Result) map[string]string {
	dir := filepath.Dir(f.Path)
	up := strings.Count(filepath.ToSlash(f.RelPath), "/")
	for i := 0; i <= up && i < maxManifestDepth; i++ {
		p := filepath.Join(dir, "Directory.Packages.props")
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			return readCentralVersions(p, res)
		}
		dir = filepath.Dir(dir)
	}
	return nil
}

// readCentralVersions reads the PackageVersion items of the file at p.
func readCentralVersions(p string, res *ingest.Result) map[string]string {
	fh, _, err := ingest.OpenRegular(p)
	if err != nil {
		res.Warnf(ingest.Position{File: p}, "failed to read central package versions: %v", err)
		return nil
	}
	defer fh.Close()
	data, err := io.ReadAll(io.LimitReader(fh, maxLockfileSize))
	if err != nil {
		res.Warnf(ingest.Position{File: p}, "cannot read central package versions: %v", err)
		return nil
	}
	items, err := readMSBuildItems(data, "PackageVersion")
	if err != nil {
		pos := ingest.Position{File: p}
		var se *xml.SyntaxError
		if errors.As(err, &se) {
			pos.Line = se.Line
		}
		res.Warnf(pos, "invalid central package versions file, its versions are not used: %v", err)
		return nil
	}
	out := map[string]string{}
	for _, it := range items {
		if it.conditional || it.version == "" {
			continue
		}
		for _, n := range itemNames(it.include) {
			out[strings.ToLower(n)] = it.version
		}
	}
	return out
}

// nugetVersionText matches the versions and floating versions that
// nugetVersion passes on.
var (
	nugetVersionText  = regexp.MustCompile(`^[0-9A-Za-z.+-]{1,64}$`)
	nugetFloatingText = regexp.MustCompile(`^[0-9A-Za-z.*+-]{1,64}$`)
)

// nugetVersion parses a NuGet version specifier. A bare version (the
// lowest that NuGet accepts, which it picks when the registry has it) and
// an exact one ([1.2.3]) give the normalised version with pinned set. A
// floating version (1.*) or an interval ([1.0,2.0)) gives the range as a
// semver constraint (>=1.0, <2.0). Anything else, such as a property
// reference, gives "".
func nugetVersion(spec string) (text string, pinned bool) {
	s := strings.TrimSpace(spec)
	switch {
	case s == "" || strings.ContainsAny(s, "$@%"):
		return "", false
	case strings.Contains(s, "*"):
		if nugetFloatingText.MatchString(s) {
			return s, false
		}
		return "", false
	case s[0] == '[' || s[0] == '(':
		last := s[len(s)-1]
		if len(s) < 3 || (last != ']' && last != ')') {
			return "", false
		}
		inner := s[1 : len(s)-1]
		lo, hi, interval := strings.Cut(inner, ",")
		lo, hi = strings.TrimSpace(lo), strings.TrimSpace(hi)
		if !interval {
			if s[0] == '[' && last == ']' && nugetVersionText.MatchString(lo) {
				return normalNuGetVersion(lo), true
			}
			return "", false
		}
		var parts []string
		if lo != "" {
			op := ">"
			if s[0] == '[' {
				op = ">="
			}
			parts = append(parts, op+lo)
		}
		if hi != "" {
			op := "<"
			if last == ']' {
				op = "<="
			}
			parts = append(parts, op+hi)
		}
		if len(parts) == 0 || (lo != "" && !nugetVersionText.MatchString(lo)) || (hi != "" && !nugetVersionText.MatchString(hi)) {
			return "", false
		}
		return strings.Join(parts, ", "), false
	case nugetVersionText.MatchString(s):
		return normalNuGetVersion(s), true
	}
	return "", false
}

// normalNuGetVersion writes a version as NuGet normalises it, which is how
// lock files and the registry write it: at least three numeric parts,
// without leading zeros, a fourth part only when it is not zero, and no
// build metadata.
func normalNuGetVersion(v string) string {
	v, _, _ = strings.Cut(v, "+")
	core, pre, hasPre := strings.Cut(v, "-")
	parts := strings.Split(core, ".")
	if len(parts) > 4 {
		return v
	}
	for i, p := range parts {
		if p == "" || strings.Trim(p, "0123456789") != "" {
			return v
		}
		parts[i] = strings.TrimLeft(p, "0")
		if parts[i] == "" {
			parts[i] = "0"
		}
	}
	for len(parts) < 3 {
		parts = append(parts, "0")
	}
	if len(parts) == 4 && parts[3] == "0" {
		parts = parts[:3]
	}
	out := strings.Join(parts, ".")
	if hasPre {
		out += "-" + pre
	}
	return out
}
