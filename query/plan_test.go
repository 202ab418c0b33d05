package query

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
)

func planSteps(t *testing.T, s graph.Store, start string) [][]string {
	t.Helper()
	plan := planFrom(t, s, start, Options{})
	var out [][]string
	for _, st := range plan.Steps {
		var ids []string
		for _, it := range st.Items {
			ids = append(ids, it.Kind+" "+it.Node.ID)
		}
		out = append(out, ids)
	}
	return out
}

// planItem returns the plan's item for a node, failing the test when the
// plan has none.
// planFrom builds the plan of the blast radius from start.
func planFrom(t *testing.T, s graph.Store, start string, opt Options) *Plan {
	t.Helper()
	plan, err := BuildPlan(context.Background(), s, blast(t, s, start, opt))
	if err != nil {
		t.Fatal(err)
	}
	return plan
}

func planItem(t *testing.T, plan *Plan, id string) *Item {
	t.Helper()
	for _, st := range plan.Steps {
		for _, it := range st.Items {
			if it.Node.ID == id {
				return it
			}
		}
	}
	t.Fatalf("no plan item for %s: %+v", id, plan.Steps)
	return nil
}

func TestPlanOrder(t *testing.T) {
	keyU := "secret:aws:access-key:" + user + "/k"
	vault := "arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db"
	dbPass := "secret:db:password"
	s := newG().
		node(keyU, "type", "access-key").
		node(vault, "type", "secretsmanager").
		edge(jobA, graph.EdgeExecutes, bad).
		edge(jobA, graph.EdgeExposes, keyA).
		edge(keyA, graph.EdgeHolds, keyU).
		edge(keyU, graph.EdgeAuthenticatesAs, user).
		edge(user, graph.EdgeCanReadSecret, vault).
		edge(vault, graph.EdgeHolds, dbPass).
		store(t)
	// keyA only stores keyU, so keyU is the credential; the vault only
	// stores the password, which keyU yields.
	want := [][]string{
		{"contain " + jobA},
		{"revoke " + keyU},
		{"revoke " + dbPass},
	}
	if diff := cmp.Diff(want, planSteps(t, s, bad)); diff != "" {
		t.Errorf("plan (-want +got):\n%s", diff)
	}
}

func TestPlanCycleSharesStep(t *testing.T) {
	// Two users that can each mint a key for the other must be revoked in
	// the same step, after the key that reaches them.
	k1 := "secret:aws:access-key:arn:aws:iam::111122223333:user/a/k"
	k2 := "secret:aws:access-key:arn:aws:iam::111122223333:user/b/k"
	ua := "arn:aws:iam::111122223333:user/a"
	ub := "arn:aws:iam::111122223333:user/b"
	s := newG().
		edge(keyA, graph.EdgeAuthenticatesAs, ua).
		edge(ua, graph.EdgeCanMint, k2).
		edge(k2, graph.EdgeAuthenticatesAs, ub).
		edge(ub, graph.EdgeCanMint, k1).
		edge(k1, graph.EdgeAuthenticatesAs, ua).
		store(t)
	want := [][]string{
		{"revoke " + keyA},
		{"revoke " + k1, "revoke " + k2},
	}
	got := planSteps(t, s, keyA)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("plan (-want +got):\n%s", diff)
	}
}

func TestShellCommandQuotes(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"gh", "workflow", "disable", ".github/workflows/ci.yml"}, "gh workflow disable .github/workflows/ci.yml"},
		{[]string{"gh", "workflow", "disable", ".github/workflows/$(touch x).yml"}, "gh workflow disable '.github/workflows/$(touch x).yml'"},
		{[]string{"aws", "iam", "--role-name", "role`id`"}, "aws iam --role-name 'role`id`'"},
		{[]string{"echo", "it's"}, `echo 'it'\''s'`},
		{[]string{"echo", ""}, "echo ''"},
	}
	for _, tc := range tests {
		if got := shellCommand(tc.args...); got != tc.want {
			t.Errorf("shellCommand(%q) = %s, want %s", tc.args, got, tc.want)
		}
	}
}

func TestPlanIdentityStartRevokesOwnKeys(t *testing.T) {
	key := "secret:aws:access-key:" + user + "/k"
	s := newG().
		node(key, "type", "access-key").
		node(role, "type", "role").
		edge(key, graph.EdgeAuthenticatesAs, user).
		edge(user, graph.EdgeCanAssume, role).
		edge(role, graph.EdgeCanAccess, bkt).
		store(t)
	want := [][]string{
		{"revoke " + key},
		{"revoke " + role},
	}
	if diff := cmp.Diff(want, planSteps(t, s, user)); diff != "" {
		t.Errorf("plan (-want +got):\n%s", diff)
	}
}

func TestCredentialCommands(t *testing.T) {
	tests := []struct {
		name, id, typ, want string
	}{
		{"secret with region", "arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db", "secretsmanager",
			secretsManagerCommand("--secret-id arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db")},
		{"secret without region", "arn:aws:secretsmanager::111122223333:secret:prod/db", "secretsmanager",
			secretsManagerCommand("--secret-id prod/db --region '<region>'")},
		{"secret without account", "arn:aws:secretsmanager:eu-west-1::secret:prod/db", "secretsmanager",
			secretsManagerCommand("--secret-id prod/db --region eu-west-1")},
		{"hierarchical parameter", "arn:aws:ssm:eu-west-1:111122223333:parameter/prod/db/password", "ssm-parameter",
			"aws ssm put-parameter --overwrite --type SecureString --name /prod/db/password --value '<new value>' --region eu-west-1"},
		{"flat parameter", "arn:aws:ssm::111122223333:parameter/token", "ssm-parameter",
			"aws ssm put-parameter --overwrite --type SecureString --name token --value '<new value>' --region '<region>'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := graph.Node{ID: tt.id, Kind: graph.NodeSecret}
			n.SetAttr("type", tt.typ)
			it := credentialItem(&Reached{Node: n}, &Result{}, nil, nil, 0)
			if it.Command != tt.want {
				t.Errorf("command %q, want %q", it.Command, tt.want)
			}
		})
	}
}

// secretsManagerCommand is the command that replaces the value of the
// Secrets Manager secret that args name.
func secretsManagerCommand(args string) string {
	return `if [ "$(aws secretsmanager describe-secret ` + args + ` --query RotationEnabled --output text)" = True ]; ` +
		`then aws secretsmanager rotate-secret ` + args + `; ` +
		`else aws secretsmanager put-secret-value ` + args + ` --secret-string 'file://<file with the new value>'; fi`
}

func TestSecretsManagerCommandFollowsRotation(t *testing.T) {
	// rotate-secret works only on a secret that has rotation configured,
	// which describe-secret shows as RotationEnabled. Another secret gets
	// its new value with put-secret-value.
	n := graph.Node{ID: "arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db", Kind: graph.NodeSecret}
	n.SetAttr("type", "secretsmanager")
	it := credentialItem(&Reached{Node: n}, &Result{}, nil, nil, 0)
	for enabled, want := range map[string]string{"True": "rotate-secret", "None": "put-secret-value"} {
		// A stand-in aws function prints the rotation setting for
		// describe-secret and the subcommand of every other call.
		got := runShell(t, `aws() { if [ "$2" = describe-secret ]; then echo `+enabled+`; else echo "$2"; fi; }; `+it.Command)
		if got != want+"\n" {
			t.Errorf("RotationEnabled %s: ran %q, want %s", enabled, got, want)
		}
	}
	if !strings.Contains(it.Action, "put-secret-value") || !strings.Contains(it.Action, "rotate-secret") {
		t.Errorf("action %q does not say when each command applies", it.Action)
	}
}

func TestPlanGrantsAndPublished(t *testing.T) {
	// The job's key can attach a policy to the user it acts as... through a
	// role it assumes; the key's user is then an administrator. The job's
	// registry token publishes one image and pushes unnamed images to
	// quay.io.
	const (
		hubToken = "secret:gha:o/a/DOCKERHUB_TOKEN"
		account  = "registry:docker.io/secret:gha:o/a/DOCKERHUB_TOKEN"
		image    = "pkg:docker/o/app"
		scope    = "registry:quay.io/*"
		grantor  = "arn:aws:iam::111122223333:role/grantor"
		admin    = "aws:administrator:111122223333"
	)
	keyU := "secret:aws:access-key:" + user + "/k"
	grant := user + "#administrator"
	s := newG().
		node(keyU, "type", "access-key").
		node(grantor, "type", "role").
		node(grant, "type", "admin-grant").
		node(admin, "type", "administrator", "account", "111122223333").
		node(image, "ecosystem", "docker", "name", "o/app").
		node(scope, "type", "registry-scope", "registry", "quay.io").
		edge(jobA, graph.EdgeExecutes, bad).
		edge(jobA, graph.EdgeExposes, keyU).
		edge(keyU, graph.EdgeAuthenticatesAs, user).
		edge(user, graph.EdgeCanAssume, grantor).
		edge(grantor, graph.EdgeCanGrant, grant, "holder="+user).
		edge(grant, graph.EdgeCanAssume, admin).
		edge(jobA, graph.EdgeExposes, hubToken).
		edge(hubToken, graph.EdgeAuthenticatesAs, account).
		edge(account, graph.EdgeCanPublish, image).
		edge(account, graph.EdgeCanAccess, scope).
		store(t)
	// The key and the registry token come first (the key reaches more).
	// The key yields the grantor's sessions, which yield the grant, which
	// yields the administrator, each a step later. Checking what may have
	// been published comes last.
	want := [][]string{
		{"contain " + jobA},
		{"revoke " + keyU, "revoke " + hubToken},
		{"revoke " + grantor},
		{"undo " + grant},
		{"undo " + admin},
		{"check " + image, "check " + scope},
	}
	if diff := cmp.Diff(want, planSteps(t, s, bad)); diff != "" {
		t.Errorf("plan (-want +got):\n%s", diff)
	}
}

// An image built from a Dockerfile that installs the compromised package
// is reached first as a package that contains it. The service account
// that the job's token acts as can also push that image, so the plan ends
// with a check of the tags pushed since the compromise, as for an image
// that the account reaches only by publishing it.
func TestPlanChecksImageThatContainsPackage(t *testing.T) {
	const (
		dockerfile = "dockerfile:github.com/o/a/Dockerfile"
		image      = "pkg:docker/p/apps/api?repository_url=us-docker.pkg.dev"
		token      = "secret:gha:oidc:o/a/ci.yml#build"
		pusher     = "gcp:sa:pusher@p.iam.gserviceaccount.com"
	)
	s := newG().
		node(dockerfile).
		node(image, "ecosystem", "docker", "name", "us-docker.pkg.dev/p/apps/api").
		node(token, "type", "oidc-token").
		node(pusher, "type", "service-account", "email", "pusher@p.iam.gserviceaccount.com").
		edge(jobA, graph.EdgeExecutes, bad).
		edge(dockerfile, graph.EdgeDependsOn, bad).
		edge(image, graph.EdgeDependsOn, dockerfile).
		edge(jobA, graph.EdgeExposes, token).
		edge(token, graph.EdgeAuthenticatesAs, pusher).
		edge(pusher, graph.EdgeCanPublish, image).
		store(t)

	plan := planFrom(t, s, bad, Options{})
	last := plan.Steps[len(plan.Steps)-1]
	var got []string
	for _, it := range last.Items {
		got = append(got, it.Kind+" "+it.Node.ID)
	}
	if diff := cmp.Diff([]string{"check " + image}, got); diff != "" {
		t.Errorf("last step %q (-want +got):\n%s", last.Title, diff)
	}
	if it := planItem(t, plan, image); it.Command != "crane ls us-docker.pkg.dev/p/apps/api" {
		t.Errorf("command %q, want crane ls us-docker.pkg.dev/p/apps/api", it.Command)
	}
}

func TestPlanRoleCredentialsNameRole(t *testing.T) {
	const (
		invoker = "arn:aws:iam::111122223333:role/invoker"
		fn      = "runtime:aws:lambda:arn:aws:lambda:us-east-1:111122223333:function:resize"
		creds   = "secret:aws:role-credentials:aws:lambda:arn:aws:lambda:us-east-1:111122223333:function:resize"
		fnRole  = "arn:aws:iam::111122223333:role/resize"
	)
	s := newG().
		node(creds, "type", "role-credentials").
		edge(invoker, graph.EdgeCanInvoke, fn).
		edge(fn, graph.EdgeExposes, creds).
		edge(creds, graph.EdgeAuthenticatesAs, fnRole).
		store(t)

	res := blast(t, s, invoker, Options{AssumeAppFlaws: true})
	plan, err := BuildPlan(context.Background(), s, res)
	if err != nil {
		t.Fatal(err)
	}

	item := planItem(t, plan, creds)

	// The command runs in a real shell, with a stand-in aws function that
	// prints the policy document it receives.
	doc := runShell(t, `aws() { printf '%s' "$8"; }; `+item.Command)
	var policy struct {
		Statement []struct {
			Effect    string
			Action    string
			Condition map[string]map[string]string
		}
	}
	if err := json.Unmarshal([]byte(doc), &policy); err != nil {
		t.Fatalf("policy document %q: %v", doc, err)
	}
	if len(policy.Statement) != 1 || policy.Statement[0].Effect != "Deny" || policy.Statement[0].Action != "*" {
		t.Fatalf("policy document %q, want one statement denying every action", doc)
	}
	issued, err := time.Parse(time.RFC3339, policy.Statement[0].Condition["DateLessThan"]["aws:TokenIssueTime"])
	if err != nil {
		t.Fatalf("policy document %q: token issue time: %v", doc, err)
	}
	if d := time.Since(issued); d < -time.Minute || d > time.Minute {
		t.Errorf("token issue time %s, want the time the command ran", issued)
	}
	if !strings.HasPrefix(item.Command, "aws iam put-role-policy --role-name resize --policy-name AWSRevokeOlderSessions ") {
		t.Errorf("command %q, want a put-role-policy on role resize", item.Command)
	}

	// Calls through the role's sessions are logged in the region called, so
	// the verify command looks in each region the account has enabled.
	// The stand-in prints each call's arguments separated by '|'.
	calls := runShell(t, `aws() { if [ "$1" = ec2 ]; then echo "us-east-1 eu-west-1"; else printf '%s|' "$@"; echo; fi; }; `+item.Verify)
	byRole := "cloudtrail|lookup-events|--lookup-attributes|AttributeKey=ResourceName,AttributeValue=" + fnRole + "|--start-time|<revocation time>|--region|"
	// Calls made with a session issued before the revocation name the
	// session's caller, arn:aws:sts::111122223333:assumed-role/resize/NAME,
	// and not the role as a resource.
	bySession := "cloudtrail|lookup-events|--start-time|<revocation time>|--query|Events[?contains(CloudTrailEvent, ':assumed-role/resize/')]|--region|"
	want := byRole + "us-east-1|\n" + bySession + "us-east-1|\n" + byRole + "eu-west-1|\n" + bySession + "eu-west-1|\n"
	if calls != want {
		t.Errorf("verify ran %q, want %q", calls, want)
	}
}

// runShell runs a script with sh and returns its standard output.
func runShell(t *testing.T, script string) string {
	t.Helper()
	out, err := exec.Command("sh", "-c", script).Output()
	if err != nil {
		t.Fatalf("sh -c %q: %v", script, err)
	}
	return string(out)
}

func TestPlanContainsAndRevokesStarts(t *testing.T) {
	keyU := "secret:aws:access-key:" + user + "/k"
	s := newG().
		node(jobA, "type", "gha-job", "workflow", ".github/workflows/ci.yml", "repository", "o/a").
		node(role, "type", "role").
		node(keyU, "type", "access-key").
		edge(jobA, graph.EdgeExposes, keyU).
		edge(keyU, graph.EdgeAuthenticatesAs, user).
		edge(role, graph.EdgeCanAccess, bkt).
		store(t)
	// A compromised job is contained before its credentials are revoked.
	want := [][]string{{"contain " + jobA}, {"revoke " + keyU}}
	if diff := cmp.Diff(want, planSteps(t, s, jobA)); diff != "" {
		t.Errorf("plan from the job (-want +got):\n%s", diff)
	}
	// A compromised role's own sessions are revoked.
	want = [][]string{{"revoke " + role}}
	if diff := cmp.Diff(want, planSteps(t, s, role)); diff != "" {
		t.Errorf("plan from the role (-want +got):\n%s", diff)
	}
	plan := planFrom(t, s, jobA, Options{})
	if a := plan.Steps[0].Items[0].Action; !strings.Contains(a, "until the cause of its compromise is removed") {
		t.Errorf("contain action %q names no cause", a)
	}
}

func TestPlanDropsLoggedTwinOfDeclaredKey(t *testing.T) {
	node := func(id string, attrs ...string) graph.Node {
		n := graph.Node{ID: id, Kind: graph.NodeSecret}
		for i := 0; i+1 < len(attrs); i += 2 {
			n.SetAttr(attrs[i], attrs[i+1])
		}
		return n
	}
	const u = "secret:aws:access-key:arn:aws:iam::111122223333:user/bot/"
	ev := &graph.Evidence{}
	ev.Add(time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), "s3:GetObject", "192.0.2.1", "agent", "AKIAEXAMPLEBOT000001", false, graph.Pos{File: "ct.json"})
	declared := &Reached{Node: node(u+"tf", "type", "access-key", "user", "bot"), Evidence: ev}
	twin := &Reached{Node: node(u+"AKIAEXAMPLEBOT000001", "type", "access-key", "key_id", "AKIAEXAMPLEBOT000001", graph.AttrObserved, "true")}
	other := &Reached{Node: node(u+"AKIAEXAMPLEBOT000002", "type", "access-key", "key_id", "AKIAEXAMPLEBOT000002", graph.AttrObserved, "true")}
	isCred := map[string]bool{declared.Node.ID: true, twin.Node.ID: true, other.Node.ID: true}
	got := dropLoggedTwins([]*Reached{twin, declared, other}, isCred)
	var ids []string
	for _, x := range got {
		ids = append(ids, x.Node.ID)
	}
	// The logged key with the declared key's id is the same key; the
	// other logged key is a second key of the user and stays.
	if diff := cmp.Diff([]string{declared.Node.ID, other.Node.ID}, ids); diff != "" {
		t.Errorf("credentials (-want +got):\n%s", diff)
	}
	if isCred[twin.Node.ID] {
		t.Error("the dropped twin is still marked a credential")
	}
}

