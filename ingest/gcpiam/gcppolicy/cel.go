package gcppolicy

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// MaxExprLen bounds the length of an expression Parse accepts.
const MaxExprLen = 16 << 10

// maxDepth bounds the nesting of an expression.
const maxDepth = 64

// Expr is a parsed expression.
type Expr struct {
	src  string
	root *node
}

// SyntaxError is an expression that does not parse, with the byte offset
// of the problem.
type SyntaxError struct {
	Offset int
	Msg    string
}

func (e *SyntaxError) Error() string { return fmt.Sprintf("offset %d: %s", e.Offset, e.Msg) }

type nodeKind uint8

const (
	nLit nodeKind = iota
	nIdent
	nSelect // x.name
	nIndex  // x[i]
	nCall   // name(args) or x.name(args) when recv is set
	nList
	nMap
	nUnary
	nBinary
	nCond
)

type node struct {
	kind nodeKind
	op   string
	name string
	val  Value
	recv *node
	args []*node // operands, elements, or key/value pairs for maps
	pos  int
}

// Parse parses a CEL expression of the subset IAM conditions and workload
// identity providers use: literals (strings in single, double, triple and
// raw quotes, numbers, booleans, null, lists, maps), identifiers, field
// selection, indexing, calls and methods, the operators ! - * / % + == !=
// < <= > >= in && || and ?:.
func Parse(src string) (*Expr, error) {
	if len(src) > MaxExprLen {
		return nil, &SyntaxError{Offset: MaxExprLen, Msg: "expression too long"}
	}
	toks, err := lex(src)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks}
	n, err := p.expr(0)
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tokEOF {
		return nil, &SyntaxError{Offset: t.pos, Msg: "unexpected " + t.describe()}
	}
	return &Expr{src: src, root: n}, nil
}

// String returns the source of the expression.
func (e *Expr) String() string { return e.src }

// Literals returns the string literals of the expression, in order.
func (e *Expr) Literals() []string {
	var out []string
	var walk func(n *node)
	walk = func(n *node) {
		if n == nil {
			return
		}
		if n.kind == nLit && n.val.k == kString {
			out = append(out, n.val.s)
		}
		walk(n.recv)
		for _, a := range n.args {
			walk(a)
		}
	}
	walk(e.root)
	return out
}

// Env binds the top-level names of an evaluation (assertion, attribute,
// google, resource, request). Names it does not bind are unknown.
type Env map[string]Value

// Decide evaluates a condition.
func (e *Expr) Decide(env Env) (Decision, string) {
	t, why := asTruth(e.Eval(env))
	return t.decision(), why
}

// Eval evaluates the expression to a value.
func (e *Expr) Eval(env Env) Value {
	return eval(e.root, env)
}

// ---- lexer

type tokKind uint8

const (
	tokEOF tokKind = iota
	tokIdent
	tokString
	tokNumber
	tokOp
)

type token struct {
	kind tokKind
	text string // identifier, operator, or decoded string
	num  float64
	pos  int
}

func (t token) describe() string {
	switch t.kind {
	case tokEOF:
		return "end of expression"
	case tokString:
		return "string"
	case tokNumber:
		return "number"
	}
	return strconv.Quote(t.text)
}

var ops = []string{"&&", "||", "==", "!=", "<=", ">=", "!", "<", ">", "+", "-", "*", "/", "%",
	"(", ")", "[", "]", "{", "}", ".", ",", ":", "?"}

