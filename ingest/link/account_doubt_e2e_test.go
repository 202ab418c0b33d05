package link_test

import (
	"context"
	"strings"
	"testing"

	"github.com/blastradius-dev/blastradius/query"
)

// accountRepos declares an administrator in account 111122223333 and, in
// another module whose account no input names, a Lambda function. The
// function may be in the administrator's account or in another one.
var accountRepos = map[string]map[string]string{
	"admins": {"main.tf": `provider "aws" {
  region              = "eu-west-1"
  allowed_account_ids = ["111122223333"]
}
resource "aws_iam_user" "admin" {
  name = "admin"
}
resource "aws_iam_user_policy_attachment" "admin" {
  user       = aws_iam_user.admin.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}
`},
	"service": {"main.tf": `provider "aws" {
  region = "eu-west-1"
}
resource "aws_iam_role" "fn" {
  name               = "fn"
  assume_role_policy = jsonencode({Version = "2012-10-17", Statement = [{Effect = "Allow", Action = "sts:AssumeRole", Principal = {Service = "lambda.amazonaws.com"}}]})
}
resource "aws_lambda_function" "fn" {
  function_name = "fn"
  role          = aws_iam_role.fn.arn
  handler       = "index.handler"
  runtime       = "nodejs20.x"
  filename      = "fn.zip"
}
`},
}

// An administrator of a known account possibly changes a function whose
// account no input names: the grant holds only if both are in one account.
func TestUnknownAccountFunctionPossible(t *testing.T) {
	dir := t.TempDir()
	writeRepos(t, dir, accountRepos)
	s, _ := ingestDir(t, dir)
	res, err := query.Run(context.Background(), s, query.Start{Identities: []string{"arn:aws:iam::111122223333:user/admin"}}, query.Options{})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range res.Reached {
		if !strings.HasPrefix(r.Node.ID, "runtime:aws:lambda:") {
			continue
		}
		found = true
		if r.Confidence != "possible" {
			t.Errorf("%s reached %s, want possible", r.Node.ID, r.Confidence)
		}
		last := r.Path[len(r.Path)-1]
		if !strings.Contains(last.Reason, "is not in the input; the grant holds only within one account") {
			t.Errorf("reason %q, want the account doubt", last.Reason)
		}
	}
	if !found {
		t.Errorf("the function is not reached")
	}
}

// twoProviderRepos declares, in one module, an administrator under the
// default aws provider and a Lambda function under a second provider
// configuration. No input names either account, and the two
// configurations may sign in to two accounts.
var twoProviderRepos = map[string]map[string]string{
	"infra": {"main.tf": `provider "aws" {
  region = "eu-west-1"
}
provider "aws" {
  alias  = "other"
  region = "eu-west-1"
}
resource "aws_iam_user" "admin" {
  name = "admin"
}
resource "aws_iam_user_policy_attachment" "admin" {
  user       = aws_iam_user.admin.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}
resource "aws_iam_role" "fn" {
  provider           = aws.other
  name               = "fn"
  assume_role_policy = jsonencode({Version = "2012-10-17", Statement = [{Effect = "Allow", Action = "sts:AssumeRole", Principal = {Service = "lambda.amazonaws.com"}}]})
}
resource "aws_lambda_function" "fn" {
  provider      = aws.other
  function_name = "fn"
  role          = aws_iam_role.fn.arn
  handler       = "index.handler"
  runtime       = "nodejs20.x"
  filename      = "fn.zip"
}
`},
}

// An administrator possibly changes a function of the same module under
// another provider configuration, as the AWS linker rules for its grants.
func TestOtherProviderFunctionPossible(t *testing.T) {
	dir := t.TempDir()
	writeRepos(t, dir, twoProviderRepos)
	s, _ := ingestDir(t, dir)
	res, err := query.Run(context.Background(), s, query.Start{Identities: []string{"arn:aws:iam:::user/admin"}}, query.Options{})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range res.Reached {
		if !strings.HasPrefix(r.Node.ID, "runtime:aws:lambda:") {
			continue
		}
		found = true
		if r.Confidence != "possible" {
			t.Errorf("%s reached %s, want possible", r.Node.ID, r.Confidence)
			for _, h := range r.Path {
				t.Logf("  %s -%s-> %s %s: %s", h.From, h.Kind, h.To, h.Confidence, h.Reason)
			}
		}
	}
	if !found {
		t.Errorf("the function is not reached")
	}
}
