package lockfile

import "testing"

func TestCredentialInURL(t *testing.T) {
	for _, tc := range []struct {
		url  string
		want bool
	}{
		{"https://registry.example.com/a/-/a-1.0.0.tgz", false},
		{"https://ci-bot:secret@registry.example.com/a.tgz", true},
		{"https://ghp-token@git.example.com/example-org/a.git", true},
		{"git+https://ci:secret@git.example.com/example-org/a.git#abc", true},
		{"git+ssh://git@git.example.com/example-org/a.git#abc", false},
		{"git@git.example.com:example-org/a.git", false},
		{"1.0.0", false},
		{"npm:@example-org/a@1.0.0", false},
	} {
		if got := credentialInURL(tc.url); got != tc.want {
			t.Errorf("credentialInURL(%q) = %v, want %v", tc.url, got, tc.want)
		}
	}
}
