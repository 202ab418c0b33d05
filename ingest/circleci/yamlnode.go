package circleci

import (
	"go.yaml.in/yaml/v3"
)

// maxAliasDepth bounds how many aliases in a row deref follows.
const maxAliasDepth = 16

// deref follows aliases to the node they name, or returns nil.
func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode; i++ {
		if i >= maxAliasDepth {
			return nil
		}
		n = n.Alias
	}
	return n
}

func isMap(n *yaml.Node) bool {
	n = deref(n)
	return n != nil && n.Kind == yaml.MappingNode
}

// scalar returns the value of a scalar node and whether n is one. A null
// counts as absent.
func scalar(n *yaml.Node) (string, bool) {
	n = deref(n)
	if n == nil || n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		return "", false
	}
	return n.Value, true
}

func text(n *yaml.Node) string {
	s, _ := scalar(n)
	return s
}

// pair is one entry of a mapping.
type pair struct {
	key *yaml.Node
	val *yaml.Node
}

// pairs returns the entries of a mapping in input order, with the entries
// that merge keys (<<) bring in after them when the mapping does not set
// the key itself. It returns nil when n is not a mapping.
func pairs(n *yaml.Node) []pair {
	return pairsDepth(n, 0)
}

func pairsDepth(n *yaml.Node, depth int) []pair {
	n = deref(n)
	if n == nil || n.Kind != yaml.MappingNode || depth > maxAliasDepth {
		return nil
	}
	out := make([]pair, 0, len(n.Content)/2)
	var merged []pair
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := deref(n.Content[i])
		if k == nil || k.Kind != yaml.ScalarNode {
			continue
		}
		if k.Tag == "!!merge" {
			v := deref(n.Content[i+1])
			if v != nil && v.Kind == yaml.SequenceNode {
				for _, it := range v.Content {
					merged = append(merged, pairsDepth(it, depth+1)...)
				}
			} else {
				merged = append(merged, pairsDepth(v, depth+1)...)
			}
			continue
		}
		out = append(out, pair{key: k, val: n.Content[i+1]})
	}
	for _, m := range merged {
		if !hasKey(out, m.key.Value) {
			out = append(out, m)
		}
	}
	return out
}

func hasKey(ps []pair, key string) bool {
	for _, p := range ps {
		if p.key.Value == key {
			return true
		}
	}
	return false
}

// lookup returns the value under key in a mapping, or nil. When a key
// repeats, the last one wins.
func lookup(n *yaml.Node, key string) *yaml.Node {
	var found *yaml.Node
	for _, p := range pairs(n) {
		if p.key.Value == key {
			found = p.val
		}
	}
	return found
}

// items returns the elements of a sequence, or nil.
func items(n *yaml.Node) []*yaml.Node {
	n = deref(n)
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil
	}
	return n.Content
}

// stringList reads a scalar or a sequence of scalars.
func stringList(n *yaml.Node) []string {
	if s, ok := scalar(n); ok {
		return []string{s}
	}
	var out []string
	for _, it := range items(n) {
		if s, ok := scalar(it); ok {
			out = append(out, s)
		}
	}
	return out
}

// single reads a step or workflow job written as a one-key mapping
// {name: params}, or as a bare name.
func single(n *yaml.Node) (name string, params *yaml.Node, ok bool) {
	if s, ok := scalar(n); ok {
		return s, nil, true
	}
	ps := pairs(n)
	if len(ps) != 1 {
		return "", nil, false
	}
	return ps[0].key.Value, ps[0].val, true
}
