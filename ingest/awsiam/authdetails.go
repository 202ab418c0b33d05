package awsiam

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest"
)

// Attributes this format adds; docs/facts.md lists them.
const (
	attrDocument         = "document"             // Policy: the policy JSON, compact
	attrManaged          = "managed"              // Policy: "aws" for AWS managed policies
	attrTrustPolicy      = "trust_policy"         // role: the trust policy JSON, compact
	attrLiveExport       = graph.AttrLiveExport   // every node: read from an export of the account as it is
	attrBoundary         = "permissions_boundary" // principal: ARN of its permissions boundary
	attrPath             = "path"                 // principal or policy: its IAM path
	attrInstanceProfiles = "instance_profiles"    // role: ARNs of the instance profiles holding it
	attrLastUsed         = "last_used"            // role: when it was last used, as IAM reports it
	attrDefaultVersion   = "default_version"      // managed Policy: id of the default version
	attrOtherVersions    = "other_versions"       // managed Policy: JSON list of the other versions' documents
)

// The parts of get-account-authorization-details output the parser uses.
// Fields not listed here, tags among them, are never read.
type (
	policyRef struct {
		PolicyName string
		PolicyArn  string
	}
	inlinePolicy struct {
		PolicyName     string
		PolicyDocument json.RawMessage
	}
	boundary struct {
		PermissionsBoundaryArn string
	}
	userDetail struct {
		Path                    string
		UserName                string
		Arn                     string
		UserPolicyList          []inlinePolicy
		GroupList               []string
		AttachedManagedPolicies []policyRef
		PermissionsBoundary     boundary
	}
	groupDetail struct {
		Path                    string
		GroupName               string
		Arn                     string
		GroupPolicyList         []inlinePolicy
		AttachedManagedPolicies []policyRef
	}
	roleDetail struct {
		Path                     string
		RoleName                 string
		Arn                      string
		AssumeRolePolicyDocument json.RawMessage
		InstanceProfileList      []struct{ Arn string }
		RolePolicyList           []inlinePolicy
		AttachedManagedPolicies  []policyRef
		PermissionsBoundary      boundary
		RoleLastUsed             struct{ LastUsedDate string }
	}
	managedPolicy struct {
		PolicyName        string
		Arn               string
		Path              string
		DefaultVersionId  string
		PolicyVersionList []struct {
			Document         json.RawMessage
			VersionId        string
			IsDefaultVersion bool
		}
	}
)

// authDetails collects the entries of one get-account-authorization-details
// output before turning them into facts, since users name their groups by
// name and the groups may come later in the file.
type authDetails struct {
	file string
	res  *ingest.Result

	users    []entry[userDetail]
	groups   []entry[groupDetail]
	roles    []entry[roleDetail]
	policies []entry[managedPolicy]

	nodes map[string]int // node id -> index in res.Nodes
	edges map[graph.EdgeKey]bool
}

// entry is one list element and where it was read.
type entry[T any] struct {
	v     T
	list  string
	index int
	line  int
}

func parseAuthDetails(ctx context.Context, f *ingest.File, data []byte, res *ingest.Result) error {
	ad := &authDetails{file: f.Path, res: res, nodes: map[string]int{}, edges: map[graph.EdgeKey]bool{}}
	if err := ad.read(ctx, data); err != nil {
		return err
	}
	ad.build()
	return nil
}

