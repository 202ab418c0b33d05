package terraform

import (
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
