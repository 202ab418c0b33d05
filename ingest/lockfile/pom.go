package lockfile

import (
	"bytes"
	"cmp"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
	"github.com/blastradius-dev/blastradius/ingest/internal/registry"
)

// POM reads a pom.xml: the direct dependencies its <dependencies> list
// and, for the pom.xml at the top of a repository, the coordinates
// (groupId:artifactId) of the project that mvn deploy from there
// publishes.
//
// A dependency's version is read where the pom itself gives it: literally,
// through a ${property} its <properties> define or a ${project.*} value of
// its own, or from its <dependencyManagement> when the dependency gives
// none. A version range, or a property or managed version that only a
// parent POM, an imported BOM or the command line defines, pins nothing:
// the LOCKS edge goes to the name, with the range attribute. The
// dependencies of a profile are there only when the profile is active, so
// their edges are possible. The scope attribute is the dependency's
// scope (test dependencies run only with the tests).
//
// Maven has no lockfile: the versions of transitive dependencies, which
// Maven works out from the dependencies' own POMs, are not in the input
// and not read. <dependencyManagement> alone adds no dependency, and the
// dependencies of plugins are not the project's.
type POM struct{}

// NewPOM returns the pom.xml parser.
func NewPOM() *POM { return &POM{} }

// Format implements ingest.Parser.
func (*POM) Format() string { return "maven-pom" }

// Detect implements ingest.Parser. It claims every pom.xml except those
// under a src or target folder, which hold test projects and build
// output rather than modules of the build.
func (*POM) Detect(f *ingest.File) bool {
	if baseName(f) != "pom.xml" {
		return false
	}
	rel := filepath.ToSlash(f.RelPath)
	for _, dir := range strings.Split(path.Dir(rel), "/") {
		if dir == "src" || dir == "target" {
			return false
		}
	}
	return true
}

// mavenCoordinate matches the groupIds and artifactIds that Maven
// accepts: letters, digits, '.', '-' and '_'.
var mavenCoordinate = regexp.MustCompile(`^[A-Za-z0-9_.-]+$`)

// Parse implements ingest.Parser. The project is groupId:artifactId, with
// the groupId of <parent> when the project gives none, as Maven inherits
// it. A value with a property reference (${...}) is set at build time and
// not read. A distributionManagement repository other than Maven
// Central's sends mvn deploy there, so the project names no package on
// Maven Central.
func (*POM) Parse(ctx context.Context, f *ingest.File, env *ingest.Env, res *ingest.Result) error {
	data, err := readAll(f)
	if err != nil {
		return err
	}
	p, err := readPOM(data)
	if err != nil {
		pos := ingest.Position{File: f.Path}
		var syntaxErr *xml.SyntaxError
		var pomErr *pomError
		switch {
		case errors.As(err, &syntaxErr):
			pos.Line = syntaxErr.Line
		case errors.As(err, &pomErr):
			pos.Line = pomErr.line
		}
		return ingest.Errorf(pos, "invalid pom.xml: %v", err)
	}

	c := newCollector(f)
	if atRepoTop(f, "pom.xml") {
		attrs := map[string]string{}
		group := cmp.Or(p.group, p.parentGroup)
		toCentral := p.distURL == "" || registry.MavenHost(p.distURL) == registry.MavenCentralRegistry
		if mavenCoordinate.MatchString(group) && mavenCoordinate.MatchString(p.artifact) && toCentral {
			attrs[graph.AttrMavenProject] = group + ":" + p.artifact
		}
		c.repoAttrs = attrs
	}

	managed := map[string]pomDep{}
	for _, d := range p.managed {
		group, groupOK := p.resolve(d.group)
		artifact, artifactOK := p.resolve(d.artifact)
		if groupOK && artifactOK {
			managed[group+":"+artifact] = d
		}
	}
	for _, d := range p.deps {
		pos := ingest.Position{File: f.Path, Line: d.line}
		if d.group == "" || d.artifact == "" {
			res.Warnf(pos, "dependency without a groupId or artifactId; skipped")
			continue
		}
		group, groupOK := p.resolve(d.group)
		artifact, artifactOK := p.resolve(d.artifact)
		if !groupOK || !artifactOK || !mavenCoordinate.MatchString(group) || !mavenCoordinate.MatchString(artifact) {
			res.Warnf(pos, "dependency's groupId or artifactId is not a Maven coordinate once the pom's properties are put in; skipped")
			continue
		}
		version, scope := d.version, d.scope
		if m, ok := managed[group+":"+artifact]; ok && version == "" {
			version = m.version
			scope = cmp.Or(scope, m.scope)
		}
		scope = cmp.Or(scope, "compile")
		ref := pkgRef{Eco: ecoMaven, Name: group + ":" + artifact}
		pf := pkgFacts{
			Line: d.line, Direct: true, Dev: scope == "test", Local: scope == "system",
			Possible: d.profile != "",
			Attrs:    map[string]string{attrScope: scope},
		}
		if d.profile != "" && validText(d.profile) && len(d.profile) <= maxRangeText {
			pf.Attrs[attrProfile] = d.profile
		}
		resolved, ok := p.resolve(version)
		switch {
		case version == "":
			// A parent POM or an imported BOM manages the version.
		case !ok:
			setRange(pf.Attrs, version)
		case mavenExact.MatchString(resolved):
			ref.Version = resolved[1 : len(resolved)-1]
		case strings.ContainsAny(resolved, "[](),") || resolved == "LATEST" || resolved == "RELEASE":
			setRange(pf.Attrs, resolved)
		default:
			ref.Version = resolved
		}
		c.add(ref, pf)
	}
	return c.emit(res)
}

