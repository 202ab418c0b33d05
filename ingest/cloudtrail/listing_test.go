package cloudtrail

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
)

// TestListCallsMarkListing checks that a call listing what the account
// has marks the service's listing, not the scope of all its resources,
// and that a call naming a resource marks that resource.
func TestListCallsMarkListing(t *testing.T) {
	call := func(source, name, params string) string {
		return `{"eventVersion":"1.09","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/example-user","accountId":"111122223333","userName":"example-user"},` +
			`"eventTime":"2026-05-01T08:00:00Z","eventSource":"` + source + `.amazonaws.com","eventName":"` + name + `","awsRegion":"eu-west-1",` +
			`"sourceIPAddress":"192.0.2.10","requestParameters":` + params + `,"recipientAccountId":"111122223333"}`
	}
	tests := []struct {
		name   string
		record string
		want   []string
	}{
		{"ListBuckets", call("s3", "ListBuckets", "null"), []string{"aws:s3:111122223333:list"}},
		{"DescribeInstances", call("ec2", "DescribeInstances", `{"instancesSet":{}}`), []string{"aws:ec2:111122223333:list"}},
		{"ListSecrets", call("secretsmanager", "ListSecrets", "null"), []string{"aws:secretsmanager:111122223333:list"}},
		{"RunInstances", call("ec2", "RunInstances", "null"), []string{"aws:ec2:111122223333:*"}},
		{"ListObjects names a bucket", call("s3", "ListObjects", `{"bucketName":"example-org-data"}`),
			[]string{"arn:aws:s3:::example-org-data"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var res ingest.Result
			f := deliveryFile("list.json", tt.record)
			if err := New().Parse(context.Background(), f, testEnv(), &res); err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, e := range res.Edges {
				if e.Kind == graph.EdgeObserved && strings.HasSuffix(e.From, "user/example-user") {
					got = append(got, e.To)
				}
			}
			if diff := cmp.Diff(got, tt.want); diff != "" {
				t.Errorf("OBSERVED targets (-got +want):\n%s", diff)
			}
			if strings.HasSuffix(tt.want[0], ":list") {
				n := findNode(&res, tt.want[0])
				if n == nil || n.Attr("type") != "service-listing" {
					t.Errorf("listing node = %+v, want type service-listing", n)
				}
			}
		})
	}
}
