package lockfile

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
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
