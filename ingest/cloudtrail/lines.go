package cloudtrail

import (
	"bytes"
	"io"
)

// lineCounter passes a stream to a JSON decoder and turns the decoder's
// byte offsets into lines and columns. It keeps only the bytes read since
// the last offset asked for, which the decoder's read-ahead bounds, so
// offsets must not decrease between calls.
type lineCounter struct {
	r io.Reader
	// buf[start:] contains the stream from offset base on.
	buf   []byte
	start int
	base  int64
	// line and col are the position of offset base, from 1.
	line, col int
}

func (c *lineCounter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if c.start > 0 && c.start >= len(c.buf)/2 {
		c.buf = c.buf[:copy(c.buf, c.buf[c.start:])]
		c.start = 0
	}
	c.buf = append(c.buf, p[:n]...)
	return n, err
}

// at returns the line and column of the byte at offset off and drops the
// bytes before it.
func (c *lineCounter) at(off int64) (line, col int) {
	k := int(min(off-c.base, int64(len(c.buf)-c.start)))
	if k <= 0 {
		return c.line, c.col
	}
	passed := c.buf[c.start : c.start+k]
	if n := bytes.Count(passed, []byte{'\n'}); n > 0 {
		c.line += n
		c.col = k - bytes.LastIndexByte(passed, '\n')
	} else {
		c.col += k
	}
	c.start += k
	c.base += int64(k)
	return c.line, c.col
}

// next returns the line, column and value of the first byte at or after
// offset off that is not white space, a comma or a colon: where the next
// value starts. first is 0 when the bytes read so far end before it.
func (c *lineCounter) next(off int64) (line, col int, first byte) {
	line, col = c.at(off)
	for _, ch := range c.buf[c.start:] {
		switch ch {
		case '\n':
			line, col = line+1, 1
		case ' ', '\t', '\r', ',', ':':
			col++
		default:
			return line, col, ch
		}
	}
	return line, col, 0
}
