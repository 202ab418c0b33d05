package terraform

import (
	"encoding/base64"
	"encoding/json"
	"net/url"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/blastradius-dev/blastradius/graph"
)

func (e *emitter) smSecret(b *block, bv *blockVal) {
	name, _ := attrStr(bv, "name")
	arn, _ := attrStr(bv, "arn")
	attrs := map[string]string{
		graph.AttrProvider:  providerAWS,
		"type":              "secretsmanager",
		graph.AttrName:      name,
		graph.AttrLongLived: "true",
		graph.AttrAccount:   e.ev.account,
		"tf_address":        b.addr,
	}
	e.setResourcePolicy(b, bv, attrs)
	e.node(graph.NodeSecret, arn, name, b.syn.DefRange(), attrs)
}

func (e *emitter) smSecretPolicy(b *block, bv *blockVal) {
	id, ok := e.require(b, bv, "secret_arn")
	if !ok {
		return
	}
	attrs := map[string]string{
		graph.AttrProvider: providerAWS,
		"type":             "secretsmanager",
	}
	e.setResourcePolicy(b, bv, attrs)
	if attrs["resource_policy"] == "" && attrs["policy_unresolved"] == "" {
		return
	}
	e.node(graph.NodeSecret, e.ev.secretARN(id), "", b.syn.DefRange(), attrs)
}

// smSecretVersion links a secret to the credential its value holds, or
// records the fingerprint of a value written out in the input.
func (e *emitter) smSecretVersion(b *block, bv *blockVal) {
	if _, ok := e.require(b, bv, "secret_id"); !ok {
		return
	}
	arn, _ := attrStr(bv, "arn")
	attrs := map[string]string{graph.AttrProvider: providerAWS, "type": "secretsmanager"}
	for _, name := range []string{"secret_string", "secret_binary"} {
		if a := b.attr(name); a != nil {
			e.holds(arn, b, a.Expr, attrs, b.syn.DefRange())
		}
	}
	e.node(graph.NodeSecret, arn, "", b.syn.DefRange(), attrs)
}

func (e *emitter) ssmParameter(b *block, bv *blockVal) {
	name, _ := attrStr(bv, "name")
	arn, _ := attrStr(bv, "arn")
	paramType, _ := attrStr(bv, "type")
	attrs := map[string]string{
		graph.AttrProvider:  providerAWS,
		"type":              "ssm-parameter",
		"param_type":        paramType,
		graph.AttrName:      name,
		graph.AttrLongLived: "true",
		graph.AttrAccount:   e.ev.account,
		"tf_address":        b.addr,
	}
	for _, v := range []string{"value", "insecure_value"} {
		if a := b.attr(v); a != nil {
			e.holds(arn, b, a.Expr, attrs, b.syn.DefRange())
		}
	}
	e.node(graph.NodeSecret, arn, name, b.syn.DefRange(), attrs)
}

// resourceName names the argument that names each modelled data store.
var resourceName = map[string]string{
	"aws_s3_bucket":      "bucket",
	"aws_dynamodb_table": "name",
	"aws_sqs_queue":      "name",
	"aws_sns_topic":      "name",
	"aws_ecr_repository": "name",
	"aws_db_instance":    "identifier",
	"aws_rds_cluster":    "cluster_identifier",
}

// resource emits a data store; its inline policy argument, where the type
// has one, becomes attr resource_policy.
func (e *emitter) resource(b *block, bv *blockVal) {
	arn, _ := attrStr(bv, "arn")
	name := b.addr
	if key := resourceName[b.typ]; key != "" {
		name, _ = attrStr(bv, key)
	}
	attrs := map[string]string{
		graph.AttrProvider: providerAWS,
		"type":             b.typ,
		graph.AttrName:     name,
		graph.AttrAccount:  e.ev.account,
		"tf_address":       b.addr,
	}
	e.setResourcePolicy(b, bv, attrs)
	if arg := dbPasswordArg[b.typ]; arg != "" && b.attr(arg) != nil {
		attrs["password_secret"] = e.dbPassword(b, arn, b.attr(arg).Expr)
	}
	if s, _ := attrStr(bv, "manage_master_user_password"); s == "true" {
		attrs["password_managed"] = "true"
	}
	if s, _ := attrStr(bv, "image_tag_mutability"); b.typ == "aws_ecr_repository" && s != "" {
		attrs["image_tag_mutability"] = s
	}
	e.node(graph.NodeResource, arn, name, b.syn.DefRange(), attrs)
}

