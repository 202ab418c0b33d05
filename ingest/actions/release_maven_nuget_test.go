package actions

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
)

// mvn deploy reads server passwords through settings.xml, from variables
// that actions/setup-java's server-password names or that the job sets,
// and uploads where the pom names unless -DaltDeploymentRepository names
// the repository. Gradle reads ORG_GRADLE_PROJECT_ properties, and its
// Maven Central tasks go to Maven Central for certain. dotnet nuget push
// and nuget push log in with --api-key or -ApiKey. The account can
// publish every package it owns, and the repository's own one when the
// release runs at the top.
func TestReleaseMavenNuGet(t *testing.T) {
	checkAccounts(t, []accountCase{
		{"mvn deploy with MAVEN_PASSWORD", "      - run: mvn -B deploy\n        env: {MAVEN_PASSWORD: '${{ secrets.TOK }}'}\n",
			"central.sonatype.com", graph.Possible, true, false},
		{"setup-java server-password", "      - uses: actions/setup-java@v4\n        with: {distribution: temurin, java-version: '21', server-id: central, server-username: DEPLOY_USER, server-password: RELEASE_PW}\n      - run: ./mvnw deploy\n        env: {RELEASE_PW: '${{ secrets.TOK }}'}\n",
			"central.sonatype.com", graph.Possible, true, false},
		// setup-java names GITHUB_TOKEN when no input names the variable,
		// and server-password-env-var is server-password's newer name.
		{"setup-java default password", "      - uses: actions/setup-java@v4\n        with: {distribution: temurin, java-version: '21'}\n      - run: mvn --batch-mode deploy\n        env: {GITHUB_TOKEN: '${{ secrets.TOK }}'}\n",
			"central.sonatype.com", graph.Possible, true, false},
		{"setup-java server-password-env-var", "      - uses: actions/setup-java@v4\n        with: {distribution: temurin, java-version: '21', server-id: central, server-password-env-var: RELEASE_PW}\n      - run: ./mvnw deploy\n        env: {RELEASE_PW: '${{ secrets.TOK }}'}\n",
			"central.sonatype.com", graph.Possible, true, false},
		{"altDeploymentRepository on OSSRH", "      - run: mvn deploy -DaltDeploymentRepository=ossrh::https://oss.sonatype.org/service/local/staging/deploy/maven2/\n        env: {OSSRH_TOKEN: '${{ secrets.TOK }}'}\n",
			"central.sonatype.com", graph.Certain, true, true},
		{"altDeploymentRepository elsewhere", "      - run: mvn deploy -DaltDeploymentRepository=internal::https://repo.example.com/releases\n        env: {MAVEN_PASSWORD: '${{ secrets.TOK }}'}\n",
			"repo.example.com", graph.Certain, false, false},
		{"release:perform", "      - run: mvn -B release:perform\n        env: {SONATYPE_PASSWORD: '${{ secrets.TOK }}'}\n",
			"central.sonatype.com", graph.Possible, true, false},
		{"settings.xml written earlier", "      - run: |\n          cat > ~/.m2/settings.xml <<EOF\n          <settings><servers><server><id>central</id><username>me</username><password>${{ secrets.TOK }}</password></server></servers></settings>\n          EOF\n      - run: mvn deploy\n",
			"central.sonatype.com", graph.Possible, true, false},
		{"gradle.properties written earlier", "      - run: |\n          cat >> ~/.gradle/gradle.properties <<EOF\n          mavenCentralUsername=me\n          mavenCentralPassword=${{ secrets.TOK }}\n          EOF\n          echo \"signing.password=${{ secrets.SIGNING_TOK }}\" >> ~/.gradle/gradle.properties\n      - run: ./gradlew publishAndReleaseToMavenCentral\n",
			"central.sonatype.com", graph.Certain, false, false},
		{"a module", "      - run: mvn -pl core deploy\n        env: {MAVEN_PASSWORD: '${{ secrets.TOK }}'}\n",
			"central.sonatype.com", graph.Possible, false, false},
		// The build script, which is not read, names Gradle's publications.
		{"publishToSonatype", "      - run: ./gradlew publishToSonatype closeAndReleaseSonatypeStagingRepository\n        env: {ORG_GRADLE_PROJECT_sonatypePassword: '${{ secrets.TOK }}'}\n",
			"central.sonatype.com", graph.Certain, false, false},
		{"gradle publish", "      - run: ./gradlew publish\n        env: {ORG_GRADLE_PROJECT_mavenCentralPassword: '${{ secrets.TOK }}'}\n",
			"central.sonatype.com", graph.Possible, false, false},
		{"gradle-build-action publish", "      - uses: gradle/gradle-build-action@v2\n        with: {arguments: 'publish --stacktrace'}\n        env: {DEPLOY_PASSWORD: '${{ secrets.TOK }}'}\n",
			"central.sonatype.com", graph.Possible, false, false},
		// jreleaser/release-action runs full-release unless its
		// arguments name another command. Its configuration names the
		// deployers.
		{"jreleaser-action", "      - uses: jreleaser/release-action@v2\n        env: {JRELEASER_MAVENCENTRAL_PASSWORD: '${{ secrets.TOK }}', JRELEASER_GPG_PASSPHRASE: '${{ secrets.SIGNING_TOK }}'}\n",
			"central.sonatype.com", graph.Possible, true, false},
		{"nexus-staging", "      - run: mvn -B clean deploy nexus-staging:release\n        env: {OSSRH_TOKEN: '${{ secrets.TOK }}'}\n",
			"central.sonatype.com", graph.Possible, true, false},
		{"publish-nuget", "      - uses: brandedoutcast/publish-nuget@v2\n        with: {PROJECT_FILE_PATH: Widget.csproj, NUGET_KEY: '${{ secrets.TOK }}'}\n",
			"nuget.org", graph.Certain, true, true},
		{"publish-nuget of a project in a folder", "      - uses: alirezanet/publish-nuget@v3.1.0\n        with: {PROJECT_FILE_PATH: Core/Core.csproj, NUGET_KEY: '${{ secrets.TOK }}', NUGET_SOURCE: 'https://api.nuget.org'}\n",
			"nuget.org", graph.Certain, false, false},
		{"dotnet nuget push", "      - run: dotnet nuget push bin/Release/*.nupkg --api-key ${{ secrets.TOK }} --source https://api.nuget.org/v3/index.json\n",
			"nuget.org", graph.Certain, true, true},
		{"api key through a variable", "      - run: dotnet nuget push out/*.nupkg -k \"$NUGET_KEY\" -s nuget.org\n        env: {NUGET_KEY: '${{ secrets.TOK }}'}\n",
			"nuget.org", graph.Certain, true, true},
		// NuGet.Config's DefaultPushSource, which is not read, is the
		// source of a push that names none.
		{"push without a source", "      - run: dotnet nuget push out/*.nupkg --api-key ${{ secrets.TOK }}\n",
			"nuget.org", graph.Possible, false, false},
		{"api key from PowerShell's env drive", "      - run: dotnet nuget push out/*.nupkg --api-key $env:NUGET_KEY --source https://api.nuget.org/v3/index.json\n        shell: pwsh\n        env: {NUGET_KEY: '${{ secrets.TOK }}'}\n",
			"nuget.org", graph.Certain, true, true},
		// Windows runners run steps in PowerShell by default, which reads
		// a variable as $env:NAME, and in cmd.exe with shell: cmd (%NAME%).
		{"api key through a PowerShell variable", "      - run: dotnet nuget push out\\*.nupkg --api-key $env:NUGET_KEY --source https://api.nuget.org/v3/index.json\n        env: {NUGET_KEY: '${{ secrets.TOK }}'}\n",
			"nuget.org", graph.Certain, true, true},
		{"api key through a cmd variable", "      - run: nuget push out\\Widget.1.0.0.nupkg -ApiKey %NUGET_KEY% -Source https://api.nuget.org/v3/index.json\n        shell: cmd\n        env: {NUGET_KEY: '${{ secrets.TOK }}'}\n",
			"nuget.org", graph.Certain, true, true},
		{"nuget push to GitHub Packages", "      - run: nuget push Widget.1.0.0.nupkg -ApiKey ${{ secrets.TOK }} -Source https://nuget.pkg.github.com/example-org/index.json\n",
			"nuget.pkg.github.com", graph.Certain, false, false},
		// NuGet.Config, which is not read, defines the source's name.
		{"named source", "      - run: dotnet nuget push out/*.nupkg --api-key ${{ secrets.TOK }} --source internal\n",
			"nuget.org", graph.Possible, false, false},
		{"nuget setapikey earlier", "      - run: nuget setapikey ${{ secrets.TOK }} -Source https://api.nuget.org/v3/index.json\n      - run: nuget push Widget.1.0.0.nupkg -Source https://api.nuget.org/v3/index.json\n",
			"nuget.org", graph.Certain, true, true},
		{"nuget setapikey and push without sources", "      - run: nuget setapikey ${{ secrets.TOK }}\n      - run: nuget push Widget.1.0.0.nupkg\n",
			"nuget.org", graph.Possible, false, false},
		{"dotnet nuget add source by name", "      - run: dotnet nuget add source https://nuget.example.com/v3/index.json --name internal --username ci --password ${{ secrets.TOK }} --store-password-in-clear-text\n      - run: dotnet nuget push out/*.nupkg --source internal\n",
			"nuget.org", graph.Possible, false, false},
		{"setup-dotnet source-url", "      - uses: actions/setup-dotnet@v4\n        with: {dotnet-version: '8.0.x', source-url: 'https://nuget.pkg.github.com/example-org/index.json'}\n      - run: dotnet nuget push out/*.nupkg --source https://nuget.pkg.github.com/example-org/index.json\n        env: {NUGET_AUTH_TOKEN: '${{ secrets.TOK }}'}\n",
			"nuget.pkg.github.com", graph.Certain, false, false},
	})
}

