// Package whatif computes the effect of planned changes without writing
// the graph: it applies a change file's edits (remove a secret from a job, pin
// an action by commit SHA, replace a stored key with an OIDC role, add a
// trust condition, tighten or delete a policy statement, move a secret
// into an environment) to an in-memory Overlay of the store, re-derives
// the linker's edges where an edit changes a policy, and reports the blast
// radius and revocation plan before and after, with the paths each edit
// closes.
//
// The linker is passed in as a graph.DeriveFunc, so of this project's
// packages this one depends only on graph, query and internal/yamlerr. Re-deriving runs the linker twice, over the
// graph and over the overlay, which takes as long as two ingest runs' link
// step.
//
// # Limits
//
// Binding a replacement role to an environment puts the jobs in that
// environment, so their OIDC subject changes for every trust, as it does
// on GitHub. Access-log records of a use along a permission that the edits
// take away are dropped with the permission. An edge that an input file
// states and the linker also derives goes when the linker stops deriving
// it, because a graph.Reader does not show which source asserts an edge.
package whatif

import (
	"fmt"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/blastradius-dev/blastradius/internal/yamlerr"
)

// Edit kinds, as the change file names them.
const (
	EditRemoveSecret       = "remove_secret"
	EditPinAction          = "pin_action"
	EditReplaceKeyWithOIDC = "replace_key_with_oidc"
	EditAddTrustCondition  = "add_trust_condition"
	EditTightenPolicy      = "tighten_policy"
	EditDeleteStatement    = "delete_statement"
	EditMoveSecretToEnv    = "move_secret_to_environment"
	EditTrustedPublishing  = "use_trusted_publishing"
)

// Edit is one change. Which fields apply depends on Kind.
type Edit struct {
	Kind string `json:"kind"`
	// Line is the edit's line in the change file.
	Line int `json:"line,omitempty"`
	// File is the change file's name, for error messages.
	File string `json:"-"`

	Job         string   `json:"job,omitempty"`         // remove_secret, pin_action, replace_key_with_oidc, use_trusted_publishing: limit to this job
	Secret      string   `json:"secret,omitempty"`      // remove_secret, replace_key_with_oidc, move_secret_to_environment, use_trusted_publishing
	Action      string   `json:"action,omitempty"`      // pin_action: owner/repo@ref or a purl
	SHA         string   `json:"sha,omitempty"`         // pin_action
	Role        string   `json:"role,omitempty"`        // replace_key_with_oidc, add_trust_condition
	Environment string   `json:"environment,omitempty"` // replace_key_with_oidc, move_secret_to_environment
	Branch      string   `json:"branch,omitempty"`      // replace_key_with_oidc
	Operator    string   `json:"operator,omitempty"`    // add_trust_condition
	Key         string   `json:"key,omitempty"`         // add_trust_condition
	Values      []string `json:"values,omitempty"`      // add_trust_condition
	Policy      string   `json:"policy,omitempty"`      // tighten_policy, delete_statement
	Statement   string   `json:"statement,omitempty"`   // tighten_policy, delete_statement: Sid or 1-based index
	Actions     []string `json:"actions,omitempty"`     // tighten_policy
	Resources   []string `json:"resources,omitempty"`   // tighten_policy
}

// fields lists, per kind, the fields an edit may set and those it must.
var fields = map[string]struct{ allowed, required []string }{
	EditRemoveSecret:       {[]string{"job", "secret"}, []string{"secret"}},
	EditPinAction:          {[]string{"job", "action", "sha"}, []string{"action", "sha"}},
	EditReplaceKeyWithOIDC: {[]string{"job", "secret", "role", "environment", "branch"}, []string{"secret", "role"}},
	EditAddTrustCondition:  {[]string{"role", "operator", "key", "values", "statement"}, []string{"role", "operator", "key", "values"}},
	EditTightenPolicy:      {[]string{"policy", "statement", "actions", "resources"}, []string{"policy", "statement"}},
	EditDeleteStatement:    {[]string{"policy", "statement"}, []string{"policy", "statement"}},
	EditMoveSecretToEnv:    {[]string{"secret", "environment"}, []string{"secret", "environment"}},
	EditTrustedPublishing:  {[]string{"job", "secret"}, []string{"secret"}},
}

var sha1Hex = regexp.MustCompile(`^[0-9a-f]{40}$`)

