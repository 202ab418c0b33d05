package lockfile

import (
	"context"
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
)

// Pipenv reads Pipfile.lock. Its default section is what `pipenv install`
// and `pipenv sync` install; develop is installed only when asked for
// (--dev), so those packages are dev and possible.
//
// Pipfile.lock lists every package flat, without the dependency tree and
// without marking the ones the Pipfile names. Every LOCKS edge therefore
// has direct=false, and no DEPENDS_ON edge is written.
type Pipenv struct{}

// NewPipenv returns the Pipfile.lock parser.
func NewPipenv() *Pipenv { return &Pipenv{} }

// Format implements ingest.Parser.
func (*Pipenv) Format() string { return "pipenv-lockfile" }

// Detect implements ingest.Parser.
func (*Pipenv) Detect(f *ingest.File) bool { return baseName(f) == "Pipfile.lock" }

// Parse implements ingest.Parser.
func (*Pipenv) Parse(ctx context.Context, f *ingest.File, env *ingest.Env, res *ingest.Result) error {
	data, err := readAll(f)
	if err != nil {
		return err
	}
	root, idx, err := decodeJSON(data)
	if err != nil {
		return jsonError(f, idx, err)
	}
	if root.Kind != jsonObject {
		return ingest.Errorf(ingest.Position{File: f.Path, Line: root.Line, Col: root.Col}, "top-level value is not an object")
	}
	pos := func(line, col int) ingest.Position { return ingest.Position{File: f.Path, Line: line, Col: col} }

	c := newCollector(f)
	if src := root.get("_meta").get("sources"); src != nil && src.Kind == jsonArray {
		for _, s := range src.Items {
			if u := s.get("url"); u != nil && u.Kind == jsonString {
				c.checkURL(u.Str, u.Line, res)
			}
		}
	}
	inDefault := map[string]bool{}
	if d := root.get("default"); d != nil && d.Kind == jsonObject {
		for _, m := range d.Members {
			inDefault[graph.PyPIName(m.Key)] = true
		}
	}
	for _, section := range []string{"default", "develop"} {
		sec := root.get(section)
		if sec == nil || sec.Kind == jsonNull {
			continue
		}
		if sec.Kind != jsonObject {
			return ingest.Errorf(pos(sec.Line, sec.Col), "%s is not an object", section)
		}
		dev := section == "develop"
		for _, m := range sec.Members {
			e := m.Value
			if e.Kind != jsonObject {
				res.Warnf(pos(m.Line, m.Col), "entry of %s is not an object; skipped", section)
				continue
			}
			pf := pkgFacts{
				Line:     m.Line,
				Dev:      dev,
				Possible: dev && !inDefault[graph.PyPIName(m.Key)],
				Attrs:    map[string]string{},
			}
			if mk := e.str("markers"); mk != "" {
				pf.Possible = true
				pf.Attrs[attrMarkers] = mk
			}
			if ex := e.get("extras"); ex != nil && ex.Kind == jsonArray {
				var extras []string
				for _, it := range ex.Items {
					extras = append(extras, it.Str)
				}
				pf.Attrs[attrExtras] = graph.JoinList(extras)
			}
			for _, field := range []string{"git", "file"} {
				if u := e.get(field); u != nil && u.Kind == jsonString {
					c.checkURL(u.Str, u.Line, res)
				}
			}
			version := ""
			switch v := e.str("version"); {
			case e.str("git") != "":
				pf.Attrs[attrOrigin] = "git"
			case e.str("path") != "":
				pf.Local = true
			case e.str("file") != "":
				pf.Attrs[attrOrigin] = "url"
			case strings.HasPrefix(v, "==="):
				version = strings.TrimSpace(v[3:])
			case strings.HasPrefix(v, "=="):
				version = strings.TrimSpace(v[2:])
			case v != "" && v != "*":
				pf.Attrs[attrRange] = v
			default:
				res.Warnf(pos(m.Line, m.Col), "package %s has no version; locked by name only", m.Key)
			}
			c.add(pkgRef{Eco: ecoPyPI, Name: m.Key, Version: version}, pf)
		}
	}
	return c.emit(res)
}
