package pkgcmd

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
)

// namedWords splits a command at blanks outside single quotes, as the CI
// readers hand commands over.
func namedWords(s string) []string {
	var out []string
	for i, part := range strings.Split(s, "'") {
		if i%2 == 1 {
			out = append(out, part)
			continue
		}
		out = append(out, strings.Fields(part)...)
	}
	return out
}

// TestNamedInstalls checks the packages that install commands name on
// their command line. The expected values follow each tool's
// documentation: npm install takes NAME, NAME@VERSION, NAME@TAG,
// NAME@RANGE and ALIAS@npm:NAME[@...], besides folders, tarballs and git
// references, which name no registry package. pip takes PEP 508
// requirement specifiers (NAME, NAME[extras]==1.0, NAME>=1,<2), and -r,
// -c and -e take a file or a project. go install PKG@VERSION builds the
// package from the module that contains it. cargo install takes NAME,
// NAME@VERSION and --version, which is an exact version unless it has a
// requirement operator. gem install takes NAME, NAME:VERSION and -v,
// whose bare version is an exact requirement.
func TestNamedInstalls(t *testing.T) {
	token := strings.Repeat("a1B2", 9)
	exact := func(eco, name, version, text string, scripts bool) NamedInstall {
		return NamedInstall{Eco: eco, Name: name, Version: version, Text: text, Scripts: scripts}
	}
	floating := func(eco, name, requested, text string, scripts bool) NamedInstall {
		return NamedInstall{Eco: eco, Name: name, Requested: requested, Text: text, Scripts: scripts}
	}
	cmd := func(n NamedInstall, c string) NamedInstall { n.Command = c; return n }
	computed := func(n NamedInstall) NamedInstall { n.Computed = true; return n }
	marker := func(n NamedInstall) NamedInstall { n.Marker = true; return n }
	module := func(n NamedInstall, pkg string, known bool) NamedInstall {
		n.GoPackage, n.ModuleKnown = pkg, known
		return n
	}
	tests := []struct {
		cmd  string
		env  Env
		want []NamedInstall
	}{
		// bun, uv pip and pipx
		{"bun add -g cowsay@1.5.0", nil, []NamedInstall{cmd(exact(NPM, "cowsay", "1.5.0", "cowsay@1.5.0", true), "bun add cowsay@1.5.0")}},
		{"uv pip install --system black==23.1.0", nil, []NamedInstall{cmd(exact(PyPI, "black", "23.1.0", "black==23.1.0", true), "uv pip install black==23.1.0")}},
		// uv's own options that take a value, and --no-build, which
		// installs wheels only.
		{"uv pip install -p 3.12 --index-strategy unsafe-best-match -P foo 'Black[d]>=24'", nil, []NamedInstall{cmd(
			floating(PyPI, "black", ">=24", "Black[d]>=24", true), "uv pip install black>=24")}},
		{"uv pip install --no-build ruff", nil, []NamedInstall{cmd(
			floating(PyPI, "ruff", "", "ruff", false), "uv pip install ruff")}},
		{"pipx install --python python3.11 black==23.1.0", nil, []NamedInstall{cmd(exact(PyPI, "black", "23.1.0", "black==23.1.0", true), "pipx install black==23.1.0")}},
		{"pipx install poetry", nil, []NamedInstall{cmd(floating(PyPI, "poetry", "", "poetry", true), "pipx install poetry")}},
		{"pipx run black", nil, nil},
		// npm, yarn and pnpm
		{"npm install -g semantic-release@22.0.0", nil, []NamedInstall{cmd(
			exact(NPM, "semantic-release", "22.0.0", "semantic-release@22.0.0", true),
			"npm install semantic-release@22.0.0")}},
		{"npm i --global typescript@v5.4.2 prettier", nil, []NamedInstall{
			cmd(exact(NPM, "typescript", "5.4.2", "typescript@v5.4.2", true), "npm i typescript@5.4.2"),
			cmd(floating(NPM, "prettier", "", "prettier", true), "npm i prettier")}},
		{"npm add -D @types/node@^20 eslint@latest", nil, []NamedInstall{
			cmd(floating(NPM, "@types/node", "^20", "@types/node@^20", true), "npm add @types/node@^20"),
			cmd(floating(NPM, "eslint", "latest", "eslint@latest", true), "npm add eslint@latest")}},
		{"npm install --save-exact @scope/tool@1.2.3-beta.1", nil, []NamedInstall{cmd(
			exact(NPM, "@scope/tool", "1.2.3-beta.1", "@scope/tool@1.2.3-beta.1", true),
			"npm install @scope/tool@1.2.3-beta.1")}},
		{"npm install --ignore-scripts left-pad@1.3.0", nil, []NamedInstall{cmd(
			exact(NPM, "left-pad", "1.3.0", "left-pad@1.3.0", false), "npm install left-pad@1.3.0")}},
		{"npm install left-pad@1.3.0", Env{"npm_config_ignore_scripts": "true"}, []NamedInstall{cmd(
			exact(NPM, "left-pad", "1.3.0", "left-pad@1.3.0", false), "npm install left-pad@1.3.0")}},
		// An alias installs the package it names after npm:.
		{"npm install pad@npm:left-pad@1.3.0", nil, []NamedInstall{cmd(
			exact(NPM, "left-pad", "1.3.0", "pad@npm:left-pad@1.3.0", true), "npm install left-pad@1.3.0")}},
		// Options that take a value, and an option npm does not know,
		// which npm reads as a flag.
		{"npm --prefix web install --registry http://127.0.0.1:4873 --no-wurbl x@1.0.0", nil, []NamedInstall{cmd(
			exact(NPM, "x", "1.0.0", "x@1.0.0", true), "npm install x@1.0.0")}},
		{"npm install --omit dev --tag next x", nil, []NamedInstall{cmd(floating(NPM, "x", "", "x", true), "npm install x")}},
		{"npm ci", nil, nil},
		{"npm install", nil, nil},
		{"npm install -g", nil, nil},
		{"npm install --no-save ./tools/x ../y /abs file:z x.tgz https://example.org/x.tgz github:o/r o/r git+https://example.org/r.git", nil, nil},
		{"npm install $PKG ${{matrix.tool}}@1.0.0 `echo x`", nil, nil},
		{"npm install x@$X_VERSION", nil, []NamedInstall{cmd(computed(floating(NPM, "x", "", "x@$X_VERSION", true)), "npm install x")}},
		{"npm run install x@1.0.0", nil, nil},
		{"yarn global add serve@14.2.1", nil, []NamedInstall{cmd(
			exact(NPM, "serve", "14.2.1", "serve@14.2.1", true), "yarn global add serve@14.2.1")}},
		{"yarn add --dev --ignore-scripts jest@^29", nil, []NamedInstall{cmd(
			floating(NPM, "jest", "^29", "jest@^29", false), "yarn add jest@^29")}},
		{"yarn global list", nil, nil},
		{"yarn install", nil, nil},
		{"pnpm add -g pnpm@8.15.4", nil, []NamedInstall{cmd(
			exact(NPM, "pnpm", "8.15.4", "pnpm@8.15.4", true), "pnpm add pnpm@8.15.4")}},
		{"pnpm --filter web add -D vitest", nil, []NamedInstall{cmd(floating(NPM, "vitest", "", "vitest", true), "pnpm add vitest")}},
		{"pnpm install", nil, nil},

		// pip
		{"pip install black==23.1.0", nil, []NamedInstall{cmd(
			exact(PyPI, "black", "23.1.0", "black==23.1.0", true), "pip install black==23.1.0")}},
		{"pip3 install --upgrade pip 'Django_Extensions[all]>=3.2,<4' 'requests ; python_version < \"3.8\"'", nil, []NamedInstall{
			cmd(floating(PyPI, "pip", "", "pip", true), "pip3 install pip"),
			cmd(floating(PyPI, "django-extensions", ">=3.2,<4", "Django_Extensions[all]>=3.2,<4", true), "pip3 install django-extensions>=3.2,<4"),
			cmd(marker(floating(PyPI, "requests", "", "requests ; python_version < \"3.8\"", true)), "pip3 install requests")}},
		{"python3 -m pip install --only-binary :all: ruff===0.3.0", nil, []NamedInstall{cmd(
			exact(PyPI, "ruff", "0.3.0", "ruff===0.3.0", false), "python3 -m pip install ruff==0.3.0")}},
		{"python -m pip install -i https://127.0.0.1/simple -r requirements.txt -c c.txt -e . x==1.*", nil, []NamedInstall{cmd(
			floating(PyPI, "x", "==1.*", "x==1.*", true), "python -m pip install x==1.*")}},
		{"pip install --target out --index-url $URL black~=23.1", nil, []NamedInstall{cmd(
			floating(PyPI, "black", "~=23.1", "black~=23.1", true), "pip install black~=23.1")}},
		{"pip install black==$BLACK", nil, []NamedInstall{cmd(computed(floating(PyPI, "black", "", "black==$BLACK", true)), "pip install black")}},
		{"pip install . ./sub dist/x-1.0.whl https://example.org/x.zip git+https://example.org/r.git x@https://example.org/x.zip", nil, nil},
		{"pip install -r requirements.txt", nil, nil},
		{"pip download black==23.1.0", nil, nil},
		{"pip install black==23.1.0", Env{"PIP_ONLY_BINARY": ":all:"}, []NamedInstall{cmd(
			exact(PyPI, "black", "23.1.0", "black==23.1.0", false), "pip install black==23.1.0")}},

		// go install PKG@VERSION
		{"go install golang.org/x/tools/cmd/goimports@v0.1.0", nil, []NamedInstall{cmd(module(
			exact(Go, "golang.org/x/tools", "v0.1.0", "golang.org/x/tools/cmd/goimports@v0.1.0", false),
			"golang.org/x/tools/cmd/goimports", false), "go install golang.org/x/tools/cmd/goimports@v0.1.0")}},
		{"go install -v -ldflags '-s -w' github.com/Org/Tool/v2/cmd/x@latest", nil, []NamedInstall{cmd(module(
			floating(Go, "github.com/Org/Tool/v2", "latest", "github.com/Org/Tool/v2/cmd/x@latest", false),
			"github.com/Org/Tool/v2/cmd/x", false), "go install github.com/Org/Tool/v2/cmd/x@latest")}},
		{"go install mvdan.cc/gofumpt@v0.5.0", nil, []NamedInstall{cmd(module(
			exact(Go, "mvdan.cc/gofumpt", "v0.5.0", "mvdan.cc/gofumpt@v0.5.0", false),
			"mvdan.cc/gofumpt", false), "go install mvdan.cc/gofumpt@v0.5.0")}},
		{"go install honnef.co/go/tools/cmd/staticcheck@2023.1.6", nil, []NamedInstall{cmd(module(
			floating(Go, "honnef.co/go/tools", "2023.1.6", "honnef.co/go/tools/cmd/staticcheck@2023.1.6", false),
			"honnef.co/go/tools/cmd/staticcheck", false), "go install honnef.co/go/tools/cmd/staticcheck@2023.1.6")}},
		{"go install github.com/a/b@v1.2.3", nil, []NamedInstall{cmd(module(
			exact(Go, "github.com/a/b", "v1.2.3", "github.com/a/b@v1.2.3", false),
			"github.com/a/b", true), "go install github.com/a/b@v1.2.3")}},
		{"go install gopkg.in/yaml.v3/cmd/x@v3.0.1", nil, []NamedInstall{cmd(module(
			exact(Go, "gopkg.in/yaml.v3", "v3.0.1", "gopkg.in/yaml.v3/cmd/x@v3.0.1", false),
			"gopkg.in/yaml.v3/cmd/x", false), "go install gopkg.in/yaml.v3/cmd/x@v3.0.1")}},
		{"go install ./cmd/x", nil, nil},
		{"go install github.com/a/b/cmd/x", nil, nil},
		{"go get github.com/a/b@v1.2.3", nil, nil},
		{"go install github.com/a/b@$V", nil, []NamedInstall{cmd(module(computed(
			floating(Go, "github.com/a/b", "", "github.com/a/b@$V", false)),
			"github.com/a/b", true), "go install github.com/a/b")}},

		// cargo install
		{"cargo install ripgrep --version 13.0.0", nil, []NamedInstall{cmd(
			exact(Cargo, "ripgrep", "13.0.0", "ripgrep", true), "cargo install ripgrep --version 13.0.0")}},
		{"cargo +stable install --locked cargo-nextest@0.9.67 --features x", nil, []NamedInstall{cmd(
			exact(Cargo, "cargo-nextest", "0.9.67", "cargo-nextest@0.9.67", true), "cargo install cargo-nextest@0.9.67")}},
		{"cargo install just --version=~1.2", nil, []NamedInstall{cmd(
			floating(Cargo, "just", "~1.2", "just", true), "cargo install just --version ~1.2")}},
		{"cargo install just --vers =1.25.2", nil, []NamedInstall{cmd(
			exact(Cargo, "just", "1.25.2", "just", true), "cargo install just --version 1.25.2")}},
		{"cargo install sccache", nil, []NamedInstall{cmd(floating(Cargo, "sccache", "", "sccache", true), "cargo install sccache")}},
		{"cargo install --path .", nil, nil},
		{"cargo install --git https://example.org/r.git tool", nil, nil},
		{"cargo install", nil, nil},

		// gem install
		{"gem install rubocop -v 1.50.0", nil, []NamedInstall{cmd(
			exact(Gem, "rubocop", "1.50.0", "rubocop", true), "gem install rubocop -v 1.50.0")}},
		{"gem install bundler:2.4.22 --no-document", nil, []NamedInstall{cmd(
			exact(Gem, "bundler", "2.4.22", "bundler:2.4.22", true), "gem install bundler -v 2.4.22")}},
		{"gem install --version '~> 1.50' rubocop", nil, []NamedInstall{cmd(
			floating(Gem, "rubocop", "~> 1.50", "rubocop", true), "gem install rubocop -v ~> 1.50")}},
		{"gem install -N bundler", nil, []NamedInstall{cmd(floating(Gem, "bundler", "", "bundler", true), "gem install bundler")}},
		{"gem install mysql2 -- --with-mysql-config=/usr/bin/x", nil, []NamedInstall{cmd(
			floating(Gem, "mysql2", "", "mysql2", true), "gem install mysql2")}},
		{"gem install ./pkg/x-1.0.gem", nil, nil},
		{"gem list", nil, nil},

		// npm names are at most 214 characters long.
		{"npm install -g " + strings.Repeat("a", 215) + "@1.0.0", nil, nil},

		// A token pasted where a name belongs names no package, and one
		// pasted where a version belongs is not quoted.
		{"npm install -g npm_" + token, nil, nil},
		{"npm install -g @ghp_" + token + "/x@1.0.0", nil, nil},
		{"npm install -g x@npm:@npm_" + token + "/y@1.0.0", nil, nil},
		{"npm install -g cowsay@ghp_" + token, nil, []NamedInstall{cmd(
			computed(floating(NPM, "cowsay", "", "cowsay@ghp_"+token, true)), "npm install cowsay")}},
		{"pip install ghp_" + token, nil, nil},
		{"pip install pypi-AgEIcHlwaS5vcmc" + token, nil, nil},
		{"pip install pypi-attestations==0.0.20", nil, []NamedInstall{cmd(
			exact(PyPI, "pypi-attestations", "0.0.20", "pypi-attestations==0.0.20", true),
			"pip install pypi-attestations==0.0.20")}},
		{"pip install 'black==ghp_" + token + "'", nil, []NamedInstall{cmd(
			computed(floating(PyPI, "black", "", "black==ghp_"+token, true)), "pip install black")}},
		{"go install example.org/ghp_" + token + "/cmd/x@v1.0.0", nil, nil},
		{"go install golang.org/x/tools/cmd/goimports@ghp_" + token, nil, []NamedInstall{cmd(module(
			computed(floating(Go, "golang.org/x/tools", "", "golang.org/x/tools/cmd/goimports@ghp_"+token, false)),
			"golang.org/x/tools/cmd/goimports", false), "go install golang.org/x/tools/cmd/goimports")}},
		{"cargo install ghp_" + token, nil, nil},
		{"cargo install ripgrep --version ghp_" + token, nil, []NamedInstall{cmd(
			computed(floating(Cargo, "ripgrep", "", "ripgrep", true)), "cargo install ripgrep")}},
		{"gem install ghp_" + token, nil, nil},
		{"gem install rubocop -v ghp_" + token, nil, []NamedInstall{cmd(
			computed(floating(Gem, "rubocop", "", "rubocop", true)), "gem install rubocop")}},
		{"bundle install", nil, nil},
	}
	for _, tt := range tests {
		got := NamedInstalls(namedWords(tt.cmd), tt.env)
		if diff := cmp.Diff(got, tt.want); diff != "" {
			t.Errorf("NamedInstalls(%q) (-got +want):\n%s", tt.cmd, diff)
		}
	}
}

