package terraform

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/blastradius-dev/blastradius/ingest"
)

// BenchmarkManyFiles parses a module of 2000 small files, each declaring a
// user and a policy for the user of the file before it, one Parse call
// per file as the pipeline makes them.
func BenchmarkManyFiles(b *testing.B) {
	const n = 2000
	dir := b.TempDir()
	for i := range n {
		src := fmt.Sprintf(`resource "aws_iam_user" "u%d" {
  name = "user-%d"
}

resource "aws_iam_user_policy" "p%d" {
  name = "p%d"
  user = aws_iam_user.u%d.name
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "arn:aws:s3:::bucket-%d/*" }]
  })
}
`, i, i, i, i, (i+n-1)%n, i)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("f%04d.tf", i)), []byte(src), 0o600); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for range b.N {
		p := New()
		var res ingest.Result
		for i := range n {
			f := &ingest.File{Path: filepath.Join(dir, fmt.Sprintf("f%04d.tf", i))}
			if err := p.Parse(context.Background(), f, testEnv(), &res); err != nil {
				b.Fatal(err)
			}
		}
		if len(res.Nodes) < 2*n {
			b.Fatalf("%d nodes, want at least %d", len(res.Nodes), 2*n)
		}
	}
}
