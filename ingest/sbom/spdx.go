package sbom

import (
	"context"
	"regexp"
	"strings"

	"github.com/blastradius-dev/blastradius/ingest"
)

// SPDX reads SPDX JSON documents (versions 2.2 and 2.3).
type SPDX struct{}

// NewSPDX returns the SPDX parser.
func NewSPDX() *SPDX { return &SPDX{} }

// Format implements ingest.Parser.
func (*SPDX) Format() string { return "spdx" }

var spdxHead = regexp.MustCompile(`"spdxVersion"\s*:\s*"SPDX-`)

// Detect implements ingest.Parser. It claims .spdx.json files and JSON
// files whose first bytes carry an spdxVersion.
func (*SPDX) Detect(f *ingest.File) bool {
	name := strings.ToLower(baseName(f))
	if !strings.HasSuffix(name, ".json") {
		return false
	}
	return strings.HasSuffix(name, ".spdx.json") || spdxHead.Match(f.Head)
}

// spdxPackage is one entry of an SPDX document's packages.
type spdxPackage struct {
	id      string
	line    int
	at      *value // the package's object, for warnings
	p       pkg
	ok      bool // p holds a package with a purl
	subject bool
}

// Parse implements ingest.Parser.
func (*SPDX) Parse(ctx context.Context, f *ingest.File, env *ingest.Env, res *ingest.Result) error {
	root, err := readTree(f)
	if err != nil {
		return err
	}
	ver := root.get("spdxVersion")
	if ver == nil || ver.kind != kindString || !strings.HasPrefix(ver.str, "SPDX-2.") {
		return ingest.Errorf(ingest.Position{File: f.Path, Line: root.line}, "spdxVersion is not SPDX-2.x; SPDX 3 documents are not read")
	}
	if ver.str != "SPDX-2.2" && ver.str != "SPDX-2.3" {
		res.Warnf(ingest.Position{File: f.Path, Line: ver.line}, "spdxVersion is not SPDX-2.2 or SPDX-2.3; read as SPDX-2.3")
	}
	c := newCollector(f, res)
	docID := root.text("SPDXID")
	if docID == "" {
		docID = "SPDXRef-DOCUMENT"
	}

	// The packages the document describes.
	described := map[string]bool{}
	for _, d := range root.list("documentDescribes") {
		if d.kind == kindString {
			described[d.str] = true
		}
	}
	rels := root.list("relationships")
	for _, r := range rels {
		a, typ, b := r.text("spdxElementId"), r.text("relationshipType"), r.text("relatedSpdxElement")
		switch {
		case a == docID && typ == "DESCRIBES":
			described[b] = true
		case b == docID && typ == "DESCRIBED_BY":
			described[a] = true
		}
	}

	byID := map[string]*spdxPackage{}
	var order []*spdxPackage
	for _, v := range root.list("packages") {
		if err := ctx.Err(); err != nil {
			return err
		}
		if v.kind != kindObject {
			c.skipPurl(v, "package is not an object; skipped")
			continue
		}
		sp := &spdxPackage{id: v.text("SPDXID"), line: v.line, at: v, subject: described[v.text("SPDXID")]}
		sp.p, sp.ok = spdxPkg(v, sp.subject)
		if sp.id != "" {
			byID[sp.id] = sp
		}
		order = append(order, sp)
		switch {
		case sp.ok && sp.subject:
			c.addSubject(sp.p, sp.line)
		case sp.ok:
			c.addPackage(sp.p, sp.line)
		case sp.subject:
			c.warnf(sp.at, "described package has no purl and is no container image with a name; its components are linked to no subject")
		default:
			c.skipNoPurl(sp.at, "package")
		}
	}

	// Dependencies between packages, from the relationships.
	down := map[string][]string{}
	for _, r := range rels {
		a, typ, b := r.text("spdxElementId"), r.text("relationshipType"), r.text("relatedSpdxElement")
		switch typ {
		case "DEPENDS_ON", "CONTAINS":
		case "DEPENDENCY_OF", "RUNTIME_DEPENDENCY_OF", "CONTAINED_BY":
			a, b = b, a
		default:
			continue
		}
		from, to := byID[a], byID[b]
		if from == nil || to == nil {
			continue
		}
		down[a] = append(down[a], b)
		if from.ok && to.ok && !from.subject {
			c.depends(from.p, to.p, r.line)
		}
	}

	var subjects []*spdxPackage
	for _, sp := range order {
		if sp.subject && sp.ok {
			subjects = append(subjects, sp)
		}
	}
	records := 0
	for _, sp := range order {
		if sp.ok && !sp.subject {
			records++
		}
	}
	switch {
	case len(subjects) == 0 && records > 0:
		c.warnf(root, "document describes no package with a purl or image name; packages are recorded but linked to no subject")
	case len(subjects) == 1:
		// Every other package of the document is part of its one subject.
		s := subjects[0]
		for _, sp := range order {
			if sp.ok && !sp.subject {
				c.contains(s.p, sp.p, sp.line, directText(down[s.id], sp.id))
			}
		}
	default:
		// Several subjects: each holds what its relationships reach.
		for _, s := range subjects {
			for _, id := range reachable(down, s.id) {
				if sp := byID[id]; sp != nil && sp.ok && !sp.subject {
					c.contains(s.p, sp.p, sp.line, directText(down[s.id], sp.id))
				}
			}
		}
	}
	c.finish()
	res.Records += records
	return nil
}

// spdxPkg reads an SPDX package's purl, or for a container image without
// one, its name and version.
func spdxPkg(v *value, subject bool) (pkg, bool) {
	for _, ref := range v.list("externalRefs") {
		if ref.text("referenceType") != "purl" {
			continue
		}
		if p, ok := packageOf(ref.text("referenceLocator")); ok {
			if subject {
				p = withNameTag(p, v.text("name"))
			}
			return p, true
		}
	}
	if !subject || v.text("primaryPackagePurpose") != "CONTAINER" {
		return pkg{}, false
	}
	ref, ok := imageRef(v.text("name"), v.text("versionInfo"), "")
	if !ok {
		return pkg{}, false
	}
	return imagePkg(ref), true
}

// directText returns "true" when id is among a subject's own
// relationships, "false" when not, and "" when the subject has none.
func directText(ids []string, id string) string {
	if len(ids) == 0 {
		return ""
	}
	for _, x := range ids {
		if x == id {
			return "true"
		}
	}
	return "false"
}

// reachable lists the ids reachable from id in the graph down, id
// excluded, in breadth-first order.
func reachable(down map[string][]string, id string) []string {
	seen := map[string]bool{id: true}
	queue := []string{id}
	var out []string
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		for _, n := range down[cur] {
			if !seen[n] {
				seen[n] = true
				out = append(out, n)
				queue = append(queue, n)
			}
		}
	}
	return out
}
