package serverless

import (
	"bytes"
	"context"
	"io"
	"testing"

	"github.com/blastradius-dev/blastradius/ingest"
)

// FuzzParse checks that no service file makes the parser panic or loop.
func FuzzParse(f *testing.F) {
	f.Add(ordersService)
	f.Add("service: a\nprovider: {name: aws}\nfunctions:\n  f: {handler: h, role: !GetAtt [R, Arn]}\n")
	f.Add("service: ${self:service}\nprovider: {name: aws, stage: ${sls:stage}}\nfunctions: {f: {name: '${env:A, ${env:B, ${self:service}}}'}}\n")
	f.Fuzz(func(t *testing.T, text string) {
		data := []byte(text)
		file := &ingest.File{Path: "s/serverless.yml", RelPath: "s/serverless.yml", Repo: "example-org/api", Head: data, Size: int64(len(data)),
			Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }}
		var res ingest.Result
		_ = New().Parse(context.Background(), file, &ingest.Env{Fingerprint: func(string) string { return "fp" }}, &res)
	})
}
