package literal

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Values of the test: made up, in the shapes their issuers use.
var (
	npmToken = "npm_" + strings.Repeat("a1B2", 9)
	ghToken  = "ghp_" + strings.Repeat("Z9y8", 9)
	pypi     = "pypi-AgEIcHlwaS5vcmc" + strings.Repeat("Qx_-", 13)
)

func TestScan(t *testing.T) {
	script := strings.Join([]string{
		`echo "//registry.npmjs.org/:_authToken=` + npmToken + `" > ~/.npmrc`,      // 1: shape; the setting repeats it
		`# export GH_TOKEN=` + ghToken,                                             // 2: a comment
		`git clone https://x-access-token:` + ghToken + `@github.com/acme/app.git`, // 3: shape and URL password, one value
		`docker login -u ci -p 'S3cr3t-Passw0rd' registry.example.com`,             // 4
		`docker login -u ci --password-stdin < pw.txt`,                             // 5: no value
		`docker login -u ci -p "$REGISTRY_PASSWORD" registry.example.com`,          // 6: a variable
		`curl -H "Authorization: Bearer abcdefgh12345678" https://api.example.com`, // 7
		`curl -H "Authorization: token ${{ secrets.TOKEN }}" https://api.example.com`,
		`npm config set //npm.example.com/:_authToken "hunter2hunter2"`, // 9
		`uses pypa/gh-action-pypi-publish and npm_config_cache`,         // 10: words, not tokens
		`twine upload -u __token__ -p ` + pypi + ` dist/*`,              // 11
		`export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE`,                 // 12
		`echo AKIAIOSFODNN7EXAMPLEX`,                                    // 13: too long for a key id
		`docker login -p <password> registry.example.com`,               // 14: a placeholder
		`curl https://user:xxxxxxxxxx@example.com/`,                     // 15: a placeholder
		`export DB=postgres://app:Sup3rS3cret@db.example.com:5432/app`,  // 16
	}, "\n")
	want := []Finding{
		{Line: 1, Kind: "npm token", Value: npmToken},
		{Line: 3, Kind: "GitHub token", Value: ghToken},
		{Line: 4, Kind: "registry login password", Value: "S3cr3t-Passw0rd"},
		{Line: 7, Kind: "token in an Authorization header", Value: "abcdefgh12345678"},
		{Line: 9, Kind: "npm registry token", Value: "hunter2hunter2"},
		{Line: 11, Kind: "PyPI token", Value: pypi},
		{Line: 12, Kind: "AWS access key id", Value: "AKIAIOSFODNN7EXAMPLE"},
		{Line: 16, Kind: "password in a URL", Value: "Sup3rS3cret"},
	}
	if diff := cmp.Diff(want, Scan(script)); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
}

func TestScanNothing(t *testing.T) {
	for _, script := range []string{
		"",
		"npm ci\nnpm test",
		`echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc`,
		`docker login ghcr.io -u "$GITHUB_ACTOR" --password "${{ secrets.GITHUB_TOKEN }}"`,
		`git push https://x-access-token:$TOKEN@github.com/acme/app.git`,
		`docker login -p short registry.local`,
		`export DATABASE_URL=postgres://postgres:postgres@localhost:5432/test`,
		`psql "postgresql://app:password@127.0.0.1:5432/app" -c 'select 1'`,
		`redis-cli -u redis://default:password@[::1]:6379 ping`,
		`curl http://admin:adminpass@0.0.0.0:8080/health`,
	} {
		if got := Scan(script); len(got) > 0 {
			t.Errorf("Scan(%q) = %v, want nothing", script, got)
		}
	}
}

