package terraform

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zclconf/go-cty/cty"
)

// TestModuleFilesBounds checks which files a module may read: those in
// its folder and beside it, never beyond its parent folder, through a
// symbolic link, or larger than the bound.
func TestModuleFilesBounds(t *testing.T) {
	base := t.TempDir()
	mod := filepath.Join(base, "project", "infra")
	assets := filepath.Join(base, "project", "assets")
	for _, d := range []string{mod, assets} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	write := func(path, text string) {
		t.Helper()
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(mod, "boot.tpl"), "hello ${name}")
	write(filepath.Join(assets, "shared.txt"), "shared")
	write(filepath.Join(base, "outside.txt"), "outside")
	write(filepath.Join(mod, "big.txt"), strings.Repeat("x", maxReadFile+1))
	if err := os.Symlink(filepath.Join(base, "outside.txt"), filepath.Join(mod, "link.txt")); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		path string
		want string // content, or "" when the read must fail
	}{
		{"boot.tpl", "hello ${name}"},
		{"./boot.tpl", "hello ${name}"},
		{"../assets/shared.txt", "shared"},
		{"../../outside.txt", ""},
		{filepath.Join(base, "outside.txt"), ""},
		{"link.txt", ""},
		{"big.txt", ""},
		{"missing.txt", ""},
		{"", ""},
	}
	mf := newModuleFiles(mod)
	for _, tt := range tests {
		got, err := mf.read(tt.path)
		if tt.want == "" {
			if err == nil {
				t.Errorf("read(%q) succeeded, want an error", tt.path)
			}
			continue
		}
		if err != nil || string(got) != tt.want {
			t.Errorf("read(%q) = %q, %v; want %q", tt.path, got, err, tt.want)
		}
	}
	if _, err := mf.read("../../outside.txt"); !errors.Is(err, errOutside) {
		t.Errorf("read outside the parent: error %v, want errOutside", err)
	}

	used, ok := mf.templateVars("boot.tpl")
	if !ok || len(used) != 1 || !used["name"] {
		t.Errorf("templateVars(boot.tpl) = %v, %v; want name only", used, ok)
	}
	if _, ok := mf.templateVars("missing.tpl"); ok {
		t.Error("templateVars of a missing template reported it readable")
	}
}

func TestKeepPlaceholders(t *testing.T) {
	funcs := functions(nil, nil)
	tests := []struct {
		fn   string
		args []cty.Value
		want string
	}{
		{"replace", []cty.Value{cty.StringVal("${var.cgid}"), cty.StringVal("/[^a-z0-9-]/"), cty.StringVal("-")}, "${var.cgid}"},
		{"replace", []cty.Value{cty.StringVal("a_${var.x}_b"), cty.StringVal("_"), cty.StringVal("-")}, "a-${var.x}-b"},
		{"upper", []cty.Value{cty.StringVal("app-${local.env}")}, "APP-${local.env}"},
		{"lower", []cty.Value{cty.StringVal("SVC-${aws_iam_user.x.name}")}, "svc-${aws_iam_user.x.name}"},
		{"title", []cty.Value{cty.StringVal("big ${var.x} deal")}, "Big ${var.x} Deal"},
		// An IAM policy variable is text like any other.
		{"upper", []cty.Value{cty.StringVal("${aws:username}")}, "${AWS:USERNAME}"},
		{"lower", []cty.Value{cty.StringVal("NO PLACEHOLDER")}, "no placeholder"},
	}
	for _, tt := range tests {
		v, err := funcs[tt.fn].Call(tt.args)
		if err != nil {
			t.Errorf("%s(%v): %v", tt.fn, tt.args, err)
			continue
		}
		if got := v.AsString(); got != tt.want {
			t.Errorf("%s(%v) = %q, want %q", tt.fn, tt.args, got, tt.want)
		}
	}
}

func TestGlob(t *testing.T) {
	tests := []struct {
		pattern, s string
		want       bool
	}{
		{"cg-lambda-invoker*", "cg-lambda-invoker-${var.cgid}", true},
		{"ci/*", "ci/deployer", true},
		{"ci/?eployer", "ci/deployer", true},
		{"deployer", "ci/deployer", false},
		{"*", "", true},
		{"a*b*c", "axxbyyc", true},
		{"a*b*c", "axxbyy", false},
	}
	for _, tt := range tests {
		if got := glob(tt.pattern, tt.s); got != tt.want {
			t.Errorf("glob(%q, %q) = %v, want %v", tt.pattern, tt.s, got, tt.want)
		}
	}
}
