package link

import (
	"sort"
	"strings"
	"testing"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/google/go-cmp/cmp"
)

// escGrants lists the derived CAN_GRANT edges with their holders.
func escGrants(t *testing.T, f *escFixture) []string {
	t.Helper()
	_, edges := escDerive(t, f)
	var out []string
	for _, e := range edges {
		if e.Kind == graph.EdgeCanGrant {
			out = append(out, escEdge(e.From, e.Kind, e.To, e.Confidence, e.Attr("method"))+" holder="+e.Attr(graph.AttrHolder))
		}
	}
	sort.Strings(out)
	return out
}

func TestGrantsToHeldIdentities(t *testing.T) {
	const certain, possible = graph.Certain, graph.Possible
	grant := graph.EdgeCanGrant
	u, v, w := escUserARN("u"), escUserARN("v"), escUserARN("w")
	r, q := escRoleARN("r"), escRoleARN("q")
	g := escGroupARN("g")
	line := func(from, holder string, conf graph.Confidence, method string) string {
		return escEdge(from, grant, graph.AWSAdminGrantID(holder), conf, method) + " holder=" + holder
	}
	tests := []struct {
		name  string
		build func(f *escFixture)
		want  []string
	}{
		{"role attaches to a user it does not act as", func(f *escFixture) {
			f.role("r", escTrustService("lambda.amazonaws.com"), escDoc(escAllow(u, "iam:AttachUserPolicy")))
			f.user("u")
			f.user("v")
		}, []string{line(r, u, certain, "AttachUserPolicy")}},
		{"a role that assumes the user's role makes itself the administrator instead", func(f *escFixture) {
			f.user("u", escDoc(escAllow("*", "iam:AttachRolePolicy"), escAllow(r, "sts:AssumeRole")))
			f.role("r", escTrustAWS(u))
			f.role("q", escTrustService("ec2.amazonaws.com"))
		}, []string{line(u, q, certain, "AttachRolePolicy")}},
		{"group policy widens each member", func(f *escFixture) {
			f.role("r", escTrustService("lambda.amazonaws.com"), escDoc(escAllow(g, "iam:PutGroupPolicy")))
			f.user("v")
			f.user("w")
			f.group("g", []string{v, w})
		}, []string{line(r, v, certain, "PutGroupPolicy"), line(r, w, certain, "PutGroupPolicy")}},
		{"policy version widens users, roles and group members it applies to", func(f *escFixture) {
			f.role("r", escTrustService("lambda.amazonaws.com"), escDoc(escAllow(escPolicyARN("shared"), "iam:CreatePolicyVersion")))
			f.user("v")
			f.user("w")
			f.role("q", escTrustService("ec2.amazonaws.com"))
			pol := f.managed(v, "shared", escDoc(escAllow("*", "s3:GetObject")))
			f.link(q, graph.EdgeHasPolicy, pol)
			f.group("g", []string{w})
			f.link(g, graph.EdgeHasPolicy, pol)
		}, []string{line(r, q, certain, "CreatePolicyVersion"), line(r, v, certain, "CreatePolicyVersion"), line(r, w, certain, "CreatePolicyVersion")}},
		{"undecided condition makes the grant possible", func(f *escFixture) {
			f.role("r", escTrustService("lambda.amazonaws.com"), escDoc(
				escAllowIf(u, `{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`, "iam:AttachUserPolicy")))
			f.user("u")
		}, []string{line(r, u, possible, "AttachUserPolicy")}},
		{"a certain way wins over a possible one", func(f *escFixture) {
			f.role("r", escTrustService("lambda.amazonaws.com"), escDoc(
				escAllowIf(u, `{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`, "iam:AttachUserPolicy"),
				escAllow(u, "iam:PutUserPolicy")))
			f.user("u")
		}, []string{line(r, u, certain, "PutUserPolicy")}},
		{"explicit deny leaves no grant", func(f *escFixture) {
			f.role("r", escTrustService("lambda.amazonaws.com"), escDoc(escAllow("*", "iam:AttachUserPolicy"), escDeny(u, "iam:AttachUserPolicy")))
			f.user("u")
		}, nil},
		{"an administrator grants nothing it does not have", func(f *escFixture) {
			f.role("r", escTrustService("lambda.amazonaws.com"), escDoc(escAllow("*", "*")))
			f.user("u")
		}, nil},
		{"another account's user is out of reach", func(f *escFixture) {
			f.role("r", escTrustService("lambda.amazonaws.com"), escDoc(escAllow("*", "iam:AttachUserPolicy")))
			f.node("arn:aws:iam::444455556666:user/x", graph.NodeIdentity, "provider", "aws", "type", "user", "account", "444455556666")
		}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := &escFixture{}
			tc.build(f)
			if diff := cmp.Diff(tc.want, escGrants(t, f)); diff != "" {
				t.Errorf("grants (-want +got):\n%s", diff)
			}
		})
	}
}

