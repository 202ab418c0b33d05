package terraform

import (
	"bufio"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"unicode"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/blastradius-dev/blastradius/ingest"
)

// srcFile is one file of a module folder.
type srcFile struct {
	name string // base name, also the file name in every hcl.Range
	vars bool   // a .tfvars file
	body *hclsyntax.Body
	err  *ingest.Error // rejects the file; body is nil then
}

// block is a resource or data block.
type block struct {
	typ, name string
	addr      string // aws_iam_role.x, data.aws_region.current
	data      bool
	file      *srcFile
	syn       *hclsyntax.Block
	// inst is set on the copy of a block with count or for_each that is
	// one of its instances (see evaluator.expand). Its addr and name then
	// end in the instance key, as in aws_iam_user.x["alice"].
	inst *instance
}

// counted reports whether the block has count, which makes references to
// it index a list.
func (b *block) counted() bool { return b.syn.Body.Attributes["count"] != nil }

// attr returns the block's attribute of that name, or nil.
func (b *block) attr(name string) *hclsyntax.Attribute { return b.syn.Body.Attributes[name] }

// nested returns the block's nested blocks of a type, in source order.
func (b *block) nested(typ string) []*hclsyntax.Block { return nestedBlocks(b.syn.Body, typ) }

func nestedBlocks(body *hclsyntax.Body, typ string) []*hclsyntax.Block {
	var out []*hclsyntax.Block
	for _, nb := range body.Blocks {
		if nb.Type == typ {
			out = append(out, nb)
		}
	}
	return out
}

// hasDynamic reports whether body has a dynamic block generating typ.
func hasDynamic(body *hclsyntax.Body, typ string) (hcl.Range, bool) {
	for _, nb := range body.Blocks {
		if nb.Type == "dynamic" && len(nb.Labels) == 1 && nb.Labels[0] == typ {
			return nb.DefRange(), true
		}
	}
	return hcl.Range{}, false
}

// variable is a declared input variable.
type variable struct {
	syn  *hclsyntax.Block
	file *srcFile
	// others are the later blocks that declare the same variable again,
	// and the declaration as it was before each override block merged
	// into syn. Only their sensitive argument is read.
	others []*hclsyntax.Block
}

// localDef is one entry of a locals block.
type localDef struct {
	attr *hclsyntax.Attribute
	file *srcFile
}

// module is the parsed content of one folder.
type module struct {
	dir    string     // the folder, for files the configuration reads
	files  []*srcFile // in name order, override files last
	vars   map[string]*variable
	locals map[string]*localDef
	blocks map[string]*block // resources and data sources by address
	// byType and byFile index blocks by type ("data." for data sources),
	// in address order, and by file, in source order.
	byType    map[string][]*block
	byFile    map[*srcFile][]*block
	providers map[string][]*hclsyntax.Block
	// repoOwner is the owner of the repository the module's files belong
	// to, the GitHub owner when no github provider names one.
	repoOwner string
	// imports maps a resource address to the id expression of the import
	// block that names it.
	imports map[string]hcl.Expression
	// tfvars contains the values Terraform loads by itself, later files
	// overriding earlier ones.
	tfvars map[string]cty.Value
	// diags are problems found while loading, by file name.
	diags map[string][]ingest.Diagnostic
	// budget counts what the module's for expressions iterate over.
	budget *evalBudget
	// prefix is "" for a module read from its own folder, and the
	// address of the call (module.NAME.) for a module read through a
	// module block. Every block address starts with it.
	prefix string
	// calls holds the module blocks by name, outputs the value of each
	// output block. sensitiveOutputs holds the outputs marked sensitive,
	// whose value the reader never keeps.
	calls            map[string]*moduleCall
	outputs          map[string]*hclsyntax.Attribute
	sensitiveOutputs map[string]bool
	// size is the number of bytes of its files read, after decompression.
	size int
}

// loadModule reads and parses the .tf, .tf.json, .tfvars and .tfvars.json
// files of dir. self is read through its Open function when the folder
// gives no copy of it.
func loadModule(dir string, self *ingest.File) *module {
	owner, _, _ := strings.Cut(self.Repo, "/")
	m := readModule(dir, owner, "", self)
	m.loadValues()
	return m
}

