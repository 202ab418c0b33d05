package query

import (
	"strings"
	"testing"

	"github.com/blastradius-dev/blastradius/graph"
)

// stepOf returns the number of the last step whose items contain a node,
// or 0 when none does.
func stepOf(plan *Plan, id string) int {
	last := 0
	for _, st := range plan.Steps {
		for _, it := range st.Items {
			for _, x := range it.IDs() {
				if x == id {
					last = max(last, st.Number)
				}
			}
		}
	}
	return last
}

func TestPlanRoleAfterKeyThatAssumesIt(t *testing.T) {
	// The function that runs the package hands out sessions of its role,
	// and its environment contains a key of user ops, which may assume
	// that role. A session the key opens after the role's revocation is
	// not denied, so the role's sessions are revoked again after the key.
	const (
		fn     = "runtime:aws:lambda:arn:aws:lambda:us-east-1:111122223333:function:resize"
		creds  = "secret:aws:role-credentials:aws:lambda:arn:aws:lambda:us-east-1:111122223333:function:resize"
		envKey = "secret:aws:lambda-env:arn:aws:lambda:us-east-1:111122223333:function:resize/OPS_KEY"
		fnRole = "arn:aws:iam::111122223333:role/resize"
		ops    = "arn:aws:iam::111122223333:user/ops"
	)
	s := newG().
		node(creds, "type", "role-credentials").
		node(envKey, "type", "env-value", "long_lived", "true").
		node(fnRole, "type", "role").
		node(ops, "type", "user").
		edge(fn, graph.EdgeExecutes, bad).
		edge(fn, graph.EdgeExposes, creds).
		edge(creds, graph.EdgeAuthenticatesAs, fnRole).
		edge(fn, graph.EdgeExposes, envKey).
		edge(envKey, graph.EdgeAuthenticatesAs, ops).
		edge(ops, graph.EdgeCanAssume, fnRole).
		edge(fnRole, graph.EdgeCanAccess, bkt).
		store(t)

	plan := planFrom(t, s, bad, Options{})
	key := stepOf(plan, envKey)
	sessions := max(stepOf(plan, creds), stepOf(plan, fnRole))
	if key == 0 || sessions <= key {
		t.Errorf("the role's sessions are last revoked in step %d and the key of ops in step %d, want the role's after the key's: %+v", sessions, key, plan.Steps)
	}
	if it := planItem(t, plan, fnRole); it.YieldedBy == nil {
		t.Errorf("role resize follows no credential, want it after the key of ops")
	}
}

func TestPlanMintedTokenRecreatesAccount(t *testing.T) {
	// Service account shop/orders may create tokens of shop/deployer
	// through the TokenRequest API. A token requested that way may be
	// bound to no pod, so deleting pods leaves it valid until it expires,
	// and only deleting the service account ends it.
	const (
		image    = "pkg:docker/orders@v1"
		pod      = "k8s:workload:shop/Deployment/orders"
		token    = "secret:k8s:sa-token:shop/orders"
		orders   = "k8s:sa:shop/orders"
		deployer = "secret:k8s:sa-token:shop/deployer"
	)
	s := newG().
		node(pod, "type", "k8s-workload", "kind", "Deployment", "namespace", "shop", "name", "orders").
		node(token, "type", "service-account-token", "namespace", "shop", "name", "orders", "long_lived", "false").
		node(deployer, "type", "service-account-token", "namespace", "shop", "name", "deployer", "long_lived", "false").
		edge(pod, graph.EdgeExecutes, image).
		edge(pod, graph.EdgeExposes, token).
		edge(token, graph.EdgeAuthenticatesAs, orders).
		edge(orders, graph.EdgeCanMint, deployer, "actions=create:serviceaccounts/token").
		edge(deployer, graph.EdgeAuthenticatesAs, "k8s:sa:shop/deployer").
		store(t)

	plan := planFrom(t, s, image, Options{})
	item := planItem(t, plan, deployer)
	if want := "delete and recreate service account shop/deployer"; !strings.Contains(item.Action, want) {
		t.Errorf("action %q, want one that contains %q", item.Action, want)
	}
	if strings.Contains(item.Action, "delete the pods") {
		t.Errorf("action %q offers deleting pods, which leaves a requested token valid", item.Action)
	}
	if got := planItem(t, plan, token).Action; !strings.Contains(got, "delete the pods that held it") {
		t.Errorf("action for the mounted token %q, want one that offers deleting the pods", got)
	}
}

func TestPlanRoleEscalationPersists(t *testing.T) {
	// User ci may pass role worker to Lambda and rewrite the trust policy
	// of role admin. A function created with worker keeps getting new
	// sessions of it, and a principal added to admin's trust policy keeps
	// assuming admin, after every session issued before is revoked. So
	// each role's item tells to remove what the escalation left, and its
	// command lists it.
	const (
		worker = "arn:aws:iam::111122223333:role/worker"
		admin  = "arn:aws:iam::111122223333:role/admin"
	)
	s := newG().
		node(keyA, "type", "actions-secret").
		node(worker, "type", "role").
		node(admin, "type", "role").
		edge(jobA, graph.EdgeExecutes, bad).
		edge(jobA, graph.EdgeExposes, keyA).
		edge(keyA, graph.EdgeAuthenticatesAs, user).
		edge(user, graph.EdgeCanAssume, worker, "method=PassRoleToLambda", "actions=iam:PassRole,lambda:CreateFunction,lambda:InvokeFunction").
		edge(user, graph.EdgeCanAssume, admin, "method=UpdateAssumeRolePolicy", "actions=iam:UpdateAssumeRolePolicy").
		store(t)

	plan := planFrom(t, s, bad, Options{})
	w := planItem(t, plan, worker)
	if want := "Lambda functions"; !strings.Contains(w.Action, want) {
		t.Errorf("action for role worker %q, want one that names the %s created with it", w.Action, want)
	}
	if want := "AttributeKey=EventSource,AttributeValue=lambda.amazonaws.com"; !strings.Contains(w.Command, want) {
		t.Errorf("command for role worker %q, want a CloudTrail lookup of %s", w.Command, want)
	}
	a := planItem(t, plan, admin)
	if want := "trust policy"; !strings.Contains(a.Action, want) {
		t.Errorf("action for role admin %q, want one that says to restore its %s", a.Action, want)
	}
	if want := "aws iam get-role --role-name admin --query Role.AssumeRolePolicyDocument"; !strings.Contains(a.Command, want) {
		t.Errorf("command for role admin %q, want one that starts with %q", a.Command, want)
	}
}
