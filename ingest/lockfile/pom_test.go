package lockfile

import (
	"errors"
	"strings"
	"testing"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
)

func TestPOMProject(t *testing.T) {
	const head = `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
`
	tests := []struct{ name, body, want string }{
		{"group and artifact", "  <groupId>com.example</groupId>\n  <artifactId>widget</artifactId>\n  <version>1.0.0</version>\n</project>\n",
			"com.example:widget"},
		{"group from the parent", "  <parent><groupId>org.example.parent</groupId><artifactId>parent</artifactId><version>3</version></parent>\n  <artifactId>child</artifactId>\n</project>\n",
			"org.example.parent:child"},
		{"own group over the parent's", "  <parent><groupId>org.parent</groupId><artifactId>p</artifactId></parent>\n  <groupId>org.own</groupId>\n  <artifactId>child</artifactId>\n</project>\n",
			"org.own:child"},
		// A dependency's coordinates are not the project's.
		{"only a dependency's group", "  <artifactId>lonely</artifactId>\n  <dependencies><dependency><groupId>junit</groupId><artifactId>junit</artifactId></dependency></dependencies>\n</project>\n",
			""},
		{"property in the artifactId", "  <groupId>com.example</groupId>\n  <artifactId>${name}</artifactId>\n</project>\n", ""},
		{"OSSRH distribution", "  <groupId>com.example</groupId>\n  <artifactId>widget</artifactId>\n  <distributionManagement><repository><id>ossrh</id><url>https://s01.oss.sonatype.org/service/local/staging/deploy/maven2/</url></repository></distributionManagement>\n</project>\n",
			"com.example:widget"},
		{"GitHub Packages distribution", "  <groupId>com.example</groupId>\n  <artifactId>widget</artifactId>\n  <distributionManagement><repository><id>github</id><url>https://maven.pkg.github.com/example/widget</url></repository></distributionManagement>\n</project>\n",
			""},
		{"distribution set at build time", "  <groupId>com.example</groupId>\n  <artifactId>widget</artifactId>\n  <distributionManagement><repository><url>${repo.url}</url></repository></distributionManagement>\n</project>\n",
			""},
		{"commented coordinates", "  <!-- <groupId>old</groupId> -->\n  <groupId>com.example</groupId>\n  <artifactId>widget</artifactId>\n</project>\n",
			"com.example:widget"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := parseBytes(t, NewPOM(), "pom.xml", []byte(head+tt.body))
			if err != nil {
				t.Fatal(err)
			}
			got, ok := repoAttr(res, graph.AttrMavenProject)
			if !ok {
				t.Fatal("no repository node")
			}
			if got != tt.want {
				t.Errorf("maven_project = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestPOMLatin1AndErrors(t *testing.T) {
	// é is the byte 0xE9 in ISO-8859-1, which is no UTF-8.
	latin1 := "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<project><name>caf\xe9</name><groupId>org.latin</groupId><artifactId>one</artifactId></project>\n"
	res, err := parseBytes(t, NewPOM(), "pom.xml", []byte(latin1))
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := repoAttr(res, graph.AttrMavenProject); got != "org.latin:one" {
		t.Errorf("maven_project = %q, want org.latin:one", got)
	}

	_, err = parseBytes(t, NewPOM(), "pom.xml", []byte("<project>\n<groupId>a</groupId>\n<artifactId>b</project>\n"))
	if err == nil || !strings.Contains(err.Error(), "invalid pom.xml") {
		t.Fatalf("error = %v, want invalid pom.xml", err)
	}
	var ie *ingest.Error
	if !errors.As(err, &ie) || ie.Pos.Line != 3 {
		t.Errorf("error %v is not at line 3", err)
	}

	// Another root element is no POM.
	if _, err := parseBytes(t, NewPOM(), "pom.xml", []byte("<settings/>")); err == nil {
		t.Error("a settings root parsed as a POM")
	}
}

func TestCSProjPackageID(t *testing.T) {
	tests := []struct {
		name, data string
		others     map[string]string // other files at the top
		want       string
	}{
		{"package id", `<Project Sdk="Microsoft.NET.Sdk"><PropertyGroup><TargetFramework>net8.0</TargetFramework><PackageId>Example.Widget</PackageId></PropertyGroup></Project>`,
			nil, "Example.Widget"},
		{"last one wins", `<Project Sdk="Microsoft.NET.Sdk"><PropertyGroup><PackageId>First</PackageId></PropertyGroup><PropertyGroup><PackageId>Second</PackageId></PropertyGroup></Project>`,
			nil, "Second"},
		{"byte order mark", "\ufeff<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<Project Sdk=\"Microsoft.NET.Sdk\"><PropertyGroup><PackageId>Bom.Widget</PackageId></PropertyGroup></Project>",
			nil, "Bom.Widget"},
		{"no package id", `<Project Sdk="Microsoft.NET.Sdk"><PropertyGroup><AssemblyName>Widget</AssemblyName></PropertyGroup></Project>`,
			nil, ""},
		{"conditional group", `<Project Sdk="Microsoft.NET.Sdk"><PropertyGroup><PackageId>Base</PackageId></PropertyGroup><PropertyGroup Condition="'$(Configuration)' == 'Release'"><PackageId>Release.Id</PackageId></PropertyGroup></Project>`,
			nil, ""},
		{"conditional property", `<Project Sdk="Microsoft.NET.Sdk"><PropertyGroup><PackageId Condition="'$(X)' != ''">Cond</PackageId></PropertyGroup></Project>`,
			nil, ""},
		{"property reference", `<Project Sdk="Microsoft.NET.Sdk"><PropertyGroup><PackageId>$(AssemblyName).Core</PackageId></PropertyGroup></Project>`,
			nil, ""},
		// MSBuild property names match in any case, and a value without a
		// condition replaces the conditional ones before it.
		{"PackageID in another case", `<Project Sdk="Microsoft.NET.Sdk"><PropertyGroup><PackageID>Example.Cased</PackageID></PropertyGroup></Project>`,
			nil, "Example.Cased"},
		{"unconditional after conditional", `<Project Sdk="Microsoft.NET.Sdk"><PropertyGroup Condition="'$(Configuration)' == 'Debug'"><PackageId>Debug.Id</PackageId></PropertyGroup><PropertyGroup><PackageId>Example.Final</PackageId></PropertyGroup></Project>`,
			nil, "Example.Final"},
		{"packable again", `<Project Sdk="Microsoft.NET.Sdk"><PropertyGroup><IsPackable>false</IsPackable></PropertyGroup><PropertyGroup><PackageId>Example.Packed</PackageId><IsPackable>true</IsPackable></PropertyGroup></Project>`,
			nil, "Example.Packed"},
		{"not packable in another case", `<Project Sdk="Microsoft.NET.Sdk"><PropertyGroup><PackageId>Internal.Tool</PackageId><ISPACKABLE>false</ISPACKABLE></PropertyGroup></Project>`,
			nil, ""},
		{"not packable", `<Project Sdk="Microsoft.NET.Sdk"><PropertyGroup><PackageId>Internal.Tool</PackageId><IsPackable>False</IsPackable></PropertyGroup></Project>`,
			nil, ""},
		{"second project at the top", `<Project Sdk="Microsoft.NET.Sdk"><PropertyGroup><PackageId>Example.Widget</PackageId></PropertyGroup></Project>`,
			map[string]string{"Other.csproj": `<Project Sdk="Microsoft.NET.Sdk"/>`}, ""},
		{"project in a folder beside it", `<Project Sdk="Microsoft.NET.Sdk"><PropertyGroup><PackageId>Example.Widget</PackageId></PropertyGroup></Project>`,
			map[string]string{"tests/Tests.csproj": `<Project Sdk="Microsoft.NET.Sdk"/>`}, "Example.Widget"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := map[string]string{"Widget.csproj": tt.data}
			for k, v := range tt.others {
				files[k] = v
			}
			f := repoFile(t, files, "Widget.csproj")
			res := &ingest.Result{}
			if err := NewCSProj().Parse(t.Context(), f, testEnv(), res); err != nil {
				t.Fatal(err)
			}
			got, ok := repoAttr(res, graph.AttrNuGetProject)
			if !ok {
				t.Fatal("no repository node")
			}
			if got != tt.want {
				t.Errorf("nuget_project = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestCSProjDetect(t *testing.T) {
	// Every project file is read for its package references. Only the
	// .csproj at the top gives a package id.
	for rel, want := range map[string]bool{"Widget.csproj": true, "src/Widget/Widget.csproj": true, ".csproj": false, "Widget.fsproj": true,
		"src/Lib/Lib.vbproj": true, "Widget.csproj.user": false} {
		if got := NewCSProj().Detect(newFile(rel, nil)); got != want {
			t.Errorf("Detect(%s) = %v, want %v", rel, got, want)
		}
	}
}