// A command continued with backslashes is read as one line, and each
// value is placed on the line that holds it.
func TestScanContinuedLines(t *testing.T) {
	script := strings.Join([]string{
		`docker login \`, // 1
		`  -u ci \`,
		`  -p S3cr3t-Passw0rd \`, // 3
		`  registry.example.com`,
		`curl \`,
		"  -H 'Authorization: Bearer abcdefgh12345678' \\\r", // 6: a CRLF line
		`  https://api.example.com ` + npmToken,              // 7
		`# docker login \`,                                   // 8: a comment ends at its line
		`  -p commented-out-1`,
		`echo done`,
	}, "\n")
	want := []Finding{
		{Line: 3, Kind: "registry login password", Value: "S3cr3t-Passw0rd"},
		{Line: 6, Kind: "token in an Authorization header", Value: "abcdefgh12345678"},
		{Line: 7, Kind: "npm token", Value: npmToken},
	}
	if diff := cmp.Diff(want, Scan(script)); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
}

func TestScanRequestsAndAssignments(t *testing.T) {
	script := strings.Join([]string{
		`curl -u bot:Sup3rS3cret https://api.example.com`,                       // 1
		`curl --user "deploy:p4ssw0rd-xyz" https://api.example.com`,             // 2
		`curl -H "PRIVATE-TOKEN: abcdEFGH1234" https://gitlab.example.com/api`,  // 3
		`export API_TOKEN=q1w2e3r4t5y6`,                                         // 4
		`DB_PASSWORD=postgres psql -h localhost`,                                // 5: a word, the test database's
		`export TOKEN_FILE=/run/secrets/token1`,                                 // 6: a setting
		`curl -H "Authorization: Bearer YOUR_TOKEN_HERE" https://x.example.com`, // 7: a placeholder
		`curl -u "$USER:$PASS" https://api.example.com`,                         // 8: variables
		`SECRET_KEY="AbCdEfGhIjKlMnOpQrStUv" ./manage.py test`,                  // 9: twenty letters
	}, "\n")
	want := []Finding{
		{Line: 1, Kind: "password in curl's --user", Value: "Sup3rS3cret"},
		{Line: 2, Kind: "password in curl's --user", Value: "p4ssw0rd-xyz"},
		{Line: 3, Kind: "token in a request header", Value: "abcdEFGH1234"},
		{Line: 4, Kind: "credential assigned to API_TOKEN", Value: "q1w2e3r4t5y6"},
		{Line: 9, Kind: "credential assigned to SECRET_KEY", Value: "AbCdEfGhIjKlMnOpQrStUv"},
	}
	if diff := cmp.Diff(want, Scan(script)); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
}

// Options joined to their values, package managers' own settings, and
// values printed right after a colour code.
func TestScanOptionsAndConfig(t *testing.T) {
	script := strings.Join([]string{
		`podman login -uci -pS3cr3t-Passw0rd registry.example.com`,     // 1
		`npm config set _authToken q1w2e3r4t5y6u7i8`,                   // 2
		`yarn config set npmAuthToken z9x8c7v6b5n4m3l2`,                // 3
		`echo "npmAuthToken: 'p0o9i8u7y6t5r4e3'" >> .yarnrc.yml`,       // 4
		`twine upload -u deploy -p Upl0ad-Passw0rd dist/*`,             // 5
		`poetry publish --username deploy --password=Upl0ad-Passw0rd2`, // 6
		`poetry config pypi-token.testpypi t0ken-f0r-test-index`,       // 7
		`poetry config http-basic.internal deploy Int3rnal-Passw0rd`,   // 8
		`echo -e "\e[32m` + npmToken + `\e[0m"`,                        // 9
		`printf '\\033[1;31m` + ghToken + `\\033[0m\\n'`,               // 10
		"echo \x1b[1m" + npmToken[:20] + "x\x1b[0m",                    // 11: cut short, no shape
		`twine upload -p ` + pypi + ` dist/*`,                          // 12: the shape's kind
	}, "\n")
	want := []Finding{
		{Line: 1, Kind: "registry login password", Value: "S3cr3t-Passw0rd"},
		{Line: 2, Kind: "npm registry token", Value: "q1w2e3r4t5y6u7i8"},
		{Line: 3, Kind: "npm registry token", Value: "z9x8c7v6b5n4m3l2"},
		{Line: 4, Kind: "npm registry token", Value: "p0o9i8u7y6t5r4e3"},
		{Line: 5, Kind: "PyPI upload password", Value: "Upl0ad-Passw0rd"},
		{Line: 6, Kind: "PyPI upload password", Value: "Upl0ad-Passw0rd2"},
		{Line: 7, Kind: "PyPI token", Value: "t0ken-f0r-test-index"},
		{Line: 8, Kind: "PyPI upload password", Value: "Int3rnal-Passw0rd"},
		{Line: 9, Kind: "npm token", Value: npmToken},
		{Line: 10, Kind: "GitHub token", Value: ghToken},
		{Line: 12, Kind: "PyPI token", Value: pypi},
	}
	if diff := cmp.Diff(want, Scan(script)); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	for _, script := range []string{
		`twine upload -u __token__ -p "$TWINE_PASSWORD" dist/*`,
		`npm config set _authToken "${NPM_TOKEN}"`,
		`printf '//registry.npmjs.org/:_authToken=%s\n' "$NPM_TOKEN" >> ~/.npmrc`,
		`npm config set registry https://npm.example.com/`,
		`yarn config set npmAuthToken "${NPM_TOKEN}"`,
		`poetry config pypi-token.pypi $PYPI_TOKEN`,
		`poetry publish --build`,
		`docker login -u ci --password-stdin registry.example.com`,
		`ssh -l login -p 2222 deploy.example.com`,
		`echo -e "\e[32mdone\e[0m"`,
	} {
		if got := Scan(script); len(got) > 0 {
			t.Errorf("Scan(%q) = %v, want nothing", script, got)
		}
	}
}

