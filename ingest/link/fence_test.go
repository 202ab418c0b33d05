package link

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
)

func TestFenceLifting(t *testing.T) {
	const (
		user   = "arn:aws:iam::111122223333:user/analyst"
		group  = "arn:aws:iam::111122223333:group/fenced"
		ledger = "arn:aws:s3:::example-org-ledger"
		own    = user + "#inline/own"
		inline = group + "#inline/fence"
		manage = "arn:aws:iam::111122223333:policy/fence"
		read   = `{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}`
		deny   = `{"Version":"2012-10-17","Statement":[{"Sid":"Fence","Effect":"Deny","Action":"s3:*","Resource":"arn:aws:s3:::example-org-ledger/*"}]}`
	)
	tests := []struct {
		name string
		// lift is the statement of the user that lifts the fence, fence
		// the id of the group's denying policy.
		lift, fence string
		// method is the method of the edge to the ledger, "" for none.
		method string
		conf   graph.Confidence
	}{
		{name: "leave group", lift: `{"Effect":"Allow","Action":"iam:RemoveUserFromGroup","Resource":"` + group + `"}`,
			fence: inline, method: "RemoveUserFromGroup", conf: graph.Certain},
		{name: "delete inline policy", lift: `{"Effect":"Allow","Action":"iam:DeleteGroupPolicy","Resource":"` + group + `"}`,
			fence: inline, method: "DeleteGroupPolicy", conf: graph.Certain},
		{name: "detach managed policy", lift: `{"Effect":"Allow","Action":"iam:DetachGroupPolicy","Resource":"` + group + `"}`,
			fence: manage, method: "DetachGroupPolicy", conf: graph.Certain},
		{name: "detach inline policy", lift: `{"Effect":"Allow","Action":"iam:DetachGroupPolicy","Resource":"` + group + `"}`,
			fence: inline},
		{name: "leave other group", lift: `{"Effect":"Allow","Action":"iam:RemoveUserFromGroup","Resource":"arn:aws:iam::111122223333:group/other"}`,
			fence: inline},
		{name: "leave with mfa", lift: `{"Effect":"Allow","Action":"iam:RemoveUserFromGroup","Resource":"` + group +
			`","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}`,
			fence: inline, method: "RemoveUserFromGroup", conf: graph.Possible},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			nodes := []graph.Node{
				awsNode(user, graph.NodeIdentity, "type", "user", "name", "analyst"),
				awsNode(group, graph.NodeIdentity, "type", "group"),
				awsNode(ledger, graph.NodeResource),
				awsNode(own, graph.NodePolicy, "document", `{"Version":"2012-10-17","Statement":[`+read+`,`+tc.lift+`]}`),
				awsNode(tc.fence, graph.NodePolicy, "document", deny),
			}
			edges := []graph.Edge{
				{From: user, To: own, Kind: graph.EdgeHasPolicy, Confidence: graph.Certain},
				{From: user, To: group, Kind: graph.EdgeMemberOf, Confidence: graph.Certain},
				{From: group, To: tc.fence, Kind: graph.EdgeHasPolicy, Confidence: graph.Certain},
			}
			s := store(t, nodes, edges)
			e := edgeOf(t, s, graph.EdgeCanAccess, user, ledger)
			if tc.method == "" {
				if e != nil {
					t.Fatalf("edge to the ledger: %v", e)
				}
				return
			}
			if e == nil {
				t.Fatal("no edge to the ledger")
			}
			if diff := cmp.Diff(e.Attr("method"), tc.method); diff != "" {
				t.Errorf("method (-got +want):\n%s", diff)
			}
			if e.Confidence != tc.conf {
				t.Errorf("confidence %s, want %s", e.Confidence, tc.conf)
			}
			if diff := cmp.Diff(e.Attr(graph.AttrActions), "iam:"+tc.method+",s3:GetObject"); diff != "" {
				t.Errorf("actions (-got +want):\n%s", diff)
			}
		})
	}
}

// awsNode builds an AWS node of account 111122223333 with attributes
// given as key, value pairs.
func awsNode(id string, kind graph.NodeKind, attrs ...string) graph.Node {
	n := graph.Node{ID: id, Kind: kind, Label: id, Pos: graph.Pos{File: "main.tf"}}
	n.SetAttr(graph.AttrProvider, "aws")
	n.SetAttr(graph.AttrAccount, "111122223333")
	for i := 0; i+1 < len(attrs); i += 2 {
		n.SetAttr(attrs[i], attrs[i+1])
	}
	return n
}

func TestUnresolvedResourcePolicy(t *testing.T) {
	// The role may read every object; the bucket's own policy is set from
	// a variable the input does not give, so it may deny the read.
	const (
		role   = "arn:aws:iam::111122223333:role/web"
		bucket = "arn:aws:s3:::example-org-press-kit"
		pol    = role + "#inline/read"
	)
	nodes := []graph.Node{
		awsNode(role, graph.NodeIdentity, "type", "role"),
		awsNode(bucket, graph.NodeResource, "policy_unresolved", "true", "unresolved", "the policy depends on var.press_kit_policy"),
		awsNode(pol, graph.NodePolicy, "document", `{"Version":"2012-10-17","Statement":[{"Sid":"Read","Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`),
	}
	edges := []graph.Edge{{From: role, To: pol, Kind: graph.EdgeHasPolicy, Confidence: graph.Certain}}
	e := edgeOf(t, store(t, nodes, edges), graph.EdgeCanAccess, role, bucket)
	if e == nil {
		t.Fatal("no edge to the bucket")
	}
	if e.Confidence != graph.Possible {
		t.Errorf("confidence %s, want possible", e.Confidence)
	}
	for _, want := range []string{"resource policy of " + bucket + " is unknown", "var.press_kit_policy"} {
		if !strings.Contains(e.Attr(graph.AttrReason), want) {
			t.Errorf("reason %q lacks %q", e.Attr(graph.AttrReason), want)
		}
	}
}
