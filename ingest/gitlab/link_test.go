package gitlab

import (
	"context"
	"sort"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/graph/memstore"
	"github.com/blastradius-dev/blastradius/ingest"
	"github.com/blastradius-dev/blastradius/ingest/link"
	"github.com/blastradius-dev/blastradius/query"
)

// linked writes a result, and nodes other inputs would declare, to a store
// with the linker, and returns the store and everything it holds.
func linked(t *testing.T, res *ingest.Result, declared ...graph.Node) (graph.Store, *ingest.Result) {
	t.Helper()
	ctx := context.Background()
	s := memstore.New()
	b := &graph.Batch{Time: time.Date(2026, 11, 3, 0, 0, 0, 0, time.UTC),
		Nodes: append(append([]graph.Node(nil), res.Nodes...), declared...), Edges: res.Edges}
	if err := s.Write(ctx, b, (&link.Linker{}).Derive); err != nil {
		t.Fatal(err)
	}
	out := &ingest.Result{}
	for _, k := range graph.NodeKinds {
		ns, err := s.NodesByKind(ctx, k)
		if err != nil {
			t.Fatal(err)
		}
		out.Nodes = append(out.Nodes, ns...)
	}
	for _, k := range graph.EdgeKinds {
		es, err := s.EdgesByKind(ctx, k)
		if err != nil {
			t.Fatal(err)
		}
		out.Edges = append(out.Edges, es...)
	}
	return s, out
}

