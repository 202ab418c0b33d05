package link

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/graph/memstore"
)

// An export of the live account and the Terraform that declares a role
// disagree on who may assume it. The ingest warns once, and the debug
// line names both inputs and the one the rules read.
func TestDriftWarning(t *testing.T) {
	role := graph.IAMARN(acct, "role", "", "deploy")
	trust := func(principal string) string {
		return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + principal + `"},"Action":"sts:AssumeRole"}]}`
	}
	// The export writes the same document with other spacing, a list and
	// a Sid: no drift.
	sameTrust := `{"Statement": [{"Sid": "Ci", "Action": ["sts:AssumeRole"], "Principal": {"AWS": ["arn:aws:iam::111122223333:user/ci"]}, "Effect": "Allow"}], "Version": "2012-10-17"}`
	for _, tc := range []struct {
		name, exported string
		warn           bool
	}{
		{"drifted", trust("arn:aws:iam::444455556666:root"), true},
		{"written otherwise", sameTrust, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
			nodes := []graph.Node{
				node(role, graph.NodeIdentity, "type", "role", "trust_policy", trust("arn:aws:iam::111122223333:user/ci")),
				node(role, graph.NodeIdentity, "type", "role", "trust_policy", tc.exported),
			}
			nodes[0].Pos = graph.Pos{File: "infra/iam.tf", Line: 3}
			nodes[1].Pos = graph.Pos{File: "export/account.json", Line: 40}
			s := memstore.New()
			if err := s.Write(context.Background(), &graph.Batch{Time: time.Now(), Nodes: nodes}, (&Linker{Logger: log}).Derive); err != nil {
				t.Fatal(err)
			}
			out := buf.String()
			warned := strings.Contains(out, "level=WARN msg=\"IAM policy documents differ between inputs") && strings.Contains(out, "count=1")
			if warned != tc.warn {
				t.Errorf("warned = %v, want %v; log:\n%s", warned, tc.warn, out)
			}
			if tc.warn && !strings.Contains(out, `used=export/account.json:40 sources="export/account.json:40, infra/iam.tf:3"`) {
				t.Errorf("debug line does not name the inputs in source order; log:\n%s", out)
			}
		})
	}
}

// When an export of the account is among the inputs that disagree, the
// rules read its document: the live trust policy lets ops assume the
// role, and the Terraform's, which lets ci, is no longer in force.
func TestDriftExportWins(t *testing.T) {
	role := graph.IAMARN(acct, "role", "", "deploy")
	ci, ops := graph.IAMARN(acct, "user", "", "ci"), graph.IAMARN(acct, "user", "", "ops")
	trust := func(principal string) string {
		return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + principal + `"},"Action":"sts:AssumeRole"}]}`
	}
	declared := node(role, graph.NodeIdentity, "provider", "aws", "type", "role", "account", acct, "trust_policy", trust(ci), "tf_address", "aws_iam_role.deploy")
	declared.Pos = graph.Pos{File: "infra/iam.tf", Line: 3}
	exported := node(role, graph.NodeIdentity, "provider", "aws", "type", "role", "account", acct, "trust_policy", trust(ops), "live_export", "true")
	exported.Pos = graph.Pos{File: "snapshots/account.json", Line: 40}
	nodes := []graph.Node{declared, exported,
		node(ci, graph.NodeIdentity, "provider", "aws", "type", "user", "account", acct),
		node(ops, graph.NodeIdentity, "provider", "aws", "type", "user", "account", acct),
	}
	s := memstore.New()
	if err := s.Write(context.Background(), &graph.Batch{Time: time.Now(), Nodes: nodes}, (&Linker{}).Derive); err != nil {
		t.Fatal(err)
	}
	if edgeOf(t, s, graph.EdgeCanAssume, ops, role) == nil {
		t.Error("ops cannot assume the role, which the exported trust policy allows")
	}
	if e := edgeOf(t, s, graph.EdgeCanAssume, ci, role); e != nil {
		t.Errorf("ci assumes the role through the Terraform's trust policy, which the account no longer has: %+v", e)
	}
}

// Terraform names the trusted account by its id, and the export shows
// the root ARN that IAM stores for it: the same trust, so no warning.
func TestDriftAccountIDNoWarning(t *testing.T) {
	role := graph.IAMARN(acct, "role", "", "deploy")
	trust := func(principal string) string {
		return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + principal + `"},"Action":"sts:AssumeRole"}]}`
	}
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	nodes := []graph.Node{
		node(role, graph.NodeIdentity, "type", "role", "trust_policy", trust("444455556666")),
		node(role, graph.NodeIdentity, "type", "role", "trust_policy", trust("arn:aws:iam::444455556666:root"), "live_export", "true"),
	}
	nodes[0].Pos = graph.Pos{File: "infra/iam.tf", Line: 3}
	nodes[1].Pos = graph.Pos{File: "export/account.json", Line: 40}
	s := memstore.New()
	if err := s.Write(context.Background(), &graph.Batch{Time: time.Now(), Nodes: nodes}, (&Linker{Logger: log}).Derive); err != nil {
		t.Fatal(err)
	}
	if out := buf.String(); strings.Contains(out, "IAM policy documents differ between inputs") {
		t.Errorf("warned of drift; log:\n%s", out)
	}
}
