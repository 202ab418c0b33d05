package query

import (
	"strings"
	"testing"

	"github.com/blastradius-dev/blastradius/graph"
)

// Images and workloads of the pull policy tests. The account can push
// image app, which workloads run by tag 1.2 and by digest.
const (
	pushAccount = "github:registry-account-test"
	pushApp     = "pkg:docker/app?repository_url=us-docker.pkg.dev"
	pushAppTag  = "pkg:docker/app@1.2?repository_url=us-docker.pkg.dev"
	pushAppDig  = "pkg:docker/app@sha256:4b9c1a4a1e5d7e9b3d3d6f8c6a3e0c2b7d9e1f0a2b3c4d5e6f708192a3b4c5d6?repository_url=us-docker.pkg.dev"
	podAlways   = "k8s:workload:shop/Deployment/always"
	podCached   = "k8s:workload:shop/Deployment/cached"
	podNever    = "k8s:workload:shop/Deployment/never"
	podDigest   = "k8s:workload:shop/Deployment/digest"
	podDigNever = "k8s:workload:shop/Deployment/digest-never"
	jobUnknown  = "runtime:gha:o/b/ci.yml#tag"
)

// notCachedReason is the part of the reason of a step to a workload that
// runs a pushed tag with IfNotPresent.
const notCachedReason = "runs the pushed tag only on a node that has not cached it"

// pushGraph builds the graph in which the token reaches pushAccount,
// with one workload for each pull policy.
func pushGraph() *g {
	const token = "secret:gha:o/a/TOKEN"
	return newG().
		edge(jobA, graph.EdgeExecutes, bad).
		edge(jobA, graph.EdgeExposes, token).
		edge(token, graph.EdgeAuthenticatesAs, pushAccount).
		edge(pushAccount, graph.EdgeCanPublish, pushApp).
		edge(pushAppTag, graph.EdgeVersionOf, pushApp).
		edge(pushAppDig, graph.EdgeVersionOf, pushApp).
		edge(podAlways, graph.EdgeExecutes, pushAppTag, "pull_policy=Always").
		edge(podCached, graph.EdgeExecutes, pushAppTag, "pull_policy=IfNotPresent").
		edge(podNever, graph.EdgeExecutes, pushAppTag, "pull_policy=Never").
		edge(podDigest, graph.EdgeExecutes, pushAppDig, "pull_policy=IfNotPresent").
		edge(podDigNever, graph.EdgeExecutes, pushAppDig, "pull_policy=Never").
		// A CI job has no pull policy.
		edge(jobUnknown, graph.EdgeExecutes, pushAppTag)
}

// TestPushedTagFollowsPullPolicy pushes to the tag the workloads run. A
// workload with Always pulls the pushed image at its next start, and one
// with IfNotPresent only on a node without the tag, so possibly. One
// with Never never pulls it. A digest stays possible, as a push does not
// change it, unless the workload never pulls.
func TestPushedTagFollowsPullPolicy(t *testing.T) {
	s := pushGraph().store(t)
	for _, st := range []graph.Store{s, generic{s}} {
		res := blast(t, st, bad, Options{})
		want := map[string]graph.Confidence{
			pushAppTag: graph.Certain, podAlways: graph.Certain, podCached: graph.Possible, jobUnknown: graph.Certain,
			pushAppDig: graph.Possible, podDigest: graph.Possible,
		}
		for id, conf := range want {
			x := res.Get(id)
			if x == nil {
				t.Errorf("%T: %s not reached", st, id)
				continue
			}
			if x.Confidence != conf {
				t.Errorf("%T: %s reached %s, want %s", st, id, x.Confidence, conf)
			}
		}
		for _, id := range []string{podNever, podDigNever} {
			if x := res.Get(id); x != nil {
				t.Errorf("%T: %s reached (%s), want not reached: it never pulls", st, id, x.Confidence)
			}
		}
		for _, e := range res.walked() {
			if e.From == podNever || e.From == podDigNever {
				t.Errorf("%T: walked edge %s, which the walk did not take", st, e.Key())
			}
		}

		if x := res.Get(podCached); x != nil {
			last := x.Path[len(x.Path)-1]
			if last.Confidence != graph.Possible || !strings.Contains(last.Reason, notCachedReason) {
				t.Errorf("%T: last hop to %s is %s, %q; want possible, saying it %s", st, podCached, last.Confidence, last.Reason, notCachedReason)
			}
		}
		for _, id := range []string{podAlways, jobUnknown, podDigest} {
			if x := res.Get(id); x != nil && strings.Contains(x.Path[len(x.Path)-1].Reason, notCachedReason) {
				t.Errorf("%T: last hop to %s gives the IfNotPresent reason: %q", st, id, x.Path[len(x.Path)-1].Reason)
			}
		}
	}
}

// TestCompromisedTagIgnoresPullPolicy starts from the image version
// itself: every workload that runs it runs the compromised image, however
// it pulls, since no push is involved.
func TestCompromisedTagIgnoresPullPolicy(t *testing.T) {
	s := pushGraph().store(t)
	for _, st := range []graph.Store{s, generic{s}} {
		res := blast(t, st, pushAppTag, Options{})
		for _, id := range []string{podAlways, podCached, podNever, jobUnknown} {
			x := res.Get(id)
			if x == nil {
				t.Errorf("%T: %s not reached", st, id)
				continue
			}
			if x.Confidence != graph.Certain {
				t.Errorf("%T: %s reached %s, want certain", st, id, x.Confidence)
			}
		}
	}
}

