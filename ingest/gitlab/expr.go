package gitlab

import (
	"errors"
	"regexp"
	"strings"
)

// exprOp is the operator of an expression node.
type exprOp uint8

const (
	opVar     exprOp = iota // $NAME
	opString                // "text" or 'text'
	opRegex                 // /pattern/flags
	opNull                  // null
	opEq                    // ==
	opNe                    // !=
	opMatch                 // =~
	opNoMatch               // !~
	opAnd                   // &&
	opOr                    // ||
)

// expr is a parsed rules:if or only:variables expression.
type expr struct {
	op   exprOp
	name string         // opVar
	text string         // text of opString, pattern of opRegex
	re   *regexp.Regexp // opRegex, nil when the pattern does not compile
	l, r *expr
}

var errExpr = errors.New("invalid expression")

// maxExprLen bounds the expressions parsed. Longer ones are undecided.
const maxExprLen = 4096

// parseExpr parses GitLab's CI/CD variable expression syntax: variables,
// quoted strings, /regex/ literals and null, compared with == != =~ !~
// and joined with && and || (&& binds tighter) and parentheses.
func parseExpr(s string) (*expr, error) {
	if len(s) > maxExprLen {
		return nil, errExpr
	}
	toks, err := tokenize(s)
	if err != nil {
		return nil, err
	}
	p := exprParser{toks: toks}
	e, err := p.or(0)
	if err != nil {
		return nil, err
	}
	if p.i != len(p.toks) {
		return nil, errExpr
	}
	return e, nil
}

type token struct {
	kind byte // v variable, s string, r regex, n null, o operator, ( )
	text string
	re   *regexp.Regexp
}

func tokenize(s string) ([]token, error) {
	var out []token
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '(' || c == ')':
			out = append(out, token{kind: c})
			i++
		case c == '$':
			j := i + 1
			brace := j < len(s) && s[j] == '{'
			if brace {
				j++
			}
			start := j
			for j < len(s) && isName(s[j]) {
				j++
			}
			if j == start {
				return nil, errExpr
			}
			name := s[start:j]
			if brace {
				if j >= len(s) || s[j] != '}' {
					return nil, errExpr
				}
				j++
			}
			out = append(out, token{kind: 'v', text: name})
			i = j
		case c == '"' || c == '\'':
			end := strings.IndexByte(s[i+1:], c)
			if end < 0 {
				return nil, errExpr
			}
			out = append(out, token{kind: 's', text: s[i+1 : i+1+end]})
			i += end + 2
		case c == '/':
			j := i + 1
			for j < len(s) && s[j] != '/' {
				if s[j] == '\\' {
					j++
				}
				j++
			}
			if j >= len(s) {
				return nil, errExpr
			}
			pattern := s[i+1 : j]
			j++
			flags := ""
			for j < len(s) && s[j] >= 'a' && s[j] <= 'z' {
				flags += string(s[j])
				j++
			}
			out = append(out, token{kind: 'r', text: pattern, re: compileRegex(pattern, flags)})
			i = j
		case strings.HasPrefix(s[i:], "null"):
			out = append(out, token{kind: 'n'})
			i += 4
		default:
			op := ""
			for _, o := range []string{"==", "!=", "=~", "!~", "&&", "||"} {
				if strings.HasPrefix(s[i:], o) {
					op = o
				}
			}
			if op == "" {
				return nil, errExpr
			}
			out = append(out, token{kind: 'o', text: op})
			i += 2
		}
	}
	return out, nil
}

// compileRegex compiles a GitLab /pattern/flags literal with RE2, which
// GitLab itself uses. It returns nil when the pattern does not compile.
func compileRegex(pattern, flags string) *regexp.Regexp {
	prefix := ""
	if strings.Contains(flags, "i") {
		prefix += "i"
	}
	if strings.Contains(flags, "m") {
		prefix += "s"
	}
	if prefix != "" {
		pattern = "(?" + prefix + ")" + pattern
	}
	re, err := regexp.Compile(pattern)
	if err != nil {
		return nil
	}
	return re
}

func isName(c byte) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
}

type exprParser struct {
	toks []token
	i    int
}

// maxExprDepth bounds nesting of parentheses.
const maxExprDepth = 64

func (p *exprParser) peek(kind byte, text string) bool {
	return p.i < len(p.toks) && p.toks[p.i].kind == kind && (text == "" || p.toks[p.i].text == text)
}

func (p *exprParser) or(depth int) (*expr, error) {
	l, err := p.and(depth)
	if err != nil {
		return nil, err
	}
	for p.peek('o', "||") {
		p.i++
		r, err := p.and(depth)
		if err != nil {
			return nil, err
		}
		l = &expr{op: opOr, l: l, r: r}
	}
	return l, nil
}

func (p *exprParser) and(depth int) (*expr, error) {
	l, err := p.primary(depth)
	if err != nil {
		return nil, err
	}
	for p.peek('o', "&&") {
		p.i++
		r, err := p.primary(depth)
		if err != nil {
			return nil, err
		}
		l = &expr{op: opAnd, l: l, r: r}
	}
	return l, nil
}

func (p *exprParser) primary(depth int) (*expr, error) {
	if depth > maxExprDepth {
		return nil, errExpr
	}
	if p.peek('(', "") {
		p.i++
		e, err := p.or(depth + 1)
		if err != nil {
			return nil, err
		}
		if !p.peek(')', "") {
			return nil, errExpr
		}
		p.i++
		return e, nil
	}
	l, err := p.operand()
	if err != nil {
		return nil, err
	}
	if p.i < len(p.toks) && p.toks[p.i].kind == 'o' {
		op := map[string]exprOp{"==": opEq, "!=": opNe, "=~": opMatch, "!~": opNoMatch}[p.toks[p.i].text]
		if op == opVar { // && or ||: the operand is a whole condition
			return l, nil
		}
		p.i++
		r, err := p.operand()
		if err != nil {
			return nil, err
		}
		return &expr{op: op, l: l, r: r}, nil
	}
	return l, nil
}

func (p *exprParser) operand() (*expr, error) {
	if p.i >= len(p.toks) {
		return nil, errExpr
	}
	t := p.toks[p.i]
	p.i++
	switch t.kind {
	case 'v':
		return &expr{op: opVar, name: t.text}, nil
	case 's':
		return &expr{op: opString, text: t.text}, nil
	case 'r':
		return &expr{op: opRegex, text: t.text, re: t.re}, nil
	case 'n':
		return &expr{op: opNull}, nil
	}
	return nil, errExpr
}

// walk calls fn on every node of e.
func (e *expr) walk(fn func(*expr)) {
	if e == nil {
		return
	}
	fn(e)
	e.l.walk(fn)
	e.r.walk(fn)
}