// dbPasswordArg names the argument that sets a database's master password.
var dbPasswordArg = map[string]string{
	"aws_db_instance": "password",
	"aws_rds_cluster": "master_password",
}

// dbPasswordID returns the id of the master password of a database.
func dbPasswordID(dbARN string) string { return "secret:aws:db-password:" + dbARN }

// dbPassword emits the master password of a database and returns its id.
// A secret or parameter that the password is read from HOLDS it, because
// reading that secret gives the password. A value written out in the input
// is fingerprinted.
func (e *emitter) dbPassword(b *block, dbARN string, expr hcl.Expression) string {
	id := dbPasswordID(dbARN)
	rng := b.syn.DefRange()
	attrs := map[string]string{
		graph.AttrProvider:  providerAWS,
		"type":              "db-password",
		graph.AttrLongLived: "true",
		"database":          dbARN,
		graph.AttrAccount:   e.ev.account,
		"tf_address":        b.addr,
	}
	ri := e.refs(expr)
	for _, h := range e.heldBy(ri) {
		if h.id == id {
			continue
		}
		e.heldEdge(h.id, graph.EdgeHolds, heldSecret{id: id, doubt: h.doubt}, rng, nil)
	}
	if ri.literal() {
		v, diags := e.ev.value(expr, b)
		if s, ok := str(v); ok && s != "" && !diags.HasErrors() {
			attrs[graph.AttrFingerprint] = e.fingerprint(s)
			attrs[graph.AttrStoredInline] = "true"
		}
	}
	e.node(graph.NodeSecret, id, "master password of "+dbARN, rng, attrs)
	e.dbMasterUser(b, dbARN, id)
	return id
}

// dbUserArg names the argument that sets a database's master user name.
var dbUserArg = map[string]string{
	"aws_db_instance": "username",
	"aws_rds_cluster": "master_username",
}

// dbMasterUser emits the master user of a database, which its master
// password AUTHENTICATES_AS, and the user's CAN_ACCESS to the database.
// The access is possible, since whether the database can be reached over
// the network (security groups, subnets) is not read.
func (e *emitter) dbMasterUser(b *block, dbARN, password string) {
	name, _ := attrStr(e.ev.objs[b.addr], dbUserArg[b.typ])
	id := dbUserID(dbARN)
	rng := b.syn.DefRange()
	e.node(graph.NodeIdentity, id, "master user of "+dbARN, rng, map[string]string{
		graph.AttrProvider: providerAWS,
		"type":             "db-master-user",
		graph.AttrName:     name,
		"database":         dbARN,
		graph.AttrAccount:  e.ev.account,
		"tf_address":       b.addr,
	})
	e.edge(password, graph.EdgeAuthenticatesAs, id, rng, nil)
	e.edge(id, graph.EdgeCanAccess, dbARN, rng, map[string]string{
		graph.AttrLevel:   "admin",
		graph.AttrActions: "database login",
		graph.AttrReason:  "the master password logs in to " + dbARN + " as its master user; undecided: whether the database can be reached over the network is not in the input",
	})
	ed := &e.ff.edges[len(e.ff.edges)-1]
	ed.Confidence = graph.Possible
}

// dbUserID returns the id of a database's master user.
func dbUserID(dbARN string) string { return graph.AWSDBMasterUserID(dbARN) }

// resourcePolicy emits the policy of a separate *_policy block as attr
// resource_policy of the data store it names.
func (e *emitter) resourcePolicy(b *block, bv *blockVal) {
	typ := strings.TrimSuffix(b.typ, "_policy")
	arn, ok := e.targetARN(b, bv, typ)
	if !ok {
		return
	}
	attrs := map[string]string{
		graph.AttrProvider: providerAWS,
		"type":             typ,
	}
	e.setResourcePolicy(b, bv, attrs)
	if attrs["resource_policy"] == "" && attrs["policy_unresolved"] == "" {
		return
	}
	e.node(graph.NodeResource, arn, "", b.syn.DefRange(), attrs)
}

