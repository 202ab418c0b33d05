package query

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/Masterminds/semver/v3"
	"github.com/package-url/packageurl-go"
	gosemver "golang.org/x/mod/semver"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/internal/advisory"
)

// ErrNoMatch is returned when a start matches no node of the graph.
var ErrNoMatch = errors.New("no node matches")

// ErrInvalid is returned for a start that cannot be read, such as a
// malformed purl or range.
var ErrInvalid = errors.New("invalid start")

// PackageSpec is a compromised package: a purl name plus either an exact
// version, a range in the ecosystem's own syntax, or nothing (every
// version).
type PackageSpec struct {
	Name    string // purl without version, canonical form
	Version string
	Range   string
	// Subpath narrows to one part of the package, such as a reusable
	// workflow file inside an action repository.
	Subpath string
}

func (s PackageSpec) String() string {
	// A purl's version comes before its qualifiers
	// (pkg:docker/o/app@1.7.0?repository_url=ghcr.io).
	out, qualifiers, _ := strings.Cut(s.Name, "?")
	switch {
	case s.Version != "":
		out += "@" + s.Version
	case s.Range != "":
		out += "@" + s.Range
	}
	if qualifiers != "" {
		out += "?" + qualifiers
	}
	if s.Subpath != "" {
		out += "#" + s.Subpath
	}
	return out
}

// ParsePackage reads "pkg:type/ns/name@version" where the part after the
// last "@" is an exact version or a range such as "^1.2.0", ">=1.0.0 <1.4.0"
// or "1.2.x".
func ParsePackage(spec string) (PackageSpec, error) {
	spec = strings.TrimSpace(spec)
	if !strings.HasPrefix(spec, "pkg:") {
		return PackageSpec{}, fmt.Errorf("%w: package %q is not a purl: write it as pkg:TYPE/NAME@VERSION, e.g. pkg:npm/left-pad@1.3.0", ErrInvalid, spec)
	}
	subpath := ""
	if i := strings.LastIndex(spec, "#"); i >= 0 {
		spec, subpath = spec[:i], strings.Trim(spec[i+1:], "/")
	}
	// Qualifiers follow the version; no range syntax uses "?".
	qualifiers := ""
	if i := strings.Index(spec, "?"); i >= 0 {
		spec, qualifiers = spec[:i], spec[i:]
	}
	name, ver := spec, ""
	// The version follows the last "@" that comes after the type's slash,
	// so that "pkg:npm/@scope/x@1.0.0" keeps its scope.
	slash := strings.Index(spec, "/")
	if at := strings.LastIndex(spec, "@"); at > slash && slash >= 0 && at > slash+1 {
		name, ver = spec[:at], spec[at+1:]
	}
	p, err := packageurl.FromString(name + qualifiers)
	if err != nil {
		return PackageSpec{}, fmt.Errorf("%w: package %q: %v", ErrInvalid, spec, err)
	}
	p.Version = ""
	p.Qualifiers = keptQualifiers(p)
	switch p.Type {
	case "githubactions", "github", "golang":
		// GitHub names are case-insensitive and ingesters store them in
		// lower case, as the purl specification asks for these types.
		p.Namespace, p.Name = strings.ToLower(p.Namespace), strings.ToLower(p.Name)
	case "pypi":
		p.Name = advisory.NormalizePyPI(p.Name)
	}
	if p.Name == "" {
		return PackageSpec{}, fmt.Errorf("%w: package %q has no name", ErrInvalid, spec)
	}
	out := PackageSpec{Name: p.ToString(), Subpath: subpath}
	if (p.Type == "maven" || p.Type == "nuget") && (strings.HasPrefix(ver, "[") || strings.HasPrefix(ver, "(")) {
		r, err := intervalRange(ver)
		if err != nil {
			return PackageSpec{}, fmt.Errorf("%w: package %q: range %q cannot be read: %v", ErrInvalid, spec, ver, err)
		}
		ver = r
	}
	if isRange(ver) {
		if _, err := semverConstraint(ver); err != nil {
			return PackageSpec{}, fmt.Errorf("%w: package %q: range %q cannot be read: %v", ErrInvalid, spec, ver, err)
		}
		out.Range = ver
	} else {
		out.Version = ver
	}
	return out, nil
}

// keptQualifiers returns the qualifiers that package ids keep: only the
// registry of a container image that is not Docker Hub.
func keptQualifiers(p packageurl.PackageURL) packageurl.Qualifiers {
	if p.Type != packageurl.TypeDocker {
		return nil
	}
	registry := p.Qualifiers.Map()["repository_url"]
	switch registry {
	case "", "docker.io", "index.docker.io", "registry-1.docker.io":
		return nil
	}
	return packageurl.QualifiersFromMap(map[string]string{"repository_url": registry})
}