func TestAdministratorReach(t *testing.T) {
	// u makes itself an administrator. The administrator then reads the
	// secret, acts on the bucket and mints a key of v. It becomes both
	// roles: one because its trust policy names the account, the other by
	// rewriting a service's trust policy. The secret that a service control
	// policy denies stays out of reach.
	f := &escFixture{}
	u := f.user("u", escDoc(escAllow("*", "iam:PutUserPolicy")))
	v := f.user("v")
	byAccount := f.role("ops", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::`+escAcct+`:root"},"Action":"sts:AssumeRole"}]}`)
	service := f.role("svc", escTrustService("ec2.amazonaws.com"))
	secret := "arn:aws:secretsmanager:us-east-1:" + escAcct + ":secret:flag"
	f.node(secret, graph.NodeSecret, "provider", "aws", "type", "secretsmanager", "account", escAcct)
	bucket := "arn:aws:s3:::data"
	f.node(bucket, graph.NodeResource, "provider", "aws", "type", "s3-bucket", "account", escAcct)
	// A service control policy on the account denies reading one secret.
	fenced := "arn:aws:secretsmanager:us-east-1:" + escAcct + ":secret:fenced"
	f.node(fenced, graph.NodeSecret, "provider", "aws", "type", "secretsmanager", "account", escAcct)
	f.node("aws:account:"+escAcct, graph.NodeIdentity, "provider", "aws", "type", "account")
	f.node("policy:aws:organizations:fence", graph.NodePolicy, "policy_type", "SERVICE_CONTROL_POLICY", "name", "fence",
		"document", `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"secretsmanager:GetSecretValue","Resource":"`+fenced+`"}]}`)
	f.link("aws:account:"+escAcct, graph.EdgeHasPolicy, "policy:aws:organizations:fence")
	_, edges := escDerive(t, f)
	admin := graph.AWSAdministratorID(escAcct)
	got := map[string]bool{}
	for _, e := range edges {
		if e.From == admin {
			got[string(e.Kind)+" "+e.To] = true
		}
	}
	for _, want := range []string{
		"CAN_READ_SECRET " + secret,
		"CAN_ACCESS " + bucket,
		"CAN_ASSUME " + byAccount,
		"CAN_ASSUME " + service,
		"CAN_MINT " + graph.AWSAccessKeyID(v, "new"),
	} {
		if !got[want] {
			t.Errorf("administrator lacks %s; it has %v", want, got)
		}
	}
	if got["CAN_READ_SECRET "+fenced] {
		t.Errorf("administrator reads %s, which a service control policy denies", fenced)
	}
	if !got["CAN_MINT "+graph.AWSAccessKeyID(u, "new")] {
		// u is a user of the account too; the administrator can mint its key.
		t.Errorf("administrator lacks CAN_MINT of u's new key")
	}
	var to []string
	for _, e := range edges {
		if e.From == u {
			to = append(to, string(e.Kind)+" "+e.To)
		}
	}
	if !strings.Contains(strings.Join(to, "\n"), "CAN_ACCESS "+admin) {
		t.Errorf("u does not reach the administrator: %v", to)
	}
}

func TestAdminActorOnlyWhenUnbounded(t *testing.T) {
	notIAM := `{"Effect":"Allow","NotAction":["iam:*"],"Resource":"*"}`
	notS3 := `{"Effect":"Allow","NotAction":["s3:*"],"Resource":"*"}`
	u, v, r := escUserARN("u"), escUserARN("v"), escRoleARN("r")
	boundary := escPolicyARN("iam-only")
	tests := []struct {
		name  string
		build func(f *escFixture)
		want  []string
	}{
		// Everything but IAM is no administrator: attaching
		// AdministratorAccess to itself adds IAM.
		{"all but IAM attaches to itself", func(f *escFixture) {
			f.user("u", escDoc(notIAM, escAllow(u, "iam:AttachUserPolicy")))
		}, []string{escEdge(u, graph.EdgeCanAccess, escAdmin, graph.Certain, "AttachUserPolicy")}},
		// Everything but S3 makes itself an administrator, which adds
		// S3, and makes another user one, which gives that user's holder
		// S3. Denied the user's credentials, it does not act as the user.
		{"all but S3 grants to another user", func(f *escFixture) {
			f.role("r", escTrustService("lambda.amazonaws.com"), escDoc(notS3,
				escDeny(v, "iam:CreateAccessKey", "iam:CreateLoginProfile", "iam:UpdateLoginProfile")))
			f.user("v")
		}, []string{
			escEdge(r, graph.EdgeCanAccess, escAdmin, graph.Certain, "AttachRolePolicy"),
			escEdge(r, graph.EdgeCanGrant, graph.AWSAdminGrantID(v), graph.Certain, "AttachUserPolicy"),
		}},
		// * on * with a Deny of everything but attaching user policies is
		// no administrator: the Deny binds the role, not the user it makes
		// an administrator.
		{"* on * denied all but attaching grants to a user", func(f *escFixture) {
			f.role("r", escTrustService("lambda.amazonaws.com"), escDoc(escAllow("*", "*"),
				`{"Effect":"Deny","NotAction":["iam:AttachUserPolicy"],"Resource":"*"}`))
			f.user("v")
		}, []string{escEdge(r, graph.EdgeCanGrant, graph.AWSAdminGrantID(v), graph.Certain, "AttachUserPolicy")}},
		// * on * bounded to IAM is no administrator: the role it assumes
		// has no boundary, and attaching AdministratorAccess to it lifts
		// the bound.
		{"bounded * on * attaches to a role it assumes", func(f *escFixture) {
			f.node(boundary, graph.NodePolicy, "document", escDoc(escAllow("*", "iam:*", "sts:AssumeRole")))
			f.role("r", escTrustService("lambda.amazonaws.com"), escDoc(escAllow("*", "*")), "--", "permissions_boundary", boundary)
			f.role("q", escTrustAWS(r))
		}, []string{escEdge(r, graph.EdgeCanAccess, escAdmin, graph.Certain, "AttachRolePolicy")}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := &escFixture{}
			tc.build(f)
			_, edges := escDerive(t, f)
			got := map[string]bool{}
			for _, e := range edges {
				got[escEdge(e.From, e.Kind, e.To, e.Confidence, e.Attr("method"))] = true
			}
			for _, w := range tc.want {
				if !got[w] {
					t.Errorf("missing %s", w)
				}
			}
		})
	}
}

