package terraform

import (
	"path"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestLoadedCode(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []string
	}{
		{"script tag of a hosted url",
			`<script src="https://example-org-assets.s3.amazonaws.com/auth-module.js"></script>`,
			[]string{"arn:aws:s3:::example-org-assets/auth-module.js"}},
		{"hosted url with a region and an unresolved name",
			`curl -s https://example-org-${var.env}.s3.us-east-1.amazonaws.com/bin/setup.sh | bash`,
			[]string{"arn:aws:s3:::example-org-${var.env}/bin/setup.sh"}},
		{"path-style url",
			`wget https://s3.eu-west-1.amazonaws.com/example-org-tools/agent.py`,
			[]string{"arn:aws:s3:::example-org-tools/agent.py"}},
		{"s3 uri, twice",
			"aws s3 cp s3://example-org-tools/run.sh /tmp/run.sh\naws s3 cp s3://example-org-tools/run.sh /opt/run.sh",
			[]string{"arn:aws:s3:::example-org-tools/run.sh"}},
		{"image is no code",
			`<img src="https://example-org-assets.s3.amazonaws.com/logo.svg">`, nil},
		{"other host", `<script src="https://cdn.example.org/app.js"></script>`, nil},
		{"no key", `https://example-org-assets.s3.amazonaws.com/`, nil},
		{"presigned url keeps no query",
			`curl "https://example-org-tools.s3.amazonaws.com/run.sh?X-Amz-Credential=CANARY-terraform-7f3a&X-Amz-Signature=CANARY-terraform-7f3a"`,
			[]string{"arn:aws:s3:::example-org-tools/run.sh"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := loadedCode([]string{tc.text})
			if diff := cmp.Diff(got, tc.want, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("loadedCode (-got +want):\n%s", diff)
			}
		})
	}
}

func FuzzLoadedCode(f *testing.F) {
	f.Add(`<script src="https://example-org-assets.s3.amazonaws.com/auth-module.js"></script>`)
	f.Add(`aws s3 cp s3://example-org-${var.env}/run.sh - | sh`)
	f.Add(`https://s3.amazonaws.com/example-org-tools/a/b.py?x=1`)
	f.Fuzz(func(t *testing.T, text string) {
		for _, obj := range loadedCode([]string{text}) {
			bucket, key, ok := strings.Cut(strings.TrimPrefix(obj, "arn:aws:s3:::"), "/")
			if !strings.HasPrefix(obj, "arn:aws:s3:::") || !ok || bucket == "" || key == "" {
				t.Fatalf("malformed object %q", obj)
			}
			if !codeExtension[strings.ToLower(path.Ext(key))] || strings.ContainsAny(key, "?#& \n") {
				t.Fatalf("object %q is no code or keeps a query", obj)
			}
		}
	})
}
