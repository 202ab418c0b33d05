package terraform

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
)

// TestCognitoRoles links the identity pools of testdata/cognito. The
// customer pool lets anyone sign up and gives guest identities, so anyone
// reaches both of its roles. Administrators create the staff pool's
// users, so its role is out of reach.
func TestCognitoRoles(t *testing.T) {
	got := deriveDir(t, "cognito", graph.EdgeCanAssume)
	want := []string{
		"aws:anonymous -CAN_ASSUME-> arn:aws:iam::111122223333:role/example-customers (certain)",
		"aws:anonymous -CAN_ASSUME-> arn:aws:iam::111122223333:role/example-guests (certain)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("derived CAN_ASSUME (-want +got):\n%s", diff)
	}
}

// TestCognitoUndecided links testdata/cognito-undecided, whose sign-up and
// guest settings are variables without a default. Both roles are possible,
// not certain and not out of reach.
func TestCognitoUndecided(t *testing.T) {
	got := deriveDir(t, "cognito-undecided", graph.EdgeCanAssume)
	want := []string{
		"aws:anonymous -CAN_ASSUME-> arn:aws:iam::111122223333:role/example-members (possible)",
		"aws:anonymous -CAN_ASSUME-> arn:aws:iam::111122223333:role/example-visitors (possible)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("derived CAN_ASSUME (-want +got):\n%s", diff)
	}
}

// TestCognitoRolesOfAbsentPool parses a roles attachment whose pool is not
// in the input: it gives no node and a warning at the block.
func TestCognitoRolesOfAbsentPool(t *testing.T) {
	res, rejected := parseDir(t, filepath.Join("testdata", "cognito-orphan"))
	if len(rejected) != 0 {
		t.Fatalf("rejected: %v", rejected)
	}
	for _, n := range res.Nodes {
		t.Errorf("node %s, want none", n.ID)
	}
	found := false
	for _, d := range res.Diags {
		if strings.Contains(d.String(), "main.tf:1:1: aws_cognito_identity_pool_roles_attachment.orphan: identity_pool_id names no identity pool") {
			found = true
		}
	}
	if !found {
		t.Errorf("no warning at the attachment block; diagnostics: %v", res.Diags)
	}
}

// TestCognitoRolesWithVariableNames links a pool whose name holds an
// unresolved variable. Without the classic flow only the roles
// attachment leads to the role, so the attachment must be kept.
func TestCognitoRolesWithVariableNames(t *testing.T) {
	got := deriveDir(t, "cognito-var", graph.EdgeCanAssume)
	want := []string{"aws:anonymous -CAN_ASSUME-> arn:aws:iam::111122223333:role/example-customers-${var.suffix} (certain)"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("derived CAN_ASSUME (-want +got):\n%s", diff)
	}
}
