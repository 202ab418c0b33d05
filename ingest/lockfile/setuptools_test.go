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
		// configparser's BasicInterpolation expands "%(key)s" from the
		// same section or [DEFAULT], and "%%" to "%".
		{"interpolated name", "[metadata]\nname = %(base)s-tool\nbase = acme\n", "acme-tool", nil},
		{"interpolated name twice", "[metadata]\nname = %(a)s%(a)s\na = ab\n", "abab", nil},
		{"interpolation from DEFAULT", "[DEFAULT]\nbase = acme\n[metadata]\nname = %(base)s-x\n", "acme-x", nil},
		{"DEFAULT name from metadata", "[DEFAULT]\nname = %(base)s-d\n[metadata]\nbase = meta\n", "meta-d", nil},
		{"escaped percent before a key", "[metadata]\nname = acme\nx = %%(missing)s\n", "acme", nil},
		{"interpolated line break", "[metadata]\nname = %(d)s\nd = a\n  b\n", "", []int{2}},
		{"nine nested references", "[metadata]\nname = %(a1)s\na1 = %(a2)s\na2 = %(a3)s\na3 = %(a4)s\na4 = %(a5)s\na5 = %(a6)s\na6 = %(a7)s\na7 = %(a8)s\na8 = %(a9)s\na9 = deep%(e)s\ne =\n", "deep", nil},
		{"private classifier interpolated", "[metadata]\nname = acme\nclassifiers = %(p)s\np = Private :: x\n", "", nil},
		{"private classifier in DEFAULT", "[DEFAULT]\nclassifiers = Private :: x\n[metadata]\nname = acme\n", "", nil},
		{"bad value in a comment", "[metadata]\nname = acme\n[options]\n# x = %(nope)s\n", "acme", nil},
		{"DEFAULT reference in its only section", "[DEFAULT]\nx = %(y)s\n[metadata]\nname = acme\ny = 1\n", "acme", nil},
		{"setuptools skips __name__", "[metadata]\nname = acme\n[tool]\n__name__ = %(nope)s\n", "acme", nil},
		// An interpolation error in any value of any section other than
		// [DEFAULT] stops setuptools, so it reads no name. [DEFAULT]
		// values are read in every other section.
		{"key case in a reference", "[metadata]\nname = %(Base)s\nbase = acme\n", "", nil},
		{"missing key in options", "[metadata]\nname = acme\n[options]\nx = %(nope)s\n", "", nil},
		{"missing key on a continuation line", "[metadata]\nname = acme\n[options]\nx = a\n  %(nope)s\n", "", nil},
		{"lone percent in another tool", "[metadata]\nname = acme\n[flake8]\nx = 100%\n", "", nil},
		{"lone percent in DEFAULT", "[metadata]\nname = acme\n[DEFAULT]\nx = %\n", "", nil},
		{"DEFAULT reference missing in a section", "[DEFAULT]\nx = %(y)s\n[metadata]\nname = acme\ny = 1\n[options]\nz = 2\n", "", nil},
		{"reference without s", "[metadata]\nname = acme\nx = %(y)\n", "", nil},
		{"empty reference", "[metadata]\nname = acme\nx = %()s\n", "", nil},
		{"reference with d", "[metadata]\nname = acme\nx = %(y)d\ny = 1\n", "", nil},
		{"space in a reference", "[metadata]\nname = acme\nx = %(y )s\ny = 1\n", "", nil},
		{"reference across lines", "[metadata]\nname = acme\nx = %(a\n  b)s\n", "", nil},
		{"__name__ reference", "[metadata]\nname = %(__name__)s\n", "", nil},
		{"self reference", "[metadata]\nname = %(name)s\n", "", nil},
		{"reference cycle", "[metadata]\nname = %(a)s\na = %(b)s\nb = %(a)s\n", "", nil},
		// configparser stops after 10 nested values that contain "%".
		{"ten nested references", "[metadata]\nname = %(a1)s\na1 = %(a2)s\na2 = %(a3)s\na3 = %(a4)s\na4 = %(a5)s\na5 = %(a6)s\na6 = %(a7)s\na7 = %(a8)s\na8 = %(a9)s\na9 = %(a10)s\na10 = deep%(e)s\ne =\n", "", nil},
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
		// Python decodes the escapes of a str literal, and joins
		// adjacent literals.
		{"escape in the name", "setup(name=\"ac\\x6de\")\n", "acme"},
		{"hex escape", `setup(name="my\x2dpkg")`, "my-pkg"},
		{"octal escape", `setup(name="acme\055tool")`, "acme-tool"},
		{"three octal digits at most", `setup(name="acme\1010")`, "acmea0"},
		{"u escape", `setup(name="acme\u002dtool")`, "acme-tool"},
		{"U escape", `setup(name="acme\U0000002dtool")`, "acme-tool"},
		{"escaped line break", "setup(name=\"acme\\\ntool\")\n", "acmetool"},
		{"escaped CRLF", "setup(name=\"acme\\\r\ntool\")\r\n", "acmetool"},
		{"adjacent literals with escapes", `setup(name="my" '\x2dpkg')`, "my-pkg"},
		{"u prefix with escape", `setup(name=u"acme\x2dtool")`, "acme-tool"},
		{"triple quotes with escape", `setup(name="""acme\x2dtool""")`, "acme-tool"},
		{"escaped backslash", `setup(name="acme\\x2d")`, ""},
		{"backslash in a raw string", `setup(name=r"acme\-tool")`, ""},
		{"unknown escape kept", `setup(name="acme\dtool")`, ""},
		// setup imported under another name, or called through an alias
		// of its module.
		{"function alias", "from setuptools import setup as s\ns(name=\"alias-call\")\n", "alias-call"},
		{"module alias", "import setuptools as st\nst.setup(name=\"module-alias\")\n", "module-alias"},
		{"distutils import", "from distutils.core import setup\nsetup(name=\"distutils-call\")\n", "distutils-call"},
		{"distutils function alias", "from distutils.core import setup as ds\nds(name=\"distutils-alias\")\n", "distutils-alias"},
		{"distutils module alias", "import distutils.core as dc\ndc.setup(name=\"distutils-module\")\n", "distutils-module"},
		{"alias as second item", "from setuptools import find_packages, setup as s\ns(name=\"second-item\", packages=find_packages())\n", "second-item"},
		{"alias in parentheses", "from setuptools import (\n    find_packages,\n    setup as s,\n)\ns(name=\"parenthesised-import\")\n", "parenthesised-import"},
		{"module alias as second item", "import os, setuptools as st\nst.setup(name=\"second-module\")\n", "second-module"},
		{"method named as the alias", "from setuptools import setup as s\nclass X:\n    def s(self, name):\n        pass\nX().s(name=\"wrong\")\ns(name=\"right\")\n", "right"},
		{"alias of a submodule", "import setuptools.command as st\nst.setup(name=\"wrong\")\n", ""},
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
		{"escaped quote", `setup(name='a\'b')`, false},
		{"hex escape", `setup(name="my\x2dpkg")`, false},
		{"truncated hex escape", `setup(name="acme\x2")`, true},
		{"code point past U+10FFFF", `setup(name="acme\U00110000")`, true},
		// Character names are not decoded, although Python reads this
		// name as "acme-tool".
		{"named character escape", `setup(name="acme\N{HYPHEN-MINUS}tool")`, true},
		{"percent format", `setup(name="acme-%s" % x)`, true},
		{"format method", `setup(name="acme-{}".format(x))`, true},
		{"f-string after a literal", `setup(name="acme" f"-tool")`, true},
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
		{"many imported modules", "setup.py", "import setuptools as st" + strings.Repeat(", os", n/4) + "\nst.setup(name='acme')\n", "acme"},
		{"many names from setuptools", "setup.py", "from setuptools import (" + strings.Repeat("find_packages, ", n/16) + "setup as s)\ns(name='acme')\n", "acme"},
		{"many yield from", "setup.py", strings.Repeat("def f():\n    yield from g\n", n/32) + "from setuptools import setup\nsetup(name='acme')\n", "acme"},
		{"long yield from", "setup.py", "def f():\n    yield from os" + strings.Repeat(".path", n/4) + "\nfrom setuptools import setup\nsetup(name='acme')\n", "acme"},
		{"CRLF", "setup.py", "from setuptools import setup\r\nsetup(\r\n    name='acme',\r\n)\r\n", "acme"},
		{"long continuation", "setup.cfg", "[metadata]\nname = acme\nclassifiers =\n    " + strings.Repeat("x", 4*n) + "\n", "acme"},
		{"name continued many times", "setup.cfg", "[metadata]\nname = acme\n" + strings.Repeat("    x\n", n/2), ""},
		{"many sections", "setup.cfg", manySections(n/16) + "[metadata]\nname = acme\n", "acme"},
		{"long header", "setup.cfg", "[" + strings.Repeat("[", 2*n) + "]\nname = acme\n", ""},
		{"binary", "setup.cfg", string(binary), ""},
		// configparser expands each reference again, so it would need
		// 16384^8 steps for these two. The first expands to "acme", and
		// the second to a name too long to read.
		{"references to empty values", "setup.cfg", nestedReferences(1<<14, ""), "acme"},
		{"exponential expansion", "setup.cfg", nestedReferences(1<<14, "x"), ""},
		{"DEFAULT read in many sections", "setup.cfg", defaultInManySections(1 << 15), "acme"},
		{"long reference chain", "setup.cfg", referenceChain(n / 8), ""},
	}
}

