package link

import (
	"fmt"
	"testing"

	"github.com/blastradius-dev/blastradius/graph"
)

// BenchmarkEscalation derives the catalogue over an account of n users,
// n roles, n/4 groups, n/2 functions and n/2 instances, where every user
// holds a mix of escalation permissions.
func BenchmarkEscalation(b *testing.B) {
	for _, n := range []int{50, 200} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			f := escBenchFixture(n)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				escDerive(b, f)
			}
		})
	}
}

func escBenchFixture(n int) *escFixture {
	f := &escFixture{}
	docs := []string{
		escDoc(escAllow("*", "iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction")),
		escDoc(escAllowIf("*", `{"StringEquals":{"aws:ResourceTag/team":"dev"}}`, "iam:CreateAccessKey", "lambda:UpdateFunctionCode"), escAllow("*", "iam:TagUser")),
		escDoc(escAllow("*", "ec2:*", "ssm:SendCommand")),
		escDoc(escAllow("*", "iam:AddUserToGroup", "sts:AssumeRole")),
	}
	for i := 0; i < n; i++ {
		u := f.user(fmt.Sprintf("u%d", i), docs[i%len(docs)])
		f.role(fmt.Sprintf("r%d", i), escTrustService("lambda.amazonaws.com", "ec2.amazonaws.com"), escDoc(escAllow("*", "s3:GetObject")))
		if i%4 == 0 {
			f.group(fmt.Sprintf("g%d", i), []string{u}, escDoc(escAllow("*", "dynamodb:*")))
		}
		if i%2 == 0 {
			fn := fmt.Sprintf("runtime:aws:lambda:arn:aws:lambda:us-east-1:%s:function:f%d", escAcct, i)
			f.node(fn, graph.NodeRuntime, "type", "lambda")
			f.node(graph.AWSEnvVarID(fn, "K"), graph.NodeSecret, "type", "env-var")
			f.link(fn, graph.EdgeExposes, graph.AWSEnvVarID(fn, "K"), "via", "env")
			f.node(fmt.Sprintf("runtime:aws:ec2:%s:aws_instance.i%d", escAcct, i), graph.NodeRuntime, "type", "ec2-instance", "name", fmt.Sprint(i))
		}
	}
	return f
}
