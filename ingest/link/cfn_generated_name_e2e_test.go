package link_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/graph/memstore"
)

// generatedNameRepos declares in a template role DeployRole without a
// RoleName, so CloudFormation names it STACK-DeployRole-RANDOM, and role
// ci-runner, whose policy lets it assume the roles named
// api-DeployRole-*. A workflow assumes api-DeployRole-1A2B3C4D5E6F, the
// name the role got in a stack named api.
func generatedNameRepos() map[string]map[string]string {
	return map[string]map[string]string{"api": {
		"infra/template.yaml": `AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  AccountId: {Type: String, Default: "111122223333"}
Resources:
  DeployRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {AWS: arn:aws:iam::111122223333:root}
            Action: sts:AssumeRole
      Policies:
        - PolicyName: deploy
          PolicyDocument:
            Statement: [{Effect: Allow, Action: "s3:*", Resource: "*"}]
  Runner:
    Type: AWS::IAM::Role
    Properties:
      RoleName: ci-runner
      AssumeRolePolicyDocument:
        Statement: [{Effect: Allow, Principal: {Service: ec2.amazonaws.com}, Action: sts:AssumeRole}]
      Policies:
        - PolicyName: assume-deploy
          PolicyDocument:
            Statement: [{Effect: Allow, Action: sts:AssumeRole, Resource: "arn:aws:iam::111122223333:role/api-DeployRole-*"}]
`,
		".github/workflows/deploy.yml": `on: push
permissions:
  id-token: write
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - uses: aws-actions/configure-aws-credentials@v4
        with:
          role-to-assume: arn:aws:iam::111122223333:role/api-DeployRole-1A2B3C4D5E6F
          aws-region: us-east-1
      - run: aws s3 ls
`}}
}

// edgesInto lists the edges of a kind into a node as "from -> to".
func edgesInto(t *testing.T, s *memstore.Store, id string, kind graph.EdgeKind) []string {
	t.Helper()
	es, err := s.Expand(context.Background(), []string{id}, graph.In, kind)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		out = append(out, e.From+" -> "+e.To)
	}
	return out
}

// A role whose name CloudFormation generates is the placeholder
// ${DeployRole}. The stack's name is not in the template, so neither a
// policy's pattern api-DeployRole-* nor the deployed ARN that a workflow
// names is matched to it: the reader does not guess which stack the
// template was deployed as. This is a documented gap, and an edge here
// would be an invented match.
func TestGeneratedRoleNameNotMatched(t *testing.T) {
	dir := t.TempDir()
	writeRepos(t, dir, generatedNameRepos())
	s, _ := ingestDir(t, dir)
	const placeholder = "arn:aws:iam::111122223333:role/${DeployRole}"
	const deployed = "arn:aws:iam::111122223333:role/api-DeployRole-1A2B3C4D5E6F"
	if got := edgesInto(t, s, placeholder, graph.EdgeCanAssume); len(got) != 0 {
		t.Errorf("CAN_ASSUME into the template's role %v, want none", got)
	}
	job := graph.GHAOIDCSubjectID(graph.GHAJobID("o/api", ".github/workflows/deploy.yml", "deploy"))
	if diff := cmp.Diff([]string{job + " -> " + deployed}, edgesInto(t, s, deployed, graph.EdgeCanAssume)); diff != "" {
		t.Errorf("CAN_ASSUME into the deployed role (-want +got):\n%s", diff)
	}
	// The deployed role's node does not get the template role's policy.
	es, err := s.Expand(context.Background(), []string{deployed}, graph.Out, graph.EdgeHasPolicy)
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 0 {
		t.Errorf("HAS_POLICY of the deployed role %v, want none", es)
	}
}
