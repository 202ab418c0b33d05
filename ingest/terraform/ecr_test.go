package terraform

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/blastradius-dev/blastradius/graph"
)

// TestECRTagMutability keeps a repository's image_tag_mutability, which
// decides whether a push can move the tags that workloads pull.
func TestECRTagMutability(t *testing.T) {
	dir := t.TempDir()
	src := `provider "aws" {
  region = "us-east-1"
}
data "aws_caller_identity" "current" {}
resource "aws_ecr_repository" "app" {
  name                 = "app"
  image_tag_mutability = "IMMUTABLE"
}
resource "aws_ecr_repository" "base" {
  name = "base"
}
`
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	res, rejected := parseDir(t, dir)
	if len(rejected) != 0 {
		t.Fatalf("rejected: %v", rejected)
	}
	got := map[string]string{}
	for _, n := range res.Nodes {
		if n.Kind == graph.NodeResource && n.Attr("type") == "aws_ecr_repository" {
			got[n.Attr(graph.AttrName)] = n.Attr("image_tag_mutability")
		}
	}
	if got["app"] != "IMMUTABLE" || got["base"] != "" || len(got) != 2 {
		t.Errorf("image_tag_mutability by repository %v, want app IMMUTABLE and base unset", got)
	}
}