func TestPlanNamesMintedKeysFromLogs(t *testing.T) {
	// The job's key acts as ci, which can mint keys of victim. Logs show
	// two keys of victim created, one before the compromise time.
	const victim = "arn:aws:iam::111122223333:user/victim"
	keyU := "secret:aws:access-key:" + user + "/k"
	minted := "secret:aws:access-key:" + victim + "/new"
	early := "secret:aws:access-key:" + victim + "/AKIAEXAMPLEVICTIM001"
	late := "secret:aws:access-key:" + victim + "/AKIAEXAMPLEVICTIM002"
	s := newG().
		node(keyU, "type", "access-key").
		node(minted, "type", "access-key", "minted", "true").
		node(early, "type", "access-key", "key_id", "AKIAEXAMPLEVICTIM001", "created", "2026-11-01T00:00:00Z", "created_by", user).
		node(late, "type", "access-key", "key_id", "AKIAEXAMPLEVICTIM002", "created", "2026-11-03T10:00:00Z", "created_by", user).
		edge(jobA, graph.EdgeExposes, keyU).
		edge(keyU, graph.EdgeAuthenticatesAs, user).
		edge(user, graph.EdgeCanMint, minted).
		edge(minted, graph.EdgeAuthenticatesAs, victim).
		edge(early, graph.EdgeAuthenticatesAs, victim).
		edge(late, graph.EdgeAuthenticatesAs, victim).
		store(t)
	res := blast(t, s, jobA, Options{Since: time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)})
	plan, err := BuildPlan(context.Background(), s, res)
	if err != nil {
		t.Fatal(err)
	}
	it := planItem(t, plan, minted)
	if want := "aws iam delete-access-key --user-name victim --access-key-id AKIAEXAMPLEVICTIM002"; it.Command != want {
		t.Errorf("command = %q, want %q (the key created before the compromise left out)", it.Command, want)
	}
	if !strings.Contains(it.Action, "AKIAEXAMPLEVICTIM002 (created 2026-11-03T10:00:00Z by "+user+")") {
		t.Errorf("action %q does not name the key the logs show created", it.Action)
	}
}

func TestPlanContainsLambdaReachedByInput(t *testing.T) {
	// The role can invoke the function: assuming application flaws, the
	// function is contained until its input handling is fixed, since no
	// compromised code of it is known.
	const fn = "runtime:aws:lambda:arn:aws:lambda:us-east-1:111122223333:function:worker"
	s := newG().
		node(fn, "type", "lambda").
		edge(role, graph.EdgeCanInvoke, fn).
		store(t)
	res := blast(t, s, role, Options{AssumeAppFlaws: true})
	plan, err := BuildPlan(context.Background(), s, res)
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Steps) == 0 || plan.Steps[0].Items[0].Node.ID != fn {
		t.Fatalf("plan %+v does not contain the function first", plan.Steps)
	}
	if a := plan.Steps[0].Items[0].Action; !strings.Contains(a, "until its input handling is reviewed and fixed") {
		t.Errorf("action %q", a)
	}
}

func TestPlanLogLookupsUseCompromiseTime(t *testing.T) {
	const (
		admin    = "aws:administrator:111122223333"
		password = "secret:aws:console-password:" + user
	)
	keyU := "secret:aws:access-key:" + user + "/k"
	s := newG().
		node(keyU, "type", "access-key").
		node(password, "type", "console-password", "user", user).
		node(admin, "type", "administrator", "account", "111122223333").
		edge(jobA, graph.EdgeExecutes, bad).
		edge(jobA, graph.EdgeExposes, keyU).
		edge(keyU, graph.EdgeAuthenticatesAs, user).
		edge(user, graph.EdgeCanAssume, admin).
		edge(user, graph.EdgeCanMint, password).
		store(t)
	since := time.Date(2026, 11, 3, 0, 0, 0, 0, time.UTC)
	res := blast(t, s, bad, Options{Since: since})
	plan, err := BuildPlan(context.Background(), s, res)
	if err != nil {
		t.Fatal(err)
	}
	// IAM is a global service whose events CloudTrail keeps in us-east-1.
	undo := planItem(t, plan, admin)
	want := "aws cloudtrail lookup-events --lookup-attributes AttributeKey=EventSource,AttributeValue=iam.amazonaws.com --start-time 2026-11-03T00:00:00Z --region us-east-1"
	if undo.Command != want {
		t.Errorf("undo command %q, want %q", undo.Command, want)
	}

	// A console password is checked by the user's own events, not by
	// every sign-in of the account.
	pw := planItem(t, plan, password)
	if !strings.Contains(pw.Verify, "AttributeKey=Username,AttributeValue=ci ") {
		t.Errorf("verify %q, want a lookup of user ci's events", pw.Verify)
	}
}

func TestPlanContainsWorkflowOnce(t *testing.T) {
	// build and test are jobs of one workflow, release is in another
	// workflow of the same repository: disabling a workflow contains all
	// of its jobs, so the plan has one item per workflow.
	const (
		test    = "runtime:gha:o/a/ci.yml#test"
		release = "runtime:gha:o/a/release.yml#publish"
	)
	s := newG().
		node(jobA, "type", "gha-job", "workflow", ".github/workflows/ci.yml", "repository", "o/a").
		node(test, "type", "gha-job", "workflow", ".github/workflows/ci.yml", "repository", "o/a").
		node(release, "type", "gha-job", "workflow", ".github/workflows/release.yml", "repository", "o/a").
		edge(jobA, graph.EdgeExecutes, bad).
		edge(test, graph.EdgeExecutes, bad).
		edge(release, graph.EdgeExecutes, bad).
		store(t)
	plan := planFrom(t, s, bad, Options{})
	if len(plan.Steps) == 0 {
		t.Fatal("empty plan")
	}

	if n := len(plan.Steps[0].Items); n != 2 {
		t.Errorf("%d contain items, want 2 (one per workflow)", n)
	}
	contained := map[string][]string{} // workflow -> runtimes its item covers
	for _, it := range plan.Steps[0].Items {
		wf := it.Node.Attr("workflow")
		contained[wf] = append(contained[wf], it.IDs()...)
		if !strings.HasPrefix(it.Command, "gh workflow disable "+wf+" ") {
			t.Errorf("%s: command %q, want one that disables %s", it.Node.ID, it.Command, wf)
		}
		// The runs' logs are saved after the workflow is stopped, since
		// cancelling keeps them.
		saveLogs := "for id in $(gh run list --repo o/a --workflow " + wf + " --limit 100 --json databaseId --jq '.[].databaseId'); do gh run view \"$id\" --repo o/a --log > \"run-$id.log\"; done"
		if !strings.HasSuffix(it.Command, "; "+saveLogs) {
			t.Errorf("%s: command %q does not end by saving the runs' logs", it.Node.ID, it.Command)
		}
	}

	want := map[string][]string{
		".github/workflows/ci.yml":      {jobA, test},
		".github/workflows/release.yml": {release},
	}
	for _, ids := range contained {
		sort.Strings(ids)
	}
	if diff := cmp.Diff(want, contained); diff != "" {
		t.Errorf("contain items by workflow (-want +got):\n%s", diff)
	}
}

// TestIAMCommandsNameWholeName checks that a role or user name holding a
// '#' reaches the command whole: the name of an IAM ARN is everything
// after its last '/', so cutting at the '#' would name another role or
// user.
func TestIAMCommandsNameWholeName(t *testing.T) {
	roleNode := graph.Node{ID: "arn:aws:iam::111122223333:role/web#prod", Kind: graph.NodeIdentity}
	roleNode.SetAttr("type", "role")
	if it := credentialItem(&Reached{Node: roleNode}, &Result{}, nil, nil, 0); !strings.HasPrefix(it.Command, "aws iam put-role-policy --role-name 'web#prod' ") {
		t.Errorf("role command %q does not name role web#prod", it.Command)
	}

	keyNode := graph.Node{ID: "secret:aws:access-key:arn:aws:iam::111122223333:user/ci#bot/ci", Kind: graph.NodeSecret}
	keyNode.SetAttr("type", "access-key")
	keyNode.SetAttr("key_id", "AKIAEXAMPLE1")
	want := "aws iam update-access-key --user-name 'ci#bot' --access-key-id AKIAEXAMPLE1 --status Inactive"
	if it := credentialItem(&Reached{Node: keyNode}, &Result{}, nil, nil, 0); it.Command != want {
		t.Errorf("key without user attribute: command %q, want %q", it.Command, want)
	}
	keyNode.SetAttr("user", "arn:aws:iam::111122223333:user/ci#bot")
	if it := credentialItem(&Reached{Node: keyNode}, &Result{}, nil, nil, 0); it.Command != want {
		t.Errorf("key with user attribute: command %q, want %q", it.Command, want)
	}

	grant := graph.Node{ID: "arn:aws:iam::111122223333:user/ci#bot#administrator", Kind: graph.NodeIdentity}
	grant.SetAttr("type", "admin-grant")
	wantGrant := "aws iam list-attached-user-policies --user-name 'ci#bot' && aws iam list-user-policies --user-name 'ci#bot'"
	if it := credentialItem(&Reached{Node: grant}, &Result{}, nil, nil, 0); it.Command != wantGrant {
		t.Errorf("grant command %q, want %q", it.Command, wantGrant)
	}
}

// TestTrailLookupQuotesShorthandValue checks the --lookup-attributes value
// of a log lookup. The AWS CLI reads it as shorthand syntax, where a bare
// value ends at a ',' and cannot hold '=', quotes or spaces, while a
// double-quoted value holds any text with '"' and '\' escaped by '\'.
func TestTrailLookupQuotesShorthandValue(t *testing.T) {
	tests := []struct {
		value, want string
	}{
		{"arn:aws:iam::111122223333:role/web-deploy", "AttributeKey=ResourceName,AttributeValue=arn:aws:iam::111122223333:role/web-deploy"},
		// IAM allows ',' and '=' in a role name.
		{"arn:aws:iam::111122223333:role/a,AttributeKey=Username", `'AttributeKey=ResourceName,AttributeValue="arn:aws:iam::111122223333:role/a,AttributeKey=Username"'`},
		{`AKIA"x\y z`, `'AttributeKey=ResourceName,AttributeValue="AKIA\"x\\y z"'`},
		{"a'b", `'AttributeKey=ResourceName,AttributeValue="a'\''b"'`},
	}
	for _, tt := range tests {
		want := "aws cloudtrail lookup-events --lookup-attributes " + tt.want + " --start-time '<revocation time>' --region us-east-1"
		if got := trailLookup("ResourceName", tt.value, "<revocation time>", false); got != want {
			t.Errorf("trailLookup(%q)\n got %s\nwant %s", tt.value, got, want)
		}
	}
}

// TestGHSecretCommandEndsOptions checks that a secret name with a leading
// '-', which a literal index such as secrets['-b'] can carry, reaches gh
// as the name and not as an option: it follows the flags and a "--".
func TestGHSecretCommandEndsOptions(t *testing.T) {
	tests := []struct {
		id, name, env, want string
	}{
		{"secret:gha:o/r/TOKEN", "TOKEN", "", "gh secret set TOKEN --repo o/r"},
		{"secret:gha:o/r/--BODY=X", "--BODY=X", "", "gh secret set --repo o/r -- --BODY=X"},
		{"secret:gha:o/r/-B", "-B", "prod", "gh secret set --repo o/r --env prod -- -B"},
		{"secret:gha:org:o/-B", "-B", "", "gh secret set --org o --visibility '<all, private or selected, as now>' -- -B"},
	}
	for _, tt := range tests {
		n := graph.Node{ID: tt.id, Kind: graph.NodeSecret}
		n.SetAttr(graph.AttrName, tt.name)
		n.SetAttr(graph.AttrRepository, "o/r")
		if tt.env != "" {
			n.SetAttr("environment", tt.env)
		}
		if got := ghSecretCommand(n); got != tt.want {
			t.Errorf("ghSecretCommand(%s) = %q, want %q", tt.id, got, tt.want)
		}
	}
}

// TestGHSecretCommandKeepsVisibility: gh secret set --org sets the
// visibility to private unless --visibility gives another. The command
// that stores an organisation secret's new value therefore restates the
// visibility that the input declares.
func TestGHSecretCommandKeepsVisibility(t *testing.T) {
	tests := []struct {
		visibility, selected, want string
	}{
		{"all", "", "gh secret set NPM_TOKEN --org o --visibility all"},
		{"private", "", "gh secret set NPM_TOKEN --org o --visibility private"},
		{"selected", "api,o/web", "gh secret set NPM_TOKEN --org o --visibility selected --repos '<the repositories selected now>'"},
		{"selected", "", "gh secret set NPM_TOKEN --org o --visibility selected --repos '<the repositories selected now>'"},
		{"", "", "gh secret set NPM_TOKEN --org o --visibility '<all, private or selected, as now>'"},
	}
	for _, tt := range tests {
		n := graph.Node{ID: "secret:gha:org:o/NPM_TOKEN", Kind: graph.NodeSecret}
		n.SetAttr(graph.AttrName, "NPM_TOKEN")
		n.SetAttr("visibility", tt.visibility)
		n.SetAttr("selected_repositories", tt.selected)
		if got := ghSecretCommand(n); got != tt.want {
			t.Errorf("visibility %q: ghSecretCommand = %q, want %q", tt.visibility, got, tt.want)
		}
	}
}

// TestPlanContainWorkflowEndsOptions checks that a workflow path with a
// leading '-', as a workflow file named alone on the command line can
// have, reaches gh workflow disable as the workflow and not as an option.
func TestPlanContainWorkflowEndsOptions(t *testing.T) {
	s := newG().
		node(jobA, "type", "gha-job", "workflow", "--repo=x.yml", "repository", "o/a").
		edge(jobA, graph.EdgeExecutes, bad).
		store(t)
	plan := planFrom(t, s, bad, Options{})
	if len(plan.Steps) == 0 || len(plan.Steps[0].Items) != 1 {
		t.Fatalf("plan steps %+v, want one contain item", plan.Steps)
	}
	want := "gh workflow disable --repo o/a -- --repo=x.yml && "
	if got := plan.Steps[0].Items[0].Command; !strings.HasPrefix(got, want) {
		t.Errorf("command %q, want it to start %q", got, want)
	}
}

// TestPlanContainsCallersOfCalledWorkflow: job publish of acme/shared's
// release.yml runs only when called, and jobs of acme/api's ci.yml and
// acme/web's deploy.yml call it. The called workflow has no runs of its
// own, so the item disables and cancels the two calling workflows.
func TestPlanContainsCallersOfCalledWorkflow(t *testing.T) {
	const callee = "runtime:gha:acme/shared/.github/workflows/release.yml#publish"
	s := newG().
		node(callee, "type", "gha-job", "workflow", ".github/workflows/release.yml", "repository", "acme/shared", "triggers", "workflow_call").
		edge(callee, graph.EdgeExecutes, bad).
		node("secret:gha:token:acme/api/.github/workflows/ci.yml#release").
		edge(callee, graph.EdgeExposes, "secret:gha:token:acme/api/.github/workflows/ci.yml#release").
		node("secret:gha:token:acme/web/.github/workflows/deploy.yml#ship").
		edge(callee, graph.EdgeExposes, "secret:gha:token:acme/web/.github/workflows/deploy.yml#ship").
		store(t)
	plan := planFrom(t, s, bad, Options{})
	if len(plan.Steps) == 0 || len(plan.Steps[0].Items) != 1 {
		t.Fatalf("plan steps %+v, want one contain item", plan.Steps)
	}
	got := plan.Steps[0].Items[0].Command
	for _, want := range []string{
		"gh workflow disable .github/workflows/ci.yml --repo acme/api && ",
		"gh workflow disable .github/workflows/deploy.yml --repo acme/web && ",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("command %q does not contain %q", got, want)
		}
	}
	if strings.Contains(got, "acme/shared") {
		t.Errorf("command %q acts on the called workflow, which has no runs", got)
	}
}

// TestLogLookupQuotesValues checks that a key id or email from the input
// stays one string of the Cloud Logging query. Its double quotes and
// backslashes are escaped with a backslash, so a value such as
// x" OR "a" = "a cannot add a condition that matches every entry.
func TestLogLookupQuotesValues(t *testing.T) {
	key := graph.Node{ID: `secret:gcp:sa-key:a@p.iam.gserviceaccount.com/x" OR "a" = "a`, Kind: graph.NodeSecret}
	key.SetAttr("key_id", `x" OR "a" = "a\`)
	it := &Item{}
	serviceAccountKeyItem(it, key)
	want := `gcloud logging read 'protoPayload.authenticationInfo.serviceAccountKeyName:"x\" OR \"a\" = \"a\\" AND timestamp>="<revocation time>"' --project p`
	if it.Verify != want {
		t.Errorf("verify\n got %s\nwant %s", it.Verify, want)
	}
	serviceAccountItem(it, `b"c@p.iam.gserviceaccount.com`)
	want = `gcloud logging read 'protoPayload.authenticationInfo.principalEmail="b\"c@p.iam.gserviceaccount.com" AND timestamp>="<revocation time>"' --project p`
	if it.Verify != want {
		t.Errorf("verify\n got %s\nwant %s", it.Verify, want)
	}
}

// TestRoleUseLookupQuotesName checks that a role name from the input
// stays one raw string of the JMESPath query: its quotes and backslashes
// are escaped with a backslash, so a name such as
// x') || contains(CloudTrailEvent, ' cannot add conditions.
func TestRoleUseLookupQuotesName(t *testing.T) {
	got := roleUseLookup("arn:aws:iam::111122223333:role/r", `x') || contains(CloudTrailEvent, '\`, "<revocation time>")
	want := `--query 'Events[?contains(CloudTrailEvent, '\'':assumed-role/x\'\'') || contains(CloudTrailEvent, \'\''\\/'\'')]'`
	if !strings.Contains(got, want) {
		t.Errorf("lookup\n%s\ndoes not contain\n%s", got, want)
	}
}

// TestPlanContainGitLabPathPlaceholder checks that a project path with a
// colon reaches GitLab as that path. glab api replaces :id, :branch and
// its other placeholders in the endpoint with values of the clone it runs
// in, so the colon is percent-encoded, which GitLab decodes.
func TestPlanContainGitLabPathPlaceholder(t *testing.T) {
	const (
		bad  = "pkg:npm/evil@1.0.0"
		test = "runtime:gitlab:o/a:id/.gitlab-ci.yml#test"
	)
	s := newG().
		node(test, "type", "gitlab-job", "repository", "o/a:id").
		edge(test, graph.EdgeExecutes, bad).
		store(t)
	cmd := planItem(t, planFrom(t, s, bad, Options{}), test).Command
	if strings.Contains(cmd, ":id") {
		t.Errorf("command %q names a glab placeholder", cmd)
	}
	if want := "glab api --hostname gitlab.com --method PUT projects/o%2Fa%3Aid "; !strings.Contains(cmd, want) {
		t.Errorf("command %q does not contain %q", cmd, want)
	}
}

