package terraform

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"testing"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
)

// TestGzippedModule reads a module whose role is in a gzip-compressed
// file and whose variable is in a plain one: the role's name comes from
// the variable, so both files must be read as one module.
func TestGzippedModule(t *testing.T) {
	dir := t.TempDir()
	var zipped bytes.Buffer
	zw := gzip.NewWriter(&zipped)
	zw.Write([]byte("resource \"aws_iam_role\" \"deploy\" {\n  name = var.role_name\n  assume_role_policy = \"{}\"\n}\n"))
	zw.Close()
	if err := os.WriteFile(filepath.Join(dir, "main.tf.gz"), zipped.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "variables.tf"), []byte("variable \"role_name\" {\n  default = \"gz-deploy\"\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	res, rejected := parseDir(t, dir)
	if len(rejected) != 0 {
		t.Fatalf("rejected: %v", rejected)
	}
	var role *graph.Node
	for i, n := range res.Nodes {
		if n.Kind == graph.NodeIdentity && n.Label == "gz-deploy" {
			role = &res.Nodes[i]
		}
	}
	if role == nil {
		t.Fatalf("no role gz-deploy among %d nodes", len(res.Nodes))
	}
	if want := filepath.Join(dir, "main.tf.gz"); role.Pos.File != want || role.Pos.Line != 1 {
		t.Errorf("role read at %s:%d, want %s:1", role.Pos.File, role.Pos.Line, want)
	}
}

// TestGzipBombCutOff reads a compressed file that inflates past the size
// limit: it is rejected as too large, not read whole.
func TestGzipBombCutOff(t *testing.T) {
	dir := t.TempDir()
	var zipped bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&zipped, gzip.BestCompression)
	zeros := make([]byte, 1<<20)
	for range ingest.MaxConfigSize>>20 + 1 {
		zw.Write(zeros)
	}
	zw.Close()
	path := filepath.Join(dir, "main.tf.gz")
	if err := os.WriteFile(path, zipped.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	_, rejected := parseDir(t, dir)
	if len(rejected) != 1 || !bytes.Contains([]byte(rejected[0].Msg), []byte("larger than")) {
		t.Errorf("rejected %v, want one rejection for size", rejected)
	}
}

// TestGzippedJSONModule reads a .tf.json.gz file whose role takes its name
// from a variable declared in a plain .tf file.
func TestGzippedJSONModule(t *testing.T) {
	dir := t.TempDir()
	var zipped bytes.Buffer
	zw := gzip.NewWriter(&zipped)
	zw.Write([]byte("{\"resource\": {\"aws_iam_role\": {\n  \"deploy\": {\"name\": \"${var.role_name}\", \"assume_role_policy\": \"{}\"}\n}}}\n"))
	zw.Close()
	if err := os.WriteFile(filepath.Join(dir, "cdk.tf.json.gz"), zipped.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "variables.tf"), []byte("variable \"role_name\" {\n  default = \"gz-json-deploy\"\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	res, rejected := parseDir(t, dir)
	if len(rejected) != 0 {
		t.Fatalf("rejected: %v", rejected)
	}
	var role *graph.Node
	for i, n := range res.Nodes {
		if n.Kind == graph.NodeIdentity && n.Label == "gz-json-deploy" {
			role = &res.Nodes[i]
		}
	}
	if role == nil {
		t.Fatalf("no role gz-json-deploy among %d nodes", len(res.Nodes))
	}
	if want := filepath.Join(dir, "cdk.tf.json.gz"); role.Pos.File != want || role.Pos.Line != 2 {
		t.Errorf("role read at %s:%d, want %s:2", role.Pos.File, role.Pos.Line, want)
	}
}

// TestGzippedValues reads variable values from gzip-compressed
// terraform.tfvars and *.auto.tfvars.json files, as from plain ones.
func TestGzippedValues(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string, zip bool) {
		t.Helper()
		data := []byte(text)
		if zip {
			var zipped bytes.Buffer
			zw := gzip.NewWriter(&zipped)
			zw.Write(data)
			zw.Close()
			data = zipped.Bytes()
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("main.tf", "variable \"a\" {\n  default = \"default-a\"\n}\nvariable \"b\" {\n  default = \"default-b\"\n}\n"+
		"resource \"aws_iam_user\" \"a\" {\n  name = var.a\n}\nresource \"aws_iam_user\" \"b\" {\n  name = var.b\n}\n", false)
	write("terraform.tfvars.gz", "a = \"tfvars-a\"\nb = \"tfvars-b\"\n", true)
	write("x.auto.tfvars.json.gz", `{"b": "auto-b"}`, true)

	res, rejected := parseDir(t, dir)
	if len(rejected) != 0 {
		t.Fatalf("rejected: %v", rejected)
	}
	names := map[string]bool{}
	for _, n := range res.Nodes {
		names[n.Label] = true
	}
	for _, want := range []string{"tfvars-a", "auto-b"} {
		if !names[want] {
			t.Errorf("no user %s among %v", want, names)
		}
	}
}