// loadCalled reads the module in dir that a module block of parent calls.
// Terraform gives a called module no tfvars values: its variables take
// the call's arguments, else their defaults.
//
// The called module spends the caller's budget for for expressions, so
// that a configuration's calls together stay within one module's limit.
func loadCalled(dir string, parent *module, prefix string) *module {
	m := readModule(dir, parent.repoOwner, prefix, nil)
	m.budget = parent.budget
	return m
}

// readModule parses the files of dir. self, when set, is a file of dir
// that is read through its Open function when the folder gives no copy.
func readModule(dir, owner, prefix string, self *ingest.File) *module {
	m := &module{
		prefix:           prefix,
		calls:            map[string]*moduleCall{},
		outputs:          map[string]*hclsyntax.Attribute{},
		sensitiveOutputs: map[string]bool{},
		repoOwner:        owner,
		dir:              dir,
		vars:             map[string]*variable{},
		locals:           map[string]*localDef{},
		blocks:           map[string]*block{},
		providers:        map[string][]*hclsyntax.Block{},
		imports:          map[string]hcl.Expression{},
		tfvars:           map[string]cty.Value{},
		diags:            map[string][]ingest.Diagnostic{},
		budget:           &evalBudget{},
	}
	selfName := ""
	names := map[string]bool{}
	if self != nil {
		selfName = filepath.Base(self.Path)
		names[selfName] = true
	}
	if entries, err := os.ReadDir(dir); err == nil {
		for _, e := range entries {
			if !e.Type().IsRegular() && e.Type()&os.ModeSymlink == 0 {
				continue
			}
			if isConfig(e.Name()) || isVars(e.Name()) {
				names[e.Name()] = true
			}
		}
	}
	sorted := make([]string, 0, len(names))
	for n := range names {
		sorted = append(sorted, n)
	}
	// Terraform reads override files after the others, each group in
	// name order.
	sort.Slice(sorted, func(i, j int) bool {
		if oi, oj := isOverride(sorted[i]), isOverride(sorted[j]); oi != oj {
			return oj
		}
		return sorted[i] < sorted[j]
	})

	for _, name := range sorted {
		src, err := readSource(filepath.Join(dir, name))
		if err != nil && self != nil && name == selfName && self.Open != nil {
			src, err = readOpen(self)
		}
		f := &srcFile{name: name, vars: isVars(name)}
		m.files = append(m.files, f)
		if err != nil {
			f.err = &ingest.Error{Msg: err.Error()}
			continue
		}
		m.size += len(src)
		deepAt := tooDeep
		if isJSON(name) {
			deepAt = jsonTooDeep
		}
		if line, col, deep := deepAt(src); deep {
			f.err = &ingest.Error{Pos: ingest.Position{Line: line, Col: col},
				Msg: nestingMsg}
			continue
		}
		body, diags := parseBody(src, name)
		if diags.HasErrors() {
			f.err = syntaxError(diags)
			continue
		}
		f.body = body
		m.boundLiterals(f)
		countIterations(f.body)
	}

	// m.files holds the override files last, so that their blocks merge
	// into declarations that every other file has made.
	for _, f := range m.files {
		switch {
		case f.err != nil || f.vars:
		case isOverride(f.name):
			m.applyOverrides(f)
		default:
			m.declare(f)
		}
	}
	m.index()
	return m
}

// parseBody parses a file of a module, in the native syntax or, for a
// .tf.json or .tfvars.json file, in Terraform's JSON syntax.
func parseBody(src []byte, name string) (*hclsyntax.Body, hcl.Diagnostics) {
	if isJSON(name) {
		return parseJSONConfig(src, name, isVars(name))
	}
	file, diags := hclsyntax.ParseConfig(src, name, hcl.InitialPos)
	if diags.HasErrors() {
		return nil, diags
	}
	return file.Body.(*hclsyntax.Body), diags
}

func readSource(path string) ([]byte, error) {
	fh, _, err := ingest.OpenRegular(path)
	if err != nil {
		return nil, fmt.Errorf("reading the file failed: %w", err)
	}
	defer fh.Close()
	if !strings.HasSuffix(strings.ToLower(path), ".gz") {
		return readLimited(fh)
	}
	// readLimited bounds the decompressed size, so a small file that
	// inflates without end is cut off as a large one is.
	zr, err := gzip.NewReader(bufio.NewReader(fh))
	if err != nil {
		return nil, fmt.Errorf("not a gzip file: %w", err)
	}
	defer zr.Close()
	return readLimited(zr)
}

