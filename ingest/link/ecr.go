package link

import (
	"slices"
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest/internal/image"
)

// linkECRPublish turns write access to an ECR repository into the image
// it publishes. An identity that may call ecr:PutImage on
// arn:aws:ecr:REGION:ACCOUNT:repository/NAME can point any tag of
// ACCOUNT.dkr.ecr.REGION.amazonaws.com/NAME at an image of its own. A
// workload that runs the image starts the caller's once it pulls the tag
// again (see pushedRun in package query). So the identity
// CAN_PUBLISH the image's name package, when a runtime or a file names
// that image, with the confidence of its access. A repository whose tags
// are immutable (image_tag_mutability IMMUTABLE) takes new tags only,
// which reach the workloads that deploy them later: possible.
func (v *view) linkECRPublish() {
	var found []graph.Edge
	for _, e := range v.derivedEdges {
		if e.Kind != graph.EdgeCanAccess || !strings.HasPrefix(e.To, "arn:aws:ecr:") {
			continue
		}
		actions := graph.SplitList(e.Attr(graph.AttrActions))
		if !slices.Contains(actions, "ecr:PutImage") {
			continue
		}
		pkg, ok := ecrImage(e.To)
		if !ok {
			continue
		}
		if _, ok := v.node(pkg); !ok {
			continue
		}
		conf := e.Confidence
		reason := "ecr:PutImage and the layer uploads on " + e.To + " move the image's tags to an image of the caller's, which workloads run once they pull the tag again"
		if !uploadsLayers(actions) {
			// PutImage takes a manifest whose layers the repository holds
			// already: the caller re-points tags at images pushed before.
			conf = graph.Possible
			reason = "ecr:PutImage on " + e.To + " without the layer uploads re-points the image's tags at images the repository already holds"
		}
		if repo, ok := v.node(e.To); ok && repo.Attr("image_tag_mutability") == "IMMUTABLE" {
			conf = graph.Possible
			reason = "ecr:PutImage on " + e.To + " adds new tags only, since its tags are immutable: workloads that deploy a new tag run the caller's image"
		}
		found = append(found, graph.Edge{From: e.From, To: pkg, Kind: graph.EdgeCanPublish, Confidence: conf, Pos: e.Pos,
			Attrs: map[string]string{graph.AttrVia: "ecr-push", graph.AttrReason: reason}})
	}
	for _, e := range found {
		v.addEdge(e)
	}
}

// uploadsLayers reports whether actions hold the three calls that upload
// an image's layers to ECR, which a push of new content needs besides
// PutImage.
func uploadsLayers(actions []string) bool {
	for _, a := range []string{"ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload"} {
		if !slices.Contains(actions, a) {
			return false
		}
	}
	return true
}

// ecrImage returns the id of the name package of the images an ECR
// repository ARN holds, and reports false for another ARN.
func ecrImage(arn string) (string, bool) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[2] != "ecr" || parts[3] == "" || parts[4] == "" {
		return "", false
	}
	name, ok := strings.CutPrefix(parts[5], "repository/")
	if !ok || name == "" || strings.ContainsAny(name, "*?") {
		return "", false
	}
	ref := image.Ref{Registry: parts[4] + ".dkr.ecr." + parts[3] + ".amazonaws.com", Path: name}
	return ref.PURL(false), true
}