// TestNamedInstallIDs checks that the ids follow the lockfiles' purls:
// an npm scope is the namespace, PyPI names are PEP 503 normalised, Go
// module paths are lower-cased and split at the last slash.
func TestNamedInstallIDs(t *testing.T) {
	tests := []struct {
		cmd, id, nameID string
	}{
		{"pip install black==23.1.0", "pkg:pypi/black@23.1.0", "pkg:pypi/black"},
		{"pip install Django_Extensions", "pkg:pypi/django-extensions", "pkg:pypi/django-extensions"},
		{"npm i -g @scope/tool@1.2.3", "pkg:npm/%40scope/tool@1.2.3", "pkg:npm/%40scope/tool"},
		{"npm i -g semantic-release@^22", "pkg:npm/semantic-release", "pkg:npm/semantic-release"},
		{"go install golang.org/x/tools/cmd/goimports@v0.1.0", "pkg:golang/golang.org/x/tools@v0.1.0", "pkg:golang/golang.org/x/tools"},
		{"go install github.com/Org/Tool/cmd/x@v1.0.0", "pkg:golang/github.com/org/tool@v1.0.0", "pkg:golang/github.com/org/tool"},
		{"cargo install ripgrep --version 13.0.0", "pkg:cargo/ripgrep@13.0.0", "pkg:cargo/ripgrep"},
		{"gem install rubocop -v 1.50.0", "pkg:gem/rubocop@1.50.0", "pkg:gem/rubocop"},
	}
	for _, tt := range tests {
		got := NamedInstalls(strings.Fields(tt.cmd), nil)
		if len(got) != 1 {
			t.Errorf("%q: %d packages, want 1", tt.cmd, len(got))
			continue
		}
		if id := got[0].ID(); id != tt.id {
			t.Errorf("%q: ID() = %q, want %q", tt.cmd, id, tt.id)
		}
		if id := got[0].NameID(); id != tt.nameID {
			t.Errorf("%q: NameID() = %q, want %q", tt.cmd, id, tt.nameID)
		}
	}
}

