package cloudtrail

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/blastradius-dev/blastradius/ingest/internal/jsonstream"
)

// decoder reads records out of JSON text in one pass that also checks the
// syntax. It keeps only the fields record names, matching keys without
// regard to case as encoding/json does, and skips every other value
// without decoding it. Short strings that repeat from record to record
// (identities, event names, addresses, agents) are interned, so a record
// whose values were all seen before allocates nothing.
type decoder struct {
	intern     map[string]string
	identities map[string]userIdentity
	scratch    []byte   // an unescaped string
	inner      []byte   // the unescaped text of a lookup-events CloudTrailEvent
	key        [64]byte // the lower-cased key being matched
}

// Interning limits: strings longer than maxInterned are rare repeats, and
// the table stops growing at maxInternTable entries.
const (
	maxInterned    = 512
	maxInternTable = 1 << 16
)

func newDecoder() *decoder {
	return &decoder{intern: make(map[string]string, 1024), identities: make(map[string]userIdentity, 64)}
}

// record decodes the value at b[i] into rec and returns the offset past
// it. A valid value that is not an object leaves rec empty and sets
// notObject.
func (d *decoder) record(b []byte, i int, rec *record) (end int, notObject bool, err error) {
	rec.reset()
	i = jsonstream.WS(b, i)
	if i >= len(b) {
		return i, false, jsonstream.ErrIncomplete
	}
	if b[i] != '{' {
		end, err = jsonstream.Skip(b, i)
		return end, err == nil, err
	}
	end, err = d.object(b, i, func(key []byte, i int) (int, error) {
		switch string(key) {
		case "eventtime":
			return d.timeField(b, i, &rec.EventTime, &rec.at, &rec.atSet)
		case "@timestamp":
			var at time.Time
			var ok bool
			end, err := d.timeField(b, i, &rec.Timestamp, &at, &ok)
			if ok && !rec.atSet {
				rec.at, rec.atSet = at, true
			}
			return end, err
		case "eventsource":
			return d.stringField(b, i, &rec.EventSource)
		case "eventname":
			return d.stringField(b, i, &rec.EventName)
		case "eventid":
			return d.eventIDField(b, i, rec)
		case "awsregion":
			return d.stringField(b, i, &rec.Region)
		case "sourceipaddress":
			return d.stringField(b, i, &rec.SourceIP)
		case "useragent":
			return d.stringField(b, i, &rec.UserAgent)
		case "errorcode":
			return d.stringField(b, i, &rec.ErrorCode)
		case "errormessage":
			return d.stringField(b, i, &rec.ErrorMessage)
		case "recipientaccountid":
			return d.stringField(b, i, &rec.RecipientAccount)
		case "useridentity":
			return d.userIdentity(b, i, &rec.UserIdentity)
		case "requestparameters":
			return d.requestParameters(b, i, &rec.RequestParameters)
		case "responseelements":
			return d.responseElements(b, i, &rec.ResponseElements)
		case "resources":
			return d.resources(b, i, rec)
		}
		return jsonstream.Skip(b, i)
	})
	return end, false, err
}

// line decodes one line of a JSON Lines file as a record.
func (d *decoder) line(text []byte, rec *record) error {
	end, notObject, err := d.record(text, 0, rec)
	if err != nil || jsonstream.WS(text, end) != len(text) {
		rec.reset()
		return errInvalidJSON
	}
	if notObject {
		return errNotObject
	}
	return nil
}

// event decodes one entry of lookup-events output: an object whose
// CloudTrailEvent member contains a record as JSON text. problem is the
// reason an entry that is valid JSON gives no record.
func (d *decoder) event(b []byte, i int, rec *record) (end int, problem, err error) {
	rec.reset()
	i = jsonstream.WS(b, i)
	if i >= len(b) {
		return i, nil, jsonstream.ErrIncomplete
	}
	if b[i] != '{' {
		end, err = jsonstream.Skip(b, i)
		return end, errNotObject, err
	}
	found := false
	end, err = d.object(b, i, func(key []byte, i int) (int, error) {
		if string(key) != "cloudtrailevent" {
			return jsonstream.Skip(b, i)
		}
		text, end, err := d.rawString(b, i, d.inner)
		if err == nil && text != nil {
			d.inner, found = text, true
		}
		return end, err
	})
	if err != nil {
		return end, nil, err
	}
	if !found {
		return end, errNoEvent, nil
	}
	if problem := d.line(d.inner, rec); problem != nil {
		return end, fmt.Errorf("has a CloudTrailEvent that %w", problem), nil
	}
	return end, nil, nil
}

