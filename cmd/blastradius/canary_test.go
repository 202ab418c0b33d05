package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// canaries are the secret values planted in testdata/canary, one per input
// kind. None may appear in the store file, a log line, an error or any
// output.
var canaries = []string{
	"canary-wf-env-Q7x9",        // workflow env literal
	"canary-wf-run-Z3k1",        // workflow run script literal
	"canary-wf-subst-C5e2",      // literal inside a command substitution, in a script that parses and one that does not
	"canary-npm-url-P4m2",       // credentials in a lockfile's resolved URL
	"canary-pip-url-R8t5",       // credentials in a requirements index URL
	"canary-tfvar-default-M1n3", // Terraform variable default
	"canary-tfvars-file-V3q6",   // terraform.tfvars value
	"canary-ssm-value-K2v8",     // SSM parameter value
	"canary-lambda-env-H6w4",    // Lambda environment variable
	"canary-gh-plaintext-J9c3",  // GitHub Actions secret plaintext_value
	"canary-userdata-N5b7",      // EC2 user_data
	"canary-ct-request-F2h8",    // CloudTrail request parameter
	"canary-ct-session-L5p1",    // CloudTrail session token
	"canary-ct-secretkey-D7g3",  // CloudTrail secret access key
	"canary-aws-secret-W2j8",    // configure-aws-credentials literal key
	"canary-gcp-key-B6s2",       // google-github-actions/auth literal key
	// npm token that a PowerShell step exports through $GITHUB_ENV
	"npm_canaryGhenvPwsh7k2000000000000000000",
	"canary-ghenv-aws-T4r8",       // AWS key that a brace group exports through $GITHUB_ENV
	"canary-run-env-G8d4",         // Cloud Run container environment
	"canary-gce-env-Y3u7",         // Compute Engine container declaration environment
	"canary-module-arg-C3x6",      // Terraform module argument for a sensitive variable
	"canary-module-output-E5k9",   // Terraform module output marked sensitive
	"canary-for-each-A8f2",        // Terraform for_each value
	"canary-df-arg-S4d8-X9x9",     // Dockerfile ARG default
	"canary-df-env-E6r2-X9x9",     // Dockerfile ENV value
	"canary-df-run-R1t5-X9x9",     // token a Dockerfile RUN writes to .npmrc
	"canary-ud-docker-U8v2",       // credential a user data docker run passes to its container
	"canary-ud-plain-K4s9",        // value of plain-looking name in the same docker run
	"canary-buildarg-P2q7",        // build argument of plain-looking name, written out
	"canary-compose-env-J3w5",     // Compose service environment
	"canary-dotenv-K8m3-X9x9",     // Compose .env value that a build argument reads
	"canary-dotenv-url-W4n7-X9x9", // password in a Compose .env URL that a build argument reads
	"canary-cfn-param-Z6n4",       // NoEcho parameter default of a SAM template
	"canary-cfn-env-T5m1",         // SAM function environment variable
	"canary-sls-env-Q2w8",         // Serverless Framework provider environment
	"canary-sls-fn-V7c3",          // Serverless Framework function environment
	"canary-sls-dd-H5j6",          // API key the Datadog plugin gives each function
	// tokens pasted into a mapping file's reason and id
	"ghp_canaryMappingReason0000000000000000X9x9",
	"ghp_canaryMappingId000000000000000000000X9x9",
}

