// Package advisory reads OSV advisory records (https://ossf.github.io/osv-schema/)
// and decides which package versions they affect, in each ecosystem's
// own version order.
//
// A record names packages by OSV ecosystem and registry name. Parse turns
// them into the package URLs that the graph's Package nodes use, so an
// advisory for an npm package matches it under any alias folder a project
// installs it in.
//
// Limits:
//   - GIT ranges name commits, which no Package node carries; an affected
//     package with only GIT ranges matches through its versions list.
//   - Versions that the ecosystem's order cannot read never match a range;
//     they still match an exact entry of the versions list.
package advisory

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"sort"
	"strings"

	packageurl "github.com/package-url/packageurl-go"

	"github.com/blastradius-dev/blastradius/internal/textenc"
)

// Advisory is one OSV record, reduced to what decides the packages it
// concerns.
type Advisory struct {
	ID      string
	Aliases []string
	// Withdrawn is set when the record has been withdrawn.
	Withdrawn bool
	// Malicious is set for records of malicious packages (ids MAL-...).
	Malicious bool
	Affected  []Affected
}

// Affected is one affected package of a record.
type Affected struct {
	// Ecosystem is the OSV ecosystem as the record writes it.
	Ecosystem string
	// Purl is the package URL of the package, without a version.
	Purl string
	// Versions lists affected versions exactly.
	Versions []string
	Ranges   []Range
	// Index is the position in the record's affected list. Entries that
	// name one package are merged into the first.
	Index int

	prep *prepared // the versions and events read once, set by Parse
}

// Range is a range of affected versions, as a list of events in the
// order of Type (SEMVER, ECOSYSTEM or GIT).
type Range struct {
	Type   string
	Events []Event
}

// Event opens or closes a range of affected versions.
type Event struct {
	Kind    string // introduced, fixed, last_affected or limit
	Version string
}

// Error is a record that cannot be read, at a position in its file.
type Error struct {
	File      string
	Line, Col int
	Msg       string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
	}
	return e.File + ": " + e.Msg
}

// record mirrors the parts of the OSV JSON that this package reads.
type record struct {
	ID        string   `json:"id"`
	Aliases   []string `json:"aliases"`
	Withdrawn string   `json:"withdrawn"`
	Affected  []struct {
		Package struct {
			Ecosystem string `json:"ecosystem"`
			Name      string `json:"name"`
			Purl      string `json:"purl"`
		} `json:"package"`
		Ranges []struct {
			Type   string              `json:"type"`
			Events []map[string]string `json:"events"`
		} `json:"ranges"`
		Versions []string `json:"versions"`
	} `json:"affected"`
}

// Parse reads one OSV record. Problems that spoil only one affected
// package are returned as warnings and that package is left out.
func Parse(file string, data []byte) (*Advisory, []string, error) {
	data = textenc.Bytes(data)
	var r record
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, nil, decodeError(file, data, err)
	}
	if r.ID == "" {
		return nil, nil, &Error{File: file, Msg: "record has no id; is it an OSV record?"}
	}
	a := &Advisory{
		ID: r.ID, Aliases: r.Aliases, Withdrawn: r.Withdrawn != "",
		Malicious: strings.HasPrefix(r.ID, "MAL-") || strings.Contains(r.ID, "-MAL-"),
	}
	var warns []string
	byPurl := map[string]int{}
	for i, af := range r.Affected {
		purl, err := packagePurl(af.Package.Ecosystem, af.Package.Name, af.Package.Purl)
		if err != nil {
			warns = append(warns, fmt.Sprintf("%s: %s affected[%d]: %v; skipped", file, r.ID, i, err))
			continue
		}
		out := Affected{Ecosystem: af.Package.Ecosystem, Purl: purl, Versions: af.Versions, Index: i}
		gitOnly := len(af.Ranges) > 0
		for _, rg := range af.Ranges {
			typ := strings.ToUpper(rg.Type)
			if typ != "GIT" {
				gitOnly = false
			}
			nr := Range{Type: typ}
			for _, ev := range rg.Events {
				for _, k := range []string{"introduced", "fixed", "last_affected", "limit"} {
					if v, ok := ev[k]; ok && v != "" {
						nr.Events = append(nr.Events, Event{Kind: k, Version: v})
					}
				}
			}
			out.Ranges = append(out.Ranges, nr)
		}
		if gitOnly && len(af.Versions) == 0 {
			warns = append(warns, fmt.Sprintf("%s: %s affected[%d]: only GIT ranges and no versions list; it matches nothing", file, r.ID, i))
		}
		if j, ok := byPurl[purl]; ok {
			// Versions and ranges of one package add up.
			m := &a.Affected[j]
			m.Versions = append(m.Versions, out.Versions...)
			m.Ranges = append(m.Ranges, out.Ranges...)
			continue
		}
		byPurl[purl] = len(a.Affected)
		a.Affected = append(a.Affected, out)
	}
	if len(a.Affected) == 0 && len(r.Affected) == 0 {
		warns = append(warns, fmt.Sprintf("%s: %s lists no affected package", file, r.ID))
	}
	for i := range a.Affected {
		a.Affected[i].prep = a.Affected[i].prepare()
	}
	return a, warns, nil
}