// Options of other tools that follow a word "login", test runners run
// by poetry, lines that only read a setting, options where a value was
// expected, yq's env() and strenv(), and logins and uploads to a registry
// on this machine. Certificate files that az login takes with -p are no
// passwords either.
func TestScanNotCredentials(t *testing.T) {
	for _, script := range []string{
		`docker run -d --name login -p 127.0.0.1:5432:5432 postgres:16`,
		`docker run -d --name login-db -p 6379:6379 redis`,
		`cargo test -p login -p billing-service`,
		`pytest -m login -p no:cacheprovider`,
		`docker compose -f login/compose.yml -p login-tests up -d`,
		`docker --debug run -d --name login -p 127.0.0.1:5432:5432 postgres:16`,
		`docker --debug login -u ci --password-stdin registry.example.com`,
		`skopeo copy --dest-creds "bot:$QUAY_TOKEN" docker://a.example.org/x:1 docker://quay.io/acme/x:1`,
		`skopeo copy --dest-creds "$QUAY_CREDS" docker://a.example.org/x:1 docker://quay.io/acme/x:1`,
		`oras push --password "${ORAS_PW}" zot.example.org/acme/tool:1 tool.tgz`,
		`echo "{\"auths\":{\"${CI_REGISTRY}\":{\"auth\":\"$(printf "%s:%s" "${CI_REGISTRY_USER}" "${CI_REGISTRY_PASSWORD}" | base64 | tr -d '\n')\"}}}" > /kaniko/.docker/config.json`,
		`echo "{\"auths\":{\"ghcr.io\":{\"auth\":\"$GHCR_AUTH\"}}}" > /kaniko/.docker/config.json`,
		`terraform -chdir=infra/login plan -parallelism=20`,
		`poetry run pytest -p no:cacheprovider`,
		`poetry run pytest -pno:randomly tests`,
		`poetry run mypy -p acme_service`,
		`grep -q npmAuthToken .yarnrc.yml || echo missing`,
		`echo "error: npmAuthToken environment variable not set"`,
		`poetry config http-basic.internal deploy-user --no-interaction`,
		`npm config set _authToken --location=project`,
		`docker login -u admin -p testpassword1 localhost:5000`,
		`podman login --tls-verify=false -u admin -p testpassword1 127.0.0.1:5000`,
		`twine upload --repository-url http://localhost:8080/ -u test -p testpassword1 dist/*`,
		`twine upload --repository-url=http://127.0.0.1:8080 -u test -p testpassword1 dist/*`,
		`yq -i '.npmAuthToken = env(NPM_TOKEN)' .yarnrc.yml`,
		`yq -i '.npmScopes.acme.npmAuthToken = strenv(NPM_TOKEN)' .yarnrc.yml`,
		`echo "_authToken=${NPM_TOKEN}" >> ~/.npmrc`,
		`export my_auth=q1w2e3r4t5y6u7i8 > out.txt`,
		`az login --service-principal -u APPID -p /path/cert.pem --tenant T`,
		`az login --service-principal -u 0f1e2d3c --password=./certs/sp-login.pem --tenant T`,
		`az login --service-principal -u 0f1e2d3c -p ~/sp-login.pfx --tenant T`,
		`az login --service-principal -u 0f1e2d3c -p sp-login.crt --tenant T`,
	} {
		if got := Scan(script); len(got) > 0 {
			t.Errorf("Scan(%q) = %v, want nothing", script, got)
		}
	}
}

