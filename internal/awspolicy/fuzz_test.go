package awspolicy

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse parses arbitrary documents. Property: no panic, and a parsed
// policy evaluated beside a Deny of everything is always denied.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "policies", "*.json"))
	for _, path := range files {
		b, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	f.Add(`{"Statement":[]}`)
	denyAll := mustParseF(f, `{"Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}`)
	reqs := []Request{
		{Action: "s3:GetObject", Resource: "arn:aws:s3:::example-org-data/home/quinn/a",
			Principal: Principal{ARN: "arn:aws:iam::111122223333:user/quinn", Account: "111122223333"},
			Context:   Context{Values: map[string][]string{"aws:username": {"quinn"}, "aws:SourceIp": {"192.0.2.1"}}}},
		{Action: "sts:AssumeRoleWithWebIdentity", Resource: "arn:aws:iam::111122223333:role/ci",
			Principal: Principal{Federated: "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"}},
		{Action: "iam:CreateUser", Resource: "arn:aws:s3:::b/*", Principal: Principal{ARN: "arn:aws:iam::111122223333:role/app", HasBoundary: true}},
	}
	f.Fuzz(func(t *testing.T, doc string) {
		p, err := Parse(doc)
		if err != nil {
			return
		}
		for _, req := range reqs {
			in := Input{Request: req, Identity: []Named{{Name: "p", Policy: p}}, Boundary: []Named{{Name: "p", Policy: p}},
				Resource: []Named{{Name: "r", Policy: p}}, SCPs: []PolicySet{{Name: "root", Policies: []Named{{Name: "p", Policy: p}}}}}
			_ = EvaluateRequest(in).String()
			in.Identity = append(in.Identity, Named{Name: "deny", Policy: denyAll})
			if d := EvaluateRequest(in); d.Effect != Denied {
				t.Fatalf("a Deny of everything did not deny %s: %s", req.Action, d)
			}
		}
	})
}

func mustParseF(f *testing.F, doc string) *Policy {
	p, err := Parse(doc)
	if err != nil {
		f.Fatal(err)
	}
	return p
}