// intervalRange rewrites a range in the interval notation of Maven and
// NuGet ("[1.0,2.0)", "[1.2]", "(,1.0],[1.2,)") as a constraint in the
// syntax of the other ranges (">=1.0 <2.0", "=1.2", "<=1.0 || >=1.2").
// A bracket includes its bound and a parenthesis excludes it, an empty
// bound is open, and a comma between intervals joins them.
func intervalRange(r string) (string, error) {
	r = strings.ReplaceAll(r, " ", "")
	var alts []string
	for r != "" {
		end := strings.IndexAny(r, "])")
		if end < 0 || (r[0] != '[' && r[0] != '(') {
			return "", errors.New("an interval starts with [ or ( and ends with ] or )")
		}
		open, body, closing := r[0], r[1:end], r[end]
		r = strings.TrimPrefix(r[end+1:], ",")
		low, high, isPair := strings.Cut(body, ",")
		if strings.Contains(high, ",") {
			return "", errors.New("an interval has more than two bounds")
		}
		if !isPair {
			if open != '[' || closing != ']' || body == "" {
				return "", errors.New("a single version is written [VERSION]")
			}
			alts = append(alts, "="+body)
			continue
		}
		if low == "" && high == "" {
			return "", errors.New("an interval needs at least one bound")
		}
		var parts []string
		if low != "" {
			op := ">"
			if open == '[' {
				op = ">="
			}
			parts = append(parts, op+low)
		}
		if high != "" {
			op := "<"
			if closing == ']' {
				op = "<="
			}
			parts = append(parts, op+high)
		}
		alts = append(alts, strings.Join(parts, " "))
	}
	return strings.Join(alts, " || "), nil
}

func isRange(v string) bool {
	return strings.ContainsAny(v, "^~<>=*| ,") || strings.HasSuffix(v, ".x")
}

// Matches reports whether a version falls in the spec.
func (s PackageSpec) Matches(version string) bool {
	switch {
	case s.Version != "":
		return version == s.Version || strings.TrimPrefix(version, "v") == strings.TrimPrefix(s.Version, "v")
	case s.Range == "":
		return true
	}
	if order := segmentOrder(s.Name); order != "" {
		if in, ok := orderAdmits(order, s.Range, version); ok {
			return in
		}
	}
	if strings.HasPrefix(s.Name, "pkg:golang/") && !gosemver.IsValid(version) {
		return false
	}
	c, err := semverConstraint(s.Range)
	if err != nil {
		return false
	}
	v, err := semverVersion(version)
	return err == nil && c.Check(v)
}

// segmentOrder returns the version order of Maven and NuGet packages,
// which compare segment by segment rather than as semantic versions, and
// "" for other names.
func segmentOrder(name string) string {
	switch {
	case strings.HasPrefix(name, "pkg:maven/"):
		return "maven"
	case strings.HasPrefix(name, "pkg:nuget/"):
		return "nuget"
	}
	return ""
}

// orderAdmits reports whether a range of comparisons (">=1.0 <2.0",
// ">=1.0, <2.0", "=1.2", alternatives joined by "||") admits a version in
// the given order. ok is false when the range contains anything else, such
// as a caret or a wildcard.
func orderAdmits(order, r, version string) (in, ok bool) {
	for alt := range strings.SplitSeq(r, "||") {
		clauses := strings.FieldsFunc(alt, func(c rune) bool { return c == ' ' || c == ',' })
		if len(clauses) == 0 {
			return false, false
		}
		all := true
		for _, clause := range clauses {
			want := strings.TrimLeft(clause, "<>=")
			op := clause[:len(clause)-len(want)]
			c, read := advisory.Compare(order, version, want)
			if !read || strings.ContainsAny(want, "^~*") || strings.HasSuffix(strings.ToLower(want), ".x") {
				return false, false
			}
			switch op {
			case "", "=":
				all = all && c == 0
			case ">=":
				all = all && c >= 0
			case "<=":
				all = all && c <= 0
			case ">":
				all = all && c > 0
			case "<":
				all = all && c < 0
			default:
				return false, false
			}
		}
		if all {
			in = true
		}
	}
	return in, true
}

func semverConstraint(r string) (*semver.Constraints, error) {
	return semver.NewConstraint(strings.ReplaceAll(r, "||", " || "))
}

func semverVersion(v string) (*semver.Version, error) {
	return semver.NewVersion(strings.TrimPrefix(v, "v"))
}

