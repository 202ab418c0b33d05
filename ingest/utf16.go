package ingest

import (
	"bufio"
	"bytes"
	"io"

	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/encoding/unicode/utf32"
	"golang.org/x/text/transform"
)

// Windows PowerShell 5.1 writes a command's output to a file (aws ... >
// out.json, Out-File) as UTF-16LE with a byte order mark, and with
// -Encoding UTF32 as UTF-32LE with one (Microsoft's
// about_Character_Encoding: every Unicode encoding but UTF-7 gets a byte
// order mark). Their NUL bytes would make such a file look binary, so its
// content is decoded to UTF-8 before detection and parsing. Lines keep
// their numbers, so positions still hold. The decoded content is at most
// 1.5 times the file's size.
var (
	utf16LE = []byte{0xFF, 0xFE}
	utf16BE = []byte{0xFE, 0xFF}
	// UTF-32LE's mark starts with UTF-16LE's, so it is tested first.
	utf32LE = []byte{0xFF, 0xFE, 0x00, 0x00}
	utf32BE = []byte{0x00, 0x00, 0xFE, 0xFF}
)

// hasUnicodeMark reports whether content starts with a UTF-16 or UTF-32
// byte order mark.
func hasUnicodeMark(head []byte) bool {
	return bytes.HasPrefix(head, utf16LE) || bytes.HasPrefix(head, utf16BE) || bytes.HasPrefix(head, utf32BE)
}

// utf8Reader returns rc's content as UTF-8 when it starts with a UTF-16
// or UTF-32 byte order mark, and rc's content as it is otherwise. Closing
// it closes rc. Code units that are not valid UTF-16 or UTF-32 become
// U+FFFD.
func utf8Reader(rc io.ReadCloser) io.ReadCloser {
	br := bufio.NewReader(rc)
	mark, _ := br.Peek(4)
	var r io.Reader = br
	switch {
	case bytes.HasPrefix(mark, utf32LE):
		r = transform.NewReader(br, utf32.UTF32(utf32.LittleEndian, utf32.ExpectBOM).NewDecoder())
	case bytes.HasPrefix(mark, utf32BE):
		r = transform.NewReader(br, utf32.UTF32(utf32.BigEndian, utf32.ExpectBOM).NewDecoder())
	case bytes.HasPrefix(mark, utf16LE):
		r = transform.NewReader(br, unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder())
	case bytes.HasPrefix(mark, utf16BE):
		r = transform.NewReader(br, unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM).NewDecoder())
	}
	return readCloser{Reader: r, Closer: rc}
}

type readCloser struct {
	io.Reader
	io.Closer
}