func lex(src string) ([]token, error) {
	var toks []token
	i := 0
	for i < len(src) {
		c := src[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
			continue
		case c == '/' && strings.HasPrefix(src[i:], "//"):
			for i < len(src) && src[i] != '\n' {
				i++
			}
			continue
		case isIdentStart(c):
			j := i
			for j < len(src) && isIdentPart(src[j]) {
				j++
			}
			word := src[i:j]
			if (word == "r" || word == "R") && j < len(src) && (src[j] == '"' || src[j] == '\'') {
				s, n, err := lexString(src, j, true)
				if err != nil {
					return nil, err
				}
				toks = append(toks, token{kind: tokString, text: s, pos: i})
				i = j + n
				continue
			}
			toks = append(toks, token{kind: tokIdent, text: word, pos: i})
			i = j
			continue
		case c >= '0' && c <= '9':
			j := i
			for j < len(src) && (isIdentPart(src[j]) || src[j] == '.') {
				j++
			}
			text := strings.TrimRight(src[i:j], "uU")
			n, err := strconv.ParseFloat(text, 64)
			if err != nil {
				if v, err2 := strconv.ParseInt(text, 0, 64); err2 == nil {
					n = float64(v)
				} else {
					return nil, &SyntaxError{Offset: i, Msg: "invalid number"}
				}
			}
			toks = append(toks, token{kind: tokNumber, num: n, pos: i})
			i = j
			continue
		case c == '"' || c == '\'':
			s, n, err := lexString(src, i, false)
			if err != nil {
				return nil, err
			}
			toks = append(toks, token{kind: tokString, text: s, pos: i})
			i += n
			continue
		}
		matched := false
		for _, op := range ops {
			if strings.HasPrefix(src[i:], op) {
				toks = append(toks, token{kind: tokOp, text: op, pos: i})
				i += len(op)
				matched = true
				break
			}
		}
		if !matched {
			return nil, &SyntaxError{Offset: i, Msg: "unexpected character"}
		}
	}
	return append(toks, token{kind: tokEOF, pos: len(src)}), nil
}

func isIdentStart(c byte) bool { return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isIdentPart(c byte) bool  { return isIdentStart(c) || c >= '0' && c <= '9' }

// lexString reads a quoted string at src[i], returning its value and length.
func lexString(src string, i int, raw bool) (string, int, error) {
	q := src[i : i+1]
	if strings.HasPrefix(src[i:], q+q+q) {
		q = q + q + q
	}
	start := i
	i += len(q)
	var sb strings.Builder
	for {
		if i >= len(src) {
			return "", 0, &SyntaxError{Offset: start, Msg: "unterminated string"}
		}
		if strings.HasPrefix(src[i:], q) {
			return sb.String(), i + len(q) - start, nil
		}
		c := src[i]
		if len(q) == 1 && (c == '\n' || c == '\r') {
			return "", 0, &SyntaxError{Offset: start, Msg: "unterminated string"}
		}
		if c != '\\' || raw {
			r, n := utf8.DecodeRuneInString(src[i:])
			sb.WriteRune(r)
			i += n
			continue
		}
		if i+1 >= len(src) {
			return "", 0, &SyntaxError{Offset: i, Msg: "unterminated string"}
		}
		e := src[i+1]
		i += 2
		switch e {
		case 'n':
			sb.WriteByte('\n')
		case 't':
			sb.WriteByte('\t')
		case 'r':
			sb.WriteByte('\r')
		case 'a', 'b', 'f', 'v':
			sb.WriteByte(map[byte]byte{'a': 7, 'b': 8, 'f': 12, 'v': 11}[e])
		case '\\', '\'', '"', '`', '?':
			sb.WriteByte(e)
		case 'u', 'U', 'x':
			n := map[byte]int{'u': 4, 'U': 8, 'x': 2}[e]
			if i+n > len(src) {
				return "", 0, &SyntaxError{Offset: i - 2, Msg: "invalid escape"}
			}
			v, err := strconv.ParseUint(src[i:i+n], 16, 32)
			if err != nil {
				return "", 0, &SyntaxError{Offset: i - 2, Msg: "invalid escape"}
			}
			sb.WriteRune(rune(v))
			i += n
		default:
			return "", 0, &SyntaxError{Offset: i - 2, Msg: "invalid escape"}
		}
	}
}

// ---- parser

type parser struct {
	toks  []token
	i     int
	depth int
}

func (p *parser) peek() token { return p.toks[p.i] }

func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tokEOF {
		p.i++
	}
	return t
}

func (p *parser) isOp(text string) bool {
	t := p.peek()
	return t.kind == tokOp && t.text == text
}

