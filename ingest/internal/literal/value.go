package literal

import (
	"regexp"
	"strings"
)

// credentialKey matches variable names that conventionally hold
// credentials.
var credentialKey = regexp.MustCompile(`(?i)(token|secret|passw(or)?d|passwd|pwd|api[_-]?key|access[_-]?key|private[_-]?key|credential|auth)`)

// credentialShape matches values shaped like well-known credentials: AWS
// access key ids and GitHub, GitLab, npm, PyPI, Slack and CircleCI tokens.
var credentialShape = regexp.MustCompile(`^(AKIA|ASIA)[A-Z0-9]{16}$|^gh[pousr]_[A-Za-z0-9]{30,}|^github_pat_|^gl(pat|dt|ptt|rt|cbt)-|^GR1348941|^npm_[A-Za-z0-9]{30,}|^pypi-AgE|^xox[abpr]-|^CCIP(AT|RJ)_`)

// LooksLikeCredential reports whether a literal value written under key
// is probably a credential: its shape is one of a well-known token, or
// the key names a credential and the value is not plainly something else
// (a boolean, a path, a URL without user information, a reference to
// another variable, a sentence).
func LooksLikeCredential(key, value string) bool {
	if len(value) < 8 || strings.Contains(value, "$") {
		return false
	}
	if credentialShape.MatchString(value) {
		return true
	}
	if !credentialKey.MatchString(key) {
		return false
	}
	lower := strings.ToLower(value)
	switch {
	case lower == "true" || lower == "false":
		return false
	case strings.HasPrefix(value, "/") || strings.HasPrefix(value, "./") || strings.HasPrefix(value, "~"):
		return false
	case strings.HasPrefix(lower, "http://") || strings.HasPrefix(lower, "https://"):
		return strings.Contains(value[strings.Index(value, "//")+2:], "@")
	}
	return !strings.ContainsAny(value, " \n\t<>")
}

// HasCredentialShape reports whether s has the shape of a well-known
// token or key id, whatever name it is written under.
func HasCredentialShape(s string) bool { return credentialShape.MatchString(s) }