func TestPlanContainJobActionOrder(t *testing.T) {
	// The command disables the workflow before it cancels the runs, so
	// no new run starts in between. The action names the steps in the
	// same order for one job as for several.
	s := newG().
		node(jobA, "type", "gha-job", "workflow", ".github/workflows/ci.yml", "repository", "o/a").
		edge(jobA, graph.EdgeExecutes, bad).
		store(t)
	plan := planFrom(t, s, bad, Options{})
	if len(plan.Steps) == 0 || len(plan.Steps[0].Items) != 1 {
		t.Fatalf("plan steps %+v, want one contain item", plan.Steps)
	}
	it := plan.Steps[0].Items[0]
	if !strings.HasPrefix(it.Command, "gh workflow disable ") {
		t.Errorf("command %q does not start by disabling the workflow", it.Command)
	}
	if want := "Disable the workflow that runs " + it.Node.Label + " and cancel its running and queued runs until "; !strings.HasPrefix(it.Action, want) {
		t.Errorf("action %q, want it to start %q", it.Action, want)
	}
}

func TestPlanExpiresLikeTokensOnce(t *testing.T) {
	// Both build jobs hold a GITHUB_TOKEN with contents:read, the deploy
	// job one with contents:write: the two alike share an item.
	const (
		deploy   = "runtime:gha:o/a/deploy.yml#deploy"
		tokA     = "secret:gha:token:o/a/ci.yml#build"
		tokB     = "secret:gha:token:o/b/ci.yml#build"
		tokWrite = "secret:gha:token:o/a/deploy.yml#deploy"
	)
	s := newG().
		node(tokA, "type", "github-token", "permissions", "contents:read").
		node(tokB, "type", "github-token", "permissions", "contents:read").
		node(tokWrite, "type", "github-token", "permissions", "contents:write").
		edge(jobA, graph.EdgeExecutes, bad).
		edge(jobB, graph.EdgeExecutes, bad).
		edge(deploy, graph.EdgeExecutes, bad).
		edge(jobA, graph.EdgeExposes, tokA).
		edge(jobB, graph.EdgeExposes, tokB).
		edge(deploy, graph.EdgeExposes, tokWrite).
		store(t)
	plan := planFrom(t, s, bad, Options{})

	got := map[string][]string{} // permissions -> tokens of the item
	expires := 0
	for _, it := range plan.Steps[0].Items {
		if it.Kind != "expire" {
			continue
		}
		expires++
		ids := it.IDs()
		sort.Strings(ids)
		got[it.Node.Attr("permissions")] = ids
	}

	want := map[string][]string{
		"contents:read":  {tokA, tokB},
		"contents:write": {tokWrite},
	}
	if expires != 2 {
		t.Errorf("%d expire items, want 2", expires)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("expire items by permissions (-want +got):\n%s", diff)
	}
}