// TestEffectsCarryNamedInstalls checks that Effects hands the packages
// over with the install effect of the command, and that yarn global add,
// which installs outside the project, is an install of a tool.
func TestEffectsCarryNamedInstalls(t *testing.T) {
	effs := Effects(strings.Fields("pip install black==23.1.0"), nil)
	if len(effs) != 1 || !effs[0].Install || len(effs[0].Named) != 1 || effs[0].Named[0].Name != "black" {
		t.Errorf("pip install black==23.1.0: effects %+v", effs)
	}
	effs = Effects(strings.Fields("yarn global add serve@14.2.1"), nil)
	want := Effect{Eco: NPM, Install: true, Tool: true, Named: NamedInstalls(strings.Fields("yarn global add serve@14.2.1"), nil)}
	if len(effs) != 1 || !cmp.Equal(effs[0], want) {
		t.Errorf("yarn global add: effects %+v, want %+v", effs, want)
	}
	if effs := Effects(strings.Fields("npm ci"), nil); len(effs) != 1 || effs[0].Named != nil {
		t.Errorf("npm ci: effects %+v", effs)
	}
}

// TestNamedInstallReason checks the reason of the job's EXECUTES edge: it
// quotes the command and states whether code of the package runs while it
// installs.
func TestNamedInstallReason(t *testing.T) {
	tests := []struct {
		cmd  string
		env  Env
		want []string // parts the reason contains
	}{
		{"pip install black==23.1.0", nil, []string{"pip install black==23.1.0", "that version", "source distribution"}},
		{"npm i -g x@1.0.0", nil, []string{"npm i x@1.0.0", "install scripts run"}},
		{"npm i -g --ignore-scripts x@1.0.0", nil, []string{"npm i x@1.0.0", "install scripts do not run"}},
		{"npm i -g x@next", nil, []string{"npm i x@next", "registry decides", "next"}},
		{"npm i -g x", nil, []string{"npm i x", "latest version"}},
		{"pip install x==$V", nil, []string{"pip install x", "set when the job runs"}},
		{"go install golang.org/x/tools/cmd/goimports@v0.1.0", nil, []string{
			"go install golang.org/x/tools/cmd/goimports@v0.1.0", "golang.org/x/tools", "runs no code"}},
		{"cargo install ripgrep --version 13.0.0", nil, []string{"cargo install ripgrep --version 13.0.0", "build script"}},
		{"gem install rubocop -v 1.50.0", nil, []string{"gem install rubocop -v 1.50.0", "native extension"}},
	}
	for _, tt := range tests {
		got := NamedInstalls(strings.Fields(tt.cmd), tt.env)
		if len(got) != 1 {
			t.Errorf("%q: %d packages, want 1", tt.cmd, len(got))
			continue
		}
		reason := got[0].EdgeAttrs()["reason"]
		for _, part := range tt.want {
			if !strings.Contains(reason, part) {
				t.Errorf("%q: reason %q lacks %q", tt.cmd, reason, part)
			}
		}
	}
}