// nestedReferences returns a setup.cfg whose name is "acme" followed by
// the value of a1, where each of a1 to a8 is count references to the
// next, and a9 is last.
func nestedReferences(count int, last string) string {
	var b strings.Builder
	b.WriteString("[metadata]\nname = acme%(a1)s\n")
	for k := 1; k < 9; k++ {
		fmt.Fprintf(&b, "a%d = %s\n", k, strings.Repeat(fmt.Sprintf("%%(a%d)s", k+1), count))
	}
	fmt.Fprintf(&b, "a9 = %s\n", last)
	return b.String()
}

// defaultInManySections returns a setup.cfg with count DEFAULT keys that
// reference b, and count sections that set b, so that configparser reads
// count*count values.
func defaultInManySections(count int) string {
	var b strings.Builder
	b.WriteString("[DEFAULT]\n")
	for i := range count {
		fmt.Fprintf(&b, "d%d = %%(b)s\n", i)
	}
	b.WriteString("[metadata]\nname = acme\nb = 1\n")
	for i := range count {
		fmt.Fprintf(&b, "[s%d]\nb = 1\n", i)
	}
	return b.String()
}

// referenceChain returns a setup.cfg whose name references a chain of
// count keys, deeper than configparser expands.
func referenceChain(count int) string {
	var b strings.Builder
	b.WriteString("[metadata]\nname = %(a0)s\n")
	for i := range count {
		fmt.Fprintf(&b, "a%d = %%(a%d)s\n", i, i+1)
	}
	fmt.Fprintf(&b, "a%d = acme\n", count)
	return b.String()
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
