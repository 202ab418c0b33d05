package link

import (
	"log/slog"
	"slices"
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest/internal/image"
	"github.com/blastradius-dev/blastradius/ingest/internal/pkgcmd"
)

// linkImageDeploys joins the deploys of images that CI jobs make
// (pkgcmd.AttrImageDeploys) to the runtimes the inputs declare. Each such
// runtime then EXECUTES the deployed image, beside the image its own
// input names. Terraform often declares a service with a placeholder
// image and leaves the image to CI (lifecycle ignore_changes), so the
// image a job builds, with its base images and the packages its
// Dockerfile installs, is the one the service runs.
//
// Lambda functions and Cloud Run services are matched as deploys of
// folders are (linkDeploys): by name, and by region, account or project
// where both sides know them. An ECS deploy matches the task definitions
// whose family the render step names, or else those that the updated
// service runs. kubectl set image matches the workloads of its kind and
// name in its namespace, or in any namespace when the command leaves the
// namespace to the kubeconfig. Several matches are each possible.
//
// The linker makes no runtime node of its own. A deploy whose target no
// input declares links nowhere, and a warning counts it.
//
// The edge goes to the image's version when the deploy fixes its tag or
// digest, and to the image's name when a variable sets it (app:$SHA).
// Lambda, Cloud Run and ECS resolve a tag to a digest when they deploy it
// (graph.PullOnDeploy). ECS does so unless the container definition turns
// versionConsistency off, which the inputs read here do not show. A
// Kubernetes workload pulls as its containers' imagePullPolicy sets,
// which set image leaves as it was.
//
// The identities a job deploys as can replace the image, so each gets
// CAN_MODIFY to the runtime, unless it has one already.
func (v *view) linkImageDeploys(log *slog.Logger) {
	var idx *imageDeployIndex
	unmatched, unparsed := 0, 0
	for _, rt := range v.byKind[graph.NodeRuntime] {
		attr := rt.Attr(pkgcmd.AttrImageDeploys)
		if attr == "" {
			continue
		}
		if idx == nil {
			idx = newImageDeployIndex(v)
		}
		for _, d := range pkgcmd.ImageDeploys(attr) {
			ref, computed, ok := d.Ref()
			if !ok {
				unparsed++
				if log != nil {
					log.Debug("image deploy names no image", "job", rt.ID, "pos", rt.Pos.String(), "service", d.Service, "name", d.Name)
				}
				continue
			}
			found, matched := idx.match(d)
			if len(found) == 0 {
				unmatched++
				if log != nil {
					log.Debug("image deploy target not declared", "job", rt.ID, "service", d.Service, "name", d.Name)
				}
				continue
			}
			conf := graph.Certain
			if len(found) > 1 || d.Service == pkgcmd.DeployKubernetes && d.Namespace == "" {
				// Without -n the kubeconfig's context picks the
				// namespace, which may be one the input does not show.
				conf = graph.Possible
			}
			for _, fn := range found {
				v.deployedImage(rt, d, ref, computed, fn, conf, matched)
				v.imageDeployModifies(rt, d, fn, conf, matched)
			}
		}
	}
	if log == nil {
		return
	}
	if unmatched > 0 {
		log.Warn("image deploys link to no runtime because no input declares the function, service or workload they name, so add the Terraform or manifests that declare it (--log-level debug lists each)",
			"count", unmatched)
	}
	if unparsed > 0 {
		log.Warn("image deploys link to no image because a variable sets the image's name, which the input does not show (--log-level debug lists each)",
			"count", unparsed)
	}
}

// imageDeployIndex holds the runtimes an image deploy may target.
type imageDeployIndex struct {
	functions *deployIndex // Lambda functions and Cloud Run services
	// tasks are the ECS task definitions, and workloads the Kubernetes
	// workloads by kind and name.
	tasks     []ecsTaskTarget
	workloads map[[2]string][]graph.Node
}

// ecsTaskTarget is an ECS task definition with its family, the services
// that run it, and the region and account its attributes give.
type ecsTaskTarget struct {
	node            graph.Node
	family          string
	services        []string
	region, account string
}

func newImageDeployIndex(v *view) *imageDeployIndex {
	idx := &imageDeployIndex{functions: newDeployIndex(v), workloads: map[[2]string][]graph.Node{}}
	for _, rt := range v.byKind[graph.NodeRuntime] {
		switch rt.Attr("type") {
		case "ecs-task":
			t := ecsTaskTarget{node: rt, family: rt.Attr(graph.AttrName), services: graph.SplitList(rt.Attr("services")),
				account: fixed(rt.Attr(graph.AttrAccount))}
			// arn:PARTITION:ecs:REGION:ACCOUNT:task-definition/FAMILY
			if p := strings.Split(rt.Attr("arn"), ":"); len(p) >= 6 && p[2] == "ecs" {
				t.region = fixed(p[3])
				if t.account == "" {
					t.account = fixed(p[4])
				}
			}
			idx.tasks = append(idx.tasks, t)
		case "k8s-workload":
			k := [2]string{rt.Attr("kind"), rt.Attr(graph.AttrName)}
			idx.workloads[k] = append(idx.workloads[k], rt)
		}
	}
	return idx
}