func readOpen(f *ingest.File) ([]byte, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("reading the file failed: %w", err)
	}
	defer rc.Close()
	return readLimited(rc)
}

func readLimited(r io.Reader) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, ingest.MaxConfigSize+1))
	if err != nil {
		return nil, fmt.Errorf("reading the file failed: %w", err)
	}
	if len(b) > ingest.MaxConfigSize {
		return nil, fmt.Errorf("file is larger than %d MiB", ingest.MaxConfigSize>>20)
	}
	return b, nil
}

// boundLiterals makes number literals beyond maxExponent unknown: turning
// them into text would take time and memory out of all proportion.
func (m *module) boundLiterals(f *srcFile) {
	hclsyntax.VisitAll(f.body, func(n hclsyntax.Node) hcl.Diagnostics {
		lit, ok := n.(*hclsyntax.LiteralValueExpr)
		if ok && lit.Val.Type() == cty.Number && lit.Val.IsKnown() && !lit.Val.IsNull() && hugeNumber(lit.Val) {
			lit.Val = cty.UnknownVal(cty.Number)
			m.warnf(lit.SrcRange, "number is too large to evaluate; treated as unknown")
		}
		return nil
	})
}

// declare records the top-level declarations of one .tf file.
func (m *module) declare(f *srcFile) {
	for _, sb := range f.body.Blocks {
		switch sb.Type {
		case "resource", "data":
			if len(sb.Labels) != 2 {
				m.warnf(sb.DefRange(), "%s block needs a type and a name label; block skipped", sb.Type)
				continue
			}
			b := &block{typ: sb.Labels[0], name: sb.Labels[1], data: sb.Type == "data", file: f, syn: sb}
			b.addr = m.prefix + b.typ + "." + b.name
			if b.data {
				b.addr = m.prefix + "data." + b.typ + "." + b.name
			}
			if m.blocks[b.addr] != nil {
				m.warnf(sb.DefRange(), "duplicate declaration of %s; block skipped", b.addr)
				continue
			}
			m.blocks[b.addr] = b
		case "variable":
			if len(sb.Labels) != 1 {
				m.warnf(sb.DefRange(), "variable block needs a name label; block skipped")
				continue
			}
			if v := m.vars[sb.Labels[0]]; v != nil {
				m.warnf(sb.DefRange(), "duplicate declaration of var.%s; block skipped except its sensitive argument", sb.Labels[0])
				v.others = append(v.others, sb)
				continue
			}
			m.vars[sb.Labels[0]] = &variable{syn: sb, file: f}
		case "locals":
			for _, a := range sortedAttrs(sb.Body) {
				if m.locals[a.Name] != nil {
					m.warnf(a.NameRange, "duplicate declaration of local.%s; entry skipped", a.Name)
					continue
				}
				m.locals[a.Name] = &localDef{attr: a, file: f}
			}
		case "provider":
			if len(sb.Labels) == 1 {
				m.providers[sb.Labels[0]] = append(m.providers[sb.Labels[0]], sb)
			}
		case "import":
			m.declareImport(sb)
		case "module":
			if len(sb.Labels) != 1 || m.calls[sb.Labels[0]] != nil {
				continue
			}
			m.calls[sb.Labels[0]] = &moduleCall{name: sb.Labels[0], syn: sb, file: f}
		case "output":
			if a := sb.Body.Attributes["value"]; len(sb.Labels) == 1 && a != nil {
				m.outputs[sb.Labels[0]] = a
				if sensitiveBlock(sb) {
					m.sensitiveOutputs[sb.Labels[0]] = true
				}
			}
		}
	}
}

// declareImport records the id an import block gives a resource. Only
// plain addresses count: an import into one instance of a counted or
// for_each resource, or into a module, is left out.
func (m *module) declareImport(sb *hclsyntax.Block) {
	to, id := sb.Body.Attributes["to"], sb.Body.Attributes["id"]
	if to == nil || id == nil {
		return
	}
	tr, diags := hcl.AbsTraversalForExpr(to.Expr)
	if diags.HasErrors() || len(tr) != 2 {
		return
	}
	addr := traversalText(tr)
	if _, dup := m.imports[addr]; !dup {
		m.imports[addr] = id.Expr
	}
}