func (p *parser) expect(text string) error {
	if !p.isOp(text) {
		t := p.peek()
		return &SyntaxError{Offset: t.pos, Msg: fmt.Sprintf("expected %q, found %s", text, t.describe())}
	}
	p.next()
	return nil
}

// binary operator precedence, loosest first.
var precedence = map[string]int{"||": 1, "&&": 2, "==": 3, "!=": 3, "<": 3, "<=": 3, ">": 3, ">=": 3, "in": 3,
	"+": 4, "-": 4, "*": 5, "/": 5, "%": 5}

func (p *parser) expr(_ int) (*node, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxDepth {
		return nil, &SyntaxError{Offset: p.peek().pos, Msg: "expression nested too deeply"}
	}
	c, err := p.binary(1)
	if err != nil {
		return nil, err
	}
	if !p.isOp("?") {
		return c, nil
	}
	pos := p.next().pos
	a, err := p.expr(0)
	if err != nil {
		return nil, err
	}
	if err := p.expect(":"); err != nil {
		return nil, err
	}
	b, err := p.expr(0)
	if err != nil {
		return nil, err
	}
	return &node{kind: nCond, args: []*node{c, a, b}, pos: pos}, nil
}

func (p *parser) binOp() (string, int) {
	t := p.peek()
	if t.kind == tokOp || t.kind == tokIdent && t.text == "in" {
		if prec, ok := precedence[t.text]; ok {
			return t.text, prec
		}
	}
	return "", 0
}

func (p *parser) binary(min int) (*node, error) {
	left, err := p.unary()
	if err != nil {
		return nil, err
	}
	for {
		op, prec := p.binOp()
		if prec < min || op == "" {
			return left, nil
		}
		pos := p.next().pos
		right, err := p.binary(prec + 1)
		if err != nil {
			return nil, err
		}
		left = &node{kind: nBinary, op: op, args: []*node{left, right}, pos: pos}
	}
}

func (p *parser) unary() (*node, error) {
	if p.isOp("!") || p.isOp("-") {
		p.depth++
		defer func() { p.depth-- }()
		if p.depth > maxDepth {
			return nil, &SyntaxError{Offset: p.peek().pos, Msg: "expression nested too deeply"}
		}
		t := p.next()
		x, err := p.unary()
		if err != nil {
			return nil, err
		}
		return &node{kind: nUnary, op: t.text, args: []*node{x}, pos: t.pos}, nil
	}
	return p.member()
}

func (p *parser) member() (*node, error) {
	x, err := p.primary()
	if err != nil {
		return nil, err
	}
	for {
		switch {
		case p.isOp("."):
			p.next()
			t := p.next()
			if t.kind != tokIdent {
				return nil, &SyntaxError{Offset: t.pos, Msg: "expected a field name, found " + t.describe()}
			}
			if p.isOp("(") {
				args, err := p.args(")")
				if err != nil {
					return nil, err
				}
				x = &node{kind: nCall, name: t.text, recv: x, args: args, pos: t.pos}
				continue
			}
			x = &node{kind: nSelect, name: t.text, recv: x, pos: t.pos}
		case p.isOp("["):
			pos := p.next().pos
			i, err := p.expr(0)
			if err != nil {
				return nil, err
			}
			if err := p.expect("]"); err != nil {
				return nil, err
			}
			x = &node{kind: nIndex, recv: x, args: []*node{i}, pos: pos}
		default:
			return x, nil
		}
	}
}

// args reads a parenthesised or bracketed list up to close.
func (p *parser) args(close string) ([]*node, error) {
	p.next()
	var out []*node
	for !p.isOp(close) {
		a, err := p.expr(0)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
		if !p.isOp(",") {
			break
		}
		p.next()
	}
	return out, p.expect(close)
}

