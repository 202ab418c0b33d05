package lockfile

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
)

// The pom's own <dependencies> are read, with versions given literally,
// through its <properties> (nested too), from its <dependencyManagement>
// when the dependency gives none, or as ${project.version}. [1.4.1] is
// Maven's range of exactly 1.4.1. A range and an undefined property pin
// nothing. A profile's dependencies are there only when the profile is
// active. Dependencies of plugins and of <dependencyManagement> alone are
// not the project's.
func TestPOMDependencies(t *testing.T) {
	res := mustParse(t, NewPOM(), "testdata/maven/pom.xml", "pom.xml")

	want := fillLocks(map[string]map[string]string{
		"pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.17.1": {"line": "33", "direct": "true", "scope": "compile"},
		"pkg:maven/org.slf4j/slf4j-api@2.0.13":                         {"line": "38", "direct": "true", "scope": "compile"},
		"pkg:maven/com.google.guava/guava@33.2.0-jre":                  {"line": "43", "direct": "true", "scope": "compile"},
		"pkg:maven/org.apache.commons/commons-lang3": {"line": "47", "direct": "true", "scope": "compile",
			"unpinned": "true", "range": "[3.12,4.0)"},
		"pkg:maven/io.netty/netty-handler": {"line": "52", "direct": "true", "scope": "compile",
			"unpinned": "true", "range": "${netty.version}"},
		"pkg:maven/com.example/widget-core@2.4.0":          {"line": "57", "direct": "true", "scope": "compile"},
		"pkg:maven/org.junit.jupiter/junit-jupiter@5.10.2": {"line": "62", "direct": "true", "scope": "test", "dev": "true"},
		"pkg:maven/org.example/exact@1.4.1":                {"line": "68", "direct": "true", "scope": "runtime"},
		"pkg:maven/org.postgresql/postgresql@42.7.3": {"line": "84", "direct": "true", "scope": "compile",
			"profile": "postgres", "confidence": "possible"},
	}, "pom.xml")
	if diff := cmp.Diff(locks(res), want); diff != "" {
		t.Errorf("LOCKS (-got +want):\n%s", diff)
	}
	// 75: a dependency without an artifactId.
	if diff := cmp.Diff(diagLines(res), []int{75}); diff != "" {
		t.Errorf("diagnostic lines (-got +want):\n%s", diff)
	}
	n, ok := nodeByID(res, "pkg:maven/org.slf4j/slf4j-api@2.0.13")
	if !ok || n.Attr("name") != "org.slf4j:slf4j-api" || n.Attr("version") != "2.0.13" || n.Attr("ecosystem") != "maven" {
		t.Errorf("slf4j node = %+v, want name org.slf4j:slf4j-api, version 2.0.13, ecosystem maven", n)
	}
	if got, _ := repoAttr(res, graph.AttrMavenProject); got != "com.example:widget" {
		t.Errorf("maven_project = %q, want com.example:widget", got)
	}
	checkEdgesJoinNodes(t, res)
}

// Every pom.xml of a repository gives its module's dependencies; only the
// one at the top names the project a release publishes. A pom.xml under
// src/ or target/ is a test fixture or a build output, no module.
func TestPOMModules(t *testing.T) {
	const module = `<project><parent><groupId>com.example</groupId><artifactId>parent</artifactId><version>1.0.0</version></parent>
<artifactId>core</artifactId>
<dependencies><dependency><groupId>org.example</groupId><artifactId>lib</artifactId><version>${project.parent.version}</version></dependency></dependencies>
</project>`
	res, err := parseBytes(t, NewPOM(), "core/pom.xml", []byte(module))
	if err != nil {
		t.Fatal(err)
	}
	want := fillLocks(map[string]map[string]string{
		"pkg:maven/org.example/lib@1.0.0": {"line": "3", "direct": "true", "scope": "compile"},
	}, "core/pom.xml")
	if diff := cmp.Diff(locks(res), want); diff != "" {
		t.Errorf("LOCKS (-got +want):\n%s", diff)
	}
	if got, ok := repoAttr(res, graph.AttrMavenProject); !ok || got != "" {
		t.Errorf("maven_project = %q (repository node %v), want none on a module's repository node", got, ok)
	}

	for rel, want := range map[string]bool{
		"pom.xml": true, "core/pom.xml": true, "pom.xml.bak": false,
		"core/src/test/resources/projects/pom.xml": false, "target/classes/pom.xml": false,
	} {
		if got := NewPOM().Detect(newFile(rel, nil)); got != want {
			t.Errorf("Detect(%s) = %v, want %v", rel, got, want)
		}
	}
}