// Builds, installs, packs, dry runs, --help and a push to a folder publish
// nothing. Maven reads no signing passphrase as a login, NuGet reads no
// key from a variable, and a variable unset before the command does not
// reach it. Each case also has a release with CTRL that must be read.
func TestReleaseMavenNuGetWithoutCredentials(t *testing.T) {
	const nugetCtrl = "      - run: dotnet nuget push ctrl.1.0.0.nupkg --api-key ${{ secrets.CTRL }}\n"
	checkNoAccounts(t, []noAccountCase{
		{"mvn install", "      - run: mvn -B install\n        env: {MAVEN_PASSWORD: '${{ secrets.TOK }}'}\n" + nugetCtrl, "nuget.org"},
		{"mvn verify", "      - run: mvn verify\n        env: {MAVEN_PASSWORD: '${{ secrets.TOK }}'}\n" + nugetCtrl, "nuget.org"},
		{"mvn --help", "      - run: mvn --help deploy\n        env: {MAVEN_PASSWORD: '${{ secrets.TOK }}'}\n" + nugetCtrl, "nuget.org"},
		{"deploy skipped", "      - run: mvn deploy -Dmaven.deploy.skip=true\n        env: {MAVEN_PASSWORD: '${{ secrets.TOK }}'}\n" + nugetCtrl, "nuget.org"},
		{"deploy skipped by a bare property", "      - run: mvn deploy -Dmaven.deploy.skip\n        env: {MAVEN_PASSWORD: '${{ secrets.TOK }}'}\n" + nugetCtrl, "nuget.org"},
		{"publishToMavenLocal", "      - run: ./gradlew publishToMavenLocal\n        env: {ORG_GRADLE_PROJECT_mavenCentralPassword: '${{ secrets.TOK }}'}\n" + nugetCtrl, "nuget.org"},
		{"gradle dry run", "      - run: ./gradlew publish -m\n        env: {ORG_GRADLE_PROJECT_mavenCentralPassword: '${{ secrets.TOK }}'}\n" + nugetCtrl, "nuget.org"},
		{"GPG passphrase", "      - run: mvn deploy -Drepo.password=${{ secrets.CTRL }}\n        env: {MAVEN_GPG_PASSPHRASE: '${{ secrets.TOK }}'}\n", "central.sonatype.com"},
		{"GPG passphrase on the command line", "      - run: mvn deploy -Dgpg.passphrase=${{ secrets.GPG_TOK }} -Drepo.password=${{ secrets.CTRL }}\n" + nugetCtrl, "central.sonatype.com"},
		{"Gradle signing password on the command line", "      - run: ./gradlew publishToSonatype -Psigning.password=\"$SIGNING_PASSWORD\" -PsonatypePassword=${{ secrets.CTRL }}\n        env: {SIGNING_PASSWORD: '${{ secrets.SIGNING_TOK }}'}\n", "central.sonatype.com"},
		// Only the <password> of a settings.xml written on one line logs in:
		// the user name and the GPG passphrase's server do not.
		{"settings.xml user name and passphrase", "      - run: echo \"<settings><servers><server><id>central</id><username>${{ secrets.TOK }}</username><password>${{ secrets.CTRL }}</password></server><server><id>gpg.passphrase</id><passphrase>${{ secrets.GPG_TOK }}</passphrase></server></servers></settings>\" > ~/.m2/settings.xml\n      - run: mvn deploy\n", "central.sonatype.com"},
		{"gradle.properties signing key ring", "      - run: echo \"signing.secretKeyRingFile=${{ secrets.TOK }}\" >> gradle.properties\n      - run: ./gradlew publish\n        env: {ORG_GRADLE_PROJECT_ossrhPassword: '${{ secrets.CTRL }}'}\n", "central.sonatype.com"},
		{"gradle.properties user name", "      - run: |\n          echo \"ossrhUsername=${{ secrets.TOK }}\" >> gradle.properties\n          echo \"ossrhPassword=${{ secrets.CTRL }}\" >> gradle.properties\n      - run: ./gradlew publish\n", "central.sonatype.com"},
		{"MAVEN_PASSWORD unset first", "      - run: |\n          unset MAVEN_PASSWORD\n          mvn deploy\n        env: {MAVEN_PASSWORD: '${{ secrets.TOK }}'}\n" + nugetCtrl, "nuget.org"},
		{"jreleaser-action changelog", "      - uses: jreleaser/release-action@v2\n        with: {arguments: changelog}\n        env: {JRELEASER_MAVENCENTRAL_PASSWORD: '${{ secrets.TOK }}'}\n" + nugetCtrl, "nuget.org"},
		{"gradle-build-action build", "      - uses: gradle/gradle-build-action@v2\n        with: {arguments: build}\n        env: {DEPLOY_PASSWORD: '${{ secrets.TOK }}'}\n" + nugetCtrl, "nuget.org"},
		{"dotnet pack", "      - run: dotnet pack -c Release\n        env: {NUGET_API_KEY: '${{ secrets.TOK }}'}\n" + nugetCtrl, "nuget.org"},
		{"NuGet key in an unread variable", "      - run: dotnet nuget push out/*.nupkg --api-key ${{ secrets.CTRL }}\n        env: {NUGET_API_KEY: '${{ secrets.TOK }}'}\n", "nuget.org"},
		{"nuget setapikey for another source", "      - run: nuget setapikey ${{ secrets.TOK }} -Source https://nuget.example.com/v3/index.json\n      - run: dotnet nuget push out/*.nupkg\n" + nugetCtrl, "nuget.org"},
		{"setup-dotnet for another source", "      - uses: actions/setup-dotnet@v4\n        with: {source-url: 'https://nuget.pkg.github.com/example-org/index.json'}\n      - run: dotnet nuget push out/*.nupkg\n        env: {NUGET_AUTH_TOKEN: '${{ secrets.TOK }}'}\n" + nugetCtrl, "nuget.org"},
		{"push to a folder", "      - run: dotnet nuget push out/*.nupkg --api-key ${{ secrets.TOK }} --source ./feed\n" + nugetCtrl, "nuget.org"},
		// $NUGET_KEY_PROD is another variable than NUGET_KEY.
		{"variable whose name extends another", "      - run: dotnet nuget push out/*.nupkg --api-key \"$NUGET_KEY_PROD\"\n        env: {NUGET_KEY: '${{ secrets.TOK }}', NUGET_KEY_PROD: '${{ secrets.CTRL }}'}\n", "nuget.org"},
		{"PowerShell variable whose name extends another", "      - run: dotnet nuget push out/*.nupkg --api-key $env:NUGET_KEY_PROD\n        env: {NUGET_KEY: '${{ secrets.TOK }}', NUGET_KEY_PROD: '${{ secrets.CTRL }}'}\n", "nuget.org"},
		{"dotnet nuget push --help", "      - run: dotnet nuget push --help --api-key ${{ secrets.TOK }}\n" + nugetCtrl, "nuget.org"},
	})
}

