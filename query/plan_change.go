package query

import (
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
)

// changeHop returns the step by which the path of a runtime gives an
// identity the power to change it (CAN_MODIFY from an identity): push to
// its repository, update a function's code, patch a workload. A CI job
// that applies a workload's manifests (CAN_MODIFY from the job) changes
// it the same way, with the cluster credentials it holds. On that
// path the compromised code runs there only if the attacker made the
// change. A path that publishes a package or image the runtime pulls
// (CAN_PUBLISH), or that reaches it through its input, is contained as
// before. So is a job that a runtime of the radius can change (a
// self-hosted runner host, a cache it restores), because the compromised
// code runs next to it.
func (r *Result) changeHop(x *Reached) (Hop, bool) {
	if x.Node.Kind != graph.NodeRuntime || len(x.Path) == 0 || appInput(x.Path[len(x.Path)-1].Kind) {
		return Hop{}, false
	}
	return r.pathChange(x.Path)
}

// pathChange returns the first hop of a path by which an identity can
// change what it leads to, unless the path publishes a package or image.
func (r *Result) pathChange(path []Hop) (Hop, bool) {
	var hop Hop
	found := false
	for _, h := range path {
		switch {
		case h.Kind == graph.EdgeCanPublish:
			return Hop{}, false
		case h.Kind == graph.EdgeCanModify && !h.Reversed && (r.changer(h.From) || appliesWorkload(h)) && !found:
			hop, found = h, true
		}
	}
	return hop, found
}

// changer reports whether the node id, the source of a CAN_MODIFY hop, is
// an identity, or a credential that changes what it leads to itself: a
// GitHub token whose own pushes the audit log shows.
func (r *Result) changer(id string) bool {
	switch r.kindOf(id) {
	case graph.NodeIdentity:
		return true
	case graph.NodeSecret:
		return strings.HasPrefix(id, "secret:github:token:")
	}
	return false
}

// kindOf returns the kind of a node of the radius. A node that a mapping
// file declares may have an id that names no kind (gitlab:pat:bot), so
// the id decides only for a node that the radius does not contain.
func (r *Result) kindOf(id string) graph.NodeKind {
	if x := r.index[id]; x != nil {
		return x.Node.Kind
	}
	return kindFromID(id)
}

// appliesWorkload reports whether a hop is a CI job's CAN_MODIFY of a
// Kubernetes workload whose manifests or chart the job applies.
func appliesWorkload(h Hop) bool {
	return kindFromID(h.From) == graph.NodeRuntime && !strings.HasPrefix(h.From, "k8s:") && strings.HasPrefix(h.To, "k8s:workload:")
}

// changeItems returns a check item for each runtime that a credential of
// the radius can change but where the compromised code did not run. The
// jobs of one repository share the item of the first: one list of the
// repository's pushes shows a change to any of them.
func changeItems(runtimes []*Reached, hops map[string]Hop, res *Result) []*Item {
	var items []*Item
	byRepo := map[string]*Item{}
	for _, rt := range runtimes {
		key := ""
		switch containType(rt.Node) {
		case "gha-job", "gitlab-job":
			if rt.Node.Attr(graph.AttrRepository) != "" {
				key = containType(rt.Node) + "\x00" + graph.RepoIDOf(rt.Node)
			}
		}
		if it := byRepo[key]; key != "" && it != nil {
			it.Also = append(it.Also, rt.Node.ID)
			continue
		}
		it := changeItem(rt, hops[rt.Node.ID], res)
		if key != "" {
			byRepo[key] = it
		}
		items = append(items, it)
	}
	return items
}

