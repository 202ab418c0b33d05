package awspolicy

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The oracle test runs generated requests through this package and
// through @cloud-copilot/iam-simulate (installed by `npm ci` in oracle/,
// a test-only folder) and compares the decisions. Every disagreement must
// fall in a class of oracleDisagreements, which says why.

const oracleCases = 400

// oracleDisagreements lists the known classes of disagreement, by the
// name classify gives them, with the reason.
var oracleDisagreements = map[string]string{
	"both deny": "both refuse the request and differ only in calling the denial explicit or implicit, so reach " +
		"is the same. awspolicy looks for an explicit Deny in every policy first, as the AWS evaluation logic " +
		"does, where iam-simulate stops at the first layer (an SCP level, the identity side) that gives no allow; " +
		"and a Deny whose NotResource holds a policy variable without a value is only possible for awspolicy " +
		"(AWS may void such a statement) where iam-simulate applies it",
	"unresolvable variable": "a deciding statement uses a policy variable the request has no value for " +
		"(${aws:username} for a role session) where AWS's reading is not settled: the IAM guide says such a " +
		"variable may make the whole statement invalid, iam-simulate treats the entry as a mismatch; awspolicy " +
		"answers possible",
	"short NotResource": "a NotResource entry written as a short ARN ending in a star (arn:aws:s3:*) names every " +
		"resource of that service, so NotResource applies the statement to every other resource; iam-simulate " +
		"pads the short ARN but does not invert its mismatch, so the statement applies to nothing",
	"NotPrincipal account": "a Deny with NotPrincipal listing an account root and one user of it: awspolicy spares " +
		"only the listed user (the NotPrincipal page says AWS checks the account, then the user or role, then the " +
		"session, and that the account must be listed beside the principal), iam-simulate spares every principal " +
		"of the listed account (its code notes the question is not settled)",
	"user grant past boundary": "a resource policy naming an IAM user of the same account grants although the " +
		"user's permissions boundary allows nothing: AWS documents that permissions boundaries do not limit what a " +
		"resource-based policy grants to an IAM user ARN within the account (IAM User Guide, permissions boundaries, " +
		"and the policy evaluation logic); iam-simulate applies the boundary",
}

type oracleCase struct {
	desc string
	in   Input
	sim  map[string]any
}

// classify names the class of a disagreement, or "" when none fits.
func classify(c oracleCase, mine, theirs string) string {
	in := c.in
	refused := func(s string) bool { return s == "ExplicitlyDenied" || s == "ImplicitlyDenied" }
	if refused(mine) && refused(theirs) {
		return "both deny"
	}
	if mine == "Unknown" && strings.Contains(EvaluateRequest(in).Why, "which may void the statement") {
		return "unresolvable variable"
	}
	if (mine == "ExplicitlyDenied" && theirs == "Allowed") || (mine == "Allowed" && theirs != "Allowed") {
		if decidingShortNotResource(in, mine) {
			return "short NotResource"
		}
	}
	if mine == "ExplicitlyDenied" && theirs == "Allowed" {
		d := EvaluateRequest(in)
		if st := statementOf(in, d.Deny); st != nil && st.NotPrincipal != nil && listsAccount(st.NotPrincipal, in.Request.Principal.account()) {
			return "NotPrincipal account"
		}
	}
	if mine == "Allowed" && theirs == "ImplicitlyDenied" && in.Request.Principal.kind() == "user" && in.Boundary != nil {
		noBoundary, noResource := in, in
		noBoundary.Boundary, noResource.Resource = nil, nil
		bl := evalLayer(LayerBoundary, in.Boundary, in.Request)
		if bl.allow.any() == False && EvaluateRequest(noBoundary).Effect == Allowed && EvaluateRequest(noResource).Effect != Allowed {
			return "user grant past boundary"
		}
	}
	return ""
}

// statementOf finds the statement a reference points at.
func statementOf(in Input, ref *Ref) *Statement {
	if ref == nil {
		return nil
	}
	all := append(append(append(append([]Named{}, in.Identity...), in.Boundary...), in.Resource...), in.Session...)
	for _, set := range in.SCPs {
		all = append(all, set.Policies...)
	}
	for _, p := range all {
		if p.Name == ref.Policy && ref.Statement < len(p.Policy.Statements) {
			return &p.Policy.Statements[ref.Statement]
		}
	}
	return nil
}

