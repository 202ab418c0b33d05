package link

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/graph/memstore"
	"github.com/blastradius-dev/blastradius/ingest"
	"github.com/blastradius-dev/blastradius/ingest/actions"
	"github.com/blastradius-dev/blastradius/ingest/cloudformation"
	"github.com/blastradius-dev/blastradius/ingest/lockfile"
	"github.com/blastradius-dev/blastradius/query"
)

// samTemplate declares, in account 111122223333, the SAM function api
// built from src/api. SAM creates its role with an S3ReadPolicy on bucket
// example-data. Workflows of example-org/api on branch main assume the
// role github-deploy through GitHub's OIDC provider. That role may write
// the bucket and update the function's code.
const samTemplate = `AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Parameters:
  AccountId:
    Type: String
    Default: "111122223333"
  Region:
    Type: String
    Default: us-east-1
Resources:
  Data:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: example-data
  Api:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: api
      CodeUri: ../src/api/
      Handler: index.handler
      Runtime: nodejs20.x
      Policies:
        - S3ReadPolicy:
            BucketName: !Ref Data
  GitHubDeploy:
    Type: AWS::IAM::Role
    Properties:
      RoleName: github-deploy
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal:
              Federated: !Sub arn:${AWS::Partition}:iam::${AWS::AccountId}:oidc-provider/token.actions.githubusercontent.com
            Action: sts:AssumeRoleWithWebIdentity
            Condition:
              StringEquals:
                token.actions.githubusercontent.com:aud: sts.amazonaws.com
                token.actions.githubusercontent.com:sub: repo:example-org/api:ref:refs/heads/main
      Policies:
        - PolicyName: deploy
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Action: s3:PutObject
                Resource: !Sub "${Data.Arn}/*"
              - Effect: Allow
                Action: lambda:UpdateFunctionCode
                Resource: !GetAtt Api.Arn
`

// samWorkflow assumes github-deploy on pushes to main.
const samWorkflow = `name: deploy
on:
  push:
    branches: [main]
permissions:
  id-token: write
  contents: read
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - uses: aws-actions/configure-aws-credentials@v4
        with:
          role-to-assume: arn:aws:iam::111122223333:role/github-deploy
          aws-region: us-east-1
      - run: aws s3 ls
`

const (
	samFunctionID = "runtime:aws:lambda:arn:aws:lambda:us-east-1:111122223333:function:api"
	samRoleID     = "arn:aws:iam::111122223333:role/${ApiRole}"
	samDeployRole = "arn:aws:iam::111122223333:role/github-deploy"
	samWorkflowID = "runtime:gha:example-org/api/.github/workflows/deploy.yml#deploy"
)

// samStore parses the files, named by their path in deployRepo, with the
// CloudFormation, Actions and npm parsers, and links them.
func samStore(t *testing.T, files map[string]string) *memstore.Store {
	t.Helper()
	dir := t.TempDir()
	parsers := []ingest.Parser{actions.New(), lockfile.NewNPM(), cloudformation.New()}
	b := &graph.Batch{Time: time.Date(2026, 11, 3, 0, 0, 0, 0, time.UTC)}
	for name, text := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		data := []byte(text)
		f := &ingest.File{Path: p, RelPath: name, Repo: deployRepo, Head: data, Size: int64(len(data)),
			Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }}
		i := slices.IndexFunc(parsers, func(p ingest.Parser) bool { return p.Detect(f) })
		if i < 0 {
			t.Fatalf("no parser reads %s", name)
		}
		var res ingest.Result
		if err := parsers[i].Parse(context.Background(), f, &ingest.Env{Fingerprint: func(string) string { return "fp" }}, &res); err != nil {
			t.Fatalf("parse %s: %v", name, err)
		}
		for _, d := range res.Diags {
			t.Logf("%s: %s", name, d.Msg)
		}
		b.Nodes = append(b.Nodes, res.Nodes...)
		b.Edges = append(b.Edges, res.Edges...)
	}
	s := memstore.New()
	if err := s.Write(context.Background(), b, (&Linker{}).Derive); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestSAMFunctionRunsLockedPackages follows the package that
// src/api/package-lock.json locks for run time to the SAM function whose
// CodeUri is that folder, the role SAM creates for it and the bucket its
// S3ReadPolicy reads. The dev-only package reaches none of them.
func TestSAMFunctionRunsLockedPackages(t *testing.T) {
	s := samStore(t, map[string]string{
		"infra/template.yaml":       samTemplate,
		"src/api/package-lock.json": deployLock,
	})
	got := reachedBy(t, s, runtimeDep)
	for _, id := range []string{samFunctionID, samRoleID, dataBucket} {
		if got[id] == nil {
			t.Errorf("%s does not reach %s", runtimeDep, id)
		}
	}
	if r := got[samFunctionID]; r != nil {
		last := r.Path[len(r.Path)-1]
		if last.Kind != graph.EdgeExecutes {
			t.Errorf("%s reaches the function by %s, want EXECUTES", runtimeDep, last.Kind)
		}
		want := "SAM deploys folder src/api of example-org/api to api (infra/template.yaml#Api), and src/api/package-lock.json locks "
		if !strings.HasPrefix(last.Reason, want) {
			t.Errorf("reason %q, want it to start with %q", last.Reason, want)
		}
	}
	if r := got[dataBucket]; r != nil && lastHop(r) != graph.EdgeCanAccess {
		t.Errorf("%s reaches the bucket by %s, want CAN_ACCESS", runtimeDep, lastHop(r))
	}
	dev := reachedBy(t, s, devDep)
	for _, id := range []string{samFunctionID, samRoleID, dataBucket} {
		if dev[id] != nil {
			t.Errorf("%s reaches %s, but only development needs it", devDep, id)
		}
	}
}

// TestSAMOIDCRoleOfWorkflow starts at the job of example-org/api that
// assumes github-deploy: the role's trust policy lets the job's OIDC token
// in, and the job reaches what the role allows, the bucket it writes and
// the function whose code it updates.
func TestSAMOIDCRoleOfWorkflow(t *testing.T) {
	s := samStore(t, map[string]string{
		"infra/template.yaml":          samTemplate,
		".github/workflows/deploy.yml": samWorkflow,
	})
	res, err := query.Run(context.Background(), s, query.Start{Runtimes: []string{samWorkflowID}}, query.Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]*query.Reached{}
	for _, r := range res.Reached {
		got[r.Node.ID] = r
	}
	for _, id := range []string{samDeployRole, dataBucket, samFunctionID} {
		if got[id] == nil {
			t.Errorf("the deploy job does not reach %s", id)
		}
	}
	if r := got[samDeployRole]; r != nil && lastHop(r) != graph.EdgeAuthenticatesAs && lastHop(r) != graph.EdgeCanAssume {
		t.Errorf("the job reaches the role by %s", lastHop(r))
	}
}
