package schema

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// FuzzQuery sends arbitrary documents and variables to the handler. The
// property: it never panics, always responds with a JSON GraphQL response,
// and every error carries one of the documented codes.
func FuzzQuery(f *testing.F) {
	docs, _ := filepath.Glob(filepath.Join("testdata", "*.graphql"))
	for _, d := range docs {
		b, err := os.ReadFile(d)
		if err != nil {
			f.Fatal(err)
		}
		vars, _ := os.ReadFile(strings.TrimSuffix(d, ".graphql") + ".vars.json")
		f.Add(string(b), string(vars))
	}
	f.Add(deepQuery(3), "")
	f.Add(`query($s: StartInput!) { revocationPlan(start: $s) { steps { number } } }`, `{"s": {"nodes": ["`+deployer+`"]}}`)

	h := NewHandler(newTestStore(f), Options{RequestTimeout: 2 * time.Second, MaxResults: 50})
	codes := map[string]bool{"NOT_FOUND": true, "BAD_INPUT": true, "TIMEOUT": true, "INTERNAL": true}
	f.Fuzz(func(t *testing.T, doc, vars string) {
		body, err := json.Marshal(map[string]any{"query": doc, "variables": json.RawMessage(validJSON(vars))})
		if err != nil {
			t.Skip()
		}
		req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(string(body)))
		req.Header.Set("Content-Type", "application/json")
		req.Host = "127.0.0.1"
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		var resp gqlResponse
		if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
			t.Fatalf("status %d, body is not JSON: %v", rec.Code, err)
		}
		for _, e := range resp.Errors {
			if c, _ := e.Extensions["code"].(string); !codes[c] {
				t.Errorf("error %q has code %q", e.Message, c)
			}
			if strings.Contains(e.Message, "goroutine") {
				t.Errorf("error shows a stack trace")
			}
		}
		if len(resp.Errors) == 0 && len(resp.Data) == 0 {
			t.Errorf("status %d: neither data nor errors", rec.Code)
		}
	})
}

// validJSON returns s when it is a JSON object, else null.
func validJSON(s string) string {
	var m map[string]any
	if json.Unmarshal([]byte(s), &m) != nil {
		return "null"
	}
	return s
}