// decidingShortNotResource reports whether a statement that decides
// (the Deny, or an allow) has a NotResource entry that is a short ARN.
func decidingShortNotResource(in Input, mine string) bool {
	d := EvaluateRequest(in)
	refs := d.Statements
	if d.Deny != nil {
		refs = append(refs, *d.Deny)
	}
	for i := range refs {
		if st := statementOf(in, &refs[i]); st != nil {
			for _, nr := range st.NotResource {
				if nr != "*" && len(splitARN(nr)) < 6 {
					return true
				}
			}
		}
	}
	return false
}

func TestOracle(t *testing.T) {
	node, err := exec.LookPath("node")
	pkg := filepath.Join("oracle", "node_modules", "@cloud-copilot", "iam-simulate")
	_, statErr := os.Stat(pkg)
	if err != nil || statErr != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("the oracle is required under CI: node %v, package %v (run npm ci in internal/awspolicy/oracle)", err, statErr)
		}
		t.Skip("node or @cloud-copilot/iam-simulate is absent: run npm ci in internal/awspolicy/oracle")
	}

	cases := genOracleCases(rand.New(rand.NewSource(20260601)), oracleCases)
	sims := make([]map[string]any, len(cases))
	for i, c := range cases {
		sims[i] = c.sim
	}
	input, err := json.Marshal(sims)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "simulate.mjs")
	cmd.Dir = "oracle"
	cmd.Stdin = bytes.NewReader(input)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("oracle: %v\n%s", err, stderr.String())
	}
	var results []struct {
		Result string `json:"result"`
		Error  string `json:"error"`
	}
	if err := json.Unmarshal(out, &results); err != nil || len(results) != len(cases) {
		t.Fatalf("oracle answered %d results for %d cases: %v", len(results), len(cases), err)
	}

	agree, rejected := 0, 0
	outcomes := map[string]int{}
	classes := map[string]int{}
	for i, c := range cases {
		r := results[i]
		if r.Error != "" {
			rejected++
			t.Errorf("case %d (%s): the oracle rejected the request: %s", i, c.desc, r.Error)
			continue
		}
		d := EvaluateRequest(c.in)
		mine := map[Effect]string{Allowed: "Allowed", Denied: "ExplicitlyDenied", NoAllow: "ImplicitlyDenied", MaybeAllowed: "Unknown"}[d.Effect]
		outcomes[r.Result]++
		if mine == r.Result {
			agree++
			continue
		}
		class := classify(c, mine, r.Result)
		if _, ok := oracleDisagreements[class]; !ok || class == "" {
			t.Errorf("case %d (%s): awspolicy says %s (%s), iam-simulate says %s", i, c.desc, mine, d, r.Result)
			continue
		}
		classes[class]++
	}
	t.Logf("%d cases (oracle outcomes %v): %d agree, %d known disagreements %v, %d rejected by the oracle",
		len(cases), outcomes, agree, len(cases)-agree-rejected, classes, rejected)
}

// The generator draws requests against a small world: users and a role
// session in account A, a user in account B, an S3 bucket, an SQS queue
// and an IAM role, with policies built from parts that exercise every
// element and condition operator. Every context key the policies read is
// given a value or is left out on purpose, so that both evaluators see a
// complete request.
const (
	oA = "111122223333"
	oB = "444455556666"
)

type oracleRequest struct {
	action, resource, account string
}

var oracleRequests = []oracleRequest{
	{"s3:GetObject", "arn:aws:s3:::example-bucket/home/quinn/notes.txt", oA},
	{"s3:GetObject", "arn:aws:s3:::example-bucket/public/index.html", oA},
	{"s3:PutObject", "arn:aws:s3:::example-bucket/home/ada/x", oA},
	{"s3:ListBucket", "arn:aws:s3:::example-bucket", oA},
	{"s3:GetObject", "arn:aws:s3:::partner-bucket/data.csv", oB},
	{"sqs:SendMessage", "arn:aws:sqs:us-east-1:" + oA + ":jobs", oA},
	{"sqs:SendMessage", "arn:aws:sqs:us-east-1:" + oB + ":jobs", oB},
	{"iam:PassRole", "arn:aws:iam::" + oA + ":role/deploy", oA},
	{"iam:CreateAccessKey", "arn:aws:iam::" + oA + ":user/ada", oA},
	{"ec2:StartInstances", "arn:aws:ec2:us-east-1:" + oA + ":instance/i-0abc", oA},
}