// A property defined through itself, directly or in a loop, has no value.
func TestPOMPropertyLoop(t *testing.T) {
	const pom = `<project><groupId>g</groupId><artifactId>a</artifactId>
<properties><x>${y}</x><y>${x}</y><self>${self}</self></properties>
<dependencies>
<dependency><groupId>org.example</groupId><artifactId>loop</artifactId><version>${x}</version></dependency>
<dependency><groupId>org.example</groupId><artifactId>self</artifactId><version>${self}</version></dependency>
</dependencies></project>`
	res, err := parseBytes(t, NewPOM(), "pom.xml", []byte(pom))
	if err != nil {
		t.Fatal(err)
	}
	got := locks(res)
	for _, id := range []string{"pkg:maven/org.example/loop", "pkg:maven/org.example/self"} {
		if got[id]["unpinned"] != "true" {
			t.Errorf("LOCKS %s = %v, want an unpinned edge to the name", id, got[id])
		}
	}
}

// A broken pom.xml is rejected at the line where it breaks.
func TestPOMBroken(t *testing.T) {
	const pom = "<project>\n<dependencies>\n<dependency><groupId>org.example</groupId><artifactId>a</artifactId><version>1</version></dependency>\n<dependency><groupId>x</groupId>\n</dependencies>\n</project>\n"
	_, err := parseBytes(t, NewPOM(), "pom.xml", []byte(pom))
	var ie *ingest.Error
	if !errors.As(err, &ie) || ie.Pos.Line != 5 || !strings.Contains(err.Error(), "invalid pom.xml") {
		t.Errorf("error = %v, want invalid pom.xml at line 5", err)
	}
}

// gradle.lockfile lists every resolved module with the configurations
// that resolve it; empty= lists configurations that resolve nothing.
// Gradle does not say which modules the build script declares.
func TestGradleLockfile(t *testing.T) {
	res := mustParse(t, NewGradle(), "testdata/gradle/gradle.lockfile", "gradle.lockfile")

	want := fillLocks(map[string]map[string]string{
		"pkg:maven/com.fasterxml.jackson.core/jackson-core@2.17.1": {"line": "4", "direct": "false",
			"configurations": "compileClasspath,runtimeClasspath,testCompileClasspath,testRuntimeClasspath"},
		"pkg:maven/com.google.dagger/dagger-compiler@2.51": {"line": "5", "direct": "false",
			"configurations": "annotationProcessor"},
		"pkg:maven/org.junit.jupiter/junit-jupiter-api@5.10.2": {"line": "6", "direct": "false", "dev": "true",
			"configurations": "testCompileClasspath,testRuntimeClasspath"},
		"pkg:maven/org.slf4j/slf4j-api@2.0.13": {"line": "8", "direct": "false",
			"configurations": "runtimeClasspath,testRuntimeClasspath"},
	}, "gradle.lockfile")
	if diff := cmp.Diff(locks(res), want); diff != "" {
		t.Errorf("LOCKS (-got +want):\n%s", diff)
	}
	// 9: no group:artifact:version; 10: no version.
	if diff := cmp.Diff(diagLines(res), []int{9, 10}); diff != "" {
		t.Errorf("diagnostic lines (-got +want):\n%s", diff)
	}
	n, _ := nodeByID(res, "pkg:maven/org.slf4j/slf4j-api@2.0.13")
	if n.Attr("name") != "org.slf4j:slf4j-api" {
		t.Errorf("name = %q, want org.slf4j:slf4j-api", n.Attr("name"))
	}
	checkEdgesJoinNodes(t, res)
}