func (p *parser) primary() (*node, error) {
	t := p.peek()
	switch t.kind {
	case tokString:
		p.next()
		return &node{kind: nLit, val: String(t.text), pos: t.pos}, nil
	case tokNumber:
		p.next()
		return &node{kind: nLit, val: Value{k: kNumber, n: t.num}, pos: t.pos}, nil
	case tokIdent:
		p.next()
		switch t.text {
		case "true", "false":
			return &node{kind: nLit, val: Bool(t.text == "true"), pos: t.pos}, nil
		case "null":
			return &node{kind: nLit, val: Value{k: kNull}, pos: t.pos}, nil
		}
		if p.isOp("(") {
			args, err := p.args(")")
			if err != nil {
				return nil, err
			}
			return &node{kind: nCall, name: t.text, args: args, pos: t.pos}, nil
		}
		return &node{kind: nIdent, name: t.text, pos: t.pos}, nil
	case tokOp:
		switch t.text {
		case "(":
			p.next()
			x, err := p.expr(0)
			if err != nil {
				return nil, err
			}
			return x, p.expect(")")
		case "[":
			elems, err := p.args("]")
			if err != nil {
				return nil, err
			}
			return &node{kind: nList, args: elems, pos: t.pos}, nil
		case "{":
			p.next()
			var kv []*node
			for !p.isOp("}") {
				k, err := p.expr(0)
				if err != nil {
					return nil, err
				}
				if err := p.expect(":"); err != nil {
					return nil, err
				}
				v, err := p.expr(0)
				if err != nil {
					return nil, err
				}
				kv = append(kv, k, v)
				if !p.isOp(",") {
					break
				}
				p.next()
			}
			return &node{kind: nMap, args: kv, pos: t.pos}, p.expect("}")
		}
	}
	return nil, &SyntaxError{Offset: t.pos, Msg: "unexpected " + t.describe()}
}

// ---- evaluation

func eval(n *node, env Env) Value {
	switch n.kind {
	case nLit:
		return n.val
	case nIdent:
		if v, ok := env[n.name]; ok {
			return v
		}
		return UnknownValue(n.name + " is not known")
	case nSelect:
		return selectField(eval(n.recv, env), n.name, path(n))
	case nIndex:
		return index(eval(n.recv, env), eval(n.args[0], env), path(n))
	case nList:
		v := Value{k: kList}
		for _, a := range n.args {
			v.list = append(v.list, eval(a, env))
		}
		return v
	case nMap:
		v := Value{k: kMap, fields: map[string]Value{}}
		for i := 0; i+1 < len(n.args); i += 2 {
			k := eval(n.args[i], env)
			s, ok := k.Str()
			if !ok {
				return UnknownValue("a map key is not known")
			}
			v.fields[s] = eval(n.args[i+1], env)
		}
		return v
	case nUnary:
		x := eval(n.args[0], env)
		if n.op == "!" {
			t, why := asTruth(x)
			return boolOf(not(t), why)
		}
		if x.k == kNumber {
			return Value{k: kNumber, n: -x.n}
		}
		return unknownOr(x, "a negated value is not known")
	case nBinary:
		return binary(n, env)
	case nCond:
		c, why := asTruth(eval(n.args[0], env))
		switch c {
		case tTrue:
			return eval(n.args[1], env)
		case tFalse:
			return eval(n.args[2], env)
		case tErr:
			return errorf(why)
		}
		a, b := eval(n.args[1], env), eval(n.args[2], env)
		if a.k == kBool && b.k == kBool {
			ta, _ := asTruth(a)
			tb, _ := asTruth(b)
			return boolOf(ta|tb, why)
		}
		return UnknownValue(why)
	case nCall:
		return call(n, env)
	}
	return UnknownValue("an expression is not supported")
}

// path renders a selection chain such as assertion.repository.
func path(n *node) string {
	switch n.kind {
	case nIdent:
		return n.name
	case nSelect:
		return path(n.recv) + "." + n.name
	case nIndex:
		return path(n.recv) + "[...]"
	case nCall:
		return n.name + "(...)"
	}
	return "value"
}

func unknownOr(v Value, why string) Value {
	switch v.k {
	case kError:
		return v
	case kUnknown, kStrings:
		if v.why != "" {
			return UnknownValue(v.why)
		}
	}
	return UnknownValue(why)
}

