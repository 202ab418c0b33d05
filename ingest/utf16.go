package ingest

import (
	"io"

	"github.com/blastradius-dev/blastradius/internal/textenc"
)

// utf8Reader returns rc's content as UTF-8 when it starts with a UTF-16
// or UTF-32 byte order mark (see textenc), and as it is otherwise. Closing
// it closes rc. Such files would look binary for their NUL bytes, so they
// are decoded before detection and parsing.
func utf8Reader(rc io.ReadCloser) io.ReadCloser {
	return readCloser{Reader: textenc.Decode(rc), Closer: rc}
}

type readCloser struct {
	io.Reader
	io.Closer
}
