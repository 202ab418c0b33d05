package lockfile

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRequirements(t *testing.T) {
	res := mustParse(t, NewRequirements(), "testdata/requirements/requirements.txt", "requirements.txt")

	want := []string{
		"pkg:pypi/flask@3.0.2",
		"pkg:pypi/jinja2@3.1.3",
		"pkg:pypi/requests@2.31.0",
		"pkg:pypi/typing-extensions@4.9.0",
		"pkg:pypi/werkzeug@3.0.1",
		"pkg:pypi/zope-interface@6.1",
	}
	if diff := cmp.Diff(versionIDs(res), want); diff != "" {
		t.Errorf("version nodes (-got +want):\n%s", diff)
	}

	wantLocks := map[string]map[string]string{
		"pkg:pypi/flask@3.0.2": {"line": "3", "direct": "true"},
		"pkg:pypi/werkzeug@3.0.1": {"line": "7", "direct": "false",
			"chain": "pkg:pypi/flask@3.0.2 > pkg:pypi/werkzeug@3.0.1"},
		"pkg:pypi/requests@2.31.0": {"line": "10", "direct": "true", "confidence": "possible",
			"extras": "security,socks", "markers": `python_version >= "3.8"`},
		"pkg:pypi/zope-interface@6.1":      {"line": "11", "direct": "true"},
		"pkg:pypi/django":                  {"line": "12", "direct": "true", "unpinned": "true", "range": ">=4.2,<5.0"},
		"pkg:pypi/typing-extensions@4.9.0": {"line": "16", "direct": "true"},
		"pkg:pypi/jinja2@3.1.3": {"line": "18", "direct": "false",
			"chain": "pkg:pypi/flask@3.0.2 > pkg:pypi/jinja2@3.1.3"},
	}
	for _, a := range wantLocks {
		a["lockfile"] = "requirements.txt"
		if a["confidence"] == "" {
			a["confidence"] = "certain"
		}
	}
	if diff := cmp.Diff(locks(res), wantLocks); diff != "" {
		t.Errorf("LOCKS (-got +want):\n%s", diff)
	}

	wantDeps := []string{
		"pkg:pypi/flask@3.0.2 -> pkg:pypi/jinja2@3.1.3",
		"pkg:pypi/flask@3.0.2 -> pkg:pypi/werkzeug@3.0.1",
	}
	if diff := cmp.Diff(dependsOn(res), wantDeps); diff != "" {
		t.Errorf("DEPENDS_ON (-got +want):\n%s", diff)
	}

	// -r, -e and the URL line each give one diagnostic, and the credential
	// in the -e line one more; the one on line 17 is not reported again.
	if diff := cmp.Diff(diagLines(res), []int{13, 14, 14, 15}); diff != "" {
		t.Errorf("diagnostic lines (-got +want):\n%s", diff)
	}
	n, _ := nodeByID(res, "pkg:pypi/typing-extensions@4.9.0")
	if got := n.Attr("name"); got != "Typing_Extensions" {
		t.Errorf("name = %q, want the name as written", got)
	}
	checkEdgesJoinNodes(t, res)
}

// Lines modelled on pip's own syntax: each row is one requirements file
// of a single requirement line.
func TestRequirementLines(t *testing.T) {
	for _, tc := range []struct {
		line    string
		id      string // "" when the line must be skipped with a warning
		rng     string
		markers string
	}{
		{"nltk==3.2.2", "pkg:pypi/nltk@3.2.2", "", ""},
		{"qwerty \\\n  == 0.1", "pkg:pypi/qwerty@0.1", "", ""},
		{"asdf==0.7.*", "pkg:pypi/asdf", "==0.7.*", ""},
		{"yolo===1.0", "pkg:pypi/yolo@1.0", "", ""},
		{"combination-._-.also_-._valid>=3.5", "pkg:pypi/combination-also-valid", ">=3.5", ""},
		{"pkg.dot.name==5.0.0", "pkg:pypi/pkg-dot-name@5.0.0", "", ""},
		{"foo1==1.0 --hash=sha256:123", "pkg:pypi/foo1@1.0", "", ""},
		{"foo5==1.0; python_version < \"2.7\" --hash=sha256:123", "pkg:pypi/foo5@1.0", "", `python_version < "2.7"`},
		{"foo11==1.0 --hash=sha256:abc_;#", "pkg:pypi/foo11@1.0", "", ""},
		{"foo14==1.0 -C bar", "pkg:pypi/foo14@1.0", "", ""},
		{"name (>=1.0)", "pkg:pypi/name", ">=1.0", ""},
		{"pytest", "pkg:pypi/pytest", "", ""},
		{"foo10== --hash=sha256:123", "", "", ""},
		{"urllib3 @ https://files.example.com/urllib3.zip", "", "", ""},
		{"./downloads/numpy-1.9.2-cp34-none-win32.whl", "", "", ""},
		{"pkg==${VERSION}", "", "", ""},
		{"!!!", "", "", ""},
	} {
		t.Run(tc.line, func(t *testing.T) {
			res, err := parseBytes(t, NewRequirements(), "requirements.txt", []byte(tc.line+"\n"))
			if err != nil {
				t.Fatal(err)
			}
			l := locks(res)
			if tc.id == "" {
				if len(l) != 0 || len(res.Diags) != 1 {
					t.Errorf("got LOCKS %v and %d diagnostics, want none and 1", l, len(res.Diags))
				}
				return
			}
			a, ok := l[tc.id]
			if !ok || len(l) != 1 {
				t.Fatalf("LOCKS = %v, want one to %s", l, tc.id)
			}
			if a["range"] != tc.rng || a["markers"] != tc.markers {
				t.Errorf("range, markers = %q, %q; want %q, %q", a["range"], a["markers"], tc.rng, tc.markers)
			}
			if len(res.Diags) != 0 {
				t.Errorf("unexpected diagnostics: %v", res.Diags)
			}
		})
	}
}

func TestRequirementsDetect(t *testing.T) {
	reqs := []byte("# base\nflask==3.0.2\n-r common.txt\nrequests>=2\n")
	prose := []byte("These notes explain the requirements.\n")
	for _, tc := range []struct {
		rel  string
		head []byte
		want bool
	}{
		{"requirements.txt", prose, true},
		{"requirements-dev.txt", reqs, true},
		{"docs/Requirements_test.txt", reqs, true},
		{"requirements/base.txt", reqs, true},
		{"ci/requirements/lint/tools.txt", reqs, true},
		{"requirements/README.txt", prose, false},
		{"requirements/empty.txt", []byte("# nothing\n"), false},
		{"docs/notes.txt", reqs, false},
		{"requirements.in", reqs, false},
	} {
		f := newFile(tc.rel, tc.head)
		if got := NewRequirements().Detect(f); got != tc.want {
			t.Errorf("Detect(%s) = %v, want %v", tc.rel, got, tc.want)
		}
	}
}
