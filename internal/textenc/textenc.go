// Package textenc reads text files that a user hands a command, such as an
// OSV record or an earlier review, whatever Unicode encoding Windows saved
// them in.
package textenc

import (
	"io"

	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// Windows PowerShell 5.1 writes a command's output to a file (`> out.json`,
// Out-File) as UTF-16LE with a byte order mark, and some Windows editors
// start UTF-8 text with one. Go's JSON decoder rejects both.

// Reader returns r's content as UTF-8 without a byte order mark: text that
// starts with a UTF-16 mark is decoded, and a UTF-8 mark is dropped. Text
// without a mark passes through unchanged.
func Reader(r io.Reader) io.Reader {
	return transform.NewReader(r, unicode.BOMOverride(transform.Nop))
}

// Bytes is Reader for content already read.
func Bytes(data []byte) []byte {
	out, _, err := transform.Bytes(unicode.BOMOverride(transform.Nop), data)
	if err != nil {
		// The UTF-16 decoder turns invalid input into U+FFFD instead of
		// failing, so no error is expected here; the caller's parser then
		// reports what is wrong with the raw content.
		return data
	}
	return out
}