// match returns the runtimes an image deploy may target, and the clause
// of the reason that names the values they were matched by.
func (idx *imageDeployIndex) match(d pkgcmd.ImageDeploy) (found []graph.Node, matched string) {
	switch d.Service {
	case pkgcmd.DeployLambda, pkgcmd.DeployRun, pkgcmd.DeployRunJob:
		return idx.functions.match(d.Deploy)
	case pkgcmd.DeployECS:
		return idx.matchECS(d)
	case pkgcmd.DeployKubernetes:
		return idx.matchWorkload(d)
	}
	return nil, ""
}

// matchECS matches the task definitions of the family a deploy names, or
// else those that its service runs.
func (idx *imageDeployIndex) matchECS(d pkgcmd.ImageDeploy) (found []graph.Node, matched string) {
	if !fixedName(d.Name) {
		return nil, ""
	}
	byFamily := d.Family != "" && fixedName(d.Family)
	for _, t := range idx.tasks {
		if differ(d.Region, t.region) || differ(d.Account, t.account) {
			continue
		}
		if byFamily && t.family == d.Family || !byFamily && slices.Contains(t.services, d.Name) {
			found = append(found, t.node)
		}
	}
	if byFamily {
		matched = "by its family " + d.Family
	} else {
		matched = "by the service " + d.Name + " that runs it"
	}
	for _, kv := range [][2]string{{"region", d.Region}, {"account", d.Account}} {
		if kv[1] != "" {
			matched += " and " + kv[0] + " " + kv[1]
		}
	}
	if len(found) > 1 {
		matched += ", which several declared task definitions share, so the job may deploy to any of them"
	}
	return found, matched
}

// matchWorkload matches the Kubernetes workloads of a deploy's kind and
// name, in its namespace when it names one. kubectl set image fails on a
// workload without a container of the name it gives, so a workload whose
// input lists its containers matches only when the container is one of
// them.
func (idx *imageDeployIndex) matchWorkload(d pkgcmd.ImageDeploy) (found []graph.Node, matched string) {
	if !fixedName(d.Name) {
		return nil, ""
	}
	for _, w := range idx.workloads[[2]string{d.Kind, d.Name}] {
		if d.Namespace != "" && w.Attr("namespace") != d.Namespace {
			continue
		}
		if names := w.Attr("containers"); d.Container != "*" && names != "" && !slices.Contains(graph.SplitList(names), d.Container) {
			continue
		}
		found = append(found, w)
	}
	matched = "by its kind " + d.Kind + " and name " + d.Name
	switch {
	case d.Namespace != "":
		matched += " in namespace " + d.Namespace
	case len(found) > 1:
		matched += ", which several namespaces declare, and the command leaves the namespace to the kubeconfig, so it may deploy to any of them"
	default:
		matched += ", and the command leaves the namespace to the kubeconfig, so it may deploy to a namespace the input does not show"
	}
	return found, matched
}

// imageDeployRunner names, for reasons, what runs the image a deploy
// ships to each kind of target.
var imageDeployRunner = map[string]string{
	pkgcmd.DeployLambda:     "the function",
	pkgcmd.DeployRun:        "the service",
	pkgcmd.DeployRunJob:     "the job",
	pkgcmd.DeployECS:        "the service's task",
	pkgcmd.DeployKubernetes: "the workload",
}

// imageDeployActions are the permissions by which an image deploy
// changes the image of its target.
var imageDeployActions = map[string]string{
	pkgcmd.DeployLambda: "lambda:UpdateFunctionCode",
	pkgcmd.DeployRun:    "run.services.update",
	pkgcmd.DeployRunJob: "run.jobs.update",
	pkgcmd.DeployECS:    "ecs:RegisterTaskDefinition,ecs:UpdateService",
}

// targetLabel names the runtime a deploy targets in reasons. An ECS task
// definition's label is its bare family.
func targetLabel(d pkgcmd.ImageDeploy, fn graph.Node) string {
	if d.Service == pkgcmd.DeployECS {
		return "ECS task definition " + fn.Label
	}
	return fn.Label
}

