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
// repeated keys wins, as in the API server's decoder, and a key the
// mapping lacks is looked up in the mappings it merges (<<), as kubectl
// resolves them.
func get(n *yaml.Node, key string) *yaml.Node {
	n = deref(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	var found *yaml.Node
	merges := false
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := deref(n.Content[i])
		if k == nil || k.Kind != yaml.ScalarNode {
			continue
		}
		switch {
		case isMerge(k):
			merges = true
		case k.Value == key:
			found = n.Content[i+1]
		}
	}
	if found == nil && merges {
		for _, e := range entries(n) {
			if e.key == key {
				found = e.val
			}
		}
	}
	return deref(found)
}

// isMerge reports whether a mapping key is YAML's merge key: << unquoted.
func isMerge(k *yaml.Node) bool {
	return k.Value == "<<" && k.ShortTag() == "!!merge"
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

// entries returns the scalar-keyed entries of a mapping, one per key, in
// the order the keys first appear. A repeated key takes its last value.
// The entries of the mappings merged in with <<, a mapping or a sequence
// of them, follow the mapping's own keys, which win over them; among
// merged mappings the first one that has a key wins, as YAML's merge key
// defines.
func entries(n *yaml.Node) []entry {
	var out []entry
	// at indexes out by key, with the mapping that set the value.
	type slot struct {
		i     int
		owner *yaml.Node
	}
	at := map[string]slot{}
	seen := map[*yaml.Node]bool{}
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		n = deref(n)
		// A mapping merged twice adds nothing the first time did not, and
		// skipping it keeps nested merges linear and ends any cycle.
		if n == nil || n.Kind != yaml.MappingNode || seen[n] {
			return
		}
		seen[n] = true
		var merges []*yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := deref(n.Content[i])
			if k == nil || k.Kind != yaml.ScalarNode {
				continue
			}
			if isMerge(k) {
				merges = append(merges, n.Content[i+1])
				continue
			}
			if sl, ok := at[k.Value]; ok {
				if sl.owner == n {
					out[sl.i].val = n.Content[i+1]
				}
				continue
			}
			at[k.Value] = slot{i: len(out), owner: n}
			out = append(out, entry{key: k.Value, val: n.Content[i+1]})
		}
		for _, m := range merges {
			m = deref(m)
			if m != nil && m.Kind == yaml.SequenceNode {
				for _, c := range m.Content {
					walk(c)
				}
				continue
			}
			walk(m)
		}
	}
	walk(n)
	return out
}

// line returns the line of n, or fallback when n is absent.
func line(n *yaml.Node, fallback int) int {
	if n == nil || n.Line < 1 {
		return fallback
	}
	return n.Line
}