// reached returns the ids of the blast radius of a node, sorted.
func reached(t *testing.T, s graph.Store, start string) map[string]graph.Confidence {
	t.Helper()
	ctx := context.Background()
	ns, err := s.Nodes(ctx, []string{start})
	if err != nil || len(ns) != 1 {
		t.Fatalf("start %s: %v", start, err)
	}
	res, err := query.BlastRadius(ctx, s, ns, start, query.Options{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]graph.Confidence{}
	for _, r := range res.Reached {
		out[r.Node.ID] = r.Confidence
	}
	return out
}

// declaredVariable is a CI/CD variable as Terraform's gitlab_project_variable or
// gitlab_group_variable declares it.
func declaredVariable(owner, name, protected, scope string, more ...string) graph.Node {
	n := graph.Node{ID: graph.GitLabVariableID(owner, name), Kind: graph.NodeSecret, Label: name,
		Pos: graph.Pos{File: "gitlab.tf", Line: 1}}
	if scope != "*" {
		n.ID = graph.GitLabVariableID(owner, "env/"+scope+"/"+name)
	}
	for k, v := range map[string]string{"provider": "gitlab", "type": "ci-variable", "name": name,
		"protected": protected, "environment_scope": scope, "long_lived": "true"} {
		n.SetAttr(k, v)
	}
	for i := 0; i+1 < len(more); i += 2 {
		n.SetAttr(more[i], more[i+1])
	}
	if n.Attr("group") == "" {
		n.SetAttr("repository", owner)
	}
	return n
}

// exposed lists "job -> variable (confidence)" for the EXPOSES edges to
// the given variables.
func exposed(res *ingest.Result, to ...string) []string {
	want := map[string]bool{}
	for _, id := range to {
		want[id] = true
	}
	var out []string
	for _, e := range res.Edges {
		if e.Kind == graph.EdgeExposes && want[e.To] {
			out = append(out, e.From+" -> "+e.To+" ("+string(e.Confidence)+")")
		}
	}
	sort.Strings(out)
	return out
}

func TestProtectedVariables(t *testing.T) {
	res := mustParse(t, "protected", ".gitlab-ci.yml")
	all := graph.GitLabAllVariablesID(testProject)
	token := graph.GitLabVariableID(testProject, "DEPLOY_TOKEN")
	job := func(name string) string { return jobID(".gitlab-ci.yml", name) }

	tests := []struct {
		job       string
		sources   string
		protected string
	}{
		{"review", "merge_request_event", "false"},
		{"production", nonMRSources, "possible"},
		{"protected-only", nonMRSources, "true"},
		{"legacy-mr", "merge_request_event", "false"},
		{"nightly", "schedule", "possible"},
	}
	for _, tt := range tests {
		e := findEdge(t, res, job(tt.job), graph.EdgeExposes, all)
		got := [4]string{e.Attr("pipeline_sources"), e.Attr("protected_ref"), e.Attr("reads"), string(e.Confidence)}
		want := [4]string{tt.sources, tt.protected, "DEPLOY_TOKEN", "certain"}
		if got != want {
			t.Errorf("%s: edge (sources, protected_ref, reads, confidence) = %q, want %q", tt.job, got, want)
		}
	}
	disabled := job("disabled")
	if got := findNode(t, res, disabled).Attr("runs"); got != "never" {
		t.Errorf("disabled: runs = %q, want never", got)
	}
	if got := targets(res, disabled, graph.EdgeExposes); len(got) != 0 {
		t.Errorf("disabled job exposes %v, want nothing", got)
	}

	// Nothing declares the variable: every job that reads it and runs
	// may receive it.
	_, out := linked(t, res)
	want := []string{
		job("legacy-mr") + " -> " + token + " (possible)",
		job("nightly") + " -> " + token + " (possible)",
		job("production") + " -> " + token + " (possible)",
		job("protected-only") + " -> " + token + " (possible)",
		job("review") + " -> " + token + " (possible)",
	}
	if diff := cmp.Diff(exposed(out, token), want); diff != "" {
		t.Errorf("undeclared DEPLOY_TOKEN (-got +want):\n%s", diff)
	}

	// Declared protected: merge request pipelines never receive it; a job
	// that runs only on protected refs does; the others may.
	s, out := linked(t, res, declaredVariable(testProject, "DEPLOY_TOKEN", "true", "*", "masked", "true"))
	want = []string{
		job("nightly") + " -> " + token + " (possible)",
		job("production") + " -> " + token + " (possible)",
		job("protected-only") + " -> " + token + " (certain)",
	}
	if diff := cmp.Diff(exposed(out, token), want); diff != "" {
		t.Errorf("protected DEPLOY_TOKEN (-got +want):\n%s", diff)
	}
	e := findEdge(t, out, job("protected-only"), graph.EdgeExposes, token)
	if e.Attr("masked") != "true" || e.Attr("protected") != "true" || e.Attr("file") != "" {
		t.Errorf("protected-only edge attrs = %v, want masked, protected, no file", e.Attrs)
	}
	if _, ok := reached(t, s, job("review"))[token]; ok {
		t.Errorf("the merge request job's blast radius reaches the protected variable")
	}
	if got := reached(t, s, job("protected-only"))[token]; got != graph.Certain {
		t.Errorf("protected-only reaches the variable as %q, want certain", got)
	}

	// Declared unprotected: every job that runs receives it, read or not.
	_, out = linked(t, res, declaredVariable(testProject, "DEPLOY_TOKEN", "false", "*", "variable_type", "file"))
	want = []string{
		job("legacy-mr") + " -> " + token + " (certain)",
		// Whether nightly runs depends on a variable the file does not set.
		job("nightly") + " -> " + token + " (possible)",
		job("production") + " -> " + token + " (certain)",
		job("protected-only") + " -> " + token + " (certain)",
		job("review") + " -> " + token + " (certain)",
	}
	if diff := cmp.Diff(exposed(out, token), want); diff != "" {
		t.Errorf("unprotected DEPLOY_TOKEN (-got +want):\n%s", diff)
	}
	if e := findEdge(t, out, job("review"), graph.EdgeExposes, token); e.Attr("file") != "true" {
		t.Errorf("file variable edge attrs = %v, want file=true", e.Attrs)
	}
}

func TestScopedAndGroupVariables(t *testing.T) {
	res := mustParse(t, "scoped", ".gitlab-ci.yml")
	prod := declaredVariable(testProject, "PROD_KEY", "false", "production/*")
	stage := declaredVariable(testProject, "STAGE_KEY", "false", "staging")
	group := declaredVariable("example-org", "GROUP_TOKEN", "false", "*", "group", "example-org")
	other := declaredVariable("other-org", "OTHER_TOKEN", "false", "*", "group", "other-org")
	_, out := linked(t, res, prod, stage, group, other)
	job := func(name string) string { return jobID(".gitlab-ci.yml", name) }
	want := []string{
		// The review environment is named at run time: it may match.
		job("deploy-prod") + " -> " + prod.ID + " (certain)",
		job("deploy-prod") + " -> " + group.ID + " (certain)",
		job("deploy-staging") + " -> " + stage.ID + " (certain)",
		job("deploy-staging") + " -> " + group.ID + " (certain)",
		job("review") + " -> " + prod.ID + " (possible)",
		job("review") + " -> " + stage.ID + " (possible)",
		job("review") + " -> " + group.ID + " (certain)",
		job("test") + " -> " + group.ID + " (certain)",
	}
	sort.Strings(want)
	if diff := cmp.Diff(exposed(out, prod.ID, stage.ID, group.ID, other.ID), want); diff != "" {
		t.Errorf("scoped and group variables (-got +want):\n%s", diff)
	}
}
