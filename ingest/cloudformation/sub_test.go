package cloudformation

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest/internal/resulttest"
)

// subEscapeTemplate writes ${!Name} in Fn::Sub, which CloudFormation
// turns into the text ${Name}: in a role name, in inline policies (a JSON
// string and a mapping) and in an environment value. Api is also the
// logical id of the function, so an escape that looked like a placeholder
// would look like the function's own unknown name.
const subEscapeTemplate = `AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  AccountId: {Type: String, Default: "111122223333"}
  Region: {Type: String, Default: us-east-1}
Resources:
  Deployer:
    Type: AWS::IAM::Role
    Properties:
      RoleName: !Sub "deploy-${!Stage}"
      AssumeRolePolicyDocument: {Statement: []}
      Policies:
        - PolicyName: text
          PolicyDocument: !Sub '{"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/${!Key}"}]}'
        - PolicyName: mapping
          PolicyDocument:
            Statement:
              - {Effect: Allow, Action: "s3:PutObject", Resource: !Sub "arn:aws:s3:::c/${!Api}/${AWS::AccountId}"}
  Api:
    Type: AWS::Lambda::Function
    Properties:
      FunctionName: api
      Role: !GetAtt Deployer.Arn
      Environment:
        Variables:
          API_TOKEN: !Sub "canary-${!Api}-X9x9"
`

func TestSubEscape(t *testing.T) {
	res := parse(t, "escape.yaml", subEscapeTemplate)
	const role = "arn:aws:iam::111122223333:role/deploy-${Stage}"
	r := nodeOf(t, res, role)
	if r.Attr(graph.AttrName) != "deploy-${Stage}" {
		t.Errorf("role name %q, want deploy-${Stage}", r.Attr(graph.AttrName))
	}
	if u := r.Attr("unresolved"); u != "" {
		t.Errorf("role lists unresolved %q, want none", u)
	}
	docs := map[string]string{
		"text":    `{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${Key}"}]}`,
		"mapping": `{"Statement":[{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::c/${Api}/111122223333"}]}`,
	}
	for name, want := range docs {
		p := nodeOf(t, res, role+"#inline/"+name)
		if got := p.Attr("document"); got != want {
			t.Errorf("policy %s document\n got %s\nwant %s", name, got, want)
		}
		if u := p.Attr("unresolved"); u != "" {
			t.Errorf("policy %s lists unresolved %q, want none", name, u)
		}
	}

	const runtime = "runtime:aws:lambda:arn:aws:lambda:us-east-1:111122223333:function:api"
	creds := graph.AWSInstanceCredentialsID(runtime)
	if diff := cmp.Diff([]string{creds + " -> " + role}, edges(res, graph.EdgeAuthenticatesAs)); diff != "" {
		t.Errorf("AUTHENTICATES_AS (-want +got):\n%s", diff)
	}
	// The value is written out in full, so it keeps its fingerprint.
	token := nodeOf(t, res, graph.AWSEnvVarID(runtime, "API_TOKEN"))
	if token.Attr(graph.AttrFingerprint) != "fp(canary-${Api}-X9x9)" || token.Attr(graph.AttrStoredInline) != "true" ||
		token.Attr("unresolved") != "" {
		t.Errorf("token attributes %v, want the fingerprint of canary-${Api}-X9x9, stored inline", token.Attrs)
	}
	if w := resulttest.Warnings(res); len(w) != 0 {
		t.Errorf("warnings %q, want none", w)
	}
	// The reader's marker of escapes is not in its output.
	for _, n := range res.Nodes {
		texts := []string{n.ID, n.Label}
		for _, v := range n.Attrs {
			texts = append(texts, v)
		}
		for _, s := range texts {
			if strings.ContainsRune(s, 0) {
				t.Errorf("node %q contains a NUL in %q", n.ID, s)
			}
		}
	}
	for _, e := range res.Edges {
		if strings.ContainsRune(e.From+e.To, 0) {
			t.Errorf("edge %q -> %q contains a NUL", e.From, e.To)
		}
	}
}