// targetArg names the argument by which a policy or setting block names
// its data store.
var targetArg = map[string]string{
	"aws_s3_bucket":      "bucket",
	"aws_sqs_queue":      "queue_url",
	"aws_sns_topic":      "arn",
	"aws_kms_key":        "key_id",
	"aws_ecr_repository": "repository",
}

// targetARN returns the ARN of the data store of type typ that block b
// names: through its reference when it has one, else from the value.
func (e *emitter) targetARN(b *block, bv *blockVal, typ string) (string, bool) {
	arg := targetArg[typ]
	a := b.attr(arg)
	if a == nil {
		e.warnf(b.syn.DefRange(), "%s: %s is missing; block skipped", b.addr, arg)
		return "", false
	}
	for _, t := range e.refsTo(a.Expr, typ) {
		if arn, ok := attrStr(e.ev.objs[t.addr], "arn"); ok {
			return arn, true
		}
	}
	v, ok := e.require(b, bv, arg)
	if !ok {
		return "", false
	}
	if strings.HasPrefix(v, "arn:") {
		return v, true
	}
	switch typ {
	case "aws_s3_bucket":
		return "arn:aws:s3:::" + v, true
	case "aws_ecr_repository":
		return e.ev.arn("ecr", "repository/"+v), true
	case "aws_sqs_queue":
		if arn, ok := queueARN(v); ok {
			return arn, true
		}
	}
	e.warnf(a.Expr.Range(), "%s: %s does not name a resource this module declares; block skipped", b.addr, arg)
	return "", false
}

// queueARN turns an SQS queue URL into the queue's ARN.
func queueARN(raw string) (string, bool) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", false
	}
	host := strings.Split(u.Host, ".")
	parts := strings.Split(strings.Trim(u.Path, "/"), "/")
	if len(host) < 3 || host[0] != "sqs" || len(parts) != 2 {
		return "", false
	}
	return "arn:aws:sqs:" + host[1] + ":" + parts[0] + ":" + parts[1], true
}

// publicAccessBlock records a bucket's Block Public Access settings on
// the bucket.
func (e *emitter) publicAccessBlock(b *block, bv *blockVal) {
	arn, ok := e.targetARN(b, bv, "aws_s3_bucket")
	if !ok {
		return
	}
	attrs := map[string]string{graph.AttrProvider: providerAWS, "type": "aws_s3_bucket"}
	for _, k := range []string{"block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"} {
		if s, ok := attrStr(bv, k); ok {
			attrs[k] = s
		}
	}
	e.node(graph.NodeResource, arn, "", b.syn.DefRange(), attrs)
}

// s3Object emits an S3 object as a Secret when its content holds
// credentials: the access keys, secrets and passwords its content reads,
// or credential values written out in its content or source file.
func (e *emitter) s3Object(b *block, bv *blockVal) {
	var hs []heldSecret
	var texts []string
	for _, name := range []string{"content", "content_base64", "source"} {
		a := b.attr(name)
		if a == nil {
			continue
		}
		hs = append(hs, e.heldBy(e.refs(a.Expr))...)
		texts = append(texts, e.texts(b, a.Expr)...)
	}
	if s, ok := attrStr(bv, "content_base64"); ok {
		if raw, err := base64.StdEncoding.DecodeString(s); err == nil {
			texts = append(texts, string(raw))
		}
	}
	if path, ok := attrStr(bv, "source"); ok && !strings.Contains(path, "${") {
		if data, err := e.ev.files.read(path); err == nil {
			texts = append(texts, string(data))
		}
	}
	found := e.credentialsIn(texts)
	if len(hs) == 0 && len(found) == 0 {
		return
	}
	bucket, ok := e.require(b, bv, "bucket")
	if !ok {
		return
	}
	key, ok := e.require(b, bv, "key")
	if !ok {
		return
	}
	e.storedCredentials(b, "arn:aws:s3:::"+bucket+"/"+key, key, hs, found, map[string]string{
		"type":   "s3-object",
		"bucket": bucket,
		"key":    key,
	})
}

// credentialsIn returns the credential values written in texts.
func (e *emitter) credentialsIn(texts []string) []inlineCredential {
	var out []inlineCredential
	for _, t := range texts {
		out = append(out, findCredentials(t)...)
	}
	return out
}