var oraclePrincipals = []Principal{
	{ARN: "arn:aws:iam::" + oA + ":user/quinn", Account: oA},
	{ARN: "arn:aws:iam::" + oA + ":user/ada", Account: oA},
	{ARN: "arn:aws:sts::" + oA + ":assumed-role/app/run-1", Account: oA},
	{ARN: "arn:aws:iam::" + oB + ":user/ext", Account: oB},
}

var oracleActions = []string{"s3:GetObject", "s3:PutObject", "s3:Get*", "s3:*", "*", "s3:List*", "sqs:*", "sqs:SendMessage",
	"iam:PassRole", "iam:*", "iam:Create*", "ec2:Start*", "ec2:*", "s3:GetObjec?"}

var oracleResources = []string{"*", "arn:aws:s3:::example-bucket/*", "arn:aws:s3:::example-bucket", "arn:aws:s3:::example-*",
	"arn:aws:s3:::example-bucket/home/${aws:username}/*", "arn:aws:s3:::example-bucket/public/*", "arn:aws:s3:::partner-bucket/*",
	"arn:aws:sqs:*:" + oA + ":*", "arn:aws:sqs:us-east-1:*:jobs", "arn:aws:iam::" + oA + ":role/*", "arn:aws:iam::*:user/${aws:username}",
	"arn:aws:ec2:*:*:instance/*", "arn:aws:s3:::EXAMPLE-bucket/*", "arn:aws:s3:*"}

// oracleConditions are condition blocks over the keys of oracleContext.
var oracleConditions = []string{
	`{"StringEquals":{"aws:PrincipalTag/team":"data"}}`,
	`{"StringNotEquals":{"aws:PrincipalTag/team":["data","ops"]}}`,
	`{"StringEqualsIgnoreCase":{"aws:PrincipalTag/team":"DATA"}}`,
	`{"StringLike":{"aws:PrincipalArn":"arn:aws:iam::*:user/q*"}}`,
	`{"StringNotLike":{"aws:PrincipalArn":"*:assumed-role/*"}}`,
	`{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::` + oA + `:*"}}`,
	`{"ArnNotEquals":{"aws:PrincipalArn":"arn:aws:iam::` + oA + `:user/ada"}}`,
	`{"Bool":{"aws:SecureTransport":"true"}}`,
	`{"Bool":{"aws:MultiFactorAuthPresent":"true"}}`,
	`{"BoolIfExists":{"aws:MultiFactorAuthPresent":"true"}}`,
	`{"Null":{"aws:MultiFactorAuthPresent":"true"}}`,
	`{"NumericLessThan":{"aws:MultiFactorAuthAge":"3600"}}`,
	`{"NumericGreaterThanEquals":{"aws:MultiFactorAuthAge":"600"}}`,
	`{"DateGreaterThan":{"aws:CurrentTime":"2026-01-01T00:00:00Z"}}`,
	`{"DateLessThan":{"aws:CurrentTime":"2026-03-01T00:00:00Z"}}`,
	`{"IpAddress":{"aws:SourceIp":"192.0.2.0/24"}}`,
	`{"NotIpAddress":{"aws:SourceIp":["192.0.2.0/24","2001:db8::/32"]}}`,
	`{"ForAnyValue:StringEquals":{"aws:PrincipalOrgPaths":"o-exampleorg/r-ab12/ou-ab12-dev/"}}`,
	`{"ForAllValues:StringLike":{"aws:PrincipalOrgPaths":"o-exampleorg/r-ab12/*"}}`,
	`{"StringEquals":{"aws:PrincipalAccount":"` + oA + `"}}`,
	`{"StringEquals":{"aws:username":"${aws:PrincipalTag/owner}"}}`,
	`{"StringEqualsIfExists":{"aws:SourceVpc":"vpc-0abc"}}`,
}

