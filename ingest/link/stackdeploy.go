package link

import (
	"path"
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest/cloudformation"
	"github.com/blastradius-dev/blastradius/ingest/internal/pkgcmd"
)

// maxNesting bounds the levels of nested stacks that a deploy follows
// below the template it names. It is an estimate, far above the nesting
// that templates use. A cycle of templates stops earlier, at the first
// template reached twice.
const maxNesting = 10

// stackDeploy links a deploy of a template's stack (pkgcmd.DeployStack)
// by job rt: each identity the job deploys as CAN_MODIFY the functions
// and task definitions the template declares, as for a Lambda upload.
// The template is the one the command names, in the job's repository, or
// for sam deploy without one, template.yaml, template.yml or
// template.json in the folder the command runs in. The templates of the
// template's nested stacks (cloudformation.AttrNestedTemplate) are
// deployed with it, and theirs in turn, up to maxNesting levels.
func (v *view) stackDeploy(rt graph.Node, d pkgcmd.Deploy) int {
	repo := graph.CheckoutRepoIDOf(rt)
	dir := d.Dir
	if dir == "" || strings.ContainsAny(dir, "$~") || path.IsAbs(dir) {
		if dir != "" {
			return 0
		}
		dir = "."
	}

	// templates maps each template deployed to the reason it matched.
	templates := map[string]string{}
	var level []string
	named := []string{d.Name}
	if d.Name == pkgcmd.AnyTemplate {
		named = []string{"template.yaml", "template.yml", "template.json"}
	}
	for _, n := range named {
		t := path.Join(dir, n)
		templates[t] = "by its template " + t
		level = append(level, t)
	}

	children := v.nestedTemplates(repo)
	for depth := 0; depth < maxNesting && len(level) > 0; depth++ {
		var next []string
		for _, parent := range level {
			for _, child := range children[parent] {
				if _, seen := templates[child]; seen {
					continue
				}
				templates[child] = "by its template " + child + ", the template of a stack nested in " + parent
				next = append(next, child)
			}
		}
		level = next
	}

	matched := 0
	for _, fn := range v.byKind[graph.NodeRuntime] {
		t := fn.Attr(cloudformation.AttrTemplate)
		if t == "" || fn.Attr(cloudformation.AttrTemplateRepo) != repo {
			continue
		}
		reason, ok := templates[t]
		if !ok {
			continue
		}
		matched++
		v.deployModifies(rt, d, fn, graph.Certain, reason)
	}
	return matched
}

// nestedTemplates returns the templates of the stacks nested in each
// template of repository repo, by the parent template's path.
func (v *view) nestedTemplates(repo string) map[string][]string {
	out := map[string][]string{}
	for _, r := range v.byKind[graph.NodeResource] {
		child := r.Attr(cloudformation.AttrNestedTemplate)
		if child == "" || r.Attr(cloudformation.AttrTemplateRepo) != repo {
			continue
		}
		parent := r.Attr(cloudformation.AttrTemplate)
		out[parent] = append(out[parent], child)
	}
	return out
}
