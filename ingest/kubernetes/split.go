package kubernetes

import (
	"bytes"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/blastradius-dev/blastradius/ingest"
	"github.com/blastradius-dev/blastradius/ingest/internal/yamlfile"
	"github.com/blastradius-dev/blastradius/internal/yamlerr"
)

// document is one YAML document of a file: its text and the file line its
// first line is on.
type document struct {
	text []byte
	line int
}

// splitDocuments cuts a YAML stream at its document markers, so that a
// document that does not parse spoils only itself. A "---" line starts a
// document and stays in it, since it may carry content. A "..." line ends one.
// A marker always sits at the start of a line, so block scalars, which are
// indented, never hide one.
func splitDocuments(data []byte) []document {
	var docs []document
	start, startLine := 0, 1
	line := 1
	flush := func(end int) {
		if end > start {
			docs = append(docs, document{text: data[start:end], line: startLine})
		}
	}
	for off := 0; off < len(data); {
		end := bytes.IndexByte(data[off:], '\n')
		next := len(data)
		if end >= 0 {
			next = off + end + 1
		}
		l := bytes.TrimRight(data[off:next], "\r\n")
		switch {
		case isDocStart(l):
			flush(off)
			start, startLine = off, line
		case isDocEnd(l):
			flush(off)
			start, startLine = next, line+1
		}
		off = next
		line++
	}
	flush(len(data))
	return docs
}

func isDocStart(l []byte) bool {
	return bytes.Equal(l, []byte("---")) || bytes.HasPrefix(l, []byte("--- ")) || bytes.HasPrefix(l, []byte("---\t"))
}

func isDocEnd(l []byte) bool {
	return bytes.Equal(bytes.TrimRight(l, " \t"), []byte("..."))
}

// docError is a document that cannot be read.
type docError struct {
	pos  ingest.Position
	msg  string
	helm bool // a Helm template, skipped with a warning
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// decode parses a document. It returns nil and no error for a document of
// comments only.
func (d document) decode(file string) (*yaml.Node, *docError) {
	var doc yaml.Node
	if err := yaml.Unmarshal(d.text, &doc); err != nil {
		if i := bytes.Index(d.text, []byte("{{")); i >= 0 {
			return nil, helmError(file, d.line+bytes.Count(d.text[:i], []byte{'\n'}))
		}
		pos := ingest.Position{File: file, Line: d.line}
		msg := "invalid YAML"
		if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
			// yamlerr.Split corrects the line of the parser's problems,
			// which the decoder counts from 0.
			if n, _ := yamlerr.Split(err); n > 0 {
				pos.Line = d.line + n - 1
			}
			if quotesNoInput(m[2]) {
				msg = "invalid YAML: " + m[2]
			}
		} else if line, col := yamlfile.BadCharPosition(d.text, err); line > 0 {
			// The decoder gives no line for a character that YAML does
			// not allow, and its message quotes no input.
			pos.Line, pos.Col = d.line+line-1, col
			msg = "invalid YAML: " + strings.TrimPrefix(err.Error(), "yaml: ")
		}
		return nil, &docError{pos: pos, msg: msg}
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return nil, nil
	}
	root := doc.Content[0]
	shift(root, d.line-1, 0)
	if root.Kind != yaml.MappingNode {
		if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
			return nil, nil
		}
		return nil, &docError{pos: ingest.Position{File: file, Line: root.Line, Col: root.Column}, msg: "document is not a mapping"}
	}
	return root, nil
}

var quoted = regexp.MustCompile(`'([^']*)'`)

// quotesNoInput reports whether a decoder message can be shown: it may
// quote the punctuation the decoder expected, never text of the input.
func quotesNoInput(msg string) bool {
	if strings.ContainsAny(msg, "`\"") {
		return false
	}
	for _, m := range quoted.FindAllStringSubmatch(msg, -1) {
		if len(m[1]) != 1 || strings.ContainsAny(m[1], "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") {
			return false
		}
	}
	return strings.Count(msg, "'")%2 == 0
}

func helmError(file string, line int) *docError {
	return &docError{
		pos:  ingest.Position{File: file, Line: line},
		msg:  "document holds Helm template directives ({{ }}): document skipped; ingest the output of helm template instead",
		helm: true,
	}
}

// maxDepth bounds how deep the walks over a document go.
const maxDepth = 64

// shift moves every line of a document by off, so that positions are
// lines of the file. Aliases are not followed: the node they name is
// shifted where it is defined.
func shift(n *yaml.Node, off, depth int) {
	if n == nil || depth > maxDepth*4 {
		return
	}
	n.Line += off
	if n.Kind == yaml.AliasNode {
		return
	}
	for _, c := range n.Content {
		shift(c, off, depth+1)
	}
}

// templated returns the first node of a document that shows a Helm
// template: a scalar holding "{{", or a flow mapping whose key is itself a
// mapping, which is how "{{ .Values.x }}" parses when unquoted.
func templated(n *yaml.Node, depth int) *yaml.Node {
	if n == nil || depth > maxDepth*4 {
		return nil
	}
	switch n.Kind {
	case yaml.ScalarNode:
		if strings.Contains(n.Value, "{{") {
			return n
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Kind == yaml.MappingNode {
				return n.Content[i]
			}
		}
	}
	if n.Kind == yaml.AliasNode {
		return nil
	}
	for _, c := range n.Content {
		if t := templated(c, depth+1); t != nil {
			return t
		}
	}
	return nil
}
