package cloudformation

import (
	"os"
	"path"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/blastradius-dev/blastradius/graph"
)

// Resource types of nested stacks. SAM turns an application into a stack.
const (
	cfnStack       = "AWS::CloudFormation::Stack"
	samApplication = "AWS::Serverless::Application"
)

// AttrNestedTemplate is the attribute of a nested stack's node that names
// the child template, by its path in the repository of AttrTemplateRepo.
// A deploy of the parent template (AttrTemplate) deploys the child too.
const AttrNestedTemplate = "cfn_nested_template"

// NestedStackID returns the id of the Resource node of a nested stack: the
// parent template's path in its repository and the stack's logical id, as
// in cfn-stack:github.com/example-org/api/infra/template.yaml#Workers.
func NestedStackID(repoID, template, logicalID string) string {
	return "cfn-stack:" + strings.TrimPrefix(repoID, "repo:") + "/" + template + "#" + logicalID
}

// nestedStack emits a nested stack whose template is a file of the
// repository: the TemplateURL of AWS::CloudFormation::Stack or the
// Location of AWS::Serverless::Application given as a path, which
// aws cloudformation package, sam package and sam deploy upload. The path
// is relative to the template's folder. A URL, a SAR application (a
// Location mapping) or a value of an intrinsic function gives nothing:
// the packagers upload only a path written as a plain string.
// A child outside the repository, the template itself or a file that is
// not on disk gives a warning.
func (e *emitter) nestedStack(r *resource) {
	key := "TemplateURL"
	if r.typ == samApplication {
		key = "Location"
	}
	if n := e.t.prop(e.cur, key); n == nil || n.Kind != yaml.ScalarNode || n.ShortTag() != "!!str" {
		return
	}
	p, ok := e.str(key)
	if !ok || strings.Contains(p, "://") || strings.HasPrefix(p, "s3:") || len(unresolvedIn(p)) > 0 {
		return
	}

	p = strings.ReplaceAll(literalText(p), `\`, "/")
	line := e.line(key)
	if path.IsAbs(p) || strings.HasPrefix(p, "~") || filepath.IsAbs(p) {
		e.t.warnf(line, "%s: the nested template %s lies outside the repository, so deploys of this template do not reach its resources", r.id, p)
		return
	}
	if !e.childOnDisk(p) {
		e.t.warnf(line, "%s: the nested template %s is not found, so deploys of this template reach none of its resources", r.id, p)
		return
	}
	if e.f.Repo == "" || e.f.RelPath == "" {
		return
	}

	parent := strings.ReplaceAll(e.f.RelPath, `\`, "/")
	child := path.Join(path.Dir(parent), p)
	if child == ".." || strings.HasPrefix(child, "../") {
		e.t.warnf(line, "%s: the nested template %s lies outside the repository, so deploys of this template do not reach its resources", r.id, p)
		return
	}
	if child == parent {
		e.t.warnf(line, "%s: the nested template is this template itself, so the link is left out", r.id)
		return
	}

	attrs := e.base("aws_cloudformation_stack", placeholder(r.id))
	e.stackAttrs(attrs)
	attrs[AttrNestedTemplate] = child
	e.node(graph.NodeResource, NestedStackID(e.f.RepoID(), parent, r.id), r.id, r.line, attrs)
}

// childOnDisk reports whether the nested template p, relative to the
// folder of the template read, is a file. It reports true when the
// template read is not itself a file on disk, so there is nothing to
// resolve p against.
func (e *emitter) childOnDisk(p string) bool {
	if st, err := os.Stat(e.f.Path); err != nil || !st.Mode().IsRegular() {
		return true
	}
	st, err := os.Stat(filepath.Join(filepath.Dir(e.f.Path), filepath.FromSlash(p)))
	return err == nil && st.Mode().IsRegular()
}
