package cloudformation

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
	"github.com/blastradius-dev/blastradius/ingest/internal/resulttest"
)

// samConfigSections parses a SAM CLI configuration file and returns its
// sections, failing the test on an error.
func samConfigSections(t *testing.T, name, text string) []SAMSection {
	t.Helper()
	res, err := tryParse(name, text)
	if err != nil {
		t.Fatalf("parse %s: %v", name, err)
	}
	// Override values may be secrets, so only their names are kept.
	resulttest.NoValues(t, res, "canary-samconfig-X9x9")
	if len(res.Nodes) != 1 {
		t.Fatalf("%s: %d nodes, want 1", name, len(res.Nodes))
	}
	n := res.Nodes[0]
	if n.Kind != graph.NodeResource || n.ID != "samconfig:github.com/example-org/api/"+name || n.Attr(AttrSAMConfig) != name {
		t.Errorf("%s: node %s %s %v", name, n.Kind, n.ID, n.Attrs)
	}
	var out []SAMSection
	for _, it := range graph.SplitList(n.Attr(AttrSAMSections)) {
		s, ok := DecodeSAMSection(it)
		if !ok {
			t.Errorf("%s: invalid section %q", name, it)
		}
		out = append(out, s)
	}
	return out
}

func TestSAMConfigTOML(t *testing.T) {
	got := samConfigSections(t, "infra/samconfig.toml", `version = 0.1
[default.global.parameters]
stack_name = "api"

[default.deploy.parameters]
template_file = "app.yaml"
parameter_overrides = "Stage=dev Note=\"a b=c\" 'Quoted'='x y' ParameterKey=Size,ParameterValue=2"

[prod.sync.parameters]
template = "prod.yaml"
parameter_overrides = ["Stage=prod", "Token=canary-samconfig-X9x9"]
`)
	want := []SAMSection{
		{Env: "default", Command: "deploy", Template: "app.yaml", Overrides: []string{"Stage", "Note", "Quoted", "Size"}},
		{Env: "prod", Command: "sync", Template: "prod.yaml", Overrides: []string{"Stage", "Token"}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("sections (-want +got):\n%s", diff)
	}
}

func TestSAMConfigYAML(t *testing.T) {
	got := samConfigSections(t, "svc/samconfig.yml", `version: 0.1
default:
  deploy:
    parameters:
      template_file: stack.yml
`)
	want := []SAMSection{{Env: "default", Command: "deploy", Template: "stack.yml"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("sections (-want +got):\n%s", diff)
	}
}

// A .toml file of another name is a SAM CLI configuration when it has a
// deploy, sync or global table, as a file that --config-file names.
func TestSAMConfigDetect(t *testing.T) {
	for _, tt := range []struct {
		name, head string
		want       bool
	}{
		{"samconfig.toml", "version = 0.1\n", true},
		{"samconfig.yaml", "version: 0.1\n", true},
		{"deploy/prod.toml", "version = 0.1\n[prod.deploy.parameters]\nstack_name = \"x\"\n", true},
		{"config.toml", "[\"default\".\"global\".\"parameters\"]\n", true},
		{"Cargo.toml", "[package]\nname = \"x\"\n", false},
		{"ruff.toml", "[lint.per-file-ignores]\n", false},
	} {
		if got := New().Detect(file(tt.name, tt.head)); got != tt.want {
			t.Errorf("%s: Detect %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestSAMConfigBadTOML(t *testing.T) {
	_, err := tryParse("samconfig.toml", "version = 0.1\n[default.deploy.parameters\n")
	var ie *ingest.Error
	if !errors.As(err, &ie) || ie.Pos.File != "samconfig.toml" || ie.Pos.Line != 2 {
		t.Errorf("error %v, want one at samconfig.toml:2", err)
	}
}

// A backslash keeps a quote or a blank inside a parameter_overrides
// value, as the SAM CLI reads it: DbPassword is x" canary…=y and Token
// is a canary…=b, so the names are DbPassword, Token and Stage, and no
// part of a value is taken for a name.
func TestSAMConfigEscapedOverrides(t *testing.T) {
	got := samConfigSections(t, "samconfig.toml", `version = 0.1
[default.deploy.parameters]
parameter_overrides = 'DbPassword="x\" canary-samconfig-X9x9=y" Token=a\ canary-samconfig-X9x9=b Stage=dev'
`)
	want := []SAMSection{{Env: "default", Command: "deploy", Overrides: []string{"DbPassword", "Token", "Stage"}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("sections (-want +got):\n%s", diff)
	}
}

// A quoted name with a blank is no parameter name, so a value that such a
// word holds is not kept as one.
func TestSAMConfigOverrideNameShape(t *testing.T) {
	got := samConfigSections(t, "samconfig.toml", `version = 0.1
[default.deploy.parameters]
parameter_overrides = '"Token canary-samconfig-X9x9"=1 Stage=dev'
`)
	want := []SAMSection{{Env: "default", Command: "deploy", Overrides: []string{"Stage"}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("sections (-want +got):\n%s", diff)
	}
}
