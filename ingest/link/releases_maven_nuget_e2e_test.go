package link_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestMavenReleasePublishesPOMProject ingests repositories whose mvn
// deploy at the top publishes the project their pom.xml names, as the
// purl pkg:maven/GROUP/ARTIFACT. mvn deploy without
// -DaltDeploymentRepository goes to the repository of the pom's
// distributionManagement, so its edge is possible. With OSSRH named on the
// command line it is certain. gradle publish names no project of a pom.xml.
func TestMavenReleasePublishesPOMProject(t *testing.T) {
	release := func(run string) string {
		return "on: push\njobs:\n  release:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: " + run +
			"\n        env:\n          MAVEN_PASSWORD: ${{ secrets.CENTRAL_TOKEN }}\n"
	}
	const pom = "<project xmlns=\"http://maven.apache.org/POM/4.0.0\">\n  <groupId>com.example</groupId>\n  <artifactId>widget</artifactId>\n  <version>1.0.0</version>\n</project>\n"
	dir := t.TempDir()
	writeRepos(t, dir, map[string]map[string]string{
		"deploy": {".github/workflows/release.yml": release("mvn -B deploy"), "pom.xml": pom},
		"ossrh": {".github/workflows/release.yml": release("mvn deploy -DaltDeploymentRepository=ossrh::https://oss.sonatype.org/service/local/staging/deploy/maven2/"),
			"pom.xml": pom},
		"gradle": {".github/workflows/release.yml": release("./gradlew publishToSonatype"), "pom.xml": pom},
		"module": {".github/workflows/release.yml": release("mvn -pl core deploy"), "pom.xml": pom},
	})
	s, _ := ingestDir(t, dir)
	want := []string{
		"registry:central.sonatype.com/secret:gha:o/deploy/CENTRAL_TOKEN -> pkg:maven/com.example/widget possible",
		"registry:central.sonatype.com/secret:gha:o/ossrh/CENTRAL_TOKEN -> pkg:maven/com.example/widget certain",
	}
	if diff := cmp.Diff(want, canPublish(t, s)); diff != "" {
		t.Errorf("CAN_PUBLISH (-want +got):\n%s", diff)
	}
}

// TestNuGetReleasePublishesPackageID ingests repositories whose dotnet
// nuget push at the top publishes the package id of their one .csproj,
// as the purl pkg:nuget/ID. A project without a PackageId, and a push to
// another source, publish no package the input names.
func TestNuGetReleasePublishesPackageID(t *testing.T) {
	release := func(source string) string {
		return "on: push\njobs:\n  release:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: dotnet pack -c Release -o out\n" +
			"      - run: dotnet nuget push out/*.nupkg --api-key ${{ secrets.NUGET_KEY }} --source " + source + "\n"
	}
	const csproj = "<Project Sdk=\"Microsoft.NET.Sdk\">\n  <PropertyGroup>\n    <PackageId>Example.Widget</PackageId>\n  </PropertyGroup>\n</Project>\n"
	dir := t.TempDir()
	writeRepos(t, dir, map[string]map[string]string{
		"push":  {".github/workflows/release.yml": release("https://api.nuget.org/v3/index.json"), "Widget.csproj": csproj},
		"noID":  {".github/workflows/release.yml": release("https://api.nuget.org/v3/index.json"), "Widget.csproj": "<Project Sdk=\"Microsoft.NET.Sdk\"/>\n"},
		"other": {".github/workflows/release.yml": release("https://nuget.example.com/v3/index.json"), "Widget.csproj": csproj},
	})
	s, _ := ingestDir(t, dir)
	want := []string{
		"registry:nuget.org/secret:gha:o/push/NUGET_KEY -> pkg:nuget/Example.Widget certain",
	}
	if diff := cmp.Diff(want, canPublish(t, s)); diff != "" {
		t.Errorf("CAN_PUBLISH (-want +got):\n%s", diff)
	}
}
