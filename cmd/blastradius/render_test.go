package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestQueryListsInspectedIdentitiesApart(t *testing.T) {
	db := filepath.Join(t.TempDir(), "graph.db")
	if _, errs, code := run(t, "--db", db, "ingest", "testdata/cases/05-getrole-only"); code != exitOK {
		t.Fatalf("ingest exit %d: %s", code, errs)
	}
	out, errs, code := run(t, "--db", db, "query", "--identity", "auditor")
	if code != exitOK {
		t.Fatalf("query exit %d: %s", code, errs)
	}
	if strings.Contains(out, "IDENTITIES THOSE CREDENTIALS ACT AS") {
		t.Errorf("a role the user may only read is listed as one it acts as:\n%s", out)
	}
	if !strings.Contains(out, "IDENTITIES IT CAN INSPECT OR CHANGE BUT NOT ACT AS (1)\n  vault-reader") {
		t.Errorf("the role is not listed as inspected only:\n%s", out)
	}
}

func TestEmptyRadiusReasonForSecret(t *testing.T) {
	db := filepath.Join(t.TempDir(), "graph.db")
	if _, errs, code := run(t, "--db", db, "--log-level", "warn", "ingest", "--org", "example-org", "../../examples/example-org"); code != exitOK {
		t.Fatalf("ingest exit %d: %s", code, errs)
	}
	// Only billing-deploy can read this Secrets Manager secret, and no edge
	// leads out of it. It is not a package, so "executes" would mislead.
	out, errs, code := run(t, "--db", db, "query", "--secret", "payments/card-processor-key")
	if code != exitOK {
		t.Fatalf("query exit %d: %s", code, errs)
	}
	if strings.Contains(out, "executes") {
		t.Errorf("a secret's empty blast radius is explained as a package's:\n%s", out)
	}
	if !strings.Contains(out, "nothing reachable: the inputs link it to no runtime") {
		t.Errorf("the empty blast radius gives no reason:\n%s", out)
	}
}

func TestLevelTagsSplitReads(t *testing.T) {
	tests := []struct {
		level, actions string
		want           []string
	}{
		// GetFunction and GetPolicy read; UpdateFunctionCode writes.
		{"write", "lambda:GetFunction,lambda:GetPolicy,lambda:UpdateFunctionCode",
			[]string{"write: lambda:UpdateFunctionCode", "read: lambda:GetFunction,lambda:GetPolicy"}},
		{"write", "s3:DeleteObject,s3:PutObject", []string{"write: s3:DeleteObject,s3:PutObject"}},
		// PutBucketPolicy manages permissions; PutObject writes.
		{"admin", "s3:GetObject,s3:PutBucketPolicy,s3:PutObject",
			[]string{"admin: s3:PutBucketPolicy", "write: s3:PutObject", "read: s3:GetObject"}},
		// GitHub token scopes are not AWS actions and keep the edge's level.
		{"read", "contents:read", []string{"read: contents:read"}},
		{"write", "example:MadeUpAction", []string{"write: example:MadeUpAction"}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, levelTags(tt.level, tt.actions)); diff != "" {
			t.Errorf("levelTags(%q, %q) (-want +got):\n%s", tt.level, tt.actions, diff)
		}
	}
}
