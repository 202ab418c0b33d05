package kubernetes

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
)

// pullManifest runs images with every pull policy, set and defaulted, in
// each kind of workload and in init containers.
const pullManifest = `apiVersion: v1
kind: Pod
metadata:
  name: explicit
  namespace: apps
spec:
  containers:
    - name: always
      image: registry.example.org/team/a:1.2
      imagePullPolicy: Always
    - name: cached
      image: registry.example.org/team/b:latest
      imagePullPolicy: IfNotPresent
    - name: never
      image: registry.example.org/team/c
      imagePullPolicy: Never
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: latest
  namespace: apps
spec:
  template:
    spec:
      containers:
        - name: web
          image: registry.example.org/team/web:latest
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: untagged
  namespace: apps
spec:
  template:
    spec:
      containers:
        - name: db
          image: registry.example.org/team/db
---
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: tagged
  namespace: apps
spec:
  template:
    spec:
      containers:
        - name: agent
          image: registry.example.org/team/agent:1.2
---
apiVersion: batch/v1
kind: Job
metadata:
  name: digest
  namespace: apps
spec:
  template:
    spec:
      containers:
        - name: task
          image: registry.example.org/team/task@sha256:1111111111111111111111111111111111111111111111111111111111111111
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly
  namespace: apps
spec:
  jobTemplate:
    spec:
      template:
        spec:
          initContainers:
            - name: setup
              image: registry.example.org/team/setup:0.3
            - name: fetch
              image: registry.example.org/team/fetch:0.3
              imagePullPolicy: Always
          containers:
            - name: run
              image: registry.example.org/team/run:latest
              imagePullPolicy: Never
`

// pullPolicies lists the EXECUTES edges of a result as "workload -> image
// pull_policy".
func pullPolicies(edges []graph.Edge) []string {
	var out []string
	for _, e := range edges {
		if e.Kind != graph.EdgeExecutes {
			continue
		}
		from := strings.TrimPrefix(e.From, "k8s:workload:apps/")
		to := strings.TrimSuffix(strings.TrimPrefix(e.To, "pkg:docker/team/"), "?repository_url=registry.example.org")
		out = append(out, from+" -> "+to+" "+e.Attr("pull_policy"))
	}
	return out
}

// TestImagePullPolicy checks the pull policy on each image edge: the
// container's own, or else Always for the tag latest or no tag and
// IfNotPresent for another tag or a digest.
func TestImagePullPolicy(t *testing.T) {
	res := parseBytes(t, "pull.yaml", []byte(pullManifest))
	if len(res.Diags) != 0 {
		t.Errorf("diagnostics: %v", res.Diags)
	}
	want := []string{
		"Pod/explicit -> a@1.2 Always",
		"Pod/explicit -> b@latest IfNotPresent",
		"Pod/explicit -> c@latest Never",
		"Deployment/latest -> web@latest Always",
		"StatefulSet/untagged -> db@latest Always",
		"DaemonSet/tagged -> agent@1.2 IfNotPresent",
		"Job/digest -> task@sha256:1111111111111111111111111111111111111111111111111111111111111111 IfNotPresent",
		"CronJob/nightly -> setup@0.3 IfNotPresent",
		"CronJob/nightly -> fetch@0.3 Always",
		"CronJob/nightly -> run@latest Never",
	}
	if diff := cmp.Diff(want, pullPolicies(res.Edges)); diff != "" {
		t.Errorf("pull policies (-want +got):\n%s", diff)
	}
}

// TestImagePullPolicyShared checks a pod whose containers run one image
// with different policies: the pod pulls it as often as the most eager
// of them does.
func TestImagePullPolicyShared(t *testing.T) {
	const manifest = `apiVersion: v1
kind: Pod
metadata:
  name: shared
  namespace: apps
spec:
  initContainers:
    - name: warm
      image: registry.example.org/team/app:2.0
      imagePullPolicy: Never
  containers:
    - name: main
      image: registry.example.org/team/app:2.0
    - name: side
      image: registry.example.org/team/app:2.0
      imagePullPolicy: Always
    - name: other
      image: registry.example.org/team/tool:2.0
      imagePullPolicy: Never
    - name: other-again
      image: registry.example.org/team/tool:2.0
`
	res := parseBytes(t, "shared.yaml", []byte(manifest))
	want := []string{
		"Pod/shared -> app@2.0 Always",
		// Never and the default of tag 2.0, IfNotPresent.
		"Pod/shared -> tool@2.0 IfNotPresent",
	}
	if diff := cmp.Diff(want, pullPolicies(res.Edges)); diff != "" {
		t.Errorf("pull policies (-want +got):\n%s", diff)
	}
}

// TestImagePullPolicyUnknown checks a value the API server rejects. The
// edge gets no policy, and a warning reports the value.
func TestImagePullPolicyUnknown(t *testing.T) {
	const manifest = `apiVersion: v1
kind: Pod
metadata:
  name: odd
  namespace: apps
spec:
  containers:
    - name: main
      image: registry.example.org/team/app:2.0
      imagePullPolicy: always
`
	res := parseBytes(t, "odd.yaml", []byte(manifest))
	if diff := cmp.Diff([]string{"Pod/odd -> app@2.0 "}, pullPolicies(res.Edges)); diff != "" {
		t.Errorf("pull policies (-want +got):\n%s", diff)
	}
	if len(res.Diags) != 1 || !strings.Contains(res.Diags[0].Msg, "imagePullPolicy") || res.Diags[0].Pos.Line != 10 {
		t.Errorf("diagnostics %v, want one about imagePullPolicy at line 10", res.Diags)
	}
}
