package gcppolicy

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestDecide(t *testing.T) {
	now := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	mainJob := Env{"assertion": Map(map[string]Value{
		"repository": String("example-org/api"), "ref": String("refs/heads/main"),
		"event_name": String("push"), "sub": String("repo:example-org/api:ref:refs/heads/main"),
	})}
	prJob := Env{"assertion": Map(map[string]Value{
		"repository": String("example-org/api"), "ref": Strings("pull request ref", []string{"refs/pull/*/merge"}),
		"event_name": String("pull_request"),
	})}
	bucket := Env{"resource": OpenMap(map[string]Value{
		"name": String("projects/_/buckets/prod-logs"), "type": String("storage.googleapis.com/Bucket"),
	}, ""), "request": OpenMap(map[string]Value{"time": Now(now)}, "")}
	unknownResource := Env{"resource": UnknownValue("the resource is any resource of the project"),
		"request": OpenMap(map[string]Value{"time": Now(now)}, "")}

	tests := []struct {
		name string
		expr string
		env  Env
		want Decision
	}{
		{"main admitted", `assertion.repository == "example-org/api" && assertion.ref == "refs/heads/main"`, mainJob, True},
		{"pull request refused", `assertion.repository == "example-org/api" && assertion.ref == "refs/heads/main"`, prJob, False},
		{"pull request ref pattern", `assertion.ref.startsWith("refs/pull/")`, prJob, True},
		{"single quotes and in", `assertion.repository in ['example-org/api', 'example-org/web']`, mainJob, True},
		{"absent claim is an error", `assertion.environment == "prod"`, mainJob, False},
		{"negated absent claim stays an error", `!(assertion.environment == "prod")`, mainJob, False},
		{"error or true", `assertion.environment == "prod" || assertion.event_name == "push"`, mainJob, True},
		{"unknown claim", `assertion.actor == "octocat"`, Env{"assertion": OpenMap(nil, "actor")}, Unknown},
		{"unknown and false", `assertion.actor == "octocat" && false`, Env{"assertion": OpenMap(nil, "actor")}, False},
		{"bucket prefix", `resource.name.startsWith("projects/_/buckets/prod-")`, bucket, True},
		{"bucket other prefix", `resource.name.startsWith("projects/_/buckets/dev-")`, bucket, False},
		{"resource type", `resource.type == "storage.googleapis.com/Bucket"`, bucket, True},
		{"expired grant", `request.time < timestamp("2025-01-01T00:00:00Z")`, bucket, False},
		{"grant in force", `request.time < timestamp("2027-01-01T00:00:00Z")`, bucket, True},
		{"grant starts later", `request.time > timestamp("2027-01-01T00:00:00Z")`, bucket, Unknown},
		{"unknown resource", `resource.name.startsWith("projects/_/buckets/prod-")`, unknownResource, Unknown},
		{"unknown function", `api.getAttribute("iam.googleapis.com/modifiedGrantsByRole", []).hasOnly(["roles/viewer"])`, bucket, Unknown},
		{"ternary", `true ? resource.type == "x" : true`, bucket, False},
		{"matches", `resource.name.matches("^projects/_/buckets/prod-.*$")`, bucket, True},
		{"extract", `resource.name.extract("buckets/{name}") == "prod-logs"`, bucket, True},
		{"concatenation", `"repo:" + assertion.repository == "repo:example-org/api"`, mainJob, True},
		{"raw and triple strings", `r"a\d" == 'a\\d' && """x""" == "x"`, nil, True},
		{"has", `has(assertion.environment)`, mainJob, False},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := Parse(tt.expr)
			if err != nil {
				t.Fatal(err)
			}
			got, why := e.Decide(tt.env)
			if got != tt.want {
				t.Errorf("Decide(%s) = %v (%s), want %v", tt.expr, got, why, tt.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		expr   string
		offset int
	}{
		{`assertion.ref == "refs/heads/main`, 17},
		{`a && `, 5},
		{`a.`, 2},
		{`(a`, 2},
		{`a # b`, 2},
	}
	for _, tt := range tests {
		_, err := Parse(tt.expr)
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("Parse(%q) error = %v, want a SyntaxError", tt.expr, err)
			continue
		}
		if se.Offset != tt.offset {
			t.Errorf("Parse(%q) offset = %d, want %d", tt.expr, se.Offset, tt.offset)
		}
	}
}

func TestLiterals(t *testing.T) {
	e, err := Parse(`assertion.ref == "refs/heads/main" || assertion.ref.startsWith('refs/tags/v')`)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"refs/heads/main", "refs/tags/v"}, e.Literals()); diff != "" {
		t.Errorf("Literals (-want +got):\n%s", diff)
	}
}

