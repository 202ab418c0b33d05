package registry

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// mvn deploy and release:perform upload to the repository of the pom's
// distributionManagement, which is not read, unless
// -DaltDeploymentRepository=id::url names one; OSSRH's hosts release to
// Maven Central. gradle publish uploads to the repositories the build
// script declares; publishToSonatype and the Maven Central tasks upload
// to Maven Central. dotnet nuget push and nuget push go to the source
// that --source or -Source names. NuGet.Config defines the names of
// sources other than nuget.org, and the source of a push without one
// (DefaultPushSource), and a folder is no registry.
// install, verify, package, build, pack, publishToMavenLocal, -m (Gradle's
// dry run), -Dmaven.deploy.skip=true and --help release nothing.
func TestScanReleasesMavenNuGet(t *testing.T) {
	script := `mvn -B deploy -DskipTests
./mvnw deploy -DaltDeploymentRepository=ossrh::https://s01.oss.sonatype.org/service/local/staging/deploy/maven2/
mvn deploy -DaltDeploymentRepository=internal::default::https://repo.example.com/releases
mvn release:perform
mvn -pl core deploy
mvn install
mvn -B verify
mvn deploy -Dmaven.deploy.skip=true
mvn --help deploy
./gradlew publish
./gradlew publishToSonatype closeAndReleaseSonatypeStagingRepository
gradle publishAllPublicationsToMavenCentralRepository --no-configuration-cache
./gradlew publishToMavenLocal
./gradlew build -x publish
./gradlew publish -m
dotnet nuget push bin/Release/Widget.1.0.0.nupkg --api-key "$NUGET_KEY" --source https://api.nuget.org/v3/index.json
dotnet nuget push out/*.nupkg -k "$NUGET_KEY"
nuget push Widget.1.0.0.nupkg -ApiKey "$NUGET_KEY" -Source https://nuget.pkg.github.com/example-org/index.json
dotnet nuget push out/*.nupkg --source github
dotnet nuget push out/*.nupkg --source ./local-feed
dotnet pack -c Release
dotnet nuget push --help
mvn -f other/pom.xml deploy
mvn deploy:deploy-file -Dfile=lib.jar -DgroupId=com.example -DartifactId=lib -Dversion=1 -Durl=https://oss.sonatype.org/service/local/staging/deploy/maven2/`
	releases, _ := ScanReleases(script)
	want := []Release{
		{Eco: "maven", Top: true, Maybe: true, Line: 1, Index: 0},
		{Eco: "maven", Host: "central.sonatype.com", Option: "ossrh::https://s01.oss.sonatype.org/service/local/staging/deploy/maven2/", Top: true, Line: 2, Index: 1},
		{Eco: "maven", Host: "repo.example.com", Option: "internal::default::https://repo.example.com/releases", Top: true, Line: 3, Index: 2},
		{Eco: "maven", Top: true, Maybe: true, Line: 4, Index: 3},
		{Eco: "maven", Maybe: true, Line: 5, Index: 4},
		{Eco: "maven", Maybe: true, Line: 10, Index: 9},
		{Eco: "maven", Line: 11, Index: 10},
		{Eco: "maven", Line: 12, Index: 11},
		{Eco: "nuget", Host: "nuget.org", Option: "https://api.nuget.org/v3/index.json", Vars: []string{"NUGET_KEY"}, Top: true, Line: 16, Index: 15},
		{Eco: "nuget", HostUnknown: true, Vars: []string{"NUGET_KEY"}, Top: true, Line: 17, Index: 16},
		{Eco: "nuget", Host: "nuget.pkg.github.com", Option: "https://nuget.pkg.github.com/example-org/index.json", Vars: []string{"NUGET_KEY"}, Top: true, Line: 18, Index: 17},
		{Eco: "nuget", HostUnknown: true, Option: "github", Top: true, Line: 19, Index: 18},
		{Eco: "maven", Maybe: true, Line: 23, Index: 22},
		{Eco: "maven", Host: "central.sonatype.com", Option: "https://oss.sonatype.org/service/local/staging/deploy/maven2/", Line: 24, Index: 23},
	}
	if diff := cmp.Diff(want, releases, ignoreWords); diff != "" {
		t.Errorf("releases (-want +got):\n%s", diff)
	}
}

