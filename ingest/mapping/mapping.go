// Package mapping reads the mapping file: facts that a team states
// because no other input shows them. A GitHub secret set by hand in the
// repository's settings holds some user's access key, a partner's role may
// assume one of the team's, a job on a build host outside the input runs a
// package. Such a fact goes in the graph like any parsed one, with the
// file and line that state it as its position, so every path through it
// names the mapping file.
//
// The file is YAML, named blastradius-map.yaml (or .yml), or NAME.blastradius-map.yaml:
//
//	facts:
//	  - edge:
//	      from: secret:gha:example-org/web-app/LEGACY_AWS_KEY
//	      kind: AUTHENTICATES_AS
//	      to: arn:aws:iam::111122223333:user/legacy-deployer
//	      reason: set by hand in the repository settings in 2023
//	  - node: {id: "arn:aws:iam::444455556666:role/partner", kind: Identity}
//
// Top-level keys that start with "." or "x-" may hold YAML anchors that
// entries name with aliases. Ids are those that `blastradius nodes` lists. An edge's ends must be
// nodes that an input of the same run, the store, or the file itself
// declares, of the kinds the edge's kind joins. Otherwise a misspelt id
// would add a path to nowhere and hide that the entry took no effect. An
// entry that breaks a rule is left out with a warning at its
// line, and the rest of the file goes in. Text that has the shape of a
// credential is never stored: an entry that holds some is left out.
package mapping

import (
	"context"
	"fmt"
	"path"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
	"github.com/blastradius-dev/blastradius/ingest/internal/literal"
	"github.com/blastradius-dev/blastradius/ingest/internal/yamlfile"
)

// maxFileSize bounds the file. A mapping file written by hand is far
// smaller.
const maxFileSize = 16 << 20

// maxFacts bounds the entries of one file.
const maxFacts = 100_000

// Parser reads mapping files.
type Parser struct{}

// New returns a Parser.
func New() *Parser { return &Parser{} }

// Format names the format.
func (*Parser) Format() string { return "mapping" }

