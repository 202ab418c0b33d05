package gitlab

import (
	"testing"

	"github.com/blastradius-dev/blastradius/graph"
)

// Release tools also read the tokens that earlier lines of the job stored
// in their settings files. twine reads the password of the ~/.pypirc
// section of the repository it uploads to, which is [pypi] unless -r names
// another. gem push reads the :rubygems_api_key: of ~/.gem/credentials,
// and cargo publish the token that cargo login read from its input. Maven
// reads the server passwords of settings.xml. NuGet reads the key that
// nuget setapikey stores and the password that dotnet nuget add source
// stores for its URL.
func TestReleasesSettingsLogins(t *testing.T) {
	src := `pypirc:
  script:
    - |
      cat > ~/.pypirc <<EOF
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
    - echo "$WHOLE_PYPIRC" >> "$HOME/.pypirc"
    - twine upload dist/*
testpypi:
  script:
    - echo "[testpypi]" > ~/.pypirc
    - echo "username = $TESTPYPI_USER" >> ~/.pypirc
    - echo "password = $TESTPYPI_ONLY_TOKEN" >> ~/.pypirc
    - python -m twine upload -r testpypi dist/*
gem:
  script:
    - mkdir -p ~/.gem
    - 'echo ":rubygems_api_key: $GEM_CRED_KEY" > ~/.gem/credentials'
    - chmod 0600 ~/.gem/credentials
    - gem push pkg/widget-1.0.0.gem
cargo:
  script:
    - echo "$CARGO_LOGIN_TOKEN" | cargo login
    - cargo publish
maven:
  script:
    - echo "<settings><servers><server><id>central</id><username>$MVN_USER</username><password>$MVN_SETTINGS_PASSWORD</password></server></servers></settings>" > ~/.m2/settings.xml
    - mvn -B deploy
setapikey:
  script:
    - nuget setapikey $NUGET_STORED_KEY -Source https://api.nuget.org/v3/index.json
    - nuget push Widget.1.0.0.nupkg -Source https://api.nuget.org/v3/index.json
feed:
  script:
    - dotnet nuget add source https://nuget.example.com/v3/index.json --name corp --username ci --password "$FEED_PASSWORD" --store-password-in-clear-text
    - dotnet nuget push out/Widget.1.0.0.nupkg --source https://nuget.example.com/v3/index.json
`
	res, err := parseBytes(t, ".gitlab-ci.yml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	checkVariableAccounts(t, res, []variableAccount{
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
	for _, v := range []string{"TEST_PYPI_TOKEN", "TESTPYPI_USER", "MVN_USER", "HOME"} {
		if got := targets(res, graph.GitLabVariableID(testProject, v), graph.EdgeAuthenticatesAs); len(got) != 0 {
			t.Errorf("%s authenticates as %v, want nothing", v, got)
		}
	}
}

// A token stored in settings logs in only for a later release by the tool
// that reads them. It logs in for no release before it and for no other
// tool's release. Nor does it log in when the job's own variables set it,
// because it is then no CI/CD variable of the project.
func TestReleasesSettingsLoginsWithoutRelease(t *testing.T) {
	src := `stored:
  script:
    - 'echo ":rubygems_api_key: $UNUSED_GEM_KEY" > ~/.gem/credentials'
    - echo "$UNUSED_CARGO_TOKEN" | cargo login
    - printf '[pypi]\nusername = __token__\npassword = %s\n' "$UNUSED_PYPI_TOKEN" > ~/.pypirc
    - nuget setapikey $UNUSED_NUGET_KEY
    - gem build widget.gemspec
    - cargo publish --dry-run
after:
  script:
    - twine upload dist/*
    - printf '[pypi]\nusername = __token__\npassword = %s\n' "$LATE_PYPI_TOKEN" > ~/.pypirc
other:
  script:
    - echo "$OTHER_CARGO_TOKEN" | cargo login
    - gem push pkg/widget-1.0.0.gem
ctrl:
  script:
    - cargo login --registry my-reg "$MY_REG_TOKEN"
    - cargo publish --token "$CTRL_CRATES_TOKEN"
defined:
  variables:
    JOB_PYPI_TOKEN: not-a-secret
  script:
    - printf '[pypi]\nusername = __token__\npassword = %s\n' "$JOB_PYPI_TOKEN" > ~/.pypirc
    - cp ci/pypirc ~/.pypirc
    - twine upload dist/*
`
	res, err := parseBytes(t, ".gitlab-ci.yml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	checkVariableAccounts(t, res, []variableAccount{
		{"CTRL_CRATES_TOKEN", "crates.io", graph.Certain, true, true},
	})
	for _, v := range []string{"UNUSED_GEM_KEY", "UNUSED_CARGO_TOKEN", "UNUSED_PYPI_TOKEN", "UNUSED_NUGET_KEY",
		"LATE_PYPI_TOKEN", "OTHER_CARGO_TOKEN", "MY_REG_TOKEN", "JOB_PYPI_TOKEN"} {
		if got := targets(res, graph.GitLabVariableID(testProject, v), graph.EdgeAuthenticatesAs); len(got) != 0 {
			t.Errorf("%s authenticates as %v, want nothing", v, got)
		}
	}
}