// ParseChanges reads a change file:
//
//	changes:
//	  - pin_action: {action: aws-actions/configure-aws-credentials@v4, sha: 0123...}
//	  - remove_secret: {job: deploy / deploy, secret: NPM_TOKEN}
//
// Each item is an object with one key, the edit kind. Errors name the
// file, line and column, never the text found there.
func ParseChanges(name string, data []byte) ([]Edit, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		line, msg := yamlerr.Split(err)
		return nil, fmt.Errorf("%s:%d: change file is not valid YAML: %s", name, line, msg)
	}
	if len(doc.Content) == 0 {
		return nil, fmt.Errorf("%s: change file is empty: list edits under changes:", name)
	}

	root := doc.Content[0]
	posErr := func(n *yaml.Node, format string, args ...any) error {
		return fmt.Errorf("%s:%d:%d: %s", name, n.Line, n.Column, fmt.Sprintf(format, args...))
	}
	if root.Kind != yaml.MappingNode {
		return nil, posErr(root, "change file must be an object with a changes list")
	}

	var list *yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == "changes" {
			list = root.Content[i+1]
		} else {
			return nil, posErr(root.Content[i], "unknown top-level key: only changes is read")
		}
	}
	if list == nil || list.Kind != yaml.SequenceNode || len(list.Content) == 0 {
		return nil, posErr(root, "changes must be a list of edits")
	}
	if len(list.Content) > 1000 {
		return nil, posErr(list, "changes lists %d edits, over the limit of 1000", len(list.Content))
	}

	var out []Edit
	for _, item := range list.Content {
		if item.Kind != yaml.MappingNode || len(item.Content) != 2 {
			return nil, posErr(item, "each edit must be an object with one key, the edit kind")
		}
		kind, body := item.Content[0].Value, item.Content[1]
		spec, ok := fields[kind]
		if !ok {
			return nil, posErr(item.Content[0], "unknown edit kind: use %s", strings.Join(kindNames(), ", "))
		}
		if body.Kind != yaml.MappingNode {
			return nil, posErr(body, "%s takes an object of fields", kind)
		}

		e := Edit{Kind: kind, Line: item.Line, File: name}
		set := map[string]bool{}
		for i := 0; i+1 < len(body.Content); i += 2 {
			k, v := body.Content[i], body.Content[i+1]
			if !contains(spec.allowed, k.Value) {
				return nil, posErr(k, "%s does not take the field named here: it takes %s", kind, strings.Join(spec.allowed, ", "))
			}
			set[k.Value] = true
			switch k.Value {
			case "values", "actions", "resources":
				vals, err := stringList(v)
				if err != nil {
					return nil, posErr(v, "%s must be a string or a list of strings", k.Value)
				}
				switch k.Value {
				case "values":
					e.Values = vals
				case "actions":
					e.Actions = vals
				default:
					e.Resources = vals
				}
				continue
			}
			if v.Kind != yaml.ScalarNode || strings.TrimSpace(v.Value) == "" {
				return nil, posErr(v, "%s must be a non-empty string", k.Value)
			}
			val := strings.TrimSpace(v.Value)
			switch k.Value {
			case "job":
				e.Job = val
			case "secret":
				e.Secret = val
			case "action":
				e.Action = val
			case "sha":
				e.SHA = strings.ToLower(val)
				if !sha1Hex.MatchString(e.SHA) {
					return nil, posErr(v, "sha must be a full 40-character commit SHA")
				}
			case "role":
				e.Role = val
			case "environment":
				e.Environment = val
			case "branch":
				e.Branch = strings.TrimPrefix(val, "refs/heads/")
			case "operator":
				e.Operator = val
			case "key":
				e.Key = val
			case "policy":
				e.Policy = val
			case "statement":
				e.Statement = val
			}
		}

		for _, r := range spec.required {
			if !set[r] {
				return nil, posErr(item, "%s needs field %s", kind, r)
			}
		}
		if kind == EditReplaceKeyWithOIDC && (e.Environment == "") == (e.Branch == "") {
			return nil, posErr(item, "replace_key_with_oidc needs exactly one of environment or branch to bind the role to")
		}
		if kind == EditTightenPolicy && len(e.Actions) == 0 && len(e.Resources) == 0 {
			return nil, posErr(item, "tighten_policy needs actions or resources to put in place of the statement's")
		}
		out = append(out, e)
	}
	return out, nil
}

func stringList(v *yaml.Node) ([]string, error) {
	switch v.Kind {
	case yaml.ScalarNode:
		return []string{v.Value}, nil
	case yaml.SequenceNode:
		var out []string
		for _, c := range v.Content {
			if c.Kind != yaml.ScalarNode {
				return nil, fmt.Errorf("not a string")
			}
			out = append(out, c.Value)
		}
		if len(out) == 0 {
			return nil, fmt.Errorf("empty")
		}
		return out, nil
	}
	return nil, fmt.Errorf("not a list")
}

func kindNames() []string {
	return []string{EditRemoveSecret, EditPinAction, EditReplaceKeyWithOIDC, EditAddTrustCondition, EditTightenPolicy, EditDeleteStatement, EditMoveSecretToEnv, EditTrustedPublishing}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// String describes the edit in a short sentence.
func (e Edit) String() string {
	job := ""
	if e.Job != "" {
		job = " in " + e.Job
	}
	switch e.Kind {
	case EditRemoveSecret:
		return "remove secret " + e.Secret + " from " + orAll(e.Job, "every job")
	case EditPinAction:
		return "pin " + e.Action + " to commit " + e.SHA + job
	case EditReplaceKeyWithOIDC:
		bind := "environment " + e.Environment
		if e.Branch != "" {
			bind = "branch " + e.Branch
		}
		return "replace the key stored in " + e.Secret + " with OIDC role " + e.Role + " bound to " + bind + job
	case EditAddTrustCondition:
		return fmt.Sprintf("add condition %s %s = %s to the trust policy of %s", e.Operator, e.Key, strings.Join(e.Values, ", "), e.Role)
	case EditTightenPolicy:
		return "tighten statement " + e.Statement + " of policy " + e.Policy
	case EditDeleteStatement:
		return "delete statement " + e.Statement + " of policy " + e.Policy
	case EditMoveSecretToEnv:
		return "move secret " + e.Secret + " into environment " + e.Environment
	case EditTrustedPublishing:
		return "publish with trusted publishing instead of the token in " + e.Secret + job
	}
	return e.Kind
}

func orAll(s, all string) string {
	if s == "" {
		return all
	}
	return s
}
