package link

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
)

func TestAnonymousAccess(t *testing.T) {
	const (
		bucket = "arn:aws:s3:::example-org-press-kit"
		queue  = "arn:aws:sqs:us-east-1:111122223333:jobs"
	)
	policy := func(principal, action, resource, cond string) string {
		c := ""
		if cond != "" {
			c = `,"Condition":` + cond
		}
		return `{"Version":"2012-10-17","Statement":[{"Sid":"Everyone","Effect":"Allow","Principal":` + principal +
			`,"Action":"` + action + `","Resource":"` + resource + `"` + c + `}]}`
	}
	open := []string{"restrict_public_buckets", "false"}
	tests := []struct {
		name     string
		resource string
		attrs    []string
		policy   string
		// conf is the confidence of the edge from AnonymousID, "" for none.
		conf    graph.Confidence
		actions string
	}{
		{name: "star principal", resource: bucket, attrs: open,
			policy: policy(`"*"`, "s3:GetObject", bucket+"/*", ""), conf: graph.Certain, actions: "s3:GetObject"},
		{name: "aws star principal", resource: bucket, attrs: open,
			policy: policy(`{"AWS":"*"}`, "s3:GetObject", bucket+"/*", ""), conf: graph.Certain, actions: "s3:GetObject"},
		{name: "source ip condition", resource: bucket, attrs: open,
			policy: policy(`"*"`, "s3:GetObject", bucket+"/*", `{"IpAddress":{"aws:SourceIp":"192.0.2.0/24"}}`), conf: graph.Possible, actions: "s3:GetObject"},
		{name: "org condition", resource: bucket, attrs: open,
			policy: policy(`"*"`, "s3:GetObject", bucket+"/*", `{"StringEquals":{"aws:PrincipalOrgID":"o-example"}}`)},
		{name: "restricted bucket", resource: bucket, attrs: []string{"restrict_public_buckets", "true"},
			policy: policy(`"*"`, "s3:GetObject", bucket+"/*", "")},
		{name: "no access block", resource: bucket,
			policy: policy(`"*"`, "s3:GetObject", bucket+"/*", ""), conf: graph.Possible, actions: "s3:GetObject"},
		{name: "named role", resource: bucket, attrs: open,
			policy: policy(`{"AWS":"arn:aws:iam::111122223333:role/web"}`, "s3:GetObject", bucket+"/*", "")},
		{name: "list only", resource: bucket, attrs: open,
			policy: policy(`"*"`, "s3:ListBucket", bucket, "")},
		{name: "queue", resource: queue,
			policy: policy(`"*"`, "sqs:SendMessage", queue, ""), conf: graph.Certain, actions: "sqs:SendMessage"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			attrs := append([]string{"resource_policy", tc.policy}, tc.attrs...)
			s := store(t, []graph.Node{awsNode(tc.resource, graph.NodeResource, attrs...)}, nil)
			e := edgeOf(t, s, graph.EdgeCanAccess, AnonymousID, tc.resource)
			if tc.conf == "" {
				if e != nil {
					t.Fatalf("edge from anonymous callers: %v", e)
				}
				return
			}
			if e == nil {
				t.Fatal("no edge from anonymous callers")
			}
			if e.Confidence != tc.conf {
				t.Errorf("confidence %s, want %s", e.Confidence, tc.conf)
			}
			if diff := cmp.Diff(e.Attr(graph.AttrActions), tc.actions); diff != "" {
				t.Errorf("actions (-got +want):\n%s", diff)
			}
			ns, err := s.Nodes(t.Context(), []string{AnonymousID})
			if err != nil || len(ns) != 1 {
				t.Fatalf("anonymous node: %v, %v", ns, err)
			}
			if got := ns[0].Attr("type"); got != "anonymous" {
				t.Errorf("anonymous node type %q, want anonymous", got)
			}
		})
	}
}
