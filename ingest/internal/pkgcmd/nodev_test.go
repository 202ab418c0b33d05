package pkgcmd

import (
	"strings"
	"testing"
)

// TestNoDev checks, per tool, which installs leave out the packages only
// development needs, as each tool's documentation gives its options and
// variables.
func TestNoDev(t *testing.T) {
	for _, tc := range []struct {
		cmd  string
		env  Env
		want bool
	}{
		{"npm ci --omit=dev", nil, true},
		{"npm ci --omit dev", nil, true},
		{"npm install --production", nil, true},
		{"npm ci", nil, false},
		// --include=dev wins over --omit=dev and NODE_ENV.
		{"npm ci --omit=dev --include=dev", nil, false},
		{"npm ci", Env{"NODE_ENV": "production"}, true},
		{"npm ci", Env{"NPM_CONFIG_OMIT": "dev"}, true},
		{"npm ci", Env{"NODE_ENV": "test"}, false},
		// npm's older spellings of --include=dev, and the same in
		// variables, bring the devDependencies back over NODE_ENV.
		{"npm ci --production=false", Env{"NODE_ENV": "production"}, false},
		{"npm install --production false", Env{"NODE_ENV": "production"}, false},
		{"npm ci --also=dev", Env{"NODE_ENV": "production"}, false},
		{"npm ci --dev", Env{"NODE_ENV": "production"}, false},
		{"npm ci --include dev", Env{"NODE_ENV": "production"}, false},
		{"npm ci --omit=dev", Env{"npm_config_include": "dev"}, false},
		{"npm ci", Env{"NODE_ENV": "production", "NPM_CONFIG_PRODUCTION": "false"}, false},
		{"npm ci", Env{"NODE_ENV": "production", "npm_config_dev": "true"}, false},
		{"npm ci", Env{"NPM_CONFIG_PRODUCTION": "true"}, true},
		{"yarn install --production", nil, true},
		{"yarn --prod", nil, true},
		{"yarn install", Env{"NODE_ENV": "production"}, true},
		// --production=false wins over NODE_ENV.
		{"yarn install --production=false", Env{"NODE_ENV": "production"}, false},
		{"yarn --prod=false", Env{"NODE_ENV": "production"}, false},
		{"yarn add left-pad --production", nil, false},
		{"yarn workspaces focus --production", nil, true},
		{"yarn workspaces focus", nil, false},
		{"pnpm install --prod", nil, true},
		{"pnpm i -P", nil, true},
		{"pnpm install", nil, false},
		{"pnpm install", Env{"NODE_ENV": "production"}, true},
		{"bun install --production", nil, true},
		{"bun i -p", nil, true},
		{"bun install", nil, false},
		{"composer install --no-dev", nil, true},
		{"composer update --no-dev", nil, true},
		{"composer install", Env{"COMPOSER_NO_DEV": "1"}, true},
		{"composer install", nil, false},
		// pipenv installs the [dev-packages] only with --dev.
		{"pipenv install", nil, true},
		{"pipenv sync", nil, true},
		{"pipenv install --dev", nil, false},
		{"pipenv sync -d", nil, false},
		{"pipenv install", Env{"PIPENV_DEV": "1"}, false},
		{"poetry install --only main", nil, true},
		{"poetry install --only=main", nil, true},
		// Other groups than dev stay in.
		{"poetry install --without dev", nil, false},
		{"poetry install", nil, false},
		{"uv sync --no-dev", nil, true},
		{"uv sync --no-dev --group test", nil, false},
		{"uv run --no-dev python app.py", nil, true},
		{"uv sync", nil, false},
		// Maven loads the test-scoped dependencies only to run the tests.
		{"mvn -B verify", nil, false},
		// -DskipTests still compiles the tests against the test-scoped
		// dependencies, and javac may run annotation processors it finds
		// among them.
		{"mvn package -DskipTests", nil, false},
		{"mvn install -DskipTests=true", nil, false},
		{"mvn test-compile", nil, false},
		{"mvn package -DskipTests -Dmaven.test.skip=true", nil, true},
		{"mvn package -Dmaven.test.skip=true", nil, true},
		{"mvn compile", nil, true},
		{"mvn exec:java -Dexec.mainClass=com.example.Main", nil, true},
		{"mvn surefire:test", nil, false},
		// Gradle runs test configurations' modules only in the tests.
		{"./gradlew build", nil, false},
		{"./gradlew build -x test", nil, true},
		{"./gradlew assemble", nil, true},
		{"./gradlew bootRun", nil, true},
		{"./gradlew integrationTest", nil, false},
		// A task of the build script may run the tests.
		{"./gradlew publishDocs", nil, false},
	} {
		effects := Effects(strings.Fields(tc.cmd), tc.env)
		got := false
		for _, e := range effects {
			if e.Install && !e.Tool {
				got = e.NoDev
			}
		}
		if got != tc.want {
			t.Errorf("%q with %v: NoDev %v, want %v", tc.cmd, tc.env, got, tc.want)
		}
	}
}

// TestDevOffBerry checks which installs leave out the development
// dependencies of a Yarn 2+ lockfile. Yarn 2 and later ignore
// NODE_ENV=production and reject yarn install --production (the install
// fails, so nothing is installed); yarn workspaces focus --production is
// how they leave them out.
func TestDevOffBerry(t *testing.T) {
	for _, tc := range []struct {
		cmds          []string
		env           Env
		devOff, berry string
	}{
		{[]string{"yarn install"}, Env{"NODE_ENV": "production"}, "npm", ""},
		{[]string{"yarn"}, Env{"NODE_ENV": "production"}, "npm", ""},
		{[]string{"yarn install --production"}, nil, "npm", "npm"},
		{[]string{"yarn workspaces focus --all --production"}, nil, "npm", "npm"},
		{[]string{"yarn workspaces focus --production", "yarn install"}, Env{"NODE_ENV": "production"}, "npm", ""},
		{[]string{"npm ci"}, Env{"NODE_ENV": "production"}, "npm", "npm"},
		{[]string{"yarn install"}, nil, "", ""},
	} {
		var effs []Effect
		for _, c := range tc.cmds {
			effs = append(effs, Effects(strings.Fields(c), tc.env)...)
		}
		a := Attrs(effs)
		if a[AttrDevOff] != tc.devOff || a[AttrDevOffBerry] != tc.berry {
			t.Errorf("%q with %v: %s=%q %s=%q, want %q and %q", tc.cmds, tc.env,
				AttrDevOff, a[AttrDevOff], AttrDevOffBerry, a[AttrDevOffBerry], tc.devOff, tc.berry)
		}
	}
}
