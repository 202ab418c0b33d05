package sbom

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path"
	"path/filepath"
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
)

// maxSize bounds the SBOM files these parsers read whole.
const maxSize = 128 << 20

// maxPurlWarnings bounds the warnings about components without a purl
// given per file; the rest are counted in one last warning.
const maxPurlWarnings = 20

// Attribute keys written by this package beyond those in graph/model.go.
const (
	attrEcosystem = "ecosystem"
	attrVersion   = "version"
	attrSBOM      = "sbom" // DEPENDS_ON: the SBOM that lists the dependency
)

// baseName returns the file name of f without a .gz suffix, from its
// repository path when known.
func baseName(f *ingest.File) string {
	if f.RelPath != "" {
		return path.Base(f.RelPath)
	}
	return strings.TrimSuffix(filepath.Base(f.Path), ".gz")
}

// readTree reads and decodes the whole file.
func readTree(f *ingest.File) (*value, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, maxSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxSize {
		return nil, ingest.Errorf(ingest.Position{File: f.Path}, "file is larger than %d MiB", maxSize>>20)
	}
	// Tools on Windows may start the file with a UTF-8 byte order mark.
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	root, idx, err := decode(data)
	if err != nil {
		var se *syntaxError
		if errors.As(err, &se) {
			line, col := idx.position(se.offset)
			return nil, ingest.Errorf(ingest.Position{File: f.Path, Line: line, Col: col}, "%s", se.msg)
		}
		return nil, err
	}
	if root.kind != kindObject {
		return nil, ingest.Errorf(ingest.Position{File: f.Path, Line: root.line}, "top-level value is not an object")
	}
	return root, nil
}

// collector gathers the packages of one SBOM and the dependencies between
// them, and writes them as graph facts.
type collector struct {
	file  *ingest.File
	res   *ingest.Result
	nodes map[string]bool
	edges map[graph.EdgeKey]bool
	// noPurl counts components skipped for want of a purl.
	noPurl int
}

func newCollector(f *ingest.File, res *ingest.Result) *collector {
	return &collector{file: f, res: res, nodes: map[string]bool{}, edges: map[graph.EdgeKey]bool{}}
}

func (c *collector) pos(line int) graph.Pos { return graph.Pos{File: c.file.Path, Line: line} }

func (c *collector) warnf(at *value, format string, args ...any) {
	pos := ingest.Position{File: c.file.Path}
	if at != nil {
		pos.Line, pos.Col = at.line, at.col
	}
	c.res.Warnf(pos, format, args...)
}

// skipNoPurl warns about a component that has no usable purl.
func (c *collector) skipNoPurl(at *value, what string) {
	c.skipPurl(at, what+" has no purl; skipped")
}

// skipPurl gives warning msg about a component skipped for its purl, up
// to maxPurlWarnings per file.
func (c *collector) skipPurl(at *value, msg string) {
	c.noPurl++
	if c.noPurl <= maxPurlWarnings {
		c.warnf(at, "%s", msg)
	}
}

// finish reports components skipped beyond the warnings given.
func (c *collector) finish() {
	if n := c.noPurl - maxPurlWarnings; n > 0 {
		c.warnf(nil, "%d more components without a readable purl skipped", n)
	}
}

// addPackage writes the version and name nodes of p and VERSION_OF
// between them, once per file.
func (c *collector) addPackage(p pkg, line int) {
	pos := c.pos(line)
	if !c.nodes[p.nameID] {
		c.nodes[p.nameID] = true
		c.res.AddNode(graph.Node{
			ID: p.nameID, Kind: graph.NodePackage, Label: p.name, Pos: pos,
			Attrs: map[string]string{attrEcosystem: p.eco, graph.AttrName: p.name},
		})
	}
	if p.version == "" || c.nodes[p.id] {
		return
	}
	c.nodes[p.id] = true
	c.res.AddNode(graph.Node{
		ID: p.id, Kind: graph.NodePackage, Label: p.label(), Pos: pos,
		Attrs: map[string]string{attrEcosystem: p.eco, graph.AttrName: p.name, attrVersion: p.version},
	})
	c.res.AddEdge(graph.Edge{From: p.id, To: p.nameID, Kind: graph.EdgeVersionOf, Pos: pos})
}

// addSubject writes the SBOM's subject. An image known by tag and digest
// also gets its tag's node, which DEPENDS_ON the digest: a runtime that
// names the tag ran this digest when the SBOM was made, and may run
// another now that the tag has moved.
func (c *collector) addSubject(p pkg, line int) {
	c.addPackage(p, line)
	if p.image == nil || p.image.Digest == "" || p.image.Tag == "" {
		return
	}
	tagged := *p.image
	tagged.Digest = ""
	tp := imagePkg(tagged)
	c.addPackage(tp, line)
	c.addEdge(graph.Edge{
		From: tp.id, To: p.id, Kind: graph.EdgeDependsOn, Confidence: graph.Possible, Pos: c.pos(line),
		Attrs: map[string]string{
			attrSBOM:         c.file.RelPath,
			graph.AttrReason: fmt.Sprintf("%s named tag %s of this digest; the tag may point elsewhere now", c.file.RelPath, tagged.Tag),
		},
	})
}

// contains records that the subject holds a component.
func (c *collector) contains(subject, comp pkg, line int, direct string) {
	e := graph.Edge{
		From: subject.id, To: comp.id, Kind: graph.EdgeDependsOn, Pos: c.pos(line),
		Attrs: map[string]string{
			attrSBOM:         c.file.RelPath,
			graph.AttrReason: fmt.Sprintf("%s lists %s in %s", c.file.RelPath, comp.id, subject.id),
		},
	}
	if direct != "" {
		e.Attrs[graph.AttrDirect] = direct
	}
	c.addEdge(e)
}

// depends records a dependency between two components. The SBOM states it
// for this subject only, as a lockfile does for its project, so the edge
// carries the file in the lockfile attribute and queries do not walk it.
func (c *collector) depends(from, to pkg, line int) {
	c.addEdge(graph.Edge{
		From: from.id, To: to.id, Kind: graph.EdgeDependsOn, Pos: c.pos(line),
		Attrs: map[string]string{attrSBOM: c.file.RelPath, graph.AttrLockfile: c.file.RelPath},
	})
}

func (c *collector) addEdge(e graph.Edge) {
	if e.From == e.To || c.edges[e.Key()] {
		return
	}
	c.edges[e.Key()] = true
	c.res.AddEdge(e)
}
