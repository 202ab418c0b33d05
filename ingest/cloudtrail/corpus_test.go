package cloudtrail

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
)

// TestCorpus parses every file of the shared corpus that Detect claims and
// checks the claim against the files known to be CloudTrail logs.
func TestCorpus(t *testing.T) {
	root := filepath.Join(sharedDir, "corpus")
	if _, err := os.Stat(root); err != nil {
		t.Skip("shared corpus not present")
	}
	isCloudTrail := func(rel string) bool {
		return strings.HasPrefix(rel, "invictus-ir__aws_dataset/CloudTrail/") ||
			strings.HasPrefix(rel, "DataDog__stratus-red-team/docs/detonation-logs/") ||
			strings.HasPrefix(rel, "OTRF__Security-Datasets/datasets/atomic/aws/") ||
			rel == "panther-labs__panther-analysis/rules/aws_cloudtrail_rules/_tests_extracted.jsonl"
	}

	results := map[string]*ingest.Result{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		f := fileAt(t, path)
		detected := New().Detect(f)
		if detected != isCloudTrail(rel) {
			t.Errorf("Detect(%s) = %v, want %v", rel, detected, !detected)
		}
		if !detected {
			return nil
		}
		var res ingest.Result
		if err := New().Parse(context.Background(), f, testEnv(), &res); err != nil {
			t.Errorf("Parse(%s): %v", rel, err)
			return nil
		}
		checkJoined(t, &res)
		results[rel] = &res
		t.Logf("%s: %d records, %d nodes, %d edges, %d warnings", rel, res.Records, len(res.Nodes), len(res.Edges), len(res.Diags))
		for _, d := range res.Diags {
			t.Logf("  %s", d)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	// Record counts stated by the corpus's own descriptions of these files.
	total := func(prefix string) int {
		n := 0
		for rel, res := range results {
			if strings.HasPrefix(rel, prefix) {
				n += res.Records
			}
		}
		return n
	}
	counts := []struct {
		prefix string
		want   int
	}{
		{"invictus-ir__aws_dataset/CloudTrail/", 2093},
		{"OTRF__Security-Datasets/", 103},
		{"DataDog__stratus-red-team/docs/detonation-logs/aws.credential-access.secretsmanager-retrieve-secrets.json", 21},
		{"DataDog__stratus-red-team/docs/detonation-logs/aws.credential-access.ssm-retrieve-securestring-parameters.json", 10},
		{"DataDog__stratus-red-team/docs/detonation-logs/aws.execution.ssm-send-command.json", 56},
		{"DataDog__stratus-red-team/docs/detonation-logs/aws.discovery.ec2-download-user-data.json", 19},
		{"panther-labs__panther-analysis/rules/aws_cloudtrail_rules/", 274},
	}
	for _, c := range counts {
		if got := total(c.prefix); got != c.want {
			t.Errorf("records under %s = %d, want %d", c.prefix, got, c.want)
		}
	}

	// The secrets detonation reads 20 secrets' values with the operator's
	// key and lists secrets once.
	res := results["DataDog__stratus-red-team/docs/detonation-logs/aws.credential-access.secretsmanager-retrieve-secrets.json"]
	if res == nil {
		t.Fatal("secretsmanager detonation log not parsed")
	}
	user := "arn:aws:iam::903144391865:user/redteam-user"
	var reads int64
	var secrets []string
	for _, e := range res.Edges {
		if e.From != user || e.Kind != graph.EdgeObserved {
			continue
		}
		if strings.Join(e.Evidence.Actions, ",") == "secretsmanager:GetSecretValue" {
			reads += e.Evidence.Count
			if n := findNode(res, e.To); n == nil || n.Kind != graph.NodeSecret {
				t.Errorf("GetSecretValue target %s is not a Secret node", e.To)
			}
			secrets = append(secrets, e.To)
		}
	}
	if reads != 20 {
		t.Errorf("GetSecretValue calls by %s = %d, want 20", user, reads)
	}
	sort.Strings(secrets)
	t.Logf("secrets read: %d distinct", len(secrets))
	if e := findEdge(res, user, graph.EdgeObserved, "aws:secretsmanager:903144391865:list"); e == nil || e.Evidence.Actions[0] != "secretsmanager:ListSecrets" {
		t.Errorf("ListSecrets by %s not observed on the service listing", user)
	}
	if e := findEdge(res, user, graph.EdgeObserved, "aws:secretsmanager:903144391865:*"); e != nil {
		t.Errorf("ListSecrets by %s marks the service scope used", user)
	}

	// The OTRF capture: EC2 assumes the proxy's instance-profile role, and
	// that session lists buckets twice, lists objects seven times and reads
	// two objects of one bucket.
	for rel, res := range results {
		if !strings.HasPrefix(rel, "OTRF__Security-Datasets/") {
			continue
		}
		const role = "arn:aws:iam::123456789123:role/MordorNginxStack-BankingWAFRole-9S3E0UAE1MM0"
		if e := findEdge(res, "aws:service:ec2.amazonaws.com", graph.EdgeObserved, role); e == nil || e.Attr("session_keys") == "" {
			t.Errorf("%s: EC2 AssumeRole of the proxy role missing or without session keys", rel)
		}
		bucket := findEdge(res, role, graph.EdgeObserved, "arn:aws:s3:::mordors3stack-s3bucket-llp2yingx64a")
		if bucket == nil {
			t.Fatalf("%s: bucket reads by the proxy role missing", rel)
		}
		if got := strings.Join(bucket.Evidence.Actions, ","); got != "s3:GetObject,s3:ListObjects" || bucket.Evidence.Count != 9 {
			t.Errorf("%s: bucket evidence %s x%d, want s3:GetObject,s3:ListObjects x9", rel, got, bucket.Evidence.Count)
		}
		if bucket.Attr("linked_session") == "" {
			t.Errorf("%s: bucket reads not linked to the session EC2 obtained", rel)
		}
		if e := findEdge(res, role, graph.EdgeObserved, "aws:s3:123456789123:list"); e == nil || e.Evidence.Count != 2 {
			t.Errorf("%s: ListBuckets by the proxy role missing or not counted twice", rel)
		}
	}
}
