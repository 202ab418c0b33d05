package terraform

import (
	"regexp"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest/internal/literal"
)

var (
	// accessKeyIDPattern matches an AWS access key id: AKIA for long-lived
	// keys, ASIA for temporary ones.
	accessKeyIDPattern = regexp.MustCompile(`(?:^|[^A-Z0-9])((?:AKIA|ASIA)[A-Z0-9]{16})(?:[^A-Z0-9]|$)`)
	// longLivedKeyID matches a value that is a long-lived access key id
	// and nothing else.
	longLivedKeyID = regexp.MustCompile(`^AKIA[A-Z0-9]{16}$`)
	// secretKeyPattern matches a 40-character token shaped like a secret
	// access key.
	secretKeyPattern = regexp.MustCompile(`(?:^|[^A-Za-z0-9/+])([A-Za-z0-9/+]{40})(?:[^A-Za-z0-9/+=]|$)`)
	// privateKeyPattern matches a PEM private key block.
	privateKeyPattern = regexp.MustCompile(`-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY-----[A-Za-z0-9+/=:,\s-]*?-----END ([A-Z0-9]+ )*PRIVATE KEY-----`)
	// chpasswdPattern matches a login password that a script sets with
	// echo "user:password" | chpasswd.
	chpasswdPattern = regexp.MustCompile(`echo\s+(?:-n\s+)?["']?([a-z_][a-z0-9_.-]{0,31}):([^"'\s|]{1,256})["']?\s*\|\s*(?:sudo\s+)?chpasswd`)
)

// inlineCredential is a credential value written out in the input.
type inlineCredential struct {
	value     string
	kind      string // access-key, access-key-secret, private-key or host-password
	longLived bool
	user      string // the login a host-password belongs to
}

// findHostPasswords finds login passwords that a script sets.
func findHostPasswords(text string) []inlineCredential {
	if !strings.Contains(text, "chpasswd") {
		return nil
	}
	var out []inlineCredential
	for _, m := range chpasswdPattern.FindAllStringSubmatch(text, -1) {
		out = append(out, inlineCredential{value: m[2], kind: "host-password", longLived: true, user: m[1]})
	}
	return out
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
		// The kinds that findCredentials and findHostPasswords tell come
		// first, so a value that the script scan finds too keeps its kind.
		var found []inlineCredential
		for _, text := range e.texts(b, a.Expr) {
			found = append(found, findCredentials(text)...)
			found = append(found, findHostPasswords(text)...)
		}
		found = append(found, e.scriptLiterals(b, a.Expr)...)
		for _, c := range found {
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
			if c.kind == "host-password" {
				e.hostLogin(runtime, id, c.user, rng)
			}
		}
	}
}

// scriptLiterals returns the credentials written as literals into the
// commands of user data (docker run -e API_TOKEN=..., export
// DB_PASSWORD=...), as the CI readers find them in scripts. Only the text
// the configuration writes counts: a template's interpolations stay
// references, and a file's content counts when the expression reads no
// variable or resource. A value a variable gives is a credential of its
// own, which exposesHeld links.
func (e *emitter) scriptLiterals(b *block, expr hcl.Expression) []inlineCredential {
	var out []inlineCredential
	for _, text := range e.scriptTexts(b, expr, 0) {
		script := userDataScript(text)
		if script == "" {
			continue
		}
		for _, f := range literal.Scan(script) {
			out = append(out, inlineCredential{value: f.Value, kind: "inline-value", longLived: true})
		}
	}
	return out
}

// maxScriptNesting bounds how deep scriptTexts follows conditions,
// base64encode and templatefile calls into an expression.
const maxScriptNesting = 8

// scriptTexts returns the texts that expr may give as user data, with
// interpolations written as ${interpolation}. A condition gives the texts
// of both its results, base64encode the text it encodes and templatefile
// its template file's text, so a literal they wrap counts whatever the
// variables around it are.
func (e *emitter) scriptTexts(b *block, expr hcl.Expression, depth int) []string {
	switch x := expr.(type) {
	case *hclsyntax.TemplateExpr:
		var sb strings.Builder
		for _, part := range x.Parts {
			if lit, ok := part.(*hclsyntax.LiteralValueExpr); ok && lit.Val.Type() == cty.String && !lit.Val.IsNull() {
				sb.WriteString(lit.Val.AsString())
			} else {
				sb.WriteString("${interpolation}")
			}
		}
		return []string{sb.String()}
	case *hclsyntax.LiteralValueExpr:
		if x.Val.Type() == cty.String && !x.Val.IsNull() {
			return []string{x.Val.AsString()}
		}
		return nil
	case *hclsyntax.ConditionalExpr:
		if depth < maxScriptNesting {
			return append(e.scriptTexts(b, x.TrueResult, depth+1), e.scriptTexts(b, x.FalseResult, depth+1)...)
		}
	case *hclsyntax.FunctionCallExpr:
		if x.Name == "base64encode" && len(x.Args) == 1 && !x.ExpandFinal && depth < maxScriptNesting {
			return e.scriptTexts(b, x.Args[0], depth+1)
		}
		if x.Name == "templatefile" && len(x.Args) == 2 && !x.ExpandFinal && e.ev.files != nil {
			if tmpl := e.templateOf(b, x.Args[0]); tmpl != nil {
				return e.scriptTexts(b, tmpl, depth+1)
			}
		}
	}
	ri := e.refs(expr)
	if len(ri.blocks) > 0 || len(ri.vars) > 0 || ri.opaque || len(ri.outputs) > 0 {
		return nil
	}
	v, diags := e.ev.value(expr, b)
	if diags.HasErrors() {
		return nil
	}
	text, _ := str(v)
	return []string{text}
}

