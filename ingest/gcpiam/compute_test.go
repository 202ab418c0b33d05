package gcpiam

import (
	"strings"
	"testing"
)

// TestContainerOptimizedOSImage checks the boot image forms the provider
// takes: only images of the cos-cloud project count. The provider looks
// up a name without a project in the instance's project.
func TestContainerOptimizedOSImage(t *testing.T) {
	tests := []struct {
		image string
		want  bool
	}{
		{"cos-cloud/cos-stable", true},
		{"projects/cos-cloud/global/images/family/cos-113-lts", true},
		{"https://www.googleapis.com/compute/v1/projects/cos-cloud/global/images/cos-stable-109-17800-66-27", true},
		{"cos-stable", false},
		{"family/cos-stable", false},
		{"global/images/family/cos-stable", false},
		{"cos-cloud", false},
		{"COS-CLOUD/cos-stable", true},
		{"debian-cloud/debian-12", false},
		{"example-prod/cos-hardened", false},
		{"projects/example-prod/global/images/cos-hardened", false},
		{"ubuntu-2204-lts", false},
		{"${data.google_compute_image.cos.self_link}", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := isContainerOptimizedOS(tt.image); got != tt.want {
			t.Errorf("isContainerOptimizedOS(%q) = %v, want %v", tt.image, got, tt.want)
		}
	}
}

// TestScopeLimit checks that a metadata token reaches all that its
// service account reaches only with the cloud-platform scope.
func TestScopeLimit(t *testing.T) {
	tests := []struct {
		name   string
		sa     map[string]any
		prefix string // "" when the scopes include cloud-platform
	}{
		{"short name", map[string]any{"scopes": []any{"cloud-platform"}}, ""},
		{"URL", map[string]any{"scopes": []any{"storage-ro", "https://www.googleapis.com/auth/cloud-platform"}}, ""},
		{"narrow", map[string]any{"scopes": []any{"storage-ro", "logging-write"}}, "the instance's access scopes (storage-ro, logging-write)"},
		{"none", map[string]any{"scopes": []any{}}, "the instance's access scopes are empty"},
		{"open element", map[string]any{"scopes": []any{"storage-ro", "${var.scope}"}}, "the input does not show all"},
		{"missing", map[string]any{"email": "a@example-prod.iam.gserviceaccount.com"}, "the input does not show the instance's access scopes"},
	}
	for _, tt := range tests {
		_, declared := tt.sa["scopes"]
		got := scopeLimit("the instance's", declared, tfStrings(tt.sa, "scopes"))
		if tt.prefix == "" && got != "" {
			t.Errorf("%s: limit %q, want none", tt.name, got)
		}
		if tt.prefix != "" && !strings.HasPrefix(got, tt.prefix) {
			t.Errorf("%s: limit %q, want one starting %q", tt.name, got, tt.prefix)
		}
	}
}

// A template's boot disk is the disk with boot = true, given as a bool or
// as the string Terraform converts to one, else the first disk.
func TestTemplateBootImage(t *testing.T) {
	disk := func(image string, boot any) map[string]any {
		d := map[string]any{"source_image": image}
		if boot != nil {
			d["boot"] = boot
		}
		return d
	}
	for _, tt := range []struct {
		name  string
		disks []any
		want  string
	}{
		{"bool", []any{disk("data", nil), disk("cos-cloud/cos-stable", true)}, "cos-cloud/cos-stable"},
		{"string", []any{disk("data", "false"), disk("cos-cloud/cos-stable", "true")}, "cos-cloud/cos-stable"},
		{"first", []any{disk("debian-cloud/debian-12", nil), disk("data", nil)}, "debian-cloud/debian-12"},
	} {
		if got := templateBootImage(map[string]any{"disk": tt.disks}); got != tt.want {
			t.Errorf("%s: boot image %q, want %q", tt.name, got, tt.want)
		}
	}
}
