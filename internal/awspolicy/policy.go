// Package awspolicy parses AWS IAM policy documents and evaluates them the
// way AWS does for the questions a blast radius asks: may this principal
// perform this action on this resource, and may it assume this role.
//
// Decisions are three-valued. A condition whose keys the request context
// does not supply makes a statement Unknown, never silently true or
// silently dropped, and callers turn Unknown into a "possible" edge.
package awspolicy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Policy is a parsed policy document.
type Policy struct {
	Version    string
	Statements []Statement
}

// Statement is one statement with every element normalised to lists.
type Statement struct {
	Sid          string
	Effect       string // "Allow" or "Deny"
	Action       []string
	NotAction    []string
	Resource     []string
	NotResource  []string
	Principal    Principals // nil when absent
	NotPrincipal Principals
	// Condition maps an operator (e.g. "StringLike", "ForAnyValue:StringEquals")
	// to condition keys and their values.
	Condition map[string]map[string][]string
}

// Principals maps a principal type (AWS, Federated, Service,
// CanonicalUser, or "*" for the bare wildcard) to its values.
type Principals map[string][]string

// Parse parses a policy document in any of the JSON forms AWS accepts:
// single values or lists, a single statement object or a list of them,
// and Principal as "*" or an object.
func Parse(doc string) (*Policy, error) {
	var raw struct {
		Version   string          `json:"Version"`
		Statement json.RawMessage `json:"Statement"`
	}
	dec := json.NewDecoder(strings.NewReader(doc))
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("policy is not a JSON object: %w", err)
	}
	if len(raw.Statement) == 0 {
		return nil, errors.New("policy has no Statement")
	}
	var stmts []json.RawMessage
	if bytes.HasPrefix(bytes.TrimSpace(raw.Statement), []byte("[")) {
		if err := json.Unmarshal(raw.Statement, &stmts); err != nil {
			return nil, fmt.Errorf("statement list: %w", err)
		}
	} else {
		stmts = []json.RawMessage{raw.Statement}
	}
	p := &Policy{Version: raw.Version}
	for i, s := range stmts {
		st, err := parseStatement(s)
		if err != nil {
			return nil, fmt.Errorf("statement %d: %w", i+1, err)
		}
		p.Statements = append(p.Statements, st)
	}
	return p, nil
}

func parseStatement(data json.RawMessage) (Statement, error) {
	var raw struct {
		Sid          string          `json:"Sid"`
		Effect       string          `json:"Effect"`
		Action       json.RawMessage `json:"Action"`
		NotAction    json.RawMessage `json:"NotAction"`
		Resource     json.RawMessage `json:"Resource"`
		NotResource  json.RawMessage `json:"NotResource"`
		Principal    json.RawMessage `json:"Principal"`
		NotPrincipal json.RawMessage `json:"NotPrincipal"`
		Condition    map[string]map[string]json.RawMessage
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return Statement{}, err
	}
	st := Statement{Sid: raw.Sid}
	switch strings.ToLower(raw.Effect) {
	case "allow":
		st.Effect = "Allow"
	case "deny":
		st.Effect = "Deny"
	default:
		return st, errors.New("Effect must be Allow or Deny")
	}
	var err error
	if st.Action, err = stringList(raw.Action); err != nil {
		return st, fmt.Errorf("Action: %w", err)
	}
	if st.NotAction, err = stringList(raw.NotAction); err != nil {
		return st, fmt.Errorf("NotAction: %w", err)
	}
	if st.Resource, err = stringList(raw.Resource); err != nil {
		return st, fmt.Errorf("Resource: %w", err)
	}
	if st.NotResource, err = stringList(raw.NotResource); err != nil {
		return st, fmt.Errorf("NotResource: %w", err)
	}
	if st.Principal, err = principals(raw.Principal); err != nil {
		return st, fmt.Errorf("Principal: %w", err)
	}
	if st.NotPrincipal, err = principals(raw.NotPrincipal); err != nil {
		return st, fmt.Errorf("NotPrincipal: %w", err)
	}
	if len(raw.Condition) > 0 {
		st.Condition = map[string]map[string][]string{}
		for op, keys := range raw.Condition {
			m := map[string][]string{}
			for k, v := range keys {
				vals, err := scalarList(v)
				if err != nil {
					return st, fmt.Errorf("Condition %s %s: %w", op, k, err)
				}
				m[k] = vals
			}
			st.Condition[op] = m
		}
	}
	return st, nil
}

