package link

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/graph/memstore"
	"github.com/blastradius-dev/blastradius/ingest"
	"github.com/blastradius-dev/blastradius/ingest/terraform"
	"github.com/blastradius-dev/blastradius/internal/awspolicy"
	"github.com/blastradius-dev/blastradius/query"
)

// casesRoot contains small cases on which other tools gave wrong results.
const casesRoot = "../../../shared/cases"

// store writes the facts, derives edges and returns the store.
func store(t *testing.T, nodes []graph.Node, edges []graph.Edge) *memstore.Store {
	t.Helper()
	s := memstore.New()
	b := &graph.Batch{Time: time.Now(), Nodes: nodes, Edges: edges}
	if err := s.Write(context.Background(), b, (&Linker{}).Derive); err != nil {
		t.Fatal(err)
	}
	return s
}

// derivedOf returns the derived edges of a kind as "from -> to (confidence)".
func derivedOf(t *testing.T, s *memstore.Store, kind graph.EdgeKind) []string {
	t.Helper()
	es, err := s.EdgesByKind(context.Background(), kind)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		out = append(out, e.From+" -> "+e.To+" ("+string(e.Confidence)+")")
	}
	sort.Strings(out)
	return out
}

func edgeOf(t *testing.T, s *memstore.Store, kind graph.EdgeKind, from, to string) *graph.Edge {
	t.Helper()
	es, err := s.EdgesByKind(context.Background(), kind)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range es {
		if e.From == from && e.To == to {
			return &e
		}
	}
	return nil
}

