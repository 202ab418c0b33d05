package kubernetes

import (
	"go.yaml.in/yaml/v3"
)

// maxAliases bounds how many aliases in a row deref follows.
const maxAliases = 16

// deref follows aliases to the node they name. It returns nil for a chain
// that is too long.
func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode; i++ {
		if i >= maxAliases {
			return nil
		}
		n = n.Alias
	}
	return n
}

// get returns the value under key in a mapping, or nil. The last of
// repeated keys wins, as in the API server's decoder.
func get(n *yaml.Node, key string) *yaml.Node {
	n = deref(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	var found *yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := deref(n.Content[i]); k != nil && k.Kind == yaml.ScalarNode && k.Value == key {
			found = n.Content[i+1]
		}
	}
	return deref(found)
}

// dig follows keys from n.
func dig(n *yaml.Node, keys ...string) *yaml.Node {
	for _, k := range keys {
		n = get(n, k)
	}
	return n
}

// str returns the string value of a scalar, or "" for anything else.
func str(n *yaml.Node) string {
	n = deref(n)
	if n == nil || n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		return ""
	}
	return n.Value
}

// boolean returns the value of a boolean scalar and whether n is one.
func boolean(n *yaml.Node) (value, ok bool) {
	switch str(n) {
	case "true", "True", "TRUE":
		return true, true
	case "false", "False", "FALSE":
		return false, true
	}
	return false, false
}

// items returns the entries of a sequence, or nil.
func items(n *yaml.Node) []*yaml.Node {
	n = deref(n)
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil
	}
	out := make([]*yaml.Node, 0, len(n.Content))
	for _, c := range n.Content {
		if c = deref(c); c != nil {
			out = append(out, c)
		}
	}
	return out
}

// stringList returns the string entries of a sequence.
func stringList(n *yaml.Node) []string {
	var out []string
	for _, c := range items(n) {
		if c.Kind == yaml.ScalarNode && c.Tag != "!!null" {
			out = append(out, c.Value)
		}
	}
	return out
}

// entry is one key and value of a mapping.
type entry struct {
	key string
	val *yaml.Node
}

// entries returns the scalar-keyed entries of a mapping in input order.
func entries(n *yaml.Node) []entry {
	n = deref(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	var out []entry
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := deref(n.Content[i])
		if k == nil || k.Kind != yaml.ScalarNode {
			continue
		}
		out = append(out, entry{key: k.Value, val: n.Content[i+1]})
	}
	return out
}

// line returns the line of n, or fallback when n is absent.
func line(n *yaml.Node, fallback int) int {
	if n == nil || n.Line < 1 {
		return fallback
	}
	return n.Line
}