// changeItem returns the item that checks whether a runtime was changed
// since the compromise, through hop, and gives the way to contain it if it did.
// The check runs again once the credentials that can change it are
// revoked (Verify), since a change may come in between.
func changeItem(rt *Reached, hop Hop, res *Result) *Item {
	contain := containItem([]*Reached{rt}, res)
	it := &Item{Node: rt.Node, Kind: "check"}
	since := compromiseTime(res)
	changer := graph.ReadableID(hop.From)
	if x := res.index[hop.From]; x != nil && x.Node.Label != "" && x.Node.Label != x.Node.ID {
		changer = x.Node.Label
	}
	target, means := "its code or configuration", changer+" can change it"
	n := rt.Node
	switch containType(n) {
	case "gha-job":
		target = "repository " + n.Attr(graph.AttrRepository)
		means = changer + " can push to it, and a pushed workflow or script runs in its jobs"
		contain.Action = "turn off GitHub Actions for it until the pushes you did not make are reverted"
		if repo := n.Attr(graph.AttrRepository); strings.Count(repo, "/") == 1 {
			// The activity list contains every push, force push and
			// branch change. Its times are UTC like the compromise time,
			// so their first 19 characters compare as text.
			filter := fmt.Sprintf(`.[] | select(.timestamp[0:19] >= %q) | [.timestamp, .activity_type, .ref, .actor.login] | @tsv`, prefix19(since))
			it.Command = ghAPICommand(n.Attr(graph.AttrRepositoryHost), "--paginate", "repos/"+repo+"/activity", "--jq", filter)
		}
	case graph.RuntimeGHAPushedWorkflow:
		// The runtime is a workflow file that is not in the
		// input: one the holder of a credential would push.
		target = "the workflow files and branches of repository " + n.Attr(graph.AttrRepository)
		means = changer + " can push to it, and GitHub runs a workflow file pushed to any branch, with every secret of the repository and an OIDC token"
		contain.Action = "save the logs of the runs it started, cancel them, delete the workflow files and branches you did not push, and turn off GitHub Actions for the repository until then"
		if repo := n.Attr(graph.AttrRepository); strings.Count(repo, "/") == 1 {
			filter := fmt.Sprintf(`.[] | select(.timestamp[0:19] >= %q) | [.timestamp, .activity_type, .ref, .actor.login] | @tsv`, prefix19(since))
			it.Command = ghAPICommand(n.Attr(graph.AttrRepositoryHost), "--paginate", "repos/"+repo+"/activity", "--jq", filter)
		}
	case "gitlab-job":
		target = "project " + n.Attr(graph.AttrRepository)
		means = changer + " can push to it, and a pushed pipeline or script runs in its jobs"
		contain.Action = "turn off its CI/CD until the pushes you did not make are reverted"
		if repo := n.Attr(graph.AttrRepository); repo != "" {
			server := orPlaceholder(n.Attr("server"), "gitlab.com")
			project := "projects/" + strings.ReplaceAll(url.PathEscape(repo), ":", "%3A")
			filter := fmt.Sprintf(`.[] | select(.created_at[0:19] >= %q) | [.created_at, .author.username, .push_data.ref] | @tsv`, prefix19(since))
			it.Command = shellCommand("glab", "api", "--hostname", server, "--paginate", project+"/events?action=pushed") + " | " + shellCommand("jq", "-r", filter)
		}
	case "lambda":
		if arn := n.Attr("arn"); strings.HasPrefix(arn, "arn:aws:lambda:") && !strings.Contains(arn, "${") {
			// LastModified moves with every update of the function's code
			// or configuration.
			region, _, _ := arnRegion(arn)
			it.Command = shellCommand("aws", "lambda", "get-function-configuration", "--function-name", arn, "--region", region,
				"--query", "[LastModified,CodeSha256]", "--output", "text")
		}
	case "cloud-run-service":
		// Each deploy of an image or a configuration makes a revision,
		// and the list prints when each one was made.
		it.Command = shellCommand("gcloud", "run", "revisions", "list", "--service", gcloudValue(n.Attr(graph.AttrName), "<service name>"),
			"--region", gcloudValue(n.Attr("location"), "<region>"), "--project", gcloudValue(n.Attr("project"), "<project>"),
			"--format", "value(metadata.name,metadata.creationTimestamp)")
	case "k8s-workload":
		if appliesWorkload(hop) {
			means = changer + " applies its manifests or chart with the cluster credentials it holds, and code that ran there can apply changed ones"
		}
		switch n.Attr("kind") {
		case "Deployment", "StatefulSet", "DaemonSet", "CronJob", "Job", "Pod", "ReplicaSet", "ReplicationController":
			if ns, name := n.Attr("namespace"), n.Attr(graph.AttrName); ns != "" && name != "" {
				// Rollout history shows no times. Each field manager's
				// entry has the time it last changed the object, and
				// kubectl leaves the entries out of JSON and YAML only.
				const times = `jsonpath={range .metadata.managedFields[*]}{.time}{"\t"}{.manager}{"\t"}{.operation}{"\t"}{.subresource}{"\n"}{end}`
				it.Command = shellCommand("kubectl", "get", strings.ToLower(n.Attr("kind"))+"/"+name, "--namespace="+ns, "-o", times)
			}
		}
	}
	it.Action = fmt.Sprintf("Check whether %s changed since the compromise: %s. If it did, %s",
		target, means, lowerFirst(strings.TrimSuffix(contain.Action, ".")))
	if it.Command == "" {
		// With a command, the verify line requests the second check.
		it.Action += ". Check again once the credentials that can change it are revoked"
	}
	it.Verify = it.Command
	return it
}

// prefix19 returns the date and time of an RFC 3339 time, to the second,
// or a placeholder as it is.
func prefix19(t string) string {
	if len(t) >= 19 && !strings.HasPrefix(t, "<") {
		return t[:19]
	}
	return t
}

