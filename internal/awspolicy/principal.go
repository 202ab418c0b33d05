package awspolicy

import (
	"strings"
)

// Principal is who makes a request.
type Principal struct {
	// ARN is the principal's ARN: an IAM user or role
	// (arn:aws:iam::111122223333:role/path/name, acting through a session
	// whose name is Session), an assumed-role session
	// (arn:aws:sts::111122223333:assumed-role/name/session), a federated
	// user, or the account root user (arn:aws:iam::111122223333:root).
	// It is empty for a service, a federated identity or an anonymous caller.
	ARN     string
	Account string
	// Session is the role session name when known; empty means the
	// session name is not known, as for stolen or minted role credentials.
	Session string
	// Service is the AWS service principal making the request
	// ("lambda.amazonaws.com").
	Service string
	// Federated is the identity provider of a web-identity or SAML
	// caller: an OIDC provider ARN, a SAML provider ARN, or a host name
	// such as cognito-identity.amazonaws.com.
	Federated string
	// CanonicalUser is an S3 canonical user id.
	CanonicalUser string
	// Anonymous marks an unsigned request.
	Anonymous bool
	// HasBoundary says the IAM user or role has a permissions boundary;
	// a Deny with NotPrincipal then applies to it whatever it lists.
	HasBoundary bool
}

// kind classifies the principal by its ARN.
func (p Principal) kind() string {
	switch {
	case p.Anonymous:
		return "anonymous"
	case p.Service != "":
		return "service"
	case p.Federated != "":
		return "federated"
	case p.CanonicalUser != "" && p.ARN == "":
		return "canonical"
	}
	res := partOf(p.ARN, 5)
	switch {
	case strings.HasPrefix(p.ARN, "arn:") && res == "root":
		return "root"
	case strings.HasPrefix(res, "user/"):
		return "user"
	case strings.HasPrefix(res, "role/"):
		return "role"
	case strings.HasPrefix(res, "assumed-role/"):
		return "session"
	case strings.HasPrefix(res, "federated-user/"):
		return "federated-user"
	}
	return ""
}

func (p Principal) account() string {
	if p.Account != "" {
		return p.Account
	}
	return AccountOf(p.ARN)
}

// roleName returns the name of the role a role or session principal acts as.
func (p Principal) roleName() string {
	res := partOf(p.ARN, 5)
	switch p.kind() {
	case "role":
		return res[strings.LastIndex(res, "/")+1:]
	case "session":
		name, _, _ := strings.Cut(strings.TrimPrefix(res, "assumed-role/"), "/")
		return name
	}
	return ""
}

// reach says how a Principal element names the requesting principal.
// Session-level names (the user itself, a role session, "*", a service)
// let a resource policy grant on its own within an account; a role ARN
// grants to every session of the role but stays within the role's
// permissions boundary and session policy; an account only delegates to
// the account's own identity policies.
type reach struct {
	session Tri
	entity  Tri
	account Tri
}

func (r reach) any() Tri { return or(r.session, or(r.entity, r.account)) }

func (r *reach) add(o reach) {
	r.session = or(r.session, o.session)
	r.entity = or(r.entity, o.entity)
	r.account = or(r.account, o.account)
}

// names reports how a Principal element names p.
func (ps Principals) names(p Principal) reach {
	var r reach
	if ps["*"] != nil {
		r.session = True
	}
	for typ, vals := range ps {
		for _, v := range vals {
			r.add(nameMatch(typ, v, p))
		}
	}
	return r
}

func nameMatch(typ, v string, p Principal) reach {
	v = strings.TrimSpace(v)
	switch strings.ToLower(typ) {
	case "aws":
		return awsNameMatch(v, p)
	case "service":
		if v == "*" || (p.Service != "" && strings.EqualFold(v, p.Service)) {
			return reach{session: True}
		}
	case "federated":
		if v == "*" || (p.Federated != "" && v == p.Federated) {
			return reach{session: True}
		}
	case "canonicaluser":
		if v == "*" || (p.CanonicalUser != "" && v == p.CanonicalUser) {
			return reach{session: True}
		}
	}
	return reach{}
}

