package registry

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// nuget setapikey stores a key for the source its -Source names, nuget.org
// without one, and dotnet nuget add source stores a password for its URL
// and the name --name gives it, unless the URL is nuget.org's.
func TestNuGetLoginKeys(t *testing.T) {
	tests := map[string][]string{
		"nuget setapikey $KEY": {"nuget.org"},
		"nuget setapikey $KEY -Source https://api.nuget.org/v3/index.json":                                {"nuget.org"},
		"nuget setapikey $KEY -source https://nuget.example.com/index.json":                               {"nuget.example.com"},
		"nuget SetApiKey $KEY -Source internal":                                                           {"source:internal"},
		"dotnet nuget add source https://nuget.pkg.github.com/o/index.json --name GitHub --password $PAT": {"nuget.pkg.github.com", "source:github"},
		"dotnet nuget update source internal --password $PAT":                                             {"source:internal"},
		// nuget.org accepts pushes with an API key only.
		"dotnet nuget add source https://api.nuget.org/v3/index.json --name nuget --password $PAT": nil,
		"echo '<add key=\"ClearTextPassword\" value=\"'$PAT'\" />' >> nuget.config":                {"*"},
	}
	for line, want := range tests {
		if diff := cmp.Diff(want, NuGetLoginKeys(line)); diff != "" {
			t.Errorf("NuGetLoginKeys(%q) (-want +got):\n%s", line, diff)
		}
	}
}

// twine reads the password of the ~/.pypirc section named for the
// repository it uploads to, which is [pypi] unless -r names another. It
// reads none for an upload to a --repository-url. A here-document's lines
// are the file's content. A command that writes the file gives the
// variables of its password values, or with none its other variables,
// except those of user names and repository URLs. A command that only
// reads the file stores nothing.
func TestToolLoginsPyPIRC(t *testing.T) {
	script := []string{
		"cat > ~/.pypirc <<'EOF'",
		"[distutils]",
		"index-servers = pypi testpypi",
		"[pypi]",
		"username = $PYPI_USER",
		"password = $PYPI_TOKEN",
		"[testpypi]",
		"password: ${TEST_TOKEN}",
		"EOF",
		"password = $AFTER_HEREDOC",
		`printf '[testpypi]\nusername = __token__\npassword = %s\n' "$PRINTF_TOKEN" >> ~/.pypirc`,
		`echo "repository = $REPO_URL" >> ~/.pypirc`,
		`echo "$WHOLE_FILE" > ~/.pypirc`,
		`echo "[pypi]" >> ~/.pypirc; echo "password = $SPLIT_TOKEN" >> ~/.pypirc`,
		`cp "$PYPIRC_FILE" "$HOME/.pypirc"`,
		`echo "$CONFIG_PASSWORD" | twine upload --config-file ~/.pypirc -u "$CONFIG_USER" dist/*`,
		`tee -a ~/.pypirc <<EOF`,
		"[testpypi]",
		"password = $TEE_TOKEN",
		"EOF",
	}
	// The readers leave out the shell's own variables, as $HOME.
	secrets := func(text string) []string {
		return slices.DeleteFunc(VarRefs(text), func(name string) bool { return name == "HOME" })
	}
	var tl ToolLogins
	for _, ln := range script {
		tl.Record(ln, secrets)
	}
	tests := []struct {
		cmd  string
		want []string
	}{
		{"twine upload dist/*", []string{"WHOLE_FILE", "PYPIRC_FILE", "PYPI_TOKEN", "SPLIT_TOKEN"}},
		{"python3 -m twine upload --repository testpypi dist/*", []string{"WHOLE_FILE", "PYPIRC_FILE", "TEST_TOKEN", "PRINTF_TOKEN", "TEE_TOKEN"}},
		{"twine upload -r internal dist/*", nil},
		{"twine upload --repository-url https://upload.pypi.org/legacy/ dist/*", nil},
		{"uv publish", nil},
		{"gem push x.gem", nil},
	}
	for _, tt := range tests {
		words := fields(tt.cmd)
		eco, _ := ReleaseTool(words)
		if diff := cmp.Diff(tt.want, tl.For(eco, words)); diff != "" {
			t.Errorf("For(%q) (-want +got):\n%s", tt.cmd, diff)
		}
	}
}

// ignoreWords leaves Release.Words out of comparisons of releases whose
// command words a test does not list.
var ignoreWords = cmpopts.IgnoreFields(Release{}, "Words")

// A release's Words are its command's, without the runner around it, as
// ToolLogins.For reads them.
func TestScanReleasesWords(t *testing.T) {
	releases, _ := ScanReleases("cd pkg\nnpx semantic-release --dry-run\nbundle exec rake release\npython -m twine upload -r testpypi dist/*")
	var got [][]string
	for _, r := range releases {
		got = append(got, r.Words)
	}
	want := [][]string{{"rake", "release"}, {"python", "-m", "twine", "upload", "-r", "testpypi", "dist/*"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("release words (-want +got):\n%s", diff)
	}
}