// templateOf returns the parsed template file that pathExpr names, or nil
// when the path is unknown or the file cannot be read.
func (e *emitter) templateOf(b *block, pathExpr hcl.Expression) hclsyntax.Expression {
	v, diags := e.ev.value(pathExpr, b)
	p, ok := str(v)
	if diags.HasErrors() || !ok || strings.Contains(p, "${") {
		return nil
	}
	tmpl, err := e.ev.files.template(p)
	if err != nil {
		return nil
	}
	return tmpl
}

// hostLogin emits the login of a host that a password written in its user
// data opens: the password AUTHENTICATES_AS the login, which CAN_MODIFY
// the host, possibly, since whether its SSH port can be reached and takes
// passwords is not read.
func (e *emitter) hostLogin(runtime, password, user string, rng hcl.Range) {
	e.login(runtime, password, user, "the user data sets the password of login "+user, rng)
}

// login emits a login of a host that a credential opens, and its possible
// CAN_MODIFY of the host; how names where the credential comes from.
func (e *emitter) login(runtime, credential, user, how string, rng hcl.Range) {
	id := graph.AWSHostUserID(runtime, user)
	e.node(graph.NodeIdentity, id, user+" on "+runtime, rng, map[string]string{
		graph.AttrProvider: providerAWS,
		"type":             "host-user",
		graph.AttrName:     user,
		"runtime":          runtime,
		graph.AttrAccount:  e.ev.account,
	})
	e.edge(credential, graph.EdgeAuthenticatesAs, id, rng, nil)
	e.edge(id, graph.EdgeCanModify, runtime, rng, map[string]string{
		graph.AttrActions: "ssh login",
		graph.AttrReason:  how + "; undecided: whether the host's SSH port can be reached and accepts it is not in the input",
	})
	e.ff.edges[len(e.ff.edges)-1].Confidence = graph.Possible
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

// keyPairID returns the id of the private key of an EC2 key pair, in the
// account and region of the block being emitted.
func (e *emitter) keyPairID(name string) string {
	return graph.AWSKeyPairID(e.ev.region, e.ev.account, name)
}

// keyPairLogin emits the private key of the key pair an instance names
// (key_name) and the login it opens on the instance, as the user of its
// connection blocks (else "key-pair").
func (e *emitter) keyPairLogin(runtime string, b *block, bv *blockVal) {
	name, ok := attrStr(bv, "key_name")
	if !ok {
		return
	}
	id := e.keyPairID(name)
	rng := b.attr("key_name").Expr.Range()
	e.node(graph.NodeSecret, id, "private key of key pair "+name, rng, map[string]string{
		graph.AttrProvider:  providerAWS,
		"type":              "ssh-key-pair",
		graph.AttrName:      name,
		graph.AttrLongLived: "true",
		graph.AttrAccount:   e.ev.account,
	})
	user := "key-pair"
	for _, c := range connections(b.syn.Body) {
		if a := c.Body.Attributes["user"]; a != nil {
			if v, diags := e.ev.value(a.Expr, b); !diags.HasErrors() {
				if s, ok := str(v); ok && s != "" && !strings.Contains(s, "${") {
					user = s
					break
				}
			}
		}
	}
	how := "the private key of key pair " + name + " logs in to the instance"
	if user != "key-pair" {
		how += " as " + user
	}
	e.login(runtime, id, user, how, rng)
}

// connections returns the connection blocks of a resource body and of its
// provisioners.
func connections(body *hclsyntax.Body) []*hclsyntax.Block {
	out := nestedBlocks(body, "connection")
	for _, p := range nestedBlocks(body, "provisioner") {
		out = append(out, nestedBlocks(p.Body, "connection")...)
	}
	return out
}