func TestPlanReplacementGoesToStoresAndDirectReaders(t *testing.T) {
	// Job a reads the key from the repository secret that holds it; job b
	// is given the key itself. The replacement goes into the secret and
	// into job b's configuration; job a picks it up from the secret.
	keyU := "secret:aws:access-key:" + user + "/k"
	s := newG().
		node(keyU, "type", "access-key").
		edge(jobA, graph.EdgeExecutes, bad).
		edge(jobA, graph.EdgeExposes, keyA).
		edge(keyA, graph.EdgeHolds, keyU).
		edge(jobB, graph.EdgeExposes, keyU).
		edge(keyU, graph.EdgeAuthenticatesAs, user).
		store(t)
	plan := planFrom(t, s, bad, Options{})
	item := planItem(t, plan, keyU)
	if diff := cmp.Diff([]string{jobB, keyA}, item.Consumers); diff != "" {
		t.Errorf("consumers (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{jobA}, item.ReadBy); diff != "" {
		t.Errorf("read by (-want +got):\n%s", diff)
	}
}

// account adds a registry account on host, of ecosystem eco ("" for an
// image registry).
func (b *g) account(id, host, eco string) *g {
	n := graph.Node{ID: id, Kind: graph.NodeIdentity, Label: id, Pos: graph.Pos{File: "test"},
		Attrs: map[string]string{"type": "registry-account", "registry": host}}
	if eco != "" {
		n.Attrs["ecosystem"] = eco
	}
	b.nodes[id] = n
	return b
}

func TestPlanNPMTokenRelease(t *testing.T) {
	// Job a reads NPM_TOKEN, which logs in to an npm account that
	// releases @acme/widget and may publish any package it maintains.
	const (
		npmSecret = "secret:gha:o/a/NPM_TOKEN"
		account   = "registry:registry.npmjs.org/secret:gha:o/a/NPM_TOKEN"
		widget    = "pkg:npm/%40acme/widget"
		scope     = "registry:registry.npmjs.org/*"
	)
	gr := newG().
		node(npmSecret, "type", "actions-secret", "name", "NPM_TOKEN", "repository", "o/a").
		node(widget, "ecosystem", "npm", "name", "@acme/widget").
		node(scope, "type", "registry-scope", "registry", "registry.npmjs.org", "ecosystem", "npm").
		edge(jobA, graph.EdgeExecutes, bad).
		edge(jobA, graph.EdgeExposes, npmSecret).
		edge(npmSecret, graph.EdgeAuthenticatesAs, account).
		edge(account, graph.EdgeCanPublish, widget).
		edge(account, graph.EdgeCanAccess, scope)
	gr.account(account, "registry.npmjs.org", "npm")

	s := gr.store(t)
	plan, err := BuildPlan(context.Background(), s, blast(t, s, bad, Options{}))
	if err != nil {
		t.Fatal(err)
	}

	revoke := planItem(t, plan, npmSecret)
	if !strings.Contains(revoke.Action, "npm token revoke") {
		t.Errorf("NPM_TOKEN action %q, want one that revokes the npm token", revoke.Action)
	}
	if revoke.Command != "gh secret set NPM_TOKEN --repo o/a" {
		t.Errorf("NPM_TOKEN command %q, want the gh secret set that stores the replacement", revoke.Command)
	}
	check := planItem(t, plan, widget)
	if !strings.Contains(check.Action, "deprecate or unpublish") {
		t.Errorf("check of @acme/widget: %q, want npm's ways to take a release back", check.Action)
	}
	if check.Command != "npm view @acme/widget time --json" {
		t.Errorf("check of @acme/widget runs %q, want npm view @acme/widget time --json", check.Command)
	}
	registry := planItem(t, plan, scope)
	if !strings.Contains(registry.Action, "packages the accounts above can publish on registry.npmjs.org") {
		t.Errorf("check of the registry: %q, want one about the packages the accounts can publish", registry.Action)
	}
}

func TestPlanCrateAndGemRelease(t *testing.T) {
	// A crates.io token and a RubyGems key each log in to an account that
	// publishes packages. Both registries take a release back by yanking
	// it (cargo yank, gem yank); neither holds images.
	for _, tt := range []struct{ eco, host, pkg, name string }{
		{"cargo", "crates.io", "pkg:cargo/ferris-util", "ferris-util"},
		{"gem", "rubygems.org", "pkg:gem/ferris", "ferris"},
	} {
		t.Run(tt.eco, func(t *testing.T) {
			secret := "secret:gha:o/a/TOKEN"
			account := "registry:" + tt.host + "/" + secret
			scope := "registry:" + tt.host + "/*"
			gr := newG().
				node(secret, "type", "actions-secret", "name", "TOKEN", "repository", "o/a").
				node(tt.pkg, "ecosystem", tt.eco, "name", tt.name).
				node(scope, "type", "registry-scope", "registry", tt.host, "ecosystem", tt.eco).
				edge(jobA, graph.EdgeExecutes, bad).
				edge(jobA, graph.EdgeExposes, secret).
				edge(secret, graph.EdgeAuthenticatesAs, account).
				edge(account, graph.EdgeCanPublish, tt.pkg).
				edge(account, graph.EdgeCanAccess, scope)
			gr.account(account, tt.host, tt.eco)
			s := gr.store(t)
			plan, err := BuildPlan(context.Background(), s, blast(t, s, bad, Options{}))
			if err != nil {
				t.Fatal(err)
			}
			registry := planItem(t, plan, scope)
			if want := "packages the accounts above can publish on " + tt.host; !strings.Contains(registry.Action, want) {
				t.Errorf("check of the registry: %q, want one that contains %q", registry.Action, want)
			}
			if !strings.Contains(registry.Action, "yank") {
				t.Errorf("check of the registry: %q, want the registry's way to take a release back (yank)", registry.Action)
			}
			check := planItem(t, plan, tt.pkg)
			if !strings.Contains(check.Action, "yank") || strings.Contains(check.Action, "deprecate") {
				t.Errorf("check of %s: %q, want yank alone", tt.name, check.Action)
			}
		})
	}
}

func TestPlanMavenAndNuGetRelease(t *testing.T) {
	// A Maven Central token and a nuget.org API key each log in to an
	// account that publishes packages. A publisher cannot take a release
	// off Maven Central: Sonatype's administrators can. nuget.org unlists
	// and deprecates for the owner and deletes only through its support.
	// A repository manager of one's own deletes versions.
	for _, tt := range []struct{ eco, host, pkg, name, revoke, scopeWants, pkgWants string }{
		{"maven", "central.sonatype.com", "pkg:maven/com.example/widget", "widget", "user token on central.sonatype.com",
			"ask Sonatype, which runs Maven Central, to remove", "ask Sonatype, which runs Maven Central, to remove"},
		{"nuget", "nuget.org", "pkg:nuget/Example.Widget", "Example.Widget", "API key on nuget.org",
			"unlist, deprecate and report to nuget.org support", "unlist, deprecate and report to nuget.org support"},
		{"maven", "repo.example.com", "pkg:maven/com.example/widget", "widget", "Rotate the value at the service that issued it",
			"and delete those", "ask Sonatype, which runs Maven Central, to remove"},
	} {
		t.Run(tt.host, func(t *testing.T) {
			secret := "secret:gha:o/a/TOKEN"
			account := "registry:" + tt.host + "/" + secret
			scope := "registry:" + tt.host + "/*"
			gr := newG().
				node(secret, "type", "actions-secret", "name", "TOKEN", "repository", "o/a").
				node(tt.pkg, "ecosystem", tt.eco, "name", tt.name).
				node(scope, "type", "registry-scope", "registry", tt.host, "ecosystem", tt.eco).
				edge(jobA, graph.EdgeExecutes, bad).
				edge(jobA, graph.EdgeExposes, secret).
				edge(secret, graph.EdgeAuthenticatesAs, account).
				edge(account, graph.EdgeCanPublish, tt.pkg).
				edge(account, graph.EdgeCanAccess, scope)
			gr.account(account, tt.host, tt.eco)
			s := gr.store(t)
			plan, err := BuildPlan(context.Background(), s, blast(t, s, bad, Options{}))
			if err != nil {
				t.Fatal(err)
			}
			if revoke := planItem(t, plan, secret); !strings.Contains(revoke.Action, tt.revoke) {
				t.Errorf("revocation of TOKEN: %q, want one that contains %q", revoke.Action, tt.revoke)
			}
			registry := planItem(t, plan, scope)
			if want := "packages the accounts above can publish on " + tt.host; !strings.Contains(registry.Action, want) {
				t.Errorf("check of the registry: %q, want one that contains %q", registry.Action, want)
			}
			if !strings.Contains(registry.Action, tt.scopeWants) {
				t.Errorf("check of the registry: %q, want one that contains %q", registry.Action, tt.scopeWants)
			}
			if check := planItem(t, plan, tt.pkg); !strings.Contains(check.Action, tt.pkgWants) {
				t.Errorf("check of %s: %q, want one that contains %q", tt.name, check.Action, tt.pkgWants)
			}
		})
	}
}

func TestPlanNPMViewOfGitHubPackage(t *testing.T) {
	// The job's GITHUB_TOKEN publishes @o/widget on GitHub Packages, so
	// npm view queries that registry, not registry.npmjs.org.
	const (
		token   = "secret:gha:token:o/a/.github/workflows/rel.yml#publish"
		account = "registry:npm.pkg.github.com/secret:gha:token:o/a/.github/workflows/rel.yml#publish"
		widget  = "pkg:npm/%40o/widget"
	)
	gr := newG().
		node(token, "type", "github-token").
		node(widget, "ecosystem", "npm", "name", "@o/widget").
		edge(jobA, graph.EdgeExecutes, bad).
		edge(jobA, graph.EdgeExposes, token).
		edge(token, graph.EdgeAuthenticatesAs, account).
		edge(account, graph.EdgeCanPublish, widget)
	gr.account(account, "npm.pkg.github.com", "npm")

	s := gr.store(t)
	plan, err := BuildPlan(context.Background(), s, blast(t, s, bad, Options{}))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := planItem(t, plan, widget).Command, "npm view @o/widget time --json --registry https://npm.pkg.github.com"; got != want {
		t.Errorf("check of @o/widget runs %q, want %q", got, want)
	}
}

func TestPlanLiteralRegistryPassword(t *testing.T) {
	// Job a logs in to ghcr.io with a password written into its script.
	const (
		literal = "secret:gha:inline:o/a/.github/workflows/ci.yml#build/run@6"
		account = "registry:ghcr.io/secret:gha:inline:o/a/.github/workflows/ci.yml#build/run@6"
	)
	gr := newG().
		node(literal, "type", "inline-value", "name", "registry login password", graph.AttrStoredInline, "true").
		edge(jobA, graph.EdgeExecutes, bad).
		edge(jobA, graph.EdgeExposes, literal).
		edge(literal, graph.EdgeAuthenticatesAs, account)
	n := gr.nodes[literal]
	n.Pos = graph.Pos{File: "a/.github/workflows/ci.yml", Line: 6}
	gr.nodes[literal] = n
	gr.account(account, "ghcr.io", "")

	s := gr.store(t)
	plan, err := BuildPlan(context.Background(), s, blast(t, s, bad, Options{}))
	if err != nil {
		t.Fatal(err)
	}
	want := "Change the password or revoke the token that the job logs in to ghcr.io with, as the account it belongs to; " +
		"its value is written in a/.github/workflows/ci.yml:6, so keep the replacement in a secret store and remove the old value from the file and its history"
	it := planItem(t, plan, literal)
	if it.Action != want {
		t.Errorf("action\n got %q\nwant %q", it.Action, want)
	}
	// The replacement goes into a secret store, which the job then reads:
	// the job is no place to put it.
	if len(it.Consumers) != 0 || !slices.Equal(it.ReadBy, []string{jobA}) {
		t.Errorf("consumers %v, read by %v, want none and [%s]", it.Consumers, it.ReadBy, jobA)
	}
}

func TestPlanHoldsLockfileOfPublishedPackage(t *testing.T) {
	// Job a runs the bad package and holds NPM_TOKEN, which can publish
	// @acme/widget. Job b runs the 1.0.0 its lockfile pins: it needs no
	// disabling, but its lockfile must not resolve the name again before
	// the published versions are checked.
	const (
		npmSecret = "secret:gha:o/a/NPM_TOKEN"
		account   = "registry:registry.npmjs.org/secret:gha:o/a/NPM_TOKEN"
		widget    = "pkg:npm/%40acme/widget"
		pinned    = "pkg:npm/%40acme/widget@1.0.0"
	)
	gr := newG().
		node(npmSecret, "type", "actions-secret", "name", "NPM_TOKEN", "repository", "o/a").
		node(widget, "ecosystem", "npm", "name", "@acme/widget").
		node(jobB, "type", "gha-job", graph.AttrRepository, "o/b", "workflow", ".github/workflows/ci.yml").
		edge(jobA, graph.EdgeExecutes, bad).
		edge(jobA, graph.EdgeExposes, npmSecret).
		edge(npmSecret, graph.EdgeAuthenticatesAs, account).
		edge(account, graph.EdgeCanPublish, widget).
		edge(pinned, graph.EdgeVersionOf, widget).
		edge(jobB, graph.EdgeExecutes, pinned)
	gr.account(account, "registry.npmjs.org", "npm")

	s := gr.store(t)
	plan, err := BuildPlan(context.Background(), s, blast(t, s, bad, Options{}))
	if err != nil {
		t.Fatal(err)
	}

	it := planItem(t, plan, jobB)
	// The text names the package as people write it, without the
	// percent-encoding of its id.
	want := "Hold updates of the lockfile of o/b, by people and by dependency bots, until the versions of pkg:npm/@acme/widget@1.0.0" +
		" published since the compromise are checked (see the last step): the versions it pins stay as built, and a new resolve may pick the attacker's"
	if it.Action != want {
		t.Errorf("action of job b\n got %q\nwant %q", it.Action, want)
	}
	if it.Command != "" {
		t.Errorf("job b gets command %q, want none: its workflow need not be disabled", it.Command)
	}
}

func TestPlanDisablesJobOfPushedImageTag(t *testing.T) {
	// Job a runs the bad package and holds a token that can push image
	// tool. Job b runs tool:2, a tag that a push moves at once, so its
	// next run pulls the attacker's image: its workflow is disabled, as
	// for a job that runs the bad package itself. Job c pins tool by
	// digest, which no push changes, so only its reference is held.
	const (
		secret  = "secret:gha:o/a/PUSH_TOKEN"
		account = "registry:us-docker.pkg.dev/secret:gha:o/a/PUSH_TOKEN"
		tool    = "pkg:docker/p/app/tool?repository_url=us-docker.pkg.dev"
		tagged  = "pkg:docker/p/app/tool@2?repository_url=us-docker.pkg.dev"
		digest  = "pkg:docker/p/app/tool@sha256:4b9c1a4a1e5d7e9b3d3d6f8c6a3e0c2b7d9e1f0a2b3c4d5e6f708192a3b4c5d6?repository_url=us-docker.pkg.dev"
		jobC    = "runtime:gha:o/c/.github/workflows/ci.yml#pinned"
	)
	gr := newG().
		node(secret, "type", "actions-secret", "name", "PUSH_TOKEN", "repository", "o/a").
		node(tool, "ecosystem", "docker", "name", "us-docker.pkg.dev/p/app/tool").
		node(jobB, "type", "gha-job", graph.AttrRepository, "o/b", "workflow", ".github/workflows/ci.yml").
		node(jobC, "type", "gha-job", graph.AttrRepository, "o/c", "workflow", ".github/workflows/ci.yml").
		edge(jobA, graph.EdgeExecutes, bad).
		edge(jobA, graph.EdgeExposes, secret).
		edge(secret, graph.EdgeAuthenticatesAs, account).
		edge(account, graph.EdgeCanPublish, tool).
		edge(tagged, graph.EdgeVersionOf, tool).
		edge(digest, graph.EdgeVersionOf, tool).
		edge(jobB, graph.EdgeExecutes, tagged).
		edge(jobC, graph.EdgeExecutes, digest)

	s := gr.store(t)
	plan, err := BuildPlan(context.Background(), s, blast(t, s, bad, Options{}))
	if err != nil {
		t.Fatal(err)
	}

	b := planItem(t, plan, jobB)
	if !strings.HasPrefix(b.Action, "Disable the workflow that runs ") {
		t.Errorf("action of job b = %q, want its workflow disabled", b.Action)
	}
	if !strings.Contains(b.Action, "tool@2") {
		t.Errorf("action of job b = %q, want it to name the image tag it runs", b.Action)
	}
	if b.Command == "" {
		t.Errorf("job b gets no command, want the one that disables its workflow")
	}
	c := planItem(t, plan, jobC)
	if !strings.HasPrefix(c.Action, "Hold updates of ") {
		t.Errorf("action of job c = %q, want its reference held", c.Action)
	}
}

func TestPlanLiteralNPMToken(t *testing.T) {
	// Job a writes an npm token into its script and publishes with it:
	// the token is revoked on the registry, and the plan names where the
	// old value is written.
	const (
		literal = "secret:gha:inline:o/a/.github/workflows/rel.yml#publish/run@9"
		account = "registry:registry.npmjs.org/secret:gha:inline:o/a/.github/workflows/rel.yml#publish/run@9"
	)
	gr := newG().
		node(literal, "type", "inline-value", "name", "npm token", graph.AttrStoredInline, "true", graph.AttrLongLived, "true").
		edge(jobA, graph.EdgeExecutes, bad).
		edge(jobA, graph.EdgeExposes, literal).
		edge(literal, graph.EdgeAuthenticatesAs, account)
	n := gr.nodes[literal]
	n.Pos = graph.Pos{File: "a/.github/workflows/rel.yml", Line: 10}
	gr.nodes[literal] = n
	gr.account(account, "registry.npmjs.org", "npm")

	s := gr.store(t)
	plan, err := BuildPlan(context.Background(), s, blast(t, s, bad, Options{}))
	if err != nil {
		t.Fatal(err)
	}
	want := "Revoke the token on registry.npmjs.org (npm token list, then npm token revoke with its id, as the account it belongs to); " +
		"its value is written in a/.github/workflows/rel.yml:10, so keep the replacement in a secret store and remove the old value from the file and its history"
	if got := planItem(t, plan, literal).Action; got != want {
		t.Errorf("action\n got %q\nwant %q", got, want)
	}
}

func TestPlanNPMViewOfDashName(t *testing.T) {
	// A name that starts with "-" would reach npm as an option, so it
	// follows "--", after which npm reads no options.
	const (
		npmSecret = "secret:gha:o/a/NPM_TOKEN"
		account   = "registry:registry.npmjs.org/secret:gha:o/a/NPM_TOKEN"
		dash      = "pkg:npm/-rf"
	)
	gr := newG().
		node(npmSecret, "type", "actions-secret", "name", "NPM_TOKEN", "repository", "o/a").
		node(dash, "ecosystem", "npm", "name", "-rf").
		node(account, "type", "registry-account", "registry", "registry.npmjs.org", "ecosystem", "npm").
		edge(jobA, graph.EdgeExecutes, bad).
		edge(jobA, graph.EdgeExposes, npmSecret).
		edge(npmSecret, graph.EdgeAuthenticatesAs, account).
		edge(account, graph.EdgeCanPublish, dash)

	s := gr.store(t)
	plan, err := BuildPlan(context.Background(), s, blast(t, s, bad, Options{}))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := planItem(t, plan, dash).Command, "npm view --json -- -rf time"; got != want {
		t.Errorf("check command %q, want %q", got, want)
	}
}

func TestPlanGitHubPackagesToken(t *testing.T) {
	// A token for npm.pkg.github.com is a GitHub personal access token,
	// which npm token revoke cannot revoke.
	const (
		gprSecret = "secret:gha:o/a/GPR_TOKEN"
		account   = "registry:npm.pkg.github.com/secret:gha:o/a/GPR_TOKEN"
		scope     = "registry:npm.pkg.github.com/*"
	)
	gr := newG().
		node(gprSecret, "type", "actions-secret", "name", "GPR_TOKEN", "repository", "o/a").
		node(account, "type", "registry-account", "registry", "npm.pkg.github.com", "ecosystem", "npm").
		node(scope, "type", "registry-scope", "registry", "npm.pkg.github.com", "ecosystem", "npm").
		edge(jobA, graph.EdgeExecutes, bad).
		edge(jobA, graph.EdgeExposes, gprSecret).
		edge(gprSecret, graph.EdgeAuthenticatesAs, account).
		edge(account, graph.EdgeCanAccess, scope)

	s := gr.store(t)
	plan, err := BuildPlan(context.Background(), s, blast(t, s, bad, Options{}))
	if err != nil {
		t.Fatal(err)
	}

	action := planItem(t, plan, gprSecret).Action
	if strings.Contains(action, "npm token") {
		t.Errorf("GPR_TOKEN action %q, want no npm token command", action)
	}
	if !strings.Contains(action, "personal access token") {
		t.Errorf("GPR_TOKEN action %q, want one that revokes the personal access token", action)
	}
}

func TestPlanRevokesRoleAssumedInLogs(t *testing.T) {
	// No trust policy is in the input, but the logs show the job's OIDC
	// subject assuming the role, and the role reading a secret. The role's
	// sessions are then revoked before the secret is rotated, since they
	// can read it again. A role that the logs show only being read (an
	// iam:GetRole call) holds no session of the attacker's.
	const (
		job     = "runtime:gha:o/a/.github/workflows/ci.yml#deploy"
		token   = "secret:gha:oidc:o/a/.github/workflows/ci.yml#deploy"
		subject = "oidc:gha:o/a/.github/workflows/ci.yml#deploy"
		role    = "arn:aws:iam::444455556666:role/deploy"
		other   = "arn:aws:iam::444455556666:role/audit"
		secret  = "arn:aws:secretsmanager:eu-west-1:444455556666:secret:db-password"
	)
	s := newG().
		node(job, "type", "gha-job", "workflow", ".github/workflows/ci.yml", "repository", "o/a").
		node(token, "type", "oidc-token").
		node(subject, "type", "oidc-subject").
		node(role, "type", "role", "name", "deploy", "account", "444455556666").
		node(other, "type", "role", "name", "audit", "account", "444455556666").
		node(secret, "type", "secretsmanager-secret", "long_lived", "true").
		edge(job, graph.EdgeExposes, token).
		edge(token, graph.EdgeAuthenticatesAs, subject).
		edge(subject, graph.EdgeObserved, role, "session_keys=ASIAEXAMPLE0000001", "sub=repo:o/a:ref:refs/heads/main").
		edge(role, graph.EdgeObserved, secret).
		edge(role, graph.EdgeObserved, other).
		store(t)

	plan := planFrom(t, s, job, Options{})
	roleItem := planItem(t, plan, role)
	if !strings.HasPrefix(roleItem.Command, "aws iam put-role-policy --role-name deploy --policy-name AWSRevokeOlderSessions ") {
		t.Errorf("command of the assumed role %q, want a put-role-policy on role deploy", roleItem.Command)
	}
	if got := planItem(t, plan, secret).YieldedBy; !slices.Contains(got, role) {
		t.Errorf("the secret comes after %v, want after the role that can read it again", got)
	}
	for _, st := range plan.Steps {
		for _, it := range st.Items {
			if it.Node.ID == other {
				t.Errorf("the role that was only read has a plan item: %+v", it)
			}
		}
	}
}

func TestPlanReadAccessDoesNotOrderJobSecrets(t *testing.T) {
	// The compromised job holds a token that can only read its own
	// repository, and a secret. Reading a repository does not run its
	// jobs, so the token cannot read the secret again: both are revoked
	// in the first step, neither after the other.
	const (
		job   = "runtime:gha:o/a/.github/workflows/ci.yml#build"
		pat   = "secret:gha:o/a/READ_PAT"
		user  = "github:user:reader"
		repo  = "repo:github.com/o/a"
		other = "secret:gha:o/a/DEPLOY_KEY"
	)
	s := newG().
		node(job, "type", "gha-job", "workflow", ".github/workflows/ci.yml", "repository", "o/a").
		node(pat, "type", "actions-secret", "name", "READ_PAT", "repository", "o/a", "long_lived", "true").
		node(other, "type", "actions-secret", "name", "DEPLOY_KEY", "repository", "o/a", "long_lived", "true").
		edge(job, graph.EdgeExposes, pat).
		edge(job, graph.EdgeExposes, other).
		edge(pat, graph.EdgeAuthenticatesAs, user).
		edge(user, graph.EdgeCanAccess, repo, "level=read").
		edge(repo, graph.EdgeDefines, job).
		store(t)

	plan := planFrom(t, s, job, Options{})
	if got := planItem(t, plan, other).YieldedBy; len(got) != 0 {
		t.Errorf("DEPLOY_KEY comes after %v, want after nothing: read access runs no job", got)
	}
}

func TestPlanExpiresGitLabJobToken(t *testing.T) {
	// CI_JOB_TOKEN lives as long as its job: it is expired with the
	// containment, not rotated at an issuer.
	const (
		job   = "runtime:gitlab:o/a/.gitlab-ci.yml#test"
		token = "secret:gitlab:token:o/a/.gitlab-ci.yml#test"
	)
	s := newG().
		node(job, "type", "gitlab-job", "repository", "o/a").
		node(token, "type", "job-token", "name", "CI_JOB_TOKEN", "long_lived", "false").
		edge(job, graph.EdgeExposes, token).
		store(t)

	plan := planFrom(t, s, job, Options{})
	it := planItem(t, plan, token)
	if it.Kind != "expire" || !strings.HasPrefix(it.Action, "Expires when the job ends") {
		t.Errorf("CI_JOB_TOKEN item is %q: %q, want expire when the job ends", it.Kind, it.Action)
	}
	if plan.Steps[0].Items[len(plan.Steps[0].Items)-1].Node.ID != token {
		t.Errorf("CI_JOB_TOKEN is not in the containment step: %+v", plan.Steps[0].Items)
	}
}

func TestPlanContainsGitLabProject(t *testing.T) {
	// Two jobs of one GitLab project run the package: one item turns off
	// the project's CI/CD and cancels its running and pending pipelines.
	const (
		bad   = "pkg:npm/evil@1.0.0"
		test  = "runtime:gitlab:o/a/.gitlab-ci.yml#test"
		build = "runtime:gitlab:o/a/.gitlab-ci.yml#build"
	)
	s := newG().
		node(test, "type", "gitlab-job", "repository", "o/a").
		node(build, "type", "gitlab-job", "repository", "o/a").
		edge(test, graph.EdgeExecutes, bad).
		edge(build, graph.EdgeExecutes, bad).
		store(t)

	plan := planFrom(t, s, bad, Options{})
	it := plan.Steps[0].Items[0]
	if len(plan.Steps[0].Items) != 1 || len(it.Also) != 1 {
		t.Fatalf("containment items %+v, want one for both jobs", plan.Steps[0].Items)
	}
	want := "Cancel the running and pending pipelines of project o/a, which runs " + build + " and " + test +
		", save the logs of its last 100 jobs, cancel what started meanwhile, then turn off its CI/CD until pkg:npm/evil@1.0.0 is removed or pinned to a known-good version"
	if it.Action != want {
		t.Errorf("action\n got %q\nwant %q", it.Action, want)
	}
	// Stand-ins record each glab call in calls.txt. The running list
	// holds pipeline 7 and the pending list is empty. The last jobs are 41
	// and 40, and each log reads "log of" and the job's trace path. Every
	// call names gitlab.com, where the project is, since glab otherwise
	// sends it to the server of the clone it runs in.
	calls := runShell(t, `cd "$(mktemp -d)"
glab() {
  case "$*" in
    *status=running) echo '[{"id":7}]' ;;
    *status=pending) echo '[]' ;;
    *per_page=100) printf '[{"id":41},\n{"id":40}]\n' ;;
    */trace) echo "glab $*" >> calls.txt; for a; do last=$a; done; echo "log of $last" ;;
    *) echo "glab $*" >> calls.txt ;;
  esac
}
jq() { sed -n 's/.*"id":\([0-9]*\).*/\1/p'; }
xargs() {
  shift # -I{}
  while read -r id; do
    cmd=""
    for a in "$@"; do cmd="$cmd $(printf '%s' "$a" | sed "s/{}/$id/g")"; done
    eval "$cmd"
  done
}
`+it.Command+`
cat calls.txt job-41.log job-40.log`)
	// The pipelines are cancelled and the logs saved before CI/CD is
	// turned off, since GitLab hides a project's pipelines and jobs from
	// the API once it is off.
	// A second cancel pass, right before the turn-off, catches a
	// pipeline that started while the logs were saved.
	wantCalls := "glab api --hostname gitlab.com --method POST projects/o%2Fa/pipelines/7/cancel\n" +
		"glab api --hostname gitlab.com projects/o%2Fa/jobs/41/trace\n" +
		"glab api --hostname gitlab.com projects/o%2Fa/jobs/40/trace\n" +
		"glab api --hostname gitlab.com --method POST projects/o%2Fa/pipelines/7/cancel\n" +
		"glab api --hostname gitlab.com --method PUT projects/o%2Fa --raw-field builds_access_level=disabled\n" +
		"log of projects/o%2Fa/jobs/41/trace\n" +
		"log of projects/o%2Fa/jobs/40/trace\n"
	if calls != wantCalls {
		t.Errorf("commands ran\n%s\nwant\n%s", calls, wantCalls)
	}
}

func TestPlanDeniedAssumeRevokesNothing(t *testing.T) {
	// The logs show the deploy role reading the audit role (iam:GetRole,
	// allowed) and trying to assume it (sts:AssumeRole, denied). The
	// denied call gave no session, so the audit role has nothing to
	// revoke.
	const (
		job     = "runtime:gha:o/a/.github/workflows/ci.yml#deploy"
		token   = "secret:gha:oidc:o/a/.github/workflows/ci.yml#deploy"
		subject = "oidc:gha:o/a/.github/workflows/ci.yml#deploy"
		role    = "arn:aws:iam::444455556666:role/deploy"
		other   = "arn:aws:iam::444455556666:role/audit"
	)
	b := newG().
		node(job, "type", "gha-job", "workflow", ".github/workflows/ci.yml", "repository", "o/a").
		node(token, "type", "oidc-token").
		node(subject, "type", "oidc-subject").
		node(role, "type", "role", "name", "deploy", "account", "444455556666").
		node(other, "type", "role", "name", "audit", "account", "444455556666").
		edge(job, graph.EdgeExposes, token).
		edge(token, graph.EdgeAuthenticatesAs, subject).
		edge(subject, graph.EdgeObserved, role, "session_keys=ASIAEXAMPLE0000001").
		edge(role, graph.EdgeObserved, other)
	ev := &graph.Evidence{}
	at := time.Date(2026, 11, 3, 2, 40, 0, 0, time.UTC)
	ev.Add(at, "iam:GetRole", "203.0.113.66", "aws-cli/2.15.30", "ASIAEXAMPLE0000001", false, graph.Pos{File: "trail.json"})
	ev.Add(at.Add(time.Minute), "sts:AssumeRole", "203.0.113.66", "aws-cli/2.15.30", "ASIAEXAMPLE0000001", true, graph.Pos{File: "trail.json"})
	b.edges[len(b.edges)-1].Evidence = ev
	s := b.store(t)

	plan := planFrom(t, s, job, Options{})
	planItem(t, plan, role)
	for _, st := range plan.Steps {
		for _, it := range st.Items {
			if it.Node.ID == other {
				t.Errorf("the role whose assumption was denied has a plan item: %s %s", it.Kind, it.Action)
			}
		}
	}
}

func TestPlanCancelsEveryPageOfPipelines(t *testing.T) {
	// GitLab lists 20 pipelines a page unless asked for more. The stand-in
	// glab returns the running pipelines in two pages, and the second page
	// only to a call that follows the pages.
	const (
		bad  = "pkg:npm/evil@1.0.0"
		test = "runtime:gitlab:o/a/.gitlab-ci.yml#test"
	)
	s := newG().
		node(test, "type", "gitlab-job", "repository", "o/a").
		edge(test, graph.EdgeExecutes, bad).
		store(t)
	plan := planFrom(t, s, bad, Options{})
	calls := runShell(t, `glab() {
  case "$*" in
    *--paginate*status=running) echo '[{"id":7}]'; echo '[{"id":8}]' ;;
    *status=running) echo '[{"id":7}]' ;;
    *status=pending) echo '[]' ;;
    *--method\ POST*) echo "cancel $*" ;;
  esac
}
jq() { sed -n 's/.*"id":\([0-9]*\).*/\1/p'; }
xargs() {
  shift # -I{}
  while read -r id; do
    cmd=""
    for a in "$@"; do cmd="$cmd $(printf '%s' "$a" | sed "s/{}/$id/g")"; done
    eval "$cmd"
  done
}
`+planItem(t, plan, test).Command)
	// Both cancel passes read both pages: the stand-in lists the same
	// pipelines again in the second pass.
	want := "cancel api --hostname gitlab.com --method POST projects/o%2Fa/pipelines/7/cancel\n" +
		"cancel api --hostname gitlab.com --method POST projects/o%2Fa/pipelines/8/cancel\n"
	want += want
	if calls != want {
		t.Errorf("cancelled\n%s\nwant\n%s", calls, want)
	}
}

func TestPlanContainsSelfManagedGitLabProject(t *testing.T) {
	// A job of a project on a self-managed server: every glab call names
	// that server, or glab sends it to gitlab.com outside a clone of the
	// project.
	const (
		bad  = "pkg:npm/evil@1.0.0"
		test = "runtime:gitlab:payments/api/.gitlab-ci.yml#test"
	)
	s := newG().
		node(test, "type", "gitlab-job", "repository", "payments/api", "server", "gitlab.example.com").
		edge(test, graph.EdgeExecutes, bad).
		store(t)
	plan := planFrom(t, s, bad, Options{})
	// The stand-in glab logs each call; the running list holds pipeline 7.
	calls := runShell(t, `log=$(mktemp)
glab() {
  echo "glab $*" >>"$log"
  case "$*" in
    *status=running) echo '[{"id":7}]' ;;
    *status=pending) echo '[]' ;;
  esac
}
jq() { sed -n 's/.*"id":\([0-9]*\).*/\1/p'; }
xargs() {
  shift # -I{}
  while read -r id; do
    cmd=""
    for a in "$@"; do cmd="$cmd $(printf '%s' "$a" | sed "s/{}/$id/g")"; done
    eval "$cmd"
  done
}
`+planItem(t, plan, test).Command+`
sort "$log"; rm -f "$log"`)
	want := "glab api --hostname gitlab.example.com --method POST projects/payments%2Fapi/pipelines/7/cancel\n" +
		"glab api --hostname gitlab.example.com --method POST projects/payments%2Fapi/pipelines/7/cancel\n" +
		"glab api --hostname gitlab.example.com --method PUT projects/payments%2Fapi --raw-field builds_access_level=disabled\n" +
		"glab api --hostname gitlab.example.com --paginate projects/payments%2Fapi/pipelines?status=pending\n" +
		"glab api --hostname gitlab.example.com --paginate projects/payments%2Fapi/pipelines?status=pending\n" +
		"glab api --hostname gitlab.example.com --paginate projects/payments%2Fapi/pipelines?status=running\n" +
		"glab api --hostname gitlab.example.com --paginate projects/payments%2Fapi/pipelines?status=running\n" +
		"glab api --hostname gitlab.example.com projects/payments%2Fapi/jobs?per_page=100\n"
	if calls != want {
		t.Errorf("commands ran, sorted\n%s\nwant\n%s", calls, want)
	}
}

func TestPlanReadAndWritePathsToRepository(t *testing.T) {
	// The compromised job holds a token that can read repository o/b and
	// one that can push to it. Pushing runs o/b's deploy job, which reads
	// PROD_KEY, so PROD_KEY comes after the push token. Reading o/b runs
	// nothing, so it does not come after the read token.
	const (
		job     = "runtime:gha:o/a/.github/workflows/ci.yml#build"
		readPAT = "secret:gha:o/a/READ_PAT"
		pushPAT = "secret:gha:o/a/PUSH_PAT"
		reader  = "github:user:reader"
		pusher  = "github:user:pusher"
		repo    = "repo:github.com/o/b"
		deploy  = "runtime:gha:o/b/.github/workflows/deploy.yml#deploy"
		prodKey = "secret:gha:o/b/PROD_KEY"
	)
	s := newG().
		node(job, "type", "gha-job", "workflow", ".github/workflows/ci.yml", "repository", "o/a").
		node(deploy, "type", "gha-job", "workflow", ".github/workflows/deploy.yml", "repository", "o/b").
		node(readPAT, "type", "actions-secret", "name", "READ_PAT", "repository", "o/a", "long_lived", "true").
		node(pushPAT, "type", "actions-secret", "name", "PUSH_PAT", "repository", "o/a", "long_lived", "true").
		node(prodKey, "type", "actions-secret", "name", "PROD_KEY", "repository", "o/b", "long_lived", "true").
		edge(job, graph.EdgeExposes, readPAT).
		edge(job, graph.EdgeExposes, pushPAT).
		edge(readPAT, graph.EdgeAuthenticatesAs, reader).
		edge(pushPAT, graph.EdgeAuthenticatesAs, pusher).
		edge(reader, graph.EdgeCanAccess, repo, "level=read").
		edge(pusher, graph.EdgeCanModify, repo).
		edge(repo, graph.EdgeDefines, deploy).
		edge(deploy, graph.EdgeExposes, prodKey).
		store(t)

	plan := planFrom(t, s, job, Options{})
	got := planItem(t, plan, prodKey).YieldedBy
	if !slices.Contains(got, pushPAT) {
		t.Errorf("PROD_KEY comes after %v, want after PUSH_PAT, which can run the deploy job", got)
	}
	if slices.Contains(got, readPAT) {
		t.Errorf("PROD_KEY comes after %v, want not after READ_PAT: read access runs no job", got)
	}
}

func TestPlanRoleOnlyReadInLogsLeadsNowhere(t *testing.T) {
	// The logs show the deploy role reading the audit role's definition
	// (iam:GetRole), alone or with an sts:AssumeRole call that was denied:
	// neither makes a session of the audit role. The walk does not act as
	// the audit role, so the secret only it can read is out of the blast
	// radius, and nothing is ordered after the deploy role because of it.
	const (
		job     = "runtime:gha:o/a/.github/workflows/ci.yml#deploy"
		token   = "secret:gha:oidc:o/a/.github/workflows/ci.yml#deploy"
		subject = "oidc:gha:o/a/.github/workflows/ci.yml#deploy"
		role    = "arn:aws:iam::444455556666:role/deploy"
		other   = "arn:aws:iam::444455556666:role/audit"
		secret  = "arn:aws:secretsmanager:eu-west-1:444455556666:secret:audit-key"
	)
	at := time.Date(2026, 11, 3, 2, 40, 0, 0, time.UTC)
	for _, c := range []struct {
		name   string
		second string
		denied bool
	}{
		{"read twice", "iam:ListRolePolicies", false},
		{"denied assume", "sts:AssumeRole", true},
	} {
		b := newG().
			node(job, "type", "gha-job", "workflow", ".github/workflows/ci.yml", "repository", "o/a").
			node(token, "type", "oidc-token").
			node(subject, "type", "oidc-subject").
			node(role, "type", "role", "name", "deploy", "account", "444455556666").
			node(other, "type", "role", "name", "audit", "account", "444455556666").
			node(secret, "type", "secretsmanager-secret", "long_lived", "true").
			edge(job, graph.EdgeExposes, token).
			edge(token, graph.EdgeAuthenticatesAs, subject).
			edge(subject, graph.EdgeObserved, role, "session_keys=ASIAEXAMPLE0000001").
			edge(other, graph.EdgeCanReadSecret, secret).
			edge(role, graph.EdgeObserved, other)
		ev := &graph.Evidence{}
		ev.Add(at, "iam:GetRole", "203.0.113.66", "aws-cli/2.15.30", "ASIAEXAMPLE0000001", false, graph.Pos{File: "trail.json"})
		ev.Add(at.Add(time.Minute), c.second, "203.0.113.66", "aws-cli/2.15.30", "ASIAEXAMPLE0000001", c.denied, graph.Pos{File: "trail.json"})
		b.edges[len(b.edges)-1].Evidence = ev
		s := b.store(t)

		for _, st := range []graph.Store{s, generic{s}} {
			res := blast(t, st, job, Options{})
			if x := res.Get(secret); x != nil {
				t.Errorf("%s, %T: the audit role's secret is reached: %+v", c.name, st, x.Path)
			}
			if x := res.Get(other); x == nil || !x.Inspected {
				t.Errorf("%s, %T: the audit role is %+v, want reached as inspected", c.name, st, x)
			}
		}
	}
}

func TestPlanRevokesSameValueCopies(t *testing.T) {
	// One token written in a CI script and in a Kubernetes secret: the
	// linker joins the two copies with HOLDS both ways. Each copy is the
	// credential, so both are revoked, in one step.
	inline := "secret:gitlab:inline:acme/one/.gitlab-ci.yml#build/script@3"
	k8s := "secret:k8s:ci/gh"
	sameValue := []string{"via=same-value", "reason=both hold the same value"}
	s := newG().
		node(inline, "type", "inline-value", graph.AttrFingerprint, "fp:1").
		node(k8s, "type", "Opaque", graph.AttrFingerprint, "fp:1").
		edge(jobA, graph.EdgeExecutes, bad).
		edge(jobA, graph.EdgeExposes, inline).
		edge(inline, graph.EdgeHolds, k8s, append(sameValue, "possible")...).
		edge(k8s, graph.EdgeHolds, inline, append(sameValue, "possible")...).
		store(t)
	want := [][]string{
		{"contain " + jobA},
		{"revoke " + inline, "revoke " + k8s},
	}
	if diff := cmp.Diff(want, planSteps(t, s, bad)); diff != "" {
		t.Errorf("plan from the package (-want +got):\n%s", diff)
	}
	want = [][]string{{"revoke " + inline, "revoke " + k8s}}
	if diff := cmp.Diff(want, planSteps(t, s, k8s)); diff != "" {
		t.Errorf("plan from the Kubernetes secret (-want +got):\n%s", diff)
	}
}

// TestPlanRevokesCompromisedUser starts from an IAM user whose keys the
// input does not declare: the plan's first revoke step deactivates every
// key of the user and deletes its password, by the user's name.
func TestPlanRevokesCompromisedUser(t *testing.T) {
	const (
		pusher = "arn:aws:iam::111122223333:user/ci-pusher"
		bucket = "arn:aws:s3:::builds"
	)
	s := newG().
		node(pusher, "type", "user", "provider", "aws").
		edge(pusher, graph.EdgeCanAccess, bucket).
		store(t)
	plan := planFrom(t, s, pusher, Options{})
	item := planItem(t, plan, pusher)
	if item.Kind != "revoke" {
		t.Errorf("item kind %q, want revoke", item.Kind)
	}
	// A stand-in aws function prints each call's arguments.
	got := runShell(t, `aws() { echo "$@"; }; `+item.Command)
	want := "iam list-access-keys --user-name ci-pusher\n" +
		"iam update-access-key --user-name ci-pusher --access-key-id <key id> --status Inactive\n" +
		"iam delete-login-profile --user-name ci-pusher\n"
	if got != want {
		t.Errorf("commands ran as\n%s\nwant\n%s", got, want)
	}
}

func TestPlanStopsImpersonatedServiceAccount(t *testing.T) {
	// The job's OIDC token is exchanged for tokens of a service account
	// that pushes an image. Stopping the publish needs the account stopped
	// too, because its tokens outlive the job. An account that is only
	// reached by CAN_ACCESS is not acted as, so it has no item.
	const (
		job     = "runtime:gha:o/a/.github/workflows/images.yml#push"
		token   = "secret:gha:oidc:o/a/.github/workflows/images.yml#push"
		subject = "oidc:gha:o/a/.github/workflows/images.yml#push"
		sa      = "gcp:sa:pusher@example-proj.iam.gserviceaccount.com"
		viewed  = "gcp:sa:viewer@example-proj.iam.gserviceaccount.com"
		image   = "pkg:docker/example-proj/images/app?repository_url=europe-west1-docker.pkg.dev"
	)
	s := newG().
		node(job, "type", "gha-job", "workflow", ".github/workflows/images.yml", "repository", "o/a").
		node(token, "type", "oidc-token").
		node(subject, "type", "oidc-subject").
		node(sa, "type", "service-account", "email", "pusher@example-proj.iam.gserviceaccount.com").
		node(viewed, "type", "service-account", "email", "viewer@example-proj.iam.gserviceaccount.com").
		node(image, "ecosystem", "docker", "name", "europe-west1-docker.pkg.dev/example-proj/images/app").
		edge(job, graph.EdgeExposes, token).
		edge(token, graph.EdgeAuthenticatesAs, subject).
		edge(subject, graph.EdgeCanAssume, sa, "possible").
		edge(sa, graph.EdgeCanPublish, image).
		edge(sa, graph.EdgeCanAccess, viewed, "level=read").
		store(t)

	plan := planFrom(t, s, job, Options{})
	it := planItem(t, plan, sa)
	if it.Kind != "revoke" {
		t.Errorf("item kind %q, want revoke", it.Kind)
	}
	if want := "gcloud iam service-accounts disable pusher@example-proj.iam.gserviceaccount.com"; !strings.Contains(it.Command, want) {
		t.Errorf("command %q does not contain %q", it.Command, want)
	}
	if !strings.Contains(it.Verify, `protoPayload.authenticationInfo.principalEmail="pusher@example-proj.iam.gserviceaccount.com"`) {
		t.Errorf("verify %q does not look up the account's calls", it.Verify)
	}
	for _, st := range plan.Steps {
		for _, it := range st.Items {
			if it.Node.ID == viewed {
				t.Errorf("the account that is only read has a plan item: %+v", it)
			}
		}
	}
}

func TestPlanDisablesServiceAccountKey(t *testing.T) {
	// A job holds two keys of a service account that pushes an image: one
	// whose id the input shows, and one the linker found can be created.
	// The first is disabled by id; for the second every key made since the
	// compromise is listed for deletion.
	const (
		job    = "runtime:gha:o/a/.github/workflows/images.yml#push"
		email  = "pusher@example-proj.iam.gserviceaccount.com"
		sa     = "gcp:sa:" + email
		key    = "secret:gcp:sa-key:" + email + "/0123456789abcdef0123456789abcdef01234567"
		minted = "secret:gcp:sa-key:" + email + "/new"
		image  = "pkg:docker/example-proj/images/app?repository_url=europe-west1-docker.pkg.dev"
	)
	s := newG().
		node(job, "type", "gha-job", "workflow", ".github/workflows/images.yml", "repository", "o/a").
		node(key, "provider", "gcp", "type", "sa-key", "key_id", "0123456789abcdef0123456789abcdef01234567").
		node(minted, "provider", "gcp", "type", "sa-key", "minted", "true").
		node(sa, "type", "service-account", "email", email).
		node(image, "ecosystem", "docker", "name", "europe-west1-docker.pkg.dev/example-proj/images/app").
		edge(job, graph.EdgeExposes, key).
		edge(job, graph.EdgeExposes, minted).
		edge(key, graph.EdgeAuthenticatesAs, sa).
		edge(minted, graph.EdgeAuthenticatesAs, sa).
		edge(sa, graph.EdgeCanPublish, image).
		store(t)

	plan := planFrom(t, s, job, Options{})
	it := planItem(t, plan, key)
	if want := "gcloud iam service-accounts keys disable 0123456789abcdef0123456789abcdef01234567 --iam-account " + email; !strings.Contains(it.Command, want) {
		t.Errorf("command %q does not contain %q", it.Command, want)
	}
	if !strings.Contains(it.Verify, `protoPayload.authenticationInfo.serviceAccountKeyName:"0123456789abcdef0123456789abcdef01234567"`) {
		t.Errorf("verify %q does not look up the key's calls", it.Verify)
	}
	it = planItem(t, plan, minted)
	if want := "gcloud iam service-accounts keys list --iam-account " + email + " --managed-by user"; !strings.Contains(it.Command, want) {
		t.Errorf("command %q does not contain %q", it.Command, want)
	}
}

func TestPlanStopsCloudRun(t *testing.T) {
	// A Cloud Run service runs the compromised image and hands its code
	// the tokens of its service account through the metadata server. The
	// service's traffic goes to a clean revision; the tokens, which cannot
	// be revoked one by one, stop being issued while the account is off.
	const (
		email = "api-runner@example-prod.iam.gserviceaccount.com"
		image = "pkg:docker/example-prod/app/api@1.4.0?repository_url=europe-west1-docker.pkg.dev"
		run   = "runtime:gcp:run:example-prod/europe-west1/api"
		job   = "runtime:gcp:run:example-prod/europe-west1/report"
		cred  = "secret:gcp:metadata-token:gcp:run:example-prod/europe-west1/api"
		sa    = "gcp:sa:" + email
	)
	s := newG().
		node(image, "ecosystem", "docker").
		node(run, "provider", "gcp", "type", "cloud-run-service", "project", "example-prod", "location", "europe-west1", "name", "api").
		node(job, "provider", "gcp", "type", "cloud-run-job", "project", "example-prod", "location", "europe-west1", "name", "report").
		node(cred, "provider", "gcp", "type", "metadata-token").
		node(sa, "type", "service-account", "email", email).
		edge(run, graph.EdgeExecutes, image).
		edge(job, graph.EdgeExecutes, image).
		edge(run, graph.EdgeExposes, cred).
		edge(cred, graph.EdgeAuthenticatesAs, sa).
		store(t)

	plan := planFrom(t, s, image, Options{})
	it := planItem(t, plan, run)
	if want := "gcloud run services update-traffic api --to-revisions '<clean revision>=100' --region europe-west1 --project example-prod"; it.Command != want {
		t.Errorf("service command %q, want %q", it.Command, want)
	}
	it = planItem(t, plan, job)
	if want := "gcloud run jobs update report --image '<clean image>' --region europe-west1 --project example-prod"; it.Command != want {
		t.Errorf("job command %q, want %q", it.Command, want)
	}
	it = planItem(t, plan, cred)
	if want := "gcloud iam service-accounts disable " + email; !strings.Contains(it.Command, want) {
		t.Errorf("token command %q does not contain %q", it.Command, want)
	}
	if !strings.Contains(it.Verify, `protoPayload.authenticationInfo.principalEmail="`+email+`"`) {
		t.Errorf("verify %q does not look up the account's calls", it.Verify)
	}
}

func TestPlanCloudRunNamesAreNotFlags(t *testing.T) {
	// Names from the input are positional arguments of gcloud, which reads
	// a word that starts with "-" as a flag: a service so named would make
	// the responder's command act as another account. Such values become
	// placeholders.
	const (
		flag  = "--impersonate-service-account=x@p.iam.gserviceaccount.com"
		image = "pkg:docker/p/app/api@1.4.0?repository_url=europe-west1-docker.pkg.dev"
		run   = "runtime:gcp:run:p/europe-west1/svc"
		job   = "runtime:gcp:run:p/europe-west1/job"
		cred  = "secret:gcp:metadata-token:gcp:run:p/europe-west1/svc"
		sa    = "gcp:sa:" + flag
	)
	s := newG().
		node(image, "ecosystem", "docker").
		node(run, "provider", "gcp", "type", "cloud-run-service", "project", "p", "location", "europe-west1", "name", flag).
		node(job, "provider", "gcp", "type", "cloud-run-job", "project", "p", "location", "europe-west1", "name", flag).
		node(cred, "provider", "gcp", "type", "metadata-token").
		node(sa, "type", "service-account", "email", flag).
		edge(run, graph.EdgeExecutes, image).
		edge(job, graph.EdgeExecutes, image).
		edge(run, graph.EdgeExposes, cred).
		edge(cred, graph.EdgeAuthenticatesAs, sa).
		store(t)

	plan := planFrom(t, s, image, Options{})
	for _, tt := range []struct {
		id, want string
	}{
		{run, "gcloud run services update-traffic '<service name>' --to-revisions"},
		{job, "gcloud run jobs update '<job name>' --image"},
		{cred, "gcloud iam service-accounts disable '<service account email>'; gcloud iam service-accounts get-iam-policy '<service account email>'"},
	} {
		it := planItem(t, plan, tt.id)
		if !strings.HasPrefix(it.Command, tt.want) {
			t.Errorf("command of %s\n got %q\nwant it to start with %q", tt.id, it.Command, tt.want)
		}
	}
}

func TestPlanStopsComputeInstance(t *testing.T) {
	// A Compute Engine instance runs the compromised image. Its serial
	// port output is saved, then the instance is stopped, which ends the
	// container and stops it from taking new metadata tokens.
	const (
		image = "pkg:docker/example-prod/app/web@1.2?repository_url=europe-west1-docker.pkg.dev"
		vm    = "runtime:gcp:gce:projects/example-prod/zones/europe-west1-b/instances/web"
	)
	s := newG().
		node(image, "ecosystem", "docker").
		node(vm, "provider", "gcp", "type", "gce-instance", "project", "example-prod", "zone", "europe-west1-b", "name", "web").
		edge(vm, graph.EdgeExecutes, image).
		store(t)

	it := planItem(t, planFrom(t, s, image, Options{}), vm)
	if it.Kind != "contain" {
		t.Errorf("item kind %q, want contain", it.Kind)
	}
	if !strings.Contains(it.Action, "serial port output") || !strings.Contains(it.Action, "stop the instance") {
		t.Errorf("action %q, want one that saves the serial port output and stops the instance", it.Action)
	}
	// The stand-in gcloud logs each call and prints "output of" and the
	// instance for the serial port; the saved file is listed after.
	calls := runShell(t, `cd "$(mktemp -d)"
gcloud() {
  echo "gcloud $*" >> calls.txt
  case "$3" in get-serial-port-output) echo "output of $4" ;; esac
}
`+it.Command+`
cat calls.txt; for f in *.log; do echo "$f: $(cat "$f")"; done`)
	want := "gcloud compute instances get-serial-port-output web --zone europe-west1-b --project example-prod\n" +
		"gcloud compute instances stop web --zone europe-west1-b --project example-prod\n" +
		"serial-example-prod-europe-west1-b-web.log: output of web\n"
	if calls != want {
		t.Errorf("commands ran\n%s\nwant\n%s", calls, want)
	}
}

func TestPlanComputeInstanceQuotesInput(t *testing.T) {
	// Every value of the command comes from the input. A name that would
	// run a command in the shell stays literal text. A value that starts
	// with "-" would be read as a gcloud flag, and no Compute Engine
	// name or zone starts with one, so the command has a placeholder there.
	const (
		image = "pkg:docker/example-prod/app/web@1.2?repository_url=europe-west1-docker.pkg.dev"
		vm    = "runtime:gcp:gce:projects/x/zones/z/instances/y"
	)
	s := newG().
		node(image, "ecosystem", "docker").
		node(vm, "provider", "gcp", "type", "gce-instance", "project", "p'; touch owned; '", "zone", "--verbosity=debug",
			"name", "$(touch owned)/../x").
		edge(vm, graph.EdgeExecutes, image).
		store(t)

	it := planItem(t, planFrom(t, s, image, Options{}), vm)
	calls := runShell(t, `cd "$(mktemp -d)"
gcloud() { for a in "$@"; do printf '[%s]' "$a"; done; echo; }
`+it.Command+`
cat ./*.log; ls`)
	args := "[--zone][<zone>][--project][p'; touch owned; ']"
	want := "[compute][instances][stop][$(touch owned)/../x]" + args + "\n" +
		"[compute][instances][get-serial-port-output][$(touch owned)/../x]" + args + "\n" +
		"serial-p___touch_owned___-_zone_-__touch_owned_____x.log\n"
	if calls != want {
		t.Errorf("commands ran\n%s\nwant\n%s", calls, want)
	}
}

func TestPlanInstanceTemplateStopsItsInstances(t *testing.T) {
	// An instance template runs nothing itself: the instances made from
	// it do. The input names no group that uses it, so the item only
	// describes what to do, without a command.
	const (
		image = "pkg:docker/example-prod/jobs/worker@5?repository_url=us-docker.pkg.dev"
		tmpl  = "runtime:gcp:gce:projects/example-prod/global/instanceTemplates/worker"
	)
	s := newG().
		node(image, "ecosystem", "docker").
		node(tmpl, "provider", "gcp", "type", "gce-instance-template", "project", "example-prod", "region", "", "name", "worker").
		edge(tmpl, graph.EdgeExecutes, image).
		store(t)

	it := planItem(t, planFrom(t, s, image, Options{}), tmpl)
	if it.Command != "" {
		t.Errorf("command %q, want none", it.Command)
	}
	for _, part := range []string{"instances made from it", "managed instance group", "resize", "clean template"} {
		if !strings.Contains(it.Action, part) {
			t.Errorf("action %q does not contain %q", it.Action, part)
		}
	}
}

func TestPlanInstanceTemplateResizesGroups(t *testing.T) {
	// Two managed instance groups use the template: a zonal one and a
	// regional one. The command saves the serial port output of each
	// group's instances, then resizes the group to 0.
	const (
		image = "pkg:docker/example-prod/jobs/worker@5?repository_url=us-docker.pkg.dev"
		tmpl  = "runtime:gcp:gce:projects/example-prod/global/instanceTemplates/worker"
	)
	s := newG().
		node(image, "ecosystem", "docker").
		node(tmpl, "provider", "gcp", "type", "gce-instance-template", "project", "example-prod", "name", "worker",
			"instance_groups", "projects/example-prod/regions/europe-west1/instanceGroupManagers/canary,"+
				"projects/example-prod/zones/europe-west1-b/instanceGroupManagers/workers").
		edge(tmpl, graph.EdgeExecutes, image).
		store(t)

	it := planItem(t, planFrom(t, s, image, Options{}), tmpl)
	for _, part := range []string{"canary", "workers", "serial port output", "resize", "clean template", "outside a group"} {
		if !strings.Contains(it.Action, part) {
			t.Errorf("action %q does not contain %q", it.Action, part)
		}
	}
	// The stand-in gcloud logs each call. Each group lists the URL of one
	// instance in europe-west1-c, whose serial port output reads "output
	// of" and the instance's name.
	calls := runShell(t, `cd "$(mktemp -d)"
gcloud() {
  echo "gcloud $*" >> calls.txt
  case "$4" in
    list-instances) echo "https://www.googleapis.com/compute/v1/projects/example-prod/zones/europe-west1-c/instances/$5-x1" ;;
  esac
  case "$3" in get-serial-port-output) echo "output of $4" ;; esac
}
`+it.Command+`
cat calls.txt; for f in *.log; do echo "$f: $(cat "$f")"; done`)
	want := "gcloud compute instance-groups managed list-instances canary --region europe-west1 --project example-prod --format value(instance)\n" +
		"gcloud compute instances get-serial-port-output canary-x1 --zone europe-west1-c --project example-prod\n" +
		"gcloud compute instance-groups managed resize canary --size 0 --region europe-west1 --project example-prod\n" +
		"gcloud compute instance-groups managed list-instances workers --zone europe-west1-b --project example-prod --format value(instance)\n" +
		"gcloud compute instances get-serial-port-output workers-x1 --zone europe-west1-c --project example-prod\n" +
		"gcloud compute instance-groups managed resize workers --size 0 --zone europe-west1-b --project example-prod\n" +
		"serial-canary-x1.log: output of canary-x1\n" +
		"serial-workers-x1.log: output of workers-x1\n"
	if calls != want {
		t.Errorf("commands ran\n%s\nwant\n%s", calls, want)
	}
}

func TestPlanInstanceGroupQuotesInput(t *testing.T) {
	// The group comes from the input: its name stays literal text, and a
	// zone that gcloud would read as a flag gives way to a placeholder.
	const (
		image = "pkg:docker/example-prod/jobs/worker@5?repository_url=us-docker.pkg.dev"
		tmpl  = "runtime:gcp:gce:projects/example-prod/global/instanceTemplates/worker"
	)
	s := newG().
		node(image, "ecosystem", "docker").
		node(tmpl, "provider", "gcp", "type", "gce-instance-template", "name", "worker",
			"instance_groups", "projects/p'x/zones/-z/instanceGroupManagers/$(touch owned)").
		edge(tmpl, graph.EdgeExecutes, image).
		store(t)

	it := planItem(t, planFrom(t, s, image, Options{}), tmpl)
	// The stand-in records each call's arguments and lists no instance.
	calls := runShell(t, `cd "$(mktemp -d)"
gcloud() { for a in "$@"; do printf '[%s]' "$a"; done >> calls.txt; echo >> calls.txt; }
`+it.Command+`
cat calls.txt; ls`)
	want := "[compute][instance-groups][managed][list-instances][$(touch owned)][--zone][<zone>][--project][p'x][--format][value(instance)]\n" +
		"[compute][instance-groups][managed][resize][$(touch owned)][--size][0][--zone][<zone>][--project][p'x]\n" +
		"calls.txt\n"
	if calls != want {
		t.Errorf("commands ran\n%s\nwant\n%s", calls, want)
	}
}

func TestPlanRotatesSecretManagerSecret(t *testing.T) {
	// A Cloud Run service reads a Secret Manager secret. Its item adds
	// a new version and disables the ones before it; a secret named like
	// a flag becomes a placeholder.
	const (
		image = "pkg:docker/p/app/api@1.0?repository_url=europe-west1-docker.pkg.dev"
		run   = "runtime:gcp:run:p/europe-west1/api"
		db    = "gcp:secret:projects/p/secrets/db-password"
		odd   = "gcp:secret:projects/p/secrets/--impersonate-service-account=x"
	)
	s := newG().
		node(image, "ecosystem", "docker").
		node(run, "provider", "gcp", "type", "cloud-run-service", "project", "p", "location", "europe-west1", "name", "api").
		node(db, "provider", "gcp", "type", "secretmanager", "resource_name", "projects/p/secrets/db-password").
		node(odd, "provider", "gcp", "type", "secretmanager", "resource_name", "projects/p/secrets/--impersonate-service-account=x").
		edge(run, graph.EdgeExecutes, image).
		edge(run, graph.EdgeExposes, db).
		edge(run, graph.EdgeExposes, odd).
		store(t)
	plan := planFrom(t, s, image, Options{})
	it := planItem(t, plan, db)
	if want := "gcloud secrets versions add db-password --project p --data-file '<file with the new value>' && gcloud secrets versions list db-password --project p --filter state=ENABLED; gcloud secrets versions disable '<old version>' --secret db-password --project p"; it.Command != want {
		t.Errorf("command\n got %q\nwant %q", it.Command, want)
	}
	if want := `protoPayload.resourceName:"projects/p/secrets/db-password/"`; !strings.Contains(it.Verify, want) {
		t.Errorf("verify %q does not contain %q", it.Verify, want)
	}
	if it := planItem(t, plan, odd); !strings.HasPrefix(it.Command, "gcloud secrets versions add '<secret>' --project p") {
		t.Errorf("command of a secret named like a flag: %q", it.Command)
	}
}

// A job that runs a compromised action through a composite action of its
// own repository is contained until the action inside it is removed or
// pinned: the local action itself has no version to pin.
func TestPlanContainThroughLocalAction(t *testing.T) {
	const (
		job   = "runtime:gha:o/r/.github/workflows/ci.yml#build"
		setup = "pkg:githubactions/o/r#.github/actions/setup"
		inner = "pkg:githubactions/o/r#.github/actions/inner"
		bad   = "pkg:githubactions/tj-actions/changed-files@v45"
	)
	s := newG().
		node(job, "type", "gha-job", "repository", "o/r", "workflow", ".github/workflows/ci.yml").
		edge(job, graph.EdgeExecutes, setup, "via=uses", "pinned=local").
		edge(setup, graph.EdgeDependsOn, inner, "via=uses", "pinned=local").
		edge(inner, graph.EdgeDependsOn, bad, "via=uses", "pinned=tag-or-branch").
		store(t)
	plan := planFrom(t, s, bad, Options{})
	var action string
	for _, st := range plan.Steps {
		for _, it := range st.Items {
			if it.Kind == "contain" && it.Node.ID == job {
				action = it.Action
			}
		}
	}
	// inner's step uses the bad action: that is the line to change.
	want := "until " + bad + " in " + inner + " is removed or pinned to a known-good version"
	if !strings.Contains(action, want) {
		t.Errorf("containment of the job\n got %q\nwant it to contain %q", action, want)
	}
}

// TestPlanStopsWhenCancelled checks that ordering the credentials of a
// blast radius stops once the context is cancelled, since that ordering
// walks the radius once per credential and takes long on large ones.
func TestPlanStopsWhenCancelled(t *testing.T) {
	const (
		pkg = "pkg:npm/evil@1.0.0"
		job = "runtime:gha:example-org/app/.github/workflows/ci.yml#build"
	)
	g := newG().edge(job, graph.EdgeExecutes, pkg)
	for i := range 50 {
		g = g.edge(job, graph.EdgeExposes, fmt.Sprintf("secret:gha:example-org/app/TOKEN_%d", i))
	}
	s := g.store(t)
	res := blast(t, s, pkg, Options{})

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	plan, err := BuildPlan(ctx, s, res)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("BuildPlan with a cancelled context = (%v, %v), want context.Canceled", plan != nil, err)
	}
}

