package terraform

import (
	"strings"

	"github.com/zclconf/go-cty/cty"

	"github.com/blastradius-dev/blastradius/graph"
)

const providerGitLab = "gitlab"

// gitlabVariable emits a CI/CD variable of a GitLab project
// (gitlab_project_variable) or group (gitlab_group_variable), with the
// protection and environment scope that decide which jobs receive it, and
// what its value holds. The provider's defaults apply to arguments left
// out: not protected, not masked, scope "*", type env_var.
func (e *emitter) gitlabVariable(b *block, bv *blockVal) {
	ownerArg, ownerAttr := "project", graph.AttrRepository
	if b.typ == "gitlab_group_variable" {
		ownerArg, ownerAttr = "group", "group"
	}
	owner, ok := e.require(b, bv, ownerArg)
	if !ok {
		return
	}
	if !strings.Contains(owner, "/") && strings.Trim(owner, "0123456789") == "" {
		// CI jobs are named by path, which a numeric id does not give.
		e.warnf(b.syn.DefRange(), "%s: %s %s is a numeric id; write the %s path (group/name) so that its jobs can be matched; block skipped",
			b.addr, ownerArg, owner, ownerArg)
		return
	}
	name, ok := e.require(b, bv, "key")
	if !ok {
		return
	}

	scope := "*"
	if s, ok := attrStr(bv, "environment_scope"); ok {
		scope = s
	}
	varType := "env_var"
	if s, ok := attrStr(bv, "variable_type"); ok {
		varType = s
	}
	id := graph.GitLabVariableID(owner, name)
	if scope != "*" {
		id = graph.GitLabVariableID(owner, "env/"+scope+"/"+name)
	}
	attrs := map[string]string{
		graph.AttrProvider:  providerGitLab,
		"type":              "ci-variable",
		graph.AttrName:      name,
		ownerAttr:           owner,
		"protected":         e.gitlabFlag(b, bv, "protected"),
		"masked":            e.gitlabFlag(b, bv, "masked"),
		"environment_scope": scope,
		"variable_type":     varType,
		graph.AttrLongLived: "true",
		"tf_address":        b.addr,
	}
	if a := b.attr("value"); a != nil {
		e.holds(id, b, a.Expr, attrs, b.syn.DefRange())
	}
	e.node(graph.NodeSecret, id, name, b.syn.DefRange(), attrs)
}

// gitlabFlag returns a boolean argument of a GitLab variable as "true" or
// "false", false when it is left out. A value the input does not fix is
// read as false with a warning, so an unknown protected flag lets the
// variable reach jobs on unprotected refs too.
func (e *emitter) gitlabFlag(b *block, bv *blockVal, name string) string {
	v, ok := bv.attrs[name]
	if !ok || v == cty.NilVal || (v.IsKnown() && v.IsNull()) {
		return "false"
	}
	v, _ = v.Unmark()
	if v.IsKnown() && v.Type() == cty.Bool {
		return boolWord(v.True())
	}
	e.warnf(b.attr(name).Expr.Range(), "%s: %s could not be evaluated; read as false, the provider's default", b.addr, name)
	return "false"
}
