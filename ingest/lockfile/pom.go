package lockfile

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
	"github.com/blastradius-dev/blastradius/ingest/internal/registry"
)

// POM reads the pom.xml at the top of a repository for the coordinates
// (groupId:artifactId) of the project that mvn deploy from there
// publishes. Its dependencies are not read.
type POM struct{}

// NewPOM returns the pom.xml parser.
func NewPOM() *POM { return &POM{} }

// Format implements ingest.Parser.
func (*POM) Format() string { return "maven-pom" }

// Detect implements ingest.Parser. It claims only the pom.xml at the top
// of a repository.
func (*POM) Detect(f *ingest.File) bool { return atRepoTop(f, "pom.xml") }

// pomProject is the part of a POM that names the project and where
// mvn deploy uploads it.
type pomProject struct {
	XMLName    xml.Name `xml:"project"`
	GroupID    string   `xml:"groupId"`
	ArtifactID string   `xml:"artifactId"`
	Parent     struct {
		GroupID string `xml:"groupId"`
	} `xml:"parent"`
	DistributionManagement struct {
		Repository struct {
			URL string `xml:"url"`
		} `xml:"repository"`
	} `xml:"distributionManagement"`
}

// mavenCoordinate matches the groupIds and artifactIds that Maven
// accepts: letters, digits, '.', '-' and '_'.
var mavenCoordinate = regexp.MustCompile(`^[A-Za-z0-9_.-]+$`)

// Parse implements ingest.Parser. The project is groupId:artifactId, with
// the groupId of <parent> when the project gives none, as Maven inherits
// it. A value with a property reference (${...}) is set at build time and
// not read. A distributionManagement repository other than Maven
// Central's sends mvn deploy there, so the project names no package on
// Maven Central.
func (*POM) Parse(ctx context.Context, f *ingest.File, env *ingest.Env, res *ingest.Result) error {
	data, err := readAll(f)
	if err != nil {
		return err
	}
	var p pomProject
	if err := decodeXML(data, &p); err != nil {
		pos := ingest.Position{File: f.Path}
		var se *xml.SyntaxError
		if errors.As(err, &se) {
			pos.Line = se.Line
		}
		return ingest.Errorf(pos, "invalid pom.xml: %v", err)
	}
	attrs := map[string]string{}
	group := strings.TrimSpace(p.GroupID)
	if group == "" {
		group = strings.TrimSpace(p.Parent.GroupID)
	}
	artifact := strings.TrimSpace(p.ArtifactID)
	repo := strings.TrimSpace(p.DistributionManagement.Repository.URL)
	toCentral := repo == "" || registry.MavenHost(repo) == registry.MavenCentralRegistry
	if mavenCoordinate.MatchString(group) && mavenCoordinate.MatchString(artifact) && toCentral {
		attrs[graph.AttrMavenProject] = group + ":" + artifact
	}
	addProjectRepo(f, res, attrs)
	return nil
}

// decodeXML decodes an XML document into v. It reads UTF-8, and
// ISO-8859-1 and US-ASCII where the declaration names them, as some POMs
// do. encoding/xml expands no external entities.
func decodeXML(data []byte, v any) error {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.CharsetReader = func(label string, input io.Reader) (io.Reader, error) {
		switch strings.ToLower(label) {
		case "iso-8859-1", "iso8859-1", "latin1", "us-ascii", "ascii":
			raw, err := io.ReadAll(input)
			if err != nil {
				return nil, err
			}
			// Each ISO-8859-1 byte is the code point of the same value.
			runes := make([]rune, len(raw))
			for i, b := range raw {
				runes[i] = rune(b)
			}
			return strings.NewReader(string(runes)), nil
		}
		return nil, fmt.Errorf("unsupported encoding %q", label)
	}
	return d.Decode(v)
}
