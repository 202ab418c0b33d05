package actions

import (
	"go.yaml.in/yaml/v3"
)

// maxAliasDepth bounds how many aliases in a row deref follows, so that a
// cycle of anchors cannot loop.
const maxAliasDepth = 16

// deref follows aliases to the node they name. It returns nil for nil or for
// a chain that is too long.
func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode; i++ {
		if i >= maxAliasDepth {
			return nil
		}
		n = n.Alias
	}
	return n
}

// isMap reports whether n (after aliases) is a mapping.
func isMap(n *yaml.Node) bool {
	n = deref(n)
	return n != nil && n.Kind == yaml.MappingNode
}

// isSeq reports whether n (after aliases) is a sequence.
func isSeq(n *yaml.Node) bool {
	n = deref(n)
	return n != nil && n.Kind == yaml.SequenceNode
}

// isNull reports whether n is absent or an explicit null.
func isNull(n *yaml.Node) bool {
	n = deref(n)
	return n == nil || (n.Kind == yaml.ScalarNode && n.Tag == "!!null")
}

// scalar returns the value of a scalar node and whether n is one. A null
// scalar counts as absent.
func scalar(n *yaml.Node) (string, bool) {
	n = deref(n)
	if n == nil || n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		return "", false
	}
	return n.Value, true
}

// pair is one entry of a mapping.
type pair struct {
	key *yaml.Node
	val *yaml.Node
}

// pairs returns the entries of a mapping in input order, or nil when n is
// not a mapping. Keys that are not scalars are skipped.
func pairs(n *yaml.Node) []pair {
	n = deref(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	out := make([]pair, 0, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := deref(n.Content[i])
		if k == nil || k.Kind != yaml.ScalarNode {
			continue
		}
		out = append(out, pair{key: k, val: n.Content[i+1]})
	}
	return out
}

// lookup returns the value under key in a mapping, or nil. When a key
// repeats, the last one wins.
func lookup(n *yaml.Node, key string) *yaml.Node {
	if i := find(n, key); i >= 0 {
		return deref(n).Content[i+1]
	}
	return nil
}

// lookupKey returns the key node of key in a mapping, or nil.
func lookupKey(n *yaml.Node, key string) *yaml.Node {
	if i := find(n, key); i >= 0 {
		return deref(deref(n).Content[i])
	}
	return nil
}

// find returns the index in the Content of mapping n of the last scalar
// key that is key, or -1. It reads the entries as pairs does, without
// building them.
func find(n *yaml.Node, key string) int {
	n = deref(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return -1
	}
	found := -1
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := deref(n.Content[i])
		if k != nil && k.Kind == yaml.ScalarNode && k.Value == key {
			found = i
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

// stringList reads a scalar or a sequence of scalars. Elements that are not
// scalars are skipped.
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