// rootAccount returns the account a principal value names as a whole
// ("111122223333" or arn:aws:iam::111122223333:root), else "".
func rootAccount(v string) string {
	if len(v) == 12 && strings.Trim(v, "0123456789") == "" {
		return v
	}
	if strings.HasPrefix(v, "arn:") && partOf(v, 2) == "iam" && partOf(v, 5) == "root" {
		return partOf(v, 4)
	}
	return ""
}

// unknownRoot reports whether a principal value names an account whose
// id the input does not show: "" or arn:aws:iam:::root, as Terraform
// configuration renders an account id it cannot resolve.
func unknownRoot(v string) bool {
	return v == "" || strings.HasPrefix(v, "arn:") && partOf(v, 2) == "iam" && partOf(v, 4) == "" && partOf(v, 5) == "root"
}

// RootAccount returns the account a Principal value names as a whole: an
// account id or an account root ARN. It returns "" for any other value.
func RootAccount(v string) string { return rootAccount(v) }

func awsNameMatch(v string, p Principal) reach {
	if v == "*" {
		return reach{session: True}
	}
	kind := p.kind()
	if kind == "anonymous" || kind == "service" || kind == "federated" || kind == "canonical" {
		return reach{}
	}
	if unknownRoot(v) {
		// The account of a configuration that does not show its id:
		// the principals of that unknown account, maybe a known one.
		switch {
		case p.account() != "":
			return reach{account: Unknown}
		case kind == "root":
			return reach{session: True}
		}
		return reach{account: True}
	}
	if acct := rootAccount(v); acct != "" {
		if acct != p.account() {
			return reach{}
		}
		if kind == "root" {
			return reach{session: True}
		}
		return reach{account: True}
	}
	if strings.ContainsAny(v, "*?") {
		// AWS accepts no wildcard in a principal ARN other than "*".
		return reach{}
	}
	switch kind {
	case "user", "federated-user", "root":
		if v == p.ARN {
			return reach{session: True}
		}
	case "role":
		if v == p.ARN {
			return reach{entity: True}
		}
		if sessionOf(v, p) {
			if p.Session == "" {
				return reach{session: Unknown}
			}
			if strings.HasSuffix(v, "/"+p.Session) {
				return reach{session: True}
			}
		}
	case "session":
		if v == p.ARN {
			return reach{session: True}
		}
		// A role ARN names every session of the role.
		if partOf(v, 2) == "iam" && strings.HasPrefix(partOf(v, 5), "role/") &&
			partOf(v, 4) == p.account() && strings.HasSuffix(partOf(v, 5), "/"+p.roleName()) {
			return reach{entity: True}
		}
	}
	return reach{}
}

// sessionOf reports whether v is an assumed-role session ARN of role p.
func sessionOf(v string, p Principal) bool {
	if partOf(v, 2) != "sts" || partOf(v, 4) != p.account() {
		return false
	}
	res := partOf(v, 5)
	if !strings.HasPrefix(res, "assumed-role/") {
		return false
	}
	name, _, ok := strings.Cut(strings.TrimPrefix(res, "assumed-role/"), "/")
	return ok && name == p.roleName()
}

// exempt reports whether a NotPrincipal element spares p. AWS checks the
// account first, then the role, then the session, so an IAM principal is
// spared only when its account and its own ARN (for a role session, the
// role's or the session's) are both listed.
func (ps Principals) exempt(p Principal) Tri {
	if ps["*"] != nil {
		return True
	}
	r := ps.names(p)
	switch p.kind() {
	case "user", "role", "session", "federated-user":
		if r.account != True && !listsAccount(ps, p.account()) {
			return False
		}
		return or(r.session, r.entity)
	}
	return r.any()
}

func listsAccount(ps Principals, acct string) bool {
	for typ, vals := range ps {
		if !strings.EqualFold(typ, "AWS") {
			continue
		}
		for _, v := range vals {
			if rootAccount(v) == acct && acct != "" {
				return true
			}
		}
	}
	return false
}
