package lockfile

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
)

func TestSetupCfgName(t *testing.T) {
	tests := []struct {
		name, data, want string
		warnings         []int
	}{
		{"metadata name", "[metadata]\nname = Acme_Widget\nversion = 1.0\n", "acme-widget", nil},
		{"colon and key case", "[metadata]\nNAME: acme.tool\n", "acme-tool", nil},
		{"after other sections", "[options]\nname = not-this\n\n[metadata]\n# name = commented\nname = widget\n", "widget", nil},
		{"no metadata", "[flake8]\nmax-line-length = 100\n", "", nil},
		{"private classifier", "[metadata]\nname = internal\nclassifiers =\n    License :: OSI Approved\n    Private :: Do Not Upload\n", "", nil},
		{"other classifier", "[metadata]\nname = public\nclassifiers =\n    License :: OSI Approved\n", "public", nil},
		{"attr directive", "[metadata]\nname = attr: acme.NAME\n", "", nil},
		{"space in the name", "[metadata]\nversion = 1\nname = acme widget\n", "", []int{3}},
		// configparser keeps the spaces inside the brackets, so this
		// section is " metadata ", which setuptools does not read.
		{"spaces inside the header", "[ metadata ]\nname = spaced\n", "", nil},
		{"bracket inside the header", "[metadata]]\nname = bracket\n", "", nil},
		{"text after the header", "[metadata] ; project\nname = trailing\n", "trailing", nil},
		// An indented line continues the value only when it is indented
		// deeper than its key, and then the name has a line break.
		{"continued name", "[metadata]\nname = first\n    second\n", "", []int{2}},
		{"continued name, tab", "[metadata]\nname = first\n\tsecond\n", "", []int{2}},
		{"indented key", "[metadata]\n  name = indented\n", "indented", nil},
		{"keys at one indent", "[metadata]\n  version = 1\n  name = same\n", "same", nil},
		{"DEFAULT section", "[DEFAULT]\nname = from-default\n[metadata]\nversion = 1\n", "from-default", nil},
		{"DEFAULT without metadata", "[DEFAULT]\nname = from-default\n[options]\nzip_safe = false\n", "", nil},
		{"CR line ends", "[metadata]\rname = cr-only\r", "cr-only", nil},
		// configparser raises on these, so setuptools reads no name.
		{"repeated key", "[metadata]\nname = one\nname = two\n", "", nil},
		{"repeated section", "[metadata]\nname = one\n[metadata]\nversion = 1\n", "", nil},
		{"line before any section", "name = x\n[metadata]\nname = y\n", "", nil},
		{"line without a delimiter", "[metadata]\nname = x\ngarbage\n", "", nil},
		{"invalid UTF-8", "[metadata]\nname = x\ndescription = \xff\n", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := parseBytes(t, NewSetuptools(), "setup.cfg", []byte(tt.data))
			if err != nil {
				t.Fatal(err)
			}
			got, ok := repoAttr(res, graph.AttrPyPISetupCfgProject)
			if !ok {
				t.Fatal("no repository node")
			}
			if got != tt.want {
				t.Errorf("pypi_setup_cfg_project = %q, want %q", got, tt.want)
			}
			if diff := cmp.Diff(diagLines(res), tt.warnings); diff != "" {
				t.Errorf("warning lines (-got +want):\n%s\n%v", diff, res.Diags)
			}
		})
	}
}

