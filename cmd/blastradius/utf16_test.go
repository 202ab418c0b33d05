package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/text/encoding/unicode"
)

// Windows PowerShell 5.1 saves a command's output (aws cloudtrail
// lookup-events > trail.json) as UTF-16 with a byte order mark. The
// example organisation with its logs, lockfile and workflows saved that
// way has the blast radius of the example saved as UTF-8. Terraform reads
// only UTF-8, so the Terraform file stays as it is.
func TestIngestUTF16MatchesUTF8(t *testing.T) {
	enc := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder()
	radius := func(dir string) string {
		t.Helper()
		db := filepath.Join(t.TempDir(), "graph.db")
		if out, errs, code := run(t, "--db", db, "--log-level", "error", "ingest", "--org", "example-org", dir); code != exitOK {
			t.Fatalf("ingest %s: exit %d\n%s\n%s", dir, code, out, errs)
		}
		out, errs, code := run(t, "--db", db, "export", "--package", examplePkg, "--format", "csv")
		if code != exitOK {
			t.Fatalf("export: exit %d: %s", code, errs)
		}
		return strings.ReplaceAll(out, dir, "EXAMPLE")
	}

	plain := t.TempDir()
	wide := t.TempDir()
	converted := 0
	err := filepath.WalkDir(exampleDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(exampleDir, path)
		if err != nil {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		wideData := data
		if ext := filepath.Ext(path); ext == ".json" || ext == ".yml" {
			if wideData, err = enc.Bytes(data); err != nil {
				return err
			}
			converted++
		}
		for _, f := range []struct {
			root string
			data []byte
		}{{plain, data}, {wide, wideData}} {
			if err := os.MkdirAll(filepath.Join(f.root, filepath.Dir(rel)), 0o755); err != nil {
				return err
			}
			if err := os.WriteFile(filepath.Join(f.root, rel), f.data, 0o644); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if converted < 4 {
		t.Fatalf("converted %d files, want the log, the lockfile and both workflows", converted)
	}
	want := radius(plain)
	if !strings.Contains(want, "arn:aws:iam::") {
		t.Fatalf("the UTF-8 example reaches no role:\n%s", want)
	}
	if diff := cmp.Diff(want, radius(wide)); diff != "" {
		t.Errorf("blast radius of the UTF-16 files differs (-UTF-8 +UTF-16):\n%s", diff)
	}
}

// Windows PowerShell 5.1's Out-File -Encoding utf8 starts UTF-8 text with a
// byte order mark. IAM authorization details, a Cloud Asset Inventory
// export and a kubectl dump saved that way give the same graph as without
// the mark. Detection once missed the format of such files.
func TestIngestUTF8MarkMatchesPlain(t *testing.T) {
	const corpus = "../../../shared/corpus/"
	files := []string{
		"salesforce__cloudsplaining/test/files/example-authz-details.json",
		"GoogleCloudPlatform__policy-library/validator/test/fixtures/gcp_iam_restrict_service_account_creation/assets/data.json",
		"someengineering__fixinventory/plugins/k8s/test/files/api_v1_serviceaccounts.json",
	}
	for _, name := range files {
		data, err := os.ReadFile(corpus + name)
		if os.IsNotExist(err) {
			t.Skip("shared corpus not present")
		}
		if err != nil {
			t.Fatal(err)
		}
		t.Run(filepath.Base(filepath.Dir(filepath.Dir(name)))+"/"+filepath.Base(name), func(t *testing.T) {
			graphOf := func(content []byte) string {
				t.Helper()
				dir := t.TempDir()
				in := filepath.Join(dir, "in")
				if err := os.MkdirAll(in, 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(in, filepath.Base(name)), content, 0o644); err != nil {
					t.Fatal(err)
				}
				db := filepath.Join(dir, "graph.db")
				if out, errs, code := run(t, "--db", db, "--log-level", "error", "ingest", "--org", "example-org", in); code != exitOK {
					t.Fatalf("ingest: exit %d\n%s\n%s", code, out, errs)
				}
				out, errs, code := run(t, "--db", db, "export", "--format", "csv")
				if code != exitOK {
					t.Fatalf("export: exit %d: %s", code, errs)
				}
				return strings.ReplaceAll(out, dir, "DIR")
			}
			want := graphOf(data)
			if strings.Count(want, "\nnode,") < 2 {
				t.Fatalf("the file without a mark gives no graph:\n%s", want)
			}
			if diff := cmp.Diff(want, graphOf(append([]byte("\uFEFF"), data...))); diff != "" {
				t.Errorf("graph of the file with a UTF-8 mark differs (-without +with):\n%s", diff)
			}
		})
	}
}