func TestAttachConditionExcludingAdministratorAccess(t *testing.T) {
	// u may attach any policy but AdministratorAccess to itself. It
	// attaches IAMFullAccess, then writes an inline policy allowing * on
	// *: two steps to administrator.
	f := &escFixture{}
	u := f.user("u", escDoc(escAllowIf(escUserARN("u"),
		`{"ArnNotEquals":{"iam:PolicyARN":"arn:aws:iam::aws:policy/AdministratorAccess"}}`, "iam:AttachUserPolicy")))
	_, edges := escDerive(t, f)
	for _, e := range edges {
		if e.From == u && e.To == escAdmin {
			if e.Confidence != graph.Possible {
				t.Errorf("u reaches %s as %s, want possible: the second step is not evaluated", escAdmin, e.Confidence)
			}
			return
		}
	}
	t.Errorf("u does not reach %s", escAdmin)
}

func TestBoundaryBindsNewAdministrator(t *testing.T) {
	// u writes an administrator policy into itself, and r writes one into
	// v. Both users keep a permissions boundary that allows only S3 reads
	// and writing user policies. So the administrator each becomes reads
	// the bucket, never the secret, and mints no key.
	f := &escFixture{}
	boundary := escPolicyARN("s3-only")
	f.node(boundary, graph.NodePolicy, "document", escDoc(escAllow("*", "s3:GetObject", "iam:PutUserPolicy")))
	u := f.user("u", escDoc(escAllow(escUserARN("u"), "iam:PutUserPolicy")))
	v := f.user("v")
	for i := range f.nodes {
		if f.nodes[i].ID == u || f.nodes[i].ID == v {
			f.nodes[i].SetAttr("permissions_boundary", boundary)
		}
	}
	r := f.role("r", escTrustService("lambda.amazonaws.com"), escDoc(escAllow(v, "iam:PutUserPolicy")))
	secret := "arn:aws:secretsmanager:us-east-1:" + escAcct + ":secret:flag"
	f.node(secret, graph.NodeSecret, "provider", "aws", "type", "secretsmanager", "account", escAcct)
	bucket := "arn:aws:s3:::data"
	f.node(bucket, graph.NodeResource, "provider", "aws", "type", "s3-bucket", "account", escAcct)

	_, edges := escDerive(t, f)
	out := map[string][]graph.Edge{}
	for _, e := range edges {
		out[e.From] = append(out[e.From], e)
	}

	// The node each escalation leads to.
	var uAdmin, vAdmin string
	for _, e := range out[u] {
		if e.Kind == graph.EdgeCanAccess && strings.HasPrefix(e.To, "aws:administrator:") {
			uAdmin = e.To
		}
	}
	for _, e := range out[r] {
		if e.Kind == graph.EdgeCanGrant {
			for _, s := range out[e.To] {
				vAdmin = s.To
			}
		}
	}

	for who, admin := range map[string]string{"u": uAdmin, "v": vAdmin} {
		if admin == "" {
			t.Errorf("%s reaches no administrator", who)
			continue
		}
		reads, mints := false, false
		for _, e := range out[admin] {
			switch {
			case e.To == bucket:
				reads = true
			case e.To == secret:
				t.Errorf("%s's administrator %s reaches the secret, which its boundary denies", who, admin)
			case e.Kind == graph.EdgeCanMint:
				mints = true
			}
		}
		if !reads {
			t.Errorf("%s's administrator %s does not reach the bucket its boundary allows", who, admin)
		}
		if mints {
			t.Errorf("%s's administrator %s mints credentials, which its boundary denies", who, admin)
		}
	}
}

