package formats

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph/memstore"
	"github.com/blastradius-dev/blastradius/ingest"
)

// TestJSONFilesGoToTheirFormats ingests a folder of JSON files of several
// formats: Terraform claims its JSON syntax by name and leaves an IAM
// policy document, a CloudTrail log, a CloudFormation template and a
// package manifest to the parsers of their formats.
func TestJSONFilesGoToTheirFormats(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"policy.json": `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}`,
		"trail.json": `{"Records": [{"eventVersion": "1.08", "eventSource": "sts.amazonaws.com", "eventName": "GetCallerIdentity",
			"eventTime": "2024-01-01T00:00:00Z", "awsRegion": "us-east-1",
			"userIdentity": {"type": "IAMUser", "arn": "arn:aws:iam::111122223333:user/ci", "accountId": "111122223333"}}]}`,
		"package.json":          `{"name": "app", "version": "1.0.0", "dependencies": {"left-pad": "^1.3.0"}}`,
		"main.tf.json":          `{"resource": {"aws_iam_user": {"ci": {"name": "${var.user}"}}}, "variable": {"user": {}}}`,
		"terraform.tfvars.json": `{"user": "ci"}`,
		"stack.json":            `{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {"U": {"Type": "AWS::IAM::User", "Properties": {"UserName": "ci"}}}}`,
	}
	for name, src := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	p := &ingest.Pipeline{
		Parsers: All(),
		Store:   memstore.New(),
		Repo:    "example-org/app",
		Env:     &ingest.Env{Fingerprint: func(string) string { return "fp" }},
	}
	sum, err := p.Run(context.Background(), []string{dir})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for format, fs := range sum.Formats {
		got[format] = fs.Ingested
	}
	want := map[string]int{"aws-iam": 1, "cloudformation": 1, "cloudtrail": 1, "npm-lockfile": 1, "terraform": 2}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ingested files by format (-want +got):\n%s", diff)
	}
	if len(sum.Rejected) != 0 || len(sum.Skipped) != 0 {
		t.Errorf("rejected %v, skipped %v", sum.Rejected, sum.Skipped)
	}
}