func oracleContext(r *rand.Rand, p Principal) map[string][]string {
	ctx := map[string][]string{
		"aws:PrincipalArn":     {p.ARN},
		"aws:PrincipalAccount": {p.Account},
		"aws:SecureTransport":  {pick(r, "true", "false")},
		"aws:CurrentTime":      {pick(r, "2026-02-01T10:00:00Z", "2025-12-31T23:59:59Z")},
		"aws:SourceIp":         {pick(r, "192.0.2.10", "198.51.100.7", "2001:db8::1")},
	}
	if strings.Contains(p.ARN, ":user/") {
		ctx["aws:username"] = []string{p.ARN[strings.LastIndex(p.ARN, "/")+1:]}
	}
	if r.Intn(3) > 0 {
		ctx["aws:PrincipalTag/team"] = []string{pick(r, "data", "ops", "web")}
	}
	if r.Intn(2) == 0 {
		ctx["aws:PrincipalTag/owner"] = []string{pick(r, "quinn", "ada")}
	}
	if r.Intn(2) == 0 {
		ctx["aws:MultiFactorAuthPresent"] = []string{"true"}
		ctx["aws:MultiFactorAuthAge"] = []string{pick(r, "120", "900", "7200")}
	}
	if r.Intn(2) == 0 {
		ctx["aws:PrincipalOrgPaths"] = []string{"o-exampleorg/r-ab12/ou-ab12-dev/", pick(r, "o-exampleorg/r-ab12/ou-ab12-x/", "o-other/r-cd34/")}
	}
	return ctx
}

func pick(r *rand.Rand, vals ...string) string { return vals[r.Intn(len(vals))] }

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// genStatement draws one statement; resource policies get a principal.
func genStatement(r *rand.Rand, withPrincipal bool) string {
	var parts []string
	effect := "Allow"
	if r.Intn(4) == 0 {
		effect = "Deny"
	}
	parts = append(parts, `"Effect":"`+effect+`"`)
	acts := []string{quote(oracleActions[r.Intn(len(oracleActions))])}
	if r.Intn(3) == 0 {
		acts = append(acts, quote(oracleActions[r.Intn(len(oracleActions))]))
	}
	if r.Intn(6) == 0 {
		parts = append(parts, `"NotAction":[`+strings.Join(acts, ",")+`]`)
	} else {
		parts = append(parts, `"Action":[`+strings.Join(acts, ",")+`]`)
	}
	res := quote(oracleResources[r.Intn(len(oracleResources))])
	if r.Intn(6) == 0 {
		parts = append(parts, `"NotResource":`+res)
	} else {
		parts = append(parts, `"Resource":`+res)
	}
	if withPrincipal {
		principals := []string{`"*"`, `{"AWS":"*"}`, `{"AWS":"` + oA + `"}`, `{"AWS":"arn:aws:iam::` + oB + `:root"}`,
			`{"AWS":"arn:aws:iam::` + oA + `:user/quinn"}`, `{"AWS":["arn:aws:iam::` + oB + `:user/ext","arn:aws:iam::` + oA + `:user/ada"]}`,
			`{"AWS":"arn:aws:iam::` + oA + `:role/app"}`, `{"AWS":"arn:aws:sts::` + oA + `:assumed-role/app/run-1"}`,
			`{"Service":"lambda.amazonaws.com"}`}
		pr := principals[r.Intn(len(principals))]
		if effect == "Deny" && r.Intn(3) == 0 {
			parts = append(parts, `"NotPrincipal":{"AWS":["arn:aws:iam::`+oA+`:root","arn:aws:iam::`+oA+`:user/quinn"]}`)
		} else {
			parts = append(parts, `"Principal":`+pr)
		}
	}
	if r.Intn(3) == 0 {
		parts = append(parts, `"Condition":`+oracleConditions[r.Intn(len(oracleConditions))])
	}
	return "{" + strings.Join(parts, ",") + "}"
}

func genPolicy(r *rand.Rand, withPrincipal bool) string {
	n := 1 + r.Intn(3)
	var sts []string
	for i := 0; i < n; i++ {
		sts = append(sts, genStatement(r, withPrincipal))
	}
	return `{"Version":"2012-10-17","Statement":[` + strings.Join(sts, ",") + `]}`
}

