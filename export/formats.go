package export

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
)

// kindColors fills DOT nodes by kind.
var kindColors = map[string]string{
	"Package": "#f4cccc", "Repository": "#d9d2e9", "Runtime": "#fce5cd", "Secret": "#fff2cc",
	"Identity": "#cfe2f3", "Resource": "#d9ead3", "Policy": "#eeeeee", unknownKind: "#ffffff",
}

// dotQuote renders a DOT double-quoted string of lines joined by DOT's
// line break. Control characters become spaces so that names from the
// input cannot end the statement.
func dotQuote(lines ...string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i, s := range lines {
		if i > 0 {
			b.WriteString(`\n`)
		}
		dotEscape(&b, s)
	}
	b.WriteByte('"')
	return b.String()
}

func dotEscape(b *strings.Builder, s string) {
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
}

// WriteDOT writes a Graphviz digraph: nodes filled by kind (starts with a
// bold border), possible edges dashed.
func WriteDOT(w io.Writer, g *Graph) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintln(bw, "digraph blastradius {")
	fmt.Fprintln(bw, "  rankdir=LR;")
	fmt.Fprintln(bw, `  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=10];`)
	fmt.Fprintln(bw, `  edge [fontname="Helvetica", fontsize=8];`)
	for _, n := range g.Nodes {
		extra := ""
		if g.Starts[n.ID] {
			extra = ", penwidth=3"
		}
		fmt.Fprintf(bw, "  %s [label=%s, fillcolor=%s%s];\n", dotQuote(n.ID), dotQuote(label(n), kindOf(n)),
			dotQuote(kindColors[kindOf(n)]), extra)
	}
	for _, e := range g.Edges {
		style := ""
		if e.Confidence == graph.Possible {
			style = ", style=dashed"
		}
		fmt.Fprintf(bw, "  %s -> %s [label=%s%s];\n", dotQuote(e.From), dotQuote(e.To), dotQuote(string(e.Kind)), style)
	}
	fmt.Fprintln(bw, "}")
	return bw.Flush()
}

// mermaidText escapes a label for a Mermaid quoted string with its entity
// codes, in one pass, so a "#" of the input never meets a produced code.
func mermaidText(s string) string {
	r := strings.NewReplacer(`"`, "#quot;", "<", "#lt;", ">", "#gt;", "\n", " ", "\r", " ", "`", "#96;", "#", "#35;")
	return r.Replace(s)
}

// WriteMermaid writes a Mermaid flowchart. Node ids are n0, n1, ... in
// node order; each label holds the node's name and kind.
func WriteMermaid(w io.Writer, g *Graph) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintln(bw, "flowchart LR")
	ids := map[string]string{}
	for i, n := range g.Nodes {
		id := "n" + strconv.Itoa(i)
		ids[n.ID] = id
		fmt.Fprintf(bw, "  %s[\"%s<br/>%s\"]\n", id, mermaidText(label(n)), mermaidText(kindOf(n)))
	}
	for _, e := range g.Edges {
		from, to := ids[e.From], ids[e.To]
		if from == "" || to == "" {
			continue
		}
		arrow := "-->"
		if e.Confidence == graph.Possible {
			arrow = "-.->"
		}
		fmt.Fprintf(bw, "  %s %s|%s| %s\n", from, arrow, mermaidText(string(e.Kind)), to)
	}
	for i, n := range g.Nodes {
		if g.Starts[n.ID] {
			fmt.Fprintf(bw, "  style n%d stroke-width:3px\n", i)
		}
	}
	return bw.Flush()
}

// CSVHeader is the first row WriteCSV writes.
var CSVHeader = []string{"record", "id", "kind", "label", "from", "to", "confidence", "attrs"}

// WriteCSV writes one row per node (record "node": id, kind, label) and
// per edge (record "edge": kind, from, to, confidence), attributes as a
// JSON object. Cells a spreadsheet would read as a formula are prefixed
// with a quote.
func WriteCSV(w io.Writer, g *Graph) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader); err != nil {
		return err
	}
	for _, n := range g.Nodes {
		if err := cw.Write(safeRow([]string{"node", n.ID, kindOf(n), n.Label, "", "", "", attrJSON(n.Attrs)})); err != nil {
			return err
		}
	}
	for _, e := range g.Edges {
		if err := cw.Write(safeRow([]string{"edge", "", string(e.Kind), "", e.From, e.To, string(e.Confidence), attrJSON(e.Attrs)})); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func safeRow(row []string) []string {
	for i, c := range row {
		if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
			row[i] = "'" + c
		}
	}
	return row
}

