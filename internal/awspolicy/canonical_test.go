package awspolicy

import "testing"

func TestCanonicalEqualAndDiffering(t *testing.T) {
	const base = `{"Version":"2012-10-17","Statement":[
 {"Sid":"Read","Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":"arn:aws:s3:::reports/*"},
 {"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	canonical := func(doc string) string {
		t.Helper()
		p, err := Parse(doc)
		if err != nil {
			t.Fatal(err)
		}
		return p.Canonical()
	}

	// The same grants written another way: statements swapped, no Sid,
	// lists reordered, a single value as a list, other spacing.
	same := `{"Statement": [{"Action": "sts:AssumeRole", "Principal": {"Service": ["ec2.amazonaws.com"]}, "Effect": "Allow"},
  {"Effect": "Allow", "Resource": ["arn:aws:s3:::reports/*"], "Action": ["s3:ListBucket", "s3:GetObject"]}], "Version": "2012-10-17"}`
	if canonical(base) != canonical(same) {
		t.Errorf("equal policies differ:\n%s\n%s", canonical(base), canonical(same))
	}

	for name, doc := range map[string]string{
		"another action": `{"Version":"2012-10-17","Statement":[
 {"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket","s3:PutObject"],"Resource":"arn:aws:s3:::reports/*"},
 {"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`,
		"another principal": `{"Version":"2012-10-17","Statement":[
 {"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":"arn:aws:s3:::reports/*"},
 {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"sts:AssumeRole"}]}`,
		"a condition": `{"Version":"2012-10-17","Statement":[
 {"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":"arn:aws:s3:::reports/*","Condition":{"Bool":{"aws:SecureTransport":"true"}}},
 {"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`,
		"deny in place of allow": `{"Version":"2012-10-17","Statement":[
 {"Effect":"Deny","Action":["s3:GetObject","s3:ListBucket"],"Resource":"arn:aws:s3:::reports/*"},
 {"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`,
	} {
		if canonical(base) == canonical(doc) {
			t.Errorf("%s: a policy that grants otherwise has the same canonical text", name)
		}
	}
}

// IAM stores an account id given as an AWS principal as the account's
// root ARN, so an export shows arn:aws:iam::444455556666:root where the
// Terraform wrote 444455556666. Action names are case-insensitive in IAM.
// Both pairs grant the same and must share the canonical text.
func TestCanonicalEquivalentForms(t *testing.T) {
	canonical := func(doc string) string {
		t.Helper()
		p, err := Parse(doc)
		if err != nil {
			t.Fatal(err)
		}
		return p.Canonical()
	}
	for name, pair := range map[string][2]string{
		"account id and root ARN": {
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"sts:AssumeRole"}]}`,
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"sts:AssumeRole"}]}`,
		},
		"action case": {
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`,
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"S3:getobject","Resource":"*"}]}`,
		},
	} {
		if a, b := canonical(pair[0]), canonical(pair[1]); a != b {
			t.Errorf("%s: equal policies differ:\n%s\n%s", name, a, b)
		}
	}
	other := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:role/ci"},"Action":"sts:AssumeRole"}]}`
	root := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"sts:AssumeRole"}]}`
	if canonical(other) == canonical(root) {
		t.Error("a role principal has the canonical text of its account's root")
	}
}