// ResolvePackages returns the package version nodes a spec matches. An
// unversioned spec also matches the name node itself, for packages whose
// versions no input pins (an action used by branch, say).
func ResolvePackages(ctx context.Context, r graph.Reader, specs []PackageSpec) ([]graph.Node, error) {
	var out []graph.Node
	var all []PackageSpec
	for _, s := range specs {
		names, err := spellings(ctx, r, s.Name)
		if err != nil {
			return nil, err
		}
		for _, name := range names {
			s.Name = name
			all = append(all, s)
		}
	}
	for _, s := range all {
		suffix := ""
		if s.Subpath != "" {
			suffix = "#" + s.Subpath
		}
		if s.Version != "" {
			// The version goes before the qualifiers, as in
			// pkg:docker/app@1.0?repository_url=registry.example.org.
			id := s.Name + "@" + escapeVersion(s.Version)
			if name, q, ok := strings.Cut(s.Name, "?"); ok {
				id = name + "@" + escapeVersion(s.Version) + "?" + q
			}
			ns, err := r.Nodes(ctx, []string{id + suffix})
			if err != nil {
				return nil, err
			}
			out = append(out, ns...)
			ranged, err := rangeStarts(ctx, r, s)
			if err != nil {
				return nil, err
			}
			out = append(out, ranged...)
			computed, err := computedStarts(ctx, r, s)
			if err != nil {
				return nil, err
			}
			out = append(out, computed...)
			continue
		}
		versions, err := r.Expand(ctx, []string{s.Name}, graph.In, graph.EdgeVersionOf)
		if err != nil {
			return nil, err
		}
		var ids []string
		for _, e := range versions {
			ids = append(ids, e.From)
		}
		ns, err := r.Nodes(ctx, ids)
		if err != nil {
			return nil, err
		}
		for _, n := range ns {
			if suffix != "" && !strings.HasSuffix(n.ID, suffix) {
				continue
			}
			if s.Matches(n.Attr("version")) {
				out = append(out, n)
			}
		}
		if s.Range != "" {
			// A manifest whose range shares a version with the query's may
			// have installed a compromised one.
			ranged, err := rangeStarts(ctx, r, s)
			if err != nil {
				return nil, err
			}
			out = append(out, ranged...)
			computed, err := computedStarts(ctx, r, s)
			if err != nil {
				return nil, err
			}
			out = append(out, computed...)
		}
		if s.Range == "" && suffix == "" {
			// Every version is compromised, so are the manifests that
			// depend on the name without pinning a version.
			named, err := r.Nodes(ctx, []string{s.Name})
			if err != nil {
				return nil, err
			}
			out = append(out, named...)
		}
	}
	// A node that one spec matches outright and another only through a
	// range is kept once, as the certain start.
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].ID != out[j].ID {
			return out[i].ID < out[j].ID
		}
		return startConfidence(out[i]) == graph.Certain && startConfidence(out[j]) != graph.Certain
	})
	// Of two possible starts of one node, the range match is kept: the walk
	// leaves it along every edge, and a computed match only to runtimes.
	merged := out[:0]
	for _, n := range out {
		if k := len(merged) - 1; k >= 0 && merged[k].ID == n.ID {
			if onlyExecutors(merged[k]) && n.Attr(AttrRangeMatch) != "" {
				merged[k] = n
			}
			continue
		}
		merged = append(merged, n)
	}
	out = merged
	if len(out) == 0 {
		names := make([]string, len(specs))
		for i, sp := range specs {
			names[i] = graph.ReadableID(sp.String())
		}
		hint := "`blastradius nodes --kind Package` lists the packages read"
		near, err := nearPackages(ctx, r, specs)
		if err != nil {
			return nil, err
		}
		if len(near) > 0 {
			hint = "the graph holds " + strings.Join(near, ", ")
		}
		for _, sp := range specs {
			typ, _, _ := strings.Cut(strings.TrimPrefix(sp.Name, "pkg:"), "/")
			if want := purlTypeFor[typ]; want != "" {
				hint += fmt.Sprintf("; the purl type of %s is %s (pkg:%s/...)", typeNames[want], want, want)
				break
			}
		}
		// A runtime that runs the name itself (npx with no version, say)
		// runs a version that no input shows.
		checked := map[string]bool{}
		for _, sp := range specs {
			if sp.Version == "" && sp.Range == "" || checked[sp.Name] {
				continue
			}
			checked[sp.Name] = true
			edges, err := r.Expand(ctx, []string{sp.Name}, graph.In, graph.EdgeExecutes)
			if err != nil {
				return nil, err
			}
			runs := map[string]bool{}
			for _, e := range edges {
				// A floating run whose request admitted a version of the
				// spec made the name a start, so this one admits none.
				if e.Attr("pinned") != pinnedFloating {
					runs[e.From] = true
				}
			}
			switch {
			case len(runs) == 1:
				hint += "; 1 runtime runs " + graph.ReadableID(sp.Name) + " at a version the input does not show: query the name without a version to see it"
			case len(runs) > 1:
				hint += fmt.Sprintf("; %d runtimes run %s at a version the input does not show: query the name without a version to see them",
					len(runs), graph.ReadableID(sp.Name))
			}
		}
		return nil, fmt.Errorf("%w: no ingested lockfile, workflow or SBOM pins a version matching %s; %s",
			ErrNoMatch, strings.Join(names, ", "), hint)
	}
	return out, nil
}