func TestCanariesNeverLeak(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "graph.db")
	var all bytes.Buffer
	collect := func(args ...string) {
		t.Helper()
		out, errs, code := run(t, append([]string{"--db", db}, args...)...)
		if code != exitOK && code != exitNoMatch {
			t.Fatalf("%v: exit %d\n%s", args, code, errs)
		}
		all.WriteString(out)
		all.WriteString(errs)
	}
	// Ingest twice, with debug logs in both formats.
	collect("--log-level", "debug", "--log-format", "json", "ingest", "--org", "example-org", "testdata/canary")
	collect("--log-level", "debug", "--log-format", "text", "ingest", "--format", "json", "--org", "example-org", "testdata/canary")
	for _, format := range []string{"table", "json", "markdown"} {
		collect("--log-level", "debug", "query", "--secret", "API_KEY", "--format", format)
		collect("--log-level", "debug", "plan", "--secret", "API_KEY", "--format", format)
		collect("--log-level", "debug", "query", "--runtime", "build", "--format", format)
		collect("--log-level", "debug", "plan", "--runtime", "build", "--format", format)
		collect("--log-level", "debug", "query", "--identity", "canary-app", "--format", format)
		collect("--log-level", "debug", "query", "--package", "pkg:docker/node@20", "--format", format)
		collect("--log-level", "debug", "plan", "--package", "pkg:docker/node@20", "--format", format)
	}
	for _, format := range []string{"markdown", "json", "csv", "html"} {
		collect("review", "--format", format)
	}
	collect("nodes", "--format", "json")
	collect("nodes")
	collect("stats")

	store, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}
	if all.Len() == 0 || len(store) == 0 {
		t.Fatal("nothing collected: the test would pass vacuously")
	}
	for _, c := range canaries {
		if bytes.Contains(store, []byte(c)) {
			t.Errorf("canary %s found in the store file", c)
		}
		if strings.Contains(all.String(), c) {
			t.Errorf("canary %s found in an output or log", c)
		}
	}
	// The run must have seen the planted values, or the test proves
	// nothing: each literal leaves a fingerprint.
	if n := strings.Count(all.String(), `"fingerprint": "fp:`); n < 5 {
		t.Errorf("found %d fingerprints in the nodes output, want at least 5 (one per literal credential)", n)
	}
	// The literals exported through $GITHUB_ENV must have been read as
	// the npm token of the release and the key of the ECR login.
	for _, want := range []string{
		"registry:registry.npmjs.org/secret:gha:inline:example-org/repo/.github/workflows/ci.yml#publish/run@",
		"aws:identity-of:secret:gha:inline:example-org/repo/.github/workflows/ci.yml#publish/run@",
	} {
		if !strings.Contains(all.String(), want) {
			t.Errorf("no node %s... in the nodes output: the exported literal was not read", want)
		}
	}
	// The Dockerfile's literals must have been read as secrets, and its
	// build argument as a login to npm.
	for _, want := range []string{
		"secret:dockerfile:inline:github.com/example-org/image/Dockerfile/API_TOKEN",
		"secret:dockerfile:inline:github.com/example-org/image/Dockerfile/SENTRY_AUTH_TOKEN",
		"secret:dockerfile:inline:github.com/example-org/image/Dockerfile/run@9",
		"registry:registry.npmjs.org/secret:gha:example-org/image/NPM_TOKEN",
	} {
		if !strings.Contains(all.String(), want) {
			t.Errorf("no node %s in the outputs: the Dockerfile's credential was not read", want)
		}
	}
	// The literals of the SAM template and the Serverless Framework
	// service must have been read as the functions' secrets.
	for _, want := range []string{
		"secret:aws:env:aws:lambda:arn:aws:lambda:::function:canary-sam-api/PAYMENTS_API_KEY",
		"secret:aws:env:aws:lambda:arn:aws:lambda:eu-west-1::function:canary-sls-dev-api/PAYMENTS_TOKEN",
		"secret:aws:env:aws:lambda:arn:aws:lambda:eu-west-1::function:canary-sls-dev-api/SIGNING_SECRET",
		"secret:aws:env:aws:lambda:arn:aws:lambda:eu-west-1::function:canary-sls-dev-api/DD_API_KEY",
	} {
		if !strings.Contains(all.String(), want) {
			t.Errorf("no node %s in the outputs: the function's literal was not read", want)
		}
	}
	// The literals of container environments must have been read.
	for _, want := range []string{
		"secret:gcp:inline:run:canary-project/europe-west1/api/PAYMENTS_API_KEY",
		"secret:gcp:inline:gce:projects/canary-project/zones/europe-west1-b/instances/vm/DB_PASSWORD",
	} {
		if !strings.Contains(all.String(), want) {
			t.Errorf("no node %s in the nodes output: the container's literal was not read", want)
		}
	}
	// The literal cloud keys must have been read as the credentials that
	// log in to the registries the job pushes to.
	for _, want := range []string{"aws:identity-of:secret:gha:inline:", "gcp:identity-of:secret:gha:inline:"} {
		if !strings.Contains(all.String(), want) {
			t.Errorf("no identity %s... in the nodes output: the literal key was not read as a cloud login", want)
		}
	}
	// The run must have read the files that hold the canaries.
	for _, want := range []string{"terraform", "github-actions", "npm-lockfile", "pip-requirements", "cloudtrail"} {
		if !strings.Contains(all.String(), want) {
			t.Errorf("summary does not mention %s: its canary file was not read", want)
		}
	}
}
