package lockfile

import (
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// jsonInputs returns the JSON files of the test data and of the corpus of
// real inputs, and a few hand-written documents with escapes, numbers,
// literals, skipped members and errors.
func jsonInputs(t *testing.T) map[string][]byte {
	t.Helper()
	out := map[string][]byte{
		"escapes":    []byte(`{"a\"b":"\u00e9\n\t\\","c":"\ud83d\ude00","d":"caf` + "\xe9" + `"}`),
		"numbers":    []byte(`[0,-0,1.5,-2e10,3E+2,4e-1,1234567890123456789012]`),
		"literals":   []byte(" \r\n[true,false,null,{},[],\"\"]\n"),
		"skipped":    []byte(`{"integrity":{"x":[1,"\u0041"]},"license":"MIT","version":"1.0.0"}`),
		"duplicate":  []byte(`{"a":1,"a":2}`),
		"comma":      []byte(`{"a":1,}`),
		"leading0":   []byte(`[01]`),
		"bad escape": []byte(`{"a":"\x"}`),
		"control":    []byte("{\"a\":\"\x01\"}"),
		"trailing":   []byte(`{} {}`),
		"truncated":  []byte(`{"a":[1,2`),
		"word":       []byte(`[tru]`),
		"empty":      nil,
		"deep":       []byte(strings.Repeat("[", maxJSONDepth+2) + strings.Repeat("]", maxJSONDepth+2)),
	}
	for _, root := range []string{"testdata", corpusDir} {
		if _, err := os.Stat(root); err != nil {
			continue
		}
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			name := d.Name()
			if !strings.HasSuffix(name, ".json") && name != "composer.lock" && name != "Pipfile.lock" {
				return nil
			}
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			out[p] = data
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// checkSameAsStd fails when decodeJSON and decodeJSONStd read a document
// differently: another tree, position, error message or error offset.
func checkSameAsStd(t *testing.T, name string, data []byte) {
	t.Helper()
	got, _, gotErr := decodeJSON(data)
	want, _, wantErr := decodeJSONStd(data, newLineIndex(data))
	if !reflect.DeepEqual(want, got) {
		t.Errorf("%s: trees differ at %s", name, firstDiff(want, got, "$"))
	}
	if diff := cmp.Diff(wantErr, gotErr); diff != "" {
		t.Errorf("%s: error (-encoding/json +scanner):\n%s", name, diff)
	}
}

// firstDiff names the first value, in document order, where two trees
// differ, with both versions of it. cmp.Diff is too slow on trees that
// differ in many places.
func firstDiff(want, got *jsonValue, path string) string {
	if want == nil || got == nil {
		return fmt.Sprintf("%s: encoding/json %v, scanner %v", path, want, got)
	}
	if want.Kind != got.Kind || want.Line != got.Line || want.Col != got.Col || want.Str != got.Str ||
		len(want.Members) != len(got.Members) || len(want.Items) != len(got.Items) {
		return fmt.Sprintf("%s: encoding/json kind %d at %d:%d %q with %d members and %d items, scanner kind %d at %d:%d %q with %d members and %d items",
			path, want.Kind, want.Line, want.Col, want.Str, len(want.Members), len(want.Items),
			got.Kind, got.Line, got.Col, got.Str, len(got.Members), len(got.Items))
	}
	for i, m := range want.Members {
		g := got.Members[i]
		if m.Key != g.Key || m.Line != g.Line || m.Col != g.Col {
			return fmt.Sprintf("%s: encoding/json key %q at %d:%d, scanner key %q at %d:%d", path, m.Key, m.Line, m.Col, g.Key, g.Line, g.Col)
		}
		if d := firstDiff(m.Value, g.Value, path+"."+m.Key); d != "" {
			return d
		}
	}
	for i, item := range want.Items {
		if d := firstDiff(item, got.Items[i], fmt.Sprintf("%s[%d]", path, i)); d != "" {
			return d
		}
	}
	return ""
}

// The scanner reads every JSON input of the test data and the corpus, and
// hand-written valid and invalid documents, as encoding/json does.
func TestScanJSONMatchesStd(t *testing.T) {
	inputs := jsonInputs(t)
	// Every clone has the 14 hand-written documents and the package's 10
	// testdata files. The corpus beside the clone adds more.
	least := 24
	if _, err := os.Stat(corpusDir); err == nil {
		least = 30
	}
	if len(inputs) < least {
		t.Fatalf("only %d inputs, expected at least %d", len(inputs), least)
	}
	scanned := 0
	for name, data := range inputs {
		checkSameAsStd(t, name, data)
		if _, ok := scanJSON(data, newLineIndex(data)); ok {
			scanned++
		}
	}
	// Most inputs are valid, and those the scanner must read itself.
	if scanned < len(inputs)/2 {
		t.Errorf("the scanner read %d of %d inputs", scanned, len(inputs))
	}
}

// Documents with one byte removed, inserted or replaced read the same
// with the scanner as with encoding/json, including the error and its
// offset.
func TestScanJSONMutationsMatchStd(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte("{}[]:,\"\\ \n0-1.eE+tfnul\x01\xe9a")
	for name, data := range jsonInputs(t) {
		if len(data) == 0 || len(data) > 20000 {
			continue
		}
		for range 40 {
			m := append([]byte(nil), data...)
			at := r.IntN(len(m))
			switch r.IntN(3) {
			case 0:
				m = append(m[:at], m[at+1:]...)
			case 1:
				m = append(m[:at], append([]byte{alphabet[r.IntN(len(alphabet))]}, m[at:]...)...)
			default:
				m[at] = alphabet[r.IntN(len(alphabet))]
			}
			checkSameAsStd(t, name, m)
		}
	}
}
