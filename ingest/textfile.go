package ingest

import (
	"io"

	"github.com/blastradius-dev/blastradius/internal/textenc"
)

// utf8Reader returns rc's content as UTF-8 without a byte order mark
// (see textenc). Closing it closes rc. A UTF-16 or UTF-32 file would look
// binary for its NUL bytes, and a mark in front of JSON hides the format
// from detection, so both are undone before detection and parsing.
func utf8Reader(rc io.ReadCloser) io.ReadCloser {
	return readCloser{Reader: textenc.Reader(rc), Closer: rc}
}

type readCloser struct {
	io.Reader
	io.Closer
}
