package schema

import (
	_ "embed"
	"net/http"
)

// The explorer page: a query editor, a variables box, a result pane and
// a schema pane filled by introspection. Everything it needs is embedded,
// so it works with no network access beyond the server itself.
var (
	//go:embed static/index.html
	explorerHTML []byte
	//go:embed static/explorer.js
	explorerJS []byte
	//go:embed static/explorer.css
	explorerCSS []byte
)

// explorerPolicy lets the page load its own script and style and talk to
// its own server, and nothing else.
const explorerPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; " +
	"img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

func serveAsset(w http.ResponseWriter, r *http.Request, contentType string, body []byte) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed: use GET", http.StatusMethodNotAllowed)
		return
	}
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Security-Policy", explorerPolicy)
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodGet {
		w.Write(body)
	}
}
