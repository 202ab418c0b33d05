package link

import (
	"context"
	"fmt"
	"testing"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/graph/memstore"
)

// BenchmarkLinkAWS derives the AWS edges of an account shaped like a
// mid-sized organisation: 80 deploy roles that each write one bucket and
// read one secret prefix, 60 users without policies, 80 buckets, and 200
// objects that only access logs name.
func BenchmarkLinkAWS(b *testing.B) {
	const roles, users, buckets, observed = 80, 60, 80, 200
	var nodes []graph.Node
	var edges []graph.Edge
	for i := range roles {
		role := fmt.Sprintf("arn:aws:iam::111122223333:role/svc-deploy-%02d", i)
		pol := role + "#inline/deploy"
		nodes = append(nodes,
			awsNode(role, graph.NodeIdentity, "type", "role", "name", fmt.Sprintf("svc-deploy-%02d", i)),
			awsNode(pol, graph.NodePolicy, "document", fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow",`+
				`"Action":["s3:PutObject","secretsmanager:GetSecretValue"],`+
				`"Resource":["arn:aws:s3:::example-org-svc-%02d/*","arn:aws:secretsmanager:us-east-1:111122223333:secret:svc-%02d/*"]}]}`, i, i)))
		edges = append(edges, graph.Edge{From: role, To: pol, Kind: graph.EdgeHasPolicy, Confidence: graph.Certain})
	}
	for i := range users {
		nodes = append(nodes, awsNode(fmt.Sprintf("arn:aws:iam::111122223333:user/svc-user-%02d", i), graph.NodeIdentity, "type", "user"))
	}
	for i := range buckets {
		nodes = append(nodes, awsNode(fmt.Sprintf("arn:aws:s3:::example-org-svc-%02d", i), graph.NodeResource, "type", "aws_s3_bucket"))
	}
	for i := range observed {
		nodes = append(nodes, awsNode(fmt.Sprintf("arn:aws:s3:::example-org-svc-%02d/build-%d.tar", i%buckets, i), graph.NodeResource, "observed", "true"))
	}
	s := memstore.New()
	if err := s.Write(context.Background(), &graph.Batch{Nodes: nodes, Edges: edges}, nil); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, _, err := (&Linker{}).Derive(context.Background(), s); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLinkManyUsers derives the AWS edges of a configuration that
// declares many IAM users without policies and without a known account,
// as a module that makes one user per team member does, and one
// administrator. The administrator may mint a key of every user; the
// other users may do nothing.
func BenchmarkLinkManyUsers(b *testing.B) {
	for _, users := range []int{1000, 4000} {
		b.Run(fmt.Sprintf("users=%d", users), func(b *testing.B) {
			admin := "arn:aws:iam:::user/admin"
			nodes := []graph.Node{
				awsNode(admin, graph.NodeIdentity, "type", "user", "name", "admin"),
				awsNode("arn:aws:iam::aws:policy/AdministratorAccess", graph.NodePolicy),
			}
			edges := []graph.Edge{{From: admin, To: "arn:aws:iam::aws:policy/AdministratorAccess", Kind: graph.EdgeHasPolicy, Confidence: graph.Certain}}
			for i := range users {
				nodes = append(nodes, awsNode(fmt.Sprintf("arn:aws:iam:::user/member-%04d", i), graph.NodeIdentity, "type", "user"))
			}
			s := memstore.New()
			if err := s.Write(context.Background(), &graph.Batch{Nodes: nodes, Edges: edges}, nil); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for b.Loop() {
				if _, _, err := (&Linker{}).Derive(context.Background(), s); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