// Quoted keys, options before the key, npm set, global options with and
// without a value before a subcommand, tabs, the colour codes of echo
// -e's octal and \E forms, and .npmrc lines without a registry. A docker
// password that looks like a path is still a password, and printf writes
// a token as the argument of its format's conversion.
func TestScanOtherForms(t *testing.T) {
	for _, tt := range []struct {
		script string
		want   Finding
	}{
		{`npm config set '//registry.npmjs.org/:_authToken' q1w2e3r4t5y6u7i8`, Finding{1, "npm registry token", "q1w2e3r4t5y6u7i8"}},
		{`npm set _authToken q1w2e3r4t5y6u7i8`, Finding{1, "npm registry token", "q1w2e3r4t5y6u7i8"}},
		{`npm config set --location=project _authToken q1w2e3r4t5y6u7i8`, Finding{1, "npm registry token", "q1w2e3r4t5y6u7i8"}},
		{`yarn config set 'npmRegistries["//npm.example.com"].npmAuthToken' z9x8c7v6b5n4m3l2`, Finding{1, "npm registry token", "z9x8c7v6b5n4m3l2"}},
		{"yarn config set npmScopes.acme.npmAuthToken\tz9x8c7v6b5n4m3l2", Finding{1, "npm registry token", "z9x8c7v6b5n4m3l2"}},
		{`poetry config --local pypi-token.pypi t0ken-f0r-test-index`, Finding{1, "PyPI token", "t0ken-f0r-test-index"}},
		{`poetry config -n http-basic.internal deploy Int3rnal-Passw0rd`, Finding{1, "PyPI upload password", "Int3rnal-Passw0rd"}},
		{"python -m twine upload -u deploy\t-p\tUpl0ad-Passw0rd dist/*\r", Finding{1, "PyPI upload password", "Upl0ad-Passw0rd"}},
		{"poetry publish \\\n  --build \\\n  --password=Upl0ad-Passw0rd", Finding{3, "PyPI upload password", "Upl0ad-Passw0rd"}},
		{`docker --config=/tmp/ci login -u ci -pS3cr3t-Passw0rd registry.example.com`, Finding{1, "registry login password", "S3cr3t-Passw0rd"}},
		{`helm registry login registry.example.com --username ci --password 'S3cr3t Passw0rd'`, Finding{1, "registry login password", "S3cr3t Passw0rd"}},
		{`az login --service-principal -u 0f1e2d3c -p Cl1ent-S3cret.pem2 --tenant T`, Finding{1, "registry login password", "Cl1ent-S3cret.pem2"}},
		{`docker login -u ci -p ./S3cr3t-Passw0rd registry.example.com`, Finding{1, "registry login password", "./S3cr3t-Passw0rd"}},
		{`docker --debug login -u ci -p S3cr3t-Passw0rd registry.example.com`, Finding{1, "registry login password", "S3cr3t-Passw0rd"}},
		{`docker --config /tmp/ci -D login --password=S3cr3t-Passw0rd registry.example.com`, Finding{1, "registry login password", "S3cr3t-Passw0rd"}},
		{`podman --log-level debug login -p S3cr3t-Passw0rd registry.example.com`, Finding{1, "registry login password", "S3cr3t-Passw0rd"}},
		{`nerdctl --insecure-registry login -u ci -p S3cr3t-Passw0rd registry.example.com`, Finding{1, "registry login password", "S3cr3t-Passw0rd"}},
		{`echo -e "\0033[32m` + npmToken + `\0033[0m"`, Finding{1, "npm token", npmToken}},
		{`echo -e "\E[32m` + npmToken + `\E[0m"`, Finding{1, "npm token", npmToken}},
		{`echo "_authToken=q1w2e3r4t5y6u7i8" >> ~/.npmrc`, Finding{1, "npm registry token", "q1w2e3r4t5y6u7i8"}},
		{`echo _auth=ZGVwbG95OnMzY3IzdA== > .npmrc`, Finding{1, "npm registry token", "ZGVwbG95OnMzY3IzdA=="}},
		{`skopeo copy --dest-creds "bot:Sk0peo-Passw0rd" docker://a.example.org/x:1 docker://quay.io/acme/x:1`, Finding{1, "registry login password", "Sk0peo-Passw0rd"}},
		{`skopeo copy --src-creds=reader:Sk0peo-Passw0rd docker://a.example.org/x:1 oci:x`, Finding{1, "registry login password", "Sk0peo-Passw0rd"}},
		{`skopeo copy --dest-username bot --dest-password Sk0peo-Passw0rd docker://a/x docker://b.example.org/x`, Finding{1, "registry login password", "Sk0peo-Passw0rd"}},
		{`oras push --password 0ras-Passw0rd-99 zot.example.org/acme/tool:1 tool.tgz`, Finding{1, "registry login password", "0ras-Passw0rd-99"}},
		{`oras cp --to-password=0ras-Passw0rd-99 a.example.org/x:1 b.example.org/x:1`, Finding{1, "registry login password", "0ras-Passw0rd-99"}},
		{`regctl registry login reg.example.org --user bot --pass R3gctl-Passw0rd`, Finding{1, "registry login password", "R3gctl-Passw0rd"}},
		{`echo '{"auths":{"reg.example.org":{"auth":"Ym90OlMzY3IzdC1QYXNzdzByZA=="}}}' > /kaniko/.docker/config.json`, Finding{1, "registry auth in a Docker config", "Ym90OlMzY3IzdC1QYXNzdzByZA=="}},
		{`echo "{\"auths\":{\"reg.example.org\":{\"auth\":\"Ym90OlMzY3IzdC1QYXNzdzByZA==\"}}}" > /kaniko/.docker/config.json`, Finding{1, "registry auth in a Docker config", "Ym90OlMzY3IzdC1QYXNzdzByZA=="}},
		{`printf '//registry.npmjs.org/:_authToken=%s\n' q1w2e3r4t5y6u7i8 >> ~/.npmrc`, Finding{1, "npm registry token", "q1w2e3r4t5y6u7i8"}},
		{`printf "_auth=%s\n" "ZGVwbG95OnMzY3IzdA==" > .npmrc`, Finding{1, "npm registry token", "ZGVwbG95OnMzY3IzdA=="}},
		{`printf 'npmAuthToken: %s\n' z9x8c7v6b5n4m3l2 >> .yarnrc.yml`, Finding{1, "npm registry token", "z9x8c7v6b5n4m3l2"}},
	} {
		if diff := cmp.Diff([]Finding{tt.want}, Scan(tt.script)); diff != "" {
			t.Errorf("Scan(%q) (-want +got):\n%s", tt.script, diff)
		}
	}
}

