package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// crashKills is how many ingest runs TestKilledIngest kills.
const crashKills = 20

// buildBinary compiles the command into a temporary folder.
func buildBinary(t *testing.T) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("no go tool to build the binary: %v", err)
	}
	bin := filepath.Join(t.TempDir(), "blastradius")
	out, err := exec.Command(goTool, "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// binRun runs the built binary and returns its stdout and exit status.
func binRun(t *testing.T, bin string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		return out.String() + errb.String(), ee.ExitCode()
	case err != nil:
		t.Fatalf("run %v: %v", args, err)
	}
	return out.String(), 0
}

// storeHash returns the content hash and node count of a store, failing
// the test when the store does not open.
func storeHash(t *testing.T, bin, db string) (string, int) {
	t.Helper()
	out, code := binRun(t, bin, "--db", db, "--log-level", "error", "stats", "--hash")
	if code != exitOK {
		t.Fatalf("stats --hash on %s: exit %d: %s", db, code, out)
	}
	var st struct {
		Nodes       int    `json:"nodes"`
		ContentHash string `json:"contentHash"`
	}
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		t.Fatalf("stats --hash output: %v\n%s", err, out)
	}
	if !strings.HasPrefix(st.ContentHash, "sha256:") {
		t.Fatalf("contentHash = %q, want sha256:...", st.ContentHash)
	}
	return st.ContentHash, st.Nodes
}

func ingestArgs(db, dir string) []string {
	return []string{"--db", db, "--log-level", "error", "ingest", "--org", "example-org", "--workers", "2", dir}
}

// verifyArgs requests the use of the example organisation's two stored
// keys after the compromise time. Its output depends only on the graph.
func verifyArgs(db string) []string {
	return []string{"--db", db, "--log-level", "error", "verify", "--format", "json",
		"--revoked", "AKIAEXAMPLECIDEPLOY9", "--revoked", "AKIAEXAMPLEREPORTBT7", "--after", exampleTime}
}

// TestKilledIngest kills ingest runs at random points chosen by a seeded
// generator. After each kill the store must open and contain either the
// graph from before the run or the whole new one. A final clean run must
// then give the same graph as a run that was never killed.
func TestKilledIngest(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("needs SIGKILL")
	}
	bin := buildBinary(t)
	in := mediumInput(t)
	tmp := t.TempDir()

	// Reference: the example organisation alone, then the whole input,
	// each into a fresh store, never killed.
	refSmall := filepath.Join(tmp, "small", "graph.db")
	if out, code := binRun(t, bin, ingestArgs(refSmall, filepath.Join(in, "example-org"))...); code != exitOK {
		t.Fatalf("reference ingest of example-org: exit %d: %s", code, out)
	}
	smallHash, _ := storeHash(t, bin, refSmall)
	ref := filepath.Join(tmp, "ref", "graph.db")
	start := time.Now()
	if out, code := binRun(t, bin, ingestArgs(ref, in)...); code != exitOK {
		t.Fatalf("reference ingest: exit %d: %s", code, out)
	}
	runTime := time.Since(start)
	refHash, refNodes := storeHash(t, bin, ref)
	if refHash == smallHash {
		t.Fatalf("the generated files added nothing to the graph: %s", refHash)
	}
	refVerify, code := binRun(t, bin, verifyArgs(ref)...)
	if code != exitOK && code != exitContinued {
		t.Fatalf("verify on the reference store: exit %d: %s", code, refVerify)
	}

	// Ingesting the same input again changes nothing.
	if out, code := binRun(t, bin, ingestArgs(ref, in)...); code != exitOK {
		t.Fatalf("second ingest: exit %d: %s", code, out)
	}
	if again, _ := storeHash(t, bin, ref); again != refHash {
		t.Errorf("second ingest of the same input changed the graph: %s, was %s", again, refHash)
	}

	// Each killed run starts from a store with the smaller graph, so that
	// a kill that left half a run would show as a third content.
	db := filepath.Join(tmp, "killed", "graph.db")
	if out, code := binRun(t, bin, ingestArgs(db, filepath.Join(in, "example-org"))...); code != exitOK {
		t.Fatalf("first ingest: exit %d: %s", code, out)
	}
	small, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(7, 11))
	window := runTime * 3 / 2
	completed, written := 0, 0
	kills := crashKills
	if testing.Short() {
		kills = 5
	}
	for i := range kills {
		delay := time.Duration(rng.Int64N(int64(window)))
		if err := os.WriteFile(db, small, 0o600); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(bin, ingestArgs(db, in)...)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		var killed bool
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("kill %d: ingest ended before the kill with %v", i, err)
			}
		case <-time.After(delay):
			cmd.Process.Signal(syscall.SIGKILL)
			err := <-done
			var ee *exec.ExitError
			killed = errors.As(err, &ee) && !ee.Exited()
		}
		if !killed {
			completed++
		}
		got, nodes := storeHash(t, bin, db)
		if got == refHash {
			written++
		}
		if got != smallHash && got != refHash {
			t.Fatalf("kill %d after %v: store holds %d nodes with hash %s, neither the graph before the run (%s) nor after it (%s)",
				i, delay, nodes, got, smallHash, refHash)
		}
		if out, code := binRun(t, bin, verifyArgs(db)...); code != exitOK && code != exitContinued {
			t.Fatalf("kill %d: verify: exit %d: %s", i, code, out)
		}
	}
	t.Logf("%d runs killed, %d completed before the kill, %d left the new graph; one clean run takes %v",
		kills-completed, completed, written, runTime)

	if out, code := binRun(t, bin, ingestArgs(db, in)...); code != exitOK {
		t.Fatalf("final ingest: exit %d: %s", code, out)
	}
	if got, nodes := storeHash(t, bin, db); got != refHash {
		t.Errorf("after the kills and a clean run: %d nodes, hash %s; a run never killed gives %d nodes, hash %s", nodes, got, refNodes, refHash)
	}
	if got, _ := binRun(t, bin, verifyArgs(db)...); got != refVerify {
		t.Errorf("verify after the kills differs from verify on the reference store:\n%s\nwant:\n%s", got, refVerify)
	}
	if stale, _ := filepath.Glob(db + ".tmp-*"); len(stale) > 0 {
		t.Errorf("temporary store files left after a clean run: %v", stale)
	}
}