// purlTypeFor maps names that users write as purl types to the purl type
// the graph uses for that ecosystem: crates.io packages are pkg:cargo.
var purlTypeFor = map[string]string{
	"crates": "cargo", "crate": "cargo", "rust": "cargo",
	"rubygems": "gem", "ruby": "gem", "gems": "gem",
	"python": "pypi", "pip": "pypi",
	"go": "golang", "gomod": "golang",
	"github": "githubactions", "actions": "githubactions", "githubaction": "githubactions", "gha": "githubactions",
	"node": "npm", "yarn": "npm", "pnpm": "npm",
	"php": "composer", "packagist": "composer",
	"oci": "docker", "container": "docker",
	"java": "maven", "gradle": "maven", "mvn": "maven", "jar": "maven",
	"dotnet": "nuget", "csharp": "nuget", "nupkg": "nuget",
}

// typeNames names the ecosystem of each purl type in purlTypeFor.
var typeNames = map[string]string{
	"cargo": "crates.io packages", "gem": "RubyGems", "pypi": "PyPI packages", "golang": "Go modules",
	"githubactions": "GitHub Actions", "npm": "npm packages", "composer": "Composer packages", "docker": "container images",
	"maven": "Maven packages", "nuget": "NuGet packages",
}

// maxNear bounds the packages a failed match suggests.
const maxNear = 5

// nearPackages returns, in readable form, the packages of the graph that
// are near specs that matched nothing. These are the versions of the name
// when the graph contains the name, else the names of the same ecosystem
// with the same last part (an npm package given without its @scope).
func nearPackages(ctx context.Context, r graph.Reader, specs []PackageSpec) ([]string, error) {
	var out []string
	var unknown []PackageSpec
	for _, s := range specs {
		versions, err := r.Expand(ctx, []string{s.Name}, graph.In, graph.EdgeVersionOf)
		if err != nil {
			return nil, err
		}
		if len(versions) == 0 {
			unknown = append(unknown, s)
			continue
		}
		for _, e := range versions {
			out = append(out, graph.ReadableID(e.From))
		}
	}
	if len(unknown) > 0 {
		pkgs, err := r.NodesByKind(ctx, graph.NodePackage)
		if err != nil {
			return nil, err
		}
		for _, s := range unknown {
			typ, name, ok := purlTypeAndLastName(s.Name)
			if !ok {
				continue
			}
			for _, n := range pkgs {
				t, nm, ok := purlTypeAndLastName(n.ID)
				if ok && t == typ && strings.EqualFold(nm, name) && !strings.Contains(n.ID, "@") {
					out = append(out, graph.ReadableID(n.ID))
				}
			}
		}
	}
	slices.Sort(out)
	out = slices.Compact(out)
	if len(out) > maxNear {
		out = append(out[:maxNear], fmt.Sprintf("and %d more", len(out)-maxNear))
	}
	return out, nil
}

// spellings returns name and, for a NuGet package, the other spellings of
// it that name packages of the graph. NuGet compares package ids without
// regard to case, so a project file may write "newtonsoft.json" where a
// lockfile, an SBOM or an advisory writes "Newtonsoft.Json".
func spellings(ctx context.Context, r graph.Reader, name string) ([]string, error) {
	const prefix = "pkg:nuget/"
	if !strings.HasPrefix(name, prefix) || strings.ContainsAny(name, "@?#") {
		return []string{name}, nil
	}
	pkgs, err := r.NodesByKind(ctx, graph.NodePackage)
	if err != nil {
		return nil, err
	}
	out := []string{name}
	for _, n := range pkgs {
		if n.ID != name && strings.HasPrefix(n.ID, prefix) && !strings.ContainsAny(n.ID, "@?#") && strings.EqualFold(n.ID, name) {
			out = append(out, n.ID)
		}
	}
	return out, nil
}

// purlTypeAndLastName returns the type of a package id and the last part
// of its name, without version, qualifiers or subpath.
func purlTypeAndLastName(id string) (typ, name string, ok bool) {
	rest, ok := strings.CutPrefix(id, "pkg:")
	if !ok {
		return "", "", false
	}
	if i := strings.IndexAny(rest, "?#"); i >= 0 {
		rest = rest[:i]
	}
	typ, path, ok := strings.Cut(rest, "/")
	if !ok {
		return "", "", false
	}
	name = path[strings.LastIndexByte(path, '/')+1:]
	if i := strings.IndexByte(name, '@'); i >= 0 {
		name = name[:i]
	}
	return typ, name, name != ""
}

// AttrRangeMatch is the attribute of a start node that a manifest locks to
// a range (package.json without a lockfile) rather than to a version. It
// lists the ranges that admit the version of the query, and the walk takes
// such a start as possible, since the install may have resolved another
// version.
const AttrRangeMatch = "range_match"

// rangeStarts returns the name node of a version or range spec when a
// LOCKS edge gives the name a range that admits the version, or that
// shares a version with the range, marked with AttrRangeMatch.
func rangeStarts(ctx context.Context, r graph.Reader, s PackageSpec) ([]graph.Node, error) {
	if s.Subpath != "" || strings.Contains(s.Name, "?") {
		return nil, nil
	}
	switch {
	case s.Version != "":
		return rangeStartsOf(ctx, r, s.Name, []string{s.Version}, nil)
	case s.Range != "":
		return rangeStartsOf(ctx, r, s.Name, rangeVersions(s.Range), s.Matches)
	}
	return nil, nil
}