func TestPlanRevokesRoleOfWebIdentityToken(t *testing.T) {
	// A pod of the compromised image holds its service account's web
	// identity token, which AWS STS exchanges for sessions of the role the
	// service account is annotated with. Those sessions outlive the pod,
	// so the role's sessions are revoked, after the token that opens new
	// ones, and the secret the role reads is rotated after the role.
	const (
		image  = "pkg:docker/orders@v1"
		pod    = "k8s:workload:shop/Deployment/orders"
		token  = "secret:k8s:irsa-token:shop/orders"
		role   = "arn:aws:iam::111122223333:role/orders-app"
		secret = "arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/orders-db"
	)
	s := newG().
		node(pod, "type", "k8s-workload", "kind", "Deployment", "namespace", "shop", "name", "orders").
		node(token, "type", "web-identity-token", "long_lived", "false").
		node(role, "type", "role", "name", "orders-app", "account", "111122223333").
		node(secret, "type", "secretsmanager", "long_lived", "true").
		edge(pod, graph.EdgeExecutes, image).
		edge(pod, graph.EdgeExposes, token).
		edge(token, graph.EdgeAuthenticatesAs, role).
		edge(role, graph.EdgeCanReadSecret, secret).
		store(t)

	plan := planFrom(t, s, image, Options{})
	roleItem := planItem(t, plan, role)
	if !strings.HasPrefix(roleItem.Command, "aws iam put-role-policy --role-name orders-app --policy-name AWSRevokeOlderSessions ") {
		t.Errorf("command of role orders-app %q, want a put-role-policy that revokes its sessions", roleItem.Command)
	}
	if !slices.Contains(roleItem.YieldedBy, token) {
		t.Errorf("role orders-app comes after %v, want after the web identity token", roleItem.YieldedBy)
	}
	if got := planItem(t, plan, secret).YieldedBy; !slices.Contains(got, role) {
		t.Errorf("the secret comes after %v, want after role orders-app, which can read it again", got)
	}
	if tokenItem := planItem(t, plan, token); !strings.Contains(tokenItem.Action, "until it expires") {
		t.Errorf("action for the web identity token %q, want one that says STS accepts it until it expires", tokenItem.Action)
	}
}

