package jsonstream

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

type got struct {
	Raw     string
	Line    int
	TooLong bool
}

func records(t *testing.T, input string, keys ...string) ([]got, error) {
	t.Helper()
	var out []got
	s := New(strings.NewReader(input))
	s.SkipBOM()
	err := Records(context.Background(), s, keys, func(r Record) error {
		out = append(out, got{string(r.Raw), r.Line, r.TooLong})
		return nil
	})
	return out, err
}

func TestRecords(t *testing.T) {
	tests := []struct {
		name, input string
		keys        []string
		want        []got
		err         string
	}{
		{"array", "[\n {\"a\": 1},\n {\"b\": [2]}\n]", nil, []got{{`{"a": 1}`, 2, false}, {`{"b": [2]}`, 3, false}}, ""},
		{"empty array", " [ ] ", nil, nil, ""},
		{"wrapped", "{\"next\": \"x\", \"entries\": [{\"a\": 1}]}\n{\"entries\": [\n{\"b\": 2}]}", []string{"entries"}, []got{{`{"a": 1}`, 1, false}, {`{"b": 2}`, 3, false}}, ""},
		{"lines", "{\"a\": 1}\n\n not json\n{\"b\": 2}", []string{"entries"}, []got{{`{"a": 1}`, 1, false}, {"not json", 3, false}, {`{"b": 2}`, 4, false}}, ""},
		{"values", "{\n\"a\": 1}\n{\"b\":\n2} ", nil, []got{{"{\n\"a\": 1}", 1, false}, {"{\"b\":\n2}", 3, false}}, ""},
		{"bom", "\xEF\xBB\xBF[{\"a\": 1}]", nil, []got{{`{"a": 1}`, 1, false}}, ""},
		{"trailing comma", "[{\"a\": 1},]", nil, []got{{`{"a": 1}`, 1, false}}, "1:11: invalid JSON"},
		{"cut", "[{\"a\": 1},\n  {\"b\": ", nil, []got{{`{"a": 1}`, 1, false}}, "2:3: file ends in the middle of a JSON value"},
		{"bad value", "[{\"a\": tru}]", nil, nil, "1:2: invalid JSON"},
		{"text", "hello", nil, nil, "1:1: expected a JSON object or array"},
		{"number at end", "{\"a\":\n1} 5", nil, []got{{"{\"a\":\n1}", 1, false}, {"5", 2, false}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs, err := records(t, tt.input, tt.keys...)
			if diff := cmp.Diff(recs, tt.want); diff != "" {
				t.Errorf("records (-got +want):\n%s", diff)
			}
			gotErr := ""
			if err != nil {
				var je *Error
				if !errors.As(err, &je) {
					t.Fatalf("error %v is not an *Error", err)
				}
				gotErr = err.Error()
			}
			if gotErr != tt.err {
				t.Errorf("error = %q, want %q", gotErr, tt.err)
			}
		})
	}
}

func TestTooLongLine(t *testing.T) {
	input := "{\"a\": 1}\n{\"b\": \"" + strings.Repeat("x", MaxLine+10) + "\"}\n{\"c\": 3}\n"
	recs, err := records(t, input)
	if err != nil {
		t.Fatal(err)
	}
	want := []got{{`{"a": 1}`, 1, false}, {"", 2, true}, {`{"c": 3}`, 3, false}}
	if diff := cmp.Diff(recs, want); diff != "" {
		t.Errorf("records (-got +want):\n%s", diff)
	}
}

func TestSkip(t *testing.T) {
	tests := []struct {
		in   string
		end  int
		want error
	}{
		{`{"a": [1, -2.5e3, true, false, null, "x\"\u00e9"]}`, 50, nil},
		{`"abc`, 4, ErrIncomplete},
		{`{"a": 1`, 7, ErrIncomplete},
		{`{"a" 1}`, 5, ErrSyntax},
		{`[1 2]`, 3, ErrSyntax},
		{`"\q"`, 1, ErrSyntax},
		{`"\u12G4"`, 1, ErrSyntax},
		{`{,}`, 1, ErrSyntax},
		{`tru`, 3, ErrIncomplete},
		{`trux`, 0, ErrSyntax},
		{`-`, 1, ErrIncomplete},
		{`-x`, 0, ErrSyntax},
		{strings.Repeat("[", 20000), 10000, ErrSyntax},
	}
	for _, tt := range tests {
		end, err := Skip([]byte(tt.in), 0)
		if end != tt.end || err != tt.want {
			t.Errorf("Skip(%.20q) = %d, %v; want %d, %v", tt.in, end, err, tt.end, tt.want)
		}
	}
}

func TestPositionAcrossReads(t *testing.T) {
	// Values larger than one read keep their lines right.
	big := strings.Repeat("x", readSize+100)
	input := "[\n\"" + big + "\",\n{\"a\": tru}]"
	recs, err := records(t, input)
	if len(recs) != 1 || recs[0].Line != 2 {
		t.Errorf("records = %d, first at line %d; want 1 at line 2", len(recs), recs[0].Line)
	}
	if err == nil || err.Error() != "3:1: invalid JSON" {
		t.Errorf("error = %v, want 3:1: invalid JSON", err)
	}
}