// read walks the top-level object token by token, so that each list entry
// keeps the line it starts on. data is known to be valid JSON.
func (ad *authDetails) read(ctx context.Context, data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	lines := &lineIndex{data: data, line: 1}
	if _, err := dec.Token(); err != nil {
		return ad.errorAt(lines, dec.InputOffset(), "expected an object")
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return ad.errorAt(lines, dec.InputOffset(), "invalid JSON")
		}
		key, _ := tok.(string)
		switch key {
		case "UserDetailList":
			err = readList(ctx, dec, lines, ad, key, &ad.users)
		case "GroupDetailList":
			err = readList(ctx, dec, lines, ad, key, &ad.groups)
		case "RoleDetailList":
			err = readList(ctx, dec, lines, ad, key, &ad.roles)
		case "Policies":
			err = readList(ctx, dec, lines, ad, key, &ad.policies)
		case "IsTruncated":
			var truncated bool
			err = dec.Decode(&truncated)
			if truncated {
				line := lines.at(dec.InputOffset())
				ad.res.Warnf(ingest.Position{File: ad.file, Line: line}, "IsTruncated is true: this is one page of the output, and principals on other pages are missing")
			}
		default:
			err = dec.Decode(&skipValue{})
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// readList reads one list of entries. A list that is not an array is
// skipped with a warning.
func readList[T any](ctx context.Context, dec *json.Decoder, lines *lineIndex, ad *authDetails, name string, out *[]entry[T]) error {
	start := lines.next(dec.InputOffset())
	tok, err := dec.Token()
	if err != nil {
		return ad.errorAt(lines, dec.InputOffset(), "invalid JSON")
	}
	if tok == nil {
		return nil
	}
	if tok != json.Delim('[') {
		ad.res.Warnf(ingest.Position{File: ad.file, Line: lines.at(start)}, "%s is not an array; skipped", name)
		if d, ok := tok.(json.Delim); ok && d == '{' {
			return skipRest(dec)
		}
		return nil
	}
	for i := 0; dec.More(); i++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		line := lines.at(lines.next(dec.InputOffset()))
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return ad.errorAt(lines, dec.InputOffset(), "invalid JSON")
		}
		var v T
		err := json.Unmarshal(raw, &v)
		var typeErr *json.UnmarshalTypeError
		if err != nil && !errors.As(err, &typeErr) {
			ad.res.Warnf(ingest.Position{File: ad.file, Line: line}, "%s[%d] is not a JSON object; skipped", name, i)
			continue
		}
		if raw[0] != '{' {
			ad.res.Warnf(ingest.Position{File: ad.file, Line: line}, "%s[%d] is not a JSON object; skipped", name, i)
			continue
		}
		*out = append(*out, entry[T]{v: v, list: name, index: i, line: line})
		ad.res.Records++
	}
	_, err = dec.Token()
	return err
}

// skipRest consumes the rest of an object whose opening brace was read.
func skipRest(dec *json.Decoder) error {
	for dec.More() {
		if _, err := dec.Token(); err != nil {
			return err
		}
		if err := dec.Decode(&skipValue{}); err != nil {
			return err
		}
	}
	_, err := dec.Token()
	return err
}

func (ad *authDetails) errorAt(lines *lineIndex, off int64, msg string) error {
	line, col := position(lines.data, lines.next(off))
	return ingest.Errorf(ingest.Position{File: ad.file, Line: line, Col: col}, "%s", msg)
}

// lineIndex turns increasing byte offsets into line numbers without
// rescanning the data from the start.
type lineIndex struct {
	data []byte
	off  int64
	line int
}

// at returns the line of the byte at offset off; off must not be less than
// in the previous call.
func (li *lineIndex) at(off int64) int {
	off = min(off, int64(len(li.data)))
	if off > li.off {
		li.line += bytes.Count(li.data[li.off:off], []byte{'\n'})
		li.off = off
	}
	return li.line
}

// next returns the offset of the first byte at or after off that is not
// white space, a comma or a colon: where the next value starts.
func (li *lineIndex) next(off int64) int64 {
	for off < int64(len(li.data)) && strings.IndexByte(" \t\r\n,:", li.data[off]) >= 0 {
		off++
	}
	return off
}

