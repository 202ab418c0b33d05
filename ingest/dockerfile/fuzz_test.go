package dockerfile

import (
	"bytes"
	"context"
	"errors"
	"io"
	"testing"

	"github.com/blastradius-dev/blastradius/ingest"
)

// FuzzParse checks that the parser either rejects input with an
// *ingest.Error positioned inside it, or returns facts positioned inside
// it whose edges join nodes of the same result.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		"ARG NODE=20\nFROM node:${NODE} AS build\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci --omit=dev\nFROM gcr.io/distroless/nodejs20\nCOPY --from=build /app /app\n",
		"# escape=`\nFROM python:3.12\nRUN pip install `\n  -r requirements.txt\nRUN <<EOF\npip install gunicorn==22.0.0\nEOF\n",
		"FROM alpine\nRUN --mount=from=ghcr.io/example-org/certs:1,target=/c cp /c/ca /etc\nCOPY --from=0 / /\n",
		"FROM $BASE\nFROM scratch\n",
		"FROM node:20\nRUN <<EOF\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		file := &ingest.File{Path: "Dockerfile", RelPath: "Dockerfile", Repo: "example-org/api", Head: data, Size: int64(len(data)),
			Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }}
		res := &ingest.Result{}
		lines := bytes.Count(data, []byte("\n")) + 1
		err := New().Parse(context.Background(), file, &ingest.Env{}, res)
		if err != nil {
			var ie *ingest.Error
			if !errors.As(err, &ie) {
				t.Fatalf("error %v is no *ingest.Error", err)
			}
			if ie.Pos.Line < 0 || ie.Pos.Line > lines {
				t.Fatalf("error at line %d of a %d-line input", ie.Pos.Line, lines)
			}
			return
		}
		ids := map[string]bool{}
		for _, n := range res.Nodes {
			if n.Pos.Line < 0 || n.Pos.Line > lines {
				t.Errorf("node %s at line %d of a %d-line input", n.ID, n.Pos.Line, lines)
			}
			ids[n.ID] = true
		}
		for _, e := range res.Edges {
			if !ids[e.From] || !ids[e.To] {
				t.Errorf("edge %s joins a node not in the result", e.Key())
			}
			if e.Pos.Line < 0 || e.Pos.Line > lines {
				t.Errorf("edge %s at line %d of a %d-line input", e.Key(), e.Pos.Line, lines)
			}
		}
	})
}
