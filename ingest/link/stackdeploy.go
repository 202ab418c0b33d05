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
// template.json in the folder the command runs in, unless the SAM CLI
// configuration file there names another (samConfigTemplates). The templates of the
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
	named := []string{path.Join(dir, d.Name)}
	if d.Name == pkgcmd.AnyTemplate {
		named = anyTemplate(dir)
	}
	note := ""
	if d.Name == pkgcmd.AnyTemplate && d.SAMCommand != "" {
		if t, n, ok := v.samConfigTemplates(repo, dir, d); ok {
			named, note = t, n
		}
	}
	for _, t := range named {
		templates[t] = "by its template " + t + note
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

// anyTemplate returns the templates that sam reads from folder dir without
// a template option.
func anyTemplate(dir string) []string {
	return []string{path.Join(dir, "template.yaml"), path.Join(dir, "template.yml"), path.Join(dir, "template.json")}
}

// samConfigTemplates returns the templates that a sam deploy or sam sync
// without a template option reads from the SAM CLI configuration file of
// folder dir, or the one --config-file names. The template is the
// template_file (or template) of the [ENV.COMMAND.parameters] table, else
// of [ENV.global.parameters], else, for a deploy of sam build's copy
// (Deploy.SAMBuilt), of [ENV.build.parameters], where ENV is --config-env
// or "default". The
// path is taken as relative to dir, as on the command line. NOTE: for a
// --config-file in another folder, that folder may be the one SAM resolves
// the path against, which is not checked here. A path into
// sam build's folder names the template of the folder above it. note is
// added to the reason of the edges: the file and table, and the
// parameters that the table overrides, since the template is read with
// its defaults. ok is false when the configuration names no template.
func (v *view) samConfigTemplates(repo, dir string, d pkgcmd.Deploy) (templates []string, note string, ok bool) {
	var candidates []string
	if d.SAMConfig != "" {
		candidates = []string{path.Join(dir, d.SAMConfig)}
	} else {
		for _, n := range cloudformation.SAMConfigNames {
			candidates = append(candidates, path.Join(dir, n))
		}
	}
	configs := map[string]graph.Node{}
	for _, r := range v.byKind[graph.NodeResource] {
		if c := r.Attr(cloudformation.AttrSAMConfig); c != "" && r.Attr(cloudformation.AttrTemplateRepo) == repo {
			configs[c] = r
		}
	}
	var config graph.Node
	found := false
	for _, c := range candidates {
		if config, found = configs[c]; found {
			break
		}
	}
	if !found {
		return nil, "", false
	}

	env := d.SAMEnv
	if env == "" {
		env = "default"
	}
	var own, global, build cloudformation.SAMSection
	for _, it := range graph.SplitList(config.Attr(cloudformation.AttrSAMSections)) {
		s, ok := cloudformation.DecodeSAMSection(it)
		switch {
		case !ok || s.Env != env:
		case s.Command == d.SAMCommand:
			own = s
		case s.Command == "global":
			global = s
		case s.Command == "build":
			build = s
		}
	}
	section := own
	if section.Template == "" {
		section = global
	}
	if section.Template == "" && d.SAMBuilt {
		// The deploy takes sam build's copy of the template that the
		// build read. NOTE: the build is taken to use the deploy's
		// configuration file and environment.
		section = build
	}
	t := section.Template
	if t == "" || strings.ContainsAny(t, "$~") || path.IsAbs(t) || strings.Contains(t, "://") {
		return nil, "", false
	}

	overrides := own.Overrides
	if len(overrides) == 0 {
		overrides = global.Overrides
	}
	note = ", which " + config.Attr(cloudformation.AttrSAMConfig) + " names in [" + section.Env + "." + section.Command + ".parameters]"
	if len(overrides) > 0 {
		note += " with parameter overrides for " + strings.Join(overrides, " ") + " that the template is not read with"
	}
	t = path.Join(dir, t)
	if before, _, built := strings.Cut(t, ".aws-sam/build/"); built {
		return anyTemplate(path.Clean(before)), note, true
	}
	return []string{t}, note, true
}