// build turns the entries into facts.
func (ad *authDetails) build() {
	groupARNs := map[string]string{}
	for _, g := range ad.groups {
		if g.v.GroupName != "" && g.v.Arn != "" {
			groupARNs[g.v.GroupName] = g.v.Arn
		}
	}
	known := map[string]bool{}
	for _, p := range ad.policies {
		known[p.v.Arn] = true
	}

	for _, g := range ad.groups {
		id, ok := ad.principal(g.list, g.index, g.line, "group", g.v.Arn, g.v.GroupName, g.v.Path, boundary{})
		if ok {
			ad.attach(id, g.line, g.list, g.index, g.v.GroupPolicyList, g.v.AttachedManagedPolicies, known)
		}
	}
	for _, u := range ad.users {
		id, ok := ad.principal(u.list, u.index, u.line, "user", u.v.Arn, u.v.UserName, u.v.Path, u.v.PermissionsBoundary)
		if !ok {
			continue
		}
		ad.attach(id, u.line, u.list, u.index, u.v.UserPolicyList, u.v.AttachedManagedPolicies, known)
		account := accountOf(id)
		for _, name := range u.v.GroupList {
			group := groupARNs[name]
			if group == "" {
				group = graph.IAMARN(account, "group", "/", name)
			}
			ad.addNode(identityNode(group, "group", name, "", u.line))
			ad.addEdge(id, graph.EdgeMemberOf, group, u.line)
		}
	}
	for _, r := range ad.roles {
		id, ok := ad.principal(r.list, r.index, r.line, "role", r.v.Arn, r.v.RoleName, r.v.Path, r.v.PermissionsBoundary)
		if !ok {
			continue
		}
		n := &ad.res.Nodes[ad.nodes[id]]
		if doc, err := document(r.v.AssumeRolePolicyDocument); err == nil {
			n.SetAttr(attrTrustPolicy, doc)
		} else if err != errNoDocument {
			ad.warn(r.line, "%s[%d].AssumeRolePolicyDocument %v; trust policy not recorded", r.list, r.index, err)
		}
		var profiles []string
		for _, ip := range r.v.InstanceProfileList {
			profiles = append(profiles, ip.Arn)
		}
		if list := graph.JoinList(profiles); list != "" {
			n.SetAttr(attrInstanceProfiles, list)
		}
		if r.v.RoleLastUsed.LastUsedDate != "" {
			n.SetAttr(attrLastUsed, r.v.RoleLastUsed.LastUsedDate)
		}
		ad.attach(id, r.line, r.list, r.index, r.v.RolePolicyList, r.v.AttachedManagedPolicies, known)
	}
	for _, p := range ad.policies {
		ad.managedPolicy(p)
	}
}

// principal adds the Identity node of a user, group or role and returns
// its id, which is its ARN.
func (ad *authDetails) principal(list string, index, line int, typ, arn, name, iamPath string, pb boundary) (string, bool) {
	if !strings.HasPrefix(arn, "arn:") {
		ad.warn(line, "%s[%d] has no Arn; skipped", list, index)
		return "", false
	}
	n := identityNode(arn, typ, name, iamPath, line)
	if pb.PermissionsBoundaryArn != "" {
		n.SetAttr(attrBoundary, pb.PermissionsBoundaryArn)
	}
	ad.addNode(n)
	return arn, true
}

func identityNode(arn, typ, name, iamPath string, line int) graph.Node {
	if name == "" {
		name = arn[strings.LastIndexAny(arn, "/:")+1:]
	}
	n := graph.Node{ID: arn, Kind: graph.NodeIdentity, Label: name, Pos: graph.Pos{Line: line}}
	n.SetAttr(attrLiveExport, "true")
	n.SetAttr(graph.AttrProvider, "aws")
	n.SetAttr("type", typ)
	n.SetAttr(graph.AttrName, name)
	if account := accountOf(arn); account != "" {
		n.SetAttr(graph.AttrAccount, account)
	}
	if iamPath != "" {
		n.SetAttr(attrPath, iamPath)
	}
	return n
}

