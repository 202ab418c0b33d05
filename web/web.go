// Package web is the browser view of `blastradius serve`: one page, its
// script and its style, embedded in the binary. The page queries the
// GraphQL API for the blast radius of a package, secret, identity or runtime,
// draws it as a layered graph in SVG (packages, runtimes, secrets,
// identities, resources), explains each node by its path and the file and
// line each hop was read from, and lists the revocation plan as a
// checklist. It loads nothing from other hosts, and its Content Security
// Policy allows its own origin only.
package web

import (
	_ "embed"
	"net/http"
)

var (
	//go:embed static/index.html
	indexHTML []byte
	//go:embed static/app.js
	appJS []byte
	//go:embed static/app.css
	appCSS []byte
)

// Policy is the Content-Security-Policy of every response: scripts,
// styles, images and requests from the page's own origin only, no inline
// code, no framing, no form posts.
const Policy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
	"object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

type asset struct {
	contentType string
	body        []byte
}

var assets = map[string]asset{
	"/":        {"text/html; charset=utf-8", indexHTML},
	"/app.js":  {"text/javascript; charset=utf-8", appJS},
	"/app.css": {"text/css; charset=utf-8", appCSS},
}

// Handler serves the page at / and its assets; every other path is not
// found. It expects the GraphQL API at /graphql on the same origin.
func Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", Policy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		a, ok := assets[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			h.Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed: use GET", http.StatusMethodNotAllowed)
			return
		}
		h.Set("Content-Type", a.contentType)
		h.Set("Cache-Control", "no-cache")
		w.WriteHeader(http.StatusOK)
		if r.Method == http.MethodGet {
			w.Write(a.body)
		}
	})
}