// mediumInput copies the example organisation into a temporary folder and
// adds generated repositories (a workflow and a lockfile each), a Terraform
// module with roles and users, and a CloudTrail file. One ingest run then
// lasts long enough to be killed inside each of its steps.
func mediumInput(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	err := filepath.WalkDir(exampleDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(exampleDir, path)
		dst := filepath.Join(root, "example-org", rel)
		if d.IsDir() {
			if d.Name() == ".blastradius" {
				return filepath.SkipDir
			}
			return os.MkdirAll(dst, 0o755)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	const repos, roles, records = 16, 10, 1500
	write := func(rel, content string) {
		t.Helper()
		p := filepath.Join(root, "generated", rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for i := range repos {
		write(fmt.Sprintf("repos/svc-%02d/.github/workflows/ci.yml", i), genWorkflow(i, roles))
		write(fmt.Sprintf("repos/svc-%02d/package-lock.json", i), genLockfile(i))
	}
	write("infra/main.tf", genTerraform(repos, roles))
	write("logs/111122223333_CloudTrail_us-east-1_20261104T0000Z_Generated.json", genCloudTrail(roles, records))
	return root
}

func genWorkflow(i, roles int) string {
	return fmt.Sprintf(`name: ci
on:
  push:
    branches: [main]
jobs:
  build:
    runs-on: ubuntu-latest
    permissions:
      contents: read
      id-token: write
    env:
      DEPLOY_KEY: ${{ secrets.SVC_%02d_DEPLOY_KEY }}
    steps:
      - uses: actions/checkout@v4
      - uses: example-vendor/build-helper@v%d
      - run: npm ci
      - uses: aws-actions/configure-aws-credentials@v4
        with:
          role-to-assume: arn:aws:iam::111122223333:role/svc-deploy-%02d
          aws-region: us-east-1
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: npm test
`, i, i%5+1, i%roles)
}

func genLockfile(i int) string {
	var b strings.Builder
	fmt.Fprintf(&b, `{
  "name": "svc-%02d",
  "version": "1.0.0",
  "lockfileVersion": 3,
  "requires": true,
  "packages": {
    "": {"name": "svc-%02d", "version": "1.0.0", "dependencies": {"lib-0": "^1.0.0"}}`, i, i)
	for j := range 40 {
		dep := ""
		if j+1 < 40 {
			dep = fmt.Sprintf(`, "dependencies": {"lib-%d": "^1.0.0"}`, j+1)
		}
		fmt.Fprintf(&b, `,
    "node_modules/lib-%d": {"version": "1.0.%d", "resolved": "https://registry.npmjs.org/lib-%d/-/lib-%d-1.0.%d.tgz"%s}`, j, (i+j)%7, j, j, (i+j)%7, dep)
	}
	b.WriteString("\n  }\n}\n")
	return b.String()
}

func genTerraform(repos, roles int) string {
	var b strings.Builder
	b.WriteString(`provider "aws" {
  region              = "us-east-1"
  allowed_account_ids = ["111122223333"]
}

resource "aws_iam_openid_connect_provider" "github" {
  url            = "https://token.actions.githubusercontent.com"
  client_id_list = ["sts.amazonaws.com"]
}
`)
	for i := range roles {
		fmt.Fprintf(&b, `
resource "aws_iam_role" "svc_deploy_%02d" {
  name = "svc-deploy-%02d"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRoleWithWebIdentity"
      Principal = { Federated = aws_iam_openid_connect_provider.github.arn }
      Condition = { StringLike = { "token.actions.githubusercontent.com:sub" = "repo:example-org/svc-%02d:*" } }
    }]
  })
}

resource "aws_iam_role_policy" "svc_deploy_%02d" {
  name = "deploy"
  role = aws_iam_role.svc_deploy_%02d.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["s3:PutObject", "secretsmanager:GetSecretValue"]
      Resource = ["arn:aws:s3:::example-org-svc-%02d/*", "arn:aws:secretsmanager:us-east-1:111122223333:secret:svc-%02d/*"]
    }]
  })
}

resource "aws_s3_bucket" "svc_%02d" {
  bucket = "example-org-svc-%02d"
}
`, i, i, i, i, i, i, i, i, i)
	}
	for i := range repos {
		fmt.Fprintf(&b, `
resource "aws_iam_user" "svc_%02d" {
  name = "svc-user-%02d"
}

resource "aws_iam_access_key" "svc_%02d" {
  user = aws_iam_user.svc_%02d.name
}

resource "github_actions_secret" "svc_%02d" {
  repository      = "svc-%02d"
  secret_name     = "SVC_%02d_DEPLOY_KEY"
  plaintext_value = aws_iam_access_key.svc_%02d.id
}
`, i, i, i, i, i, i, i, i)
	}
	return b.String()
}

func genCloudTrail(roles, records int) string {
	var b strings.Builder
	b.WriteString(`{"Records": [`)
	base := time.Date(2026, 11, 4, 0, 0, 0, 0, time.UTC)
	for i := range records {
		if i > 0 {
			b.WriteString(",")
		}
		r := i % roles
		errPart := ""
		if i%13 == 0 {
			errPart = `"errorCode": "AccessDenied", "errorMessage": "not authorized",`
		}
		fmt.Fprintf(&b, `
{"eventVersion": "1.09", "eventTime": %q, "eventSource": "s3.amazonaws.com", "eventName": "PutObject",
 "awsRegion": "us-east-1", "sourceIPAddress": "203.0.113.%d", "userAgent": "aws-cli/2.17.0",
 %s
 "userIdentity": {"type": "AssumedRole", "principalId": "AROAEXAMPLE%08d:run", "arn": "arn:aws:sts::111122223333:assumed-role/svc-deploy-%02d/run",
   "accountId": "111122223333", "accessKeyId": "ASIAEXAMPLE%09d",
   "sessionContext": {"sessionIssuer": {"type": "Role", "principalId": "AROAEXAMPLE%08d", "arn": "arn:aws:iam::111122223333:role/svc-deploy-%02d", "accountId": "111122223333", "userName": "svc-deploy-%02d"}}},
 "requestParameters": {"bucketName": "example-org-svc-%02d", "key": "build/%d.tgz"},
 "resources": [{"type": "AWS::S3::Bucket", "ARN": "arn:aws:s3:::example-org-svc-%02d"}],
 "eventType": "AwsApiCall", "recipientAccountId": "111122223333", "eventID": "00000000-0000-4000-8000-%012d"}`,
			base.Add(time.Duration(i)*time.Second).Format(time.RFC3339), i%250+1, errPart,
			r, r, r, r, r, r, r, i, r, i)
	}
	b.WriteString("\n]}\n")
	return b.String()
}
