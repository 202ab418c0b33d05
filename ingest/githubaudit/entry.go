package githubaudit

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/ingest/internal/observe"
)

// entry holds the fields of an audit log entry, or of a webhook payload,
// that the parser uses.
type entry struct {
	Action    string       `json:"action"`
	Actor     string       `json:"actor"`
	Timestamp observe.Time `json:"@timestamp"`
	CreatedAt observe.Time `json:"created_at"`
	ActorIP   string       `json:"actor_ip"`
	UserAgent string       `json:"user_agent"`
	Org       string       `json:"org"`
	Business  string       `json:"business"`
	Repo      string       `json:"repo"`
	User      string       `json:"user"`
	// Repository is a name in audit entries and an object in webhooks.
	Repository json.RawMessage `json:"repository"`

	TokenID                idString `json:"token_id"`
	HashedToken            string   `json:"hashed_token"`
	ProgrammaticAccessType string   `json:"programmatic_access_type"`
	// TokenScopes lists the OAuth scopes of the token, comma-separated.
	TokenScopes string `json:"token_scopes"`

	// Webhook payloads name the actor as the sender and their event by
	// the object they carry.
	Sender struct {
		Login string `json:"login"`
	} `json:"sender"`
	// A push payload names no action: it carries the pusher and the ref
	// pushed.
	Pusher      json.RawMessage `json:"pusher"`
	Ref         string          `json:"ref"`
	WorkflowJob json.RawMessage `json:"workflow_job"`
	WorkflowRun json.RawMessage `json:"workflow_run"`
	PullRequest json.RawMessage `json:"pull_request"`
	Issue       json.RawMessage `json:"issue"`
	Comment     json.RawMessage `json:"comment"`
	Review      json.RawMessage `json:"review"`
	Pages       json.RawMessage `json:"pages"`
}

// idString is an id written as a JSON string or number.
type idString string

func (s *idString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	var str string
	if json.Unmarshal(b, &str) == nil {
		*s = idString(str)
		return nil
	}
	var n json.Number
	if json.Unmarshal(b, &n) == nil {
		*s = idString(n.String())
		return nil
	}
	*s = ""
	return nil
}

// actor returns the login that acted.
func (e *entry) actor() string {
	if e.Actor != "" {
		return e.Actor
	}
	return e.Sender.Login
}

// time returns when the action happened. A push payload gives no time of
// its own, and its repository's pushed_at is the time of that push.
func (e *entry) time() time.Time {
	if !e.Timestamp.IsZero() {
		return e.Timestamp.Time
	}
	if !e.CreatedAt.IsZero() || !e.isPush() {
		return e.CreatedAt.Time
	}
	_, pushedAt := e.repository()
	return pushedAt
}

// isPush reports whether the entry is the payload of a push webhook.
func (e *entry) isPush() bool {
	return e.Action == "" && e.Actor == "" && e.Ref != "" && isObject(e.Pusher)
}

// isObject reports whether raw is a JSON object.
func isObject(raw json.RawMessage) bool {
	raw = bytes.TrimSpace(raw)
	return len(raw) > 0 && raw[0] == '{'
}

// webhookEvents names a webhook payload's event by the object it carries.
var webhookEvents = []struct {
	name string
	get  func(*entry) json.RawMessage
}{
	{"workflow_job", func(e *entry) json.RawMessage { return e.WorkflowJob }},
	{"workflow_run", func(e *entry) json.RawMessage { return e.WorkflowRun }},
	{"pull_request_review", func(e *entry) json.RawMessage { return e.Review }},
	{"pull_request", func(e *entry) json.RawMessage { return e.PullRequest }},
	{"issue_comment", func(e *entry) json.RawMessage { return e.Comment }},
	{"issues", func(e *entry) json.RawMessage { return e.Issue }},
	{"gollum", func(e *entry) json.RawMessage { return e.Pages }},
}

