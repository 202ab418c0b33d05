package terraform

import (
	"regexp"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/blastradius-dev/blastradius/graph"
)

var (
	// accessKeyIDPattern matches an AWS access key id: AKIA for long-lived
	// keys, ASIA for temporary ones.
	accessKeyIDPattern = regexp.MustCompile(`(?:^|[^A-Z0-9])((?:AKIA|ASIA)[A-Z0-9]{16})(?:[^A-Z0-9]|$)`)
	// secretKeyPattern matches a 40-character token shaped like a secret
	// access key.
	secretKeyPattern = regexp.MustCompile(`(?:^|[^A-Za-z0-9/+])([A-Za-z0-9/+]{40})(?:[^A-Za-z0-9/+=]|$)`)
	// privateKeyPattern matches a PEM private key block.
	privateKeyPattern = regexp.MustCompile(`-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY-----[A-Za-z0-9+/=:,\s-]*?-----END ([A-Z0-9]+ )*PRIVATE KEY-----`)
)

// inlineCredential is an AWS credential value written out in the input.
type inlineCredential struct {
	value     string
	kind      string // access-key, access-key-secret or private-key
	longLived bool
}

// findAWSKeys finds access key ids and, in text that also has a key id or
// names a secret, secret access keys.
func findAWSKeys(text string) []inlineCredential {
	var out []inlineCredential
	ids := accessKeyIDPattern.FindAllStringSubmatch(text, -1)
	for _, m := range ids {
		out = append(out, inlineCredential{value: m[1], kind: "access-key", longLived: strings.HasPrefix(m[1], "AKIA")})
	}
	if len(ids) == 0 && !strings.Contains(strings.ToLower(text), "secret") {
		return out
	}
	for _, m := range secretKeyPattern.FindAllStringSubmatch(text, -1) {
		if looksLikeSecretKey(m[1]) {
			out = append(out, inlineCredential{value: m[1], kind: "access-key-secret", longLived: true})
		}
	}
	return out
}

// findCredentials finds AWS keys and PEM private keys.
func findCredentials(text string) []inlineCredential {
	out := findAWSKeys(text)
	if strings.Contains(text, "PRIVATE KEY-----") {
		for _, k := range privateKeyPattern.FindAllString(text, -1) {
			out = append(out, inlineCredential{value: k, kind: "private-key", longLived: true})
		}
	}
	return out
}

// looksLikeSecretKey distinguishes a secret access key from hex digests
// and words: a key mixes upper and lower case with digits or slashes.
func looksLikeSecretKey(s string) bool {
	var upper, lower, other bool
	for _, r := range s {
		switch {
		case r >= 'A' && r <= 'Z':
			upper = true
		case r >= 'a' && r <= 'z':
			lower = true
		default:
			other = true
		}
	}
	return upper && lower && other
}

// inlineKeys emits the AWS credentials written into the named arguments of
// b (user data) as Secrets that runtime EXPOSES through a file.
func (e *emitter) inlineKeys(runtime string, b *block, names ...string) {
	seen := map[string]bool{}
	for _, name := range names {
		a := b.attr(name)
		if a == nil {
			continue
		}
		for _, text := range e.texts(b, a.Expr) {
			for _, c := range findCredentials(text) {
				fp := e.fingerprint(c.value)
				if fp == "" || seen[fp] {
					continue
				}
				seen[fp] = true
				id := "secret:inline:" + fp
				rng := a.Expr.Range()
				e.node(graph.NodeSecret, id, "", rng, map[string]string{
					graph.AttrProvider:     providerAWS,
					"type":                 c.kind,
					graph.AttrLongLived:    boolAttr(c.longLived),
					graph.AttrFingerprint:  fp,
					graph.AttrStoredInline: "true",
				})
				e.edge(runtime, graph.EdgeExposes, id, rng, map[string]string{graph.AttrVia: "file"})
			}
		}
	}
}

// texts returns the string literals of expr and, when it evaluates to a
// string, its value: a literal survives even when the whole cannot be
// evaluated or is encoded.
func (e *emitter) texts(b *block, expr hcl.Expression) []string {
	var out []string
	if se, ok := expr.(hclsyntax.Node); ok {
		hclsyntax.VisitAll(se, func(n hclsyntax.Node) hcl.Diagnostics {
			if lit, ok := n.(*hclsyntax.LiteralValueExpr); ok && lit.Val.Type() == cty.String && !lit.Val.IsNull() {
				out = append(out, lit.Val.AsString())
			}
			return nil
		})
	}
	if v, diags := e.ev.value(expr, b); !diags.HasErrors() {
		if s, ok := str(v); ok {
			out = append(out, s)
		}
	}
	return out
}

func boolAttr(b bool) string {
	if b {
		return "true"
	}
	return "false"
}