var errNoEvent = errors.New("has no CloudTrailEvent")

// The time of an event whose eventTime and @timestamp are both set comes
// from eventTime: a parsed eventTime replaces a parsed @timestamp, and
// time() tries an unparsed eventTime before a parsed @timestamp.

// userIdentity reads a userIdentity object. Records of one caller repeat
// the same object, so a decoded object is remembered by its text and the
// next record with the same text copies it instead of decoding it again.
func (d *decoder) userIdentity(b []byte, i int, ui *userIdentity) (int, error) {
	if b[i] != '{' {
		return jsonstream.Skip(b, i)
	}
	end, err := jsonstream.Skip(b, i)
	if err != nil {
		return end, err
	}
	raw := b[i:end]
	if known, ok := d.identities[string(raw)]; ok {
		*ui = known
		return end, nil
	}
	if _, err := d.decodeUserIdentity(b, i, ui); err != nil {
		return end, err
	}
	if len(raw) <= maxIdentityText && len(d.identities) < maxIdentities {
		d.identities[string(raw)] = *ui
	}
	return end, nil
}

// Bounds on the userIdentity objects the decoder remembers.
const (
	maxIdentities   = 4096
	maxIdentityText = 4096
)

func (d *decoder) decodeUserIdentity(b []byte, i int, ui *userIdentity) (int, error) {
	return d.object(b, i, func(key []byte, i int) (int, error) {
		switch string(key) {
		case "type":
			return d.stringField(b, i, &ui.Type)
		case "arn":
			return d.stringField(b, i, &ui.ARN)
		case "accountid":
			return d.stringField(b, i, &ui.AccountID)
		case "accesskeyid":
			return d.stringField(b, i, &ui.AccessKeyID)
		case "username":
			return d.stringField(b, i, &ui.UserName)
		case "invokedby":
			return d.stringField(b, i, &ui.InvokedBy)
		case "identityprovider":
			return d.stringField(b, i, &ui.IdentityProvider)
		case "sessioncontext":
			return d.sessionContext(b, i, &ui.SessionContext)
		case "onbehalfof":
			if b[i] != '{' {
				return jsonstream.Skip(b, i)
			}
			return d.object(b, i, func(key []byte, i int) (int, error) {
				if string(key) == "userid" {
					return d.stringField(b, i, &ui.OnBehalfOf.UserID)
				}
				return jsonstream.Skip(b, i)
			})
		}
		return jsonstream.Skip(b, i)
	})
}

func (d *decoder) sessionContext(b []byte, i int, sc *sessionContext) (int, error) {
	if b[i] != '{' {
		return jsonstream.Skip(b, i)
	}
	return d.object(b, i, func(key []byte, i int) (int, error) {
		switch string(key) {
		case "sessionissuer":
			if b[i] != '{' {
				return jsonstream.Skip(b, i)
			}
			is := &sc.SessionIssuer
			return d.object(b, i, func(key []byte, i int) (int, error) {
				switch string(key) {
				case "type":
					return d.stringField(b, i, &is.Type)
				case "arn":
					return d.stringField(b, i, &is.ARN)
				case "accountid":
					return d.stringField(b, i, &is.AccountID)
				case "username":
					return d.stringField(b, i, &is.UserName)
				}
				return jsonstream.Skip(b, i)
			})
		case "webidfederationdata":
			if b[i] != '{' {
				return jsonstream.Skip(b, i)
			}
			return d.object(b, i, func(key []byte, i int) (int, error) {
				if string(key) == "federatedprovider" {
					return d.stringField(b, i, &sc.WebIDProvider)
				}
				return jsonstream.Skip(b, i)
			})
		case "sourceidentity":
			return d.stringField(b, i, &sc.SourceIdentity)
		}
		return jsonstream.Skip(b, i)
	})
}

