package link

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest/gcpiam/gcppolicy"
	"github.com/blastradius-dev/blastradius/ingest/internal/image"
)

// arImage is the name package of an image that a workload or a file names
// under an Artifact Registry Docker host,
// LOCATION-docker.pkg.dev/PROJECT/REPOSITORY/IMAGE, or under a gcr.io
// host, HOST/PROJECT/IMAGE.
type arImage struct {
	id, location, repo string
	gcr                bool // named under a gcr.io host
}

// gcrRepos maps each gcr.io host to the location and name of the Artifact
// Registry repository that serves it in the image's project. These
// repositories have served the gcr.io names since Container Registry shut
// down on 18 March 2025.
var gcrRepos = map[string]struct{ location, repo string }{
	"gcr.io":      {"us", "gcr.io"},
	"us.gcr.io":   {"us", "us.gcr.io"},
	"eu.gcr.io":   {"europe", "eu.gcr.io"},
	"asia.gcr.io": {"asia", "asia.gcr.io"},
}

// indexArtifactImages lists the image name packages under Artifact
// Registry Docker hosts and gcr.io hosts, by project id. A domain-scoped
// project (example.com:name) appears in the path as example.com/name.
func (g *gcpView) indexArtifactImages() {
	g.images = map[string][]arImage{}
	for _, n := range g.v.byKind[graph.NodePackage] {
		if n.Attr("ecosystem") != "docker" || n.Attr("version") != "" {
			continue
		}
		ref, ok := image.Parse(n.Attr(graph.AttrName))
		if !ok || ref.PURL(false) != n.ID {
			continue
		}
		parts := strings.Split(ref.Path, "/")
		if gcr, ok := gcrRepos[ref.Registry]; ok {
			// HOST/PROJECT/IMAGE, where IMAGE may hold slashes.
			if len(parts) >= 3 && strings.Contains(parts[0], ".") {
				parts = append([]string{parts[0] + ":" + parts[1]}, parts[2:]...)
			}
			if len(parts) < 2 {
				continue
			}
			g.images[parts[0]] = append(g.images[parts[0]], arImage{id: n.ID, location: gcr.location, repo: gcr.repo, gcr: true})
			continue
		}
		location, ok := strings.CutSuffix(ref.Registry, "-docker.pkg.dev")
		if !ok || location == "" {
			continue
		}
		if len(parts) >= 4 && strings.Contains(parts[0], ".") {
			parts = append([]string{parts[0] + ":" + parts[1]}, parts[2:]...)
		}
		if len(parts) < 3 {
			continue
		}
		g.images[parts[0]] = append(g.images[parts[0]], arImage{id: n.ID, location: location, repo: parts[1]})
	}
	for _, list := range g.images {
		sort.Slice(list, func(i, j int) bool { return list[i].id < list[j].id })
	}
	g.virtuals = map[string][]graph.Node{}
	for _, n := range g.v.byKind[graph.NodeResource] {
		if n.Attr("type") == typeArtifactRepo && strings.EqualFold(n.Attr("mode"), "VIRTUAL_REPOSITORY") {
			for _, up := range graph.SplitList(n.Attr("upstreams")) {
				g.virtuals[up] = append(g.virtuals[up], n)
			}
		}
	}
}

// repoOf reads project, location and repository from an Artifact Registry
// repository's resource name, projects/P/locations/L/repositories/R.
func repoOf(n graph.Node) (project, location, repo string, ok bool) {
	parts := strings.Split(n.Attr("resource_name"), "/")
	if len(parts) != 6 || parts[0] != "projects" || parts[2] != "locations" || parts[4] != "repositories" {
		return "", "", "", false
	}
	for _, p := range parts {
		if p == "" || strings.Contains(p, "${") {
			return "", "", "", false
		}
	}
	return parts[1], parts[3], parts[5], true
}

// linkArtifactPublish derives CAN_PUBLISH from a grant that lets a member
// upload to Artifact Registry repositories. A Docker push to
// LOCATION-docker.pkg.dev/PROJECT/REPOSITORY/IMAGE moves any tag of the
// image to an image of the pusher's. A workload that runs the image starts
// the pusher's once it pulls the tag again. So the member CAN_PUBLISH each image name under the
// repository that the graph holds. The target is a declared repository,
// or a project, whose repositories the input may not declare. A member
// that may change the allow policy of the project (or of a folder or
// organization above it) can grant itself roles/artifactregistry.writer
// there, which gives the same.
func (g *gcpView) linkArtifactPublish(gr *gcpGrant, m grantee, tg target, conf graph.Confidence, why string) {
	t := tg.node
	how := pushWay(gr.role, t, tg)
	switch {
	case t.Attr("type") == typeArtifactRepo:
		project, location, repo, ok := repoOf(t)
		// Asset names may give the project by number.
		project = strings.TrimPrefix(g.canon(graph.GCPProjectID(project)), "gcp:project:")
		// A custom role that the input does not define may hold the
		// permission. Only its grants on the repository itself count.
		if !gr.role.Known && tg.scope == "" && how.perm == "" {
			how = pushHow{perm: gcppolicy.PermUploadArtifacts, text: "may let it upload", unknown: true}
		}
		if !ok || how.perm == "" {
			return
		}
		g.publishRepo(gr, m, t, project, location, repo, how, conf, why)
	case strings.HasPrefix(t.ID, "gcp:project:"):
		if how.perm == "" {
			return
		}
		project := strings.TrimPrefix(t.ID, "gcp:project:")
		for _, img := range g.images[project] {
			id := graph.GCPArtifactRepositoryID(project, img.location, img.repo)
			if _, ok := g.v.node(id); ok {
				// A declared repository is a target of its own.
				continue
			}
			repo := graph.Node{ID: id, Kind: graph.NodeResource, Attrs: map[string]string{
				"resource_name": "projects/" + project + "/locations/" + img.location + "/repositories/" + img.repo,
				"resource_type": "artifactregistry.googleapis.com/Repository",
			}}
			d, condWhy := g.decide(gr, repo, false)
			if d == gcppolicy.False {
				continue
			}
			note := "the input does not declare the repository, so its format and tag settings are unknown"
			if img.gcr {
				// A gcr.io repository is always a Docker one.
				note = "the input does not declare the repository, so whether its tags are immutable is unknown"
			}
			g.publishEdge(gr, m, img.id, id, how, graph.Possible, condWhy, note)
		}
	}
}

