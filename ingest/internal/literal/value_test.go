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
		// Keys that frameworks and agents name, and PASS words.
		{"RAILS_MASTER_KEY", "canary0f3e9a7b2c4d6e8f0a1b3c5d", true},
		{"NEW_RELIC_LICENSE_KEY", "canaryX9x9canaryX9x9canaryX9x9canaryX9x9", true},
		{"APP_KEY", "base64:Y2FuYXJ5WDl4OWNhbmFyeVg5eDljYW5hcnk=", true},
		{"JWT_SIGNING_KEY", "canary-signing-X9x9", true},
		{"RABBITMQ_DEFAULT_PASS", "canary-rabbit-X9x9", true},
		{"SMTP_PASSPHRASE", "canary-phrase-X9x9", true},
		// Names that only end in KEY, and BYPASS.
		{"CACHE_KEY", "v1-deps-linux-2024", false},
		{"KMS_KEY_ID", "1234abcd-12ab-34cd-56ef-1234567890ab", false},
		{"S3_KEY", "reports/2024/summary.csv", false},
		{"WRAPPED_APP_KEYS", "first-entry-value", false},
		{"CACHE_BYPASS", "always-for-tests", false},
	}
	for _, tt := range tests {
		if got := LooksLikeCredential(tt.key, tt.value); got != tt.want {
			t.Errorf("LooksLikeCredential(%q, value of %d bytes) = %v, want %v", tt.key, len(tt.value), got, tt.want)
		}
	}
}

func TestPlainConfig(t *testing.T) {
	for _, tt := range []struct {
		key, value string
		want       bool
	}{
		{"LOG_LEVEL", "debug", true},
		{"REGION", "us-east-1", true},
		{"PORT", "8080", true},
		{"BUCKET", "example-org-reports", true},
		{"LEDGER_SECRET_ARN", "arn:aws:secretsmanager:us-east-1:111122223333:secret:ledger-AbC123", true},
		{"DB_PASSWORD_PARAM", "/prod/ledger/db-password", true},
		{"API_URL", "https://api.example.com/v1", true},
		{"FEATURE_ON", "true", true},
		// Credentials, or values that may be one.
		{"DB_PASSWORD", "changeme", false},
		{"STRIPE_KEY", "sk_live_51HcanaryX9x9", false},
		{"OTHER", "CANARY-terraform-7f3a-local", false},
		{"HASH", "a8f5f167f44f4964e6c998dee827110c", false},
		{"GH", "ghp_canary0123456789012345678901234567", false},
		{"DATABASE_URL", "postgres://app:canary-X9x9@db.internal/app", false},
		// A webhook URL's path, or a signed URL's query, is the credential.
		{"SLACK_WEBHOOK", "https://hooks.slack.com/services/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", false},
		{"ALERT_URL", "https://discord.com/api/webhooks/112233445566778899/canary-X9x9-token", false},
		{"BLOB_URL", "https://acct.blob.core.windows.net/c/f?sv=2022-11-02&sig=canaryX9x9", false},
		{"DOCS_URL", "https://docs.example.com/guides/2024/getting-started", true},
		// Query parameters that carry a credential under other names:
		// Google Cloud Storage's V4 signature, GitLab's private_token,
		// Datadog's dd-api-key, ipstack's access_key, the Firebase
		// Realtime Database's auth, and an OAuth client secret.
		{"ASSET_URL", "https://storage.googleapis.com/b/o.zip?X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Date=20260101T000000Z&X-Goog-Expires=900&X-Goog-SignedHeaders=host&X-Goog-Signature=canaryX9x9", false},
		{"GITLAB_API", "https://gitlab.example.com/api/v4/projects?private_token=canary-X9x9", false},
		{"LOGS_URL", "https://http-intake.logs.datadoghq.com/api/v2/logs?dd-api-key=canary-X9x9", false},
		{"GEO_URL", "https://api.ipstack.com/check?access_key=canary-X9x9", false},
		{"FIREBASE_URL", "https://example.firebaseio.com/data.json?auth=canary-X9x9", false},
		{"OAUTH_URL", "https://auth.example.com/token?client_id=app&client_secret=canary-X9x9", false},
		{"SEARCH_URL", "https://search.example.com/?q=keyboard&page=2", true},
		// A password or passphrase of words under a PASS name.
		{"RABBITMQ_DEFAULT_PASS", "canary-horse-battery-staple", false},
		{"GPG_PASSPHRASE", "canary-horse-battery-staple", false},
		{"BYPASS_CACHE", "always", true},
		// A Stripe secret key, and a Google API key, whose random parts
		// have no digit.
		{"PAYMENTS", "sk_live_canaryXcanaryXcanaryXxXx", false},
		{"MAPS", "AIzaSyCanary-canaryXcanaryXcanaryXcanar", false},
		// A base64 key that starts with a slash is no path.
		{"DB_PASSWORD", "/q3ZkcanaryX9x9Qw7TmR2vB8nLp0sYd+Fa=", false},
		{"DB_PASSWORD_PARAM", "/prod/Ledger/db-password-2024", true},
	} {
		if got := PlainConfig(tt.key, tt.value); got != tt.want {
			t.Errorf("PlainConfig(%q, %q) = %v, want %v", tt.key, tt.value, got, tt.want)
		}
	}
}
