package awspolicy

import "testing"

func mustParse(t *testing.T, doc string) *Policy {
	t.Helper()
	p, err := Parse(doc)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return p
}

func TestEvaluate(t *testing.T) {
	allowS3 := `{"Statement":{"Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::data/*"}}`
	denyAll := `{"Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}`
	notAction := `{"Statement":[{"Effect":"Allow","NotAction":["iam:*"],"Resource":"*"}]}`
	mfa := `{"Statement":[{"Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}`
	tests := []struct {
		name     string
		policies []string
		req      Request
		want     Effect
	}{
		{"wildcard action allows", []string{allowS3}, Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::data/x"}, Allowed},
		{"action is case-insensitive", []string{allowS3}, Request{Action: "S3:getobject", Resource: "arn:aws:s3:::data/x"}, Allowed},
		{"resource is case-sensitive", []string{allowS3}, Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::DATA/x"}, NoAllow},
		{"other action has no allow", []string{allowS3}, Request{Action: "s3:PutObject", Resource: "arn:aws:s3:::data/x"}, NoAllow},
		{"deny wins over allow", []string{allowS3, denyAll}, Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::data/x"}, Denied},
		{"NotAction allows other services", []string{notAction}, Request{Action: "s3:PutObject", Resource: "arn:aws:s3:::x"}, Allowed},
		{"NotAction excludes iam", []string{notAction}, Request{Action: "iam:CreateAccessKey", Resource: "*"}, NoAllow},
		{"unknown condition is possible", []string{mfa}, Request{Action: "secretsmanager:GetSecretValue", Resource: "arn:x"}, MaybeAllowed},
		{"known false condition fails", []string{mfa}, Request{Action: "secretsmanager:GetSecretValue", Resource: "arn:x",
			Context: Context{Values: map[string][]string{"aws:MultiFactorAuthPresent": {"false"}}}}, NoAllow},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var ps []Named
			for i, d := range tc.policies {
				ps = append(ps, Named{Name: string(rune('a' + i)), Policy: mustParse(t, d)})
			}
			if got := Evaluate(ps, tc.req).Effect; got != tc.want {
				t.Errorf("Evaluate = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestConditionOperators(t *testing.T) {
	sub := "token.actions.githubusercontent.com:sub"
	ctx := Context{Values: map[string][]string{sub: {"repo:example-org/api:ref:refs/heads/main"}}, Complete: true}
	tests := []struct {
		op   string
		want []string
		res  Tri
	}{
		{"StringEquals", []string{"repo:example-org/api:ref:refs/heads/main"}, True},
		{"StringEquals", []string{"repo:example-org/api:environment:prod"}, False},
		{"StringLike", []string{"repo:example-org/api:*"}, True},
		{"StringLike", []string{"repo:example-org/web:*"}, False},
		{"StringNotLike", []string{"repo:example-org/web:*"}, True},
		{"StringEqualsIgnoreCase", []string{"REPO:example-org/API:ref:refs/heads/main"}, True},
		{"ForAnyValue:StringLike", []string{"*:ref:refs/heads/main"}, True},
		{"StringEqualsIfExists", []string{"x"}, False},
	}
	for _, tc := range tests {
		got, _ := EvalConditions(map[string]map[string][]string{tc.op: {sub: tc.want}}, ctx)
		if got != tc.res {
			t.Errorf("%s %v = %v, want %v", tc.op, tc.want, got, tc.res)
		}
	}
	// A missing key under IfExists holds; under a positive operator it fails.
	empty := Context{Complete: true}
	if got, _ := EvalConditions(map[string]map[string][]string{"StringEqualsIfExists": {"aws:SourceVpc": {"vpc-1"}}}, empty); got != True {
		t.Errorf("IfExists on missing key = %v, want true", got)
	}
	if got, _ := EvalConditions(map[string]map[string][]string{"Null": {"aws:TokenIssueTime": {"true"}}}, empty); got != True {
		t.Errorf("Null true on missing key = %v, want true", got)
	}
}

func TestGlob(t *testing.T) {
	tests := []struct {
		p, s string
		want bool
	}{
		{"*", "", true},
		{"a*c", "abbbc", true},
		{"a*c", "abbb", false},
		{"arn:aws:s3:::b/*", "arn:aws:s3:::b/x/y", true},
		{"a?c", "abc", true},
		{"a?c", "ac", false},
		{"*:sub", "x:y:sub", true},
	}
	for _, tc := range tests {
		if got := Glob(tc.p, tc.s); got != tc.want {
			t.Errorf("Glob(%q, %q) = %v, want %v", tc.p, tc.s, got, tc.want)
		}
	}
}
