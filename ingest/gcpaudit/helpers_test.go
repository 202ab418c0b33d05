package gcpaudit

import (
	"testing"

	"github.com/blastradius-dev/blastradius/ingest"
	"github.com/blastradius-dev/blastradius/ingest/internal/logtest"
)

// sharedDir holds real inputs beside the project; tests that use it skip
// when it is absent.
const sharedDir = "../../../shared"

var (
	fileAt     = logtest.FileAt
	bytesFile  = logtest.BytesFile
	edgeLines  = logtest.EdgeLines
	findNode   = logtest.FindNode
	joined     = logtest.Joined
	checkError = logtest.CheckError
	marshal    = logtest.Marshal
)

func parse(t *testing.T, f *ingest.File) *ingest.Result {
	t.Helper()
	return logtest.Parse(t, New(), f)
}