// FuzzNamedInstalls checks that every package read has a name, and that
// no part that reasons quote contains a variable's text.
func FuzzNamedInstalls(f *testing.F) {
	for _, seed := range []string{"npm i -g a@1.0.0", "pip install 'x[y]>=1,<2'", "go install a.b/c/cmd/d@v1.0.0",
		"cargo install x --version 1.0.0", "gem install x:1.0", "yarn global add @a/b@^1", "npm i x@npm:y@1"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, cmd string) {
		for _, n := range NamedInstalls(namedWords(cmd), nil) {
			if n.Name == "" || n.Version != "" && n.Requested != "" ||
				strings.ContainsAny(n.Name+n.Version+n.Requested+n.Command, "$`{}") {
				t.Errorf("NamedInstalls(%q) gave %+v", cmd, n)
			}
		}
	})
}

// TestNamedInstallProjectInstalls checks which named installs also
// install the project's locked packages, as the package managers'
// documentation describes them. npm, yarn and pnpm add a name to the
// project and install its whole tree, unless they install globally. pip
// installs the project's packages only from a requirements file or a
// folder. go install NAME@VERSION ignores the module of the current folder,
// and cargo install and gem install fetch the named package alone.
func TestNamedInstallProjectInstalls(t *testing.T) {
	tests := []struct {
		cmd      string
		installs string // the installs attribute of a job that runs cmd alone
	}{
		{"npm install left-pad@1.3.0", "npm"},
		{"npm install -g semantic-release@22.0.0", ""},
		{"npm i --global semantic-release", ""},
		{"npm install --location=global x@1.0.0", ""},
		{"npm install --location global x@1.0.0", ""},
		{"pnpm add -g x@1.0.0", ""},
		{"yarn add x@1.0.0", "npm"},
		{"pip install black==23.1.0", ""},
		{"pip install -r requirements.txt black==23.1.0", "pypi"},
		{"pip install --requirement=requirements.txt black", "pypi"},
		{"pip install -rrequirements.txt black", "pypi"},
		{"pip install -e . black", "pypi"},
		{"python3 -m pip install black", ""},
		{"go install golang.org/x/tools/cmd/goimports@v0.1.0", ""},
		{"go get golang.org/x/tools@v0.1.0", "golang"},
		{"cargo install ripgrep", ""},
		{"cargo install --path . ripgrep", "cargo"},
		{"gem install rubocop -v 1.50.0", ""},
		{"bun add cowsay@1.5.0", "npm"},
		{"bun add -g cowsay@1.5.0", ""},
		{"uv pip install black==23.1.0", ""},
		{"uv pip install -r requirements.txt black", "pypi"},
		{"pipx install black==23.1.0", ""},
	}
	for _, tt := range tests {
		got := Attrs(Effects(strings.Fields(tt.cmd), nil))["installs"]
		if got != tt.installs {
			t.Errorf("%s: installs %q, want %q", tt.cmd, got, tt.installs)
		}
	}
}

// pip installs a requirement with an environment marker only where the
// marker holds, and the input does not show the job's Python, so the
// install is possible. Without a marker it is certain.
func TestNamedInstallMarker(t *testing.T) {
	tests := []struct {
		cmd  string
		want graph.Confidence
	}{
		{"pip install 'black==23.1.0; python_version < \"3.0\"'", graph.Possible},
		{"pip install 'black;sys_platform==\"win32\"'", graph.Possible},
		{"pip install black==23.1.0", graph.Certain},
	}
	for _, tt := range tests {
		got := NamedInstalls(namedWords(tt.cmd), nil)
		if len(got) != 1 {
			t.Fatalf("%q: %d packages, want 1", tt.cmd, len(got))
		}
		if c := got[0].Confidence(); c != tt.want {
			t.Errorf("%q: confidence %s, want %s", tt.cmd, c, tt.want)
		}
		reason := got[0].EdgeAttrs()[graph.AttrReason]
		if hasMarker := strings.Contains(reason, "environment marker"); hasMarker != (tt.want == graph.Possible) {
			t.Errorf("%q: reason %q", tt.cmd, reason)
		}
	}
}
