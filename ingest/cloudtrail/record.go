package cloudtrail

import (
	"strings"
	"time"
)

// record contains the fields of a CloudTrail record that the parser uses.
// Request parameters and response elements are read only for the
// identifiers named here, so session tokens and secret keys are never
// decoded. errorMessage is kept only to find a role ARN in it.
//
// A field of an unexpected type is left empty and the other fields are
// still read, so one odd field does not cost the whole record.
type record struct {
	EventTime         string
	Timestamp         string
	EventSource       string
	EventName         string
	Region            string
	SourceIP          string
	UserAgent         string
	ErrorCode         string
	ErrorMessage      string
	RecipientAccount  string
	UserIdentity      userIdentity
	RequestParameters requestParameters
	ResponseElements  responseElements
	Resources         []resource

	// eventKey is a digest of the record's eventID, which CloudTrail
	// makes unique per event; eventKeySet reports that the record has one.
	eventKey    eventKey
	eventKeySet bool

	// at is the time parsed from EventTime or Timestamp when the decoder
	// could do so without allocating. atSet reports that at is valid.
	at    time.Time
	atSet bool
}

type userIdentity struct {
	Type             string
	ARN              string
	AccountID        string
	AccessKeyID      string
	UserName         string
	InvokedBy        string
	IdentityProvider string
	SessionContext   sessionContext
	OnBehalfOf       onBehalfOf
}

type sessionContext struct {
	SessionIssuer sessionIssuer
	// WebIDProvider is webIdFederationData.federatedProvider: the OIDC
	// provider of a session obtained with AssumeRoleWithWebIdentity.
	WebIDProvider  string
	SourceIdentity string
}

type sessionIssuer struct {
	Type      string
	ARN       string
	AccountID string
	UserName  string
}

type onBehalfOf struct {
	UserID string
}

type requestParameters struct {
	RoleARN      string
	BucketName   string
	SecretID     string
	Name         string
	Names        []string
	FunctionName string
	UserName     string
	RoleName     string
	GroupName    string
	TableName    string
	QueueURL     string
	TopicARN     string
}

type responseElements struct {
	// CredentialsKeyID is credentials.accessKeyId: only the id of issued
	// credentials, never the secret key or the session token.
	CredentialsKeyID string
	ConsoleLogin     string
	// WebIDSubject is subjectFromWebIdentityToken, the sub claim of the
	// token an AssumeRoleWithWebIdentity call presented.
	WebIDSubject string
	Provider     string
	// CreatedKeyID and CreatedKeyUser are accessKey.accessKeyId and
	// accessKey.userName of a CreateAccessKey call: the id of the new key,
	// never its secret, which CloudTrail does not record.
	CreatedKeyID, CreatedKeyUser string
}

type resource struct {
	ARN  string
	Type string
}

// reset empties the record, keeping the capacity of its lists.
func (r *record) reset() {
	res, names := r.Resources[:0], r.RequestParameters.Names[:0]
	*r = record{}
	r.Resources, r.RequestParameters.Names = res, names
}

// truncate cuts s to at most n bytes, on a UTF-8 boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}

// time returns when the call was made: eventTime, or the @timestamp that
// log shippers add. It accepts RFC 3339 and the "2006-01-02 15:04:05" form
// of some exports, and returns the zero time for anything else.
func (r *record) time() time.Time {
	if r.atSet && r.EventTime == "" {
		return r.at
	}
	if t, ok := parseTimeString(r.EventTime); ok {
		return t
	}
	if r.atSet {
		return r.at
	}
	t, _ := parseTimeString(r.Timestamp)
	return t
}

func parseTimeString(s string) (time.Time, bool) {
	if s == "" {
		return time.Time{}, false
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC(), true
	}
	if t, err := time.Parse("2006-01-02 15:04:05.999999999", s); err == nil {
		return t, true
	}
	return time.Time{}, false
}

// service returns the service part of the event source, "s3" for
// "s3.amazonaws.com", or "" when the source has another form.
func (r *record) service() string {
	svc, ok := strings.CutSuffix(r.EventSource, ".amazonaws.com")
	if !ok || svc == "" {
		return ""
	}
	for _, c := range svc {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.') {
			return ""
		}
	}
	return svc
}

// action returns the call as "service:EventName".
func (r *record) action() string {
	svc := r.service()
	if svc == "" || r.EventName == "" {
		return ""
	}
	return svc + ":" + truncate(r.EventName, 128)
}

// account returns the account the call was made in.
func (r *record) account() string {
	for _, a := range []string{r.RecipientAccount, r.UserIdentity.AccountID} {
		if isAccount(a) {
			return a
		}
	}
	return ""
}

// failed reports whether the call returned an error.
func (r *record) failed() bool {
	return r.ErrorCode != ""
}

// denied reports whether the call failed for want of permission, or is a
// console sign-in that failed.
func (r *record) denied() bool {
	if r.EventName == "ConsoleLogin" && strings.EqualFold(r.ResponseElements.ConsoleLogin, "Failure") {
		return true
	}
	return isAccessError(r.ErrorCode)
}

// isAccessError reports whether an error code means the caller lacked
// permission. Such codes are AccessDenied and its variants
// (AccessDeniedException, VpceAccessDenied), UnauthorizedOperation with or
// without the "Client." prefix that EC2 uses, and NotAuthorized codes.
func isAccessError(code string) bool {
	code = strings.TrimPrefix(code, "Client.")
	switch {
	case code == "":
		return false
	case strings.Contains(code, "AccessDenied"):
		return true
	case code == "UnauthorizedOperation", code == "UnauthorizedAccess":
		return true
	case strings.Contains(code, "NotAuthorized"):
		return true
	}
	return false
}

func isAccount(s string) bool {
	if len(s) != 12 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
