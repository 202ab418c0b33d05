package web

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

func TestHandler(t *testing.T) {
	h := Handler()
	for _, tc := range []struct {
		method, path string
		status       int
		contentType  string
	}{
		{"GET", "/", 200, "text/html; charset=utf-8"},
		{"GET", "/app.js", 200, "text/javascript; charset=utf-8"},
		{"GET", "/app.css", 200, "text/css; charset=utf-8"},
		{"HEAD", "/", 200, "text/html; charset=utf-8"},
		{"POST", "/", 405, "text/plain; charset=utf-8"},
		{"GET", "/graphql", 404, "text/plain; charset=utf-8"},
		{"GET", "/../schema.graphql", 404, "text/plain; charset=utf-8"},
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(tc.method, tc.path, nil))
		got := rec.Result()
		if got.StatusCode != tc.status || got.Header.Get("Content-Type") != tc.contentType {
			t.Errorf("%s %s: %d %q, want %d %q", tc.method, tc.path, got.StatusCode, got.Header.Get("Content-Type"), tc.status, tc.contentType)
		}
		if csp := got.Header.Get("Content-Security-Policy"); csp != Policy {
			t.Errorf("%s %s: Content-Security-Policy %q, want %q", tc.method, tc.path, csp, Policy)
		}
		if tc.method == http.MethodHead && rec.Body.Len() != 0 {
			t.Errorf("HEAD %s wrote a body", tc.path)
		}
	}
}

// TestPolicyAllowsOnlySelf reads the policy itself: every fetch directive
// names 'self' or 'none', and nothing else.
func TestPolicyAllowsOnlySelf(t *testing.T) {
	for _, d := range strings.Split(Policy, ";") {
		fields := strings.Fields(d)
		if len(fields) < 2 {
			t.Fatalf("directive %q has no source", d)
		}
		for _, src := range fields[1:] {
			if src != "'self'" && src != "'none'" {
				t.Errorf("directive %s allows %s; only 'self' or 'none' may appear", fields[0], src)
			}
		}
	}
}

// TestAssetsLoadNothingElse checks that the page has no inline script or
// style (the policy would block them) and names no other host.
func TestAssetsLoadNothingElse(t *testing.T) {
	url := regexp.MustCompile(`(?i)(https?:)?//[a-z0-9.-]+\.[a-z]{2,}`)
	for name, a := range assets {
		for _, m := range url.FindAllString(string(a.body), -1) {
			// The SVG namespace is a name, never fetched.
			if m != "http://www.w3.org" {
				t.Errorf("%s names another host: %s", name, m)
			}
		}
	}
	html := string(indexHTML)
	for _, bad := range []string{"<script>", " style=", "<style", "onclick=", "javascript:"} {
		if strings.Contains(html, bad) {
			t.Errorf("index.html holds %q, which the Content Security Policy blocks", bad)
		}
	}
	if strings.Contains(string(appJS), "innerHTML") || strings.Contains(string(appJS), "insertAdjacentHTML") {
		t.Error("app.js writes markup; server text must go in through textContent only")
	}
}