// Attribute keys of the LOCKS edges a pom.xml gives: the dependency's
// Maven scope, and the profile that declares it.
const (
	attrScope   = "scope"
	attrProfile = "profile"
)

// maxRangeText bounds the version specifiers and profile names that
// attributes keep.
const maxRangeText = 256

// setRange records a version specifier that pins no version, when it is
// short, plain text.
func setRange(attrs map[string]string, spec string) {
	if spec != "" && len(spec) <= maxRangeText && validText(spec) {
		attrs[attrRange] = spec
	}
}

// mavenExact matches a Maven version range that allows one version only:
// [1.4.1].
var mavenExact = regexp.MustCompile(`^\[[^\[\](),]+\]$`)

// pomDep is one <dependency> element of a POM, as written.
type pomDep struct {
	group, artifact, version, scope string
	line                            int
	profile                         string // the profile it is in, or ""
}

// pomFile is the project's coordinates, properties and dependencies that
// a POM gives, as written.
type pomFile struct {
	group, artifact, version string
	parentGroup, parentVer   string
	distURL                  string
	props                    map[string]string
	deps                     []pomDep
	managed                  []pomDep
	// resolved caches the results of resolve, and budget is what is left
	// of maxPropertyWork.
	resolved map[string]resolvedText
	budget   int
}

// resolvedText is a result of pomFile.resolve.
type resolvedText struct {
	text string
	ok   bool
}

// pomError is an error in a document that is well-formed XML but no POM.
type pomError struct {
	line int
	msg  string
}

func (e *pomError) Error() string { return e.msg }

// Bounds of the elements a POM nests and of the text of one element.
const (
	maxPOMDepth = 256
	maxPOMText  = 4096
)

// Element paths of a POM, from the root, that hold a dependency.
const (
	pomDepPath        = "project/dependencies/dependency"
	pomProfileDepPath = "project/profiles/profile/dependencies/dependency"
	pomManagedDepPath = "project/dependencyManagement/dependencies/dependency"
	pomProfilePath    = "project/profiles/profile"
)

// readPOM reads the parts of a POM that Parse uses, element by element,
// so that each dependency keeps the line where it starts.
func readPOM(data []byte) (*pomFile, error) {
	d := xmlDecoder(data)
	p := &pomFile{props: map[string]string{}, budget: maxPropertyWork}
	var stack []string
	var text strings.Builder
	var dep *pomDep
	profileStart, profileID := 0, ""
	seenRoot := false
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			line, _ := d.InputPos()
			if len(stack) == 0 {
				if seenRoot || t.Name.Local != "project" {
					return nil, &pomError{line: line, msg: fmt.Sprintf("root element is <%s>, expected <project>", quoteXMLName(t.Name.Local))}
				}
				seenRoot = true
			}
			if len(stack) >= maxPOMDepth {
				return nil, &pomError{line: line, msg: fmt.Sprintf("elements nested deeper than %d levels", maxPOMDepth)}
			}
			stack = append(stack, t.Name.Local)
			text.Reset()
			switch pomPath(stack) {
			case pomDepPath, pomProfileDepPath, pomManagedDepPath:
				dep = &pomDep{line: line}
			case pomProfilePath:
				profileStart, profileID = len(p.deps), ""
			}
		case xml.CharData:
			if text.Len()+len(t) <= maxPOMText {
				text.Write(t)
			}
		case xml.EndElement:
			p.closeElement(stack, strings.TrimSpace(text.String()), &dep, &profileID, profileStart)
			stack = stack[:len(stack)-1]
			text.Reset()
		}
	}
	if !seenRoot {
		return nil, &pomError{msg: "missing <project> element"}
	}
	return p, nil
}

