package ingest

import (
	"bufio"
	"bytes"
	"io"

	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// Windows PowerShell 5.1 writes a command's output to a file (aws ... >
// out.json, Out-File) as UTF-16LE with a byte order mark (Microsoft's
// about_Character_Encoding). Its NUL bytes would make such a file look
// binary, so its content is decoded to UTF-8 before detection and parsing.
// Lines keep their numbers, so positions still hold. The decoded content
// is at most 1.5 times the file's size.
var (
	utf16LE = []byte{0xFF, 0xFE}
	utf16BE = []byte{0xFE, 0xFF}
)

// hasUTF16Mark reports whether content starts with a UTF-16 byte order
// mark.
func hasUTF16Mark(head []byte) bool {
	return bytes.HasPrefix(head, utf16LE) || bytes.HasPrefix(head, utf16BE)
}

// utf8Reader returns rc's content as UTF-8 when it starts with a UTF-16
// byte order mark, and rc's content as it is otherwise. Closing it closes
// rc. Code units that are not valid UTF-16 become U+FFFD.
func utf8Reader(rc io.ReadCloser) io.ReadCloser {
	br := bufio.NewReader(rc)
	mark, _ := br.Peek(2)
	var r io.Reader = br
	switch {
	case bytes.Equal(mark, utf16LE):
		r = transform.NewReader(br, unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder())
	case bytes.Equal(mark, utf16BE):
		r = transform.NewReader(br, unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM).NewDecoder())
	}
	return readCloser{Reader: r, Closer: rc}
}

type readCloser struct {
	io.Reader
	io.Closer
}