func TestEveryServiceScopeUnderBoundary(t *testing.T) {
	// Both roles allow every action but iam:*. The boundary of the second
	// allows only S3 and STS, so "every service in the account" is more
	// than it reaches. The edge to that scope is possible, and its reason
	// names the refused services.
	f := &escFixture{}
	boundary := escPolicyARN("s3-sts")
	f.node(boundary, graph.NodePolicy, "document", escDoc(escAllow("*", "s3:*", "sts:*")))
	power := `{"Effect":"Allow","NotAction":["iam:*"],"Resource":"*"}`
	free := f.role("free", escTrustService("ec2.amazonaws.com"), escDoc(power))
	bound := f.role("bound", escTrustService("ec2.amazonaws.com"), escDoc(power), "--", "permissions_boundary", boundary)
	_, edges := escDerive(t, f)
	scope := "aws:*:" + escAcct + ":*"
	got := map[string]graph.Edge{}
	for _, e := range edges {
		if e.To == scope && e.Kind == graph.EdgeCanAccess {
			got[e.From] = e
		}
	}
	if e, ok := got[free]; !ok || e.Confidence != graph.Certain {
		t.Errorf("unbounded role -> %s: %+v, want certain", scope, e)
	}
	e, ok := got[bound]
	if !ok || e.Confidence != graph.Possible {
		t.Fatalf("bounded role -> %s: %+v, want possible", scope, e)
	}
	if !strings.Contains(e.Attr(graph.AttrReason), "not every service") {
		t.Errorf("reason %q does not say that some services are refused", e.Attr(graph.AttrReason))
	}
}
