package cloudtrail

import (
	"testing"

	"github.com/blastradius-dev/blastradius/graph"
)

func TestCreatedAccessKey(t *testing.T) {
	// The attacker's user creates a key for victim, and victim creates one
	// for itself; a failed call creates nothing. CloudTrail records only
	// the new key's id, never its secret.
	data := `{"Records": [
{"eventTime": "2026-11-03T10:00:00Z", "eventSource": "iam.amazonaws.com", "eventName": "CreateAccessKey", "awsRegion": "us-east-1",
 "sourceIPAddress": "203.0.113.9", "userAgent": "aws-cli", "recipientAccountId": "111122223333",
 "userIdentity": {"type": "IAMUser", "arn": "arn:aws:iam::111122223333:user/mallory", "accountId": "111122223333", "userName": "mallory", "accessKeyId": "AKIAEXAMPLEMALLORY01"},
 "requestParameters": {"userName": "victim"},
 "responseElements": {"accessKey": {"accessKeyId": "AKIAEXAMPLEVICTIM001", "status": "Active", "userName": "victim", "createDate": "Nov 3, 2026 10:00:00 AM"}}},
{"eventTime": "2026-11-03T11:00:00Z", "eventSource": "iam.amazonaws.com", "eventName": "CreateAccessKey", "awsRegion": "us-east-1",
 "sourceIPAddress": "203.0.113.9", "userAgent": "aws-cli", "recipientAccountId": "111122223333",
 "userIdentity": {"type": "IAMUser", "arn": "arn:aws:iam::111122223333:user/victim", "accountId": "111122223333", "userName": "victim", "accessKeyId": "AKIAEXAMPLEVICTIM001"},
 "requestParameters": null,
 "responseElements": {"accessKey": {"accessKeyId": "AKIAEXAMPLEVICTIM002", "status": "Active", "userName": "victim"}}},
{"eventTime": "2026-11-03T12:00:00Z", "eventSource": "iam.amazonaws.com", "eventName": "CreateAccessKey", "awsRegion": "us-east-1",
 "sourceIPAddress": "203.0.113.9", "userAgent": "aws-cli", "recipientAccountId": "111122223333", "errorCode": "LimitExceeded",
 "userIdentity": {"type": "IAMUser", "arn": "arn:aws:iam::111122223333:user/mallory", "accountId": "111122223333", "userName": "mallory", "accessKeyId": "AKIAEXAMPLEMALLORY01"},
 "requestParameters": {"userName": "victim"}, "responseElements": null}
]}`
	res := parse(t, bytesFile("ct.json", []byte(data)))
	victim := "arn:aws:iam::111122223333:user/victim"
	tests := []struct{ key, at, by string }{
		{"AKIAEXAMPLEVICTIM001", "2026-11-03T10:00:00Z", "arn:aws:iam::111122223333:user/mallory"},
		{"AKIAEXAMPLEVICTIM002", "2026-11-03T11:00:00Z", victim},
	}
	for _, tt := range tests {
		id := graph.AWSAccessKeyID(victim, tt.key)
		n := findNode(res, id)
		if n == nil {
			t.Fatalf("no node %s", id)
		}
		if n.Attr("created") != tt.at || n.Attr("created_by") != tt.by || n.Attr("key_id") != tt.key {
			t.Errorf("%s: created %q by %q, key_id %q; want %s by %s", tt.key, n.Attr("created"), n.Attr("created_by"), n.Attr("key_id"), tt.at, tt.by)
		}
		if findEdge(res, id, graph.EdgeAuthenticatesAs, victim) == nil {
			t.Errorf("%s does not authenticate as victim", tt.key)
		}
	}
	// mallory's signing key and victim's two keys; the failed call adds none.
	var keys []string
	for _, n := range res.Nodes {
		if n.Attr("type") == "access-key" {
			keys = append(keys, n.Attr("key_id"))
		}
	}
	if len(keys) != 3 {
		t.Errorf("access keys %v, want AKIAEXAMPLEMALLORY01, AKIAEXAMPLEVICTIM001 and AKIAEXAMPLEVICTIM002", keys)
	}
}