// printf writes a token as the argument that fills the conversion right
// after the token's key. Each conversion before it takes one argument
// (%*s two), %% takes none, and printf reuses its format while
// arguments remain.
func TestScanPrintfConversions(t *testing.T) {
	for _, tt := range []struct {
		script string
		want   []Finding
	}{
		{`printf '//%s/:_authToken=%s\n' registry.example.com q1w2e3r4t5y6u7i8 >> ~/.npmrc`,
			[]Finding{{1, "npm registry token", "q1w2e3r4t5y6u7i8"}}},
		{`printf "//%s/:_authToken=%s\n" "$NPM_HOST" q1w2e3r4t5y6u7i8 >> .npmrc`,
			[]Finding{{1, "npm registry token", "q1w2e3r4t5y6u7i8"}}},
		{`printf 'email=%s\n_auth=%s\n' ci@example.com ZGVwbG95OnMzY3IzdA== >> .npmrc`,
			[]Finding{{1, "npm registry token", "ZGVwbG95OnMzY3IzdA=="}}},
		{`printf '# 100%% generated\n//%s/:_password=%s\n' npm.example.com UzNjcjN0LVBhc3N3MHJk >> .npmrc`,
			[]Finding{{1, "npm registry token", "UzNjcjN0LVBhc3N3MHJk"}}},
		{`printf 'always-auth=%d\n//%s/:_authToken=%s\n' 1 npm.example.com q1w2e3r4t5y6u7i8 >> .npmrc`,
			[]Finding{{1, "npm registry token", "q1w2e3r4t5y6u7i8"}}},
		{`printf '%*s//%s/:_authToken=%s\n' 0 '' npm.example.com q1w2e3r4t5y6u7i8 >> .npmrc`,
			[]Finding{{1, "npm registry token", "q1w2e3r4t5y6u7i8"}}},
		{`printf 'npmRegistryServer: "https://%s"\nnpmAuthToken: %s\n' npm.example.com z9x8c7v6b5n4m3l2 >> .yarnrc.yml`,
			[]Finding{{1, "npm registry token", "z9x8c7v6b5n4m3l2"}}},
		{`printf 'npmAuthToken: "%s"\n' z9x8c7v6b5n4m3l2 >> .yarnrc.yml`,
			[]Finding{{1, "npm registry token", "z9x8c7v6b5n4m3l2"}}},
		{`printf '//%s/:_authToken=%s\n' a.example.com q1w2e3r4t5y6u7i8 b.example.com p0o9i8u7y6t5r4e3 >> .npmrc`,
			[]Finding{{1, "npm registry token", "q1w2e3r4t5y6u7i8"}, {1, "npm registry token", "p0o9i8u7y6t5r4e3"}}},
		// The host fills the first conversion, and the token is a variable.
		{`printf '%s:_authToken=%s\n' //npm.example.com/ "$NPM_TOKEN" >> .npmrc`, nil},
		// %%s is the text %s, so the key's value is no argument.
		{`printf '_authToken=%%s %s\n' q1w2e3r4t5y6u7i8 >> .npmrc`, nil},
	} {
		if diff := cmp.Diff(tt.want, Scan(tt.script)); diff != "" {
			t.Errorf("Scan(%q) (-want +got):\n%s", tt.script, diff)
		}
	}
}