// closeElement records the text of the element that stack ends with, as
// the element closes.
func (p *pomFile) closeElement(stack []string, value string, dep **pomDep, profileID *string, profileStart int) {
	at := pomPath(stack)
	switch at {
	case "project/groupId":
		p.group = value
	case "project/artifactId":
		p.artifact = value
	case "project/version":
		p.version = value
	case "project/parent/groupId":
		p.parentGroup = value
	case "project/parent/version":
		p.parentVer = value
	case "project/distributionManagement/repository/url":
		p.distURL = value
	case pomProfilePath + "/id":
		*profileID = value
	case pomProfilePath:
		for i := profileStart; i < len(p.deps); i++ {
			p.deps[i].profile = cmp.Or(*profileID, "unnamed")
		}
	case pomDepPath, pomProfileDepPath:
		if *dep != nil {
			p.deps = append(p.deps, **dep)
			*dep = nil
		}
	case pomManagedDepPath:
		if *dep != nil {
			p.managed = append(p.managed, **dep)
			*dep = nil
		}
	}
	if len(stack) == 3 && stack[1] == "properties" {
		p.props[stack[2]] = value
		return
	}
	if *dep == nil || len(stack) < 2 {
		return
	}
	switch parent := pomPath(stack[:len(stack)-1]); {
	case parent != pomDepPath && parent != pomProfileDepPath && parent != pomManagedDepPath:
	case stack[len(stack)-1] == "groupId":
		(*dep).group = value
	case stack[len(stack)-1] == "artifactId":
		(*dep).artifact = value
	case stack[len(stack)-1] == "version":
		(*dep).version = value
	case stack[len(stack)-1] == "scope":
		(*dep).scope = value
	}
}

// pomPath joins the names of open elements, up to the depth of the
// deepest path that readPOM looks for.
func pomPath(stack []string) string {
	if len(stack) > 6 {
		return ""
	}
	return strings.Join(stack, "/")
}

// quoteXMLName cuts an element name for an error message.
func quoteXMLName(s string) string {
	if len(s) > 64 || !validText(s) {
		return "…"
	}
	return s
}

// Bounds of the substitution of properties: rounds, the length a value
// may grow to, and the characters that all substitutions of one file may
// write, so that many references to a long value cannot take minutes.
const (
	maxPropertyRounds = 10
	maxPropertyText   = 1024
	maxPropertyWork   = 16 << 20
)

// pomProperty matches a property reference: ${name}.
var pomProperty = regexp.MustCompile(`\$\{([^${}]*)\}`)

// resolve puts into s the values of the properties it refers to: those of
// <properties> and the project's own coordinates (project.version,
// project.groupId, project.parent.version and their older pom. and bare
// forms). ok is false when a reference is left that the pom does not
// define, or when the values nest deeper or grow longer than the bounds.
func (p *pomFile) resolve(s string) (string, bool) {
	if !strings.Contains(s, "${") {
		return s, true
	}
	if r, ok := p.resolved[s]; ok {
		return r.text, r.ok
	}
	text, ok := p.substitute(s)
	if p.resolved == nil {
		p.resolved = map[string]resolvedText{}
	}
	p.resolved[s] = resolvedText{text, ok}
	return text, ok
}

// substitute is resolve without the cache.
func (p *pomFile) substitute(s string) (string, bool) {
	for range maxPropertyRounds {
		if !strings.Contains(s, "${") {
			return s, true
		}
		known := true
		s = pomProperty.ReplaceAllStringFunc(s, func(ref string) string {
			v, ok := p.property(ref[2 : len(ref)-1])
			if !ok {
				known = false
				return ref
			}
			return v
		})
		p.budget -= len(s)
		if !known || len(s) > maxPropertyText || p.budget < 0 {
			return s, false
		}
	}
	return s, !strings.Contains(s, "${")
}

// property returns the value of one property the pom defines.
func (p *pomFile) property(name string) (string, bool) {
	var v string
	switch name {
	case "project.version", "pom.version", "version":
		v = cmp.Or(p.version, p.parentVer)
	case "project.groupId", "pom.groupId", "groupId":
		v = cmp.Or(p.group, p.parentGroup)
	case "project.artifactId", "pom.artifactId", "artifactId":
		v = p.artifact
	case "project.parent.version", "parent.version":
		v = p.parentVer
	case "project.parent.groupId", "parent.groupId":
		v = p.parentGroup
	default:
		value, ok := p.props[name]
		return value, ok
	}
	return v, v != ""
}

// decodeXML decodes an XML document into v. It reads UTF-8, and
// ISO-8859-1 and US-ASCII where the declaration names them, as some POMs
// do. encoding/xml expands no external entities.
func decodeXML(data []byte, v any) error {
	return xmlDecoder(data).Decode(v)
}

// xmlDecoder returns a decoder of an XML document that reads the
// encodings decodeXML reads.
func xmlDecoder(data []byte) *xml.Decoder {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.CharsetReader = func(label string, input io.Reader) (io.Reader, error) {
		switch strings.ToLower(label) {
		case "iso-8859-1", "iso8859-1", "latin1", "us-ascii", "ascii":
			raw, err := io.ReadAll(input)
			if err != nil {
				return nil, err
			}
			// Each ISO-8859-1 byte is the code point of the same value.
			runes := make([]rune, len(raw))
			for i, b := range raw {
				runes[i] = rune(b)
			}
			return strings.NewReader(string(runes)), nil
		}
		return nil, fmt.Errorf("unsupported encoding %q", label)
	}
	return d
}