// attach adds a principal's inline policies and its HAS_POLICY edges.
// Managed policies that the file does not list get a node with their name
// only, so that every edge joins two nodes.
func (ad *authDetails) attach(id string, line int, list string, index int, inline []inlinePolicy, managed []policyRef, known map[string]bool) {
	for i, ip := range inline {
		doc, err := document(ip.PolicyDocument)
		if err != nil || ip.PolicyName == "" {
			ad.warn(line, "%s[%d] inline policy %d: PolicyDocument %v; skipped", list, index, i, orMissingName(err))
			continue
		}
		pid := id + "#inline/" + ip.PolicyName
		n := graph.Node{ID: pid, Kind: graph.NodePolicy, Label: ip.PolicyName, Pos: graph.Pos{Line: line}}
		n.SetAttr(attrLiveExport, "true")
		n.SetAttr(attrDocument, doc)
		n.SetAttr(graph.AttrName, ip.PolicyName)
		ad.addNode(n)
		ad.addEdge(id, graph.EdgeHasPolicy, pid, line)
	}
	for _, mp := range managed {
		if !strings.HasPrefix(mp.PolicyArn, "arn:") {
			ad.warn(line, "%s[%d] attached policy without a PolicyArn; skipped", list, index)
			continue
		}
		if !known[mp.PolicyArn] {
			ad.addNode(policyNode(mp.PolicyArn, mp.PolicyName, "", line))
		}
		ad.addEdge(id, graph.EdgeHasPolicy, mp.PolicyArn, line)
	}
}

func orMissingName(err error) error {
	if err == nil {
		return errors.New("has no PolicyName")
	}
	return err
}

func policyNode(arn, name, iamPath string, line int) graph.Node {
	if name == "" {
		name = arn[strings.LastIndexAny(arn, "/:")+1:]
	}
	n := graph.Node{ID: arn, Kind: graph.NodePolicy, Label: name, Pos: graph.Pos{Line: line}}
	n.SetAttr(attrLiveExport, "true")
	n.SetAttr(graph.AttrName, name)
	if accountOf(arn) == "aws" {
		n.SetAttr(attrManaged, "aws")
	}
	if iamPath != "" {
		n.SetAttr(attrPath, iamPath)
	}
	return n
}

// managedPolicy adds a managed policy with the document of its default
// version. The documents of the other versions go in other_versions,
// because iam:SetDefaultPolicyVersion can put any of them in force.
func (ad *authDetails) managedPolicy(p entry[managedPolicy]) {
	if !strings.HasPrefix(p.v.Arn, "arn:") {
		ad.warn(p.line, "%s[%d] has no Arn; skipped", p.list, p.index)
		return
	}
	n := policyNode(p.v.Arn, p.v.PolicyName, p.v.Path, p.line)
	var others []json.RawMessage
	for i, v := range p.v.PolicyVersionList {
		doc, err := document(v.Document)
		if err != nil {
			ad.warn(p.line, "%s[%d].PolicyVersionList[%d].Document %v; skipped", p.list, p.index, i, err)
			continue
		}
		if v.IsDefaultVersion {
			n.SetAttr(attrDocument, doc)
			n.SetAttr(attrDefaultVersion, v.VersionId)
		} else {
			others = append(others, json.RawMessage(doc))
		}
	}
	if len(others) > 0 {
		b, _ := json.Marshal(others)
		n.SetAttr(attrOtherVersions, string(b))
	}
	ad.addNode(n)
}

// addNode adds a node, or the attributes it lacks to the node of that id
// already added.
func (ad *authDetails) addNode(n graph.Node) {
	n.Pos.File = ad.file
	if i, ok := ad.nodes[n.ID]; ok {
		have := &ad.res.Nodes[i]
		for k, v := range n.Attrs {
			if have.Attr(k) == "" {
				have.SetAttr(k, v)
			}
		}
		return
	}
	ad.nodes[n.ID] = len(ad.res.Nodes)
	ad.res.AddNode(n)
}

func (ad *authDetails) addEdge(from string, kind graph.EdgeKind, to string, line int) {
	k := graph.EdgeKey{From: from, Kind: kind, To: to}
	if ad.edges[k] {
		return
	}
	ad.edges[k] = true
	ad.res.AddEdge(graph.Edge{From: from, To: to, Kind: kind, Confidence: graph.Certain, Pos: graph.Pos{File: ad.file, Line: line}})
}

func (ad *authDetails) warn(line int, format string, args ...any) {
	ad.res.Warnf(ingest.Position{File: ad.file, Line: line}, format, args...)
}

// accountOf returns the account field of an ARN: twelve digits, or "aws"
// for AWS managed policies.
func accountOf(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 {
		return ""
	}
	return parts[4]
}