func genOracleCases(r *rand.Rand, n int) []oracleCase {
	allowAll := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`
	var out []oracleCase
	for len(out) < n {
		req := oracleRequests[r.Intn(len(oracleRequests))]
		p := oraclePrincipals[r.Intn(len(oraclePrincipals))]
		ctx := oracleContext(r, p)
		var c oracleCase
		c.in.Request = Request{Action: req.action, Resource: req.resource, Principal: p, ResourceAccount: req.account,
			Context: Context{Values: ctx, Complete: true}}
		sim := map[string]any{}
		var desc []string

		idDoc := genPolicy(r, false)
		if r.Intn(2) == 0 {
			// Half the identity policies grant the request's service, so
			// that denies, boundaries and SCPs have something to take away.
			svc, _, _ := strings.Cut(req.action, ":")
			broad := `{"Effect":"Allow","Action":` + quote(pick(r, svc+":*", req.action, "*")) + `,"Resource":` + quote(pick(r, "*", req.resource)) + `}`
			idDoc = strings.Replace(idDoc, `"Statement":[`, `"Statement":[`+broad+`,`, 1)
		}
		c.in.Identity = []Named{{Name: "identity", Policy: mustParseOracle(idDoc)}}
		sim["identityPolicies"] = []map[string]any{{"name": "identity", "policy": json.RawMessage(idDoc)}}
		desc = append(desc, "identity "+idDoc)

		if r.Intn(3) == 0 {
			doc := genPolicy(r, false)
			c.in.Boundary = []Named{{Name: "boundary", Policy: mustParseOracle(doc)}}
			sim["permissionBoundaryPolicies"] = []map[string]any{{"name": "boundary", "policy": json.RawMessage(doc)}}
			desc = append(desc, "boundary "+doc)
		}
		scps := []map[string]any{}
		if r.Intn(3) == 0 {
			for _, level := range []string{"r-ab12", "ou-ab12-dev", p.Account} {
				docs := []string{allowAll}
				if r.Intn(2) == 0 {
					docs = append(docs, genPolicy(r, false))
				}
				if r.Intn(5) == 0 {
					docs = docs[1:]
				}
				set := PolicySet{Name: level}
				var pols []map[string]any
				for i, d := range docs {
					name := fmt.Sprintf("%s-%d", level, i)
					set.Policies = append(set.Policies, Named{Name: name, Policy: mustParseOracle(d)})
					pols = append(pols, map[string]any{"name": name, "policy": json.RawMessage(d)})
				}
				if len(docs) == 0 {
					pols = []map[string]any{}
				}
				c.in.SCPs = append(c.in.SCPs, set)
				scps = append(scps, map[string]any{"orgIdentifier": level, "policies": pols})
				desc = append(desc, "scp "+level+" "+strings.Join(docs, " "))
			}
		}
		sim["serviceControlPolicies"] = scps
		sim["resourceControlPolicies"] = []any{}
		if r.Intn(2) == 0 && req.account != "" && !strings.HasPrefix(req.action, "ec2:") {
			doc := genPolicy(r, true)
			c.in.Resource = []Named{{Name: "resource", Policy: mustParseOracle(doc)}}
			sim["resourcePolicy"] = json.RawMessage(doc)
			desc = append(desc, "resource "+doc)
		}
		simCtx := map[string]any{}
		for k, v := range ctx {
			if len(v) == 1 && k != "aws:PrincipalOrgPaths" {
				simCtx[k] = v[0]
			} else {
				simCtx[k] = v
			}
		}
		sim["request"] = map[string]any{
			"principal":        p.ARN,
			"action":           req.action,
			"resource":         map[string]any{"resource": req.resource, "accountId": req.account},
			"contextVariables": simCtx,
		}
		c.sim = sim
		c.desc = fmt.Sprintf("%s %s %s by %s; %s", req.action, req.resource, req.account, p.ARN, strings.Join(desc, "; "))
		out = append(out, c)
	}
	return out
}

func mustParseOracle(doc string) *Policy {
	p, err := Parse(doc)
	if err != nil {
		panic(fmt.Sprintf("generated policy does not parse: %v", err))
	}
	return p
}