// AttrComputedMatch marks a start that is a package name node which
// runtimes execute at a version the input does not fix: an image tag that
// a variable sets (EXECUTES with pinned=computed), or a package that a
// tool command such as npx fetches without an exact version, which the
// registry picks when the job runs (pinned=floating). They may run the
// compromised version. Its value is the version or range of the query.
// The walk leaves such a start only to those runtimes, and to a floating
// run only when the range or tag it requests admits a compromised version
// (floatingAdmits). A composite action whose steps run such a package
// depends on the name with the same pinned and requested attributes
// (DEPENDS_ON), and the walk leaves the start to it in the same way.
const AttrComputedMatch = "computed_match"

// Values of the pinned attribute of an EXECUTES edge to a package name.
const (
	pinnedComputed = "computed"
	pinnedFloating = "floating"
)

// computedStarts returns the name node of a versioned or ranged spec,
// marked with AttrComputedMatch, when runtimes execute the name itself
// (or composite actions depend on it) at a version that may be one the
// spec matches.
func computedStarts(ctx context.Context, r graph.Reader, s PackageSpec) ([]graph.Node, error) {
	if s.Subpath != "" {
		return nil, nil
	}
	runs, err := r.Expand(ctx, []string{s.Name}, graph.In, graph.EdgeExecutes, graph.EdgeDependsOn)
	if err != nil {
		return nil, err
	}
	match := s.Version
	if match == "" {
		match = s.Range
	}
	if !slices.ContainsFunc(runs, func(e graph.Edge) bool {
		return runsComputed(s.Name, match, e.Attr("pinned"), e.Attr("requested"))
	}) {
		return nil, nil
	}
	ns, err := r.Nodes(ctx, []string{s.Name})
	if err != nil {
		return nil, err
	}
	for i := range ns {
		ns[i].Attrs = cloneAttrs(ns[i].Attrs)
		ns[i].SetAttr(AttrComputedMatch, match)
	}
	return ns, nil
}

// runsComputed reports whether an EXECUTES or DEPENDS_ON edge to the name
// node id, with the given pinned and requested attributes, may run a
// version that match (a computed start's AttrComputedMatch: a version or a
// range) admits.
func runsComputed(id, match, pinned, requested string) bool {
	switch pinned {
	case pinnedComputed:
		return true
	case pinnedFloating:
		return floatingAdmits(id, requested, match)
	}
	return false
}

// floatingAdmits reports whether a run of the package whose name node is
// id, which requests a range or tag (or nothing), may fetch a version
// that match, a version or a range, admits. A PyPI request is read as a
// PEP 440 specifier set when match is a version. A tag, no request, and a
// range or version that neither reading understands admit every version.
func floatingAdmits(id, requested, match string) bool {
	if requested == "" || match == "" {
		return true
	}
	if strings.HasPrefix(id, "pkg:pypi/") && !isRange(match) {
		if admits, ok := pypiAdmits(requested, match); ok {
			return admits
		}
		return true
	}
	if _, err := semverConstraint(requested); err != nil {
		return true
	}
	request := PackageSpec{Range: requested}
	if !isRange(match) {
		if _, err := semverVersion(match); err != nil {
			return true
		}
		return request.Matches(match)
	}
	query := PackageSpec{Range: match}
	if _, err := semverConstraint(match); err != nil {
		return true
	}
	return slices.ContainsFunc(append(rangeVersions(requested), rangeVersions(match)...), func(v string) bool {
		return request.Matches(v) && query.Matches(v)
	})
}

// rangeStartsOf returns the name node marked with AttrRangeMatch when a
// LOCKS edge gives the name a range that admits a compromised version.
// With affects nil, versions are the compromised versions. Otherwise
// affects decides which versions are compromised, and versions holds the
// bounds of the compromised ranges. Two ranges share a version only if
// they share a bound or the version just above one, so those are tried.
func rangeStartsOf(ctx context.Context, r graph.Reader, name string, versions []string, affects func(string) bool) ([]graph.Node, error) {
	if len(versions) == 0 && affects == nil {
		return nil, nil
	}
	locks, err := r.Expand(ctx, []string{name}, graph.In, graph.EdgeLocks)
	if err != nil {
		return nil, err
	}
	// A merged edge of two manifests of one repository names the first
	// manifest's range, and each manifest's own in its facts.
	var allRanges []string
	for _, e := range locks {
		allRanges = append(allRanges, e.AttrValues("range")...)
	}
	var ranges []string
	for _, allowed := range allRanges {
		if allowed == "" || slices.Contains(ranges, allowed) {
			continue
		}
		spec := PackageSpec{Name: name, Range: allowed}
		candidates := versions
		if affects != nil {
			candidates = append(rangeVersions(allowed), versions...)
		}
		if slices.ContainsFunc(candidates, func(v string) bool {
			return spec.Matches(v) && (affects == nil || affects(v))
		}) {
			ranges = append(ranges, allowed)
		}
	}
	if len(ranges) == 0 {
		return nil, nil
	}
	sort.Strings(ranges)
	ns, err := r.Nodes(ctx, []string{name})
	if err != nil {
		return nil, err
	}
	for i := range ns {
		ns[i].Attrs = cloneAttrs(ns[i].Attrs)
		ns[i].SetAttr(AttrRangeMatch, graph.JoinList(ranges))
	}
	return ns, nil
}

