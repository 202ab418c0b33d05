// Package textenc reads text that Windows may have saved in a Unicode
// encoding other than UTF-8: input files, and files that a user hands a
// command, such as an OSV record or an earlier review.
package textenc

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
// order mark). Some Windows editors, and Out-File -Encoding utf8, start
// UTF-8 text with a mark too.
// Go's JSON decoder rejects all three. Decoding keeps every line break, so
// line numbers still hold, and UTF-8 takes at most 1.5 times the bytes of
// the UTF-16 or UTF-32 text it decodes.
var (
	utf16LE = []byte{0xFF, 0xFE}
	utf16BE = []byte{0xFE, 0xFF}
	// UTF-32LE's mark starts with UTF-16LE's, so it is tested first.
	utf32LE = []byte{0xFF, 0xFE, 0x00, 0x00}
	utf32BE = []byte{0x00, 0x00, 0xFE, 0xFF}
	utf8BOM = []byte{0xEF, 0xBB, 0xBF}
)

// HasMark reports whether content starts with a byte order mark: UTF-8's,
// UTF-16's or UTF-32's.
func HasMark(head []byte) bool {
	return bytes.HasPrefix(head, utf8BOM) || bytes.HasPrefix(head, utf16LE) || bytes.HasPrefix(head, utf16BE) || bytes.HasPrefix(head, utf32BE)
}

// decode returns r's text as UTF-8 when it starts with a UTF-16 or UTF-32
// byte order mark, and as it is otherwise. Code units that are not valid
// UTF-16 or UTF-32 become U+FFFD.
func decode(r io.Reader) io.Reader {
	br := bufio.NewReader(r)
	mark, _ := br.Peek(4)
	switch {
	case bytes.HasPrefix(mark, utf32LE):
		return transform.NewReader(br, utf32.UTF32(utf32.LittleEndian, utf32.ExpectBOM).NewDecoder())
	case bytes.HasPrefix(mark, utf32BE):
		return transform.NewReader(br, utf32.UTF32(utf32.BigEndian, utf32.ExpectBOM).NewDecoder())
	case bytes.HasPrefix(mark, utf16LE):
		return transform.NewReader(br, unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder())
	case bytes.HasPrefix(mark, utf16BE):
		return transform.NewReader(br, unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM).NewDecoder())
	}
	return br
}

// Reader returns r's text as UTF-8 without a byte order mark: decoded when
// it starts with a UTF-16 or UTF-32 mark, with a UTF-8 mark dropped.
func Reader(r io.Reader) io.Reader {
	br := bufio.NewReader(decode(r))
	if mark, _ := br.Peek(len(utf8BOM)); bytes.Equal(mark, utf8BOM) {
		br.Discard(len(utf8BOM))
	}
	return br
}

// Bytes is Reader for content already read.
func Bytes(data []byte) []byte {
	out, err := io.ReadAll(Reader(bytes.NewReader(data)))
	if err != nil {
		// The decoders turn invalid input into U+FFFD instead of
		// failing, so no error is expected here. The caller's parser
		// then reports what is wrong with the raw content.
		return data
	}
	return out
}
