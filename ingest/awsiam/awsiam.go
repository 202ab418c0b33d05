// Package awsiam reads AWS IAM data in JSON: policy documents saved as
// files, the output of `aws iam get-policy-version`, and the output of
// `aws iam get-account-authorization-details`, which lists an account's
// users, groups, roles and managed policies.
//
// It records principals as Identity nodes, policies as Policy nodes with
// their documents, attachments as HAS_POLICY edges and group membership as
// MEMBER_OF edges. It evaluates no policy: deriving what a principal can
// do is the linker's work.
//
// Limitations: a file is read whole and may be at most
// ingest.MaxConfigSize bytes. Tags are not read, since they may contain
// values that are not meant to leave the account. Paginated output is
// read one page per file, and a page marked IsTruncated gets a warning.
package awsiam

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/url"
	"path"
	"slices"
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
	"github.com/blastradius-dev/blastradius/ingest/internal/jsonstream"
)

// Parser reads AWS IAM JSON files.
type Parser struct{}

// New returns an AWS IAM parser.
func New() *Parser { return &Parser{} }

// Format returns "aws-iam".
func (*Parser) Format() string { return "aws-iam" }

// layout is the kind of IAM file.
type layout int

const (
	layoutNone          layout = iota
	layoutPolicy               // a policy document: Version, Statement, Id
	layoutPolicyVersion        // aws iam get-policy-version
	layoutAuthDetails          // aws iam get-account-authorization-details
)

var (
	policyKeys      = map[string]bool{"Version": true, "Statement": true, "Id": true}
	authDetailsKeys = map[string]bool{
		"UserDetailList": true, "GroupDetailList": true, "RoleDetailList": true,
		"Policies": true, "IsTruncated": true, "Marker": true,
	}
)

// Detect reports whether the top-level keys in the head of the file are
// those of a policy document, get-policy-version output or
// get-account-authorization-details output.
func (*Parser) Detect(f *ingest.File) bool {
	return layoutOf(topKeys(f.Head)) != layoutNone
}

// Skip returns why a JSON object that starts like a policy document (a
// Version key and at most two other keys, none of them Statement) is not
// read. IAM rejects a policy without a Statement, so a misspelt key
// (Statment) means that the file is not the policy in force. The reason
// names no key, because the file's text stays out of the output.
func (*Parser) Skip(f *ingest.File) string {
	keys := topKeys(f.Head)
	if len(keys) == 0 || len(keys) > 3 || !slices.Contains(keys, "Version") || slices.Contains(keys, "Statement") {
		return ""
	}
	return "IAM policy document without a Statement key, which IAM rejects"
}

// layoutOf returns the layout that the top-level keys of an object show.
func layoutOf(keys []string) layout {
	if len(keys) == 0 {
		return layoutNone
	}
	all := func(allowed map[string]bool) bool {
		for _, k := range keys {
			if !allowed[k] {
				return false
			}
		}
		return true
	}
	has := func(names ...string) bool {
		for _, k := range keys {
			for _, n := range names {
				if k == n {
					return true
				}
			}
		}
		return false
	}
	switch {
	case all(policyKeys) && has("Statement"):
		return layoutPolicy
	case all(map[string]bool{"PolicyVersion": true}):
		return layoutPolicyVersion
	case all(authDetailsKeys) && has("UserDetailList", "GroupDetailList", "RoleDetailList"):
		return layoutAuthDetails
	}
	return layoutNone
}

// topKeys returns the top-level keys of the JSON object that data starts
// with, as far as data reaches. It returns nil when data does not start
// with an object.
func topKeys(data []byte) []string {
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil
	}
	var keys []string
	for {
		tok, err := dec.Token()
		key, ok := tok.(string)
		if err != nil || !ok {
			return keys
		}
		keys = append(keys, key)
		if err := dec.Decode(&skipValue{}); err != nil {
			return keys
		}
	}
}

// skipValue consumes one JSON value without keeping it.
type skipValue struct{}

func (*skipValue) UnmarshalJSON([]byte) error { return nil }

// Parse reads the whole file and adds its principals, policies and
// attachments.
func (p *Parser) Parse(ctx context.Context, f *ingest.File, env *ingest.Env, res *ingest.Result) error {
	data, err := readAll(f)
	if err != nil {
		return err
	}
	data = bytes.TrimPrefix(data, []byte{0xEF, 0xBB, 0xBF})
	if err := validJSON(f.Path, data); err != nil {
		return err
	}

	keys := topKeys(data)
	switch layoutOf(keys) {
	case layoutPolicy:
		return parsePolicyFile(f, data, res)
	case layoutPolicyVersion:
		return parsePolicyVersion(f, data, res)
	case layoutAuthDetails:
		return parseAuthDetails(ctx, f, data, res)
	}
	return ingest.Errorf(ingest.Position{File: f.Path, Line: 1}, "not an IAM policy document or authorization details: unexpected top-level keys")
}

func readAll(f *ingest.File) ([]byte, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, ingest.Errorf(ingest.Position{File: f.Path}, "open: %v", err)
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, ingest.MaxConfigSize+1))
	if err != nil {
		return nil, ingest.Errorf(ingest.Position{File: f.Path}, "read: %v", err)
	}
	if len(data) > ingest.MaxConfigSize {
		return nil, ingest.Errorf(ingest.Position{File: f.Path}, "file larger than %d MiB", ingest.MaxConfigSize>>20)
	}
	return data, nil
}