func TestPlanGitLabVariableRegistryToken(t *testing.T) {
	// A GitLab CI/CD variable that logs in to a registry is revoked on
	// that registry's own page, as a GitHub secret is, and the
	// replacement goes back into the variable.
	for _, tt := range []struct{ eco, host, revoke string }{
		{"nuget", "nuget.org", "API key on nuget.org"},
		{"maven", "central.sonatype.com", "user token on central.sonatype.com"},
		{"npm", "registry.npmjs.org", "npm token revoke"},
		{"pypi", "pypi.org", "API token on pypi.org"},
		{"cargo", "crates.io", "API token on crates.io"},
		{"gem", "rubygems.org", "API key on rubygems.org"},
		// A variable that logs in to GitHub's container or package
		// registries holds a personal access token.
		{"docker", "ghcr.io", "personal access token at GitHub"},
		{"nuget", "nuget.pkg.github.com", "personal access token at GitHub"},
		// A Docker Hub login takes a personal or organization access
		// token, or the account's password.
		{"docker", "docker.io", "access token on Docker Hub"},
		{"maven", "maven.pkg.github.com", "personal access token at GitHub"},
	} {
		t.Run(tt.host, func(t *testing.T) {
			const (
				job      = "runtime:gitlab:g/lib/.gitlab-ci.yml#publish"
				variable = "secret:gitlab:g/lib/REGISTRY_KEY"
			)
			account := "registry:" + tt.host + "/" + variable
			gr := newG().
				node(job, "type", "gitlab-job", "repository", "g/lib").
				node(variable, "provider", "gitlab", "type", "ci-variable", "name", "REGISTRY_KEY", "repository", "g/lib", "long_lived", "true").
				edge(job, graph.EdgeExecutes, bad).
				edge(job, graph.EdgeExposes, variable).
				edge(variable, graph.EdgeAuthenticatesAs, account)
			gr.account(account, tt.host, tt.eco)
			s := gr.store(t)

			item := planItem(t, planFrom(t, s, bad, Options{}), variable)
			if !strings.Contains(item.Action, tt.revoke) {
				t.Errorf("action %q, want one that contains %q", item.Action, tt.revoke)
			}
			if want := "CI/CD variable REGISTRY_KEY of g/lib"; !strings.Contains(item.Action, want) {
				t.Errorf("action %q, want one that says where the replacement goes (%q)", item.Action, want)
			}
		})
	}
}

func TestPlanContainsKubernetesWorkload(t *testing.T) {
	// A workload that runs an image the attacker can push is contained in
	// its cluster. Its pods' logs are saved in full, since with a selector
	// kubectl logs prints the last 10 lines by default. Then a controller
	// that scales is scaled to 0, a CronJob suspended and a bare Pod deleted.
	const selected = "kubectl logs --namespace=shop --selector=app=orders,tier=api --all-containers --prefix --tail=-1 > k8s-shop-orders.log"
	tests := []struct {
		kind, id, logs, stop string
	}{
		{"Deployment", "k8s:workload:shop/Deployment/orders", selected, "kubectl scale --namespace=shop deployment/orders --replicas=0"},
		{"StatefulSet", "k8s:workload:shop/StatefulSet/orders", selected, "kubectl scale --namespace=shop statefulset/orders --replicas=0"},
		{"CronJob", "k8s:workload:shop/CronJob/orders", selected, `kubectl patch --namespace=shop cronjob/orders --type=merge '--patch={"spec":{"suspend":true}}'`},
		{"Pod", "k8s:workload:shop/Pod/orders", "kubectl logs --namespace=shop pod/orders --all-containers --prefix > k8s-shop-orders.log", "kubectl delete --namespace=shop pod/orders"},
	}
	for _, tt := range tests {
		t.Run(tt.kind, func(t *testing.T) {
			const image = "pkg:docker/orders@v1"
			s := newG().
				node(tt.id, "type", "k8s-workload", "kind", tt.kind, "namespace", "shop", "name", "orders", "pod_labels", "app=orders,tier=api").
				edge(tt.id, graph.EdgeExecutes, image).
				store(t)

			item := planItem(t, planFrom(t, s, image, Options{}), tt.id)
			if want := tt.logs + "; " + tt.stop; item.Command != want {
				t.Errorf("command %q, want %q", item.Command, want)
			}
		})
	}
}