func TestReleaseToolMavenNuGet(t *testing.T) {
	tests := []struct {
		cmd   []string
		eco   string
		maybe bool
	}{
		{[]string{"mvn", "deploy"}, "maven", true},
		{[]string{"mvn", "-B", "-s", "settings.xml", "clean", "deploy"}, "maven", true},
		{[]string{"mvn", "deploy:deploy"}, "maven", true},
		{[]string{"mvn", "org.apache.maven.plugins:maven-deploy-plugin:3.1.1:deploy"}, "maven", true},
		{[]string{"mvn", "-P", "deploy", "package"}, "", false}, // a profile named deploy
		{[]string{"mvn", "release:prepare"}, "", false},
		{[]string{"mvn", "package"}, "", false},
		{[]string{"./mvnw", "-DaltDeploymentRepository=central::https://central.sonatype.com/repository/maven-snapshots/", "deploy"}, "maven", false},
		{[]string{"mvn", "deploy:deploy-file", "-Dfile=a.jar", "-Durl=https://repo.example.com/releases"}, "maven", false},
		{[]string{"mvn", "deploy:deploy-file", "-Dfile=a.jar", "-DrepositoryId=internal"}, "maven", true},
		{[]string{"gradle", ":lib:publish"}, "maven", true},
		{[]string{"./gradlew", "publishMavenJavaPublicationToOssrhRepository"}, "maven", true},
		{[]string{"./gradlew", "publishMavenJavaPublicationToMavenLocal"}, "", false},
		{[]string{"./gradlew", "publishAndReleaseToMavenCentral"}, "maven", false},
		{[]string{"./gradlew", "-x", "publishToSonatype", "test"}, "", false},
		{[]string{"mvn", "-B", "clean", "deploy", "nexus-staging:release"}, "maven", true},
		{[]string{"mvn", "nexus-staging:deploy-staged"}, "maven", true},
		{[]string{"mvn", "nexus-staging:rc-list"}, "", false},
		{[]string{"./mvnw", "-Prelease", "jreleaser:full-release"}, "maven", true},
		{[]string{"./mvnw", "jreleaser:config"}, "", false},
		{[]string{"./gradlew", "jreleaserDeploy"}, "maven", true},
		{[]string{"jreleaser", "deploy"}, "maven", true},
		{[]string{"jreleaser-cli", "full-release"}, "maven", true},
		{[]string{"jreleaser", "changelog"}, "", false},
		{[]string{"dotnet", "nuget", "push", "a.nupkg"}, "nuget", false},
		{[]string{"dotnet", "nuget", "delete", "Widget", "1.0.0"}, "", false},
		{[]string{"dotnet", "pack"}, "", false},
		{[]string{"nuget", "push", "a.nupkg", "-source", `C:\feed`}, "", false},
		{[]string{"nuget.exe", "Push", "a.nupkg"}, "nuget", false},
	}
	for _, cmd := range [][]string{{"nuget", "push", "-?"}, {"nuget", "push", "-Help"}, {"dotnet", "nuget", "push", "-?"}, {"./mvnw", "-h", "deploy"}, {"jreleaser", "deploy", "--dry-run"}} {
		if !DryRun(cmd) {
			t.Errorf("DryRun(%q) = false, want true: the command prints its usage", cmd)
		}
	}
	for _, tt := range tests {
		cmd, _ := RunnerTarget(tt.cmd)
		eco, maybe := ReleaseTool(cmd)
		if eco != tt.eco || maybe != tt.maybe {
			t.Errorf("ReleaseTool(%q) = %q, %v; want %q, %v", tt.cmd, eco, maybe, tt.eco, tt.maybe)
		}
	}
}

