package terraform

import (
	"bytes"
	"fmt"
	"path/filepath"
	"slices"
	"sync"

	"github.com/blastradius-dev/blastradius/ingest"
)

// Terraform applies root modules. A folder that a root module calls
// through a local source is a child module: its variables take the call's
// arguments, and its tfvars files are not loaded. Read on its own, with
// its variables' defaults, a child module gives resources named after
// what it leaves open (arn:aws:iam:::user/${var.name}), which no
// deployment creates, and policies no deployment attaches. So a folder of
// the input that a root of the input calls, directly or through other
// calls, is read only through those calls. A folder that holds a tfvars
// file, or whose terraform block names a backend or HCP Terraform (cloud),
// is applied on its own as well, and stays a root: Terraform ignores a
// child module's backend, so one is written only for a root.

// inputTree is the Terraform folders of the input, as Prepare found them.
type inputTree struct {
	once sync.Once
	// configs lists the configuration files of each folder, and vars
	// marks the folders that hold a tfvars file.
	configs map[string][]*ingest.File
	vars    map[string]bool
	// callers maps each folder read only through calls to a folder
	// whose module call reads it.
	callers map[string]string
}

// Prepare implements ingest.Preparer. It records the folders of the input
// that hold Terraform files, so that Detect can leave out the files of the
// modules that other folders of the input call.
func (p *Parser) Prepare(files []*ingest.File) {
	t := &inputTree{configs: map[string][]*ingest.File{}, vars: map[string]bool{}}
	for _, f := range files {
		dir := filepath.Dir(f.Path)
		switch {
		case isConfig(f.Path):
			t.configs[dir] = append(t.configs[dir], f)
		case isVars(f.Path):
			t.vars[dir] = true
		}
	}
	p.mu.Lock()
	p.input = t
	p.mu.Unlock()
}

// caller returns a folder of the input whose module call reads the module
// in dir, or "" when dir is read as a root module.
func (p *Parser) caller(dir string) string {
	p.mu.Lock()
	t := p.input
	p.mu.Unlock()
	if t == nil {
		return ""
	}
	t.once.Do(t.findCalls)
	return t.callers[dir]
}

// Skip implements ingest.Skipper: it names the folder whose module call
// reads the files of a called module, and gives why Terraform leaves out
// a file named like one of its own (MAIN.TF, .draft.tf).
func (p *Parser) Skip(f *ingest.File) string {
	if reason := leftOut(f.Path); reason != "" {
		return reason
	}
	if !isConfig(f.Path) && !isVars(f.Path) {
		return ""
	}
	if c := p.caller(filepath.Dir(f.Path)); c != "" {
		return fmt.Sprintf("Terraform module that %s calls; read through that call, not on its own", c)
	}
	return ""
}

// findCalls fills callers: the folders that the roots of the input reach
// through local module calls, as deep as an evaluation reads calls. The
// roots are the folders no other folder of the input calls, and those
// that hold a tfvars file or a backend.
func (t *inputTree) findCalls() {
	dirs := make([]string, 0, len(t.configs))
	for d := range t.configs {
		dirs = append(dirs, d)
	}
	slices.Sort(dirs)
	byReal := make(map[string]string, len(dirs))
	for _, d := range dirs {
		if r := realDir(d); byReal[r] == "" {
			byReal[r] = d
		}
	}

	calls := map[string][]string{}
	called := map[string]bool{}
	applied := map[string]bool{}
	for _, d := range dirs {
		for _, child := range t.calledBy(d, byReal) {
			calls[d] = append(calls[d], child)
			if _, ok := applied[child]; !ok {
				applied[child] = t.vars[child] || t.hasBackend(child)
			}
			if !applied[child] {
				called[child] = true
			}
		}
	}

	// Each root reads the modules it reaches. A called folder that no
	// root reads is deeper than the calls an evaluation follows, or in a
	// cycle of calls. It is read as a root in turn, so that a folder is
	// read either on its own or through calls, never both. A folder that
	// a folder read already calls goes first; in a cycle that no folder
	// read calls, the first by name.
	t.callers = map[string]string{}
	isRoot := map[string]bool{}
	for _, d := range dirs {
		if !called[d] {
			isRoot[d] = true
			t.reach(d, calls, called, isRoot)
		}
	}
	callersOf := map[string][]string{}
	for _, d := range dirs {
		for _, child := range calls[d] {
			callersOf[child] = append(callersOf[child], d)
		}
	}
	read := func(d string) bool { return isRoot[d] || t.callers[d] != "" }
	for {
		var pending []string
		for _, d := range dirs {
			if !read(d) {
				pending = append(pending, d)
			}
		}
		if len(pending) == 0 {
			return
		}
		next := pending[0]
		for _, d := range pending {
			if slices.ContainsFunc(callersOf[d], read) {
				next = d
				break
			}
		}
		isRoot[next] = true
		t.reach(next, calls, called, isRoot)
	}
}

