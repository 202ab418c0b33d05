package terraform

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
)

func TestInstanceIngressAndLoadedCode(t *testing.T) {
	res, rejected := parseDir(t, "testdata/ingress")
	if len(rejected) > 0 {
		t.Fatalf("rejected: %v", rejected)
	}
	out, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(out, []byte("CANARY-terraform-flaw-7f3a")) {
		t.Error("a value of the user data reached the result")
	}
	byID := map[string]graph.Node{}
	for _, n := range res.Nodes {
		byID[n.ID] = n
	}
	tests := []struct {
		addr                   string
		ingress, via, loadCode string
	}{
		{addr: "aws_instance.web", ingress: "open", via: "aws_lb.public",
			loadCode: "arn:aws:s3:::example-org-deploy/bin/start.sh,arn:aws:s3:::example-org-deploy/hook.py"},
		{addr: "aws_instance.admin"},
		{addr: "aws_instance.bastion", ingress: "undecided", via: "public_ip"},
		{addr: "aws_instance.partner"},
		{addr: "aws_instance.private"},
		{addr: "aws_instance.encoded", loadCode: "arn:aws:s3:::example-org-deploy/boot.sh"},
	}
	for _, tc := range tests {
		t.Run(tc.addr, func(t *testing.T) {
			n, ok := byID[ec2RuntimeID("", "", tc.addr)]
			if !ok {
				n, ok = byID[ec2RuntimeID("111122223333", "", tc.addr)]
			}
			if !ok {
				t.Fatalf("no runtime for %s", tc.addr)
			}
			if got := n.Attr(graph.AttrInternetIngress); got != tc.ingress {
				t.Errorf("internet_ingress %q, want %q", got, tc.ingress)
			}
			if got := n.Attr(graph.AttrInternetIngress + "_via"); got != tc.via {
				t.Errorf("internet_ingress_via %q, want %q", got, tc.via)
			}
			if got := n.Attr(graph.AttrLoadsCode); got != tc.loadCode {
				t.Errorf("loads_code %q, want %q", got, tc.loadCode)
			}
		})
	}
}

// TestLambdaTriggers reads no provider block, so ARNs have no region or
// account.
func TestLambdaTriggers(t *testing.T) {
	res, rejected := parseDir(t, "testdata/triggers")
	if len(rejected) > 0 {
		t.Fatalf("rejected: %v", rejected)
	}
	got := map[string]string{}
	for _, n := range res.Nodes {
		if n.Attr("type") == "lambda" {
			got[n.Attr("tf_address")] = n.Attr(graph.AttrTriggeredBy)
		}
	}
	want := map[string]string{
		"aws_lambda_function.worker": "arn:aws:sns:::example-events,arn:aws:sqs:::example-jobs",
		"aws_lambda_function.idle":   "",
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("triggered_by (-got +want):\n%s", diff)
	}
}
