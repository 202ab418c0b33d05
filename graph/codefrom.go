package graph

import "net/url"

// AttrCodeFrom is the attribute of a Runtime whose code Terraform (or a
// CloudFormation or SAM template) deploys from a folder of a repository: an archive_file of the folder uploaded as
// a Lambda function's or layer's zip, or as a Cloud Function's source.
// It lists CodeSource items, each written by EncodeCodeSource.
const AttrCodeFrom = "code_from"

// CodeSource is a folder of a repository that Terraform archives into the
// code a function runs.
type CodeSource struct {
	// Repo is the id of the repository (RepoID) and Dir the folder,
	// relative to its root, "." for the root itself.
	Repo, Dir string
	// File is set when the archive contains only one file of Dir (an
	// archive_file's source_file), relative to the repository's root.
	File string
	// By is the address of the block that archives the folder, such as
	// data.archive_file.api.
	By string
	// Layer is the address of the Lambda layer whose content the folder
	// is, or "" for the function's own code.
	Layer string
	// Tool names what deploys the folder, such as "SAM" or
	// "CloudFormation"; "" stands for Terraform.
	Tool string
}

// EncodeCodeSource writes a CodeSource as one item of the AttrCodeFrom
// list: a query string, whose escapes keep commas out of it.
func EncodeCodeSource(s CodeSource) string {
	v := url.Values{}
	for _, kv := range [][2]string{{"repo", s.Repo}, {"dir", s.Dir}, {"file", s.File}, {"by", s.By}, {"layer", s.Layer}, {"tool", s.Tool}} {
		if kv[1] != "" {
			v.Set(kv[0], kv[1])
		}
	}
	return v.Encode()
}

// CodeSources reads the AttrCodeFrom attribute of a runtime, leaving out
// items without a repository or a folder.
func CodeSources(attr string) []CodeSource {
	var out []CodeSource
	for _, it := range SplitList(attr) {
		v, err := url.ParseQuery(it)
		if err != nil {
			continue
		}
		s := CodeSource{Repo: v.Get("repo"), Dir: v.Get("dir"), File: v.Get("file"), By: v.Get("by"), Layer: v.Get("layer"), Tool: v.Get("tool")}
		if s.Repo != "" && s.Dir != "" {
			out = append(out, s)
		}
	}
	return out
}