// storedCredentials emits a data item (an S3 object, a DynamoDB item) as a
// Secret that HOLDS the credentials hs, with the fingerprints of the
// credential values found in it. It emits nothing when there are neither.
func (e *emitter) storedCredentials(b *block, id, label string, hs []heldSecret, found []inlineCredential, attrs map[string]string) {
	var fps, kinds []string
	for _, c := range found {
		if fp := e.fingerprint(c.value); fp != "" {
			fps = append(fps, fp)
			kinds = append(kinds, c.kind)
		}
	}
	if len(hs) == 0 && len(fps) == 0 {
		return
	}

	rng := b.syn.DefRange()
	attrs[graph.AttrProvider] = providerAWS
	attrs[graph.AttrLongLived] = "true"
	attrs[graph.AttrAccount] = e.ev.account
	attrs["tf_address"] = b.addr
	if len(fps) > 0 {
		attrs[graph.AttrFingerprint] = graph.JoinList(fps)
		attrs[graph.AttrStoredInline] = "true"
		attrs["credential_types"] = graph.JoinList(kinds)
	}
	e.node(graph.NodeSecret, id, label, rng, attrs)

	// Of two references to one credential, a certain one wins.
	doubts := map[string]string{}
	var order []string
	for _, h := range hs {
		d, seen := doubts[h.id]
		if !seen {
			order = append(order, h.id)
		}
		if !seen || d != "" {
			doubts[h.id] = h.doubt
		}
	}
	for _, to := range order {
		e.heldEdge(id, graph.EdgeHolds, heldSecret{id: to, doubt: doubts[to]}, rng, nil)
	}
}

// dynamoItem emits a DynamoDB item as a Secret when it holds credentials.
// Its id is the table's ARN followed by /item/ and the item's hash key
// value (and /range key value, when the table has one).
func (e *emitter) dynamoItem(b *block, bv *blockVal) {
	a := b.attr("item")
	if a == nil {
		return
	}
	hs := e.heldBy(e.refs(a.Expr))
	found := e.credentialsIn(e.texts(b, a.Expr))
	if len(hs) == 0 && len(found) == 0 {
		return
	}
	table, ok := e.require(b, bv, "table_name")
	if !ok {
		return
	}
	text, _ := attrStr(bv, "item")
	key := e.itemKey(b, bv, text)
	e.storedCredentials(b, e.ev.arn("dynamodb", "table/"+table)+"/item/"+key, key, hs, found, map[string]string{
		"type":  "dynamodb-item",
		"table": table,
	})
}

// itemKey returns the hash key value of an item, and its range key value
// after a slash, or a placeholder naming the item when they are unknown.
func (e *emitter) itemKey(b *block, bv *blockVal, text string) string {
	var item map[string]map[string]any
	_ = json.Unmarshal([]byte(text), &item)
	value := func(keyArg string) (string, bool) {
		k, ok := attrStr(bv, keyArg)
		if !ok {
			return "", false
		}
		for _, v := range item[k] {
			if s, ok := v.(string); ok && s != "" {
				return s, true
			}
		}
		return "", false
	}
	hash, ok := value("hash_key")
	if !ok {
		return "${" + b.addr + ".item}"
	}
	if _, has := attrStr(bv, "range_key"); has {
		r, ok := value("range_key")
		if !ok {
			return "${" + b.addr + ".item}"
		}
		hash += "/" + r
	}
	return hash
}

// apiKeyID returns the id of an API Gateway API key named in bv.
func (e *emitter) apiKeyID(bv *blockVal) string {
	name, ok := attrStr(bv, "name")
	if !ok {
		return ""
	}
	return "secret:aws:api-key:" + e.ev.region + ":" + e.ev.account + "/" + name
}

// apiKey emits an API Gateway API key.
func (e *emitter) apiKey(b *block, bv *blockVal) {
	id := e.apiKeyID(bv)
	name, _ := attrStr(bv, "name")
	rng := b.syn.DefRange()
	attrs := map[string]string{
		graph.AttrProvider:  providerAWS,
		"type":              "api-key",
		graph.AttrName:      name,
		graph.AttrLongLived: "true",
		graph.AttrAccount:   e.ev.account,
		"tf_address":        b.addr,
	}
	if s, ok := attrStr(bv, "enabled"); ok {
		attrs["enabled"] = s
	}
	if a := b.attr("value"); a != nil {
		e.holds(id, b, a.Expr, attrs, rng)
	}
	e.node(graph.NodeSecret, id, name, rng, attrs)
}
