package circleci

import (
	"slices"
	"strings"
	"testing"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
)

// Release tools also read the tokens that earlier steps of the job stored
// in their settings files. twine reads the password of the ~/.pypirc
// section of the repository it uploads to, which is [pypi] unless -r names
// another. gem push reads the :rubygems_api_key: of ~/.gem/credentials,
// and cargo publish the token that cargo login read from its input. Maven
// reads the server passwords of settings.xml. NuGet reads the key that
// nuget setapikey stores and the password that dotnet nuget add source
// stores for its URL. Files outlive the step that writes them.
func TestRegistryReleasesSettingsLogins(t *testing.T) {
	src := `version: 2.1
jobs:
  release:
    docker:
      - image: cimg/python:3.12
    steps:
      - checkout
      - run: |
          cat > ~/.pypirc \<<EOF
          [distutils]
          index-servers =
              pypi
              testpypi
          [pypi]
          username = __token__
          password = $PYPI_TOKEN
          [testpypi]
          username = __token__
          password = ${TEST_PYPI_TOKEN}
          EOF
      - run: echo "$WHOLE_PYPIRC" >> "$HOME/.pypirc"
      - run: twine upload dist/*
      - run: |
          mkdir -p ~/.gem
          echo ":rubygems_api_key: $GEM_CRED_KEY" > ~/.gem/credentials
          gem push pkg/widget-1.0.0.gem
      - run: echo "$CARGO_LOGIN_TOKEN" | cargo login
      - run: cargo publish
      - run: echo "<settings><servers><server><id>central</id><username>$MVN_USER</username><password>$MVN_SETTINGS_PASSWORD</password></server></servers></settings>" > ~/.m2/settings.xml
      - run: mvn -B deploy
      - run: nuget setapikey $NUGET_STORED_KEY -Source https://api.nuget.org/v3/index.json
      - run: nuget push Widget.1.0.0.nupkg -Source https://api.nuget.org/v3/index.json
      - run: dotnet nuget add source https://nuget.example.com/v3/index.json --name corp --username ci --password "$FEED_PASSWORD" --store-password-in-clear-text
      - run: dotnet nuget push out/Widget.1.0.0.nupkg --source https://nuget.example.com/v3/index.json
  testpypi:
    docker:
      - image: cimg/python:3.12
    steps:
      - checkout
      - run: |
          echo "[testpypi]" > ~/.pypirc
          echo "username = $TESTPYPI_USER" >> ~/.pypirc
          echo "password = $TESTPYPI_ONLY_TOKEN" >> ~/.pypirc
      - run: python -m twine upload -r testpypi dist/*
workflows:
  main:
    jobs:
      - release
      - testpypi
`
	res, err := parseBytes(t, "in/.circleci/config.yml", ".circleci/config.yml", testRepo, []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	checkReleaseAccounts(t, res, []releaseAccount{
		{"PYPI_TOKEN", "pypi.org", graph.Certain, true, true},
		{"WHOLE_PYPIRC", "pypi.org", graph.Certain, true, true},
		{"TESTPYPI_ONLY_TOKEN", "test.pypi.org", graph.Certain, false, false},
		{"GEM_CRED_KEY", "rubygems.org", graph.Certain, true, true},
		{"CARGO_LOGIN_TOKEN", "crates.io", graph.Certain, true, true},
		{"MVN_SETTINGS_PASSWORD", "central.sonatype.com", graph.Possible, true, false},
		{"NUGET_STORED_KEY", "nuget.org", graph.Certain, true, true},
		{"FEED_PASSWORD", "nuget.example.com", graph.Certain, false, false},
	})
	// twine uploads to pypi.org with [pypi]'s password, not [testpypi]'s.
	// User names and the path of the file log in nowhere.
	checkNoReleaseAccounts(t, res, "TEST_PYPI_TOKEN", "TESTPYPI_USER", "MVN_USER", "HOME")
}

// A token stored in settings logs in only for a later release by the tool
// that reads them. It logs in for no release before it and for no other
// tool's release. Nor does it log in when the job's own environment sets
// the variable, because it is then no secret of the project.
func TestRegistryReleasesSettingsLoginsWithoutRelease(t *testing.T) {
	src := `version: 2.1
jobs:
  stored:
    docker:
      - image: cimg/base:current
    steps:
      - checkout
      - run: 'echo ":rubygems_api_key: $UNUSED_GEM_KEY" > ~/.gem/credentials'
      - run: echo "$UNUSED_CARGO_TOKEN" | cargo login
      - run: printf '[pypi]\nusername = __token__\npassword = %s\n' "$UNUSED_PYPI_TOKEN" > ~/.pypirc
      - run: nuget setapikey $UNUSED_NUGET_KEY
      - run: gem build widget.gemspec
      - run: cargo publish --dry-run
  after:
    docker:
      - image: cimg/python:3.12
    steps:
      - checkout
      - run: twine upload dist/*
      - run: printf '[pypi]\nusername = __token__\npassword = %s\n' "$LATE_PYPI_TOKEN" > ~/.pypirc
  other:
    docker:
      - image: cimg/rust:1.80
    steps:
      - checkout
      - run: echo "$OTHER_CARGO_TOKEN" | cargo login
      - run: gem push pkg/widget-1.0.0.gem
  ctrl:
    docker:
      - image: cimg/rust:1.80
    steps:
      - checkout
      - run: cargo login --registry my-reg "$MY_REG_TOKEN"
      - run: cargo publish --token "$CTRL_CRATES_TOKEN"
  defined:
    docker:
      - image: cimg/python:3.12
    environment:
      JOB_PYPI_TOKEN: not-a-secret
    steps:
      - checkout
      - run: printf '[pypi]\nusername = __token__\npassword = %s\n' "$JOB_PYPI_TOKEN" > ~/.pypirc
      - run: cp ci/pypirc ~/.pypirc
      - run: twine upload dist/*
workflows:
  main:
    jobs:
      - stored
      - after
      - other
      - ctrl
      - defined
`
	res, err := parseBytes(t, "in/.circleci/config.yml", ".circleci/config.yml", testRepo, []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	checkReleaseAccounts(t, res, []releaseAccount{
		{"CTRL_CRATES_TOKEN", "crates.io", graph.Certain, true, true},
	})
	checkNoReleaseAccounts(t, res, "UNUSED_GEM_KEY", "UNUSED_CARGO_TOKEN", "UNUSED_PYPI_TOKEN", "UNUSED_NUGET_KEY",
		"LATE_PYPI_TOKEN", "OTHER_CARGO_TOKEN", "MY_REG_TOKEN", "JOB_PYPI_TOKEN")
}

// releaseAccount is a variable of the project or a context that logs in to
// host for a release. conf is the confidence of the account's reach of the
// registry. project and certain tell whether it releases the project's own
// package, and whether for certain.
type releaseAccount struct {
	variable, host   string
	conf             graph.Confidence
	project, certain bool
}

// checkReleaseAccounts checks each variable's account on its host, and
// that account's reach and release of the project.
func checkReleaseAccounts(t *testing.T, res *ingest.Result, tests []releaseAccount) {
	t.Helper()
	vars := graph.CircleCIProjectVariablesID(testRepo)
	for _, tt := range tests {
		id := graph.RegistryAccountID(tt.host, vars+"/"+tt.variable)
		if !slices.Contains(targets(res, vars, graph.EdgeAuthenticatesAs), id) {
			t.Errorf("%s: no account %s", tt.variable, id)
			continue
		}
		if e := findEdge(t, res, id, graph.EdgeCanAccess, graph.RegistryScopeID(tt.host)); e.Confidence != tt.conf {
			t.Errorf("%s: scope edge is %s, want %s", tt.variable, e.Confidence, tt.conf)
		}
		n := findNode(t, res, id)
		if got := n.Attr(graph.AttrReleasesProject) == "true"; got != tt.project {
			t.Errorf("%s releases the project: %v, want %v", tt.variable, got, tt.project)
		}
		if got := n.Attr(graph.AttrReleasesProjectCertain) == "true"; got != tt.certain {
			t.Errorf("%s releases the project for certain: %v, want %v", tt.variable, got, tt.certain)
		}
	}
}

// checkNoReleaseAccounts checks that none of the variables logs in as a
// registry account.
func checkNoReleaseAccounts(t *testing.T, res *ingest.Result, variables ...string) {
	t.Helper()
	vars := graph.CircleCIProjectVariablesID(testRepo)
	for _, n := range res.Nodes {
		for _, v := range variables {
			if strings.HasPrefix(n.ID, "registry:") && strings.HasSuffix(n.ID, "/"+vars+"/"+v) {
				t.Errorf("%s logs in as %s, want nothing", v, n.ID)
			}
		}
	}
}
