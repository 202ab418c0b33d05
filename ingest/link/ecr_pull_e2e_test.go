package link

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
	"github.com/blastradius-dev/blastradius/ingest/kubernetes"
	"github.com/blastradius-dev/blastradius/query"
)

// pullManifest runs images of one ECR repository in workloads that leave
// imagePullPolicy to its default, and in two that set Never and Always.
const pullManifest = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: latest
  namespace: shop
spec:
  template:
    spec:
      containers:
        - name: web
          image: 111122223333.dkr.ecr.us-east-1.amazonaws.com/app:latest
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: untagged
  namespace: shop
spec:
  template:
    spec:
      containers:
        - name: web
          image: 111122223333.dkr.ecr.us-east-1.amazonaws.com/app
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: tagged
  namespace: shop
spec:
  template:
    spec:
      containers:
        - name: web
          image: 111122223333.dkr.ecr.us-east-1.amazonaws.com/app:1.2
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: digest
  namespace: shop
spec:
  template:
    spec:
      containers:
        - name: web
          image: 111122223333.dkr.ecr.us-east-1.amazonaws.com/app@sha256:2222222222222222222222222222222222222222222222222222222222222222
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: never
  namespace: shop
spec:
  template:
    spec:
      containers:
        - name: web
          image: 111122223333.dkr.ecr.us-east-1.amazonaws.com/app:1.2
          imagePullPolicy: Never
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: always
  namespace: shop
spec:
  template:
    spec:
      containers:
        - name: web
          image: 111122223333.dkr.ecr.us-east-1.amazonaws.com/app:1.2
          imagePullPolicy: Always
`

// TestECRPushFollowsPullPolicy gives a user ecr:PutImage with the layer
// uploads on the repository of image app, which the manifest's workloads
// run. A tag latest, or no tag, defaults to Always: the pushed image runs
// at the next start. Another tag defaults to IfNotPresent, so only a node
// without the tag pulls the pushed image: possible. A digest is possible
// as no push changes it, and Never pulls nothing.
func TestECRPushFollowsPullPolicy(t *testing.T) {
	const repoARN = "arn:aws:ecr:us-east-1:111122223333:repository/app"
	user := awsUser("111122223333", "ci-pusher")
	pol, has := inline(user.ID, "push", `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":["ecr:PutImage","ecr:InitiateLayerUpload","ecr:UploadLayerPart","ecr:CompleteLayerUpload"],"Resource":"`+repoARN+`"}]}`)
	nodes := []graph.Node{user, pol, node(repoARN, graph.NodeResource, "provider", "aws", "type", "ecr-repository", "account", "111122223333")}
	edges := []graph.Edge{has}

	data := []byte(pullManifest)
	in := &ingest.File{Path: "deploy.yaml", RelPath: "deploy.yaml", Head: data, Size: int64(len(data)),
		Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }}
	var res ingest.Result
	if err := kubernetes.New().Parse(context.Background(), in, &ingest.Env{}, &res); err != nil {
		t.Fatal(err)
	}
	s := store(t, append(nodes, res.Nodes...), append(edges, res.Edges...))

	radius, err := query.BlastRadius(context.Background(), s, []graph.Node{user}, user.ID, query.Options{})
	if err != nil {
		t.Fatal(err)
	}
	workload := func(name string) string { return graph.K8sWorkloadID("shop", "Deployment", name) }
	for name, want := range map[string]graph.Confidence{
		"latest": graph.Certain, "untagged": graph.Certain, "always": graph.Certain,
		"tagged": graph.Possible, "digest": graph.Possible,
	} {
		x := radius.Get(workload(name))
		if x == nil {
			t.Errorf("%s not reached", name)
			continue
		}
		if x.Confidence != want {
			t.Errorf("%s reached %s, want %s", name, x.Confidence, want)
		}
	}
	if x := radius.Get(workload("never")); x != nil {
		t.Errorf("never reached (%s), want not reached", x.Confidence)
	}
	if x := radius.Get(workload("tagged")); x != nil {
		last := x.Path[len(x.Path)-1]
		if !strings.Contains(last.Reason, "runs the pushed tag only on a node that has not cached it") {
			t.Errorf("last hop to tagged gives reason %q, want the IfNotPresent one", last.Reason)
		}
	}
}