// decodeError positions a JSON decoding error.
func decodeError(file string, data []byte, err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	off := int64(-1)
	msg := "invalid JSON"
	switch {
	case errors.As(err, &se):
		off = se.Offset
	case errors.As(err, &te):
		off = te.Offset
		msg = fmt.Sprintf("%s is not %s", te.Field, jsonKind(te.Type))
		if te.Field == "" {
			msg = "record is not a JSON object"
		}
	default:
		return &Error{File: file, Msg: "invalid JSON"}
	}
	// The decoder's offset counts the offending byte.
	off = min(max(off-1, 0), int64(len(data)))
	line := 1 + bytes.Count(data[:off], []byte("\n"))
	col := int(off) - bytes.LastIndexByte(data[:off], '\n')
	return &Error{File: file, Line: line, Col: col, Msg: msg}
}

// jsonKind names the JSON type that a Go type decodes from.
func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.String:
		return "a string"
	}
	return "of the expected type"
}

// ecosystems maps OSV ecosystems to purl types.
var ecosystems = map[string]string{
	"npm":            "npm",
	"PyPI":           "pypi",
	"Go":             "golang",
	"crates.io":      "cargo",
	"RubyGems":       "gem",
	"Packagist":      "composer",
	"Maven":          "maven",
	"NuGet":          "nuget",
	"GitHub Actions": "githubactions",
	"Hex":            "hex",
	"Pub":            "pub",
}

// PurlType returns the purl type of an OSV ecosystem. A suffix after ":"
// (a distribution release) is ignored.
func PurlType(ecosystem string) (string, bool) {
	base, _, _ := strings.Cut(ecosystem, ":")
	t, ok := ecosystems[base]
	return t, ok
}

// packagePurl names an affected package as a version-less purl, from its
// ecosystem and registry name, or else from the purl the record gives.
func packagePurl(ecosystem, name, purl string) (string, error) {
	typ, ok := PurlType(ecosystem)
	switch {
	case ok && name != "":
		return nameToPurl(typ, name)
	case purl != "":
		p, err := packageurl.FromString(purl)
		if err != nil || p.Name == "" {
			return "", errors.New("package.purl cannot be read")
		}
		return nameToPurl(p.Type, strings.Trim(p.Namespace+"/"+p.Name, "/"))
	case ecosystem == "":
		return "", errors.New("package has no ecosystem and no purl")
	case !ok:
		return "", errors.New("package.ecosystem is not one that a purl type is known for")
	}
	return "", errors.New("package has no name")
}

// nameToPurl splits a registry name into purl namespace and name.
func nameToPurl(typ, name string) (string, error) {
	ns := ""
	switch typ {
	case "maven":
		g, a, ok := strings.Cut(name, ":")
		if !ok {
			return "", errors.New("Maven package name is not group:artifact")
		}
		ns, name = g, a
	case "npm", "golang", "composer", "githubactions", "github":
		if i := strings.LastIndexByte(name, '/'); i >= 0 {
			ns, name = name[:i], name[i+1:]
		}
	}
	switch typ {
	case "golang", "githubactions", "github", "composer":
		ns, name = strings.ToLower(ns), strings.ToLower(name)
	case "pypi":
		name = NormalizePyPI(name)
	}
	if name == "" {
		return "", errors.New("package has no name")
	}
	return packageurl.NewPackageURL(typ, ns, name, "", nil, "").ToString(), nil
}

// NormalizePyPI returns the PEP 503 normalised form of a Python package
// name: lower case, each run of '-', '_' and '.' replaced by '-'.
func NormalizePyPI(name string) string {
	var b strings.Builder
	sep := false
	for _, r := range strings.ToLower(name) {
		if r == '-' || r == '_' || r == '.' {
			sep = true
			continue
		}
		if sep && b.Len() > 0 {
			b.WriteByte('-')
		}
		sep = false
		b.WriteRune(r)
	}
	return b.String()
}

// Affects reports whether version of the package is affected: listed in
// Versions, or inside one of the SEMVER or ECOSYSTEM ranges.
func (a Affected) Affects(version string) bool {
	p := a.prep
	if p == nil {
		p = a.prepare()
	}
	return p.affects(version)
}

// prepared holds an affected package's versions and range events read
// once in the package's order, so that matching a version costs a search,
// not a parse of the whole record.
type prepared struct {
	order  string
	exact  map[string]bool // Versions, with and without a leading "v"
	listed []version       // Versions that the order reads, sorted when it is total
	ranges []prepRange
}

