package terraform

import (
	"encoding/base64"
	"errors"
	"io"
	"path/filepath"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"

	"github.com/blastradius-dev/blastradius/ingest"
)

// maxReadFile bounds a file that file, templatefile or an S3 object's
// source reads.
const maxReadFile = 1 << 20

var (
	errOutside  = errors.New("path leaves the module's parent folder")
	errNotFile  = errors.New("not a regular file")
	errTooLarge = errors.New("result would be too large")
)

// moduleFiles reads the files a module's configuration names, relative to
// the module folder. Paths may not leave the folder's parent, where
// modules keep assets beside their own folder, so that a configuration
// cannot make the parser read files elsewhere on the machine.
type moduleFiles struct {
	dir string

	mu    sync.Mutex
	cache map[string]fileRead
}

type fileRead struct {
	data []byte
	err  error
}

func newModuleFiles(dir string) *moduleFiles {
	return &moduleFiles{dir: dir, cache: map[string]fileRead{}}
}

// read returns the content of the file at path, relative to the module
// folder.
func (mf *moduleFiles) read(path string) ([]byte, error) {
	if path == "" || filepath.IsAbs(path) || strings.ContainsRune(path, 0) {
		return nil, errOutside
	}
	full := filepath.Clean(filepath.Join(mf.dir, path))
	mf.mu.Lock()
	defer mf.mu.Unlock()
	if r, ok := mf.cache[full]; ok {
		return r.data, r.err
	}
	data, err := mf.readFresh(full)
	mf.cache[full] = fileRead{data: data, err: err}
	return data, err
}

func (mf *moduleFiles) readFresh(full string) ([]byte, error) {
	root, err := mf.root()
	if err != nil {
		return nil, err
	}

	// The real path, links followed, must lie under the root.
	target, err := filepath.Abs(full)
	if err != nil {
		return nil, err
	}
	if target, err = filepath.EvalSymlinks(target); err != nil {
		return nil, err
	}
	if rel, err := filepath.Rel(root, target); err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return nil, errOutside
	}

	fh, _, err := ingest.OpenRegular(target)
	if err != nil {
		if errors.Is(err, ingest.ErrNotRegular) {
			return nil, errNotFile
		}
		return nil, err
	}
	defer fh.Close()
	data, err := io.ReadAll(io.LimitReader(fh, maxReadFile+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxReadFile {
		return nil, errTooLarge
	}
	return data, nil
}

// root returns the folder that files may be read from: the module
// folder's parent, or the module folder itself when its parent is the
// file system's root.
func (mf *moduleFiles) root() (string, error) {
	dir, err := filepath.Abs(mf.dir)
	if err != nil {
		return "", err
	}
	if real, err := filepath.EvalSymlinks(dir); err == nil {
		dir = real
	}
	parent := filepath.Dir(dir)
	if filepath.Dir(parent) == parent {
		return dir, nil
	}
	return parent, nil
}

// template returns the parsed template at path.
func (mf *moduleFiles) template(path string) (hclsyntax.Expression, error) {
	src, err := mf.read(path)
	if err != nil {
		return nil, err
	}
	expr, diags := hclsyntax.ParseTemplate(src, filepath.Base(path), hcl.InitialPos)
	if diags.HasErrors() {
		return nil, errors.New("template has a syntax error")
	}
	countIterations(expr)
	return expr, nil
}

// templateVars returns the names of the variables the template at path
// reads, or ok false when it cannot be read.
func (mf *moduleFiles) templateVars(path string) (map[string]bool, bool) {
	expr, err := mf.template(path)
	if err != nil {
		return nil, false
	}
	used := map[string]bool{}
	for _, tr := range expr.Variables() {
		used[tr.RootName()] = true
	}
	return used, true
}

// fileFunc is Terraform's file: the text of a file.
func (mf *moduleFiles) fileFunc() function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "path", Type: cty.String}},
		Type:   function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			data, err := mf.read(args[0].AsString())
			if err != nil {
				return cty.NilVal, function.NewArgErrorf(0, "file could not be read")
			}
			if !utf8.Valid(data) {
				return cty.NilVal, function.NewArgErrorf(0, "file is not UTF-8 text")
			}
			return cty.StringVal(string(data)), nil
		},
	})
}

// fileBase64Func is Terraform's filebase64: the file's bytes, base64
// encoded, within the same folders as file. Launch templates often read
// their user_data with it.
func (mf *moduleFiles) fileBase64Func() function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "path", Type: cty.String}},
		Type:   function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			data, err := mf.read(args[0].AsString())
			if err != nil {
				return cty.NilVal, function.NewArgErrorf(0, "file could not be read")
			}
			return cty.StringVal(base64.StdEncoding.EncodeToString(data)), nil
		},
	})
}

// fileExistsFunc is Terraform's fileexists, within the same folders.
func (mf *moduleFiles) fileExistsFunc() function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "path", Type: cty.String}},
		Type:   function.StaticReturnType(cty.Bool),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			_, err := mf.read(args[0].AsString())
			return cty.BoolVal(err == nil), nil
		},
	})
}

// templateFileFunc is Terraform's templatefile: the file rendered as a
// template with the given variables and funcs, which must not include
// templatefile itself.
func (mf *moduleFiles) templateFileFunc(funcs map[string]function.Function) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{
			{Name: "path", Type: cty.String},
			{Name: "vars", Type: cty.DynamicPseudoType},
		},
		Type: function.StaticReturnType(cty.DynamicPseudoType),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			expr, err := mf.template(args[0].AsString())
			if err != nil {
				return cty.NilVal, function.NewArgErrorf(0, "template could not be read")
			}
			vars := args[1]
			ty := vars.Type()
			if !vars.IsWhollyKnown() || vars.IsNull() || !(ty.IsObjectType() || ty.IsMapType()) {
				return cty.DynamicVal, nil
			}
			ctx := &hcl.EvalContext{Variables: vars.AsValueMap(), Functions: funcs}
			v, diags := expr.Value(ctx)
			if diags.HasErrors() {
				return cty.NilVal, function.NewArgErrorf(1, "template could not be rendered")
			}
			return bounded(v), nil
		},
	})
}