// Before Gradle 6 each configuration had its own file under
// gradle/dependency-locks, named after it, with one module a line.
func TestGradleLockfileByConfiguration(t *testing.T) {
	res := mustParse(t, NewGradle(), "testdata/gradle/old/compileClasspath.lockfile", "gradle/dependency-locks/compileClasspath.lockfile")
	want := fillLocks(map[string]map[string]string{
		"pkg:maven/com.fasterxml.jackson.core/jackson-core@2.17.1": {"line": "4", "direct": "false", "configurations": "compileClasspath"},
		"pkg:maven/org.slf4j/slf4j-api@2.0.13":                     {"line": "5", "direct": "false", "configurations": "compileClasspath"},
	}, "gradle/dependency-locks/compileClasspath.lockfile")
	if diff := cmp.Diff(locks(res), want); diff != "" {
		t.Errorf("LOCKS (-got +want):\n%s", diff)
	}

	res = mustParse(t, NewGradle(), "testdata/gradle/old/testRuntimeClasspath.lockfile", "app/gradle/dependency-locks/testRuntimeClasspath.lockfile")
	want = fillLocks(map[string]map[string]string{
		"pkg:maven/org.junit.jupiter/junit-jupiter-api@5.10.2": {"line": "4", "direct": "false", "dev": "true", "configurations": "testRuntimeClasspath"},
	}, "app/gradle/dependency-locks/testRuntimeClasspath.lockfile")
	if diff := cmp.Diff(locks(res), want); diff != "" {
		t.Errorf("LOCKS (-got +want):\n%s", diff)
	}

	for rel, want := range map[string]bool{
		"gradle.lockfile": true, "app/gradle.lockfile": true, "buildscript-gradle.lockfile": true,
		"gradle/dependency-locks/compileClasspath.lockfile": true, "app/gradle/dependency-locks/runtimeClasspath.lockfile": true,
		"locks/compileClasspath.lockfile": false, "gradle.lockfile.orig": false, "gradle/dependency-locks/README.md": false,
	} {
		if got := NewGradle().Detect(newFile(rel, nil)); got != want {
			t.Errorf("Detect(%s) = %v, want %v", rel, got, want)
		}
	}
}

// An SBOM and a lockfile name a Maven package by the same node.
func TestMavenPurl(t *testing.T) {
	got := purlOf(pkgRef{Eco: ecoMaven, Name: "org.apache.logging.log4j:log4j-core", Version: "2.14.1"})
	if want := "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"; got != want {
		t.Errorf("purl = %q, want %q", got, want)
	}
}

// Property values that nest into long text stop being put in once the
// substitutions of a file have written maxPropertyWork characters. The
// dependencies after that point pin nothing.
func TestPOMPropertyWorkBound(t *testing.T) {
	var b strings.Builder
	b.WriteString("<project><groupId>g</groupId><artifactId>a</artifactId><properties><p0>" + strings.Repeat("1", 64) + "</p0>")
	// p3 is 512 ones, built by doubling. Each version below takes four
	// rounds that write about 590 characters, so the 16 MiB bound runs out
	// after about 28,000 of them.
	for i := 1; i <= 3; i++ {
		fmt.Fprintf(&b, "<p%d>${p%d}${p%d}</p%d>", i, i-1, i-1, i)
	}
	b.WriteString("</properties><dependencies>\n")
	const n = 40000
	for i := range n {
		fmt.Fprintf(&b, "<dependency><groupId>org.example</groupId><artifactId>a%d</artifactId><version>${p3}.%d</version></dependency>\n", i, i)
	}
	b.WriteString("</dependencies></project>\n")
	res, err := parseBytes(t, NewPOM(), "pom.xml", []byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	got := locks(res)
	ones := strings.Repeat("1", 512)
	if first := "pkg:maven/org.example/a0@" + ones + ".0"; got[first] == nil {
		t.Errorf("the first dependency is not pinned at %s", first)
	}
	if last := fmt.Sprintf("pkg:maven/org.example/a%d", n-1); got[last]["unpinned"] != "true" {
		t.Errorf("LOCKS %s = %v, want an unpinned edge once the bound is reached", last, got[last])
	}
}