type prepRange struct {
	order  string
	events []prepEvent // in version order, "introduced 0" first
}

type prepEvent struct {
	kind string
	zero bool
	v    version
}

func (a Affected) prepare() *prepared {
	typ := strings.SplitN(strings.TrimPrefix(a.Purl, "pkg:"), "/", 2)[0]
	p := &prepared{order: typ, exact: map[string]bool{}}
	for _, v := range a.Versions {
		p.exact[v] = true
		p.exact[strings.TrimPrefix(v, "v")] = true
		if pv, ok := parseVersion(typ, v); ok {
			p.listed = append(p.listed, pv)
		}
	}
	if totalOrder(typ) {
		sort.SliceStable(p.listed, func(i, j int) bool {
			c, _ := compareVersions(typ, p.listed[i], p.listed[j])
			return c < 0
		})
	}
	for _, r := range a.Ranges {
		order := typ
		switch r.Type {
		case "SEMVER":
			order = "semver"
		case "ECOSYSTEM":
		default:
			continue
		}
		if pr, ok := prepareRange(order, r.Events); ok {
			p.ranges = append(p.ranges, pr)
		}
	}
	return p
}

// prepareRange sorts a range's events in version order, as the OSV schema
// describes. A range with an event its order cannot read matches nothing.
func prepareRange(order string, events []Event) (prepRange, bool) {
	pr := prepRange{order: order}
	for _, e := range events {
		pe := prepEvent{kind: e.Kind, zero: e.Kind == "introduced" && e.Version == "0"}
		if !pe.zero {
			v, ok := parseVersion(order, e.Version)
			if _, cmpOK := compareVersions(order, v, v); !ok || !cmpOK {
				return pr, false
			}
			pe.v = v
		}
		pr.events = append(pr.events, pe)
	}
	sort.SliceStable(pr.events, func(i, j int) bool {
		a, b := pr.events[i], pr.events[j]
		if a.zero != b.zero {
			return a.zero
		}
		c, _ := compareVersions(order, a.v, b.v)
		return c < 0
	})
	return pr, true
}

func (p *prepared) affects(s string) bool {
	if p.exact[s] || p.exact[strings.TrimPrefix(s, "v")] {
		return true
	}
	v, ok := parseVersion(p.order, s)
	if ok {
		if totalOrder(p.order) {
			i := sort.Search(len(p.listed), func(i int) bool {
				c, _ := compareVersions(p.order, p.listed[i], v)
				return c >= 0
			})
			if c, ok := p.at(i, v); ok && c == 0 {
				return true
			}
		} else {
			for _, l := range p.listed {
				if c, ok := compareVersions(p.order, l, v); ok && c == 0 {
					return true
				}
			}
		}
	}
	// Ranges of one order share the version read once.
	read := map[string]version{}
	for _, r := range p.ranges {
		rv, seen := read[r.order]
		if !seen {
			rv, _ = parseVersion(r.order, s)
			read[r.order] = rv
		}
		if r.affects(rv) {
			return true
		}
	}
	return false
}

func (p *prepared) at(i int, v version) (int, bool) {
	if i >= len(p.listed) {
		return 0, false
	}
	return compareVersions(p.order, p.listed[i], v)
}

// affects walks the events in version order: an introduced event at or
// below the version opens the range, a fixed or limit event at or below
// it, or a last_affected event below it, closes it. In a total order the
// last event below the version sets the state, then the events equal to
// it apply. Binary search finds both.
func (r prepRange) affects(v version) bool {
	if _, ok := compareVersions(r.order, v, v); !ok {
		return false
	}
	cmp := func(e prepEvent) int {
		if e.zero {
			return 1
		}
		c, _ := compareVersions(r.order, v, e.v)
		return c
	}
	if !totalOrder(r.order) {
		affected := false
		for _, e := range r.events {
			c := cmp(e)
			switch e.kind {
			case "introduced":
				if c >= 0 {
					affected = true
				}
			case "fixed", "limit":
				if c >= 0 {
					affected = false
				}
			case "last_affected":
				if c > 0 {
					affected = false
				}
			}
		}
		return affected
	}
	lo := sort.Search(len(r.events), func(i int) bool { return cmp(r.events[i]) <= 0 })
	hi := sort.Search(len(r.events), func(i int) bool { return cmp(r.events[i]) < 0 })
	for i := hi - 1; i >= lo; i-- {
		if r.events[i].kind != "last_affected" {
			return r.events[i].kind == "introduced"
		}
	}
	return lo > 0 && r.events[lo-1].kind == "introduced"
}

// MaxSize bounds the advisory files that ReadFile reads.
const MaxSize = 32 << 20

// ReadFile reads an advisory file of at most MaxSize bytes.
func ReadFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxSize {
		return nil, &Error{File: path, Msg: fmt.Sprintf("file is larger than %d MiB", MaxSize>>20)}
	}
	return data, nil
}
