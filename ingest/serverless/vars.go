package serverless

import (
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/blastradius-dev/blastradius/ingest"
)

// maxVarDepth bounds the self references a value may follow, so that a
// file whose variables refer to each other in a loop ends.
const maxVarDepth = 16

// maxVarRounds bounds the variables resolved in one value.
const maxVarRounds = 64

// maxVarCalls bounds the variables resolved in one file, and maxTextLen
// the length of a resolved value, so that self references that repeat
// one another, which grow exponentially, end.
const (
	maxVarCalls = 100000
	maxTextLen  = 1 << 20
)

// Marks that stand for "${" and "}" of a variable left unresolved while
// the rest of the value is resolved, so that the search for the innermost
// variable does not find it again.
const (
	openMark  = "\x00"
	closeMark = "\x01"
)

// innermost matches a variable that contains no other variable.
var innermost = regexp.MustCompile(`\$\{([^${}]*)\}`)

// unresolvedVar matches the placeholder of a variable that the file does
// not resolve. IAM policy variables, such as ${aws:username}, do not match.
var unresolvedVar = regexp.MustCompile(`\$\{((?:self|opt|sls|env|ssm|file|cf|s3|param|git|cfn|terraform|vault)[:(][^{}]*|aws:(?:accountId|region))\}`)

// unresolvedIn lists the placeholders left in texts, without repeats.
func unresolvedIn(texts ...string) []string {
	return ingest.Placeholders(unresolvedVar, texts...)
}

// resolved is a value with what its variables read.
type resolved struct {
	text string
	// external is set when a variable reads a value from outside the file
	// (the deploy's environment, options, SSM, another stack), even when
	// the file gives a default for it.
	external bool
	// params are the SSM parameters the value reads.
	params []ssmParam
}

// ssmParam is an SSM parameter that ${ssm:...} reads: its name or ARN, and
// the region that the variable's options name, or "" for the service's.
type ssmParam struct {
	name, region string
}

// literal reports whether the value is written out in the file: it reads
// nothing from outside and leaves no variable unresolved.
func (r resolved) literal() bool {
	return !r.external && len(unresolvedIn(r.text)) == 0
}

// resolver resolves the variables of a service file.
type resolver struct {
	root    *yaml.Node
	stage   string
	region  string
	account string
	depth   int
	calls   int // variables resolved so far
}

// str resolves the variables of a scalar.
func (rv *resolver) str(n *yaml.Node) resolved {
	n = deref(n)
	if n == nil || n.Kind != yaml.ScalarNode {
		return resolved{}
	}
	return rv.text(n.Value)
}

// text resolves the variables of a string, innermost first.
func (rv *resolver) text(s string) resolved {
	r := rv.marked(s)
	r.text = strings.NewReplacer(openMark, "${", closeMark, "}").Replace(r.text)
	return r
}

// marked is text with the variables left unresolved kept between
// openMark and closeMark.
func (rv *resolver) marked(s string) resolved {
	var r resolved
	for range maxVarRounds {
		loc := innermost.FindStringSubmatchIndex(s)
		if loc == nil || rv.calls >= maxVarCalls || len(s) > maxTextLen {
			break
		}
		rv.calls++
		inner := s[loc[2]:loc[3]]
		val, ok := rv.variable(inner, &r)
		if !ok {
			val = openMark + strings.TrimSpace(inner) + closeMark
		}
		s = s[:loc[0]] + val + s[loc[1]:]
	}
	r.text = s
	return r
}

// variable returns the value of one variable, given without ${ and },
// and false when the file does not show it and gives no default.
func (rv *resolver) variable(v string, r *resolved) (string, bool) {
	ref, def, hasDef := cutDefault(v)
	ref = strings.TrimSpace(ref)
	def = unquote(strings.TrimSpace(def))
	fallback := func() (string, bool) {
		if hasDef && !strings.Contains(def, openMark) {
			return def, true
		}
		return "", false
	}
	source, addr, _ := strings.Cut(ref, ":")
	// A source may take options in parentheses: ${ssm(raw):/path},
	// ${ssm(eu-west-1):/path}, ${file(./x.yml):key}.
	source, opts, _ := strings.Cut(source, "(")
	opts = strings.TrimSuffix(opts, ")")
	switch source {
	case "self":
		if rv.depth >= maxVarDepth {
			return fallback()
		}
		n := lookup(rv.root, addr)
		if n == nil || n.Kind != yaml.ScalarNode {
			return fallback()
		}
		rv.depth++
		sub := rv.marked(n.Value)
		rv.depth--
		r.external = r.external || sub.external
		r.params = append(r.params, sub.params...)
		return sub.text, true
	case "sls":
		if addr == "stage" && rv.stage != "" {
			return rv.stage, true
		}
	case "opt":
		switch {
		case addr == "stage" && rv.stage != "":
			// The stage of the file is the one the deploy takes without
			// --stage.
			return rv.stage, true
		case addr == "region" && rv.region != "":
			return rv.region, true
		case addr != "stage" && addr != "region":
			r.external = true
		}
	case "aws":
		switch {
		case addr == "region" && rv.region != "":
			return rv.region, true
		case addr == "accountId" && rv.account != "":
			return rv.account, true
		}
		return "", false
	case "env", "cf", "s3", "file", "param", "git":
		r.external = true
	case "ssm":
		r.external = true
		name := strings.TrimSpace(addr)
		name = strings.TrimSuffix(name, "~true")
		name = strings.TrimSuffix(name, "~split")
		if name != "" && !strings.Contains(name, openMark) && !strings.Contains(opts, openMark) {
			p := ssmParam{name: name}
			for _, o := range strings.Split(opts, ",") {
				if o = strings.TrimSpace(o); awsRegion.MatchString(o) {
					p.region = o
				}
			}
			r.params = append(r.params, p)
		}
		return "", false
	}
	return fallback()
}