// validJSON rejects data that is not one valid JSON value, at the position
// of the first invalid byte.
func validJSON(file string, data []byte) error {
	if json.Valid(data) {
		return nil
	}
	var raw json.RawMessage
	err := json.Unmarshal(data, &raw)
	var se *json.SyntaxError
	if errors.As(err, &se) && se.Offset < int64(len(data)) {
		line, col := position(data, max(se.Offset-1, 0))
		return ingest.Errorf(ingest.Position{File: file, Line: line, Col: col}, "%s", jsonstream.Reason(err))
	}
	line, col := position(data, int64(len(data)))
	return ingest.Errorf(ingest.Position{File: file, Line: line, Col: col}, "file ends in the middle of a JSON value")
}

// position returns the line and column of the byte at offset off.
func position(data []byte, off int64) (line, col int) {
	off = min(off, int64(len(data)))
	before := data[:off]
	line = 1 + bytes.Count(before, []byte{'\n'})
	col = int(off) - bytes.LastIndexByte(before, '\n')
	return line, col
}

// startLine returns the line of the first byte that is not white space.
func startLine(data []byte) int {
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	line, _ := position(data, int64(len(data)-len(trimmed)))
	return line
}

// policyFileID returns the id of a policy document read from a file.
func policyFileID(f *ingest.File) string {
	if f.Repo == "" {
		return "policy:file:" + f.RelPath
	}
	return "policy:file:" + path.Join(f.Repo, f.RelPath)
}

// fileNode returns the Policy node of a policy document file.
func fileNode(f *ingest.File, document string, line int) graph.Node {
	name := path.Base(f.RelPath)
	name = strings.TrimSuffix(name, path.Ext(name))
	n := graph.Node{ID: policyFileID(f), Kind: graph.NodePolicy, Label: name, Pos: graph.Pos{File: f.Path, Line: line}}
	n.SetAttr(attrDocument, document)
	n.SetAttr(graph.AttrName, name)
	if f.Repo != "" {
		n.SetAttr(graph.AttrRepository, f.Repo)
	}
	return n
}

// parsePolicyFile reads a file that is one policy document.
func parsePolicyFile(f *ingest.File, data []byte, res *ingest.Result) error {
	doc, err := document(data)
	if err != nil {
		return ingest.Errorf(ingest.Position{File: f.Path, Line: startLine(data)}, "policy document: %v", err)
	}
	res.AddNode(fileNode(f, doc, startLine(data)))
	res.Records = 1
	return nil
}

// parsePolicyVersion reads the output of aws iam get-policy-version.
func parsePolicyVersion(f *ingest.File, data []byte, res *ingest.Result) error {
	var out struct {
		PolicyVersion struct {
			Document json.RawMessage
		}
	}
	err := json.Unmarshal(data, &out)
	var typeErr *json.UnmarshalTypeError
	if err != nil && !errors.As(err, &typeErr) {
		return ingest.Errorf(ingest.Position{File: f.Path, Line: startLine(data)}, "PolicyVersion: %v", err)
	}
	doc, err := document(out.PolicyVersion.Document)
	if err != nil {
		return ingest.Errorf(ingest.Position{File: f.Path, Line: startLine(data)}, "PolicyVersion.Document: %v", err)
	}
	res.AddNode(fileNode(f, doc, startLine(data)))
	res.Records = 1
	return nil
}

// errNoDocument reports a Document field that is absent or null.
var errNoDocument = errors.New("missing")

// document returns a policy document in compact JSON. The IAM API returns
// documents URL-encoded (RFC 3986). Tools save them either decoded, as a
// JSON object, or as the encoded string, so both are accepted.
func document(raw json.RawMessage) (string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return "", errNoDocument
	}
	if raw[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return "", errors.New("is not a valid JSON string")
		}
		decoded, err := unescapeDocument(s)
		if err != nil {
			return "", err
		}
		raw = []byte(decoded)
	}
	var obj struct {
		Statement json.RawMessage
	}
	if err := json.Unmarshal(raw, &obj); err != nil {
		return "", errors.New("is not a JSON object")
	}
	if st := bytes.TrimSpace(obj.Statement); len(st) == 0 || (st[0] != '[' && st[0] != '{') {
		return "", errors.New("has no Statement")
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, raw); err != nil {
		return "", errors.New("is not valid JSON")
	}
	return buf.String(), nil
}

// unescapeDocument decodes a document given as a string: plain JSON, or
// JSON percent-encoded as the IAM API returns it.
func unescapeDocument(s string) (string, error) {
	t := strings.TrimSpace(s)
	if strings.HasPrefix(t, "{") {
		return t, nil
	}
	// PathUnescape keeps "+" as it is: RFC 3986 encodes a space as %20.
	decoded, err := url.PathUnescape(t)
	if err != nil || !strings.HasPrefix(strings.TrimSpace(decoded), "{") {
		return "", errors.New("is neither JSON nor URL-encoded JSON")
	}
	return decoded, nil
}