func (d *decoder) requestParameters(b []byte, i int, p *requestParameters) (int, error) {
	if b[i] != '{' {
		return jsonstream.Skip(b, i)
	}
	return d.object(b, i, func(key []byte, i int) (int, error) {
		switch string(key) {
		case "rolearn":
			return d.stringField(b, i, &p.RoleARN)
		case "bucketname":
			return d.stringField(b, i, &p.BucketName)
		case "secretid":
			return d.stringField(b, i, &p.SecretID)
		case "name":
			return d.stringField(b, i, &p.Name)
		case "names":
			return d.names(b, i, p)
		case "functionname":
			return d.stringField(b, i, &p.FunctionName)
		case "username":
			return d.stringField(b, i, &p.UserName)
		case "rolename":
			return d.stringField(b, i, &p.RoleName)
		case "groupname":
			return d.stringField(b, i, &p.GroupName)
		case "tablename":
			return d.stringField(b, i, &p.TableName)
		case "queueurl":
			return d.stringField(b, i, &p.QueueURL)
		case "topicarn":
			return d.stringField(b, i, &p.TopicARN)
		}
		return jsonstream.Skip(b, i)
	})
}

// names reads requestParameters.names, a list of strings that some
// clients write as a single string.
func (d *decoder) names(b []byte, i int, p *requestParameters) (int, error) {
	p.Names = p.Names[:0]
	switch b[i] {
	case '"':
		var s string
		end, err := d.stringField(b, i, &s)
		if s != "" {
			p.Names = append(p.Names, s)
		}
		return end, err
	case '[':
		return d.array(b, i, func(i int) (int, error) {
			var s string
			end, err := d.stringField(b, i, &s)
			if s != "" {
				p.Names = append(p.Names, s)
			}
			return end, err
		})
	}
	return jsonstream.Skip(b, i)
}

func (d *decoder) responseElements(b []byte, i int, r *responseElements) (int, error) {
	if b[i] != '{' {
		return jsonstream.Skip(b, i)
	}
	return d.object(b, i, func(key []byte, i int) (int, error) {
		switch string(key) {
		case "credentials":
			if b[i] != '{' {
				return jsonstream.Skip(b, i)
			}
			return d.object(b, i, func(key []byte, i int) (int, error) {
				if string(key) == "accesskeyid" {
					return d.stringField(b, i, &r.CredentialsKeyID)
				}
				return jsonstream.Skip(b, i)
			})
		case "accesskey":
			if b[i] != '{' {
				return jsonstream.Skip(b, i)
			}
			return d.object(b, i, func(key []byte, i int) (int, error) {
				switch string(key) {
				case "accesskeyid":
					return d.stringField(b, i, &r.CreatedKeyID)
				case "username":
					return d.stringField(b, i, &r.CreatedKeyUser)
				}
				return jsonstream.Skip(b, i)
			})
		case "consolelogin":
			return d.stringField(b, i, &r.ConsoleLogin)
		case "subjectfromwebidentitytoken":
			return d.stringField(b, i, &r.WebIDSubject)
		case "provider":
			return d.stringField(b, i, &r.Provider)
		}
		return jsonstream.Skip(b, i)
	})
}

func (d *decoder) resources(b []byte, i int, rec *record) (int, error) {
	if b[i] != '[' {
		return jsonstream.Skip(b, i)
	}
	return d.array(b, i, func(i int) (int, error) {
		if b[i] != '{' {
			return jsonstream.Skip(b, i)
		}
		var res resource
		end, err := d.object(b, i, func(key []byte, i int) (int, error) {
			switch string(key) {
			case "arn":
				return d.stringField(b, i, &res.ARN)
			case "type":
				return d.stringField(b, i, &res.Type)
			}
			return jsonstream.Skip(b, i)
		})
		if err == nil && len(rec.Resources) < maxResources {
			rec.Resources = append(rec.Resources, res)
		}
		return end, err
	})
}

// maxResources bounds the resources kept from one record.
const maxResources = 256

// object walks the object at b[i] == '{', calling field with each key,
// lower-cased, and the offset of its value; field returns the offset past
// the value. The key is valid only until field reads a nested object.
func (d *decoder) object(b []byte, i int, field func(key []byte, i int) (int, error)) (int, error) {
	i = jsonstream.WS(b, i+1)
	if i >= len(b) {
		return i, jsonstream.ErrIncomplete
	}
	if b[i] == '}' {
		return i + 1, nil
	}
	for {
		if b[i] != '"' {
			return i, jsonstream.ErrSyntax
		}
		end, err := jsonstream.SkipString(b, i)
		if err != nil {
			return end, err
		}
		key := d.lowerKey(b[i+1 : end-1])
		i = jsonstream.WS(b, end)
		if i >= len(b) {
			return i, jsonstream.ErrIncomplete
		}
		if b[i] != ':' {
			return i, jsonstream.ErrSyntax
		}
		i = jsonstream.WS(b, i+1)
		if i >= len(b) {
			return i, jsonstream.ErrIncomplete
		}
		if i, err = field(key, i); err != nil {
			return i, err
		}
		i = jsonstream.WS(b, i)
		if i >= len(b) {
			return i, jsonstream.ErrIncomplete
		}
		switch b[i] {
		case ',':
			i = jsonstream.WS(b, i+1)
			if i >= len(b) {
				return i, jsonstream.ErrIncomplete
			}
		case '}':
			return i + 1, nil
		default:
			return i, jsonstream.ErrSyntax
		}
	}
}