func explain(t *testing.T, s *memstore.Store, principal, action, resource string) awspolicy.Decision {
	t.Helper()
	d, err := (&Linker{}).Explain(context.Background(), s, principal, action, resource)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// reaches reports whether the blast radius of start holds target.
func reaches(t *testing.T, s *memstore.Store, start, target string) bool {
	t.Helper()
	ns, err := s.Nodes(context.Background(), []string{start})
	if err != nil || len(ns) != 1 {
		t.Fatalf("start %s: %v", start, err)
	}
	res, err := query.BlastRadius(context.Background(), s, ns, start, query.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return res.Get(target) != nil
}

// tfCase ingests a case's main.tf with the Terraform parser.
func tfCase(t *testing.T, name string) ([]graph.Node, []graph.Edge) {
	t.Helper()
	path := filepath.Join(casesRoot, name, "main.tf")
	if _, err := os.Stat(path); err != nil {
		t.Skip("shared cases not present")
	}
	var res ingest.Result
	env := &ingest.Env{Fingerprint: func(string) string { return "fp" }}
	if err := terraform.New().Parse(context.Background(), &ingest.File{Path: path, RelPath: "main.tf"}, env, &res); err != nil {
		t.Fatal(err)
	}
	return res.Nodes, res.Edges
}

func iamUser(account, name string) string { return graph.IAMARN(account, "user", "", name) }

func awsUser(account, name string) graph.Node {
	return node(iamUser(account, name), graph.NodeIdentity, "provider", "aws", "type", "user", "account", account, "name", name)
}

func inline(owner, name, doc string) (graph.Node, graph.Edge) {
	p := node(owner+"#inline/"+name, graph.NodePolicy, "document", doc, "name", name)
	return p, edge(owner, graph.EdgeHasPolicy, p.ID)
}

// TestGroupDenyCase: a Deny in a group policy fences a bucket off from a
// member whose own policy allows reading every bucket.
func TestGroupDenyCase(t *testing.T) {
	nodes, edges := tfCase(t, "01-pmapper-group-deny")
	s := store(t, nodes, edges)
	quinn := iamUser("", "quinn-analyst")
	ledger, reports := "arn:aws:s3:::example-org-ledger-prod", "arn:aws:s3:::example-org-reports"

	d := explain(t, s, quinn, "s3:GetObject", ledger+"/*")
	if d.Effect != awspolicy.Denied || !strings.Contains(d.Deny.Policy, "#inline/fence-off-ledger") || d.Deny.Sid != "FenceLedger" {
		t.Errorf("GetObject on the ledger = %s, want denied by fence-off-ledger (FenceLedger)", d)
	}
	if d := explain(t, s, quinn, "s3:GetObject", reports+"/*"); d.Effect != awspolicy.Allowed {
		t.Errorf("GetObject on the reports = %s, want allowed", d)
	}
	if e := edgeOf(t, s, graph.EdgeCanAccess, quinn, ledger); e != nil {
		t.Errorf("CAN_ACCESS to the ledger: %v", e.Attrs)
	}
	e := edgeOf(t, s, graph.EdgeCanAccess, quinn, reports)
	if e == nil || e.Confidence != graph.Certain || e.Attr(graph.AttrLevel) != "read" || e.Attr(graph.AttrActions) != "s3:GetObject" {
		t.Fatalf("CAN_ACCESS to the reports = %+v, want certain read of s3:GetObject", e)
	}
	if !strings.Contains(e.Attr(graph.AttrReason), "read-all-buckets") {
		t.Errorf("reason %q does not name the allowing policy", e.Attr(graph.AttrReason))
	}
	if reaches(t, s, quinn, ledger) {
		t.Error("the ledger is reachable from the analyst")
	}
	if !reaches(t, s, quinn, reports) {
		t.Error("the reports bucket is not reachable from the analyst")
	}
}

// TestDenyVariants: the same fence, written in a permissions boundary and
// in the bucket's own policy; and a Deny whose condition the input cannot
// settle.
func TestDenyVariants(t *testing.T) {
	const a = "111122223333"
	ledger, reports := "arn:aws:s3:::example-org-ledger", "arn:aws:s3:::example-org-reports"
	readAll := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":"*"}]}`
	fence := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Sid":"BoundaryFence","Effect":"Deny","Action":"s3:*","Resource":["` + ledger + `","` + ledger + `/*"]}]}`
	bucketFence := `{"Version":"2012-10-17","Statement":[{"Sid":"BucketFence","Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"` + ledger + `/*","Condition":{"StringNotEquals":{"aws:PrincipalArn":"arn:aws:iam::` + a + `:role/auditor"}}}]}`
	delegate := `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"` + a + `"},"Action":"s3:GetObject","Resource":"` + reports + `/*"}]}`
	ipFence := `{"Version":"2012-10-17","Statement":[{"Sid":"OfficeOnly","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"` + ledger + `/*","Condition":{"NotIpAddress":{"aws:SourceIp":"192.0.2.0/24"}}}]}`

	bounded := awsUser(a, "bounded")
	bounded.SetAttr("permissions_boundary", "arn:aws:iam::"+a+":policy/fence")
	bucketFenced := awsUser(a, "bucket-fenced")
	p1, e1 := inline(bounded.ID, "read-all", readAll)
	p2, e2 := inline(bucketFenced.ID, "read-all", readAll)
	nodes := []graph.Node{bounded, bucketFenced, p1, p2,
		node("arn:aws:iam::"+a+":policy/fence", graph.NodePolicy, "document", fence),
		node(ledger, graph.NodeResource, "provider", "aws", "account", a, "resource_policy", bucketFence),
		node(reports, graph.NodeResource, "provider", "aws", "account", a, "resource_policy", delegate),
	}
	s := store(t, nodes, []graph.Edge{e1, e2})

	tests := []struct {
		who, action, res string
		want             awspolicy.Effect
		names            string
	}{
		{bounded.ID, "s3:GetObject", ledger + "/*", awspolicy.Denied, `permissions boundary arn:aws:iam::111122223333:policy/fence (statement "BoundaryFence")`},
		{bounded.ID, "s3:GetObject", reports + "/*", awspolicy.Allowed, "permissions boundary"},
		{bucketFenced.ID, "s3:GetObject", ledger + "/*", awspolicy.Denied, `resource policy of arn:aws:s3:::example-org-ledger (statement "BucketFence")`},
		{bucketFenced.ID, "s3:GetObject", reports + "/*", awspolicy.Allowed, "read-all"},
	}
	for _, tc := range tests {
		d := explain(t, s, tc.who, tc.action, tc.res)
		if d.Effect != tc.want || !strings.Contains(d.String(), tc.names) {
			t.Errorf("%s %s %s = %s, want %v naming %s", tc.who, tc.action, tc.res, d, tc.want, tc.names)
		}
	}
	got := derivedOf(t, s, graph.EdgeCanAccess)
	want := []string{
		bounded.ID + " -> " + reports + " (certain)",
		bounded.ID + " -> aws:s3:111122223333:* (certain)",
		bucketFenced.ID + " -> " + reports + " (certain)",
		bucketFenced.ID + " -> aws:s3:111122223333:* (certain)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("CAN_ACCESS (-want +got):\n%s", diff)
	}

	// A Deny whose condition the input cannot settle leaves the access
	// possible, and the reason says what is unknown.
	office := awsUser(a, "office")
	p3, e3 := inline(office.ID, "read-all", readAll)
	s = store(t, []graph.Node{office, p3, node(ledger, graph.NodeResource, "provider", "aws", "account", a, "resource_policy", ipFence)}, []graph.Edge{e3})
	e := edgeOf(t, s, graph.EdgeCanAccess, office.ID, ledger)
	if e == nil || e.Confidence != graph.Possible || !strings.Contains(e.Attr(graph.AttrReason), "aws:SourceIp") || !strings.Contains(e.Attr(graph.AttrReason), "OfficeOnly") {
		t.Errorf("CAN_ACCESS under an IP fence = %+v, want possible naming OfficeOnly and aws:SourceIp", e)
	}
}

// TestSCPCase: a service control policy on the member account takes the
// IAM write actions away, so only the user whose escalation needs none of
// them becomes admin.
func TestSCPCase(t *testing.T) {
	nodes, edges := tfCase(t, "03-pmapper-scp-ignored-for-admin")
	const dev = "444455556666"
	// The dev provider's account is written only in a comment of main.tf,
	// so the ingester leaves `account` empty; the case states it.
	for i := range nodes {
		if nodes[i].Kind == graph.NodeIdentity && strings.HasPrefix(nodes[i].ID, "arn:aws:iam::") {
			nodes[i].SetAttr(graph.AttrAccount, dev)
		}
	}
	s := store(t, nodes, edges)
	putSelf, attachSelf, joiner := iamUser("", "svc-put-self"), iamUser("", "svc-attach-self"), iamUser("", "svc-group-joiner")
	group := graph.IAMARN("", "group", "", "platform-admins")
	secret := "arn:aws:secretsmanager:us-east-1::secret:dev/orders-db-password" // the dev provider's region

	scp := `service control policy policy:aws:organizations:no-iam-writes-in-dev (statement "BlockIdentityEdits")`
	tests := []struct {
		who, action, res string
		want             awspolicy.Effect
		names            string
	}{
		{putSelf, "iam:PutUserPolicy", putSelf, awspolicy.Denied, scp},
		{attachSelf, "iam:AttachUserPolicy", attachSelf, awspolicy.Denied, scp},
		{joiner, "iam:AddUserToGroup", group, awspolicy.Allowed, "join-admins"},
		{putSelf, "secretsmanager:GetSecretValue", secret, awspolicy.NoAllow, ""},
	}
	for _, tc := range tests {
		d := explain(t, s, tc.who, tc.action, tc.res)
		if d.Effect != tc.want || !strings.Contains(d.String(), tc.names) {
			t.Errorf("%s %s = %s, want %v naming %s", tc.who, tc.action, d, tc.want, tc.names)
		}
	}
	for _, who := range []string{putSelf, attachSelf} {
		if reaches(t, s, who, secret) {
			t.Errorf("%s reaches the secret", who)
		}
	}

	// Once in platform-admins, the joiner reads the secret: AdministratorAccess
	// allows it and the service control policy does not take it away.
	s = store(t, nodes, append(edges, edge(joiner, graph.EdgeMemberOf, group)))
	if e := edgeOf(t, s, graph.EdgeCanReadSecret, joiner, secret); e == nil || e.Confidence != graph.Certain {
		t.Errorf("CAN_READ_SECRET of a platform admin = %+v, want certain", e)
	}

	// Without the account the service control policy may or may not bind
	// the user: its write is possible, never certain, and the reason names
	// the policy.
	nodes, edges = tfCase(t, "03-pmapper-scp-ignored-for-admin")
	s = store(t, nodes, edges)
	d := explain(t, s, putSelf, "iam:PutUserPolicy", putSelf)
	if d.Effect != awspolicy.MaybeAllowed || !strings.Contains(d.Why, "no-iam-writes-in-dev") || !strings.Contains(d.Why, dev) {
		t.Errorf("PutUserPolicy of a user of unknown account = %s, want possible naming the policy and account %s", d, dev)
	}
}

// TestSCPVariants: a policy attached to an organisational unit, a
// NotAction deny, an allow-list, and the management account they spare.
func TestSCPVariants(t *testing.T) {
	const mgmt, a = "111122223333", "444455556666"
	secret := "arn:aws:secretsmanager:us-east-1:" + a + ":secret:prod/db"
	bucket := "arn:aws:s3:::example-org-data"
	admin := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`
	scp := func(name, doc string) graph.Node {
		return node("policy:aws:organizations:"+name, graph.NodePolicy, "policy_type", "SERVICE_CONTROL_POLICY", "account", mgmt, "document", doc, "name", name)
	}
	org := func(id, typ string) graph.Node { return node(id, graph.NodeIdentity, "provider", "aws", "type", typ) }
	ops := awsUser(a, "ops")
	boss := awsUser(mgmt, "boss")
	pOps, eOps := inline(ops.ID, "admin", admin)
	pBoss, eBoss := inline(boss.ID, "admin", admin)
	base := []graph.Node{ops, boss, pOps, pBoss,
		node(secret, graph.NodeSecret, "provider", "aws", "type", "secretsmanager", "account", a),
		node("arn:aws:secretsmanager:us-east-1:"+mgmt+":secret:prod/db", graph.NodeSecret, "provider", "aws", "type", "secretsmanager", "account", mgmt),
		node(bucket, graph.NodeResource, "provider", "aws", "account", a),
		org("aws:account:"+a, "account"), org("aws:account:"+mgmt, "account"), org("aws:ou:ou-prod", "organizational-unit"), org("aws:ou:r-root", "organization-root"),
	}
	baseEdges := []graph.Edge{eOps, eBoss,
		edge("aws:account:"+a, graph.EdgeMemberOf, "aws:ou:ou-prod"), edge("aws:ou:ou-prod", graph.EdgeMemberOf, "aws:ou:r-root"),
		edge("aws:account:"+mgmt, graph.EdgeMemberOf, "aws:ou:r-root"),
	}
	noSecrets := scp("no-secrets", `{"Version":"2012-10-17","Statement":[{"Sid":"NoSecretReads","Effect":"Deny","Action":"secretsmanager:GetSecretValue","Resource":"*"}]}`)
	onlyS3 := scp("only-s3", `{"Version":"2012-10-17","Statement":[{"Sid":"OnlyS3","Effect":"Deny","NotAction":["s3:*"],"Resource":"*"}]}`)
	allowS3 := scp("allow-s3", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`)

	tests := []struct {
		name   string
		scps   []graph.Node
		attach []graph.Edge
		want   []string // CAN_READ_SECRET
		deny   string   // the explanation of ops reading its secret names it
		access bool     // ops keeps CAN_ACCESS to the bucket
	}{
		{name: "no policy", want: []string{boss.ID + " -> arn:aws:secretsmanager:us-east-1:" + mgmt + ":secret:prod/db (certain)",
			ops.ID + " -> " + secret + " (certain)"}, access: true},
		{name: "deny on the OU", scps: []graph.Node{noSecrets}, attach: []graph.Edge{edge("aws:ou:ou-prod", graph.EdgeHasPolicy, noSecrets.ID)},
			want:   []string{boss.ID + " -> arn:aws:secretsmanager:us-east-1:" + mgmt + ":secret:prod/db (certain)"},
			deny:   `service control policy policy:aws:organizations:no-secrets (statement "NoSecretReads")`,
			access: true},
		{name: "deny on the root spares the management account", scps: []graph.Node{noSecrets}, attach: []graph.Edge{edge("aws:ou:r-root", graph.EdgeHasPolicy, noSecrets.ID)},
			want: []string{boss.ID + " -> arn:aws:secretsmanager:us-east-1:" + mgmt + ":secret:prod/db (certain)"},
			deny: "no-secrets", access: true},
		{name: "NotAction deny on the account", scps: []graph.Node{onlyS3}, attach: []graph.Edge{edge("aws:account:"+a, graph.EdgeHasPolicy, onlyS3.ID)},
			want: []string{boss.ID + " -> arn:aws:secretsmanager:us-east-1:" + mgmt + ":secret:prod/db (certain)"},
			deny: `statement "OnlyS3"`, access: true},
		{name: "allow-list on the OU", scps: []graph.Node{allowS3}, attach: []graph.Edge{edge("aws:ou:ou-prod", graph.EdgeHasPolicy, allowS3.ID)},
			want: []string{boss.ID + " -> arn:aws:secretsmanager:us-east-1:" + mgmt + ":secret:prod/db (certain)"},
			deny: "no service control policy attached to aws:ou:ou-prod allows it", access: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := store(t, append(append([]graph.Node(nil), base...), tc.scps...), append(append([]graph.Edge(nil), baseEdges...), tc.attach...))
			if diff := cmp.Diff(tc.want, derivedOf(t, s, graph.EdgeCanReadSecret)); diff != "" {
				t.Errorf("CAN_READ_SECRET (-want +got):\n%s", diff)
			}
			if tc.deny != "" {
				if d := explain(t, s, ops.ID, "secretsmanager:GetSecretValue", secret); !strings.Contains(d.String(), tc.deny) || d.Effect >= awspolicy.MaybeAllowed {
					t.Errorf("explanation = %s, want it to name %s", d, tc.deny)
				}
			}
			if got := edgeOf(t, s, graph.EdgeCanAccess, ops.ID, bucket) != nil; got != tc.access {
				t.Errorf("CAN_ACCESS to the bucket = %v, want %v", got, tc.access)
			}
		})
	}
}

// TestResourcePolicies: a secret's own policy grants within its account
// on its own, delegates when it names the account, and across accounts
// needs the caller's policies too.
func TestResourcePolicies(t *testing.T) {
	const a, b = "111122223333", "444455556666"
	secret := "arn:aws:secretsmanager:us-east-1:" + a + ":secret:shared/api"
	key := "arn:aws:kms:us-east-1:" + a + ":key/aws_kms_key.main"
	readSecrets := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["secretsmanager:GetSecretValue","kms:Decrypt"],"Resource":"*"}]}`
	direct := awsUser(a, "direct")     // named by the secret's policy, no policy of its own
	delegated := awsUser(a, "idle")    // in the account the policy names, no policy of its own
	local := awsUser(a, "local")       // in the account, with an allow
	partner := awsUser(b, "partner")   // other account, named through its account, with an allow
	stranger := awsUser(b, "stranger") // other account, no allow of its own
	pLocal, eLocal := inline(local.ID, "read", readSecrets)
	pPartner, ePartner := inline(partner.ID, "read", readSecrets)
	secretPolicy := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["` + direct.ID + `","arn:aws:iam::` + b + `:root","` + a + `"]},"Action":"secretsmanager:GetSecretValue","Resource":"*"}]}`
	keyPolicy := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + partner.ID + `"},"Action":"kms:Decrypt","Resource":"*"}]}`
	nodes := []graph.Node{direct, delegated, local, partner, stranger, pLocal, pPartner,
		node(secret, graph.NodeSecret, "provider", "aws", "type", "secretsmanager", "account", a, "resource_policy", secretPolicy),
		node(key, graph.NodeResource, "provider", "aws", "account", a, "resource_policy", keyPolicy),
	}
	s := store(t, nodes, []graph.Edge{eLocal, ePartner})
	want := []string{
		direct.ID + " -> " + secret + " (certain)",
		local.ID + " -> " + secret + " (certain)",
		partner.ID + " -> " + secret + " (certain)",
	}
	if diff := cmp.Diff(want, derivedOf(t, s, graph.EdgeCanReadSecret)); diff != "" {
		t.Errorf("CAN_READ_SECRET (-want +got):\n%s", diff)
	}
	e := edgeOf(t, s, graph.EdgeCanReadSecret, partner.ID, secret)
	if r := e.Attr(graph.AttrReason); !strings.Contains(r, "#inline/read") || !strings.Contains(r, "resource policy of "+secret) {
		t.Errorf("cross-account reason %q does not name both sides", r)
	}
	// The key's policy names only the partner: the local user's identity
	// allow is not enough for a KMS key, the partner's is.
	got := derivedOf(t, s, graph.EdgeCanAccess)
	wantAccess := []string{partner.ID + " -> " + key + " (certain)"}
	var keyEdges []string
	for _, g := range got {
		if strings.Contains(g, ":key/") {
			keyEdges = append(keyEdges, g)
		}
	}
	if diff := cmp.Diff(wantAccess, keyEdges); diff != "" {
		t.Errorf("CAN_ACCESS to the key (-want +got):\n%s", diff)
	}
}

// TestAccessLevels: the level and the actions of CAN_ACCESS come from the
// catalogue, and listing alone reaches nothing.
func TestAccessLevels(t *testing.T) {
	const a = "111122223333"
	bucket := "arn:aws:s3:::example-org-data"
	tests := []struct {
		name, doc string
		level     string // "" for no edge
		actions   string // part of the actions attribute
	}{
		{"listing only", `{"Statement":[{"Effect":"Allow","Action":["s3:ListBucket","s3:ListAllMyBuckets"],"Resource":"*"}]}`, "", ""},
		{"read wildcard", `{"Statement":[{"Effect":"Allow","Action":"s3:GetObject*","Resource":"arn:aws:s3:::example-org-data/*"}]}`, "read", "s3:GetObject,s3:GetObjectAcl,"},
		{"write", `{"Statement":[{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::example-org-data/*"}]}`, "write", "s3:PutObject"},
		{"permissions management", `{"Statement":[{"Effect":"Allow","Action":"s3:PutBucketPolicy","Resource":"arn:aws:s3:::example-org-data"}]}`, "admin", "s3:PutBucketPolicy"},
		{"bucket actions do not reach objects", `{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::example-org-data"}]}`, "admin", "s3:PutBucketPolicy"},
		{"NotAction iam still reaches the bucket", `{"Statement":[{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}]}`, "admin", "s3:GetObject,"},
		{"NotAction s3 does not", `{"Statement":[{"Effect":"Allow","NotAction":"s3:*","Resource":"*"}]}`, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			u := awsUser(a, "u")
			p, e := inline(u.ID, "p", tc.doc)
			s := store(t, []graph.Node{u, p, node(bucket, graph.NodeResource, "provider", "aws", "account", a)}, []graph.Edge{e})
			got := edgeOf(t, s, graph.EdgeCanAccess, u.ID, bucket)
			if tc.level == "" {
				if got != nil {
					t.Fatalf("CAN_ACCESS %v, want none", got.Attrs)
				}
				return
			}
			if got == nil {
				t.Fatal("no CAN_ACCESS")
			}
			if got.Attr(graph.AttrLevel) != tc.level || !strings.Contains(got.Attr(graph.AttrActions), tc.actions) {
				t.Errorf("CAN_ACCESS level %s actions %.80s, want %s with %s", got.Attr(graph.AttrLevel), got.Attr(graph.AttrActions), tc.level, tc.actions)
			}
			if tc.name == "bucket actions do not reach objects" && strings.Contains(got.Attr(graph.AttrActions), "s3:GetObject") {
				t.Errorf("a statement on the bucket alone grants object actions: %s", got.Attr(graph.AttrActions))
			}
		})
	}
}

// TestCanary: no value of a condition key that carries a shared secret
// reaches an edge or node the linker writes.
func TestCanary(t *testing.T) {
	const canary = "CANARY-awspolicy-7f3a"
	u := awsUser(acct, "dev")
	p, e := inline(u.ID, "assume", `{"Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}`)
	trustDoc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + acct + `"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"` + canary + `"}}}]}`
	s := store(t, []graph.Node{u, p, role("vendor", trustDoc)}, []graph.Edge{e})
	var all []graph.Edge
	for _, k := range graph.EdgeKinds {
		es, err := s.EdgesByKind(context.Background(), k)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range es {
			if e.Kind != graph.EdgeHasPolicy {
				all = append(all, e)
			}
		}
	}
	if len(all) == 0 {
		t.Fatal("no derived edge: the canary is not exercised")
	}
	out, err := json.Marshal(all)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), canary) {
		t.Errorf("the external id reached a derived edge: %s", out)
	}
}

// TestMFAEnrolment: a trust policy that requires MFA gives possible
// edges whose reason names who can enrol an MFA device for the user.
func TestMFAEnrolment(t *testing.T) {
	const a = "111122223333"
	assume := `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}}`
	selfEnrol := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"},
		{"Effect":"Allow","Action":["iam:CreateVirtualMFADevice","iam:EnableMFADevice"],"Resource":["arn:aws:iam::111122223333:mfa/${aws:username}","arn:aws:iam::111122223333:user/${aws:username}"]}]}`
	enrolBoss := `{"Version":"2012-10-17","Statement":[{"Sid":"NewDevice","Effect":"Allow","Action":"iam:CreateVirtualMFADevice","Resource":"arn:aws:iam::111122223333:mfa/*"},
		{"Sid":"Enable","Effect":"Allow","Action":"iam:EnableMFADevice","Resource":"arn:aws:iam::111122223333:user/boss"}]}`
	trustDoc := `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}}`
	boss, self, lonely, helper := awsUser(a, "boss"), awsUser(a, "self"), awsUser(a, "lonely"), awsUser(a, "helper")
	target := node(graph.IAMARN(a, "role", "", "secrets"), graph.NodeIdentity, "provider", "aws", "type", "role", "account", a, "trust_policy", trustDoc)
	nodes := []graph.Node{boss, self, lonely, helper, target}
	var edges []graph.Edge
	for _, u := range []struct {
		n   graph.Node
		doc string
	}{{boss, assume}, {self, selfEnrol}, {lonely, assume}, {helper, enrolBoss}} {
		p, e := inline(u.n.ID, "p", u.doc)
		nodes, edges = append(nodes, p), append(edges, e)
	}
	s := store(t, nodes, edges)

	got := derivedOf(t, s, graph.EdgeCanAssume)
	want := []string{
		boss.ID + " -> " + target.ID + " (possible)",
		lonely.ID + " -> " + target.ID + " (possible)",
		self.ID + " -> " + target.ID + " (possible)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("CAN_ASSUME (-want +got):\n%s", diff)
	}
	tests := []struct {
		from string
		want []string
	}{
		{boss.ID, []string{"aws:MultiFactorAuthPresent must be true", helper.ID, "iam:CreateVirtualMFADevice", "iam:EnableMFADevice", `"NewDevice"`, `"Enable"`}},
		{self.ID, []string{"the user itself " + self.ID}},
		{lonely.ID, []string{"only a holder of an MFA device of " + lonely.ID}},
	}
	for _, tc := range tests {
		e := edgeOf(t, s, graph.EdgeCanAssume, tc.from, target.ID)
		if e == nil {
			t.Errorf("no CAN_ASSUME from %s", tc.from)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(e.Attr(graph.AttrReason), w) {
				t.Errorf("reason of %s = %q, want it to name %s", tc.from, e.Attr(graph.AttrReason), w)
			}
		}
	}
}

// TestStoredSecretReads: the value of an S3 object or a DynamoDB item that
// holds credentials, and of an SSM parameter, is read with any of the
// service's read actions; a bucket's policy takes part for its objects.
func TestStoredSecretReads(t *testing.T) {
	const a = "111122223333"
	object := "arn:aws:s3:::example-org-backup/keys.txt"
	bucket := "arn:aws:s3:::example-org-backup"
	table := "arn:aws:dynamodb:us-east-1:" + a + ":table/config"
	item := table + "/item/deploy"
	param := "arn:aws:ssm:us-east-1:" + a + ":parameter/app/token"
	allow := func(actions, resource string) string {
		return `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":` + actions + `,"Resource":"` + resource + `"}}`
	}
	fence := `{"Version":"2012-10-17","Statement":{"Sid":"OnlyBackup","Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"` + bucket + `/*",` +
		`"Condition":{"StringNotEquals":{"aws:PrincipalArn":"arn:aws:iam::` + a + `:user/backup"}}}}`
	users := []struct {
		name, doc string
	}{
		{"backup", allow(`"s3:GetObject"`, bucket+"/*")},
		{"reader", allow(`"s3:GetObject"`, bucket+"/*")},
		{"scanner", allow(`"dynamodb:Scan"`, table)},
		{"lister", allow(`"dynamodb:ListTables"`, "*")},
		{"batch", allow(`"ssm:GetParameters"`, "arn:aws:ssm:*:"+a+":parameter/app/*")},
	}
	nodes := []graph.Node{
		node(bucket, graph.NodeResource, "provider", "aws", "account", a, "resource_policy", fence),
		node(object, graph.NodeSecret, "provider", "aws", "type", "s3-object", "bucket", "example-org-backup", "account", a),
		node(table, graph.NodeResource, "provider", "aws", "account", a),
		node(item, graph.NodeSecret, "provider", "aws", "type", "dynamodb-item", "table", "config", "account", a),
		node(param, graph.NodeSecret, "provider", "aws", "type", "ssm-parameter", "account", a),
	}
	var edges []graph.Edge
	for _, u := range users {
		n := awsUser(a, u.name)
		p, e := inline(n.ID, "p", u.doc)
		nodes, edges = append(nodes, n, p), append(edges, e)
	}
	got := derivedOf(t, store(t, nodes, edges), graph.EdgeCanReadSecret)
	want := []string{
		// The bucket policy denies every other reader of its objects.
		iamUser(a, "backup") + " -> " + object + " (certain)",
		// ssm:GetParameters reads the parameter as ssm:GetParameter does.
		iamUser(a, "batch") + " -> " + param + " (certain)",
		// dynamodb:Scan on the table reads every item.
		iamUser(a, "scanner") + " -> " + item + " (certain)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("CAN_READ_SECRET (-want +got):\n%s", diff)
	}
}