// deployedImage makes fn EXECUTE the image that the deploy d of job rt
// deploys: its version node, or its name node when the tag is computed.
func (v *view) deployedImage(rt graph.Node, d pkgcmd.ImageDeploy, ref image.Ref, computed bool, fn graph.Node, conf graph.Confidence, matched string) {
	name := ref.PURL(false)
	v.addNode(graph.Node{ID: name, Kind: graph.NodePackage, Label: ref.Name(), Pos: rt.Pos,
		Attrs: map[string]string{"ecosystem": "docker", graph.AttrName: ref.Name()}})
	to, pinned := name, image.PinnedComputed
	imageLabel := ref.Name()
	if !computed {
		to, pinned, imageLabel = ref.PURL(true), ref.Pinned(), ref.Name()+"@"+ref.Version()
		v.addNode(graph.Node{ID: to, Kind: graph.NodePackage, Label: imageLabel, Pos: rt.Pos,
			Attrs: map[string]string{"ecosystem": "docker", graph.AttrName: ref.Name(), "version": ref.Version()}})
		v.addEdge(graph.Edge{From: to, To: name, Kind: graph.EdgeVersionOf, Confidence: graph.Certain, Pos: rt.Pos})
	}

	reason := rt.Label + " deploys image " + imageLabel + " to " + targetLabel(d, fn) + " (matched " + matched + ")"
	if d.Container != "" && d.Container != "*" {
		reason += " for its container " + d.Container
	}
	reason += ", so " + imageDeployRunner[d.Service] + " runs that image and not only the one its own input names"
	if computed {
		reason += "; the job sets the tag when it runs, so the image is some version of " + ref.Name()
	}
	e := graph.Edge{From: fn.ID, To: to, Kind: graph.EdgeExecutes, Confidence: conf, Pos: deployPos(rt, d.Deploy)}
	e.SetAttr(graph.AttrVia, "deploy")
	e.SetAttr("pinned", pinned)
	e.SetAttr("deployed_by", rt.ID)
	if d.Container != "" {
		e.SetAttr("containers", d.Container)
	}
	if pull := v.deployPull(d, fn); pull != "" {
		e.SetAttr(graph.AttrPullPolicy, pull)
	}
	e.SetAttr(graph.AttrReason, reason)
	v.addEdge(e)
}

// deployPull returns the pull policy with which fn runs an image that d
// deploys. A Kubernetes workload keeps the imagePullPolicy of the
// container, which its input's image edge gives. The result is "" when
// the input shows none, or containers with different ones.
func (v *view) deployPull(d pkgcmd.ImageDeploy, fn graph.Node) string {
	switch d.Service {
	case pkgcmd.DeployRunJob:
		// A Cloud Run job resolves the tag each time it is executed.
		return ""
	case pkgcmd.DeployKubernetes:
	default:
		return graph.PullOnDeploy
	}
	pull := ""
	for _, e := range v.edgesFrom(graph.EdgeExecutes, fn.ID) {
		if e.Attr(graph.AttrVia) != "image" {
			continue
		}
		if d.Container != "*" && !slices.Contains(graph.SplitList(e.Attr("containers")), d.Container) {
			continue
		}
		p := e.Attr(graph.AttrPullPolicy)
		if p == "" || pull != "" && p != pull {
			return ""
		}
		pull = p
	}
	return pull
}

// imageDeployModifies gives each identity that job rt deploys d as
// CAN_MODIFY to fn, unless the identity has one already.
func (v *view) imageDeployModifies(rt graph.Node, d pkgcmd.ImageDeploy, fn graph.Node, conf graph.Confidence, matched string) {
	action := imageDeployActions[d.Service]
	if action == "" {
		return
	}
	add := func(id string, c graph.Confidence, note string) {
		ident, ok := v.node(id)
		if !ok || ident.Kind != graph.NodeIdentity || v.modifies(id, fn.ID) {
			return
		}
		reason := rt.Label + " deploys an image to " + targetLabel(d, fn) + " (matched " + matched + ") as " + ident.Label +
			", which can therefore replace the image it runs"
		if note != "" {
			reason += "; possible: " + note
		}
		e := graph.Edge{From: id, To: fn.ID, Kind: graph.EdgeCanModify, Confidence: c, Pos: deployPos(rt, d.Deploy)}
		e.SetAttr(graph.AttrActions, action)
		e.SetAttr(graph.AttrReason, reason)
		v.addEdge(e)
	}
	for _, id := range d.As {
		add(id, conf, "")
	}
	for i, id := range d.MayAs {
		note := d.MayAsReason(i)
		if note == "" {
			note = "a condition decides whether the job acts as this identity when it deploys"
		}
		add(id, graph.Possible, note)
	}
}