// lowerFirst returns s with its first letter in lower case, unless the
// first word is a name in capitals (AWS, IAM).
func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	word, _, _ := strings.Cut(s, " ")
	if len(word) > 1 && strings.ToUpper(word) == word {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// splitChanged moves the runtimes that a credential can change, but where
// the compromised code did not run, out of runtimes, with the hop of each.
// A runtime whose path is a change still runs the code when it executes a
// node of the radius that no change led to. The walk keeps the surest path
// to each node, so a certain change hides a possible execution.
func splitChanged(runtimes []*Reached, res *Result) (run, changed []*Reached, hops map[string]Hop) {
	hops = map[string]Hop{}
	var executes map[string]graph.Edge
	for _, rt := range runtimes {
		if h, ok := res.changeHop(rt); ok {
			if executes == nil {
				executes = executesInRadius(res)
			}
			if _, ran := executes[rt.Node.ID]; !ran {
				changed = append(changed, rt)
				hops[rt.Node.ID] = h
				continue
			}
		}
		run = append(run, rt)
	}
	return slices.Clip(run), changed, hops
}

// executesInRadius returns the runtimes that the walk met executing a
// start, or a node whose path is no change by an identity.
func executesInRadius(res *Result) map[string]graph.Edge {
	return res.executors(func(path []Hop) bool {
		_, change := res.pathChange(path)
		return change
	})
}

// RanIn returns the runtimes where the compromised code runs whatever
// path the result keeps for them, each with the EXECUTES edge that shows
// it: an edge to a start, or to a node reached by a path on which no
// identity changes, invokes or publishes anything. The walk keeps the
// surest path to each node, so a certain path through a credential that
// can change a runtime may hide a possible execution there.
func (r *Result) RanIn() map[string]graph.Edge {
	return r.executors(func(path []Hop) bool { return slices.ContainsFunc(path, takesOver) })
}

// executors returns the runtimes that the walk met executing a start, or
// a node whose path is not taken over by the test, with the first such
// EXECUTES edge of each.
func (r *Result) executors(takenOver func(path []Hop) bool) map[string]graph.Edge {
	starts := map[string]bool{}
	for _, n := range r.Starts {
		starts[n.ID] = true
	}
	out := map[string]graph.Edge{}
	for _, e := range r.walkedOf(graph.EdgeExecutes, func(string, string) bool { return true }) {
		if _, seen := out[e.From]; seen {
			continue
		}
		if x := r.index[e.To]; starts[e.To] || x != nil && !takenOver(x.Path) {
			out[e.From] = e
		}
	}
	return out
}

// takesOver reports whether a hop changes, invokes or publishes what it
// leads to.
func takesOver(h Hop) bool {
	switch h.Kind {
	case graph.EdgeCanModify, graph.EdgeCanInvoke, graph.EdgeCanPublish:
		return true
	}
	return false
}

// markTakenOver sets Reached.TakenOver on the runtimes whose path changes,
// invokes or publishes and where the code does not run otherwise.
func (r *Result) markTakenOver() {
	var ran map[string]graph.Edge
	for _, x := range r.Reached {
		if x.Node.Kind != graph.NodeRuntime || !slices.ContainsFunc(x.Path, takesOver) {
			continue
		}
		if ran == nil {
			ran = r.RanIn()
		}
		if _, ok := ran[x.Node.ID]; !ok {
			x.TakenOver = true
		}
	}
}

// rebuildStep lists the container images that contain the compromised
// code: an image whose Dockerfile installs the package or builds on the
// image (a backward DEPENDS_ON step reached its name). Each tag built
// since the package was pinned contains it, and a workload, a job or a
// developer that pulls one runs it again, so the image is rebuilt and the
// tags since the compromise are deleted or quarantined. An image reached
// only because a credential can push to it is for publishedStep.
func rebuildStep(res *Result) *Step {
	var items []*Item
	for _, x := range res.Reached {
		n := x.Node
		if n.Kind != graph.NodePackage || n.Attr("ecosystem") != "docker" || n.Attr("version") != "" || len(x.Path) == 0 {
			continue
		}
		last := x.Path[len(x.Path)-1]
		if last.Kind != graph.EdgeDependsOn || !last.Reversed || slices.ContainsFunc(x.Path, func(h Hop) bool { return h.Kind == graph.EdgeCanPublish }) {
			continue
		}
		name := orPlaceholder(n.Attr(graph.AttrName), n.Label)
		it := &Item{Node: n, Kind: "rebuild"}
		it.Action = fmt.Sprintf("Rebuild %s once the compromised version is removed or pinned, push it, and delete or quarantine the tags pushed since the compromise: each contains the compromised code, and whatever pulls one runs it again", name)
		if n.Attr(graph.AttrName) != "" && !strings.HasPrefix(name, "-") {
			it.Command = shellCommand("crane", "ls", name)
		}
		items = append(items, it)
	}
	if len(items) == 0 {
		return nil
	}
	sortItems(items)
	return &Step{Title: "Rebuild the images that contain the compromised code",
		Why:   "These images are built from a Dockerfile that installs the compromised package or builds on the compromised image. Until they are rebuilt, a redeploy, a scale-up or a developer's pull runs the compromised code again.",
		Items: items}
}