// loadValues reads terraform.tfvars and terraform.tfvars.json, then
// *.auto.tfvars and *.auto.tfvars.json in name order, as Terraform does.
// A gzip-compressed file counts under its name without the .gz suffix.
func (m *module) loadValues() {
	rank := func(f *srcFile) int {
		name := f.name
		if strings.HasSuffix(strings.ToLower(name), ".gz") {
			name = name[:len(name)-len(".gz")]
		}
		switch {
		case name == "terraform.tfvars":
			return 0
		case name == "terraform.tfvars.json":
			return 1
		case strings.HasSuffix(name, ".auto.tfvars"), strings.HasSuffix(name, ".auto.tfvars.json"):
			return 2
		}
		return 3 // not loaded
	}
	var files []*srcFile
	for _, f := range m.files {
		if f.err == nil && f.vars && rank(f) < 3 {
			files = append(files, f)
		}
	}
	sort.SliceStable(files, func(i, j int) bool { return rank(files[i]) < rank(files[j]) })
	for _, f := range files {
		for _, a := range sortedAttrs(f.body) {
			v, diags := a.Expr.Value(nil)
			if diags.HasErrors() {
				m.warnf(a.Expr.Range(), "value of %s could not be evaluated: %s", a.Name, summary(diags))
				continue
			}
			m.tfvars[a.Name] = v
		}
	}
}

// index fills byType and byFile.
func (m *module) index() {
	m.byType = map[string][]*block{}
	m.byFile = map[*srcFile][]*block{}
	for _, b := range m.blocks {
		t := b.typ
		if b.data {
			t = "data." + t
		}
		m.byType[t] = append(m.byType[t], b)
		m.byFile[b.file] = append(m.byFile[b.file], b)
	}
	for _, bs := range m.byType {
		sort.Slice(bs, func(i, j int) bool { return bs[i].addr < bs[j].addr })
	}
	for _, bs := range m.byFile {
		sort.Slice(bs, func(i, j int) bool {
			return bs[i].syn.TypeRange.Start.Byte < bs[j].syn.TypeRange.Start.Byte
		})
	}
}

// blocksInFile returns the resource and data blocks of f in source order.
func (m *module) blocksInFile(f *srcFile) []*block { return m.byFile[f] }

// blocksOfType returns the resource (or data, with the "data." prefix)
// blocks of one type, ordered by address.
func (m *module) blocksOfType(typ string) []*block { return m.byType[typ] }

// provider returns the default (unaliased) configuration of a provider.
func (m *module) provider(name string) *hclsyntax.Block {
	for _, p := range m.providers[name] {
		if p.Body.Attributes["alias"] == nil {
			return p
		}
	}
	return nil
}

// providerConfig returns the module's configuration of a provider by
// local name and alias ("" for the default one), or nil.
func (m *module) providerConfig(name, alias string) *hclsyntax.Block {
	if alias == "" {
		return m.provider(name)
	}
	for _, p := range m.providers[name] {
		a := p.Body.Attributes["alias"]
		if a == nil {
			continue
		}
		if v, diags := a.Expr.Value(nil); !diags.HasErrors() {
			if s, ok := str(v); ok && s == alias {
				return p
			}
		}
	}
	return nil
}

// providerRef returns the local name and alias ("" for the default
// configuration) of the provider configuration that block b uses. These
// are the ones its provider argument names (google-beta, google.prod,
// google-beta.prod). Without that argument, Terraform uses the default
// configuration of the provider whose local name is the first word of
// the type (google for google_compute_instance), even in a module that
// configures only other providers. An argument that is not a reference
// Terraform accepts also gets that default.
func providerRef(b *block) (name, alias string) {
	name, _, _ = strings.Cut(b.typ, "_")
	a := b.attr("provider")
	if a == nil {
		return name, ""
	}
	tr, ok := providerTraversal(a.Expr)
	if !ok || len(tr) > 2 {
		return name, ""
	}
	if len(tr) == 2 {
		if alias = stepName(tr, 1); alias == "" {
			return name, ""
		}
	}
	return tr.RootName(), alias
}

// providerAlias returns the alias that a block's provider argument names
// for a provider (prod for provider = aws.prod), or "".
func providerAlias(b *block, name string) string {
	if b == nil {
		return ""
	}
	a := b.attr("provider")
	if a == nil {
		return ""
	}
	tr, ok := providerTraversal(a.Expr)
	if !ok || tr.RootName() != name || len(tr) != 2 {
		return ""
	}
	return stepName(tr, 1)
}