// awsRegion matches the name of an AWS region, such as eu-west-1 or
// us-gov-west-1.
var awsRegion = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`)

// cutDefault splits a variable, given without ${ and }, at the comma
// that starts its default value. Commas between the parentheses of the
// source's options (${ssm(eu-west-1, noDecrypt):/path}) are not one.
func cutDefault(v string) (ref, def string, ok bool) {
	depth := 0
	for i := 0; i < len(v); i++ {
		switch v[i] {
		case '(':
			depth++
		case ')':
			depth = max(depth-1, 0)
		case ',':
			if depth == 0 {
				return v[:i], v[i+1:], true
			}
		}
	}
	return v, "", false
}

// unquote removes the quotes around a default value.
func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '\'' && s[len(s)-1] == '\'' || s[0] == '"' && s[len(s)-1] == '"') {
		return s[1 : len(s)-1]
	}
	return s
}

// node returns the node that a scalar made only of one ${self:...}
// variable names, such as environment: ${self:custom.env.${sls:stage}},
// or n itself.
func (rv *resolver) node(n *yaml.Node) *yaml.Node {
	n = deref(n)
	for range maxVarDepth {
		if n == nil || n.Kind != yaml.ScalarNode || !strings.HasPrefix(n.Value, "${self:") || !strings.HasSuffix(n.Value, "}") {
			return n
		}
		inner := n.Value[len("${self:") : len(n.Value)-1]
		r := rv.text(inner)
		if strings.Contains(r.text, "${") || strings.Contains(r.text, ",") {
			return n
		}
		target := lookup(rv.root, r.text)
		if target == nil {
			return n
		}
		n = target
	}
	return n
}

// lookup returns the node at a dotted path from the document's root.
func lookup(root *yaml.Node, dotted string) *yaml.Node {
	n := root
	for _, k := range strings.Split(strings.TrimSpace(dotted), ".") {
		n = get(n, k)
		if n == nil {
			return nil
		}
	}
	return deref(n)
}

// deref follows aliases.
func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < maxVarDepth; i++ {
		n = n.Alias
	}
	return n
}

// get returns the value of key in mapping m, following aliases and <<
// merge keys, or nil.
func get(m *yaml.Node, key string) *yaml.Node {
	return getSeen(m, key, map[*yaml.Node]bool{})
}

// getSeen is get that skips the mappings in seen, so that merges of
// merges that repeat a mapping read it once.
func getSeen(m *yaml.Node, key string, seen map[*yaml.Node]bool) *yaml.Node {
	m = deref(m)
	if m == nil || m.Kind != yaml.MappingNode || seen[m] {
		return nil
	}
	seen[m] = true
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key && m.Content[i].Tag != "!!merge" {
			return deref(m.Content[i+1])
		}
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Tag != "!!merge" {
			continue
		}
		v := deref(m.Content[i+1])
		srcs := []*yaml.Node{v}
		if v != nil && v.Kind == yaml.SequenceNode {
			srcs = v.Content
		}
		for _, src := range srcs {
			if got := getSeen(src, key, seen); got != nil {
				return got
			}
		}
	}
	return nil
}

// pairs returns the keys and values of mapping m in order, with those of
// merged mappings after them unless m sets the key itself.
func pairs(m *yaml.Node) (keys []*yaml.Node, vals []*yaml.Node) {
	seenKeys := map[string]bool{}
	pairsSeen(m, map[*yaml.Node]bool{}, seenKeys, &keys, &vals)
	return keys, vals
}

// pairsSeen appends the pairs of m whose keys are not in seenKeys,
// reading each mapping once.
func pairsSeen(m *yaml.Node, seen map[*yaml.Node]bool, seenKeys map[string]bool, keys, vals *[]*yaml.Node) {
	m = deref(m)
	if m == nil || m.Kind != yaml.MappingNode || seen[m] {
		return
	}
	seen[m] = true
	var merged []*yaml.Node
	for i := 0; i+1 < len(m.Content); i += 2 {
		k := m.Content[i]
		if k.Tag == "!!merge" {
			v := deref(m.Content[i+1])
			if v != nil && v.Kind == yaml.SequenceNode {
				merged = append(merged, v.Content...)
			} else {
				merged = append(merged, v)
			}
			continue
		}
		if seenKeys[k.Value] {
			continue
		}
		seenKeys[k.Value] = true
		*keys, *vals = append(*keys, k), append(*vals, m.Content[i+1])
	}
	for _, src := range merged {
		pairsSeen(src, seen, seenKeys, keys, vals)
	}
}
