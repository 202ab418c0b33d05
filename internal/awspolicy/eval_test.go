package awspolicy

import (
	"strings"
	"testing"
)

func mustParse(t *testing.T, doc string) *Policy {
	t.Helper()
	p, err := Parse(doc)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return p
}

func named(t *testing.T, name, doc string) []Named {
	t.Helper()
	return []Named{{Name: name, Policy: mustParse(t, doc)}}
}

func TestEvaluate(t *testing.T) {
	allowS3 := `{"Statement":{"Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::data/*"}}`
	denyAll := `{"Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}`
	notAction := `{"Statement":[{"Effect":"Allow","NotAction":["iam:*"],"Resource":"*"}]}`
	notResource := `{"Statement":[{"Effect":"Allow","Action":"s3:*","NotResource":["arn:aws:s3:::secret-bucket","arn:aws:s3:::secret-bucket/*"]}]}`
	denyNotResource := `{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"},{"Effect":"Deny","Action":"s3:*","NotResource":"arn:aws:s3:::public/*"}]}`
	mfa := `{"Statement":[{"Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}`
	maybeDeny := `{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"},{"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"NotIpAddress":{"aws:SourceIp":"192.0.2.0/24"}}}]}`
	home := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::home/${aws:username}/*"}]}`
	oldHome := `{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::home/${aws:username}/*"}]}`
	short := `{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:*"}]}`
	user := func(name string) Context {
		return Context{Values: map[string][]string{"aws:username": {name}}, Complete: true}
	}
	tests := []struct {
		name     string
		policies []string
		req      Request
		want     Effect
	}{
		{"wildcard action allows", []string{allowS3}, Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::data/x"}, Allowed},
		{"action is case-insensitive", []string{allowS3}, Request{Action: "S3:getobject", Resource: "arn:aws:s3:::data/x"}, Allowed},
		{"resource part is case-sensitive", []string{allowS3}, Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::DATA/x"}, NoAllow},
		{"service part is case-insensitive", []string{allowS3}, Request{Action: "s3:GetObject", Resource: "arn:aws:S3:::data/x"}, Allowed},
		{"other action has no allow", []string{allowS3}, Request{Action: "s3:PutObject", Resource: "arn:aws:s3:::data/x"}, NoAllow},
		{"deny wins over allow", []string{allowS3, denyAll}, Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::data/x"}, Denied},
		{"NotAction allows other services", []string{notAction}, Request{Action: "s3:PutObject", Resource: "arn:aws:s3:::x"}, Allowed},
		{"NotAction excludes iam", []string{notAction}, Request{Action: "iam:CreateAccessKey", Resource: "*"}, NoAllow},
		{"NotResource allows others", []string{notResource}, Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::other/k"}, Allowed},
		{"NotResource excludes its own", []string{notResource}, Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::secret-bucket/k"}, NoAllow},
		{"Deny NotResource spares its list", []string{denyNotResource}, Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::public/k"}, Allowed},
		{"Deny NotResource denies the rest", []string{denyNotResource}, Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::private/k"}, Denied},
		{"unknown condition is possible", []string{mfa}, Request{Action: "secretsmanager:GetSecretValue", Resource: "arn:x"}, MaybeAllowed},
		{"known false condition fails", []string{mfa}, Request{Action: "secretsmanager:GetSecretValue", Resource: "arn:x",
			Context: Context{Values: map[string][]string{"aws:MultiFactorAuthPresent": {"false"}}}}, NoAllow},
		{"undecidable deny leaves doubt", []string{maybeDeny}, Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k"}, MaybeAllowed},
		{"deny whose condition fails", []string{maybeDeny}, Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k",
			Context: Context{Values: map[string][]string{"aws:SourceIp": {"192.0.2.9"}}}}, Allowed},
		{"deny whose condition holds", []string{maybeDeny}, Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k",
			Context: Context{Values: map[string][]string{"aws:SourceIp": {"198.51.100.1"}}}}, Denied},
		{"policy variable resolved", []string{home}, Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::home/quinn/notes", Context: user("quinn")}, Allowed},
		{"policy variable of another user", []string{home}, Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::home/quinn/notes", Context: user("ada")}, NoAllow},
		{"policy variable unknown", []string{home}, Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::home/quinn/notes"}, MaybeAllowed},
		{"policy variable missing", []string{home}, Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::home/quinn/notes", Context: Context{Complete: true}}, NoAllow},
		// A key given with no value is known to be missing, as a role's
		// session lacks aws:username, though other keys are not known.
		{"policy variable known missing", []string{home}, Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::home/quinn/notes",
			Context: Context{Values: map[string][]string{"aws:username": {}}}}, NoAllow},
		{"policy variable known missing, with a default", []string{strings.Replace(home, "${aws:username}", "${aws:username, 'quinn'}", 1)},
			Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::home/quinn/notes", Context: Context{Values: map[string][]string{"aws:username": {}}}}, Allowed},
		{"old version reads variables literally", []string{oldHome}, Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::home/${aws:username}/x", Context: user("quinn")}, Allowed},
		{"old version never resolves", []string{oldHome}, Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::home/quinn/x", Context: user("quinn")}, NoAllow},
		{"short ARN with a trailing star", []string{short}, Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k"}, Allowed},
		{"pattern request: allow on part", []string{allowS3}, Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::data/*"}, Allowed},
		{"pattern request: deny on part", []string{`{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"},{"Effect":"Deny","Action":"s3:*","Resource":"arn:aws:s3:::b/private/*"}]}`},
			Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*"}, Allowed},
		{"pattern request: deny on all", []string{`{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"},{"Effect":"Deny","Action":"s3:*","Resource":"arn:aws:s3:::b*"}]}`},
			Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*"}, Denied},
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
	ctx := Context{Complete: true, Values: map[string][]string{
		"token.actions.githubusercontent.com:sub": {"repo:example-org/api:ref:refs/heads/main"},
		"aws:SourceArn":         {"arn:aws:sns:us-east-1:111122223333:alerts"},
		"aws:SecureTransport":   {"true"},
		"s3:max-keys":           {"10"},
		"aws:CurrentTime":       {"2026-06-01T12:00:00Z"},
		"aws:EpochTime":         {"1780315200"},
		"aws:SourceIp":          {"203.0.113.7"},
		"aws:TagKeys":           {"env", "team"},
		"aws:PrincipalTag/team": {"data"},
		"custom:blob":           {"aGVsbG8="},
		"aws:username":          {"quinn"},
	}}
	sub := "token.actions.githubusercontent.com:sub"
	tests := []struct {
		op   string
		key  string
		want []string
		res  Tri
	}{
		{"StringEquals", sub, []string{"repo:example-org/api:ref:refs/heads/main"}, True},
		{"StringEquals", sub, []string{"repo:example-org/api:environment:prod"}, False},
		{"StringEquals", sub, []string{"repo:example-org/api:*"}, False}, // no wildcards in StringEquals
		{"StringNotEquals", sub, []string{"repo:example-org/web:ref:refs/heads/main"}, True},
		{"StringNotEquals", sub, []string{"x", "repo:example-org/api:ref:refs/heads/main"}, False}, // NOR over values
		{"StringEqualsIgnoreCase", sub, []string{"REPO:example-org/API:ref:refs/heads/main"}, True},
		{"StringNotEqualsIgnoreCase", sub, []string{"REPO:example-org/API:ref:refs/heads/main"}, False},
		{"StringLike", sub, []string{"repo:example-org/api:*"}, True},
		{"StringLike", sub, []string{"repo:example-org/web:*"}, False},
		{"StringLike", sub, []string{"repo:example-org/ap?:ref:*"}, True},
		{"StringNotLike", sub, []string{"repo:example-org/web:*"}, True},
		{"StringNotLike", sub, []string{"repo:*"}, False},
		{"StringLike", "aws:SourceArn", []string{"arn:aws:sns:*:${aws:PrincipalAccount}:*"}, False}, // variable known missing
		{"StringLike", sub, []string{"repo:example-org/${aws:username}:*"}, False},
		{"ArnEquals", "aws:SourceArn", []string{"arn:aws:sns:us-east-1:111122223333:alerts"}, True},
		{"ArnLike", "aws:SourceArn", []string{"arn:aws:sns:*:111122223333:*"}, True},
		{"ArnLike", "aws:SourceArn", []string{"arn:aws:sqs:*:111122223333:*"}, False},
		{"ArnNotEquals", "aws:SourceArn", []string{"arn:aws:sns:us-east-1:111122223333:other"}, True},
		{"ArnNotLike", "aws:SourceArn", []string{"arn:aws:sns:*:*:*"}, False},
		{"Bool", "aws:SecureTransport", []string{"true"}, True},
		{"Bool", "aws:SecureTransport", []string{"false"}, False},
		{"BoolIfExists", "aws:MultiFactorAuthPresent", []string{"true"}, True}, // missing key
		{"Null", "aws:MultiFactorAuthPresent", []string{"true"}, True},
		{"Null", "aws:MultiFactorAuthPresent", []string{"false"}, False},
		{"Null", "aws:SecureTransport", []string{"false"}, True},
		{"NumericEquals", "s3:max-keys", []string{"10"}, True},
		{"NumericNotEquals", "s3:max-keys", []string{"10"}, False},
		{"NumericLessThan", "s3:max-keys", []string{"11"}, True},
		{"NumericLessThan", "s3:max-keys", []string{"10"}, False},
		{"NumericLessThanEquals", "s3:max-keys", []string{"10"}, True},
		{"NumericGreaterThan", "s3:max-keys", []string{"9.5"}, True},
		{"NumericGreaterThanEquals", "s3:max-keys", []string{"11"}, False},
		{"NumericEquals", "s3:max-keys", []string{"ten"}, False},
		{"DateEquals", "aws:CurrentTime", []string{"2026-06-01T12:00:00Z"}, True},
		{"DateNotEquals", "aws:CurrentTime", []string{"2026-06-01T12:00:00Z"}, False},
		{"DateLessThan", "aws:CurrentTime", []string{"2027-01-01"}, True},
		{"DateLessThanEquals", "aws:CurrentTime", []string{"2026-06-01T11:00:00-01:00"}, True},
		{"DateGreaterThan", "aws:CurrentTime", []string{"2026-06-01"}, True},
		{"DateGreaterThanEquals", "aws:CurrentTime", []string{"2026-06-02"}, False},
		{"DateGreaterThan", "aws:EpochTime", []string{"2026-06-01T11:59:59Z"}, True},
		{"DateLessThan", "aws:CurrentTime", []string{"1780315201"}, True},
		{"IpAddress", "aws:SourceIp", []string{"203.0.113.0/24"}, True},
		{"IpAddress", "aws:SourceIp", []string{"198.51.100.0/24", "203.0.113.7"}, True},
		{"IpAddress", "aws:SourceIp", []string{"2001:db8::/32"}, False},
		{"NotIpAddress", "aws:SourceIp", []string{"203.0.113.0/24"}, False},
		{"NotIpAddress", "aws:SourceIp", []string{"192.0.2.0/24"}, True},
		{"BinaryEquals", "custom:blob", []string{"aGVsbG8="}, True},
		{"BinaryEquals", "custom:blob", []string{"aGVsbG9v"}, False},
		{"ForAnyValue:StringEquals", "aws:TagKeys", []string{"team"}, True},
		{"ForAnyValue:StringEquals", "aws:TagKeys", []string{"owner"}, False},
		{"ForAllValues:StringEquals", "aws:TagKeys", []string{"env", "team", "owner"}, True},
		{"ForAllValues:StringEquals", "aws:TagKeys", []string{"env"}, False},
		{"ForAllValues:StringEquals", "aws:RequestTag/x", []string{"env"}, True}, // missing key: vacuous
		{"ForAnyValue:StringEquals", "aws:RequestTag/x", []string{"env"}, False},
		{"ForAnyValue:StringNotEquals", "aws:TagKeys", []string{"env"}, True},
		{"ForAllValues:StringNotEquals", "aws:TagKeys", []string{"env"}, False},
		{"ForAllValues:StringLikeIfExists", "aws:TagKeys", []string{"*"}, True},
		{"StringEqualsIfExists", "aws:SourceVpc", []string{"vpc-1"}, True},
		{"StringEquals", "aws:SourceVpc", []string{"vpc-1"}, False},
		{"StringNotEquals", "aws:SourceVpc", []string{"vpc-1"}, True},     // missing key: negated holds
		{"StringEquals", "AWS:PRINCIPALTAG/TEAM", []string{"data"}, True}, // keys ignore case
		{"StringEquals", "aws:PrincipalTag/team", []string{"DATA"}, False},
		{"NoSuchOperator", sub, []string{"x"}, Unknown},
	}
	for _, tc := range tests {
		cond := map[string]map[string][]string{tc.op: {tc.key: tc.want}}
		got, _ := EvalConditions(cond, ctx)
		if got != tc.res {
			t.Errorf("%s %s %v = %v, want %v", tc.op, tc.key, tc.want, got, tc.res)
		}
		if got := ConditionsHold(cond, ctx); got != tc.res {
			t.Errorf("ConditionsHold: %s %s %v = %v, want %v", tc.op, tc.key, tc.want, got, tc.res)
		}
	}
	// Blocks of several operators and keys: every one must hold, a false
	// one decides whatever else is unknown.
	blocks := []struct {
		name string
		cond map[string]map[string][]string
		res  Tri
	}{
		{"all true", map[string]map[string][]string{"StringLike": {sub: {"repo:example-org/*"}}, "Bool": {"aws:SecureTransport": {"true"}}}, True},
		{"one false", map[string]map[string][]string{"StringLike": {sub: {"repo:example-org/*"}}, "Bool": {"aws:SecureTransport": {"false"}}}, False},
		{"unknown and true", map[string]map[string][]string{"StringLike": {sub: {"repo:example-org/*"}}, "NoSuchOperator": {sub: {"x"}}}, Unknown},
		{"unknown and false", map[string]map[string][]string{"NoSuchOperator": {sub: {"x"}}, "StringEquals": {sub: {"repo:other/api"}}}, False},
		{"two keys, one false", map[string]map[string][]string{"StringEquals": {"aws:username": {"quinn"}, "aws:PrincipalTag/team": {"ops"}}}, False},
	}
	for _, b := range blocks {
		got, _ := EvalConditions(b.cond, ctx)
		if got != b.res {
			t.Errorf("%s: EvalConditions = %v, want %v", b.name, got, b.res)
		}
		if got := ConditionsHold(b.cond, ctx); got != b.res {
			t.Errorf("%s: ConditionsHold = %v, want %v", b.name, got, b.res)
		}
	}

	// Keys the request may carry, but the input does not show, are unknown
	// for every operator but ForAllValues over a key known to be missing.
	open := Context{Values: map[string][]string{"aws:username": {"quinn"}}}
	for _, op := range []string{"StringEquals", "StringNotEquals", "Bool", "Null", "IpAddress", "NumericLessThan",
		"DateLessThan", "ArnLike", "BinaryEquals", "StringEqualsIfExists", "ForAnyValue:StringLike", "ForAllValues:StringLike"} {
		got, why := EvalConditions(map[string]map[string][]string{op: {"aws:SourceVpce": {"vpce-1"}}}, open)
		if got != Unknown || !strings.Contains(why, "aws:SourceVpce") {
			t.Errorf("%s on an unknown key = %v (%q), want unknown naming the key", op, got, why)
		}
	}
	// A policy variable the input does not give leaves the match unknown.
	got, _ := EvalConditions(map[string]map[string][]string{"StringLike": {"aws:PrincipalArn": {"arn:aws:iam::${aws:PrincipalAccount}:user/*"}}},
		Context{Values: map[string][]string{"aws:PrincipalArn": {"arn:aws:iam::111122223333:user/quinn"}}})
	if got != Unknown {
		t.Errorf("unresolved variable = %v, want unknown", got)
	}
}

func TestMatchARN(t *testing.T) {
	tests := []struct {
		p, arn string
		want   bool
	}{
		{"*", "arn:aws:s3:::b", true},
		{"arn:aws:s3:::b/*", "arn:aws:s3:::b/x/y", true},
		{"arn:aws:s3:::b/*", "arn:aws:s3:::b", false},
		{"arn:aws:s3:::b*", "arn:aws:s3:::b/x", true},
		{"arn:aws:iam::*:role/ops-?", "arn:aws:iam::111122223333:role/ops-a", true},
		{"arn:aws:iam::*:role/ops-?", "arn:aws:iam::111122223333:role/ops-ab", false},
		{"arn:aws:iam::111122223333:*", "arn:aws:iam::111122223333:user/a:b", true},
		{"arn:*:iam::*:user/a", "arn:aws-cn:iam::111122223333:user/a", true},
		{"arn:aws:iam::1*3:user/a", "arn:aws:iam::111122223333:user/a", true},
		{"arn:aws:iam::1*3:user/a", "arn:aws:iam::111122223334:user/a", false},
		{"arn:aws:*:us-east-1:*", "arn:aws:sqs:us-east-1:111122223333:q", true},  // short, trailing star
		{"arn:aws:sqs:us-east-1", "arn:aws:sqs:us-east-1:111122223333:q", false}, // short, no star
		{"arn:aws:sqs:*:*:q", "arn:aws:sqs:us-east-1:111122223333:q", true},      // star stays in its part
		{"arn:aws:sqs:*:q", "arn:aws:sqs:us-east-1:111122223333:q", false},       // four parts, last not a star
		{"arn:aws:s3:::Data/*", "arn:aws:s3:::data/k", false},                    // resource part keeps case
		{"arn:aws:secretsmanager:*:*:secret:prod/*", "arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-AbCdEf", true},
	}
	for _, tc := range tests {
		if got := MatchARN(tc.p, tc.arn); got != tc.want {
			t.Errorf("MatchARN(%q, %q) = %v, want %v", tc.p, tc.arn, got, tc.want)
		}
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
		{"a?c", "abc", true},
		{"a?c", "ac", false},
		{"*:sub", "x:y:sub", true},
		{"é?", "éa", true},
	}
	for _, tc := range tests {
		if got := Glob(tc.p, tc.s); got != tc.want {
			t.Errorf("Glob(%q, %q) = %v, want %v", tc.p, tc.s, got, tc.want)
		}
	}
}

func TestTerraformReferenceIsText(t *testing.T) {
	p := mustParse(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::cg-${var.cgid}/*"}]}`)
	req := Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::cg-${var.cgid}/k"}
	if got := Evaluate([]Named{{Name: "p", Policy: p}}, req).Effect; got != Allowed {
		t.Errorf("an unresolved reference in both the policy and the ARN = %v, want allowed", got)
	}
}