func selectField(x Value, name, what string) Value {
	switch x.k {
	case kMap:
		if v, ok := x.fields[name]; ok {
			return v
		}
		if x.open {
			return UnknownValue(what + " is not known")
		}
		return errorf(what + " is absent")
	case kError:
		return x
	}
	return UnknownValue(what + " is not known")
}

func index(x, i Value, what string) Value {
	switch {
	case x.k == kError:
		return x
	case i.k == kError:
		return i
	case x.k == kMap && i.k == kString:
		return selectField(x, i.s, what)
	case x.k == kList && i.k == kNumber:
		k := int(i.n)
		if float64(k) != i.n || k < 0 || k >= len(x.list) {
			return errorf(what + " index out of range")
		}
		return x.list[k]
	}
	return UnknownValue(what + " is not known")
}

func binary(n *node, env Env) Value {
	a := eval(n.args[0], env)
	switch n.op {
	case "&&", "||":
		ta, wa := asTruth(a)
		// Short-circuit as CEL does when the left side decides alone.
		if n.op == "&&" && ta == tFalse || n.op == "||" && ta == tTrue {
			return boolOf(ta, "")
		}
		tb, wb := asTruth(eval(n.args[1], env))
		why := wa
		if why == "" || ta == tTrue || ta == tFalse {
			why = wb
		}
		if n.op == "&&" {
			return boolOf(and(ta, tb), why)
		}
		return boolOf(or(ta, tb), why)
	}
	b := eval(n.args[1], env)
	why := firstWhy(a, b)
	switch n.op {
	case "==":
		return boolOf(eq(a, b), why)
	case "!=":
		t := eq(a, b)
		return boolOf(not(t)|t&tErr, why)
	case "in":
		return in(a, b, why)
	case "<", "<=", ">", ">=":
		return compare(n.op, a, b, why)
	case "+":
		return plus(a, b, why)
	case "-", "*", "/", "%":
		if a.k == kNumber && b.k == kNumber {
			switch n.op {
			case "-":
				return Value{k: kNumber, n: a.n - b.n}
			case "*":
				return Value{k: kNumber, n: a.n * b.n}
			}
		}
		if a.k == kError || b.k == kError {
			return errorf(why)
		}
		return UnknownValue(orWhy(why, "arithmetic is not evaluated"))
	}
	return UnknownValue("operator " + n.op + " is not supported")
}

func firstWhy(vs ...Value) string {
	for _, v := range vs {
		if v.why != "" && !v.Known() {
			return v.why
		}
	}
	return ""
}

func orWhy(why, dflt string) string {
	if why != "" {
		return why
	}
	return dflt
}

func in(x, coll Value, why string) Value {
	switch coll.k {
	case kError:
		return coll
	case kList:
		out := tFalse
		for _, e := range coll.list {
			out = or(out, eq(x, e))
		}
		return boolOf(out, why)
	case kMap:
		if s, ok := x.Str(); ok {
			if _, ok := coll.fields[s]; ok {
				return Bool(true)
			}
			if coll.open {
				return boolOf(tBool, orWhy(why, "a map key is not known"))
			}
			return Bool(false)
		}
	}
	if x.k == kError {
		return x
	}
	return boolOf(tBool, orWhy(why, "a collection is not known"))
}