// Detect accepts blastradius-map.yaml and NAME.blastradius-map.yaml, with
// either YAML extension, and gzip-compressed (.gz) as any input may be.
func (*Parser) Detect(f *ingest.File) bool {
	base := strings.TrimSuffix(path.Base(strings.ReplaceAll(f.Path, `\`, "/")), ".gz")
	for _, ext := range []string{".yaml", ".yml"} {
		if name, ok := strings.CutSuffix(base, ext); ok {
			return name == "blastradius-map" || strings.HasSuffix(name, ".blastradius-map")
		}
	}
	return false
}

// ends lists, for each edge kind a mapping file may state, the node kinds
// it goes from and to: those that the readers and the linker give edges
// of the kind. OBSERVED comes from access logs only, CAN_GRANT names a
// holder that only the linker works out, and VERSION_OF and HAS_POLICY
// join nodes that only lockfiles and policy documents declare.
var ends = map[graph.EdgeKind]struct{ from, to []graph.NodeKind }{
	graph.EdgeDependsOn:       {kinds(graph.NodePackage), kinds(graph.NodePackage)},
	graph.EdgeExecutes:        {kinds(graph.NodeRuntime), kinds(graph.NodePackage)},
	graph.EdgeExposes:         {kinds(graph.NodeRuntime), kinds(graph.NodeSecret)},
	graph.EdgeAuthenticatesAs: {kinds(graph.NodeSecret), kinds(graph.NodeIdentity)},
	graph.EdgeCanAssume:       {kinds(graph.NodeIdentity), kinds(graph.NodeIdentity)},
	graph.EdgeCanReadSecret:   {kinds(graph.NodeIdentity), kinds(graph.NodeSecret)},
	graph.EdgeCanMint:         {kinds(graph.NodeIdentity), kinds(graph.NodeSecret)},
	graph.EdgeCanModify:       {kinds(graph.NodeIdentity, graph.NodeRuntime), kinds(graph.NodeRuntime, graph.NodeRepository, graph.NodeResource)},
	graph.EdgeCanPublish:      {kinds(graph.NodeIdentity), kinds(graph.NodePackage)},
	graph.EdgeCanAccess:       {kinds(graph.NodeIdentity), kinds(graph.NodeResource, graph.NodeRepository, graph.NodeIdentity)},
	graph.EdgeRunsOn:          {kinds(graph.NodeRuntime), kinds(graph.NodeRuntime)},
	graph.EdgeCanInvoke:       {kinds(graph.NodeIdentity, graph.NodeRuntime, graph.NodeResource), kinds(graph.NodeRuntime, graph.NodeResource)},
	graph.EdgeCanReceive:      {kinds(graph.NodeIdentity), kinds(graph.NodeSecret)},
	graph.EdgeHolds:           {kinds(graph.NodeSecret), kinds(graph.NodeSecret)},
	graph.EdgeDefines:         {kinds(graph.NodeRepository), kinds(graph.NodeRuntime)},
	graph.EdgeLocks:           {kinds(graph.NodeRepository), kinds(graph.NodePackage)},
	graph.EdgeMemberOf:        {kinds(graph.NodeIdentity), kinds(graph.NodeIdentity)},
}

func kinds(k ...graph.NodeKind) []graph.NodeKind { return k }

// Ends returns the node kinds that an edge of the kind a mapping file
// states goes from and to. ok is false for a kind the file may not state.
func Ends(kind graph.EdgeKind) (from, to []graph.NodeKind, ok bool) {
	e, ok := ends[kind]
	return e.from, e.to, ok
}

// nodeKinds are the kinds a mapping file may declare a node of. A Policy
// node stands for a document, which the file does not hold.
var nodeKinds = []graph.NodeKind{graph.NodePackage, graph.NodeRepository, graph.NodeRuntime, graph.NodeSecret, graph.NodeIdentity, graph.NodeResource}

// Parse implements ingest.Parser.
func (*Parser) Parse(ctx context.Context, f *ingest.File, _ *ingest.Env, res *ingest.Result) error {
	data, err := yamlfile.ReadAll(f, maxFileSize)
	if err != nil {
		return err
	}
	root, err := yamlfile.Decode(f.Path, data)
	if err != nil {
		return err
	}

	r := &reader{file: f.Path, res: res}
	var list *yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		k := root.Content[i]
		if strings.HasPrefix(k.Value, ".") || strings.HasPrefix(k.Value, "x-") {
			// A key that holds anchors for the entries (.ids: or x-ids:).
			continue
		}
		if k.Value != "facts" {
			r.warn(k, "unknown key %q: a mapping file lists its entries under facts", k.Value)
			continue
		}
		list = root.Content[i+1]
	}
	if list == nil || list.Kind != yaml.SequenceNode {
		at := root
		if list != nil {
			at = list
		}
		return ingest.Errorf(r.pos(at), "a mapping file lists its entries under facts, as a list")
	}
	if len(list.Content) > maxFacts {
		return ingest.Errorf(r.pos(list), "facts lists %d entries, over the limit of %d", len(list.Content), maxFacts)
	}

	for _, item := range list.Content {
		if err := ctx.Err(); err != nil {
			return err
		}
		r.item(item)
	}
	res.Records = len(list.Content)
	// The pipeline checks the file's nodes against the kinds other inputs
	// give them, and its edges' ends, once every file is parsed.
	if len(r.refs) > 0 || len(res.Nodes) > 0 {
		res.Needs = r.needs()
		res.Check = r.check
	}
	return nil
}

// reader reads the entries of one file.
type reader struct {
	file string
	res  *ingest.Result
	// refs holds the lines of the ends of each edge read.
	refs map[refKey]edgeRef
}

// refKey names an edge of the file: its key and the line of its entry.
type refKey struct {
	key  graph.EdgeKey
	line int
}

// edgeRef is an edge's ends as the file names them, with the lines to
// warn at.
type edgeRef struct {
	from, to         string
	fromLine, toLine int
}

func (r *reader) pos(n *yaml.Node) ingest.Position {
	return ingest.Position{File: r.file, Line: n.Line, Col: n.Column}
}

func (r *reader) warn(n *yaml.Node, format string, args ...any) {
	r.res.Warnf(r.pos(n), format, args...)
}

// item reads one entry: an object with one key, node or edge.
func (r *reader) item(at *yaml.Node) {
	item := resolved(at)
	if item.Kind != yaml.MappingNode || len(item.Content) != 2 {
		r.warn(at, "entry left out: each entry is an object with one key, node or edge")
		return
	}
	key, body := item.Content[0], resolved(item.Content[1])
	var allowed []string
	switch key.Value {
	case "node":
		allowed = []string{"id", "kind", "label"}
	case "edge":
		allowed = []string{"from", "kind", "to", "confidence", "reason", "actions"}
	default:
		r.warn(key, "entry left out: %q is not an entry kind: use node or edge", key.Value)
		return
	}
	if body.Kind != yaml.MappingNode {
		r.warn(body, "%s left out: it takes an object of fields (%s)", key.Value, strings.Join(allowed, ", "))
		return
	}
	fields := map[string]*yaml.Node{}
	for i := 0; i+1 < len(body.Content); i += 2 {
		k, v := body.Content[i], resolved(body.Content[i+1])
		if !slices.Contains(allowed, k.Value) {
			r.warn(k, "%s left out: it takes the fields %s, not %q", key.Value, strings.Join(allowed, ", "), k.Value)
			return
		}
		if k.Value == "actions" && v.Kind == yaml.SequenceNode {
			// The actions may be a list as well as one comma-separated
			// string: the list is read as its items joined by commas.
			joined, invalid := joinList(v)
			if invalid != nil {
				r.warn(invalid, "%s left out: each item of actions must be a non-empty string", key.Value)
				return
			}
			v = &yaml.Node{Kind: yaml.ScalarNode, Value: joined, Line: v.Line, Column: v.Column}
		}
		if v.Kind != yaml.ScalarNode || strings.TrimSpace(v.Value) == "" || v.ShortTag() == "!!null" ||
			(k.Value == "actions" && !namesAction(v.Value)) {
			r.warn(v, "%s left out: %s must be a non-empty string", key.Value, k.Value)
			return
		}
		if literal.HasCredentialShape(strings.TrimSpace(v.Value)) || hasCredentialWord(v.Value) {
			// The text is not repeated: it may be the credential.
			r.warn(v, "%s left out: its %s holds text shaped like a credential, which is never stored", key.Value, k.Value)
			return
		}
		fields[k.Value] = v
	}
	if key.Value == "node" {
		r.node(at, fields)
	} else {
		r.edge(at, fields)
	}
}

// joinList returns the items of a YAML list of strings joined by commas,
// or the first item that is not a string naming an action (the list
// itself when it is empty). A number, boolean or null that YAML reads
// from an unquoted item is no action's name.
func joinList(list *yaml.Node) (string, *yaml.Node) {
	if len(list.Content) == 0 {
		return "", list
	}
	items := make([]string, 0, len(list.Content))
	for _, it := range list.Content {
		it = resolved(it)
		if it.Kind != yaml.ScalarNode || it.ShortTag() != "!!str" || !namesAction(it.Value) {
			return "", it
		}
		items = append(items, strings.TrimSpace(it.Value))
	}
	return strings.Join(items, ", "), nil
}

// namesAction reports whether comma-separated text names at least one
// action.
func namesAction(s string) bool {
	return strings.Trim(s, ", \t\n") != ""
}

// resolved returns the node that an alias (*name) stands for, or n
// itself. YAML gives no alias an anchor of its own, so one step is enough;
// the bound only guards against a decoder that did.
func resolved(n *yaml.Node) *yaml.Node {
	for range 8 {
		if n.Kind != yaml.AliasNode || n.Alias == nil {
			return n
		}
		n = n.Alias
	}
	return n
}

// hasCredentialWord reports whether a word of free text has the shape of
// a well-known token or key id.
func hasCredentialWord(s string) bool {
	for w := range strings.FieldsSeq(s) {
		if literal.HasCredentialShape(strings.Trim(w, `"'.,;:()[]{}<>`)) {
			return true
		}
	}
	return false
}

func value(fields map[string]*yaml.Node, name string) string {
	if v := fields[name]; v != nil {
		return strings.TrimSpace(v.Value)
	}
	return ""
}

// missing warns at the entry and returns true when fields lacks one of
// the names.
func (r *reader) missing(item *yaml.Node, entry string, fields map[string]*yaml.Node, names ...string) bool {
	for _, n := range names {
		if fields[n] == nil {
			r.warn(item, "%s left out: it needs the field %s", entry, n)
			return true
		}
	}
	return false
}

func (r *reader) node(item *yaml.Node, fields map[string]*yaml.Node) {
	if r.missing(item, "node", fields, "id", "kind") {
		return
	}
	kind := graph.NodeKind(value(fields, "kind"))
	if !slices.Contains(nodeKinds, kind) {
		r.warn(fields["kind"], "node left out: kind must be one of %s", joinKinds(nodeKinds, ", "))
		return
	}
	id := value(fields, "id")
	label := value(fields, "label")
	if label == "" {
		label = graph.ReadableID(id)
	}
	r.res.AddNode(graph.Node{ID: id, Kind: kind, Label: label, Pos: graph.Pos{File: r.file, Line: item.Line}})
}

func (r *reader) edge(item *yaml.Node, fields map[string]*yaml.Node) {
	if r.missing(item, "edge", fields, "from", "kind", "to") {
		return
	}
	kind := graph.EdgeKind(value(fields, "kind"))
	if _, ok := ends[kind]; !ok {
		r.warn(fields["kind"], "edge left out: kind must be one of %s", edgeKindList())
		return
	}
	conf := graph.Certain
	switch c := value(fields, "confidence"); c {
	case "", string(graph.Certain):
	case string(graph.Possible):
		conf = graph.Possible
	default:
		r.warn(fields["confidence"], "edge left out: confidence must be %s or %s", graph.Certain, graph.Possible)
		return
	}

	e := graph.Edge{
		From: value(fields, "from"), To: value(fields, "to"), Kind: kind, Confidence: conf,
		Pos: graph.Pos{File: r.file, Line: item.Line},
	}
	reason := value(fields, "reason")
	if reason == "" {
		reason = "stated by the mapping file"
	}
	e.SetAttr(graph.AttrReason, reason)
	if a := value(fields, "actions"); a != "" {
		// The actions or scopes the edge grants, comma-separated: a
		// token's workflow scope, say, lets its CAN_MODIFY edge to a
		// repository push workflow files.
		var actions []string
		for _, x := range strings.Split(a, ",") {
			if x = strings.TrimSpace(x); x != "" {
				actions = append(actions, x)
			}
		}
		e.SetAttr(graph.AttrActions, graph.JoinList(actions))
	}
	r.res.AddEdge(e)
	if r.refs == nil {
		r.refs = map[refKey]edgeRef{}
	}
	r.refs[refKey{e.Key(), item.Line}] = edgeRef{from: e.From, to: e.To, fromLine: fields["from"].Line, toLine: fields["to"].Line}
}

// needs lists the ids that the file's edges name.
func (r *reader) needs() []string {
	var ids []string
	for _, ref := range r.refs {
		ids = append(ids, ref.from, ref.to)
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}

// check leaves out the edges whose ends no input declares, or whose ends
// are not of the kinds the edge joins, with a warning at the end's line.
// known holds the kind of each id that the run or the store declares.
func (r *reader) check(res *ingest.Result, known map[string]graph.NodeKind) {
	valid := res.Edges[:0]
	for _, e := range res.Edges {
		ref, ok := r.refs[refKey{e.Key(), e.Pos.Line}]
		if !ok {
			valid = append(valid, e)
			continue
		}
		want := ends[e.Kind]
		if msg := endProblem(e.Kind, "from", e.From, want.from, known); msg != "" {
			res.Warnf(ingest.Position{File: r.file, Line: ref.fromLine}, "edge left out: %s", msg)
			continue
		}
		if msg := endProblem(e.Kind, "to", e.To, want.to, known); msg != "" {
			res.Warnf(ingest.Position{File: r.file, Line: ref.toLine}, "edge left out: %s", msg)
			continue
		}
		valid = append(valid, e)
	}
	clear(res.Edges[len(valid):])
	res.Edges = valid
}

func endProblem(kind graph.EdgeKind, end, id string, want []graph.NodeKind, known map[string]graph.NodeKind) string {
	got, ok := known[id]
	switch {
	case !ok:
		return fmt.Sprintf("no input declares the node %s names (%s); `blastradius nodes` lists the ids", end, id)
	case !slices.Contains(want, got):
		return fmt.Sprintf("%s goes %s %s, and %s is a %s", kind, direction(end), kindList(want), id, got)
	}
	return ""
}

func direction(end string) string {
	if end == "from" {
		return "from a node of kind"
	}
	return "to a node of kind"
}

func kindList(ks []graph.NodeKind) string { return joinKinds(ks, " or ") }

func joinKinds(ks []graph.NodeKind, sep string) string {
	s := make([]string, len(ks))
	for i, k := range ks {
		s[i] = string(k)
	}
	return strings.Join(s, sep)
}

func edgeKindList() string {
	var s []string
	for _, k := range graph.EdgeKinds {
		if _, ok := ends[k]; ok {
			s = append(s, string(k))
		}
	}
	return strings.Join(s, ", ")
}
