package githubaudit

import (
	"maps"
	"strconv"
	"strings"
	"sync"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
)

// tokenType is the type attribute of a token and whether it lives until
// revoked, as programmatic_access_type gives them.
type tokenType struct {
	typ       string
	longLived bool
}

// tokenFacts holds what entries state about tokens beyond each entry's
// own node: which hashed_token belongs to which token_id, and the type
// that some entry of a token states. The hashes stay in memory, and they
// name no node once their token_id is known.
type tokenFacts struct {
	// ids maps a hashed_token to its token_id, or to "" when entries
	// pair the hash with two token_ids, which leaves it naming neither.
	ids   map[string]string
	types map[string]tokenType // token_id or hashed_token -> type
}

func newTokenFacts() *tokenFacts {
	return &tokenFacts{ids: map[string]string{}, types: map[string]tokenType{}}
}

// learn records the token facts of one entry. The first stated type of a
// key is kept.
func (f *tokenFacts) learn(e *entry) {
	id, hash := string(e.TokenID), e.HashedToken
	if id == "0" {
		id = ""
	}
	if id != "" && hash != "" {
		f.pair(hash, id)
	}
	t, ok := tokenTypes[e.ProgrammaticAccessType]
	key := id
	if key == "" {
		key = hash
	}
	if !ok || key == "" {
		return
	}
	if _, have := f.types[key]; !have {
		f.types[key] = t
	}
}

// pair records that hash belongs to the token id. A hash already paired
// with another id (or with two) belongs to neither.
func (f *tokenFacts) pair(hash, id string) {
	if cur, ok := f.ids[hash]; !ok {
		f.ids[hash] = id
	} else if cur != id {
		f.ids[hash] = ""
	}
}

// add records the facts of another set. Of two types stated for
// one key, the one that sorts first is kept, so that the order in which
// files finish does not decide.
func (f *tokenFacts) add(o *tokenFacts) {
	for hash, id := range o.ids {
		f.pair(hash, id)
	}
	for key, t := range o.types {
		if cur, ok := f.types[key]; !ok || t.typ < cur.typ {
			f.types[key] = t
		}
	}
}

// byID returns, for each token_id, the type that an entry naming the
// token by its hash alone states.
func (f *tokenFacts) byID() map[string]tokenType {
	out := map[string]tokenType{}
	for hash, id := range f.ids {
		t, ok := f.types[hash]
		if !ok || id == "" {
			continue
		}
		if cur, have := out[id]; !have || t.typ < cur.typ {
			out[id] = t
		}
	}
	return out
}

// resolve moves each token that res names by a hash whose token_id is
// known to the node of that token_id, in its nodes, edges and evidence
// keys. It gives each token of type "token" the type that some entry
// states. The attribute maps of res may be shared with other facts, so
// it changes copies.
func (f *tokenFacts) resolve(res *ingest.Result) {
	hashTypes := f.byID()
	typeOf := func(key string) (tokenType, bool) {
		if t, ok := f.types[key]; ok {
			return t, true
		}
		t, ok := hashTypes[key]
		return t, ok
	}
	keys := map[string]string{}  // hash -> token_id
	nodes := map[string]string{} // node id of a hash -> node id of its token_id
	for i := range res.Nodes {
		n := &res.Nodes[i]
		key := n.Attr(attrKeyID)
		if n.Kind != graph.NodeSecret || key == "" || n.ID != TokenID(key) {
			continue
		}
		newKey := key
		if id := f.ids[key]; id != "" {
			newKey = id
		}
		t, known := typeOf(newKey)
		if !known {
			t, known = typeOf(key)
		}
		setType := n.Attr("type") == "token" && known
		if newKey == key && !setType {
			continue
		}
		attrs := maps.Clone(n.Attrs)
		if newKey != key {
			keys[key] = newKey
			nodes[n.ID] = TokenID(newKey)
			attrs[attrKeyID] = newKey
			n.ID = TokenID(newKey)
		}
		if setType {
			attrs["type"] = t.typ
			attrs[graph.AttrLongLived] = strconv.FormatBool(t.longLived)
		}
		attrs[graph.AttrName] = tokenName(attrs["type"], newKey, tokenOwner(n.Attr(graph.AttrName)))
		n.Attrs, n.Label = attrs, attrs[graph.AttrName]
	}
	if len(keys) == 0 {
		return
	}

	res.Nodes = mergeNodes(res.Nodes)
	for i := range res.Edges {
		e := &res.Edges[i]
		if id, ok := nodes[e.From]; ok {
			e.From = id
		}
		if id, ok := nodes[e.To]; ok {
			e.To = id
		}
		if e.Evidence == nil {
			continue
		}
		var hashes []string
		for _, k := range e.Evidence.Keys {
			if _, ok := keys[k]; ok {
				hashes = append(hashes, k)
			}
		}
		if len(hashes) == 0 {
			continue
		}
		ev := e.Evidence.Clone()
		for _, hash := range hashes {
			ev.RenameKey(hash, keys[hash])
		}
		e.Evidence = ev
	}
	res.Edges = mergeEdges(res.Edges)
}

// mergeNodes merges the nodes of one id into the first of them: it keeps
// the first one's attributes and adds those it lacks, and the union of
// their organisations.
func mergeNodes(nodes []graph.Node) []graph.Node {
	at := map[string]int{}
	out := nodes[:0]
	for _, n := range nodes {
		i, ok := at[n.ID]
		if !ok {
			at[n.ID] = len(out)
			out = append(out, n)
			continue
		}
		first := &out[i]
		attrs := graph.MergeAttrs(first.Attrs, n.Attrs)
		if orgs := append(graph.SplitList(first.Attr("org")), graph.SplitList(n.Attr("org"))...); len(orgs) > 0 {
			attrs["org"] = graph.JoinList(orgs)
		}
		first.Attrs = attrs
	}
	clear(nodes[len(out):])
	return out
}

// mergeEdges merges the edges of one key into the first of them, with the
// evidence of all.
func mergeEdges(edges []graph.Edge) []graph.Edge {
	at := map[graph.EdgeKey]int{}
	out := edges[:0]
	for _, e := range edges {
		i, ok := at[e.Key()]
		if !ok {
			at[e.Key()] = len(out)
			out = append(out, e)
			continue
		}
		first := &out[i]
		if e.Evidence != nil {
			if first.Evidence == nil {
				first.Evidence = &graph.Evidence{}
			}
			first.Evidence.Merge(e.Evidence)
		}
	}
	clear(edges[len(out):])
	return out
}

// tokenName labels a token in lists: its kind, id and owner
// ("personal access token 555001 of octo-dev").
func tokenName(typ, key, owner string) string {
	name := strings.ReplaceAll(typ, "-", " ") + " " + key
	if owner != "" {
		name += " of " + owner
	}
	return name
}

// tokenOwner returns the login that a name tokenName made ends with. No
// kind of token has " of " in its name, and no login has a space.
func tokenOwner(name string) string {
	_, owner, _ := strings.Cut(name, " of ")
	return owner
}

// runTokens gathers the token facts of every file of a run, so that a
// file's tokens join those that another file names.
type runTokens struct {
	mu    sync.Mutex
	facts *tokenFacts
}

// add records a file's facts.
func (r *runTokens) add(f *tokenFacts) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.facts.add(f)
}

// check resolves a file's tokens with the facts of every file of the run.
// The pipeline calls it once every file is parsed.
func (r *runTokens) check(res *ingest.Result, _ map[string]graph.NodeKind) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.facts.resolve(res)
}