func compare(op string, a, b Value, why string) Value {
	if a.k == kError || b.k == kError {
		return errorf(why)
	}
	var c int
	switch {
	case a.k == kNumber && b.k == kNumber:
		c = cmpFloat(a.n, b.n)
	case a.k == kString && b.k == kString:
		c = strings.Compare(a.s, b.s)
	case a.k == kTime && b.k == kTime:
		c = a.t.Compare(b.t)
		res := cmpResult(op, c)
		// A grant that starts later is not in force now but will be.
		start := a.now && (op == ">" || op == ">=") || b.now && (op == "<" || op == "<=")
		if !res && start && (a.now != b.now) {
			at := b.t
			if b.now {
				at = a.t
			}
			return boolOf(tBool, "the condition holds only from "+at.UTC().Format(time.RFC3339))
		}
		return Bool(res)
	default:
		return boolOf(tBool, orWhy(why, "a compared value is not known"))
	}
	return Bool(cmpResult(op, c))
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func cmpResult(op string, c int) bool {
	switch op {
	case "<":
		return c < 0
	case "<=":
		return c <= 0
	case ">":
		return c > 0
	}
	return c >= 0
}

func plus(a, b Value, why string) Value {
	switch {
	case a.k == kError || b.k == kError:
		return errorf(why)
	case a.k == kString && b.k == kString:
		if len(a.s)+len(b.s) > MaxExprLen*4 {
			return UnknownValue("a string is too long")
		}
		return String(a.s + b.s)
	case a.k == kNumber && b.k == kNumber:
		return Value{k: kNumber, n: a.n + b.n}
	case a.k == kList && b.k == kList:
		return Value{k: kList, list: append(append([]Value(nil), a.list...), b.list...)}
	case (a.k == kString || a.k == kStrings) && (b.k == kString || b.k == kStrings):
		return Strings(why, concatPatterns(patternsOf(a), patternsOf(b)))
	}
	return UnknownValue(orWhy(why, "a value is not known"))
}

func patternsOf(v Value) []string {
	if v.k == kString {
		return []string{strings.ReplaceAll(v.s, "*", "?")}
	}
	return v.pats
}

func concatPatterns(a, b []string) []string {
	var out []string
	for _, x := range a {
		for _, y := range b {
			if len(out) >= 64 {
				return append(out, "*")
			}
			out = append(out, x+y)
		}
	}
	return out
}

func call(n *node, env Env) Value {
	var args []Value
	for _, a := range n.args {
		args = append(args, eval(a, env))
	}
	if n.recv == nil {
		return function(n, args, env)
	}
	recv := eval(n.recv, env)
	if recv.k == kError {
		return recv
	}
	for _, a := range args {
		if a.k == kError {
			return a
		}
	}
	what := path(n.recv) + "." + n.name + "()"
	switch n.name {
	case "startsWith", "endsWith", "contains":
		if len(args) != 1 || args[0].k != kString {
			return UnknownValue(orWhy(firstWhy(args...), what+" is not decided"))
		}
		return stringMethod(n.name, recv, args[0].s, what)
	case "matches":
		if len(args) != 1 || args[0].k != kString {
			return UnknownValue(orWhy(firstWhy(args...), what+" is not decided"))
		}
		return matches(recv, args[0].s, what)
	case "size":
		return size(recv, what)
	case "lowerAscii", "upperAscii":
		if s, ok := recv.Str(); ok {
			if n.name == "lowerAscii" {
				return String(strings.ToLower(s))
			}
			return String(strings.ToUpper(s))
		}
	case "extract":
		if s, ok := recv.Str(); ok && len(args) == 1 && args[0].k == kString {
			return extract(s, args[0].s)
		}
	}
	return unknownOr(recv, what+" is not known")
}

func function(n *node, args []Value, env Env) Value {
	for _, a := range args {
		if a.k == kError {
			return a
		}
	}
	switch n.name {
	case "has":
		if len(n.args) != 1 || n.args[0].kind != nSelect {
			return UnknownValue("has() is not decided")
		}
		x := eval(n.args[0].recv, env)
		if x.k == kMap {
			if _, ok := x.fields[n.args[0].name]; ok {
				return Bool(true)
			}
			if x.open {
				return boolOf(tBool, path(n.args[0])+" is not known")
			}
			return Bool(false)
		}
		return unknownOr(x, path(n.args[0])+" is not known")
	case "size":
		if len(args) == 1 {
			return size(args[0], "size()")
		}
	case "timestamp":
		if len(args) == 1 {
			if s, ok := args[0].Str(); ok {
				t, err := time.Parse(time.RFC3339Nano, s)
				if err != nil {
					return errorf("timestamp() of an invalid time")
				}
				return Value{k: kTime, t: t}
			}
		}
	case "matches":
		if len(args) == 2 && args[1].k == kString {
			return matches(args[0], args[1].s, "matches()")
		}
	case "string":
		if len(args) == 1 && (args[0].k == kString || args[0].k == kStrings) {
			return args[0]
		}
		if len(args) == 1 && args[0].k == kNumber {
			return String(strconv.FormatFloat(args[0].n, 'f', -1, 64))
		}
	case "int", "uint", "double":
		if len(args) == 1 && args[0].k == kNumber {
			return args[0]
		}
		if len(args) == 1 {
			if s, ok := args[0].Str(); ok {
				if f, err := strconv.ParseFloat(s, 64); err == nil {
					return Value{k: kNumber, n: f}
				}
				return errorf(n.name + "() of text that is not a number")
			}
		}
	}
	return UnknownValue(orWhy(firstWhy(args...), n.name+"() is not evaluated"))
}

func stringMethod(name string, recv Value, arg, what string) Value {
	test := func(s string) bool {
		switch name {
		case "startsWith":
			return strings.HasPrefix(s, arg)
		case "endsWith":
			return strings.HasSuffix(s, arg)
		}
		return strings.Contains(s, arg)
	}
	switch recv.k {
	case kString:
		return Bool(test(recv.s))
	case kStrings:
		var out truth
		for _, p := range recv.pats {
			out |= patternTest(name, p, arg, test)
		}
		if out == 0 {
			out = tFalse
		}
		return boolOf(out, orWhy(recv.why, what+" is not decided"))
	}
	return unknownOr(recv, what+" is not decided")
}

// patternTest decides a string method over the values of a glob pattern.
func patternTest(name, p, arg string, test func(string) bool) truth {
	first, last := strings.IndexByte(p, '*'), strings.LastIndexByte(p, '*')
	if first < 0 {
		return fromBool(test(p))
	}
	prefix, suffix := p[:first], p[last+1:]
	switch name {
	case "startsWith":
		if strings.HasPrefix(prefix, arg) {
			return tTrue
		}
		if strings.HasPrefix(arg, prefix) {
			return tBool
		}
		return tFalse
	case "endsWith":
		if strings.HasSuffix(suffix, arg) {
			return tTrue
		}
		if strings.HasSuffix(arg, suffix) {
			return tBool
		}
		return tFalse
	}
	if strings.Contains(prefix, arg) || strings.Contains(suffix, arg) {
		return tTrue
	}
	return tBool
}

func matches(recv Value, re, what string) Value {
	if len(re) > 1024 {
		return UnknownValue(what + " has a pattern too long to evaluate")
	}
	rx, err := regexp.Compile(re)
	if err != nil {
		return errorf(what + " has an invalid pattern")
	}
	if s, ok := recv.Str(); ok {
		return Bool(rx.MatchString(s))
	}
	return unknownOr(recv, what+" is not decided")
}

func size(v Value, what string) Value {
	switch v.k {
	case kString:
		return Value{k: kNumber, n: float64(utf8.RuneCountInString(v.s))}
	case kList:
		return Value{k: kNumber, n: float64(len(v.list))}
	case kMap:
		if !v.open {
			return Value{k: kNumber, n: float64(len(v.fields))}
		}
	}
	return unknownOr(v, what+" is not known")
}

// extract implements the IAM condition function: the text of s that the
// {name} placeholder of template covers, or "" when s does not match.
func extract(s, template string) Value {
	open := strings.IndexByte(template, '{')
	closeIdx := strings.IndexByte(template, '}')
	if open < 0 || closeIdx < open {
		return errorf("extract() template without a placeholder")
	}
	before, after := template[:open], template[closeIdx+1:]
	i := strings.Index(s, before)
	if i < 0 {
		return String("")
	}
	rest := s[i+len(before):]
	if after == "" {
		return String(rest)
	}
	j := strings.Index(rest, after)
	if j < 0 {
		return String("")
	}
	return String(rest[:j])
}
