package textenc

import (
	"io"
	"strings"
	"testing"
)

func TestBytesMarks(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		want string
	}{
		{"UTF-16LE", []byte{0xFF, 0xFE, '{', 0, '}', 0, '\r', 0, '\n', 0}, "{}\r\n"},
		{"UTF-16BE", []byte{0xFE, 0xFF, 0, '{', 0, '}'}, "{}"},
		{"UTF-8 mark", []byte{0xEF, 0xBB, 0xBF, '{', '}'}, "{}"},
		{"no mark", []byte(`{"a": "é"}`), `{"a": "é"}`},
		{"empty", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(Bytes(tt.in)); got != tt.want {
				t.Errorf("Bytes = %q, want %q", got, tt.want)
			}
			got, err := io.ReadAll(Reader(strings.NewReader(string(tt.in))))
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("Reader gives %q, want %q", got, tt.want)
			}
		})
	}
}

// UTF-32 text with a byte order mark, as Out-File -Encoding UTF32 writes
// it, is decoded in both byte orders. HasMark reports every mark, and no
// mark for text without one.
func TestReaderUTF32AndHasMark(t *testing.T) {
	le := []byte{0xFF, 0xFE, 0, 0, '{', 0, 0, 0, '}', 0, 0, 0}
	be := []byte{0, 0, 0xFE, 0xFF, 0, 0, 0, '{', 0, 0, 0, '}'}
	for name, in := range map[string][]byte{"UTF-32LE": le, "UTF-32BE": be} {
		got, err := io.ReadAll(Reader(strings.NewReader(string(in))))
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != "{}" {
			t.Errorf("%s: Reader gives %q, want {}", name, got)
		}
	}
	for name, in := range map[string][]byte{
		"UTF-32LE": le, "UTF-32BE": be, "UTF-16LE": {0xFF, 0xFE, '{', 0}, "UTF-16BE": {0xFE, 0xFF, 0, '{'}, "UTF-8": []byte("\uFEFF{}"),
	} {
		if !HasMark(in) {
			t.Errorf("%s: HasMark = false", name)
		}
	}
	if HasMark([]byte("{}")) || HasMark(nil) {
		t.Error("HasMark of text without a mark = true")
	}
}