// Maven reads passwords through settings.xml and Gradle through
// ORG_GRADLE_PROJECT_ properties; signing keys and user names log in
// nowhere. NuGet reads its API key from --api-key or NuGet.Config, never
// from a variable.
func TestAuthEnvMavenNuGet(t *testing.T) {
	tests := []struct {
		eco, name string
		want      bool
	}{
		{"maven", "MAVEN_PASSWORD", true},
		{"maven", "MAVEN_CENTRAL_TOKEN", true},
		{"maven", "OSSRH_TOKEN", true},
		{"maven", "SONATYPE_PASSWORD", true},
		{"maven", "ORG_GRADLE_PROJECT_mavenCentralPassword", true},
		{"maven", "ORG_GRADLE_PROJECT_sonatypePassword", true},
		{"maven", "DEPLOY_PASSWORD", true},
		{"maven", "PUBLISH_TOKEN", true},
		{"maven", "MAVEN_USERNAME", false},
		{"maven", "OSSRH_USERNAME", false},
		{"maven", "MAVEN_GPG_PASSPHRASE", false},
		{"maven", "ORG_GRADLE_PROJECT_signingInMemoryKeyPassword", false},
		{"maven", "ORG_GRADLE_PROJECT_version", false},
		{"maven", "MAVEN_OPTS", false},
		{"maven", "NPM_TOKEN", false},
		{"nuget", "NUGET_API_KEY", false},
		{"npm", "MAVEN_PASSWORD", false},
	}
	for _, tt := range tests {
		if got := AuthEnv(tt.eco, tt.name); got != tt.want {
			t.Errorf("AuthEnv(%q, %q) = %v, want %v", tt.eco, tt.name, got, tt.want)
		}
	}
}

func TestReleasesCurrentMaven(t *testing.T) {
	tests := []struct {
		cmd  []string
		want bool
	}{
		{[]string{"mvn", "deploy"}, true},
		{[]string{"mvn", "-f", "pom.xml", "deploy"}, true},
		{[]string{"mvn", "--file=./pom.xml", "deploy"}, true},
		{[]string{"mvn", "-f", "core/pom.xml", "deploy"}, false},
		{[]string{"mvn", "--projects", "core,api", "deploy"}, false},
		{[]string{"mvn", "deploy:deploy-file", "-Dfile=a.jar"}, false},
		{[]string{"./gradlew", "publish"}, false},
	}
	for _, tt := range tests {
		if got := ReleasesCurrent(tt.cmd); got != tt.want {
			t.Errorf("ReleasesCurrent(%q) = %v, want %v", tt.cmd, got, tt.want)
		}
	}
}

func TestDestinationMavenNuGet(t *testing.T) {
	tests := []struct {
		r           Release
		host        string
		unknownWant bool
	}{
		{Release{Eco: "maven"}, "central.sonatype.com", false},
		{Release{Eco: "nuget"}, "nuget.org", false},
		{Release{Eco: "nuget", HostUnknown: true, Option: "github"}, "nuget.org", true},
		{Release{Eco: "maven", Host: "repo.example.com"}, "repo.example.com", false},
	}
	for _, tt := range tests {
		host, unknown := Destination(tt.r, "https://npm.example.com/", true)
		if host != tt.host || unknown != tt.unknownWant {
			t.Errorf("Destination(%+v) = %q, %v; want %q, %v", tt.r, host, unknown, tt.host, tt.unknownWant)
		}
	}
}

func TestMavenNuGetHost(t *testing.T) {
	for raw, want := range map[string]string{
		"https://oss.sonatype.org/service/local/staging/deploy/maven2/": "central.sonatype.com",
		"https://central.sonatype.com/repository/maven-snapshots/":      "central.sonatype.com",
		"https://maven.pkg.github.com/example-org/app":                  "maven.pkg.github.com",
		"${REPO_URL}": "",
	} {
		if got := MavenHost(raw); got != want {
			t.Errorf("MavenHost(%q) = %q, want %q", raw, got, want)
		}
	}
	for raw, want := range map[string]string{
		"https://api.nuget.org/v3/index.json":                                "nuget.org",
		"https://www.nuget.org/api/v2/package":                               "nuget.org",
		"https://pkgs.dev.azure.com/org/_packaging/feed/nuget/v3/index.json": "pkgs.dev.azure.com",
	} {
		if got := NuGetHost(raw); got != want {
			t.Errorf("NuGetHost(%q) = %q, want %q", raw, got, want)
		}
	}
}