func TestSetupPyName(t *testing.T) {
	tests := []struct {
		name, data, want string
	}{
		{"keyword", "from setuptools import setup\n\nsetup(\n    name=\"Acme_Widget\",\n    version=\"1.0\",\n)\n", "acme-widget"},
		{"module call, single quotes", "import setuptools\nsetuptools.setup(version='2', name = 'acme.tool')\n", "acme-tool"},
		{"extension before the name", "setup(\n    ext_modules=[Extension(name=\"acme._speed\", sources=[\"s.c\"])],\n    name=\"acme\",\n)\n", "acme"},
		{"name in a comment and a string", "setup(\n    # name=\"old\"\n    description=\"name='nope'\",\n    name=\"real\",\n)\n", "real"},
		{"computed", "NAME = \"acme\"\nsetup(name=NAME)\n", ""},
		{"f-string", "setup(name=f\"acme-{suffix}\")\n", ""},
		{"concatenation", "setup(name=\"acme\" + SUFFIX)\n", ""},
		{"a definition, not a call", "def setup(app):\n    app.add(name=\"sphinx-ext\")\n", ""},
		{"no setup call", "print('hello')\n", ""},
		{"equality, not a keyword", "setup(version=\"1\" if name == \"x\" else \"2\")\n", ""},
		{"setup call in a comment", "# Example: setup(name=\"wrong\")\nfrom setuptools import setup\nsetup(name=\"right\")\n", "right"},
		{"setup call in a docstring", "\"\"\"Run setup(name='wrong') to build.\"\"\"\nfrom setuptools import setup\nsetup(name=\"right\")\n", "right"},
		{"setup call in a string", "x = \"call setup(name='wrong')\"\nsetup(name=\"right\")\n", "right"},
		// Python rejects these files, so setup.py never runs.
		{"unclosed string", "setup(name=\"wrong\n, version=\"1\")\n", ""},
		{"unclosed call", "setup(name=\"open\",\n", ""},
		{"repeated keyword", "setup(name=\"one\", name=\"two\")\n", ""},
		{"unclosed string after the call", "setup(name=\"acme\")\nprint('x)\n", ""},
		{"u prefix", "setup(name=u\"u-prefix\")\n", "u-prefix"},
		{"r prefix", "setup(name=R'r-prefix')\n", "r-prefix"},
		{"bytes", "setup(name=b\"bytes\")\n", ""},
		{"parenthesised", "setup(name=(\"parens\"))\n", "parens"},
		{"adjacent literals", "setup(name=\"acme\" \"-tool\")\n", "acme-tool"},
		{"comment before the comma", "setup(\n    name=\"commented\"  # the name\n    ,\n)\n", "commented"},
		{"line break before the equals sign", "setup(name\n=\"nl\")\n", "nl"},
		{"backslash continuation", "setup(name=\"bs\" \\\n)\n", "bs"},
		{"comment ended by a CR", "setup(\r# note\rname=\"cr\")\r", "cr"},
		{"escape in the name", "setup(name=\"ac\\x6de\")\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := parseBytes(t, NewSetuptools(), "setup.py", []byte(tt.data))
			if err != nil {
				t.Fatal(err)
			}
			got, ok := repoAttr(res, graph.AttrPyPISetupPyProject)
			if !ok {
				t.Fatal("no repository node")
			}
			if got != tt.want {
				t.Errorf("pypi_setup_py_project = %q, want %q", got, tt.want)
			}
		})
	}
}