func stringList(raw json.RawMessage) ([]string, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var one string
	if err := json.Unmarshal(raw, &one); err == nil {
		return []string{one}, nil
	}
	var many []string
	if err := json.Unmarshal(raw, &many); err != nil {
		return nil, errors.New("want a string or a list of strings")
	}
	return many, nil
}

// scalarList accepts strings, numbers and booleans, since condition values
// such as Bool and Numeric operators are often written unquoted.
func scalarList(raw json.RawMessage) ([]string, error) {
	var vals []any
	if bytes.HasPrefix(bytes.TrimSpace(raw), []byte("[")) {
		if err := json.Unmarshal(raw, &vals); err != nil {
			return nil, err
		}
	} else {
		var v any
		if err := json.Unmarshal(raw, &v); err != nil {
			return nil, err
		}
		vals = []any{v}
	}
	out := make([]string, 0, len(vals))
	for _, v := range vals {
		switch x := v.(type) {
		case string:
			out = append(out, x)
		case bool:
			out = append(out, fmt.Sprint(x))
		case float64:
			out = append(out, fmt.Sprint(x))
		default:
			return nil, errors.New("want strings, numbers or booleans")
		}
	}
	return out, nil
}

func principals(raw json.RawMessage) (Principals, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var star string
	if err := json.Unmarshal(raw, &star); err == nil {
		if star != "*" {
			return nil, errors.New(`a bare string principal must be "*"`)
		}
		return Principals{"*": {"*"}}, nil
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil {
		return nil, errors.New(`want "*" or an object of principal types`)
	}
	p := Principals{}
	for typ, v := range obj {
		vals, err := stringList(v)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", typ, err)
		}
		p[typ] = vals
	}
	return p, nil
}

// Actions returns every action pattern the statement names, sorted.
func (s *Statement) Actions() []string {
	out := append([]string(nil), s.Action...)
	sort.Strings(out)
	return out
}

// MatchesAction reports whether the statement applies to the action.
func (s *Statement) MatchesAction(action string) bool {
	if len(s.NotAction) > 0 {
		return !anyMatch(s.NotAction, action, MatchAction)
	}
	return anyMatch(s.Action, action, MatchAction)
}

// MatchesResource reports whether the statement applies to the resource ARN.
func (s *Statement) MatchesResource(arn string) bool {
	if len(s.NotResource) > 0 {
		return !anyMatch(s.NotResource, arn, MatchARN)
	}
	if len(s.Resource) == 0 {
		// Trust and resource policies have no Resource element: the
		// statement applies to the resource the policy is attached to.
		return true
	}
	return anyMatch(s.Resource, arn, MatchARN)
}

func anyMatch(patterns []string, value string, match func(p, v string) bool) bool {
	for _, p := range patterns {
		if match(p, value) {
			return true
		}
	}
	return false
}

// MatchAction matches an action against a pattern such as "s3:Get*". The
// service prefix and the action name are both case-insensitive.
func MatchAction(pattern, action string) bool {
	return Glob(strings.ToLower(pattern), strings.ToLower(action))
}

// MatchARN matches a resource ARN against a pattern. "*" and "?" match any
// run of characters or one character, across colons and slashes; matching
// is case-sensitive, as it is for resource ARNs in AWS.
func MatchARN(pattern, arn string) bool {
	if pattern == "*" {
		return true
	}
	return Glob(pattern, arn)
}

// Glob matches s against a pattern with "*" (any run, possibly empty) and
// "?" (exactly one character). It runs in linear time with backtracking
// limited to the last star.
func Glob(pattern, s string) bool {
	p, i := 0, 0
	starP, starI := -1, 0
	for i < len(s) {
		switch {
		case p < len(pattern) && (pattern[p] == '?' || pattern[p] == s[i]):
			p++
			i++
		case p < len(pattern) && pattern[p] == '*':
			starP, starI = p, i
			p++
		case starP >= 0:
			p = starP + 1
			starI++
			i = starI
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}