// TestNeverPullReachedOtherwise reaches the image version twice: first
// through a possible push to app, then for certain because it is built
// on base, which the account can also push. The second way involves no
// push to app's tag, so the pull policy does not decide the step to the
// workload with Never, and the walked edges contain that step.
func TestNeverPullReachedOtherwise(t *testing.T) {
	const (
		base    = "pkg:docker/base?repository_url=us-docker.pkg.dev"
		baseTag = "pkg:docker/base@3?repository_url=us-docker.pkg.dev"
	)
	s := newG().
		edge(pushAccount, graph.EdgeCanPublish, pushApp, "possible").
		edge(pushAccount, graph.EdgeCanPublish, base).
		edge(pushAppTag, graph.EdgeVersionOf, pushApp).
		edge(baseTag, graph.EdgeVersionOf, base).
		edge(pushAppTag, graph.EdgeDependsOn, baseTag).
		edge(podNever, graph.EdgeExecutes, pushAppTag, "pull_policy=Never").
		store(t)
	for _, st := range []graph.Store{s, generic{s}} {
		res := blast(t, st, pushAccount, Options{})
		x := res.Get(podNever)
		if x == nil {
			t.Errorf("%T: %s not reached", st, podNever)
			continue
		}
		if x.Confidence != graph.Certain {
			t.Errorf("%T: %s reached %s, want certain", st, podNever, x.Confidence)
		}
		walked := 0
		for _, e := range res.walked() {
			if e.From == podNever {
				walked++
			}
		}
		if walked != 1 {
			t.Errorf("%T: the walked edges contain %d steps to %s, want 1", st, walked, podNever)
		}
	}
}

// TestPushedTagReachesDeployedServiceOnRedeploy: a Cloud Run service and a
// Lambda function resolve the tag to a digest when they are deployed, so
// a push to the tag reaches them only at their next deploy: possibly,
// with that reason. One deployed by digest stays possible without it, as
// no push moves a digest.
func TestPushedTagReachesDeployedServiceOnRedeploy(t *testing.T) {
	const (
		run    = "runtime:gcp:run:projects/p/locations/us/services/api"
		fn     = "runtime:aws:lambda:arn:aws:lambda:us-east-1:1:function:report"
		runDig = "runtime:gcp:run:projects/p/locations/us/services/pinned"
	)
	s := pushGraph().
		edge(run, graph.EdgeExecutes, pushAppTag, "pull_policy=OnDeploy").
		edge(fn, graph.EdgeExecutes, pushAppTag, "pull_policy=OnDeploy").
		edge(runDig, graph.EdgeExecutes, pushAppDig, "pull_policy=OnDeploy").
		store(t)
	for _, st := range []graph.Store{s, generic{s}} {
		res := blast(t, st, bad, Options{})
		for _, id := range []string{run, fn, runDig} {
			x := res.Get(id)
			if x == nil {
				t.Errorf("%T: %s not reached", st, id)
				continue
			}
			if x.Confidence != graph.Possible {
				t.Errorf("%T: %s reached %s, want possible", st, id, x.Confidence)
			}
			last := x.Path[len(x.Path)-1]
			redeploy := strings.Contains(last.Reason, "only once it is deployed again")
			if want := id != runDig; redeploy != want {
				t.Errorf("%T: %s last step reason %q: mentions the redeploy %v, want %v", st, id, last.Reason, redeploy, want)
			}
		}
	}
}

// TestPushedNameFollowsPullPolicy has runtimes run image app at a tag
// that their CI deploy sets when it runs (pinned=computed, an edge to the
// name). A push to the name moves some tag, so each runtime follows its
// pull policy as for a fixed tag: the Cloud Run service runs the pushed
// image only once it is deployed again, so possibly.
func TestPushedNameFollowsPullPolicy(t *testing.T) {
	const (
		run         = "runtime:gcp:run:p/us-central1/app"
		podComputed = "k8s:workload:shop/Deployment/computed"
		podCachedC  = "k8s:workload:shop/Deployment/computed-cached"
		podNeverC   = "k8s:workload:shop/Deployment/computed-never"
	)
	s := pushGraph().
		edge(run, graph.EdgeExecutes, pushApp, "pinned=computed", "pull_policy=OnDeploy").
		edge(podComputed, graph.EdgeExecutes, pushApp, "pinned=computed", "pull_policy=Always").
		edge(podCachedC, graph.EdgeExecutes, pushApp, "pinned=computed", "pull_policy=IfNotPresent").
		edge(podNeverC, graph.EdgeExecutes, pushApp, "pinned=computed", "pull_policy=Never").
		store(t)
	for _, st := range []graph.Store{s, generic{s}} {
		res := blast(t, st, bad, Options{})
		want := map[string]graph.Confidence{run: graph.Possible, podComputed: graph.Certain, podCachedC: graph.Possible}
		for id, conf := range want {
			x := res.Get(id)
			if x == nil {
				t.Errorf("%T: %s not reached", st, id)
				continue
			}
			if x.Confidence != conf {
				t.Errorf("%T: %s reached %s, want %s", st, id, x.Confidence, conf)
			}
		}
		if x := res.Get(podNeverC); x != nil {
			t.Errorf("%T: %s reached (%s), want not reached: it never pulls", st, podNeverC, x.Confidence)
		}
		if x := res.Get(run); x != nil && !strings.Contains(x.Path[len(x.Path)-1].Reason, "only once it is deployed again") {
			t.Errorf("%T: step to %s has reason %q, want the redeploy it waits for", st, run, x.Path[len(x.Path)-1].Reason)
		}
	}
}