// The name's line is where its value starts, for the warning.
func TestSetupPyNameLine(t *testing.T) {
	res, err := parseBytes(t, NewSetuptools(), "setup.py", []byte("from setuptools import setup\nsetup(\n    version='1',\n    name='acme widget',\n)\n"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(diagLines(res), []int{4}); diff != "" {
		t.Errorf("warning lines (-got +want):\n%s\n%v", diff, res.Diags)
	}
}

// A name that setup.py computes, or may pass through ** unpacking, or a
// file Python rejects, leaves the name unknown: setuptools takes the
// setup() argument over setup.cfg, so setup.cfg's name may be wrong.
func TestSetupPyNameUnknown(t *testing.T) {
	tests := []struct {
		name, data string
		unknown    bool
	}{
		{"literal", "setup(name=\"acme\")\n", false},
		{"no name argument", "setup(version=\"1\")\n", false},
		{"no setup call", "print('hello')\n", false},
		{"computed", "setup(name=NAME)\n", true},
		{"f-string", "setup(name=f\"acme-{x}\")\n", true},
		{"unpacked dict", "setup(version=\"1\", **metadata)\n", true},
		{"unpacked dict and a literal", "setup(name=\"acme\", **metadata)\n", false},
		{"unclosed call", "setup(version=\"1\",\n", true},
		{"unclosed triple quote", "\"\"\"doc\nsetup(name=\"acme\")\n", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := parseBytes(t, NewSetuptools(), "setup.py", []byte(tt.data))
			if err != nil {
				t.Fatal(err)
			}
			got, ok := repoAttr(res, graph.AttrPyPISetupPyNameUnknown)
			if !ok {
				t.Fatal("no repository node")
			}
			if want := map[bool]string{true: "true"}[tt.unknown]; got != want {
				t.Errorf("pypi_setup_py_name_unknown = %q, want %q", got, want)
			}
		})
	}
}

// hostileSetupInputs returns large and malformed setup.py and setup.cfg
// files, up to about 6 MiB, with the name setuptools would use.
func hostileSetupInputs() []struct {
	name, rel, data, want string
} {
	const n = 1 << 20
	binary := make([]byte, 2*n)
	x := uint32(1)
	for i := range binary {
		// xorshift32, so that the input is the same on every run.
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		binary[i] = byte(x)
	}
	return []struct {
		name, rel, data, want string
	}{
		{"nested brackets", "setup.py", "setup(x=" + strings.Repeat("(", n) + "1" + strings.Repeat(")", n) + ", name='acme')\n", ""},
		{"200 nested brackets", "setup.py", "setup(x=" + strings.Repeat("(", 199) + "1" + strings.Repeat(")", 199) + ", name='acme')\n", "acme"},
		{"unclosed brackets", "setup.py", "setup(name='acme', x=" + strings.Repeat("[", n) + "\n", ""},
		{"odd triple quotes", "setup.py", strings.Repeat(`"""`, n+1) + "\nsetup(name='acme')\n", ""},
		{"even triple quotes", "setup.py", strings.Repeat(`"""`, n) + "\nsetup(name='acme')\n", "acme"},
		{"unclosed quotes", "setup.py", "setup(name='acme')\n" + strings.Repeat("'x\n", n), ""},
		{"binary", "setup.py", string(binary), ""},
		{"many arguments", "setup.py", "setup(\n" + strings.Repeat("    a=1,\n", n/8) + "    name='acme',\n)\n", "acme"},
		{"many name tokens", "setup.py", "setup(" + strings.Repeat("name ", n) + ")\n", ""},
		{"many setup names", "setup.py", strings.Repeat("setup.", n) + "setup(name='acme')\n", ""},
		{"backslashes", "setup.py", strings.Repeat("\\", 2*n) + "setup(name='acme')\n", "acme"},
		{"CRLF", "setup.py", "from setuptools import setup\r\nsetup(\r\n    name='acme',\r\n)\r\n", "acme"},
		{"long continuation", "setup.cfg", "[metadata]\nname = acme\nclassifiers =\n    " + strings.Repeat("x", 4*n) + "\n", "acme"},
		{"name continued many times", "setup.cfg", "[metadata]\nname = acme\n" + strings.Repeat("    x\n", n/2), ""},
		{"many sections", "setup.cfg", manySections(n/16) + "[metadata]\nname = acme\n", "acme"},
		{"long header", "setup.cfg", "[" + strings.Repeat("[", 2*n) + "]\nname = acme\n", ""},
		{"binary", "setup.cfg", string(binary), ""},
	}
}

// manySections returns count setup.cfg sections with one key each.
func manySections(count int) string {
	var b strings.Builder
	for i := range count {
		fmt.Fprintf(&b, "[section%d]\nkey = value\n", i)
	}
	return b.String()
}

func TestSetuptoolsHostileInput(t *testing.T) {
	for _, tt := range hostileSetupInputs() {
		t.Run(tt.name+" "+tt.rel, func(t *testing.T) {
			res, err := parseBytes(t, NewSetuptools(), tt.rel, []byte(tt.data))
			if err != nil {
				t.Fatal(err)
			}
			key := graph.AttrPyPISetupCfgProject
			if tt.rel == "setup.py" {
				key = graph.AttrPyPISetupPyProject
			}
			got, ok := repoAttr(res, key)
			if !ok {
				t.Fatal("no repository node")
			}
			if got != tt.want {
				t.Errorf("%s = %q, want %q", key, got, tt.want)
			}
			// Python breaks lines at "\n", "\r\n" and a lone "\r".
			lines := 1 + strings.Count(tt.data, "\n") + strings.Count(tt.data, "\r") - strings.Count(tt.data, "\r\n")
			for _, d := range res.Diags {
				if d.Pos.Line < 1 || d.Pos.Line > lines {
					t.Errorf("warning at line %d, outside the %d lines: %s", d.Pos.Line, lines, d.Msg)
				}
			}
		})
	}
}

func BenchmarkSetuptoolsHostileInput(b *testing.B) {
	for _, tt := range hostileSetupInputs() {
		b.Run(tt.name+" "+tt.rel, func(b *testing.B) {
			data := []byte(tt.data)
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				res := &ingest.Result{}
				if err := NewSetuptools().Parse(context.Background(), newFile(tt.rel, data), testEnv(), res); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
