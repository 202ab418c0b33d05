package review

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"

	"go.yaml.in/yaml/v3"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/internal/awspolicy"
	"github.com/blastradius-dev/blastradius/internal/textenc"
	"github.com/blastradius-dev/blastradius/internal/yamlerr"
)

// DefaultWeight is the weight of a resource without a rating.
const DefaultWeight = 1

// levels are the named weights a tag, label or mapping may give.
var levels = map[string]float64{"low": 1, "medium": 2, "high": 5, "critical": 10}

// Criticality weighs resources. A mapping (from a file) wins over the
// node's own `criticality` attribute, or a `criticality` tag or label;
// anything else weighs DefaultWeight.
type Criticality struct {
	exact map[string]*entry
	globs []*entry
	// order lists the entries as the mapping gives them.
	order []*entry
}

// entry is one key of the mapping, with whether Weight has used it. The
// review weighs targets on every core, so used is atomic.
type entry struct {
	pattern string
	weight  float64
	line    int
	used    atomic.Bool
}

// ParseCriticality reads a mapping: a YAML object whose keys are node ids
// or labels, or globs (`*` and `?`, matched against both), and whose
// values are weights, as numbers or as low, medium, high or critical.
// Exact ids win over globs, and longer globs over shorter ones. A mapping
// in UTF-16 or UTF-32 with a byte order mark is decoded first, because the
// YAML decoder reads UTF-8 and UTF-16 only.
func ParseCriticality(name string, data []byte) (*Criticality, error) {
	data = textenc.Bytes(data)
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s:%d: criticality mapping is not valid YAML", name, yamlLine(err))
	}
	c := &Criticality{exact: map[string]*entry{}}
	if len(doc.Content) == 0 {
		return c, nil
	}
	m := doc.Content[0]
	if m.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s:%d:%d: criticality mapping must be an object of id or glob to weight", name, m.Line, m.Column)
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		if k.Kind != yaml.ScalarNode || k.Value == "" {
			return nil, fmt.Errorf("%s:%d:%d: key must be a node id or glob", name, k.Line, k.Column)
		}
		w, ok := parseWeight(v.Value)
		if v.Kind != yaml.ScalarNode || !ok {
			return nil, fmt.Errorf("%s:%d:%d: weight of the entry must be a number from 0 to 1000000 or low, medium, high, critical", name, v.Line, v.Column)
		}
		e := &entry{pattern: k.Value, weight: w, line: k.Line}
		c.order = append(c.order, e)
		if strings.ContainsAny(k.Value, "*?") {
			c.globs = append(c.globs, e)
		} else {
			c.exact[k.Value] = e
		}
	}
	sort.SliceStable(c.globs, func(i, j int) bool { return len(c.globs[i].pattern) > len(c.globs[j].pattern) })
	return c, nil
}

// yamlLine returns the line a YAML syntax error names, or 0. The rest of
// the decoder's message may quote the input, so it is dropped.
func yamlLine(err error) int {
	line, _ := yamlerr.Split(err)
	return line
}

func parseWeight(s string) (float64, bool) {
	if w, ok := levels[strings.ToLower(strings.TrimSpace(s))]; ok {
		return w, true
	}
	w, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(w) || w < 0 || w > 1e6 {
		return 0, false
	}
	return w, true
}

// Weight returns the weight of a node.
func (c *Criticality) Weight(n graph.Node) float64 {
	if c != nil {
		if e, ok := c.exact[n.ID]; ok {
			return e.use()
		}
		if e, ok := c.exact[n.Label]; ok && n.Label != "" {
			return e.use()
		}
		for _, g := range c.globs {
			if awspolicy.Glob(g.pattern, n.ID) || (n.Label != "" && awspolicy.Glob(g.pattern, n.Label)) {
				return g.use()
			}
		}
	}
	if w, ok := parseWeight(n.Attr("criticality")); ok && n.Attr("criticality") != "" {
		return w
	}
	for _, key := range []string{"tags", "labels"} {
		if v, ok := tagValue(n.Attr(key), "criticality"); ok {
			if w, ok := parseWeight(v); ok {
				return w
			}
		}
	}
	return DefaultWeight
}

func (e *entry) use() float64 {
	if !e.used.Load() {
		e.used.Store(true)
	}
	return e.weight
}

// Unused returns the keys of the mapping that weighed no target since it
// was parsed, each with its line: keys that name nothing the review
// reached, or nodes that are not targets, such as secrets and jobs.
func (c *Criticality) Unused() []string {
	if c == nil {
		return nil
	}
	var out []string
	for _, e := range c.order {
		if !e.used.Load() {
			out = append(out, fmt.Sprintf("%d: %s", e.line, e.pattern))
		}
	}
	return out
}

// tagValue reads one key from a tags or labels attribute written as a
// JSON object or as a comma list of key=value or key:value pairs.
func tagValue(attr, key string) (string, bool) {
	if attr == "" {
		return "", false
	}
	if strings.HasPrefix(strings.TrimSpace(attr), "{") {
		var m map[string]any
		dec := json.NewDecoder(bytes.NewReader([]byte(attr)))
		if dec.Decode(&m) != nil {
			return "", false
		}
		v, ok := m[key]
		if !ok {
			return "", false
		}
		return fmt.Sprint(v), true
	}
	for _, part := range strings.Split(attr, ",") {
		k, v, ok := strings.Cut(part, "=")
		if !ok {
			k, v, ok = strings.Cut(part, ":")
		}
		if ok && strings.EqualFold(strings.TrimSpace(k), key) {
			return strings.TrimSpace(v), true
		}
	}
	return "", false
}
