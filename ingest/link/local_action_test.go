package link

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
)

// TestLocalActionInstalls checks jobs that install their repository's
// lockfiles through a composite action of the repository
// (testdata/exec/example-org/composite). The action's npm ci runs in the
// workspace, or in the folder its working-directory names, and the job
// executes the locked packages as if the step were its own, also through
// a local action that another one uses. Without a checkout the action runs
// only if a step the input does not show put it there.
func TestLocalActionInstalls(t *testing.T) {
	s := execStore(t)
	const repo = "example-org/composite"
	job := func(name string) string { return graph.GHAJobID(repo, ".github/workflows/ci.yml", name) }
	const hook, plain, appDep = "pkg:npm/hook-c@1.0.0", "pkg:npm/plain-c@1.0.0", "pkg:npm/app-dep@1.0.0"
	es, err := s.EdgesByKind(context.Background(), graph.EdgeExecutes)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range es {
		if e.To == hook || e.To == plain || e.To == appDep {
			got = append(got, fmt.Sprintf("%s -> %s %s %s", e.From, e.To, e.Attr(attrPhase), e.Confidence))
		}
	}
	sort.Strings(got)
	want := []string{
		// setup: the action's npm ci runs in the workspace, the root of
		// the checkout: hook-c's install script runs, plain-c runs if the
		// project's lifecycle scripts load it, and app/package-lock.json
		// lies outside the folder of the install.
		job("setup") + " -> " + hook + " install certain",
		job("setup") + " -> " + plain + " run possible",
		job("setup") + " -> " + appDep + " install possible",
		// app: the action's step installs in app, below the root.
		job("app") + " -> " + hook + " install certain",
		job("app") + " -> " + plain + " run possible",
		job("app") + " -> " + appDep + " install certain",
		// nested: the checkout is in src, and the action installs in
		// src/app, the folder app of the repository.
		job("nested") + " -> " + hook + " install certain",
		job("nested") + " -> " + plain + " run possible",
		job("nested") + " -> " + appDep + " install certain",
		// both: the job's own npm ci turns scripts off, the action's
		// does not.
		job("both") + " -> " + hook + " install certain",
		job("both") + " -> " + plain + " run possible",
		job("both") + " -> " + appDep + " install possible",
		// quiet: npm test without any install: nothing.
		// chain: the action outer runs setup, whose npm ci is as setup's,
		// but possible: outer's ./ path names a folder of the workspace of
		// the job, which the input shows only as the job's checkout.
		job("chain") + " -> " + hook + " install possible",
		job("chain") + " -> " + plain + " run possible",
		job("chain") + " -> " + appDep + " install possible",
		// bare: without a checkout the job runs setup only if a step the
		// input does not show put it there, so every edge is possible.
		job("bare") + " -> " + hook + " install possible",
		job("bare") + " -> " + plain + " run possible",
		job("bare") + " -> " + appDep + " install possible",
	}
	sort.Strings(want)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("EXECUTES (-want +got):\n%s", diff)
	}

	reasons := map[string]string{}
	for _, e := range es {
		reasons[e.From+" "+e.To] = e.Attr(graph.AttrReason)
	}
	const setup = "the local action .github/actions/setup"
	for _, tt := range []struct{ job, pkg, want string }{
		{job("setup"), hook, "the job installs npm dependencies through " + setup +
			" and package-lock.json pins pkg:npm/hook-c@1.0.0; install script runs when the job installs dependencies"},
		{job("setup"), plain, "the job installs npm dependencies through " + setup +
			" and package-lock.json pins pkg:npm/plain-c@1.0.0; the job may run it: npm ci runs the project's own lifecycle scripts in " + setup},
		{job("setup"), appDep, "the job installs npm dependencies through " + setup +
			" and app/package-lock.json pins pkg:npm/app-dep@1.0.0; install script runs when the job installs dependencies; " +
			"possible: the job installs in ., outside the folder of app/package-lock.json"},
		{job("chain"), hook, "the job installs npm dependencies through " + setup +
			" and package-lock.json pins pkg:npm/hook-c@1.0.0; install script runs when the job installs dependencies; " +
			"possible: the input does not show that the version of the local action .github/actions/outer the job runs uses the local action .github/actions/setup"},
		{job("bare"), hook, "the job installs npm dependencies through " + setup +
			" and package-lock.json pins pkg:npm/hook-c@1.0.0; install script runs when the job installs dependencies; " +
			"possible: no step of the job checks out a repository before " + setup + " runs"},
		{job("both"), hook, "the job installs npm dependencies itself and through " + setup +
			" and package-lock.json pins pkg:npm/hook-c@1.0.0; install script runs when the job installs dependencies"},
	} {
		if got := reasons[tt.job+" "+tt.pkg]; got != tt.want {
			t.Errorf("reason of %s -> %s:\n got %q\nwant %q", tt.job, tt.pkg, got, tt.want)
		}
	}
	for k, r := range reasons {
		if strings.HasPrefix(k, job("")) && strings.Contains(r, "  ") {
			t.Errorf("reason of %s has a double space: %q", k, r)
		}
	}
}
