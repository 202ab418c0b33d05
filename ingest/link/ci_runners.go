package link

import (
	"fmt"
	"sort"
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
)

// runnerHost is the set of self-hosted runners that one label set selects.
type runnerHost struct {
	id       string
	provider string
	scope    string // repository, project or organisation the runners serve
	labels   []string
	jobs     []graph.Node
}

// linkRunnerHosts places jobs that run on self-hosted runners on a host
// Runtime per runner label set. These are GitHub Actions jobs with
// self-hosted labels (per repository, or per organisation for a runner
// group), GitLab jobs with tags other than those of GitLab.com's hosted
// runners (per project), and CircleCI jobs whose resource class names a
// runner namespace (per organisation). A runner that is not ephemeral keeps
// files, tool caches and processes from one job to the next, so the host
// CAN_MODIFY every job that runs on it. A host runs where the input shows
// an EC2 instance for it: one whose runner_labels hold the job's labels
// (certain) or whose name mentions a runner (possible); its role
// credentials are then the instance's. Otherwise the host possibly
// exposes the credentials of a cloud metadata endpoint.
func (v *view) linkRunnerHosts() {
	hosts := map[string]*runnerHost{}
	for _, rt := range v.byKind[graph.NodeRuntime] {
		h := runnerHostOf(rt)
		if h == nil {
			continue
		}
		if cur, ok := hosts[h.id]; ok {
			h = cur
		} else {
			hosts[h.id] = h
		}
		h.jobs = append(h.jobs, rt)
	}
	var instances []graph.Node
	for _, rt := range v.byKind[graph.NodeRuntime] {
		if rt.Attr("type") == "ec2-instance" {
			instances = append(instances, rt)
		}
	}
	ids := make([]string, 0, len(hosts))
	for id := range hosts {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		v.linkRunnerHost(hosts[id], instances)
	}
}

// runnerHostOf returns the host a job runs on, or nil for a job on a
// hosted runner.
func runnerHostOf(rt graph.Node) *runnerHost {
	switch rt.Attr("type") {
	case "gha-job":
		repo := graph.GHARepoOf(rt)
		owner := ghaOwner(repo)
		if rt.Attr("self_hosted") != "true" {
			return nil
		}
		labels := graph.SplitList(rt.Attr("runs_on"))
		scope := repo
		for _, l := range labels {
			if strings.HasPrefix(l, "group:") {
				scope = owner
			}
		}
		return newRunnerHost("github", scope, labels)
	case "gitlab-job":
		tags := graph.SplitList(rt.Attr("tags"))
		if len(tags) == 0 || rt.Attr("runs") == "never" {
			return nil
		}
		for _, t := range tags {
			if !strings.HasPrefix(t, "saas-") {
				return newRunnerHost("gitlab", rt.Attr(graph.AttrRepository), tags)
			}
		}
	case "circleci-job":
		if rc := rt.Attr("resource_class"); strings.Contains(rc, "/") {
			owner, _, _ := strings.Cut(rt.Attr(graph.AttrRepository), "/")
			return newRunnerHost("circleci", owner, []string{rc})
		}
	}
	return nil
}

func newRunnerHost(provider, scope string, labels []string) *runnerHost {
	labels = append([]string(nil), labels...)
	if provider == "github" {
		// GitHub matches runner labels without regard to case.
		for i, l := range labels {
			labels[i] = strings.ToLower(l)
		}
	}
	sort.Strings(labels)
	return &runnerHost{
		id:       graph.CIRunnerID(provider, scope, labels),
		provider: provider,
		scope:    scope,
		labels:   labels,
	}
}