// array walks the array at b[i] == '[', calling elem with the offset of
// each element; elem returns the offset past it.
func (d *decoder) array(b []byte, i int, elem func(i int) (int, error)) (int, error) {
	i = jsonstream.WS(b, i+1)
	if i >= len(b) {
		return i, jsonstream.ErrIncomplete
	}
	if b[i] == ']' {
		return i + 1, nil
	}
	for {
		var err error
		if i, err = elem(i); err != nil {
			return i, err
		}
		i = jsonstream.WS(b, i)
		if i >= len(b) {
			return i, jsonstream.ErrIncomplete
		}
		switch b[i] {
		case ',':
			i = jsonstream.WS(b, i+1)
			if i >= len(b) {
				return i, jsonstream.ErrIncomplete
			}
		case ']':
			return i + 1, nil
		default:
			return i, jsonstream.ErrSyntax
		}
	}
}

// lowerKey returns a key lower-cased, unescaped when it holds escapes.
// Keys longer than the buffer match nothing.
func (d *decoder) lowerKey(raw []byte) []byte {
	if len(raw) > len(d.key) {
		return nil
	}
	k := d.key[:len(raw)]
	for j, c := range raw {
		switch {
		case c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
		case c == '\\':
			return d.lowerEscapedKey(raw)
		}
		k[j] = c
	}
	return k
}

func (d *decoder) lowerEscapedKey(raw []byte) []byte {
	raw = d.unescape(raw)
	if len(raw) > len(d.key) {
		return nil
	}
	k := d.key[:len(raw)]
	for j, c := range raw {
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		k[j] = c
	}
	return k
}

// stringField reads a string into dst. A value of another type, null
// included, is skipped and leaves dst as it was.
func (d *decoder) stringField(b []byte, i int, dst *string) (int, error) {
	if b[i] != '"' {
		return jsonstream.Skip(b, i)
	}
	end, err := jsonstream.SkipString(b, i)
	if err != nil {
		return end, err
	}
	*dst = d.text(b[i+1 : end-1])
	return end, nil
}

// rawString returns the content of the string at b[i], unescaped into
// buf, or nil when the value is no string.
func (d *decoder) rawString(b []byte, i int, buf []byte) (s []byte, end int, err error) {
	if b[i] != '"' {
		end, err = jsonstream.Skip(b, i)
		return nil, end, err
	}
	end, err = jsonstream.SkipString(b, i)
	if err != nil {
		return nil, end, err
	}
	return appendUnescaped(buf[:0], b[i+1:end-1]), end, nil
}

// eventIDField reads the eventID string into rec's event key. The id is
// not interned, because no two events share it.
func (d *decoder) eventIDField(b []byte, i int, rec *record) (int, error) {
	raw, end, err := d.rawString(b, i, d.scratch)
	if err != nil || raw == nil {
		return end, err
	}
	d.scratch = raw
	rec.setEventID(raw)
	return end, nil
}

// timeField reads a time string: into at when it has a common form,
// else into dst for time() to parse.
func (d *decoder) timeField(b []byte, i int, dst *string, at *time.Time, ok *bool) (int, error) {
	if b[i] != '"' {
		return jsonstream.Skip(b, i)
	}
	end, err := jsonstream.SkipString(b, i)
	if err != nil {
		return end, err
	}
	if t, good := parseTime(b[i+1 : end-1]); good {
		*at, *ok = t, true
		return end, nil
	}
	*dst = d.text(b[i+1 : end-1])
	return end, nil
}

