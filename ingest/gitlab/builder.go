package gitlab

import "github.com/blastradius-dev/blastradius/ingest/gitlab/ciscan"

// The fact builder is shared with the other CI ingester.
type (
	builder = ciscan.Builder
	attrs   = ciscan.Attrs
)

var newBuilder = ciscan.NewBuilder
