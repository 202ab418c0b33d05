package lockfile

import (
	"errors"

	"github.com/pelletier/go-toml/v2"
	"github.com/pelletier/go-toml/v2/unstable"

	"github.com/blastradius-dev/blastradius/ingest"
)

// decodeTOML decodes a TOML lockfile into plain maps. It also returns the
// line of every [[name]] header, in the order of the decoded array of
// tables. A syntax error rejects the file at the decoder's position.
func decodeTOML(f *ingest.File, data []byte, name string) (map[string]any, []int, error) {
	doc, err := unmarshalTOML(f, data)
	if err != nil {
		return nil, nil, err
	}
	return doc, arrayTableLines(data, name), nil
}

// unmarshalTOML decodes a TOML document into plain maps. A syntax error
// rejects the file at the decoder's position.
func unmarshalTOML(f *ingest.File, data []byte) (map[string]any, error) {
	var doc map[string]any
	if err := toml.Unmarshal(data, &doc); err != nil {
		var de *toml.DecodeError
		if errors.As(err, &de) {
			line, col := de.Position()
			return nil, ingest.Errorf(ingest.Position{File: f.Path, Line: line, Col: col}, "invalid TOML syntax")
		}
		return nil, ingest.Errorf(ingest.Position{File: f.Path}, "invalid TOML")
	}
	return doc, nil
}

// arrayTableLines returns the line of every [[name]] header of a TOML
// document. It uses the TOML parser, so text inside a string is not taken
// for a header.
func arrayTableLines(data []byte, name string) []int {
	idx := newLineIndex(data)
	var p unstable.Parser
	p.Reset(data)
	var out []int
	for p.NextExpression() {
		e := p.Expression()
		if e.Kind != unstable.ArrayTable {
			continue
		}
		it := e.Key()
		if !it.Next() {
			continue
		}
		k := it.Node()
		if string(k.Data) != name || !it.IsLast() {
			continue
		}
		line, _ := idx.position(int64(k.Raw.Offset))
		out = append(out, line)
	}
	return out
}

// tomlLine returns the line of the i-th table of an array whose headers
// are at lines, or 0 when the counts disagree.
func tomlLine(lines []int, i, n int) int {
	if len(lines) == n && i < n {
		return lines[i]
	}
	return 0
}

// tomlStr returns t[key] when it is a string.
func tomlStr(t map[string]any, key string) string {
	s, _ := t[key].(string)
	return s
}