// providerTraversal returns the reference that a provider argument makes.
// A quoted reference ("aws.prod", the Terraform 0.11 form, which Terraform
// still accepts with a warning) is read as the bare one.
func providerTraversal(expr hclsyntax.Expression) (hcl.Traversal, bool) {
	if t, ok := expr.(*hclsyntax.TemplateExpr); ok && t.IsStringLiteral() {
		v, diags := t.Value(nil)
		if diags.HasErrors() {
			return nil, false
		}
		tr, diags := hclsyntax.ParseTraversalAbs([]byte(v.AsString()), t.SrcRange.Filename, t.SrcRange.Start)
		return tr, !diags.HasErrors()
	}
	tr, diags := hcl.AbsTraversalForExpr(expr)
	return tr, !diags.HasErrors()
}

func (m *module) warnf(rng hcl.Range, format string, args ...any) {
	m.diags[rng.Filename] = append(m.diags[rng.Filename], diagAt(rng, fmt.Sprintf(format, args...)))
}

func diagAt(rng hcl.Range, msg string) ingest.Diagnostic {
	return ingest.Diagnostic{Pos: ingest.Position{Line: rng.Start.Line, Col: rng.Start.Column}, Msg: msg}
}

func sortedAttrs(body *hclsyntax.Body) []*hclsyntax.Attribute {
	out := make([]*hclsyntax.Attribute, 0, len(body.Attributes))
	for _, a := range body.Attributes {
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].SrcRange.Start.Byte < out[j].SrcRange.Start.Byte })
	return out
}

// syntaxError turns parse diagnostics into the error that rejects a file:
// the first error with its position, summary and detail, and how many
// more there are.
func syntaxError(diags hcl.Diagnostics) *ingest.Error {
	var errs hcl.Diagnostics
	for _, d := range diags {
		if d.Severity == hcl.DiagError {
			errs = append(errs, d)
		}
	}
	d := errs[0]
	var pos ingest.Position
	if rng := d.Subject; rng != nil {
		pos = ingest.Position{Line: rng.Start.Line, Col: rng.Start.Column}
	} else if rng := d.Context; rng != nil {
		pos = ingest.Position{Line: rng.Start.Line, Col: rng.Start.Column}
	}
	msg := lowerFirst(d.Summary)
	if detail := redactQuoted(d.Detail); detail != "" {
		msg += ": " + strings.TrimSuffix(detail, ".")
	}
	if n := len(errs) - 1; n == 1 {
		msg += " (and 1 more error)"
	} else if n > 1 {
		msg += fmt.Sprintf(" (and %d more errors)", n)
	}
	return &ingest.Error{Pos: pos, Msg: msg}
}

// summary names the first error of an evaluation, without its detail,
// which may quote values.
func summary(diags hcl.Diagnostics) string {
	for _, d := range diags {
		if d.Severity == hcl.DiagError {
			return lowerFirst(d.Summary)
		}
	}
	return "unknown problem"
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	if len(r) > 1 && unicode.IsUpper(r[1]) {
		return s // an acronym such as JSON
	}
	r[0] = unicode.ToLower(r[0])
	return string(r)
}

// quoted matches a double-quoted span in a diagnostic detail.
var quoted = regexp.MustCompile(`"[^"]*"`)

// redactQuoted drops quoted spans longer than a few characters from a
// parser's detail text, since they may repeat input; short ones name
// punctuation such as "=" and stay.
func redactQuoted(s string) string {
	return quoted.ReplaceAllStringFunc(s, func(q string) string {
		if len(q) > 5 {
			return `"…"`
		}
		return q
	})
}

// maxNesting bounds the nesting of a file's expressions. The HCL parser
// recurses once per level (a bracket, an interpolation, a template
// directive, a unary operator or a conditional), so a hostile file of a
// few hundred kilobytes would otherwise overflow the stack and end the
// whole run. Real modules stay below 30 levels.
const maxNesting = 1000

// nestingMsg is the error of a file whose nesting passes maxNesting.
var nestingMsg = fmt.Sprintf("expression nested deeper than %d levels; the file is skipped, split or simplify the expression", maxNesting)

// tooDeep reports where the expressions of a file in the native syntax
// first nest deeper than maxNesting.
func tooDeep(src []byte) (line, col int, deep bool) {
	tokens, _ := hclsyntax.LexConfig(src, "", hcl.InitialPos)
	if pos, deep := tokensTooDeep(tokens); deep {
		return pos.Line, pos.Column, true
	}
	return 0, 0, false
}

