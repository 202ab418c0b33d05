package cloudtrail

import (
	"encoding/json"
	"strings"
	"time"
)

// record contains the fields of a CloudTrail record that the parser uses.
// Request parameters and response elements are decoded into structs that
// name only identifiers, so session tokens and secret keys are never
// decoded. errorMessage is decoded only to find a role ARN in it.
//
// A field of an unexpected type is left empty: encoding/json goes on with
// the other fields and reports an *json.UnmarshalTypeError, which the
// parser ignores, so one odd field does not cost the whole record.
type record struct {
	EventTime         string            `json:"eventTime"`
	Timestamp         string            `json:"@timestamp"`
	EventSource       string            `json:"eventSource"`
	EventName         string            `json:"eventName"`
	Region            string            `json:"awsRegion"`
	SourceIP          string            `json:"sourceIPAddress"`
	UserAgent         string            `json:"userAgent"`
	ErrorCode         string            `json:"errorCode"`
	ErrorMessage      string            `json:"errorMessage"`
	RecipientAccount  string            `json:"recipientAccountId"`
	UserIdentity      userIdentity      `json:"userIdentity"`
	RequestParameters requestParameters `json:"requestParameters"`
	ResponseElements  responseElements  `json:"responseElements"`
	Resources         []resource        `json:"resources"`
}

type userIdentity struct {
	Type             string         `json:"type"`
	ARN              string         `json:"arn"`
	AccountID        string         `json:"accountId"`
	AccessKeyID      string         `json:"accessKeyId"`
	UserName         string         `json:"userName"`
	InvokedBy        string         `json:"invokedBy"`
	IdentityProvider string         `json:"identityProvider"`
	SessionContext   sessionContext `json:"sessionContext"`
	OnBehalfOf       onBehalfOf     `json:"onBehalfOf"`
}

type sessionContext struct {
	SessionIssuer sessionIssuer `json:"sessionIssuer"`
}

type sessionIssuer struct {
	Type      string `json:"type"`
	ARN       string `json:"arn"`
	AccountID string `json:"accountId"`
	UserName  string `json:"userName"`
}

type onBehalfOf struct {
	UserID string `json:"userId"`
}

type requestParameters struct {
	RoleARN      string `json:"roleArn"`
	BucketName   string `json:"bucketName"`
	SecretID     string `json:"secretId"`
	Name         string `json:"name"`
	Names        names  `json:"names"`
	FunctionName string `json:"functionName"`
	UserName     string `json:"userName"`
	RoleName     string `json:"roleName"`
	GroupName    string `json:"groupName"`
	TableName    string `json:"tableName"`
	QueueURL     string `json:"queueUrl"`
	TopicARN     string `json:"topicArn"`
}

type responseElements struct {
	Credentials  credentials `json:"credentials"`
	ConsoleLogin string      `json:"ConsoleLogin"`
}

// credentials names only the access key id of issued credentials.
type credentials struct {
	AccessKeyID string `json:"accessKeyId"`
}

type resource struct {
	ARN  string `json:"ARN"`
	Type string `json:"type"`
}

// names is a list of strings that also takes a single string, as
// requestParameters.names is written by some clients.
type names []string

func (n *names) UnmarshalJSON(b []byte) error {
	*n = nil
	var one string
	if json.Unmarshal(b, &one) == nil {
		*n = names{one}
		return nil
	}
	var many []string
	json.Unmarshal(b, &many)
	for _, s := range many {
		if s != "" {
			*n = append(*n, s)
		}
	}
	return nil
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
	for _, s := range []string{r.EventTime, r.Timestamp} {
		if s == "" {
			continue
		}
		if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
			return t.UTC()
		}
		if t, err := time.Parse("2006-01-02 15:04:05.999999999", s); err == nil {
			return t
		}
	}
	return time.Time{}
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