// versionText finds the versions a range writes: 2, 2.4 and 2.4.1 in
// ">=2.4.1 <3", "2.x" or "~2.4".
var versionText = regexp.MustCompile(`\d+(?:\.\d+){0,2}(?:-[0-9A-Za-z.-]+)?`)

// rangeVersions returns the versions a range writes, completed to three
// parts, and for each the next patch, minor and major version: the
// candidates that lie in the range when any version does, for the
// comparators of semantic-version ranges.
func rangeVersions(r string) []string {
	var out []string
	for _, m := range versionText.FindAllString(r, -1) {
		v, err := semverVersion(m)
		if err != nil {
			continue
		}
		out = append(out, v.String(), v.IncPatch().String(), v.IncMinor().String(), v.IncMajor().String())
	}
	return out
}

func escapeVersion(v string) string {
	p := packageurl.PackageURL{Type: "generic", Name: "x", Version: v}
	s := p.ToString()
	return s[strings.LastIndex(s, "@")+1:]
}

// ResolveNodes finds start nodes of a kind by id, or else by name: the
// label, the "name" attribute, the last segment of the id, an access key
// id, or a Terraform address (aws_instance.web). An address may name a
// block in several configurations, and each instance of its count or
// for_each. The end of an id from a slash or a colon on also names it
// (envs/prod:aws_instance.web).
func ResolveNodes(ctx context.Context, r graph.Reader, kind graph.NodeKind, refs []string) ([]graph.Node, error) {
	var out []graph.Node
	var all []graph.Node
	for _, ref := range refs {
		ns, err := r.Nodes(ctx, []string{ref})
		if err != nil {
			return nil, err
		}
		if len(ns) == 1 && (kind == "" || ns[0].Kind == kind) {
			out = append(out, ns[0])
			continue
		}
		if all == nil {
			kinds := graph.NodeKinds
			if kind != "" {
				kinds = []graph.NodeKind{kind}
			}
			for _, k := range kinds {
				ks, err := r.NodesByKind(ctx, k)
				if err != nil {
					return nil, err
				}
				all = append(all, ks...)
			}
		}
		found := false
		for _, n := range all {
			if n.Label == ref || n.Attr(graph.AttrName) == ref || lastSegment(n.ID) == ref || n.Attr("key_id") == ref ||
				n.Attr("tf_address") == ref || idEndsWith(n.ID, ref) || blockMatches(n, ref) {
				out = append(out, n)
				found = true
			}
		}
		if !found {
			list := "`blastradius nodes`"
			if kind != "" {
				list = "`blastradius nodes --kind " + string(kind) + "`"
			}
			if near := nodesContaining(all, ref, 5); len(near) > 0 {
				return nil, fmt.Errorf("%w %q among %s nodes; names that contain it: %s", ErrNoMatch, ref, kindName(kind), strings.Join(near, ", "))
			}
			return nil, fmt.Errorf("%w %q among %s nodes; list candidates with %s", ErrNoMatch, ref, kindName(kind), list)
		}
	}
	return out, nil
}

// nodesContaining returns up to limit quoted labels (ids, for nodes without
// a label) of the nodes whose label or id contains ref, ignoring case, so
// that a partial name leads to the full one.
func nodesContaining(nodes []graph.Node, ref string, limit int) []string {
	needle := strings.ToLower(ref)
	var out []string
	for _, n := range nodes {
		name := n.Label
		if name == "" {
			name = n.ID
		}
		if !strings.Contains(strings.ToLower(name), needle) && !strings.Contains(strings.ToLower(n.ID), needle) {
			continue
		}
		out = append(out, strconv.Quote(name))
	}
	sort.Strings(out)
	if len(out) > limit {
		out = out[:limit]
	}
	return out
}

func allWithdrawn(advs []*advisory.Advisory) bool {
	for _, a := range advs {
		if !a.Withdrawn {
			return false
		}
	}
	return len(advs) > 0
}

func kindName(k graph.NodeKind) string {
	if k == "" {
		return "all"
	}
	return string(k)
}

// idEndsWith reports whether id ends with ref and ref starts right after a
// slash or a colon of id, so that a ref names whole parts of the id.
func idEndsWith(id, ref string) bool {
	if len(ref) >= len(id) || !strings.HasSuffix(id, ref) {
		return false
	}
	c := id[len(id)-len(ref)-1]
	return c == '/' || c == ':'
}

