package registry

import "testing"

// TestPlainArgValueURL: a URL with user information may carry a password,
// so it is never kept. One without, and an image pinned by digest, whose
// "@" starts the digest, are kept.
func TestPlainArgValueURL(t *testing.T) {
	cases := []struct {
		value string
		want  bool
	}{
		{"postgres://app:canary-arg-url-X9x9@db:5432/app", false},
		{"redis://:canary-arg-url-X9x9@cache:6379", false},
		{"https://registry.example.com/npm/", true},
		{"ghcr.io/example-org/base:1.4@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", true},
	}
	for _, c := range cases {
		if got := PlainArgValue("DB_URL", c.value); got != c.want {
			t.Errorf("PlainArgValue(DB_URL, %q) = %v, want %v", c.value, got, c.want)
		}
	}
}