// tokensTooDeep reports where tokens first nest deeper than maxNesting.
// Brackets, quotes, heredocs, interpolations and if and for directives
// count as levels. So does each unary operator and conditional, from its
// token to the end of the list item, line or bracket it is in, since the
// parser's recursion for a chain of them ends only there.
func tokensTooDeep(tokens hclsyntax.Tokens) (hcl.Pos, bool) {
	type frame struct {
		pending  int  // unary operators and conditionals open in this frame
		newlines bool // newlines end items here, as in a body or an object
	}
	stack := []frame{{newlines: true}}
	depth := 0 // brackets and directives, plus every frame's pending
	endItem := func() {
		top := &stack[len(stack)-1]
		depth -= top.pending
		top.pending = 0
	}
	prev := hclsyntax.TokenNil // the last token other than a newline or comment
	for i, tok := range tokens {
		switch tok.Type {
		case hclsyntax.TokenOParen, hclsyntax.TokenOBrack, hclsyntax.TokenOBrace,
			hclsyntax.TokenOQuote, hclsyntax.TokenOHeredoc,
			hclsyntax.TokenTemplateInterp, hclsyntax.TokenTemplateControl:
			stack = append(stack, frame{newlines: tok.Type == hclsyntax.TokenOBrace})
			depth++
			if tok.Type == hclsyntax.TokenTemplateControl {
				switch directive(tokens[i+1:]) {
				case "if", "for":
					depth++ // until its end directive
				}
			}
		case hclsyntax.TokenCParen, hclsyntax.TokenCBrack, hclsyntax.TokenCBrace,
			hclsyntax.TokenCQuote, hclsyntax.TokenCHeredoc, hclsyntax.TokenTemplateSeqEnd:
			if len(stack) > 1 {
				endItem()
				stack = stack[:len(stack)-1]
				depth--
			}
		case hclsyntax.TokenComma:
			endItem()
		case hclsyntax.TokenNewline:
			if stack[len(stack)-1].newlines {
				endItem()
			}
		case hclsyntax.TokenBang, hclsyntax.TokenQuestion:
			stack[len(stack)-1].pending++
			depth++
		case hclsyntax.TokenMinus:
			if !endsOperand(prev) {
				stack[len(stack)-1].pending++
				depth++
			}
		}
		if tok.Type != hclsyntax.TokenNewline && tok.Type != hclsyntax.TokenComment {
			prev = tok.Type
		}
		if tok.Type == hclsyntax.TokenTemplateControl {
			switch directive(tokens[i+1:]) {
			case "endif", "endfor":
				depth--
			}
		}
		if depth > maxNesting {
			return tok.Range.Start, true
		}
	}
	return hcl.Pos{}, false
}

// endsOperand reports whether a token of type t can end an operand, so
// that a minus after it subtracts instead of negating.
func endsOperand(t hclsyntax.TokenType) bool {
	switch t {
	case hclsyntax.TokenIdent, hclsyntax.TokenNumberLit, hclsyntax.TokenCParen, hclsyntax.TokenCBrack,
		hclsyntax.TokenCBrace, hclsyntax.TokenCQuote, hclsyntax.TokenCHeredoc:
		return true
	}
	return false
}

// directive returns the keyword of the template directive whose tokens
// follow its %{, past a ~ strip marker.
func directive(tokens hclsyntax.Tokens) string {
	for _, tok := range tokens {
		if tok.Type != hclsyntax.TokenBitwiseNot {
			if tok.Type == hclsyntax.TokenIdent {
				return string(tok.Bytes)
			}
			return ""
		}
	}
	return ""
}

// jsonTooDeep reports where the brackets of a JSON file first nest deeper
// than maxNesting. It counts [ and { outside strings. The strings, which
// may hold templates, are checked as the file is converted.
func jsonTooDeep(src []byte) (line, col int, deep bool) {
	depth := 0
	line, col = 1, 0
	inString, escaped := false, false
	for _, c := range src {
		col++
		if c == '\n' {
			line, col = line+1, 0
			continue
		}
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
		case c == '"':
			inString = true
		case c == '[' || c == '{':
			depth++
			if depth > maxNesting {
				return line, col, true
			}
		case c == ']' || c == '}':
			depth--
		}
	}
	return 0, 0, false
}