func TestPlanServiceAccountTokenNamesAccount(t *testing.T) {
	// A Kubernetes service account token cannot be revoked by itself: the
	// API server rejects it once the pod it is bound to is deleted, and
	// every token of the account once the account is deleted.
	const (
		image = "pkg:docker/orders@v1"
		pod   = "k8s:workload:shop/Deployment/orders"
		token = "secret:k8s:sa-token:shop/orders"
	)
	s := newG().
		node(pod, "type", "k8s-workload", "kind", "Deployment", "namespace", "shop", "name", "orders").
		node(token, "type", "service-account-token", "namespace", "shop", "name", "orders", "long_lived", "false").
		edge(pod, graph.EdgeExecutes, image).
		edge(pod, graph.EdgeExposes, token).
		edge(token, graph.EdgeAuthenticatesAs, "k8s:sa:shop/orders").
		store(t)

	item := planItem(t, planFrom(t, s, image, Options{}), token)
	if want := "delete and recreate service account shop/orders"; !strings.Contains(item.Action, want) {
		t.Errorf("action %q, want one that contains %q", item.Action, want)
	}
}

func TestPlanCircleCIVariablesRegistryToken(t *testing.T) {
	// Every job of a CircleCI project receives all of the project's
	// environment variables, and the jobs given a context all of its
	// variables. The item names where the new values go, and the
	// registry's token page for each variable that logs in to one.
	const job = "runtime:circleci:o/lib/.circleci/config.yml#publish"
	project := graph.CircleCIProjectVariablesID("o/lib")
	context := graph.CircleCIContextID("o", "release")
	for _, tt := range []struct {
		name, cred, store string
		attrs             []string
	}{
		{"project", project, "Project Settings, Environment Variables", []string{"provider", "circleci", "type", "project-variables", "name", "*", "repository", "o/lib", "long_lived", "true"}},
		{"context", context, "Organization Settings, Contexts, release", []string{"provider", "circleci", "type", "context", "name", "release", "org", "o", "long_lived", "true"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			account := graph.RegistryAccountID("nuget.org", tt.cred+"/NUGET_KEY")
			gr := newG().
				node(job, "type", "circleci-job", "repository", "o/lib").
				node(tt.cred, tt.attrs...).
				edge(job, graph.EdgeExecutes, bad).
				edge(job, graph.EdgeExposes, tt.cred).
				edge(tt.cred, graph.EdgeAuthenticatesAs, account)
			gr.account(account, "nuget.org", "nuget")
			s := gr.store(t)

			item := planItem(t, planFrom(t, s, bad, Options{}), tt.cred)
			if !strings.Contains(item.Action, tt.store) {
				t.Errorf("action %q, want one that says where the new values go (%q)", item.Action, tt.store)
			}
			if want := "$NUGET_KEY logs in to nuget.org: Delete the API key on nuget.org"; !strings.Contains(item.Action, want) {
				t.Errorf("action %q, want one that contains %q", item.Action, want)
			}
		})
	}
}

func TestPlanCircleCIVariablesSharedAccount(t *testing.T) {
	// A variable that a job logs in with may be the project's or any of
	// the job's contexts', so the account has an AUTHENTICATES_AS edge
	// from each. The walk's path reaches it through one of them only, and
	// every item still names the variable's token page.
	const job = "runtime:circleci:o/lib/.circleci/config.yml#publish"
	project := graph.CircleCIProjectVariablesID("o/lib")
	release := graph.CircleCIContextID("o", "release")
	docker := graph.CircleCIContextID("o", "docker")
	account := graph.RegistryAccountID("nuget.org", project+"/NUGET_KEY")
	gr := newG().
		node(job, "type", "circleci-job", "repository", "o/lib").
		node(project, "provider", "circleci", "type", "project-variables", "name", "*", "repository", "o/lib", "long_lived", "true").
		node(release, "provider", "circleci", "type", "context", "name", "release", "org", "o", "long_lived", "true").
		node(docker, "provider", "circleci", "type", "context", "name", "docker", "org", "o", "long_lived", "true").
		edge(job, graph.EdgeExecutes, bad).
		edge(job, graph.EdgeExposes, project).
		edge(job, graph.EdgeExposes, release).
		edge(job, graph.EdgeExposes, docker).
		edge(project, graph.EdgeAuthenticatesAs, account).
		edge(release, graph.EdgeAuthenticatesAs, account).
		edge(docker, graph.EdgeAuthenticatesAs, account)
	gr.account(account, "nuget.org", "nuget")
	p := planFrom(t, gr.store(t), bad, Options{})

	const want = "$NUGET_KEY logs in to nuget.org: Delete the API key on nuget.org"
	for _, cred := range []string{project, release, docker} {
		if item := planItem(t, p, cred); !strings.Contains(item.Action, want) {
			t.Errorf("%s: action %q, want one that contains %q", cred, item.Action, want)
		}
	}
}

func TestPlanServiceAccountNamesKeysUsedAfter(t *testing.T) {
	// The job's OIDC subject can impersonate a service account whose keys
	// the audit logs show: one key signed calls after the compromise and
	// one only before it. Disabling the account and enabling it again
	// leaves its keys working, so the item names the key used after the
	// compromise, with the command that disables it, and not the other.
	const (
		job     = "runtime:gitlab:acme/api/.gitlab-ci.yml#deploy"
		token   = "secret:gitlab:oidc:acme/api/.gitlab-ci.yml#deploy/ID"
		subject = "oidc:gitlab:acme/api/.gitlab-ci.yml#deploy/ID"
		email   = "etl@example-proj.iam.gserviceaccount.com"
		sa      = "gcp:sa:" + email
		lateID  = "7f1e0d2c3b4a59687766554433221100aabbccdd"
		earlyID = "0a9b8c7d6e5f40312233445566778899eeff0011"
		late    = "secret:gcp:sa-key:" + email + "/" + lateID
		early   = "secret:gcp:sa-key:" + email + "/" + earlyID
	)
	since := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	signed := func(at time.Time, key string) *graph.Evidence {
		ev := &graph.Evidence{}
		ev.Add(at, "AccessSecretVersion", "203.0.113.50", "python-requests/2.31.0", key, false, graph.Pos{File: "audit.json", Line: 1})
		return ev
	}
	b := newG().
		node(job, "type", "gitlab-job", "repository", "acme/api").
		node(token, "type", "oidc-token").
		node(subject, "type", "oidc-subject").
		node(sa, "provider", "gcp", "type", "service-account", "email", email).
		node(late, "provider", "gcp", "type", "sa-key", "key_id", lateID, "observed", "true", "long_lived", "true").
		node(early, "provider", "gcp", "type", "sa-key", "key_id", earlyID, "observed", "true", "long_lived", "true").
		edge(job, graph.EdgeExposes, token).
		edge(token, graph.EdgeAuthenticatesAs, subject).
		edge(subject, graph.EdgeCanAssume, sa).
		edge(late, graph.EdgeAuthenticatesAs, sa)
	b.edges[len(b.edges)-1].Evidence = signed(since.Add(27*time.Hour), lateID)
	b.edge(early, graph.EdgeAuthenticatesAs, sa)
	b.edges[len(b.edges)-1].Evidence = signed(since.Add(-18*24*time.Hour), earlyID)
	s := b.store(t)

	plan := planFrom(t, s, job, Options{Since: since})
	it := planItem(t, plan, sa)
	if want := "gcloud iam service-accounts keys disable " + lateID + " --iam-account " + email; !strings.Contains(it.Command, want) {
		t.Errorf("command %q does not contain %q", it.Command, want)
	}
	if !strings.Contains(it.Action, lateID) {
		t.Errorf("action %q does not name the key used after the compromise", it.Action)
	}
	if strings.Contains(it.Command, earlyID) || strings.Contains(it.Action, earlyID) {
		t.Errorf("item names the key used only before the compromise: %q / %q", it.Action, it.Command)
	}
}

func TestPlanGitLabAllVariablesNamesProject(t *testing.T) {
	// Every job of a GitLab project receives all of the CI/CD variables of
	// the project, its groups and the instance. The item names the
	// variables to rotate and the command that lists the project's.
	const job = "runtime:gitlab:acme/api/.gitlab-ci.yml#test"
	all := graph.GitLabAllVariablesID("acme/api")
	s := newG().
		node(job, "type", "gitlab-job", "repository", "acme/api").
		node(all, "provider", "gitlab", "type", "all-ci-variables", "name", "*", "repository", "acme/api", "long_lived", "true").
		edge(job, graph.EdgeExecutes, bad).
		edge(job, graph.EdgeExposes, all).
		store(t)

	item := planItem(t, planFrom(t, s, bad, Options{}), all)
	if want := "every CI/CD variable of project acme/api, of its groups and of the instance"; !strings.Contains(item.Action, want) {
		t.Errorf("action %q, want one that contains %q", item.Action, want)
	}
	if want := "glab variable list --repo acme/api"; item.Command != want {
		t.Errorf("command %q, want %q", item.Command, want)
	}
}

// TestPlanUndoesGCPIAMGrants: the key a job holds acts as a service
// account that owns project prod (it may set its IAM policy) and views
// project dev. A role granted in prod outlives the key, so the plan ends
// with a review of prod's IAM policy changes since the compromise, read
// from the project's audit logs. Dev, whose policy the account cannot
// set, gets none.
func TestPlanUndoesGCPIAMGrants(t *testing.T) {
	const (
		key  = "secret:gha:o/app/GCP_SA_KEY"
		sa   = "gcp:sa:deployer@prod.iam.gserviceaccount.com"
		prod = "gcp:project:prod"
		dev  = "gcp:project:dev"
	)
	s := newG().
		edge("runtime:job", graph.EdgeExecutes, "pkg:npm/x@1.0.0").
		edge("runtime:job", graph.EdgeExposes, key).
		edge(key, graph.EdgeAuthenticatesAs, sa).
		edge(sa, graph.EdgeCanAccess, prod, "level=admin", "actions=roles/owner,resourcemanager.projects.setIamPolicy").
		edge(sa, graph.EdgeCanAccess, dev, "level=read", "actions=roles/viewer").
		store(t)

	since := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	plan := planFrom(t, s, "pkg:npm/x@1.0.0", Options{Since: since})
	last := plan.Steps[len(plan.Steps)-1]
	if last.Title != "Undo the IAM grants the attacker could make" {
		t.Fatalf("last step %q, want the IAM review", last.Title)
	}
	if len(last.Items) != 1 || last.Items[0].Node.ID != prod {
		t.Fatalf("IAM review items %+v, want one for %s", last.Items, prod)
	}

	it := last.Items[0]
	if it.Kind != "undo" {
		t.Errorf("item kind %q, want undo", it.Kind)
	}
	wantCmd := `gcloud logging read 'protoPayload.methodName:"SetIamPolicy" AND timestamp>="2026-11-20T00:00:00Z"' --project prod --format json`
	if it.Command != wantCmd {
		t.Errorf("command\n%s\nwant\n%s", it.Command, wantCmd)
	}
	if !strings.Contains(it.Action, sa) || !strings.Contains(it.Action, "resourcemanager.projects.setIamPolicy") {
		t.Errorf("action %q does not name the account and the permission", it.Action)
	}
	if !strings.Contains(it.Verify, `timestamp>="<revocation time>"`) {
		t.Errorf("verify %q does not start at the revocation", it.Verify)
	}
	// The key is revoked in an earlier step.
	if planItem(t, plan, key).Kind != "revoke" {
		t.Errorf("the key is not revoked")
	}
}

func TestPlanMappedSecretDeactivatesUserKey(t *testing.T) {
	// A key pair set by hand in the repository settings is stored in two
	// secrets, and a mapping file states that both act as IAM user
	// deployer. Rotating the secrets alone leaves the old key valid: each
	// item deactivates the user's key, whose id the input does not show,
	// and checks the user's activity after the revocation.
	const (
		deployer = "arn:aws:iam::111122223333:user/deployer"
		idSecret = "secret:gha:o/a/AWS_ACCESS_KEY_ID"
		skSecret = "secret:gha:o/a/AWS_SECRET_ACCESS_KEY"
	)
	s := newG().
		node(idSecret, "type", "actions-secret", "name", "AWS_ACCESS_KEY_ID", "repository", "o/a").
		node(skSecret, "type", "actions-secret", "name", "AWS_SECRET_ACCESS_KEY", "repository", "o/a").
		// As in the mapping file, the user node carries no type.
		node(deployer).
		edge(jobA, graph.EdgeExecutes, bad).
		edge(jobA, graph.EdgeExposes, idSecret).
		edge(jobA, graph.EdgeExposes, skSecret).
		edge(idSecret, graph.EdgeAuthenticatesAs, deployer).
		edge(skSecret, graph.EdgeAuthenticatesAs, deployer).
		edge(deployer, graph.EdgeCanAccess, "arn:aws:s3:::artifacts").
		store(t)
	plan := planFrom(t, s, bad, Options{})
	for _, id := range []string{idSecret, skSecret} {
		item := planItem(t, plan, id)
		if !strings.Contains(item.Action, "access key of IAM user deployer") {
			t.Errorf("%s: action %q, want it to name the access key of IAM user deployer", id, item.Action)
		}
		// A stand-in aws function prints each call's arguments.
		got := runShell(t, `aws() { echo "$@"; }; `+item.Command)
		want := "iam list-access-keys --user-name deployer\n" +
			"iam update-access-key --user-name deployer --access-key-id <key id> --status Inactive\n"
		if got != want {
			t.Errorf("%s: commands ran as\n%s\nwant\n%s", id, got, want)
		}
		if !strings.Contains(item.Verify, "AttributeKey=Username,AttributeValue=deployer") {
			t.Errorf("%s: verify %q, want a CloudTrail lookup of user deployer", id, item.Verify)
		}
	}
}

// TestPlanGCPIAMReviewOtherSetter: the job's key acts as an account that
// views project prod and can read a second key, whose account owns prod.
// The walk reaches prod first through the viewer, but the owner is in the
// blast radius too and can set prod's IAM policy, so the plan still
// reviews prod's grants and names the owner.
func TestPlanGCPIAMReviewOtherSetter(t *testing.T) {
	const (
		key    = "secret:gha:o/app/GCP_SA_KEY"
		key2   = "secret:gcp:owner-key"
		viewer = "gcp:sa:viewer@prod.iam.gserviceaccount.com"
		owner  = "gcp:sa:owner@prod.iam.gserviceaccount.com"
		prod   = "gcp:project:prod"
	)
	s := newG().
		edge("runtime:job", graph.EdgeExecutes, "pkg:npm/x@1.0.0").
		edge("runtime:job", graph.EdgeExposes, key).
		edge(key, graph.EdgeAuthenticatesAs, viewer).
		edge(viewer, graph.EdgeCanAccess, prod, "level=read", "actions=roles/viewer").
		edge(viewer, graph.EdgeCanReadSecret, key2).
		edge(key2, graph.EdgeAuthenticatesAs, owner).
		edge(owner, graph.EdgeCanAccess, prod, "level=admin", "actions=roles/owner,resourcemanager.projects.setIamPolicy").
		store(t)
	plan := planFrom(t, s, "pkg:npm/x@1.0.0", Options{Since: time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)})
	last := plan.Steps[len(plan.Steps)-1]
	if last.Title != "Undo the IAM grants the attacker could make" {
		t.Fatalf("last step %q, want the IAM review", last.Title)
	}
	if len(last.Items) != 1 || last.Items[0].Node.ID != prod {
		t.Fatalf("IAM review items %+v, want one for %s", last.Items, prod)
	}
	if !strings.Contains(last.Items[0].Action, owner) {
		t.Errorf("action %q does not name %s", last.Items[0].Action, owner)
	}
}

func TestPlanStoreTypesListReaders(t *testing.T) {
	// A job given every CI/CD variable of its project, every secret of its
	// repository or a vault entry, and a pod given a Kubernetes Secret,
	// read the credential from a store that its item names. The
	// replacement goes into that store, and the job or pod only reads it.
	stores := []struct{ id, typ string }{
		{"secret:gitlab:o/a/*", "all-ci-variables"},
		{"secret:gha:o/a/*", "all-actions-secrets"},
		{"secret:gitlab:external:vault:prod/db", "external-secret"},
		{"secret:k8s:shop/api-creds", "k8s-secret"},
		{"secret:circleci:ssh:o/a/*", "ssh-key"},
	}
	for _, st := range stores {
		s := newG().
			node(st.id, "type", st.typ, "long_lived", "true").
			edge(jobA, graph.EdgeExecutes, bad).
			edge(jobA, graph.EdgeExposes, st.id).
			store(t)
		item := planItem(t, planFrom(t, s, bad, Options{}), st.id)
		if len(item.Consumers) != 0 {
			t.Errorf("%s: replacement goes to %v, want its own store", st.typ, item.Consumers)
		}
		if diff := cmp.Diff([]string{jobA}, item.ReadBy); diff != "" {
			t.Errorf("%s: read by (-want +got):\n%s", st.typ, diff)
		}
	}
}

func TestPlanKubernetesSecretItem(t *testing.T) {
	// The new value goes into the Secret, and a container reads a Secret's
	// environment variables only when it starts, so its pods restart.
	sec := "secret:k8s:shop/api-creds"
	s := newG().
		node(sec, "type", "k8s-secret", "namespace", "shop", "name", "api-creds").
		edge(jobA, graph.EdgeExecutes, bad).
		edge(jobA, graph.EdgeExposes, sec).
		store(t)
	item := planItem(t, planFrom(t, s, bad, Options{}), sec)
	if !strings.Contains(item.Action, "Secret shop/api-creds") {
		t.Errorf("action %q does not name the Secret", item.Action)
	}
	if !strings.Contains(item.Action, "restart") {
		t.Errorf("action %q does not restart the pods that read the Secret", item.Action)
	}
	if want := "kubectl --namespace shop edit secret api-creds"; item.Command != want {
		t.Errorf("command %q, want %q", item.Command, want)
	}
}