// NuGet/login exchanges the job's OIDC token for a nuget.org API key (its
// NUGET_API_KEY output), so a push with that key publishes as a trusted
// publisher, and only with id-token: write. mvn deploy makes no such
// exchange itself.
func TestReleaseNuGetTrustedPublishing(t *testing.T) {
	const idToken = "    permissions: {id-token: write, contents: read}\n"
	const login = "      - uses: NuGet/login@v1\n        id: login\n        with: {user: example-user}\n"
	tests := []struct {
		name, perms, steps, host string
		trusted                  bool
	}{
		{"key on the command line", idToken,
			login + "      - run: dotnet nuget push out/*.nupkg --api-key ${{ steps.login.outputs.NUGET_API_KEY }} --source https://api.nuget.org/v3/index.json\n",
			"nuget.org", true},
		{"key through a variable", idToken,
			login + "      - run: dotnet nuget push out/*.nupkg --api-key \"$KEY\" --source https://api.nuget.org/v3/index.json\n        env: {KEY: '${{ steps.login.outputs.NUGET_API_KEY }}'}\n",
			"nuget.org", true},
		{"without id-token", "",
			login + "      - run: dotnet nuget push out/*.nupkg --api-key ${{ steps.login.outputs.NUGET_API_KEY }}\n",
			"nuget.org", false},
		{"another step's output", idToken,
			login + "      - run: dotnet nuget push out/*.nupkg --api-key ${{ steps.other.outputs.NUGET_API_KEY }}\n",
			"nuget.org", false},
		{"push alone", idToken, "      - run: dotnet nuget push out/*.nupkg\n", "nuget.org", false},
		{"mvn deploy alone", idToken, "      - run: mvn deploy\n", "central.sonatype.com", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, _, _ := releaseOf(t, tt.perms, tt.steps, tt.host, "TOK")
			tok := graph.GHAOIDCTokenID(graph.GHAJobID(testRepo, ".github/workflows/rel.yml", "rel"))
			ident := graph.TrustedPublisherID(tt.host, testRepo, ".github/workflows/rel.yml")
			if got := slices.Contains(targets(res, tok, graph.EdgeAuthenticatesAs), ident); got != tt.trusted {
				t.Fatalf("OIDC token acts as %s: %v, want %v", ident, got, tt.trusted)
			}
			if !tt.trusted {
				return
			}
			if got := findNode(t, res, ident).Attr(graph.AttrReleasesProject); got != "true" {
				t.Errorf("trusted publisher releases the top-level project: %q, want true", got)
			}
		})
	}
}