// text returns the string content raw (between the quotes), unescaped
// and interned.
func (d *decoder) text(raw []byte) string {
	if bytes.IndexByte(raw, '\\') >= 0 {
		raw = d.unescape(raw)
	}
	if s, ok := d.intern[string(raw)]; ok {
		return s
	}
	s := string(raw)
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if len(raw) <= maxInterned && len(d.intern) < maxInternTable {
		d.intern[s] = s
	}
	return s
}

// unescape returns raw with its escapes undone, in the decoder's scratch
// buffer.
func (d *decoder) unescape(raw []byte) []byte {
	d.scratch = appendUnescaped(d.scratch[:0], raw)
	return d.scratch
}

// appendUnescaped appends the content of a JSON string whose escapes were
// checked by skipString. Unpaired surrogates become U+FFFD, as
// encoding/json does.
func appendUnescaped(dst, raw []byte) []byte {
	for i := 0; i < len(raw); {
		c := raw[i]
		if c != '\\' {
			dst = append(dst, c)
			i++
			continue
		}
		switch raw[i+1] {
		case 'b':
			dst = append(dst, '\b')
		case 'f':
			dst = append(dst, '\f')
		case 'n':
			dst = append(dst, '\n')
		case 'r':
			dst = append(dst, '\r')
		case 't':
			dst = append(dst, '\t')
		case 'u':
			r := hex4(raw[i+2 : i+6])
			i += 6
			if utf16.IsSurrogate(r) {
				if i+6 <= len(raw) && raw[i] == '\\' && raw[i+1] == 'u' {
					if pair := utf16.DecodeRune(r, hex4(raw[i+2:i+6])); pair != utf8.RuneError {
						dst = utf8.AppendRune(dst, pair)
						i += 6
						continue
					}
				}
				r = utf8.RuneError
			}
			dst = utf8.AppendRune(dst, r)
			continue
		default: // '"', '\\', '/'
			dst = append(dst, raw[i+1])
		}
		i += 2
	}
	return dst
}

func hex4(b []byte) rune {
	var r rune
	for _, c := range b {
		r <<= 4
		switch {
		case c >= '0' && c <= '9':
			r |= rune(c - '0')
		case c >= 'a' && c <= 'f':
			r |= rune(c - 'a' + 10)
		default:
			r |= rune(c - 'A' + 10)
		}
	}
	return r
}

// parseTime parses the forms CloudTrail and its exports write:
// 2006-01-02T15:04:05Z with optional fractional seconds and a numeric
// zone, and "2006-01-02 15:04:05" with optional fractional seconds and no
// zone (UTC). Anything else, and days past the 28th (which need a check
// against the month), is left to time.Parse.
func parseTime(b []byte) (time.Time, bool) {
	if len(b) < 19 || b[4] != '-' || b[7] != '-' || (b[10] != 'T' && b[10] != ' ') || b[13] != ':' || b[16] != ':' {
		return time.Time{}, false
	}
	num := func(s []byte) (int, bool) {
		n := 0
		for _, c := range s {
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int(c-'0')
		}
		return n, true
	}
	year, ok1 := num(b[0:4])
	month, ok2 := num(b[5:7])
	day, ok3 := num(b[8:10])
	hour, ok4 := num(b[11:13])
	minute, ok5 := num(b[14:16])
	sec, ok6 := num(b[17:19])
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) || month < 1 || month > 12 || day < 1 || day > 28 || hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, false
	}

	// Fractional seconds, then the zone.
	rest := b[19:]
	nsec := 0
	if len(rest) > 0 && rest[0] == '.' {
		j := 1
		scale := 100_000_000
		for j < len(rest) && rest[j] >= '0' && rest[j] <= '9' {
			if scale > 0 {
				nsec += int(rest[j]-'0') * scale
				scale /= 10
			}
			j++
		}
		if j == 1 {
			return time.Time{}, false
		}
		rest = rest[j:]
	}

	offset := 0
	switch {
	case len(rest) == 0:
		if b[10] == 'T' {
			return time.Time{}, false
		}
	case len(rest) == 1 && rest[0] == 'Z' && b[10] == 'T':
	case len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':' && b[10] == 'T':
		h, okh := num(rest[1:3])
		m, okm := num(rest[4:6])
		if !okh || !okm || h > 23 || m > 59 {
			return time.Time{}, false
		}
		offset = h*3600 + m*60
		if rest[0] == '-' {
			offset = -offset
		}
	default:
		return time.Time{}, false
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, nsec, time.UTC)
	return t.Add(-time.Duration(offset) * time.Second), true
}