// blockMatches reports whether ref names the Terraform block of one of
// its instances (count or for_each): the node's address with the instance
// keys left out, alone or as the end of its id.
func blockMatches(n graph.Node, ref string) bool {
	addr := n.Attr("tf_address")
	if !strings.Contains(addr, "[") || !strings.HasSuffix(n.ID, addr) {
		return false
	}
	block := withoutInstanceKeys(addr)
	return block == ref || idEndsWith(strings.TrimSuffix(n.ID, addr)+block, ref)
}

// withoutInstanceKeys removes the instance keys from a Terraform address:
// module.app["a"].aws_instance.web[0] becomes module.app.aws_instance.web.
// A quoted key may contain brackets and escaped quotes.
func withoutInstanceKeys(addr string) string {
	var b strings.Builder
	depth, quoted := 0, false
	for i := 0; i < len(addr); i++ {
		c := addr[i]
		switch {
		case quoted && c == '\\':
			i++
		case quoted:
			quoted = c != '"'
		case depth > 0 && c == '"':
			quoted = true
		case c == '[':
			depth++
		case depth > 0 && c == ']':
			depth--
		case depth == 0:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func lastSegment(id string) string {
	if i := strings.LastIndexAny(id, "/#"); i >= 0 {
		return id[i+1:]
	}
	return id
}

// Start names the compromised things a query starts from. Every field may
// list several; they are combined.
type Start struct {
	Packages []string `json:"packages,omitempty"`
	// Advisories are advisory records: every package version one of them
	// affects is a start, marked with the advisory ids in attribute
	// AttrAdvisories.
	Advisories []*advisory.Advisory `json:"-"`
	Secrets    []string             `json:"secrets,omitempty"`
	Identities []string             `json:"identities,omitempty"`
	Runtimes   []string             `json:"runtimes,omitempty"`
	Nodes      []string             `json:"nodes,omitempty"`
}

// AttrAdvisories is the attribute of a start node that lists the ids of
// the advisories that matched it.
const AttrAdvisories = "advisories"

// Empty reports whether the start names nothing.
func (s Start) Empty() bool {
	return len(s.Packages)+len(s.Advisories)+len(s.Secrets)+len(s.Identities)+len(s.Runtimes)+len(s.Nodes) == 0
}

func (s Start) String() string { return s.describe(nil) }

// describe renders the start; render, when set, renders each advisory.
func (s Start) describe(render func(id string) string) string {
	var parts []string
	add := func(kind string, vals []string) {
		for _, v := range vals {
			parts = append(parts, kind+" "+v)
		}
	}
	add("package", s.Packages)
	for _, a := range s.Advisories {
		text := "advisory " + a.ID
		if render != nil {
			text = render(a.ID)
		}
		parts = append(parts, text)
	}
	add("secret", s.Secrets)
	add("identity", s.Identities)
	add("runtime", s.Runtimes)
	add("node", s.Nodes)
	return strings.Join(parts, ", ")
}

// Resolve finds the start nodes.
func (s Start) Resolve(ctx context.Context, r graph.Reader) ([]graph.Node, error) {
	var out []graph.Node
	if len(s.Packages) > 0 {
		var specs []PackageSpec
		for _, p := range s.Packages {
			spec, err := ParsePackage(p)
			if err != nil {
				return nil, err
			}
			specs = append(specs, spec)
		}
		ns, err := ResolvePackages(ctx, r, specs)
		if err != nil {
			return nil, err
		}
		out = append(out, ns...)
	}
	if len(s.Advisories) > 0 {
		ns, _, err := ResolveAdvisories(ctx, r, s.Advisories)
		if err != nil {
			return nil, err
		}
		out = mergeStarts(out, ns)
	}
	for _, group := range []struct {
		kind graph.NodeKind
		refs []string
	}{{graph.NodeSecret, s.Secrets}, {graph.NodeIdentity, s.Identities}, {graph.NodeRuntime, s.Runtimes}, {"", s.Nodes}} {
		if len(group.refs) == 0 {
			continue
		}
		ns, err := ResolveNodes(ctx, r, group.kind, group.refs)
		if err != nil {
			return nil, err
		}
		out = append(out, ns...)
	}
	return out, nil
}

// ResolveAdvisories returns the package version nodes that the advisories
// affect, each marked in AttrAdvisories with the ids that matched it, and
// the ids of the advisories that matched nothing. Packages are matched by
// registry name through their name node, and versions in the order of
// their ecosystem. Withdrawn advisories match nothing. It returns
// ErrNoMatch when no advisory matches.
func ResolveAdvisories(ctx context.Context, r graph.Reader, advs []*advisory.Advisory) ([]graph.Node, []string, error) {
	byID := map[string]graph.Node{}
	matched := map[string][]string{}
	var unmatched, names []string
	for _, a := range advs {
		hit := false
		for _, af := range a.Affected {
			if a.Withdrawn {
				break
			}
			if err := ctx.Err(); err != nil {
				return nil, nil, err
			}
			spec, err := ParsePackage(af.Purl)
			if err != nil {
				continue
			}
			names = append(names, spec.Name)
			spelt, err := spellings(ctx, r, spec.Name)
			if err != nil {
				return nil, nil, err
			}
			vs, err := r.Expand(ctx, spelt, graph.In, graph.EdgeVersionOf)
			if err != nil {
				return nil, nil, err
			}
			ids := make([]string, 0, len(vs))
			for _, e := range vs {
				ids = append(ids, e.From)
			}
			ns, err := r.Nodes(ctx, ids)
			if err != nil {
				return nil, nil, err
			}
			for i, n := range ns {
				if i%256 == 0 {
					if err := ctx.Err(); err != nil {
						return nil, nil, err
					}
				}
				if v := n.Attr("version"); v == "" || !af.Affects(v) {
					continue
				}
				hit = true
				byID[n.ID] = n
				matched[n.ID] = append(matched[n.ID], a.ID)
			}
			bounds := slices.Clone(af.Versions)
			for _, rg := range af.Ranges {
				if rg.Type == "GIT" {
					continue
				}
				for _, ev := range rg.Events {
					bounds = append(bounds, rangeVersions(ev.Version)...)
				}
			}
			var ranged []graph.Node
			for _, name := range spelt {
				more, err := rangeStartsOf(ctx, r, name, bounds, af.Affects)
				if err != nil {
					return nil, nil, err
				}
				ranged = append(ranged, more...)
			}
			for _, n := range ranged {
				hit = true
				if cur, ok := byID[n.ID]; ok {
					all := append(graph.SplitList(cur.Attr(AttrRangeMatch)), graph.SplitList(n.Attr(AttrRangeMatch))...)
					sort.Strings(all)
					n.SetAttr(AttrRangeMatch, graph.JoinList(slices.Compact(all)))
				}
				byID[n.ID] = n
				if ids := matched[n.ID]; len(ids) == 0 || ids[len(ids)-1] != a.ID {
					matched[n.ID] = append(ids, a.ID)
				}
			}
		}
		if !hit {
			unmatched = append(unmatched, a.ID)
		}
	}
	if len(byID) == 0 {
		if len(names) == 0 && allWithdrawn(advs) {
			return nil, nil, fmt.Errorf("%w: every advisory given (%s) is withdrawn, so none marks a package as compromised",
				ErrNoMatch, strings.Join(unmatched, ", "))
		}
		what := "no package"
		if len(names) > 0 {
			what = strings.Join(dedupe(names), ", ")
		}
		return nil, nil, fmt.Errorf("%w: advisory %s: no ingested lockfile, workflow or SBOM pins a version it affects (it names %s)",
			ErrNoMatch, strings.Join(unmatched, ", "), what)
	}
	out := make([]graph.Node, 0, len(byID))
	for id, n := range byID {
		n.Attrs = cloneAttrs(n.Attrs)
		n.SetAttr(AttrAdvisories, graph.JoinList(matched[id]))
		out = append(out, n)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, unmatched, nil
}

// mergeStarts appends the nodes of more to out, keeping one node per id
// and the advisory marks of both.
func mergeStarts(out, more []graph.Node) []graph.Node {
	at := map[string]int{}
	for i, n := range out {
		at[n.ID] = i
	}
	for _, n := range more {
		i, ok := at[n.ID]
		if !ok {
			at[n.ID] = len(out)
			out = append(out, n)
			continue
		}
		if a := n.Attr(AttrAdvisories); a != "" {
			out[i].Attrs = cloneAttrs(out[i].Attrs)
			out[i].SetAttr(AttrAdvisories, graph.JoinList(append(graph.SplitList(out[i].Attr(AttrAdvisories)), graph.SplitList(a)...)))
		}
	}
	return out
}

func cloneAttrs(m map[string]string) map[string]string {
	out := make(map[string]string, len(m)+1)
	for k, v := range m {
		out[k] = v
	}
	return out
}

// Run resolves the start and computes its blast radius. The query label
// names the packages each advisory matched.
func Run(ctx context.Context, r graph.Reader, s Start, opt Options) (*Result, error) {
	if s.Empty() {
		return nil, errors.New("nothing to start from: name a package, advisory, secret, identity, runtime or node")
	}
	starts, err := s.Resolve(ctx, r)
	if err != nil {
		return nil, err
	}
	return BlastRadius(ctx, r, starts, s.label(starts), opt)
}

// label renders the start as String does, with the packages each
// advisory matched, or "matched nothing".
func (s Start) label(starts []graph.Node) string {
	hits := map[string][]string{}
	for _, n := range starts {
		for _, id := range graph.SplitList(n.Attr(AttrAdvisories)) {
			hits[id] = append(hits[id], n.ID)
		}
	}
	return s.describe(func(id string) string {
		if ids := hits[id]; len(ids) > 0 {
			return "advisory " + id + " (matched " + strings.Join(ids, ", ") + ")"
		}
		return "advisory " + id + " (matched nothing)"
	})
}
