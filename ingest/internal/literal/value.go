package literal

import (
	"regexp"
	"slices"
	"strings"
)

// credentialKey matches variable names that conventionally hold
// credentials. Besides the generic words, these are the keys that
// frameworks and agents name: Rails' RAILS_MASTER_KEY, New Relic's
// NEW_RELIC_LICENSE_KEY, Laravel's APP_KEY, and signing and encryption
// keys. A name that only ends in KEY (CACHE_KEY, SORT_KEY, KMS_KEY_ID) does
// not match.
var credentialKey = regexp.MustCompile(`(?i)(token|secret|passw(or)?d|passwd|pwd|api[_-]?key|access[_-]?key|private[_-]?key|credential|auth|master[_-]?key|licen[cs]e[_-]?key|signing[_-]?key|encryption[_-]?key|(^|[^a-z])app[_-]?key$)`)

// credentialShape matches values shaped like well-known credentials: AWS
// access key ids, GitHub, GitLab, npm, PyPI, Slack and CircleCI tokens,
// Stripe secret and restricted keys, and Google API keys.
var credentialShape = regexp.MustCompile(`^(AKIA|ASIA)[A-Z0-9]{16}$|^gh[pousr]_[A-Za-z0-9]{30,}|^github_pat_|^gl(pat|dt|ptt|rt|cbt)-|^GR1348941|^npm_[A-Za-z0-9]{30,}|^pypi-AgE|^xox[abpr]-|^CCIP(AT|RJ)_|^[rs]k_(live|test)_[A-Za-z0-9]{20,}|^AIza[0-9A-Za-z_-]{35}$`)

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
	if !credentialKey.MatchString(key) && !passName.MatchString(key) {
		return false
	}
	return !Reference(value) && !strings.ContainsAny(value, " \n\t<>")
}

// CredentialName reports whether a variable name conventionally holds a
// credential (DEPLOY_TOKEN, DB_PASSWORD, API_KEY, RAILS_MASTER_KEY).
func CredentialName(key string) bool { return credentialKey.MatchString(key) }

// Reference reports whether a value is plainly something other than a
// credential, such as a boolean, a path, a URL without user information or
// the ARN of the secret to fetch. Such values fill variables whose names
// sound like credentials (DB_PASSWORD_PARAM, LEDGER_SECRET_ARN).
func Reference(value string) bool {
	lower := strings.ToLower(value)
	switch {
	case lower == "true" || lower == "false":
		return true
	case strings.HasPrefix(value, "/"):
		return !slices.ContainsFunc(strings.Split(value, "/"), base64Run)
	case strings.HasPrefix(value, "./") || strings.HasPrefix(value, "~"):
		return true
	case strings.HasPrefix(lower, "http://") || strings.HasPrefix(lower, "https://"):
		rest := value[strings.Index(value, "//")+2:]
		return !strings.Contains(rest, "@") && !secretInURL(rest)
	case strings.HasPrefix(value, "arn:aws:") || strings.HasPrefix(value, "arn:aws-"):
		return true
	}
	return false
}

// HasCredentialShape reports whether s has the shape of a well-known
// token or key id, whatever name it is written under.
func HasCredentialShape(s string) bool { return credentialShape.MatchString(s) }

// base64Run reports whether a part of a value between slashes is base64
// rather than a path's segment, since a base64 key may start with "/". It
// has "+" or "=", or 16 or more characters that mix upper case, lower case
// and digits without a separator.
func base64Run(seg string) bool {
	if strings.ContainsAny(seg, "+=") {
		return true
	}
	return len(seg) >= 16 && !strings.ContainsAny(seg, "-_.") &&
		strings.ContainsAny(seg, "0123456789") &&
		strings.ContainsAny(seg, "abcdefghijklmnopqrstuvwxyz") &&
		strings.ContainsAny(seg, "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
}

// passName matches variable names with the word PASS, PASSPHRASE or
// PASSCODE (RABBITMQ_DEFAULT_PASS, GPG_PASSPHRASE), which credentialKey
// leaves out. BYPASS is no such word.
var passName = regexp.MustCompile(`(?i)(^|[^a-z])pass(phrase|code)?([^a-z]|$)|passphrase|passcode`)

// PlainConfig reports whether a value written out under a variable name
// is plainly configuration and no credential. That is a Reference, or a
// short value under a name that does not sound like a credential, whose
// parts between "-", "_" and "." are each only letters or only digits
// (debug, us-east-1, example-reports, 8080). A random token mixes letters
// and digits within a part, so it stays a possible credential.
func PlainConfig(key, value string) bool {
	if value == "" || Reference(value) {
		return true
	}
	if CredentialName(key) || passName.MatchString(key) || len(value) > 40 || HasCredentialShape(value) {
		return false
	}
	for _, part := range strings.FieldsFunc(value, func(r rune) bool { return r == '-' || r == '_' || r == '.' }) {
		if !allOf(part, isLetter) && !allOf(part, isDigit) {
			return false
		}
	}
	return true
}

func allOf(s string, ok func(byte) bool) bool {
	for i := 0; i < len(s); i++ {
		if !ok(s[i]) {
			return false
		}
	}
	return true
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// urlKeys are query parameters that carry a credential in a URL: a name
// that ends in a signature (Azure SAS sig, X-Amz-Signature,
// X-Goog-Signature), a key, a token, a secret, a password or auth, and
// Azure Functions' code.
var urlKeys = regexp.MustCompile(`(?i)[?&](?:[^=&#]*(?:sig|signature|key|token|secret|passw(?:or)?d|pwd|auth)|code)=`)

// secretInURL reports whether the part of a URL after "//" carries a
// credential: a query parameter of urlKeys, or a path segment of 16 or
// more characters that mixes letters and digits, as the tokens of Slack
// and Discord webhook URLs do.
func secretInURL(rest string) bool {
	if urlKeys.MatchString(rest) {
		return true
	}
	path, _, _ := strings.Cut(rest, "?")
	for _, seg := range strings.Split(path, "/")[1:] {
		if len(seg) >= 16 && strings.ContainsAny(seg, "0123456789") && strings.IndexFunc(seg, func(r rune) bool {
			return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
		}) >= 0 {
			return true
		}
	}
	return false
}