// The corpus holds a job that runs mvn deploy after actions/setup-java
// with no inputs and no variables. The settings.xml that setup-java
// writes reads GITHUB_TOKEN, which the job does not set, so no secret and
// no registry account reach the release.
func TestReleaseMavenCorpus(t *testing.T) {
	path := "../../../shared/corpus/ossf__scorecard/checks/testdata/.github/workflows/github-workflow-permissions-packages-writes.yaml"
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		t.Skip("shared corpus not present")
	}
	if err != nil {
		t.Fatal(err)
	}
	res, err := parseBytes(t, testRepo, ".github/workflows/packages.yml", data)
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	for _, n := range res.Nodes {
		if n.Attr("type") == "registry-account" || n.Attr("type") == "registry-scope" {
			t.Errorf("node %s (%s), want no registry account or scope", n.ID, n.Attr("type"))
		}
	}

	// The same step with a Maven password in its env logs in to Maven
	// Central, where the pom may send the upload.
	withEnv := strings.Replace(string(data), "mvn deploy bla\n", "mvn deploy bla\n        env: {MAVEN_PASSWORD: '${{ secrets.TOK }}'}\n", 1)
	if withEnv == string(data) {
		t.Fatal("the corpus file has no line mvn deploy bla")
	}
	res, err = parseBytes(t, testRepo, ".github/workflows/packages.yml", []byte(withEnv))
	if err != nil {
		t.Fatal(err)
	}
	account := graph.RegistryAccountID("central.sonatype.com", graph.GHASecretID(testRepo, "TOK"))
	if e := findEdge(t, res, account, graph.EdgeCanAccess, graph.RegistryScopeID("central.sonatype.com")); e.Confidence != graph.Possible {
		t.Errorf("scope edge is %s, want possible", e.Confidence)
	}
}

// The corpus holds a Maven release (mvn release:perform) whose command
// line passes the Central password, a GPG passphrase, and the key and
// secret of the Gradle Plugin Portal, to which the build also publishes
// a plugin. Only the Central password logs in to Central.
func TestReleaseMavenCorpusPluginPortalKeys(t *testing.T) {
	path := "../../../shared/corpus/ossf__scorecard/checks/testdata/.github/workflows/github-workflow-permissions-contents-writes-release-mvn-release.yaml"
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		t.Skip("shared corpus not present")
	}
	if err != nil {
		t.Fatal(err)
	}
	res, err := parseBytes(t, testRepo, ".github/workflows/release.yml", data)
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
	var accounts []string
	for _, n := range res.Nodes {
		if n.Attr("type") == "registry-account" {
			accounts = append(accounts, n.ID)
		}
	}
	want := []string{graph.RegistryAccountID("central.sonatype.com", graph.GHASecretID(testRepo, "central_password"))}
	if diff := cmp.Diff(want, accounts); diff != "" {
		t.Errorf("registry accounts (-want +got):\n%s", diff)
	}
}
