package lockfile

import (
	"context"
	"encoding/xml"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
)

// CSProj reads MSBuild project files (.csproj, .fsproj, .vbproj). The
// .csproj at the top of a repository gives the NuGet package id that
// dotnet pack gives the package a push from there uploads. A project
// without a NuGet lock file beside it gives its PackageReference items as
// direct dependencies, which the lock file would otherwise pin.
type CSProj struct{}

// NewCSProj returns the .csproj parser.
func NewCSProj() *CSProj { return &CSProj{} }

// Format implements ingest.Parser.
func (*CSProj) Format() string { return "csproj" }

// Detect implements ingest.Parser. It claims the .csproj at the top of a
// repository, and every project file without a NuGet lock file beside it.
func (*CSProj) Detect(f *ingest.File) bool {
	if projectExt(baseName(f)) == "" {
		return false
	}
	return topCSProj(f) || !nugetLockBeside(f)
}

// Skip returns why a project file that Detect leaves out is not read: the
// NuGet lock file beside it pins what its references only constrain.
func (*CSProj) Skip(f *ingest.File) string {
	if projectExt(baseName(f)) == "" || !nugetLockBeside(f) {
		return ""
	}
	return "project file with a NuGet lock file beside it, which is read instead"
}

// topCSProj reports whether f is a .csproj at the top of a repository.
func topCSProj(f *ingest.File) bool {
	return f.Repo != "" && !strings.Contains(f.RelPath, "/") && strings.HasSuffix(f.RelPath, ".csproj") && len(f.RelPath) > len(".csproj")
}

// msbuildProject is the part of an MSBuild project file that gives its
// package's id: the properties of its property groups, with their
// conditions.
type msbuildProject struct {
	XMLName        xml.Name `xml:"Project"`
	PropertyGroups []struct {
		Condition  string            `xml:"Condition,attr"`
		Properties []msbuildProperty `xml:",any"`
	} `xml:"PropertyGroup"`
}

// msbuildProperty is one property of a property group.
type msbuildProperty struct {
	XMLName   xml.Name
	Condition string `xml:"Condition,attr"`
	Value     string `xml:",chardata"`
}

// nugetID matches the package ids nuget.org accepts: letters, digits,
// '.', '-' and '_', at most 100 characters.
var nugetID = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,100}$`)

// Parse implements ingest.Parser. The id is the last PackageId that the
// project sets, because MSBuild keeps the last value of a property. A
// PackageId under a condition or with a property reference ($(...)) is
// not read, and IsPackable false packs nothing, unless a value without a
// condition follows it. Without a PackageId,
// dotnet pack takes the assembly name, which is not read either. dotnet
// pack needs one project file in its folder, so a top with more than one
// .csproj names no package.
func (*CSProj) Parse(ctx context.Context, f *ingest.File, env *ingest.Env, res *ingest.Result) error {
	data, err := readAll(f)
	if err != nil {
		return err
	}
	var p msbuildProject
	if err := decodeXML(data, &p); err != nil {
		pos := ingest.Position{File: f.Path}
		var se *xml.SyntaxError
		if errors.As(err, &se) {
			pos.Line = se.Line
		}
		return ingest.Errorf(pos, "invalid project file: %v", err)
	}
	id, known, packable := "", true, true
	for _, g := range p.PropertyGroups {
		for _, prop := range g.Properties {
			conditional := strings.TrimSpace(g.Condition) != "" || strings.TrimSpace(prop.Condition) != ""
			value := strings.TrimSpace(prop.Value)
			// MSBuild reads property names in any case (PackageID).
			switch name := prop.XMLName.Local; {
			case strings.EqualFold(name, "PackageId"):
				// A value set without a condition replaces every earlier one.
				id = value
				known = !conditional && nugetID.MatchString(value)
			case strings.EqualFold(name, "IsPackable"):
				if !conditional {
					packable = !strings.EqualFold(value, "false")
				} else if strings.EqualFold(value, "false") {
					packable = false
				}
			}
		}
	}

	attrs := map[string]string{}
	if id != "" && known && packable && topCSProj(f) && onlyProjectFile(f) {
		attrs[graph.AttrNuGetProject] = id
	}
	if nugetLockBeside(f) {
		// The lock file gives the packages, so only the package id is read.
		addProjectRepo(f, res, attrs)
		return nil
	}

	c := newCollector(f)
	if err := addProjectReferences(c, f, data, res); err != nil {
		return ingest.Errorf(ingest.Position{File: f.Path}, "invalid project file: %v", err)
	}
	if len(c.order) == 0 && topCSProj(f) {
		addProjectRepo(f, res, attrs)
		return nil
	}
	if topCSProj(f) {
		c.repoAttrs = attrs
	}
	return c.emit(res)
}

// onlyProjectFile reports whether f is the only .csproj in its folder.
func onlyProjectFile(f *ingest.File) bool {
	matches, err := filepath.Glob(filepath.Join(filepath.Dir(f.Path), "*.csproj"))
	if err != nil {
		return false
	}
	n := 0
	for _, m := range matches {
		if st, err := os.Stat(m); err == nil && st.Mode().IsRegular() {
			n++
		}
	}
	return n == 1
}
