package terraform

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest/internal/resulttest"
)

// executes lists a runtime's EXECUTES edges as "to (confidence) via
// pull_policy".
func executes(res []graph.Edge, from string) []string {
	var out []string
	for _, e := range res {
		if e.From == from && e.Kind == graph.EdgeExecutes {
			out = append(out, e.To+" ("+string(e.Confidence)+") "+e.Attr(graph.AttrVia)+" "+e.Attr(graph.AttrPullPolicy))
		}
	}
	sort.Strings(out)
	return out
}

// An instance whose user data starts a container and installs packages
// runs them: the image with the tag the script names, pulled again by a
// new instance, a pinned npm package and one without a version.
func TestUserDataShellScript(t *testing.T) {
	res := parseSource(t, `
provider "aws" {
  region              = "eu-west-1"
  allowed_account_ids = ["111122223333"]
}
resource "aws_instance" "api" {
  ami           = "ami-12345678"
  instance_type = "t3.small"
  user_data     = <<-EOF
    #!/bin/bash
    set -e
    npm install -g pm2@5.3.1 left-pad
    docker run -d --restart always -p 80:8080 ghcr.io/example-org/api:1.4
  EOF
}
`)
	got := executes(res.Edges, ec2RuntimeID("111122223333", "", "aws_instance.api"))
	want := []string{
		"pkg:docker/example-org/api@1.4?repository_url=ghcr.io (certain) container-run OnDeploy",
		"pkg:npm/left-pad (certain) install ",
		"pkg:npm/pm2@5.3.1 (certain) install ",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("EXECUTES (-want +got):\n%s", diff)
	}
}

// A cloud-config document's bootcmd and runcmd entries are commands, as
// strings or as lists of words; user_data_base64 is decoded first.
func TestUserDataCloudConfig(t *testing.T) {
	res := parseSource(t, `
provider "aws" {
  region              = "eu-west-1"
  allowed_account_ids = ["111122223333"]
}
resource "aws_instance" "worker" {
  ami              = "ami-12345678"
  instance_type    = "t3.small"
  user_data_base64 = base64encode(<<-EOF
    #cloud-config
    packages:
      - docker.io
    runcmd:
      - [docker, run, -d, "quay.io/example-org/worker@sha256:0b2c8b2ec9d5e1a5e0c5c31c9ea3cd9c2a6f1a1f8d1f5c2a3b4c5d6e7f8091a2"]
      - pip install requests==2.32.3
  EOF
  )
}
`)
	got := executes(res.Edges, ec2RuntimeID("111122223333", "", "aws_instance.worker"))
	want := []string{
		"pkg:docker/example-org/worker@sha256:0b2c8b2ec9d5e1a5e0c5c31c9ea3cd9c2a6f1a1f8d1f5c2a3b4c5d6e7f8091a2?repository_url=quay.io (certain) container-run OnDeploy",
		"pkg:pypi/requests@2.32.3 (certain) install ",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("EXECUTES (-want +got):\n%s", diff)
	}
}

// A credential that user data writes as a literal, here passed to a
// container, is a secret the instance exposes, kept as a fingerprint. One
// that a variable gives is not found again in the rendered text.
func TestUserDataLiteralCredential(t *testing.T) {
	res := parseSource(t, `
provider "aws" {
  region              = "eu-west-1"
  allowed_account_ids = ["111122223333"]
}
variable "db_password" {
  default = "canary-variable-pw-X9x9"
}
resource "aws_instance" "api" {
  ami           = "ami-12345678"
  instance_type = "t3.small"
  user_data     = <<-EOF
    #!/bin/bash
    docker run -d -e API_TOKEN=canary-userdata-token-X9x9 -e DB_URL=postgres://app:${var.db_password}@db/app ghcr.io/example-org/api:1.4
  EOF
}
`)
	runtime := ec2RuntimeID("111122223333", "", "aws_instance.api")
	var exposed []string
	for _, e := range res.Edges {
		if e.From == runtime && e.Kind == graph.EdgeExposes && strings.HasPrefix(e.To, "secret:inline:") {
			exposed = append(exposed, e.To)
		}
	}
	if len(exposed) != 1 {
		t.Fatalf("instance exposes %v, want one inline secret", exposed)
	}
	for _, n := range res.Nodes {
		if n.ID == exposed[0] && n.Attr("type") != "inline-value" {
			t.Errorf("secret type %q, want inline-value", n.Attr("type"))
		}
	}
	resulttest.NoValues(t, &res, "canary-userdata-token-X9x9", "canary-variable-pw-X9x9")
}

// A literal credential stays a literal when the user data wraps its script
// in base64encode or chooses it with a condition on a variable: the
// instance exposes it as when the script is written plainly.
func TestUserDataLiteralWrapped(t *testing.T) {
	for name, userData := range map[string]string{
		"base64encode": `user_data_base64 = base64encode("#!/bin/bash\ndocker run -d -e API_TOKEN=canary-wrapped-token-X9x9 ghcr.io/example-org/api:${var.tag}\n")`,
		"condition":    `user_data = var.tag == "1.4" ? "#!/bin/bash\ndocker run -d -e API_TOKEN=canary-wrapped-token-X9x9 ghcr.io/example-org/api:1.4\n" : ""`,
	} {
		res := parseSource(t, `
provider "aws" {
  region              = "eu-west-1"
  allowed_account_ids = ["111122223333"]
}
variable "tag" {
  default = "1.4"
}
resource "aws_instance" "api" {
  ami           = "ami-12345678"
  instance_type = "t3.small"
  `+userData+`
}
`)
		runtime := ec2RuntimeID("111122223333", "", "aws_instance.api")
		var exposed []string
		for _, e := range res.Edges {
			if e.From == runtime && e.Kind == graph.EdgeExposes && strings.HasPrefix(e.To, "secret:inline:") {
				exposed = append(exposed, e.To)
			}
		}
		if len(exposed) != 1 {
			t.Errorf("%s: instance exposes %v, want one inline secret", name, exposed)
		}
		resulttest.NoValues(t, &res, "canary-wrapped-token-X9x9")
	}
}

// A literal credential in a template that templatefile renders as user
// data is exposed once, as one in the configuration is. The variable the
// template interpolates stays a reference, so its default is not found.
func TestUserDataTemplateFileLiteral(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"main.tf": `
provider "aws" {
  region              = "eu-west-1"
  allowed_account_ids = ["111122223333"]
}
variable "db_password" {
  default = "canary-template-var-pw-X9x9"
}
resource "aws_instance" "api" {
  ami           = "ami-12345678"
  instance_type = "t3.small"
  user_data     = templatefile("${path.module}/init.sh.tpl", { db_password = var.db_password })
}
`,
		"init.sh.tpl": "#!/bin/bash\ndocker run -d -e API_TOKEN=canary-template-token-X9x9 -e DB_PASSWORD=${db_password} ghcr.io/example-org/api:1.4\n",
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	res, rejected := parseDir(t, dir)
	if len(rejected) > 0 {
		t.Fatalf("rejected: %v", rejected)
	}
	runtime := ec2RuntimeID("111122223333", "", "aws_instance.api")
	var exposed []string
	for _, e := range res.Edges {
		if e.From == runtime && e.Kind == graph.EdgeExposes && strings.HasPrefix(e.To, "secret:inline:") {
			exposed = append(exposed, e.To)
		}
	}
	if len(exposed) != 1 {
		t.Errorf("instance exposes %v, want one inline secret", exposed)
	}
	resulttest.NoValues(t, &res, "canary-template-token-X9x9", "canary-template-var-pw-X9x9")
}