// reach marks the called folders that the root reads through its calls,
// as deep as an evaluation follows calls. When the root reaches more
// module calls or more bytes of files than one evaluation reads (maxCalls,
// maxCallBytes), the evaluation leaves some calls out, so none of its
// modules is marked and each is read on its own as before.
func (t *inputTree) reach(root string, calls map[string][]string, called, isRoot map[string]bool) {
	reached := map[string]string{}
	level := []string{root}
	n, size := 0, int64(0)
	for depth := 0; depth < maxCallDepth && len(level) > 0; depth++ {
		var next []string
		for _, d := range level {
			n += len(calls[d])
			for _, child := range calls[d] {
				if !called[child] || isRoot[child] || t.callers[child] != "" || reached[child] != "" {
					continue
				}
				reached[child] = d
				for _, f := range t.configs[child] {
					size += f.Size
				}
				next = append(next, child)
			}
		}
		level = next
	}
	if n > maxCalls || size > int64(maxCallBytes) {
		return
	}
	for child, by := range reached {
		t.callers[child] = by
	}
}

// calledBy returns the folders of the input that the module blocks of the
// module in dir call through local sources, in the order of their names.
// Folders whose files never mention a module are not parsed.
func (t *inputTree) calledBy(dir string, byReal map[string]string) []string {
	files := t.configs[dir]
	mentions := false
	for _, f := range files {
		if src, err := readSource(f.Path); err == nil && bytes.Contains(src, []byte("module")) {
			mentions = true
			break
		}
	}
	if !mentions {
		return nil
	}

	m := readModule(dir, "", "", files[0])
	root := sourceRoot(dir, files[0])
	realRoot := realDir(root)
	names := make([]string, 0, len(m.calls))
	for name := range m.calls {
		names = append(names, name)
	}
	slices.Sort(names)

	var out []string
	for _, name := range names {
		folder, problem, ok := localSource(m.calls[name], dir, root, realRoot)
		if !ok || problem != "" {
			continue
		}
		if child := byReal[folder]; child != "" && child != dir {
			out = append(out, child)
		}
	}
	return out
}

// hasBackend reports whether a configuration file of the folder has a
// terraform block with a backend or cloud block. Files that never mention
// either word are not parsed.
func (t *inputTree) hasBackend(dir string) bool {
	for _, f := range t.configs[dir] {
		src, err := readSource(f.Path)
		if err != nil || (!bytes.Contains(src, []byte("backend")) && !bytes.Contains(src, []byte("cloud"))) {
			continue
		}
		body, diags := parseBody(src, filepath.Base(plainName(f.Path)))
		if diags.HasErrors() || body == nil {
			continue
		}
		for _, b := range body.Blocks {
			if b.Type != "terraform" {
				continue
			}
			// The JSON syntax reads the terraform block's settings as
			// arguments, the native syntax as blocks.
			for _, inner := range b.Body.Blocks {
				if inner.Type == "backend" || inner.Type == "cloud" {
					return true
				}
			}
			if b.Body.Attributes["backend"] != nil || b.Body.Attributes["cloud"] != nil {
				return true
			}
		}
	}
	return false
}
