package cloudformation

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
	"github.com/blastradius-dev/blastradius/ingest/internal/resulttest"
)

// nestedParent nests two templates of the repository (a stack and a SAM
// application), a template that is missing on disk, and the template
// itself. Its other nested stacks are not files of the repository: an S3
// URL, a SAR application and a path from a parameter without default.
// Neither are paths that an intrinsic function gives, even one that
// evaluates to a file of the repository, because the packagers upload
// only a path written as a plain string.
const nestedParent = `AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Parameters:
  ChildUrl: {Type: String}
  ChildPath: {Type: String, Default: nested/workers.yaml}
Resources:
  Workers:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: nested/workers.yaml
      Parameters: {Stage: prod}
  Api:
    Type: AWS::Serverless::Application
    Properties:
      Location: ./apps/api.yaml
  Gone:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: nested/gone.yaml
  Self:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: ../infra/template.yaml
  Remote:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: https://s3.amazonaws.com/bucket/child.yaml
  Store:
    Type: AWS::Serverless::Application
    Properties:
      Location:
        ApplicationId: arn:aws:serverlessrepo:us-east-1:111122223333:applications/store
        SemanticVersion: 1.0.0
  Given:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: !Ref ChildUrl
  Defaulted:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: !Ref ChildPath
  Subbed:
    Type: AWS::Serverless::Application
    Properties:
      Location: !Sub apps/api.yaml
  Joined:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: {"Fn::Join": ["/", [nested, workers.yaml]]}
`

func TestNestedStacks(t *testing.T) {
	dir := t.TempDir()
	const child = "Resources: {}\n"
	files := map[string]string{
		"infra/template.yaml":       nestedParent,
		"infra/nested/workers.yaml": child,
		"infra/apps/api.yaml":       child,
	}
	for rel, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	parentPath := filepath.Join(dir, "infra", "template.yaml")
	data := []byte(nestedParent)
	f := &ingest.File{Path: parentPath, RelPath: "infra/template.yaml", Repo: testRepo, Head: data, Size: int64(len(data)),
		Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }}
	var res ingest.Result
	if err := New().Parse(context.Background(), f, &ingest.Env{}, &res); err != nil {
		t.Fatal(err)
	}

	want := map[string]string{
		"cfn-stack:github.com/example-org/api/infra/template.yaml#Workers": "infra/nested/workers.yaml",
		"cfn-stack:github.com/example-org/api/infra/template.yaml#Api":     "infra/apps/api.yaml",
	}
	got := map[string]string{}
	for _, n := range res.Nodes {
		if n.Attr(AttrNestedTemplate) == "" {
			continue
		}
		got[n.ID] = n.Attr(AttrNestedTemplate)
		if n.Kind != graph.NodeResource || n.Attr(AttrTemplate) != "infra/template.yaml" ||
			n.Attr(AttrTemplateRepo) != "repo:github.com/example-org/api" {
			t.Errorf("nested stack %s: kind %s, attributes %v", n.ID, n.Kind, n.Attrs)
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("nested templates (-want +got):\n%s", diff)
	}

	wantWarn := []string{
		parentPath + ":19: Gone: the nested template nested/gone.yaml is not found, so deploys of this template reach none of its resources",
		parentPath + ":23: Self: the nested template is this template itself, so the link is left out",
	}
	if diff := cmp.Diff(wantWarn, resulttest.Warnings(&res)); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
}
