package awspolicy

import (
	"strings"
	"testing"
)

const (
	acctA = "111122223333"
	acctB = "444455556666"
)

// TestEvaluateRequest checks each layer of the evaluation logic with a
// decision worked out by hand from the AWS IAM policy evaluation rules.
func TestEvaluateRequest(t *testing.T) {
	quinn := Principal{ARN: "arn:aws:iam::" + acctA + ":user/quinn", Account: acctA}
	ada := Principal{ARN: "arn:aws:iam::" + acctA + ":user/ada", Account: acctA}
	app := Principal{ARN: "arn:aws:iam::" + acctA + ":role/app", Account: acctA}
	bounded := Principal{ARN: "arn:aws:iam::" + acctA + ":role/app", Account: acctA, HasBoundary: true}
	ext := Principal{ARN: "arn:aws:iam::" + acctB + ":user/ext", Account: acctB}
	root := Principal{ARN: "arn:aws:iam::" + acctA + ":root", Account: acctA}
	lambda := Principal{Service: "lambda.amazonaws.com"}

	bucket := "arn:aws:s3:::example-org-data"
	object := bucket + "/report.csv"
	key := "arn:aws:kms:us-east-1:" + acctA + ":key/1234abcd"

	allowS3 := `{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`
	allowGet := `{"Statement":[{"Effect":"Allow","Action":"s3:Get*","Resource":"*"}]}`
	allowKMS := `{"Statement":[{"Effect":"Allow","Action":"kms:Decrypt","Resource":"*"}]}`
	allowAll := `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`
	denyBoundary := `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Sid":"NoData","Effect":"Deny","Action":"s3:GetObject","Resource":"` + bucket + `/*"}]}`
	grant := func(principal string) string {
		return `{"Statement":[{"Effect":"Allow","Principal":` + principal + `,"Action":"s3:GetObject","Resource":"` + bucket + `/*"}]}`
	}
	denyRes := `{"Statement":[{"Sid":"Fence","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"` + bucket + `/*"}]}`
	notPrincipal := `{"Statement":[{"Sid":"OnlyQuinn","Effect":"Deny","NotPrincipal":{"AWS":["arn:aws:iam::` + acctA + `:root","` + quinn.ARN + `"]},"Action":"s3:*","Resource":"` + bucket + `/*"}]}`
	anyoneInOrg := `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"` + bucket + `/*","Condition":{"StringEquals":{"aws:PrincipalAccount":"` + acctA + `"}}}]}`
	scpDenyS3 := `{"Statement":[{"Sid":"NoS3","Effect":"Deny","Action":"s3:*","Resource":"*"}]}`
	scpOnlyEC2 := `{"Statement":[{"Effect":"Allow","Action":"ec2:*","Resource":"*"}]}`
	scpNotAction := `{"Statement":[{"Sid":"OnlyS3","Effect":"Deny","NotAction":["s3:*","sts:*"],"Resource":"*"}]}`
	full := `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`
	keyRoot := `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + acctA + `:root"},"Action":"kms:*","Resource":"*"}]}`
	keyQuinn := `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"` + quinn.ARN + `"},"Action":"kms:Decrypt","Resource":"*"}]}`
	keyOther := `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"` + ada.ARN + `"},"Action":"kms:Decrypt","Resource":"*"}]}`
	queue := `{"Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sqs:ReceiveMessage","Resource":"*"}]}`

	scps := func(levels ...string) []PolicySet {
		var out []PolicySet
		for i, doc := range levels {
			name := []string{"r-root", "ou-dev", "account " + acctA}[i]
			out = append(out, PolicySet{Name: name, Policies: named(t, "scp-"+name, doc)})
		}
		return out
	}

	tests := []struct {
		name string
		in   Input
		want Effect
		// refs must each appear in the decision's explanation.
		refs []string
	}{
		{name: "identity allows", want: Allowed, refs: []string{"id (statement 1)"},
			in: Input{Request: Request{Action: "s3:GetObject", Resource: object, Principal: quinn}, Identity: named(t, "id", allowS3)}},
		{name: "nothing allows", want: NoAllow, refs: []string{"no identity policy allows it"},
			in: Input{Request: Request{Action: "s3:GetObject", Resource: object, Principal: quinn}}},
		{name: "resource policy naming the user grants alone", want: Allowed, refs: []string{"resource policy of bucket"},
			in: Input{Request: Request{Action: "s3:GetObject", Resource: object, Principal: quinn},
				Resource: named(t, "bucket", grant(`{"AWS":"`+quinn.ARN+`"}`))}},
		{name: "resource policy naming the account only delegates", want: NoAllow, refs: []string{"names only the principal's account"},
			in: Input{Request: Request{Action: "s3:GetObject", Resource: object, Principal: quinn},
				Resource: named(t, "bucket", grant(`{"AWS":"`+acctA+`"}`))}},
		{name: "account delegation with an identity allow", want: Allowed,
			in: Input{Request: Request{Action: "s3:GetObject", Resource: object, Principal: quinn}, Identity: named(t, "id", allowS3),
				Resource: named(t, "bucket", grant(`{"AWS":"arn:aws:iam::`+acctA+`:root"}`))}},
		{name: "cross-account without a resource policy", want: NoAllow, refs: []string{"another account"},
			in: Input{Request: Request{Action: "s3:GetObject", Resource: object, Principal: ext, ResourceAccount: acctA}, Identity: named(t, "id", allowS3)}},
		{name: "cross-account resource policy alone", want: NoAllow,
			in: Input{Request: Request{Action: "s3:GetObject", Resource: object, Principal: ext, ResourceAccount: acctA},
				Resource: named(t, "bucket", grant(`{"AWS":"`+ext.ARN+`"}`))}},
		{name: "cross-account with both sides", want: Allowed, refs: []string{"id (statement 1)", "resource policy of bucket"},
			in: Input{Request: Request{Action: "s3:GetObject", Resource: object, Principal: ext, ResourceAccount: acctA}, Identity: named(t, "id", allowS3),
				Resource: named(t, "bucket", grant(`{"AWS":"`+ext.ARN+`"}`))}},
		{name: "cross-account to the other account's root", want: Allowed,
			in: Input{Request: Request{Action: "s3:GetObject", Resource: object, Principal: ext, ResourceAccount: acctA}, Identity: named(t, "id", allowS3),
				Resource: named(t, "bucket", grant(`{"AWS":"`+acctB+`"}`))}},
		{name: "cross-account to a third account's root", want: NoAllow,
			in: Input{Request: Request{Action: "s3:GetObject", Resource: object, Principal: ext, ResourceAccount: acctA}, Identity: named(t, "id", allowS3),
				Resource: named(t, "bucket", grant(`{"AWS":"999988887777"}`))}},
		{name: "deny in the resource policy", want: Denied, refs: []string{`resource policy of bucket (statement "Fence")`},
			in: Input{Request: Request{Action: "s3:GetObject", Resource: object, Principal: quinn}, Identity: named(t, "id", allowS3),
				Resource: named(t, "bucket", denyRes)}},
		{name: "boundary allows less", want: NoAllow, refs: []string{"permissions boundary pb does not allow it"},
			in: Input{Request: Request{Action: "s3:PutObject", Resource: object, Principal: quinn}, Identity: named(t, "id", allowS3),
				Boundary: named(t, "pb", allowGet)}},
		{name: "boundary and identity both allow", want: Allowed, refs: []string{"id (statement 1)", "permissions boundary pb (statement 1)"},
			in: Input{Request: Request{Action: "s3:GetObject", Resource: object, Principal: quinn}, Identity: named(t, "id", allowS3),
				Boundary: named(t, "pb", allowGet)}},
		{name: "deny in the boundary", want: Denied, refs: []string{`permissions boundary pb (statement "NoData")`},
			in: Input{Request: Request{Action: "s3:GetObject", Resource: object, Principal: quinn}, Identity: named(t, "id", allowS3),
				Boundary: named(t, "pb", denyBoundary)}},
		{name: "resource policy naming the user passes its boundary", want: Allowed,
			in: Input{Request: Request{Action: "s3:GetObject", Resource: object, Principal: quinn}, Boundary: named(t, "pb", `{"Statement":[{"Effect":"Allow","Action":"sts:GetCallerIdentity","Resource":"*"}]}`),
				Resource: named(t, "bucket", grant(`{"AWS":"`+quinn.ARN+`"}`))}},
		{name: "resource policy naming the role stays in its boundary", want: NoAllow,
			in: Input{Request: Request{Action: "s3:GetObject", Resource: object, Principal: app}, Boundary: named(t, "pb", `{"Statement":[{"Effect":"Allow","Action":"sts:GetCallerIdentity","Resource":"*"}]}`),
				Resource: named(t, "bucket", grant(`{"AWS":"`+app.ARN+`"}`))}},
		{name: "resource policy naming a session of unknown name", want: MaybeAllowed,
			in: Input{Request: Request{Action: "s3:GetObject", Resource: object, Principal: app},
				Resource: named(t, "bucket", grant(`{"AWS":"arn:aws:sts::`+acctA+`:assumed-role/app/ci-run"}`))}},
		{name: "resource policy naming the known session", want: Allowed,
			in: Input{Request: Request{Action: "s3:GetObject", Resource: object, Principal: Principal{ARN: app.ARN, Account: acctA, Session: "ci-run"}},
				Resource: named(t, "bucket", grant(`{"AWS":"arn:aws:sts::`+acctA+`:assumed-role/app/ci-run"}`))}},
		{name: "SCP deny", want: Denied, refs: []string{`service control policy scp-ou-dev (statement "NoS3")`},
			in: Input{Request: Request{Action: "s3:GetObject", Resource: object, Principal: quinn}, Identity: named(t, "id", allowAll),
				SCPs: scps(full, scpDenyS3, full)}},
		{name: "SCP allow-list on an OU lacks the service", want: NoAllow, refs: []string{"no service control policy attached to ou-dev allows it"},
			in: Input{Request: Request{Action: "s3:GetObject", Resource: object, Principal: quinn}, Identity: named(t, "id", allowAll),
				SCPs: scps(full, scpOnlyEC2, full)}},
		{name: "SCP allow-list on the OU has the service", want: Allowed,
			in: Input{Request: Request{Action: "ec2:StartInstances", Resource: "arn:aws:ec2:us-east-1:" + acctA + ":instance/i-1", Principal: quinn}, Identity: named(t, "id", allowAll),
				SCPs: scps(full, scpOnlyEC2, full)}},
		{name: "SCP NotAction denies the rest", want: Denied, refs: []string{`scp-account 111122223333 (statement "OnlyS3")`},
			in: Input{Request: Request{Action: "iam:CreateUser", Resource: "arn:aws:iam::" + acctA + ":user/x", Principal: quinn}, Identity: named(t, "id", allowAll),
				SCPs: scps(full, full, scpNotAction)}},
		{name: "SCP NotAction spares its list", want: Allowed,
			in: Input{Request: Request{Action: "s3:GetObject", Resource: object, Principal: quinn}, Identity: named(t, "id", allowAll),
				SCPs: append(scps(full, full), PolicySet{Name: "account", Policies: append(named(t, "full", full), named(t, "only-s3", scpNotAction)...)})}},
		{name: "SCP level with only a Deny allows nothing", want: NoAllow, refs: []string{"attached to account 111122223333"},
			in: Input{Request: Request{Action: "s3:GetObject", Resource: object, Principal: quinn}, Identity: named(t, "id", allowAll),
				SCPs: scps(full, full, scpNotAction)}},
		{name: "SCP binds a resource-policy grant", want: Denied,
			in: Input{Request: Request{Action: "s3:GetObject", Resource: object, Principal: quinn},
				Resource: named(t, "bucket", grant(`{"AWS":"`+quinn.ARN+`"}`)), SCPs: scps(full, scpDenyS3)}},
		{name: "KMS key policy must allow", want: NoAllow, refs: []string{"needs its own policy"},
			in: Input{Request: Request{Action: "kms:Decrypt", Resource: key, Principal: quinn}, Identity: named(t, "id", allowKMS),
				Resource: named(t, "key", keyOther), ResourceRequired: true}},
		{name: "KMS key policy delegating to the account", want: Allowed,
			in: Input{Request: Request{Action: "kms:Decrypt", Resource: key, Principal: quinn}, Identity: named(t, "id", allowKMS),
				Resource: named(t, "key", keyRoot), ResourceRequired: true}},
		{name: "KMS key policy delegating, no identity allow", want: NoAllow,
			in: Input{Request: Request{Action: "kms:Decrypt", Resource: key, Principal: quinn},
				Resource: named(t, "key", keyRoot), ResourceRequired: true}},
		{name: "KMS key policy naming the user", want: Allowed,
			in: Input{Request: Request{Action: "kms:Decrypt", Resource: key, Principal: quinn},
				Resource: named(t, "key", keyQuinn), ResourceRequired: true}},
		{name: "NotPrincipal spares the listed user", want: Allowed,
			in: Input{Request: Request{Action: "s3:GetObject", Resource: object, Principal: quinn}, Identity: named(t, "id", allowS3),
				Resource: named(t, "bucket", notPrincipal)}},
		{name: "NotPrincipal denies everyone else", want: Denied, refs: []string{"OnlyQuinn"},
			in: Input{Request: Request{Action: "s3:GetObject", Resource: object, Principal: ada}, Identity: named(t, "id", allowS3),
				Resource: named(t, "bucket", notPrincipal)}},
		{name: "NotPrincipal listing only a user, not its account", want: Denied,
			in: Input{Request: Request{Action: "s3:GetObject", Resource: object, Principal: quinn}, Identity: named(t, "id", allowS3),
				Resource: named(t, "bucket", `{"Statement":[{"Effect":"Deny","NotPrincipal":{"AWS":"`+quinn.ARN+`"},"Action":"s3:*","Resource":"*"}]}`)}},
		{name: "NotPrincipal Deny always hits a principal with a boundary", want: Denied,
			in: Input{Request: Request{Action: "s3:GetObject", Resource: object, Principal: bounded}, Identity: named(t, "id", allowS3), Boundary: named(t, "pb", allowS3),
				Resource: named(t, "bucket", `{"Statement":[{"Effect":"Deny","NotPrincipal":{"AWS":["arn:aws:iam::`+acctA+`:root","`+app.ARN+`"]},"Action":"s3:*","Resource":"*"}]}`)}},
		{name: "Principal star with an unknown condition", want: MaybeAllowed,
			in: Input{Request: Request{Action: "s3:GetObject", Resource: object, Principal: quinn}, Resource: named(t, "bucket", anyoneInOrg)}},
		{name: "Principal star with a known condition", want: Allowed,
			in: Input{Request: Request{Action: "s3:GetObject", Resource: object, Principal: quinn,
				Context: Context{Values: map[string][]string{"aws:PrincipalAccount": {acctA}}}}, Resource: named(t, "bucket", anyoneInOrg)}},
		{name: "service principal", want: Allowed,
			in: Input{Request: Request{Action: "sqs:ReceiveMessage", Resource: "arn:aws:sqs:us-east-1:" + acctA + ":jobs", Principal: lambda}, Resource: named(t, "queue", queue)}},
		{name: "other service principal", want: NoAllow,
			in: Input{Request: Request{Action: "sqs:ReceiveMessage", Resource: "arn:aws:sqs:us-east-1:" + acctA + ":jobs", Principal: Principal{Service: "sns.amazonaws.com"}}, Resource: named(t, "queue", queue)}},
		{name: "session policy limits", want: NoAllow, refs: []string{"session policy"},
			in: Input{Request: Request{Action: "s3:PutObject", Resource: object, Principal: app}, Identity: named(t, "id", allowS3), Session: named(t, "sp", allowGet)}},
		{name: "account root user needs no identity policy", want: Allowed,
			in: Input{Request: Request{Action: "s3:GetObject", Resource: object, Principal: root}}},
		{name: "trust policy naming the account needs an identity allow", want: NoAllow,
			in: Input{Request: Request{Action: "sts:AssumeRole", Resource: "arn:aws:iam::" + acctA + ":role/admin", Principal: quinn},
				Resource: named(t, "admin", `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"`+acctA+`"},"Action":"sts:AssumeRole"}]}`), ResourceRequired: true, ResourceLayer: LayerTrust}},
		{name: "trust policy naming the user", want: Allowed, refs: []string{"trust policy of admin"},
			in: Input{Request: Request{Action: "sts:AssumeRole", Resource: "arn:aws:iam::" + acctA + ":role/admin", Principal: quinn},
				Resource: named(t, "admin", `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"`+quinn.ARN+`"},"Action":"sts:AssumeRole"}]}`), ResourceRequired: true, ResourceLayer: LayerTrust}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := EvaluateRequest(tc.in)
			if d.Effect != tc.want {
				t.Fatalf("EvaluateRequest = %v (%s), want %v", d.Effect, d, tc.want)
			}
			text := d.String()
			for _, r := range tc.refs {
				if !strings.Contains(text, r) {
					t.Errorf("explanation %q does not name %q", text, r)
				}
			}
		})
	}
}