// bash's printf -v VAR (bash manual, "Bash Builtin Commands") stores the
// formatted text in VAR instead of printing it, so the format follows the
// variable's name, joined to -v or not, and an optional --.
func TestScanPrintfToVariable(t *testing.T) {
	for _, tt := range []struct {
		script string
		want   []Finding
	}{
		{`printf -v line '//registry.npmjs.org/:_authToken=%s' q1w2e3r4t5y6u7i8; echo "$line" >> ~/.npmrc`,
			[]Finding{{1, "npm registry token", "q1w2e3r4t5y6u7i8"}}},
		{`printf -vline '_auth=%s\n' ZGVwbG95OnMzY3IzdA== && echo "$line" > .npmrc`,
			[]Finding{{1, "npm registry token", "ZGVwbG95OnMzY3IzdA=="}}},
		{`printf -v line -- '//%s/:_authToken=%s\n' npm.example.com q1w2e3r4t5y6u7i8`,
			[]Finding{{1, "npm registry token", "q1w2e3r4t5y6u7i8"}}},
		// The format has no token key.
		{`printf -v line '%s\n' q1w2e3r4t5y6u7i8`, nil},
	} {
		if diff := cmp.Diff(tt.want, Scan(tt.script)); diff != "" {
			t.Errorf("Scan(%q) (-want +got):\n%s", tt.script, diff)
		}
	}
}

// Placeholders in lower case or in brackets are not credentials, but a
// value with digits in them is read as written.
func TestScanPlaceholders(t *testing.T) {
	for _, script := range []string{
		`docker login -u ci -p your-password registry.example.com`,
		`docker login -u ci -p yourpassword registry.example.com`,
		`docker login -u ci -p '<password>' registry.example.com`,
		`docker login -u ci -p '[MASKED]' registry.example.com`,
		`docker login -u ci -p changeme registry.example.com`,
		`docker login -u ci -p xxxxxx registry.example.com`,
		`docker login -u ci -p '***' registry.example.com`,
		`npm config set //registry.npmjs.org/:_authToken Your_Npm_Token`,
		`curl -u ci:password https://api.example.com`,
		`curl -H "Authorization: Bearer [REDACTED]" https://api.example.com`,
		`git push https://ci:change-me@git.example.com/acme/app.git`,
	} {
		if got := Scan(script); len(got) > 0 {
			t.Errorf("Scan(%q) = %v, want nothing", script, got)
		}
	}
	for _, tt := range []struct {
		script string
		want   Finding
	}{
		{`docker login -u ci -p yourT0ken1234567890 registry.example.com`, Finding{1, "registry login password", "yourT0ken1234567890"}},
		{`docker login -u ci -p '[q1w2e3r4t5y6u7i8]' registry.example.com`, Finding{1, "registry login password", "[q1w2e3r4t5y6u7i8]"}},
		{`curl -u ci:changeme4f9a2b7c1d3e https://api.example.com`, Finding{1, "password in curl's --user", "changeme4f9a2b7c1d3e"}},
	} {
		if diff := cmp.Diff([]Finding{tt.want}, Scan(tt.script)); diff != "" {
			t.Errorf("Scan(%q) (-want +got):\n%s", tt.script, diff)
		}
	}
}

