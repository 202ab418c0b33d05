package lockfile

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
)

func TestGemspecName(t *testing.T) {
	tests := []struct {
		name, data string
		others     map[string]string // other files at the top
		want       string
		warnings   []int
	}{
		{"block", "Gem::Specification.new do |spec|\n  spec.name = \"acme-widget\"\n  spec.version = \"1.0\"\nend\n", nil, "acme-widget", nil},
		{"single quotes and a comment", "Gem::Specification.new do |s|\n  s.name    = 'acme_widget' # the gem\nend\n", nil, "acme_widget", nil},
		{"braces", "Gem::Specification.new { |g|\n  g.name = \"braced\"\n}\n", nil, "braced", nil},
		{"argument", "Gem::Specification.new \"argued\", \"1.0\" do |s|\n  s.summary = \"x\"\nend\n", nil, "argued", nil},
		{"computed", "Gem::Specification.new do |spec|\n  spec.name = File.basename(__dir__)\nend\n", nil, "", nil},
		{"interpolated", "Gem::Specification.new do |spec|\n  spec.name = \"acme-#{suffix}\"\nend\n", nil, "", nil},
		{"assigned twice", "Gem::Specification.new do |spec|\n  spec.name = \"one\"\n  spec.name = \"two\"\nend\n", nil, "", nil},
		{"commented out", "Gem::Specification.new do |spec|\n  # spec.name = \"old\"\n  spec.name = \"new\"\nend\n", nil, "new", nil},
		{"other variable", "Gem::Specification.new do |spec|\n  other.name = \"x\"\nend\n", nil, "", nil},
		{"rubygems.org push host", "Gem::Specification.new do |spec|\n  spec.name = \"pub\"\n  spec.metadata[\"allowed_push_host\"] = \"https://rubygems.org\"\nend\n", nil, "pub", nil},
		{"other push host", "Gem::Specification.new do |spec|\n  spec.name = \"priv\"\n  spec.metadata[\"allowed_push_host\"] = \"https://gems.example.com\"\nend\n", nil, "", nil},
		{"push host in a hash", "Gem::Specification.new do |spec|\n  spec.name = \"priv\"\n  spec.metadata = { 'allowed_push_host' => ENV['HOST'] }\nend\n", nil, "", nil},
		{"second gemspec", "Gem::Specification.new do |spec|\n  spec.name = \"first\"\nend\n",
			map[string]string{"other.gemspec": "Gem::Specification.new do |s|\n  s.name = \"second\"\nend\n"}, "", nil},
		{"gemspec in a folder beside it", "Gem::Specification.new do |spec|\n  spec.name = \"top\"\nend\n",
			map[string]string{"sub/sub.gemspec": "Gem::Specification.new do |s|\n  s.name = \"sub\"\nend\n"}, "top", nil},
		{"invalid name", "Gem::Specification.new do |spec|\n  spec.name = \"a b\"\nend\n", nil, "", []int{2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := map[string]string{"widget.gemspec": tt.data}
			for k, v := range tt.others {
				files[k] = v
			}
			f := repoFile(t, files, "widget.gemspec")
			res := &ingest.Result{}
			if err := NewGemspec().Parse(context.Background(), f, testEnv(), res); err != nil {
				t.Fatal(err)
			}
			got, ok := repoAttr(res, graph.AttrGemProject)
			if !ok {
				t.Fatal("no repository node")
			}
			if got != tt.want {
				t.Errorf("gem_project = %q, want %q", got, tt.want)
			}
			if diff := cmp.Diff(diagLines(res), tt.warnings); diff != "" {
				t.Errorf("warning lines (-got +want):\n%s\n%v", diff, res.Diags)
			}
		})
	}
}

func TestGemspecDetect(t *testing.T) {
	tests := []struct {
		rel, repo string
		want      bool
	}{
		{"widget.gemspec", testRepo, true},
		{"gems/widget/widget.gemspec", testRepo, false},
		{"widget.gemspec", "", false},
		{".gemspec", testRepo, false},
		{"Gemfile", testRepo, false},
	}
	for _, tt := range tests {
		f := newFile(tt.rel, nil)
		f.Repo = tt.repo
		if got := NewGemspec().Detect(f); got != tt.want {
			t.Errorf("Detect(%q in %q) = %v, want %v", tt.rel, tt.repo, got, tt.want)
		}
	}
}