func (v *view) linkRunnerHost(h *runnerHost, instances []graph.Node) {
	labels := strings.Join(h.labels, ",")
	n := graph.Node{ID: h.id, Kind: graph.NodeRuntime, Label: "self-hosted runner " + labels + " of " + h.scope, Pos: h.jobs[0].Pos}
	n.SetAttr(graph.AttrProvider, h.provider)
	n.SetAttr("type", "ci-runner-host")
	n.SetAttr("labels", labels)
	n.SetAttr("scope", h.scope)
	v.addNode(n)

	// EC2 instances that may be the runners.
	type match struct {
		node   graph.Node
		conf   graph.Confidence
		reason string
	}
	var hostedOn []match
	for _, in := range instances {
		have := graph.SplitList(in.Attr("runner_labels"))
		if h.provider == "github" {
			have = graph.SplitList(strings.ToLower(in.Attr("runner_labels")))
		}
		switch {
		case len(have) > 0 && containsAll(have, h.labels):
			hostedOn = append(hostedOn, match{in, graph.Certain, "its runner_labels hold every label the jobs ask for"})
		case len(have) == 0 && strings.Contains(strings.ToLower(in.Attr(graph.AttrName)), "runner"):
			hostedOn = append(hostedOn, match{in, graph.Possible, "its name says it is a runner; the input does not say which labels it serves"})
		}
	}

	for _, job := range h.jobs {
		on := graph.Edge{From: job.ID, To: h.id, Kind: graph.EdgeRunsOn, Confidence: graph.Certain, Pos: job.Pos}
		on.SetAttr(graph.AttrReason, fmt.Sprintf("the job asks for a self-hosted runner with labels %s", labels))
		v.addEdge(on)
		mod := graph.Edge{From: h.id, To: job.ID, Kind: graph.EdgeCanModify, Confidence: graph.Possible, Pos: job.Pos}
		mod.SetAttr(graph.AttrVia, "runner")
		mod.SetAttr(graph.AttrReason, fmt.Sprintf("a runner that is not ephemeral keeps files, tool caches and processes between jobs: what one job with labels %s leaves on it runs in the next", labels))
		v.addEdge(mod)
		for _, m := range hostedOn {
			e := graph.Edge{From: job.ID, To: m.node.ID, Kind: graph.EdgeRunsOn, Confidence: m.conf, Pos: job.Pos}
			e.SetAttr(graph.AttrReason, fmt.Sprintf("the job's runner may be instance %s: %s", m.node.Label, m.reason))
			v.addEdge(e)
			im := graph.Edge{From: m.node.ID, To: job.ID, Kind: graph.EdgeCanModify, Confidence: graph.Possible, Pos: m.node.Pos}
			im.SetAttr(graph.AttrVia, "runner")
			im.SetAttr(graph.AttrReason, "code left on the runner instance runs in later jobs it takes")
			v.addEdge(im)
		}
	}
	// A workflow pushed to a repository whose jobs run on the host
	// (linkPushedWorkflows) can ask for the same labels.
	seen := map[string]bool{}
	for _, job := range h.jobs {
		repo := graph.GHARepoOf(job)
		pushed := graph.GHAPushedWorkflowID(repo)
		if h.provider != "github" || seen[repo] || !v.exists(pushed) {
			continue
		}
		seen[repo] = true
		conf := graph.Certain
		reason := fmt.Sprintf("a workflow pushed to %s can ask for a self-hosted runner with labels %s, as its job %s does", repo, labels, job.Label)
		if h.scope != repo {
			conf = graph.Possible
			reason += "; undecided: the runner group may let only some workflows use it, which the input does not show"
		}
		on := graph.Edge{From: pushed, To: h.id, Kind: graph.EdgeRunsOn, Confidence: conf, Pos: job.Pos}
		on.SetAttr(graph.AttrReason, reason)
		v.addEdge(on)
		for _, m := range hostedOn {
			e := graph.Edge{From: pushed, To: m.node.ID, Kind: graph.EdgeRunsOn, Confidence: conf.Weaker(m.conf), Pos: job.Pos}
			e.SetAttr(graph.AttrReason, fmt.Sprintf("the workflow's runner may be instance %s: %s", m.node.Label, m.reason))
			v.addEdge(e)
		}
	}
	if len(hostedOn) > 0 {
		return
	}
	cred := graph.CIRunnerMetadataID(h.id)
	c := graph.Node{ID: cred, Kind: graph.NodeSecret, Label: "metadata credentials of " + n.Label, Pos: n.Pos}
	c.SetAttr(graph.AttrProvider, h.provider)
	c.SetAttr("type", "instance-metadata-credentials")
	c.SetAttr(graph.AttrLongLived, "false")
	c.SetAttr("scope", "true")
	v.addNode(c)
	e := graph.Edge{From: h.id, To: cred, Kind: graph.EdgeExposes, Confidence: graph.Possible, Pos: n.Pos}
	e.SetAttr(graph.AttrVia, "metadata")
	e.SetAttr(graph.AttrReason, "if the runner is a cloud instance, code on it reads the instance's role credentials from the metadata endpoint; the input shows no instance for these labels")
	v.addEdge(e)
}

func containsAll(have, want []string) bool {
	for _, w := range want {
		if !contains(have, w) {
			return false
		}
	}
	return true
}
