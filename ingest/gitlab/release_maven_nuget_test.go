package gitlab

import (
	"testing"

	"github.com/blastradius-dev/blastradius/graph"
)

// mvn deploy logs in to the repository the pom names with a password that
// settings.xml reads from a variable (MAVEN_PASSWORD), taken to be Maven
// Central's. Gradle's Maven Central tasks read ORG_GRADLE_PROJECT_
// properties. dotnet nuget push logs in to nuget.org with its --api-key,
// also when PowerShell reads it ($env:NAME).
// install, --help, a signing passphrase and a variable unset before the
// command log in nowhere.
func TestReleasesMavenNuGet(t *testing.T) {
	src := `deploy:
  variables:
    MAVEN_PASSWORD: $CENTRAL_TOKEN
  script:
    - mvn -B deploy -Dgpg.passphrase="$GPG_PASSPHRASE"
sonatype:
  script:
    - export ORG_GRADLE_PROJECT_sonatypePassword=$SONATYPE_TOKEN
    - ./gradlew publishToSonatype
nuget:
  script:
    - dotnet pack -c Release -o out
    - dotnet nuget push out/*.nupkg --api-key "$NUGET_KEY" --source https://api.nuget.org/v3/index.json
windows:
  tags: [windows]
  script:
    - dotnet nuget push out\*.nupkg --api-key $env:WIN_NUGET_KEY --source https://api.nuget.org/v3/index.json
install:
  variables:
    MAVEN_PASSWORD: $INSTALL_TOKEN
  script:
    - mvn install
help:
  script:
    - dotnet nuget push --help --api-key "$HELP_KEY"
unset:
  variables:
    MAVEN_PASSWORD: $UNSET_TOKEN
  before_script:
    - unset MAVEN_PASSWORD
  script:
    - mvn deploy
`
	res, err := parseBytes(t, ".gitlab-ci.yml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	checkVariableAccounts(t, res, []variableAccount{
		{"CENTRAL_TOKEN", "central.sonatype.com", graph.Possible, true, false},
		{"SONATYPE_TOKEN", "central.sonatype.com", graph.Certain, false, false},
		{"NUGET_KEY", "nuget.org", graph.Certain, true, true},
		// PowerShell, the shell of GitLab's Windows runners, reads a
		// variable as $env:NAME.
		{"WIN_NUGET_KEY", "nuget.org", graph.Certain, true, true},
	})
	for _, v := range []string{"INSTALL_TOKEN", "HELP_KEY", "UNSET_TOKEN", "GPG_PASSPHRASE"} {
		if got := targets(res, graph.GitLabVariableID(testProject, v), graph.EdgeAuthenticatesAs); len(got) != 0 {
			t.Errorf("%s authenticates as %v, want nothing", v, got)
		}
	}
}
