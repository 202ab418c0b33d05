package literal

import "testing"

func TestLooksLikeCredential(t *testing.T) {
	tests := []struct {
		key, value string
		want       bool
	}{
		{"ANYTHING", "AKIAIOSFODNN7EXAMPL1", true},
		{"GITLAB_TOKEN", "glpat-0000000000000000", true},
		{"DB_PASSWORD", "hunter2hunter2", true},
		{"DB_PASSWORD", "$DB_PASSWORD_PROD", false},
		{"API_TOKEN_PATH", "/run/secrets/token", false},
		{"AUTH_URL", "https://auth.example.com/login", false},
		{"AUTH_URL", "https://user:pw@auth.example.com", true},
		{"DOCKER_HOST", "unix:///certs/client/docker.sock", false},
		{"SECRET", "short", false},
		{"SECRET_NOTE", "two words here", false},
		// A PyPI token is pypi-AgE and a macaroon. A package name that
		// starts with pypi- is no token.
		{"PACKAGE", "pypi-attestations", false},
		{"ANYTHING", "pypi-AgEIcHlwaS5vcmcCJDAwMDAwMDAwLTAwMDAtMDAwMC0wMDAwLTAwMDAwMDAwMDAwMA", true},
	}
	for _, tt := range tests {
		if got := LooksLikeCredential(tt.key, tt.value); got != tt.want {
			t.Errorf("LooksLikeCredential(%q, value of %d bytes) = %v, want %v", tt.key, len(tt.value), got, tt.want)
		}
	}
}