func attrJSON(m map[string]string) string {
	if len(m) == 0 {
		return ""
	}
	b, err := json.Marshal(m) // map keys are sorted
	if err != nil {
		return ""
	}
	return string(b)
}

// xmlText escapes text for XML content and attribute values, dropping
// characters XML 1.0 cannot carry.
func xmlText(s string) string {
	var b strings.Builder
	clean := strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' || (r >= 0x20 && r <= 0xD7FF) || (r >= 0xE000 && r <= 0xFFFD) || r >= 0x10000 && r <= 0x10FFFF {
			return r
		}
		return -1
	}, s)
	xml.EscapeText(&b, []byte(clean))
	return strings.ReplaceAll(b.String(), `"`, "&#34;")
}

// WriteGraphML writes GraphML with kind and label as declared keys. Every
// attribute gets a string key of its own, named by `attr.name`, with the
// id n_NAME for nodes and e_NAME for edges.
func WriteGraphML(w io.Writer, g *Graph) error {
	bw := bufio.NewWriter(w)
	nodeKeys, edgeKeys := map[string]bool{}, map[string]bool{}
	for _, n := range g.Nodes {
		for k := range n.Attrs {
			nodeKeys[k] = true
		}
	}
	for _, e := range g.Edges {
		for k := range e.Attrs {
			edgeKeys[k] = true
		}
	}
	fmt.Fprintln(bw, `<?xml version="1.0" encoding="UTF-8"?>`)
	fmt.Fprintln(bw, `<graphml xmlns="http://graphml.graphdrawing.org/xmlns">`)
	fmt.Fprintln(bw, `  <key id="kind" for="node" attr.name="kind" attr.type="string"/>`)
	fmt.Fprintln(bw, `  <key id="label" for="node" attr.name="label" attr.type="string"/>`)
	fmt.Fprintln(bw, `  <key id="start" for="node" attr.name="start" attr.type="boolean"/>`)
	fmt.Fprintln(bw, `  <key id="edge_kind" for="edge" attr.name="kind" attr.type="string"/>`)
	fmt.Fprintln(bw, `  <key id="confidence" for="edge" attr.name="confidence" attr.type="string"/>`)
	for _, k := range sortedKeys(nodeKeys) {
		fmt.Fprintf(bw, "  <key id=\"n_%s\" for=\"node\" attr.name=\"%s\" attr.type=\"string\"/>\n", xmlText(k), xmlText(k))
	}
	for _, k := range sortedKeys(edgeKeys) {
		fmt.Fprintf(bw, "  <key id=\"e_%s\" for=\"edge\" attr.name=\"%s\" attr.type=\"string\"/>\n", xmlText(k), xmlText(k))
	}
	fmt.Fprintln(bw, `  <graph id="blastradius" edgedefault="directed">`)
	for _, n := range g.Nodes {
		fmt.Fprintf(bw, "    <node id=\"%s\">\n", xmlText(n.ID))
		fmt.Fprintf(bw, "      <data key=\"kind\">%s</data>\n", xmlText(kindOf(n)))
		fmt.Fprintf(bw, "      <data key=\"label\">%s</data>\n", xmlText(label(n)))
		if g.Starts[n.ID] {
			fmt.Fprintln(bw, `      <data key="start">true</data>`)
		}
		for _, k := range sortedKeys(n.Attrs) {
			fmt.Fprintf(bw, "      <data key=\"n_%s\">%s</data>\n", xmlText(k), xmlText(n.Attrs[k]))
		}
		fmt.Fprintln(bw, "    </node>")
	}
	for i, e := range g.Edges {
		fmt.Fprintf(bw, "    <edge id=\"e%d\" source=\"%s\" target=\"%s\">\n", i, xmlText(e.From), xmlText(e.To))
		fmt.Fprintf(bw, "      <data key=\"edge_kind\">%s</data>\n", xmlText(string(e.Kind)))
		fmt.Fprintf(bw, "      <data key=\"confidence\">%s</data>\n", xmlText(string(e.Confidence)))
		for _, k := range sortedKeys(e.Attrs) {
			fmt.Fprintf(bw, "      <data key=\"e_%s\">%s</data>\n", xmlText(k), xmlText(e.Attrs[k]))
		}
		fmt.Fprintln(bw, "    </edge>")
	}
	fmt.Fprintln(bw, "  </graph>")
	fmt.Fprintln(bw, "</graphml>")
	return bw.Flush()
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// OpenGraphSourceKind is the source kind BloodHound gives every node of
// an export.
const OpenGraphSourceKind = "Blastradius"

type ogNode struct {
	ID         string            `json:"id"`
	Kinds      []string          `json:"kinds"`
	Properties map[string]string `json:"properties"`
}

type ogEnd struct {
	Value   string `json:"value"`
	MatchBy string `json:"match_by"`
}

type ogEdge struct {
	Start      ogEnd             `json:"start"`
	End        ogEnd             `json:"end"`
	Kind       string            `json:"kind"`
	Properties map[string]string `json:"properties,omitempty"`
}

type ogFile struct {
	Metadata struct {
		SourceKind string `json:"source_kind"`
	} `json:"metadata"`
	Graph struct {
		Nodes []ogNode `json:"nodes"`
		Edges []ogEdge `json:"edges"`
	} `json:"graph"`
}

// WriteOpenGraph writes the JSON that BloodHound CE's OpenGraph ingest
// reads. Each node has an id, its kind as the one entry of kinds, and
// string properties (name and the attributes). Each edge matches its
// start and end by node id and carries its kind, confidence and
// attributes.
//
// The document is written one node and one edge at a time, indented as
// encoding/json indents the whole document, so that a graph of millions
// of nodes is never held twice, nor its whole text.
func WriteOpenGraph(w io.Writer, g *Graph) error {
	bw := bufio.NewWriter(w)
	var head ogFile
	head.Metadata.SourceKind = OpenGraphSourceKind
	meta, err := json.MarshalIndent(head.Metadata, "  ", "  ")
	if err != nil {
		return err
	}
	fmt.Fprintf(bw, "{\n  \"metadata\": %s,\n  \"graph\": {\n    \"nodes\": ", meta)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("      ", "  ")
	enc.SetEscapeHTML(false)
	// element writes one member of a list: "[" before the first, "," and
	// a new line between members.
	element := func(i int, v any) error {
		buf.Reset()
		if err := enc.Encode(v); err != nil {
			return err
		}
		if i == 0 {
			bw.WriteString("[\n      ")
		} else {
			bw.WriteString(",\n      ")
		}
		_, err := bw.Write(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
		return err
	}
	closeList := func(n int) {
		if n == 0 {
			bw.WriteString("[]")
		} else {
			bw.WriteString("\n    ]")
		}
	}
	for i, n := range g.Nodes {
		props := make(map[string]string, len(n.Attrs)+3)
		for k, v := range n.Attrs {
			props[k] = v
		}
		props["name"] = label(n)
		props["objectid"] = n.ID
		if g.Starts[n.ID] {
			props["start"] = "true"
		}
		if err := element(i, ogNode{ID: n.ID, Kinds: []string{kindOf(n)}, Properties: props}); err != nil {
			return err
		}
	}
	closeList(len(g.Nodes))
	bw.WriteString(",\n    \"edges\": ")
	for i, e := range g.Edges {
		props := make(map[string]string, len(e.Attrs)+1)
		props["confidence"] = string(e.Confidence)
		for k, v := range e.Attrs {
			props[k] = v
		}
		edge := ogEdge{Start: ogEnd{Value: e.From, MatchBy: "id"}, End: ogEnd{Value: e.To, MatchBy: "id"},
			Kind: string(e.Kind), Properties: props}
		if err := element(i, edge); err != nil {
			return err
		}
	}
	closeList(len(g.Edges))
	bw.WriteString("\n  }\n}\n")
	return bw.Flush()
}