// TestUnknownAccountPrincipal: Terraform renders an account id it cannot
// resolve as "" or arn:aws:iam:::root. Both name the principals of that
// unknown account, and may name a principal of a known account.
func TestUnknownAccountPrincipal(t *testing.T) {
	unknownUser := Principal{ARN: "arn:aws:iam:::user/admin"}
	knownUser := Principal{ARN: "arn:aws:iam::" + acctA + ":user/admin", Account: acctA}
	assume := `{"Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}`
	trust := func(p string) string {
		return `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"` + p + `"},"Action":"sts:AssumeRole"}]}`
	}
	role := "arn:aws:iam:::role/reader"
	tests := []struct {
		name      string
		principal Principal
		value     string
		want      Effect
	}{
		{"empty id, unknown account", unknownUser, "", Allowed},
		{"root of no account, unknown account", unknownUser, "arn:aws:iam:::root", Allowed},
		{"empty id, known account", knownUser, "", MaybeAllowed},
		{"another known account", knownUser, "arn:aws:iam::" + acctB + ":root", NoAllow},
	}
	for _, tc := range tests {
		in := Input{Request: Request{Action: "sts:AssumeRole", Resource: role, Principal: tc.principal},
			Identity: named(t, "id", assume), Resource: named(t, "trust", trust(tc.value)), ResourceRequired: true, ResourceLayer: LayerTrust}
		if got := EvaluateRequest(in); got.Effect != tc.want {
			t.Errorf("%s: %s, want %v", tc.name, got, tc.want)
		}
	}
}

func TestMatchARNLiteralParts(t *testing.T) {
	tests := []struct {
		pattern, arn string
		want         bool
	}{
		{"arn:aws:s3:::example-org-ledger", "arn:aws:s3:::example-org-ledger", true},
		// The first five parts ignore case, the resource part does not.
		{"arn:AWS:S3:::example-org-ledger", "arn:aws:s3:::example-org-ledger", true},
		{"arn:aws:s3:::Example-Org-Ledger", "arn:aws:s3:::example-org-ledger", false},
		{"arn:aws:iam::111122223333:role/web", "arn:aws:iam::444455556666:role/web", false},
		{"arn:aws:s3:::example-org-ledger", "arn:aws:s3:::example-org-ledger/*", false},
		{"arn:aws:s3:::example-org-ledger/*", "arn:aws:s3:::example-org-ledger/a.csv", true},
		{"not-an-arn", "NOT-AN-ARN", false},
	}
	for _, tc := range tests {
		if got := MatchARN(tc.pattern, tc.arn); got != tc.want {
			t.Errorf("MatchARN(%q, %q) = %v, want %v", tc.pattern, tc.arn, got, tc.want)
		}
	}
}
