package terraform

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
)

// TestLambdaReservedVariables: Lambda rejects a function whose
// configuration sets a variable it reserves, such as AWS_ACCESS_KEY_ID,
// so no deployed function exposes what one holds. API_KEY is an ordinary
// variable. Both ways of writing the variables are read alike.
func TestLambdaReservedVariables(t *testing.T) {
	for name, vars := range map[string]string{
		"object": `{
      AWS_ACCESS_KEY_ID = "AKIAEXAMPLERESERVED1"
      API_KEY           = var.api_key
    }`,
		"local": `local.env`,
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "main.tf")
			src := `variable "api_key" { default = "x" }
locals {
  env = {
    AWS_ACCESS_KEY_ID = "AKIAEXAMPLERESERVED1"
    API_KEY           = var.api_key
  }
}
resource "aws_lambda_function" "fn" {
  function_name = "fn"
  role          = "arn:aws:iam::111122223333:role/fn"
  environment {
    variables = ` + vars + `
  }
}
`
			if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
				t.Fatal(err)
			}
			var res ingest.Result
			if err := New().Parse(context.Background(), &ingest.File{Path: path}, testEnv(), &res); err != nil {
				t.Fatal(err)
			}
			var envs []string
			for _, n := range res.Nodes {
				if n.Kind == graph.NodeSecret && strings.HasPrefix(n.ID, "secret:aws:env:") {
					envs = append(envs, n.ID[strings.LastIndex(n.ID, "/")+1:])
				}
			}
			slices.Sort(envs)
			if !slices.Equal(envs, []string{"API_KEY"}) {
				t.Errorf("environment variables read: %v, want [API_KEY]", envs)
			}
			// The key written in the file is still a leaked credential.
			want := "aws_lambda_function.fn: Lambda reserves the environment variable AWS_ACCESS_KEY_ID and rejects a function that sets it, so it is not read; its value is a credential written in the configuration: rotate it"
			found := false
			for _, d := range res.Diags {
				found = found || d.Msg == want
			}
			if !found {
				t.Errorf("warnings %v, want %q", res.Diags, want)
			}
		})
	}
}