func TestPlanMappedKeyPairOneReplacement(t *testing.T) {
	// Both halves of one access key sit in two secrets mapped to user
	// deployer. IAM allows a user two access keys, inactive ones included,
	// so the two items must create one replacement between them, and each
	// names the other secret that takes a part of it.
	const (
		deployer = "arn:aws:iam::111122223333:user/deployer"
		idSecret = "secret:gha:o/a/AWS_ACCESS_KEY_ID"
		skSecret = "secret:gha:o/a/AWS_SECRET_ACCESS_KEY"
	)
	s := newG().
		node(idSecret, "type", "actions-secret", "name", "AWS_ACCESS_KEY_ID", "repository", "o/a").
		node(skSecret, "type", "actions-secret", "name", "AWS_SECRET_ACCESS_KEY", "repository", "o/a").
		node(deployer).
		edge(jobA, graph.EdgeExecutes, bad).
		edge(jobA, graph.EdgeExposes, idSecret).
		edge(jobA, graph.EdgeExposes, skSecret).
		edge(idSecret, graph.EdgeAuthenticatesAs, deployer).
		edge(skSecret, graph.EdgeAuthenticatesAs, deployer).
		store(t)
	plan := planFrom(t, s, bad, Options{})
	for id, other := range map[string]string{idSecret: "AWS_SECRET_ACCESS_KEY", skSecret: "AWS_ACCESS_KEY_ID"} {
		item := planItem(t, plan, id)
		if !strings.Contains(item.Action, "one replacement") {
			t.Errorf("%s: action %q does not create one replacement for the pair", id, item.Action)
		}
		if !strings.Contains(item.Action, other) {
			t.Errorf("%s: action %q does not name %s", id, item.Action, other)
		}
	}
}

func TestPlanLiteralKeyIDNamesKey(t *testing.T) {
	// A function's environment variable holds a long-lived access key id
	// written out in its file. The key is deactivated at IAM by that id:
	// get-access-key-last-used names the user who owns it.
	const (
		fn  = "runtime:aws:lambda:arn:aws:lambda:us-east-1:111122223333:function:worker"
		env = "secret:aws:env:aws:lambda:arn:aws:lambda:us-east-1:111122223333:function:worker/PARTNER_KEY_ID"
	)
	s := newG().
		node(env, "type", "env-var", "name", "PARTNER_KEY_ID", "key_id", "AKIAEXAMPLEWORKER123", "long_lived", "true").
		edge(fn, graph.EdgeExecutes, bad).
		edge(fn, graph.EdgeExposes, env).
		store(t)
	item := planItem(t, planFrom(t, s, bad, Options{}), env)
	if !strings.Contains(item.Action, "AKIAEXAMPLEWORKER123") {
		t.Errorf("action %q does not name the key", item.Action)
	}
	// A stand-in aws function prints each call's arguments and names
	// user partner as the owner.
	got := runShell(t, `aws() { echo "$@" >&2; echo partner; }; { `+item.Command+`; } 2>&1 >/dev/null`)
	want := "iam get-access-key-last-used --access-key-id AKIAEXAMPLEWORKER123 --query UserName --output text\n" +
		"iam update-access-key --user-name partner --access-key-id AKIAEXAMPLEWORKER123 --status Inactive\n"
	if got != want {
		t.Errorf("commands ran as\n%s\nwant\n%s", got, want)
	}
	if !strings.Contains(item.Verify, "AttributeKey=AccessKeyId,AttributeValue=AKIAEXAMPLEWORKER123") {
		t.Errorf("verify %q, want a CloudTrail lookup of the key", item.Verify)
	}
}

func TestPlanCircleCISSHKeyItem(t *testing.T) {
	// CircleCI keeps the private key of a project SSH key, and a job loads
	// it with add_ssh_keys: the new key pair goes into the project settings
	// and its public half to the host or service that trusts the old one.
	key := "secret:circleci:ssh:o/a/*"
	s := newG().
		node(key, "type", "ssh-key", "repository", "o/a", "long_lived", "true").
		edge(jobA, graph.EdgeExecutes, bad).
		edge(jobA, graph.EdgeExposes, key).
		store(t)
	item := planItem(t, planFrom(t, s, bad, Options{}), key)
	for _, want := range []string{"SSH Keys", "o/a", "public key"} {
		if !strings.Contains(item.Action, want) {
			t.Errorf("action %q does not mention %q", item.Action, want)
		}
	}
}

// TestPlanSessionCredentialsHaveNoReplacement: a Lambda function hands its
// code the credentials of its role. Revoking the role's sessions needs no
// replacement put anywhere, as the function gets new ones itself, so the
// item names no place for one.
func TestPlanSessionCredentialsHaveNoReplacement(t *testing.T) {
	const (
		fn    = "runtime:aws:lambda:arn:aws:lambda:us-east-1:1:function:orders"
		creds = "secret:aws:role-credentials:aws:lambda:arn:aws:lambda:us-east-1:1:function:orders"
		role  = "arn:aws:iam::1:role/orders-fn"
	)
	s := newG().
		node(creds, "type", "role-credentials").
		node(role, "type", "role").
		edge(fn, graph.EdgeExecutes, bad).
		edge(fn, graph.EdgeExposes, creds).
		edge(creds, graph.EdgeAuthenticatesAs, role).
		store(t)
	it := planItem(t, planFrom(t, s, bad, Options{}), creds)
	if len(it.Consumers) > 0 || len(it.ReadBy) > 0 {
		t.Errorf("consumers %v, readers %v: want none", it.Consumers, it.ReadBy)
	}
}

// A role whose trust lets in any GitLab project of a group, or any token of
// a provider, gets a revocation item that warns of new sessions and names
// what to pin. A role whose trust pins the subject gets no such warning.
func TestRoleItemOpenTrust(t *testing.T) {
	const provider = "arn:aws:iam::111122223333:oidc-provider/gitlab.com"
	trust := func(cond string) string {
		return `{"Version":"2012-10-17","Statement":[{"Sid":"GitLab","Effect":"Allow","Principal":{"Federated":"` + provider +
			`"},"Action":"sts:AssumeRoleWithWebIdentity"` + cond + `}]}`
	}
	for _, tc := range []struct {
		name, trust, want string
	}{
		{"group pattern", trust(`,"Condition":{"StringLike":{"gitlab.com:sub":"project_path:acme/*:ref_type:branch:ref:main"}}`),
			"statement GitLab lets tokens of " + provider + " for subjects matching project_path:acme/*:ref_type:branch:ref:main assume it"},
		{"no sub condition", trust(""), "statement GitLab lets tokens of " + provider + " for any subject assume it"},
		{"pinned", trust(`,"Condition":{"StringEquals":{"gitlab.com:sub":"project_path:acme/api:ref_type:branch:ref:main"}}`), ""},
	} {
		role := graph.Node{ID: "arn:aws:iam::111122223333:role/deployer", Kind: graph.NodeIdentity,
			Attrs: map[string]string{"type": "role", "trust_policy": tc.trust}}
		it := credentialItem(&Reached{Node: role}, &Result{}, nil, nil, 0)
		open := strings.Contains(it.Action, "its trust policy is open")
		if open != (tc.want != "") || !strings.Contains(it.Action, tc.want) {
			t.Errorf("%s: action %q, want the open-trust note %q", tc.name, it.Action, tc.want)
		}
	}
}

// Role credentials whose role the input does not show get a command that
// reads the role from the instance profile and revokes its sessions.
// Without a profile name there is nothing to look up, so no command.
func TestRoleCredentialsItemLooksUpRole(t *testing.T) {
	creds := graph.Node{ID: graph.AWSInstanceCredentialsID("runtime:aws:ec2:111122223333:aws_instance.web"), Kind: graph.NodeSecret,
		Attrs: map[string]string{"type": "role-credentials", "instance_profile": "web-host"}}
	it := credentialItem(&Reached{Node: creds}, &Result{}, nil, nil, 0)
	want := `role=$(aws iam get-instance-profile --instance-profile-name web-host --query 'InstanceProfile.Roles[0].RoleName' --output text) && ` +
		`aws iam put-role-policy --role-name "$role" --policy-name AWSRevokeOlderSessions --policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"DateLessThan":{"aws:TokenIssueTime":"'"$(date -u +%Y-%m-%dT%H:%M:%SZ)"'"}}}]}'`
	if it.Command != want {
		t.Errorf("command\n got %s\nwant %s", it.Command, want)
	}
	// Elastic Beanstalk's IamInstanceProfile takes a name or an ARN, and
	// get-instance-profile takes only the name, which ends the ARN after
	// the profile's path. IAM names hold letters, digits and +=,.@_-.
	for _, tc := range []struct{ profile, name string }{
		{"arn:aws:iam::111122223333:instance-profile/web-host", "web-host"},
		{"arn:aws:iam::111122223333:instance-profile/apps/eb/web+1=a,b.c@d_e-f", "web+1=a,b.c@d_e-f"},
		{"${var.profile}", ""},
		{"", ""},
		{"web host", ""},
		{"web'host", ""},
		{"arn:aws:iam::111122223333:instance-profile/", ""},
	} {
		creds.Attrs["instance_profile"] = tc.profile
		it := credentialItem(&Reached{Node: creds}, &Result{}, nil, nil, 0)
		if tc.name == "" {
			if it.Command != "" {
				t.Errorf("%q: command %q, want none: the input shows no profile name", tc.profile, it.Command)
			}
			continue
		}
		if want := strings.Replace(want, "web-host", shellQuote(tc.name), 1); it.Command != want {
			t.Errorf("%q: command\n got %s\nwant %s", tc.profile, it.Command, want)
		}
	}
}

// TestPlanGitLabGroupVariableNamesGroup: Terraform declares CI/CD variable
// SHARED_KEY on group acme, which a job of acme/api reads. The item
// stores the new value in the variable of group acme.
func TestPlanGitLabGroupVariableNamesGroup(t *testing.T) {
	const job = "runtime:gitlab:acme/api/.gitlab-ci.yml#test"
	variable := graph.GitLabVariableID("acme", "SHARED_KEY")
	s := newG().
		node(job, "type", "gitlab-job", "repository", "acme/api").
		node(variable, "provider", "gitlab", "type", "ci-variable", "name", "SHARED_KEY", "group", "acme", "protected", "false", "long_lived", "true").
		edge(job, graph.EdgeExecutes, bad).
		edge(job, graph.EdgeExposes, variable).
		store(t)

	item := planItem(t, planFrom(t, s, bad, Options{}), variable)
	if want := "store the new value in the CI/CD variable SHARED_KEY of group acme"; !strings.HasSuffix(item.Action, want) {
		t.Errorf("action %q, want one that ends with %q", item.Action, want)
	}
}

// TestPlanGitLabAllVariablesSelfManaged: the job of acme/api runs on the
// self-managed server gitlab.example.com. glab lists the variables of a
// project on another server than its default one when --repo is the
// project's full URL.
func TestPlanGitLabAllVariablesSelfManaged(t *testing.T) {
	const job = "runtime:gitlab:gitlab.example.com/acme/api/.gitlab-ci.yml#test"
	all := graph.GitLabAllVariablesID("acme/api")
	s := newG().
		node(job, "type", "gitlab-job", "repository", "acme/api", "server", "gitlab.example.com").
		node(all, "provider", "gitlab", "type", "all-ci-variables", "name", "*", "repository", "acme/api", "long_lived", "true").
		edge(job, graph.EdgeExecutes, bad).
		edge(job, graph.EdgeExposes, all).
		store(t)

	item := planItem(t, planFrom(t, s, bad, Options{}), all)
	if want := "glab variable list --repo https://gitlab.example.com/acme/api"; item.Command != want {
		t.Errorf("command %q, want %q", item.Command, want)
	}
}

// TestPlanOrgSecretRegistryAccount: job release reads the repository's
// NPM_TOKEN and the organisation's, and both log in as one npm account.
// The walk reaches the account through one of them, and the item of each
// names where to revoke the npm token.
func TestPlanOrgSecretRegistryAccount(t *testing.T) {
	const (
		job     = "runtime:gha:acme/api/.github/workflows/ci.yml#release"
		repoTok = "secret:gha:acme/api/NPM_TOKEN"
		orgTok  = "secret:gha:org:acme/NPM_TOKEN"
		account = "registry:registry.npmjs.org/secret:gha:acme/api/NPM_TOKEN"
	)
	s := newG().
		node(job, "type", "gha-job", "workflow", ".github/workflows/ci.yml", "repository", "acme/api").
		edge(job, graph.EdgeExecutes, bad).
		node(repoTok, "type", "actions-secret", "name", "NPM_TOKEN", "repository", "acme/api", "long_lived", "true").
		node(orgTok, "type", "actions-secret", "name", "NPM_TOKEN", "visibility", "all", "long_lived", "true").
		node(account, "type", "registry-account", "registry", "registry.npmjs.org", "ecosystem", "npm").
		edge(job, graph.EdgeExposes, repoTok).
		edge(job, graph.EdgeExposes, orgTok).
		edge(repoTok, graph.EdgeAuthenticatesAs, account).
		edge(orgTok, graph.EdgeAuthenticatesAs, account).
		store(t)
	plan := planFrom(t, s, bad, Options{})
	found := 0
	for _, st := range plan.Steps {
		for _, it := range st.Items {
			if it.Node.ID != repoTok && it.Node.ID != orgTok {
				continue
			}
			found++
			if !strings.HasPrefix(it.Action, "Revoke the token on registry.npmjs.org") {
				t.Errorf("item of %s: %q, want the npm revocation", it.Node.ID, it.Action)
			}
		}
	}
	if found != 2 {
		t.Errorf("found %d items of the two secrets, want 2", found)
	}
}

// TestPlanContainsCallersOfPushAndCalledWorkflow: acme/shared's
// release.yml runs on push and when acme/api's ci.yml calls it. Its own
// runs stop once it is disabled, but the runs of ci.yml run its jobs too:
// the item disables and cancels both workflows.
func TestPlanContainsCallersOfPushAndCalledWorkflow(t *testing.T) {
	const callee = "runtime:gha:acme/shared/.github/workflows/release.yml#publish"
	s := newG().
		node(callee, "type", "gha-job", "workflow", ".github/workflows/release.yml", "repository", "acme/shared", "triggers", "push,workflow_call").
		edge(callee, graph.EdgeExecutes, bad).
		node("secret:gha:token:acme/shared/.github/workflows/release.yml#publish").
		edge(callee, graph.EdgeExposes, "secret:gha:token:acme/shared/.github/workflows/release.yml#publish").
		node("secret:gha:token:acme/api/.github/workflows/ci.yml#release").
		edge(callee, graph.EdgeExposes, "secret:gha:token:acme/api/.github/workflows/ci.yml#release").
		store(t)
	plan := planFrom(t, s, bad, Options{})
	if len(plan.Steps) == 0 || len(plan.Steps[0].Items) != 1 {
		t.Fatalf("plan steps %+v, want one contain item", plan.Steps)
	}
	got := plan.Steps[0].Items[0].Command
	for _, want := range []string{
		"gh workflow disable .github/workflows/release.yml --repo acme/shared && ",
		"gh workflow disable .github/workflows/ci.yml --repo acme/api && ",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("command %q does not contain %q", got, want)
		}
	}
	if n := strings.Count(got, "gh workflow disable"); n != 2 {
		t.Errorf("command %q disables %d workflows, want 2", got, n)
	}
}

// TestPlanContainsCallerInBlastRadius: acme/api's ci.yml job release runs
// the bad package itself and calls acme/shared's release.yml, which runs
// only when called and runs the package too. The walk reaches the
// caller's GITHUB_TOKEN through the caller, yet the called workflow's
// runs are still ci.yml's: its item disables ci.yml, never release.yml.
func TestPlanContainsCallerInBlastRadius(t *testing.T) {
	const (
		caller = "runtime:gha:acme/api/.github/workflows/ci.yml#release"
		callee = "runtime:gha:acme/shared/.github/workflows/release.yml#publish"
		tok    = "secret:gha:token:acme/api/.github/workflows/ci.yml#release"
	)
	s := newG().
		node(caller, "type", "gha-job", "workflow", ".github/workflows/ci.yml", "repository", "acme/api", "triggers", "push").
		edge(caller, graph.EdgeExecutes, bad).
		node(callee, "type", "gha-job", "workflow", ".github/workflows/release.yml", "repository", "acme/shared", "triggers", "workflow_call").
		edge(callee, graph.EdgeExecutes, bad).
		node(tok).
		edge(caller, graph.EdgeExposes, tok).
		edge(callee, graph.EdgeExposes, tok).
		store(t)
	plan := planFrom(t, s, bad, Options{})
	for _, st := range plan.Steps {
		for _, it := range st.Items {
			if it.Kind == "contain" && strings.Contains(it.Command, "acme/shared") {
				t.Errorf("item of %s: command %q acts on the called workflow, which has no runs", it.Node.ID, it.Command)
			}
			if it.Kind == "contain" && it.Node.ID == callee && !strings.Contains(it.Command, "gh workflow disable .github/workflows/ci.yml --repo acme/api && ") {
				t.Errorf("item of the called job: command %q does not disable ci.yml", it.Command)
			}
		}
	}
}

// TestPlanRepoSecretShadowedByOrg: job release reads NPM_TOKEN, which no
// input declares for repository acme/api, so the job reads the
// organisation's. gh secret set --repo would create a repository secret
// that shadows the organisation's, so the repository secret's command
// sets it only where gh secret list shows one.
func TestPlanRepoSecretShadowedByOrg(t *testing.T) {
	const (
		job     = "runtime:gha:acme/api/.github/workflows/ci.yml#release"
		repoTok = "secret:gha:acme/api/NPM_TOKEN"
		orgTok  = "secret:gha:org:acme/NPM_TOKEN"
	)
	s := newG().
		node(job, "type", "gha-job", "workflow", ".github/workflows/ci.yml", "repository", "acme/api").
		edge(job, graph.EdgeExecutes, bad).
		node(repoTok, "type", "actions-secret", "name", "NPM_TOKEN", "repository", "acme/api", "long_lived", "true").
		node(orgTok, "type", "actions-secret", "name", "NPM_TOKEN", "visibility", "all", "long_lived", "true").
		edge(job, graph.EdgeExposes, repoTok).
		edge(job, graph.EdgeExposes, orgTok, graph.AttrName+"=NPM_TOKEN", graph.AttrInsteadOf+"="+repoTok).
		store(t)
	plan := planFrom(t, s, bad, Options{})
	for _, st := range plan.Steps {
		for _, it := range st.Items {
			switch it.Node.ID {
			case repoTok:
				want := "gh secret list --repo acme/api --json name --jq '.[].name' | grep -qx NPM_TOKEN && gh secret set NPM_TOKEN --repo acme/api"
				if it.Command != want {
					t.Errorf("repository secret command %q, want %q", it.Command, want)
				}
			case orgTok:
				if it.Command != "gh secret set NPM_TOKEN --org acme --visibility all" {
					t.Errorf("organisation secret command %q", it.Command)
				}
			}
		}
	}
}