func TestRoles(t *testing.T) {
	tests := []struct {
		role   string
		level  string
		perms  []string
		deploy bool
	}{
		{"roles/owner", LevelAdmin, []string{PermActAs, PermProjectSetIam}, true},
		{"roles/editor", LevelAdmin, []string{PermActAs, PermKeysCreate}, true},
		{"roles/viewer", LevelRead, nil, false},
		{"roles/iam.serviceAccountTokenCreator", LevelWrite, []string{PermGetAccessToken}, false},
		{"roles/iam.serviceAccountUser", LevelWrite, []string{PermActAs}, false},
		{"roles/iam.workloadIdentityUser", LevelWrite, []string{PermGetAccessToken}, false},
		{"roles/iam.serviceAccountKeyAdmin", LevelAdmin, []string{PermKeysCreate}, false},
		{"roles/secretmanager.secretAccessor", LevelRead, []string{PermSecretAccess}, false},
		{"roles/storage.objectViewer", LevelRead, []string{PermObjectsGet}, false},
		{"roles/storage.objectAdmin", LevelAdmin, []string{PermObjectsGet, PermObjectsCreate}, false},
		{"roles/container.admin", LevelAdmin, []string{PermClustersGetCred}, true},
		{"roles/resourcemanager.projectIamAdmin", LevelAdmin, []string{PermProjectSetIam}, false},
		{"roles/run.developer", LevelWrite, nil, true},
		// Not in the table: level from the name.
		{"roles/bigquery.dataViewer", LevelRead, nil, false},
		{"roles/cloudsql.admin", LevelAdmin, nil, false},
		{"roles/pubsub.publisher", LevelWrite, nil, false},
	}
	for _, tt := range tests {
		r := Lookup(tt.role)
		if r.Level != tt.level {
			t.Errorf("%s level = %s, want %s", tt.role, r.Level, tt.level)
		}
		for _, p := range tt.perms {
			if !r.Has(p) {
				t.Errorf("%s lacks %s", tt.role, p)
			}
		}
		if r.Deploys() != tt.deploy {
			t.Errorf("%s Deploys() = %v, want %v", tt.role, r.Deploys(), tt.deploy)
		}
	}
	if !Lookup("roles/editor").HasMaybe(PermSecretAccess) || Lookup("roles/editor").Has(PermSecretAccess) {
		t.Error("roles/editor should leave secret access open")
	}
	c := Custom("projects/p/roles/deployer", []string{"iam.serviceAccounts.actAs", "run.services.create", "storage.buckets.get"})
	if c.Level != LevelWrite || !c.Has(PermActAs) || !c.Deploys() || !c.AppliesTo("storage") || c.AppliesTo("secretmanager") {
		t.Errorf("custom role = %+v", c)
	}
	if Custom("x", []string{"storage.buckets.setIamPolicy"}).Level != LevelAdmin {
		t.Error("a custom role with setIamPolicy should be admin")
	}
	if Lookup("projects/p/roles/x").Known {
		t.Error("an unknown custom role should not be Known")
	}

	// Uploads to Artifact Registry, from Google's list of the roles that
	// hold artifactregistry.repositories.uploadArtifacts.
	for role, upload := range map[string]bool{
		"roles/owner": true, "roles/editor": true, "roles/viewer": false,
		"roles/artifactregistry.admin": true, "roles/artifactregistry.repoAdmin": true,
		"roles/artifactregistry.writer": true, "roles/artifactregistry.createOnPushWriter": true,
		"roles/artifactregistry.createOnPushRepoAdmin": true, "roles/cloudbuild.builds.builder": true,
		"roles/artifactregistry.reader": false, "roles/storage.admin": false,
	} {
		if Lookup(role).Has(PermUploadArtifacts) != upload {
			t.Errorf("%s holds %s: %v, want %v", role, PermUploadArtifacts, !upload, upload)
		}
	}
	if l := Lookup("roles/artifactregistry.reader").Level; l != LevelRead {
		t.Errorf("roles/artifactregistry.reader level = %s, want read", l)
	}
}

func TestGlob(t *testing.T) {
	tests := []struct {
		p, s string
		want bool
	}{
		{"refs/heads/*", "refs/heads/main", true},
		{"refs/pull/*/merge", "refs/pull/12/merge", true},
		{"refs/pull/*/merge", "refs/heads/main", false},
		{"*", "", true},
		{"a*b*c", "axxbyyc", true},
		{"a*b*c", "axxbyy", false},
	}
	for _, tt := range tests {
		if got := Glob(tt.p, tt.s); got != tt.want {
			t.Errorf("Glob(%q, %q) = %v", tt.p, tt.s, got)
		}
	}
}