// BenchmarkScanTypical scans a script of the kind most jobs run, which
// holds no credential: the cost every run step of a large organisation
// pays.
func BenchmarkScanTypical(b *testing.B) {
	script := "npm ci\nnpm test\naws sts get-caller-identity\naws s3 sync ./dist s3://team-bucket-0001 --delete\necho done"
	for b.Loop() {
		Scan(script)
	}
}

// Other package managers' upload credentials: uv, cargo, helm chart
// repositories, and the shapes of crates.io tokens and RubyGems keys.
func TestScanOtherPublishers(t *testing.T) {
	crates := "cio" + strings.Repeat("Ab3d", 8)
	gems := "rubygems_" + strings.Repeat("0a1b2c3d", 6)
	script := strings.Join([]string{
		`uv publish --token Upl0ad-T0ken-123`,   // 1
		`uv publish -p Upl0ad-Passw0rd dist/*`,  // 2
		`cargo publish --token Cr4te-T0ken-xyz`, // 3
		`cargo login S3cret-Cargo-T0ken`,        // 4
		`echo ` + crates,                        // 5
		`gem push pkg.gem --key ` + gems,        // 6
		`helm repo add acme https://charts.example.com --username ci --password H3lm-Passw0rd`, // 7
		`cargo login --registry internal`,                                   // 8: reads stdin
		`uv publish --token "$UV_PUBLISH_TOKEN"`,                            // 9: a variable
		`uv publish --publish-url http://localhost:8080/ -p L0cal-Passw0rd`, // 10: a local index
	}, "\n")
	want := []Finding{
		{Line: 1, Kind: "PyPI upload password", Value: "Upl0ad-T0ken-123"},
		{Line: 2, Kind: "PyPI upload password", Value: "Upl0ad-Passw0rd"},
		{Line: 3, Kind: "crates.io token", Value: "Cr4te-T0ken-xyz"},
		{Line: 4, Kind: "crates.io token", Value: "S3cret-Cargo-T0ken"},
		{Line: 5, Kind: "crates.io token", Value: crates},
		{Line: 6, Kind: "RubyGems API key", Value: gems},
		{Line: 7, Kind: "registry login password", Value: "H3lm-Passw0rd"},
	}
	if diff := cmp.Diff(want, Scan(script)); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
}

// kubectl and oc take a bearer token for the API server with --token, on
// any command and in kubectl config set-credentials. A variable is no
// literal, and --token-file names a file.
func TestScanKubernetesToken(t *testing.T) {
	script := strings.Join([]string{
		`kubectl --token=canary-kubetoken-X9x9 set image deployment/api api=ghcr.io/o/api:1 -n prod`, // 1
		`oc login --server https://api.example.com:6443 --token sha256~canary-octoken-X9x9`,          // 2
		`kubectl config set-credentials ci --token="canary-setcreds-X9x9"`,                           // 3
	}, "\n")
	want := []Finding{
		{Line: 1, Kind: "Kubernetes API token", Value: "canary-kubetoken-X9x9"},
		{Line: 2, Kind: "Kubernetes API token", Value: "sha256~canary-octoken-X9x9"},
		{Line: 3, Kind: "Kubernetes API token", Value: "canary-setcreds-X9x9"},
	}
	if diff := cmp.Diff(want, Scan(script)); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	for _, script := range []string{
		`kubectl --token "$KUBE_TOKEN" get pods`,
		`kubectl --token=${{ secrets.KUBE_TOKEN }} rollout status deployment/api`,
		`kubectl --token-file /var/run/secrets/token get pods`,
	} {
		if got := Scan(script); len(got) > 0 {
			t.Errorf("Scan(%q) = %v, want nothing", script, got)
		}
	}
}