// action returns the audit action, or for a webhook payload the event
// and its action ("pull_request.opened"). A push payload counts as a
// git.push of the audit log.
func (e *entry) action() string {
	if e.Actor != "" || strings.Contains(e.Action, ".") {
		return e.Action
	}
	if e.isPush() {
		return "git.push"
	}
	for _, w := range webhookEvents {
		if raw := w.get(e); len(raw) > 0 && string(raw) != "null" {
			if e.Action == "" {
				return w.name
			}
			return w.name + "." + e.Action
		}
	}
	return e.Action
}

// repo returns the "owner/name" the entry names, or "".
func (e *entry) repo() string {
	if e.Repo != "" {
		return e.Repo
	}
	name, _ := e.repository()
	return name
}

// repository reads the repository field: a name in audit entries, an
// object in webhooks, which also gives the time of the repository's last
// push (pushed_at).
func (e *entry) repository() (string, time.Time) {
	raw := bytes.TrimSpace(e.Repository)
	if len(raw) == 0 {
		return "", time.Time{}
	}
	var name string
	if json.Unmarshal(raw, &name) == nil {
		return name, time.Time{}
	}
	var obj struct {
		FullName string       `json:"full_name"`
		PushedAt observe.Time `json:"pushed_at"`
	}
	if json.Unmarshal(raw, &obj) == nil {
		return obj.FullName, obj.PushedAt.Time
	}
	return "", time.Time{}
}

// target returns what the action was done to.
func (e *entry) target() (observe.Node, bool) {
	if repo := e.repo(); strings.Count(repo, "/") == 1 && !strings.HasPrefix(repo, "/") && !strings.HasSuffix(repo, "/") {
		return observe.Node{ID: graph.RepoID("", repo), Kind: graph.NodeRepository, Attrs: map[string]string{
			graph.AttrProvider: "github", graph.AttrRepository: repo, graph.AttrName: repo,
		}}, true
	}
	if e.User != "" && e.User != e.actor() {
		return userNode(e.User), true
	}
	if e.Org != "" {
		return observe.Node{ID: OrgID(e.Org), Kind: graph.NodeResource, Attrs: map[string]string{
			graph.AttrProvider: "github", "type": "organization", graph.AttrName: e.Org,
		}}, true
	}
	if e.Business != "" {
		return observe.Node{ID: EnterpriseID(e.Business), Kind: graph.NodeResource, Attrs: map[string]string{
			graph.AttrProvider: "github", "type": "enterprise", graph.AttrName: e.Business,
		}}, true
	}
	return observe.Node{}, false
}

// tokenTypes maps programmatic_access_type to the type attribute of the
// token and whether it lives until revoked.
var tokenTypes = map[string]tokenType{
	"Personal access token (classic)":    {"personal-access-token", true},
	"Fine-grained personal access token": {"fine-grained-token", true},
	"OAuth access token":                 {"oauth-token", true},
	"GitHub App user-to-server token":    {"app-user-token", false},
	"GitHub App server-to-server token":  {"app-installation-token", false},
}

// token returns the token the action was made with, named by its token
// id, else its hash.
func (e *entry) token() (observe.Node, bool) {
	id := string(e.TokenID)
	if id == "" || id == "0" {
		id = e.HashedToken
	}
	if id == "" {
		return observe.Node{}, false
	}
	attrs := map[string]string{graph.AttrProvider: "github", "type": "token", attrKeyID: id}
	if t, ok := tokenTypes[e.ProgrammaticAccessType]; ok {
		attrs["type"] = t.typ
		attrs[graph.AttrLongLived] = strconv.FormatBool(t.longLived)
	}
	var scopes []string
	for _, sc := range strings.Split(e.TokenScopes, ",") {
		if sc = strings.TrimSpace(sc); sc != "" {
			scopes = append(scopes, sc)
		}
	}
	if len(scopes) > 0 {
		attrs["scopes"] = graph.JoinList(scopes)
	}
	if e.Org != "" {
		// The organisations whose audit logs name the token, whose
		// owners can revoke its access. The parser adds each entry's.
		attrs["org"] = e.Org
	}
	attrs[graph.AttrName] = tokenName(attrs["type"], id, e.actor())
	return observe.Node{ID: TokenID(id), Kind: graph.NodeSecret, Attrs: attrs}, true
}
