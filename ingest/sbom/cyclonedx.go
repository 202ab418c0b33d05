package sbom

import (
	"context"
	"regexp"
	"strings"

	"github.com/blastradius-dev/blastradius/ingest"
)

// CycloneDX reads CycloneDX JSON documents (specification 1.2 to 1.6).
type CycloneDX struct{}

// NewCycloneDX returns the CycloneDX parser.
func NewCycloneDX() *CycloneDX { return &CycloneDX{} }

// Format implements ingest.Parser.
func (*CycloneDX) Format() string { return "cyclonedx" }

var cdxHead = regexp.MustCompile(`"bomFormat"\s*:\s*"CycloneDX"`)

// Detect implements ingest.Parser. It claims .cdx.json files and JSON
// files whose first bytes declare bomFormat CycloneDX.
func (*CycloneDX) Detect(f *ingest.File) bool {
	name := strings.ToLower(baseName(f))
	if !strings.HasSuffix(name, ".json") {
		return false
	}
	return strings.HasSuffix(name, ".cdx.json") || cdxHead.Match(f.Head)
}

// cdxVersions are the specification versions whose JSON this parser reads.
var cdxVersions = map[string]bool{"1.2": true, "1.3": true, "1.4": true, "1.5": true, "1.6": true}

// maxComponents bounds the components read from one document.
const maxComponents = 200000

// Parse implements ingest.Parser.
func (*CycloneDX) Parse(ctx context.Context, f *ingest.File, env *ingest.Env, res *ingest.Result) error {
	root, err := readTree(f)
	if err != nil {
		return err
	}
	if root.text("bomFormat") != "CycloneDX" {
		return ingest.Errorf(ingest.Position{File: f.Path, Line: root.line}, "bomFormat is not CycloneDX")
	}
	if v := root.get("specVersion"); v == nil || !cdxVersions[v.str] {
		line := root.line
		if v != nil {
			line = v.line
		}
		res.Warnf(ingest.Position{File: f.Path, Line: line}, "specVersion is not 1.2 to 1.6; read as 1.6")
	}
	c := newCollector(f, res)

	var subject *pkg
	subjectRef := ""
	if mc := root.get("metadata").get("component"); mc != nil && mc.kind == kindObject {
		subjectRef = mc.text("bom-ref")
		if p, ok := cdxSubject(mc); ok {
			subject = &p
			c.addSubject(p, mc.line)
		} else {
			c.warnf(mc, "metadata.component has no purl and is no container image with a name; components are recorded but linked to no subject")
		}
	} else {
		c.warnf(root, "document has no metadata.component; components are recorded but linked to no subject")
	}

	// Components, nested ones included, in document order.
	type comp struct {
		p    pkg
		line int
	}
	var comps []comp
	refs := map[string]pkg{}
	if subject != nil && subjectRef != "" {
		refs[subjectRef] = *subject
	}
	stack := reverse(root.list("components"))
	for len(stack) > 0 && len(comps) < maxComponents {
		if err := ctx.Err(); err != nil {
			return err
		}
		v := stack[len(stack)-1]
		stack = append(stack[:len(stack)-1], reverse(v.list("components"))...)
		if v.kind != kindObject {
			c.skipPurl(v, "component is not an object; skipped")
			continue
		}
		purl := v.text("purl")
		if purl == "" {
			c.skipNoPurl(v, "component")
			continue
		}
		p, ok := packageOf(purl)
		if !ok {
			c.skipPurl(v.get("purl"), "component purl cannot be read; skipped")
			continue
		}
		if ref := v.text("bom-ref"); ref != "" {
			refs[ref] = p
		}
		c.addPackage(p, v.line)
		comps = append(comps, comp{p, v.line})
	}
	if len(stack) > 0 {
		c.warnf(root, "more than %d components; the rest are skipped", maxComponents)
	}

	// The dependency graph, where the document gives one.
	var direct map[string]bool
	for _, d := range root.list("dependencies") {
		from, ok := refs[d.text("ref")]
		if !ok {
			continue
		}
		isSubject := subject != nil && d.text("ref") == subjectRef
		if isSubject && direct == nil {
			direct = map[string]bool{}
		}
		for _, to := range d.list("dependsOn") {
			tp, ok := refs[to.str]
			if !ok || to.kind != kindString {
				continue
			}
			if isSubject {
				direct[tp.id] = true
				continue
			}
			c.depends(from, tp, to.line)
		}
	}

	if subject != nil {
		for _, cp := range comps {
			d := ""
			if direct != nil {
				d = boolText(direct[cp.p.id])
			}
			c.contains(*subject, cp.p, cp.line, d)
		}
	}
	c.finish()
	res.Records += len(comps)
	return nil
}

// cdxSubject reads the package a CycloneDX document describes: its purl,
// or for a container image without one, its name and version.
func cdxSubject(mc *value) (pkg, bool) {
	if purl := mc.text("purl"); purl != "" {
		if p, ok := packageOf(purl); ok {
			return withNameTag(p, mc.text("name")), true
		}
	}
	if mc.text("type") != "container" {
		return pkg{}, false
	}
	ref, ok := imageRef(mc.text("name"), mc.text("version"), "")
	if !ok {
		return pkg{}, false
	}
	return imagePkg(ref), true
}

func reverse(vs []*value) []*value {
	out := make([]*value, len(vs))
	for i, v := range vs {
		out[len(vs)-1-i] = v
	}
	return out
}

func boolText(b bool) string {
	if b {
		return "true"
	}
	return "false"
}
