package link

import (
	"path"
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest/cloudformation"
	"github.com/blastradius-dev/blastradius/ingest/internal/pkgcmd"
)

// stackDeploy links a deploy of a template's stack (pkgcmd.DeployStack)
// by job rt: each identity the job deploys as CAN_MODIFY the functions
// and task definitions the template declares, as for a Lambda upload.
// The template is the one the command names, in the job's repository, or
// for sam deploy without one, template.yaml, template.yml or
// template.json in the folder the command runs in.
func (v *view) stackDeploy(rt graph.Node, d pkgcmd.Deploy) int {
	repo := graph.CheckoutRepoIDOf(rt)
	dir := d.Dir
	if dir == "" || strings.ContainsAny(dir, "$~") || path.IsAbs(dir) {
		if dir != "" {
			return 0
		}
		dir = "."
	}
	templates := map[string]bool{}
	if d.Name == pkgcmd.AnyTemplate {
		templates[path.Join(dir, "template.yaml")] = true
		templates[path.Join(dir, "template.yml")] = true
		templates[path.Join(dir, "template.json")] = true
	} else {
		templates[path.Join(dir, d.Name)] = true
	}
	matched := 0
	for _, fn := range v.byKind[graph.NodeRuntime] {
		t := fn.Attr(cloudformation.AttrTemplate)
		if t == "" || !templates[t] || fn.Attr(cloudformation.AttrTemplateRepo) != repo {
			continue
		}
		matched++
		v.deployModifies(rt, d, fn, graph.Certain, "by its template "+t)
	}
	return matched
}