// pushHow is the way a grant lets its member push to a repository: the
// deciding permission and the words that the reason uses for it.
type pushHow struct {
	perm, text string
	unknown    bool // the role is a custom role the input does not define
}

// pushWay returns the way a role lets its member push to the repositories
// a target covers, with an empty perm when it does not. Changing the
// allow policy of the project or a scope above it lets the member grant
// itself a writer role first.
func pushWay(r gcppolicy.Role, t graph.Node, tg target) pushHow {
	if r.Has(gcppolicy.PermUploadArtifacts) {
		return pushHow{perm: gcppolicy.PermUploadArtifacts, text: "lets it upload"}
	}
	if tg.scope != "" && r.SetsIamPolicy("resourcemanager") || service(t) == "resourcemanager" && r.SetsIamPolicy("resourcemanager") {
		return pushHow{perm: setIamPerm(t, tg), text: "lets it grant itself roles/artifactregistry.writer and upload"}
	}
	return pushHow{}
}

// publishRepo adds CAN_PUBLISH from a member that may push to a declared
// repository to the images under it.
func (g *gcpView) publishRepo(gr *gcpGrant, m grantee, t graph.Node, project, location, repo string, how pushHow, conf graph.Confidence, why string) {
	var notes []string
	if how.unknown {
		conf = graph.Possible
		notes = append(notes, "the custom role "+gr.role.Name+" is not in the input")
	}
	switch mode := strings.ToUpper(t.Attr("mode")); mode {
	case "REMOTE_REPOSITORY", "VIRTUAL_REPOSITORY":
		// Remote and virtual repositories take no uploads.
		return
	}
	switch format := strings.ToUpper(t.Attr("format")); format {
	case "DOCKER":
	case "":
		conf = graph.Possible
		notes = append(notes, "the input does not show the repository's format")
	default:
		return
	}
	switch t.Attr("immutable_tags") {
	case "", "false":
	case "true":
		conf = graph.Possible
		notes = append(notes, "its tags are immutable, so a push adds new tags only, which reach the workloads that deploy them later")
	default:
		// A value that the input does not resolve.
		conf = graph.Possible
		notes = append(notes, "the input does not show whether its tags are immutable, in which case a push adds new tags only")
	}
	for _, img := range g.images[project] {
		if img.location == location && img.repo == repo {
			g.publishEdge(gr, m, img.id, t.ID, how, conf, why, notes...)
		}
	}

	// A virtual repository serves each image from the first of its
	// upstreams, by priority, that holds it. With other upstreams, an
	// image of theirs may come first.
	for _, vr := range g.virtuals[t.ID] {
		vProject, vLocation, vRepo, ok := repoOf(vr)
		if !ok {
			continue
		}
		vProject = strings.TrimPrefix(g.canon(graph.GCPProjectID(vProject)), "gcp:project:")
		vConf, vNotes := conf, append(slices.Clip(notes), "the virtual repository "+vr.ID+" serves its images")
		if len(graph.SplitList(vr.Attr("upstreams"))) > 1 {
			vConf = graph.Possible
			vNotes = append(vNotes, "another of its upstreams may hold the image first")
		}
		for _, img := range g.images[vProject] {
			if img.location == vLocation && img.repo == vRepo {
				g.publishEdge(gr, m, img.id, t.ID, how, vConf, why, vNotes...)
			}
		}
	}
}

// publishEdge adds one CAN_PUBLISH edge of a grant to an image name.
func (g *gcpView) publishEdge(gr *gcpGrant, m grantee, img, repo string, how pushHow, conf graph.Confidence, why string, notes ...string) {
	e := graph.Edge{From: m.id, To: img, Kind: graph.EdgeCanPublish, Confidence: conf, Pos: gr.node.Pos}
	e.SetAttr(graph.AttrActions, graph.JoinList([]string{gr.role.Name, how.perm}))
	e.SetAttr(graph.AttrVia, "artifact-registry-push")
	where := "to " + repo
	if repo == gr.resource {
		where = "to it"
	}
	reason := fmt.Sprintf("%s: %s on %s %s %s (%s), so it can point any tag of the image at an image of its own, which workloads run once they pull the tag again",
		gr.node.ID, gr.role.Name, gr.resource, how.text, where, how.perm)
	if m.via != "" {
		reason += "; it reaches " + m.id + " " + m.via
	}
	for _, n := range notes {
		reason += "; " + n
	}
	reason += conditionReason(gr, &e, conf, why)
	e.SetAttr(graph.AttrReason, reason)
	g.v.addEdge(e)
}