// A word of the name that is GPG or starts with SIGN marks a signing
// secret, and the Gradle Plugin Portal's key names mark its keys. DESIGN
// and ASSIGNEE only contain SIGN, so those deploy tokens log in, and so
// does a Gradle project property for Maven Central.
func TestNotUploadSecretWords(t *testing.T) {
	for name, want := range map[string]bool{
		"MAVEN_GPG_PASSPHRASE":                    true,
		"SIGNING_KEY":                             true,
		"signing.password":                        true,
		"ORG_GRADLE_PROJECT_signingInMemoryKey":   true,
		"ORG_GRADLE_PROJECT_signingKey":           true,
		"GPG_PRIVATE_KEY":                         true,
		"MAVEN_PASSWORD":                          false,
		"DESIGN_SYSTEM_DEPLOY_TOKEN":              false,
		"ASSIGNEE_DEPLOY_TOKEN":                   false,
		"gradle.publish.key":                      true,
		"GRADLE_PUBLISH_SECRET":                   true,
		"gradle_key":                              true,
		"GRADLE_SECRET":                           true,
		"ORG_GRADLE_PROJECT_mavenCentralPassword": false,
	} {
		if got := NotUploadSecret(name); got != want {
			t.Errorf("NotUploadSecret(%q) = %v, want %v", name, got, want)
		}
	}
	if !AuthEnv("maven", "DESIGN_SYSTEM_DEPLOY_TOKEN") {
		t.Error("DESIGN_SYSTEM_DEPLOY_TOKEN is not read as a Maven token")
	}
}

// The deploy plugin's goals named by the plugin's coordinates are the
// goals of its prefix: deploy-file uploads to the repository of -Durl.
func TestMavenDeployPluginCoordinates(t *testing.T) {
	words := strings.Fields("mvn org.apache.maven.plugins:maven-deploy-plugin:3.1.1:deploy-file -Durl=https://repo.example.com/releases -Dfile=widget.jar")
	if eco, maybe := ReleaseTool(words); eco != "maven" || maybe {
		t.Errorf("ReleaseTool = %q, maybe %v; want maven, not maybe", eco, maybe)
	}
	if got := ReleaseHost("maven", words); got != "repo.example.com" {
		t.Errorf("ReleaseHost = %q, want repo.example.com", got)
	}
	if ReleasesCurrent(words) {
		t.Error("deploy-file releases the project of the working folder")
	}
}

// Windows runners run scripts in PowerShell, which reads a variable as
// $env:NAME, or in cmd.exe, which reads it as %NAME%. A key given that way
// is the release's token as $NAME is in a POSIX shell. A date format such
// as %Y%m%d names no variable.
func TestScanReleasesWindowsVariables(t *testing.T) {
	script := `dotnet nuget push "out\*.nupkg" --api-key $env:NUGET_API_KEY --source https://api.nuget.org/v3/index.json
nuget push out\Widget.nupkg -ApiKey %LEGACY_NUGET_KEY% -Source https://www.nuget.org/api/v2/package
dotnet nuget push out\Widget.%Y%m%d.nupkg -k $Env:NUGET_KEY`
	releases, _ := ScanReleases(script)
	var got [][]string
	for _, r := range releases {
		got = append(got, r.Vars)
	}
	want := [][]string{{"NUGET_API_KEY"}, {"LEGACY_NUGET_KEY"}, {"NUGET_KEY"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("variables of the releases (-want +got):\n%s", diff)
	}
}
