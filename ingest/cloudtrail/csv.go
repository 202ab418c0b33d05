package cloudtrail

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// CSV exports of CloudTrail Lake and Athena queries hold one record per
// row. Columns are matched by name without regard to case or punctuation:
// eventTime, eventSource, eventName, awsRegion, sourceIPAddress,
// userAgent, errorCode, errorMessage, recipientAccountId,
// requestParameters and responseElements (JSON text), resources, and
// userIdentity either whole or flattened (userIdentity.arn,
// useridentity_sessioncontext_sessionissuer_arn). A whole userIdentity or
// resources cell may be JSON or the key=value rendering that Athena and
// CloudTrail Lake give structured values ({type=IAMUser, arn=...}).

// isCSVExport reports whether a head starts with the header of a CSV
// export of CloudTrail records.
func isCSVExport(h []byte) bool {
	line, _, _ := bytes.Cut(h, []byte{'\n'})
	cols := map[string]bool{}
	identity := false
	for _, name := range strings.Split(string(line), ",") {
		c := canonColumn(name)
		cols[c] = true
		identity = identity || strings.HasPrefix(c, "useridentity")
	}
	return identity && cols["eventtime"] && cols["eventsource"] && cols["eventname"]
}

// canonColumn lower-cases a column name and drops all but letters and
// digits.
func canonColumn(name string) string {
	var b strings.Builder
	for _, c := range strings.ToLower(name) {
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' {
			b.WriteRune(c)
		}
	}
	return b.String()
}

// csvSetter stores one cell in a record.
type csvSetter func(d *decoder, rec *record, cell string)

func setString(field func(*record) *string) csvSetter {
	return func(d *decoder, rec *record, cell string) {
		if cell != "" && cell != "null" {
			*field(rec) = d.text([]byte(cell))
		}
	}
}

// csvColumns maps canonical column names to setters.
var csvColumns = map[string]csvSetter{
	"eventtime":          setString(func(r *record) *string { return &r.EventTime }),
	"eventsource":        setString(func(r *record) *string { return &r.EventSource }),
	"eventname":          setString(func(r *record) *string { return &r.EventName }),
	"eventid":            func(d *decoder, rec *record, cell string) { rec.setEventID([]byte(cell)) },
	"awsregion":          setString(func(r *record) *string { return &r.Region }),
	"sourceipaddress":    setString(func(r *record) *string { return &r.SourceIP }),
	"useragent":          setString(func(r *record) *string { return &r.UserAgent }),
	"errorcode":          setString(func(r *record) *string { return &r.ErrorCode }),
	"errormessage":       setString(func(r *record) *string { return &r.ErrorMessage }),
	"recipientaccountid": setString(func(r *record) *string { return &r.RecipientAccount }),
	"requestparameters": func(d *decoder, rec *record, cell string) {
		var p requestParameters
		if decodeCell(cell, func(b []byte) (int, error) { return d.requestParameters(b, 0, &p) }) {
			rec.RequestParameters = p
		}
	},
	"responseelements": func(d *decoder, rec *record, cell string) {
		var re responseElements
		if decodeCell(cell, func(b []byte) (int, error) { return d.responseElements(b, 0, &re) }) {
			rec.ResponseElements = re
		}
	},
	"resources": func(d *decoder, rec *record, cell string) {
		if isJSONList(cell) {
			keep := len(rec.Resources)
			if !decodeCell(cell, func(b []byte) (int, error) { return d.resources(b, 0, rec) }) {
				rec.Resources = rec.Resources[:keep]
			}
			return
		}
		v := parseRendered(cell)
		for _, el := range v.arr {
			if len(rec.Resources) < maxResources {
				rec.Resources = append(rec.Resources, resource{ARN: d.text([]byte(el.get("arn"))), Type: d.text([]byte(el.get("type")))})
			}
		}
	},
	"useridentity": func(d *decoder, rec *record, cell string) {
		if isJSONObject(cell) {
			var ui userIdentity
			if decodeCell(cell, func(b []byte) (int, error) { return d.userIdentity(b, 0, &ui) }) {
				rec.UserIdentity = ui
			}
			return
		}
		v := parseRendered(cell)
		for path, set := range identityPaths {
			if s := v.get(path); s != "" {
				set(d, rec, s)
			}
		}
	},
}

// identityPaths maps the paths of userIdentity's members, as canonical
// flattened column names without the "useridentity" prefix, to setters.
var identityPaths = map[string]csvSetter{
	"type":                              setString(func(r *record) *string { return &r.UserIdentity.Type }),
	"arn":                               setString(func(r *record) *string { return &r.UserIdentity.ARN }),
	"accountid":                         setString(func(r *record) *string { return &r.UserIdentity.AccountID }),
	"accesskeyid":                       setString(func(r *record) *string { return &r.UserIdentity.AccessKeyID }),
	"username":                          setString(func(r *record) *string { return &r.UserIdentity.UserName }),
	"invokedby":                         setString(func(r *record) *string { return &r.UserIdentity.InvokedBy }),
	"identityprovider":                  setString(func(r *record) *string { return &r.UserIdentity.IdentityProvider }),
	"onbehalfof.userid":                 setString(func(r *record) *string { return &r.UserIdentity.OnBehalfOf.UserID }),
	"sessioncontext.sessionissuer.type": setString(func(r *record) *string { return &r.UserIdentity.SessionContext.SessionIssuer.Type }),
	"sessioncontext.sessionissuer.arn":  setString(func(r *record) *string { return &r.UserIdentity.SessionContext.SessionIssuer.ARN }),
	"sessioncontext.sessionissuer.accountid": setString(func(r *record) *string {
		return &r.UserIdentity.SessionContext.SessionIssuer.AccountID
	}),
	"sessioncontext.sessionissuer.username": setString(func(r *record) *string {
		return &r.UserIdentity.SessionContext.SessionIssuer.UserName
	}),
	"sessioncontext.webidfederationdata.federatedprovider": setString(func(r *record) *string {
		return &r.UserIdentity.SessionContext.WebIDProvider
	}),
	"sessioncontext.sourceidentity": setString(func(r *record) *string { return &r.UserIdentity.SessionContext.SourceIdentity }),
}

// columnSetter returns the setter of a header cell, or nil.
func columnSetter(name string) csvSetter {
	c := canonColumn(name)
	if set, ok := csvColumns[c]; ok {
		return set
	}
	rest, ok := strings.CutPrefix(c, "useridentity")
	if !ok {
		return nil
	}
	for path, set := range identityPaths {
		if strings.ReplaceAll(path, ".", "") == rest {
			return set
		}
	}
	return nil
}

// decodeCell decodes a cell holding JSON text with fn and reports
// whether the text was one valid JSON value.
func decodeCell(cell string, fn func(b []byte) (int, error)) bool {
	b := bytes.TrimSpace([]byte(cell))
	if len(b) == 0 || string(b) == "null" {
		return false
	}
	end, err := fn(b)
	return err == nil && end == len(b)
}

// isJSONObject reports whether a cell holds a JSON object rather than
// the key=value rendering: its first key is quoted.
func isJSONObject(cell string) bool {
	s := strings.TrimSpace(cell)
	return strings.HasPrefix(s, "{") && strings.HasPrefix(strings.TrimSpace(s[1:]), "\"")
}

// isJSONList reports whether a cell holds a JSON array of objects.
func isJSONList(cell string) bool {
	s := strings.TrimSpace(cell)
	return strings.HasPrefix(s, "[") && isJSONObject(strings.TrimSpace(s[1:]))
}

// readCSV reads the rows of a CSV export as records.
func (r *reader) readCSV(ctx context.Context, in io.Reader) error {
	cr := csv.NewReader(in)
	cr.ReuseRecord = true
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	header, err := cr.Read()
	if err != nil {
		return r.csvError(err)
	}
	setters := make([]csvSetter, len(header))
	for i, name := range header {
		setters[i] = columnSetter(name)
	}
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		row, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return r.csvError(err)
		}
		line, _ := cr.FieldPos(0)
		rec := r.next()
		rec.reset()
		for i, cell := range row {
			if i < len(setters) && setters[i] != nil {
				setters[i](r.dec, rec, cell)
			}
		}
		r.commit(nil, line)
	}
}

// csvError reports a CSV syntax error at its position.
func (r *reader) csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return r.failAt(pe.Line, pe.Column, "invalid CSV: "+pe.Err.Error())
	}
	return r.failAt(0, 0, fmt.Sprintf("read: %v", err))
}

// rendered is a value in the key=value rendering of structured values:
// a string, an object or an array.
type rendered struct {
	str string
	obj map[string]*rendered
	arr []*rendered
}

// get returns the string at a dotted path of object keys, or "".
func (v *rendered) get(path string) string {
	for _, k := range strings.Split(path, ".") {
		if v == nil || v.obj == nil {
			return ""
		}
		v = v.obj[k]
	}
	if v == nil || v.str == "null" {
		return ""
	}
	return v.str
}

// parseRendered parses {k=v, k={...}, k=[...]} as Athena and CloudTrail
// Lake render structured values. Keys are lower-cased. A plain value ends
// at the ", " that precedes the next key=, or at the bracket that closes
// its object or array, so values holding ", " survive as long as what
// follows is not a key.
func parseRendered(s string) *rendered {
	p := renderParser{s: strings.TrimSpace(s)}
	return p.value(0)
}

type renderParser struct {
	s string
	i int
}

// maxRenderDepth bounds the nesting the parser follows.
const maxRenderDepth = 32

func (p *renderParser) value(depth int) *rendered {
	if p.i >= len(p.s) {
		return &rendered{}
	}
	switch {
	case p.s[p.i] == '{' && depth < maxRenderDepth:
		return p.object(depth)
	case p.s[p.i] == '[' && depth < maxRenderDepth:
		return p.array(depth)
	}
	return &rendered{str: p.scalar('}')}
}

func (p *renderParser) object(depth int) *rendered {
	v := &rendered{obj: map[string]*rendered{}}
	p.i++ // '{'
	for p.i < len(p.s) {
		p.skipSpace()
		if p.i < len(p.s) && p.s[p.i] == '}' {
			p.i++
			return v
		}
		eq := strings.IndexByte(p.s[p.i:], '=')
		if eq < 0 {
			p.i = len(p.s)
			return v
		}
		key := strings.ToLower(strings.TrimSpace(p.s[p.i : p.i+eq]))
		p.i += eq + 1
		var val *rendered
		switch {
		case p.i < len(p.s) && (p.s[p.i] == '{' || p.s[p.i] == '[') && depth < maxRenderDepth:
			val = p.value(depth + 1)
		default:
			val = &rendered{str: p.scalar('}')}
		}
		v.obj[key] = val
		p.skipSpace()
		if p.i < len(p.s) && p.s[p.i] == ',' {
			p.i++
		}
	}
	return v
}

func (p *renderParser) array(depth int) *rendered {
	v := &rendered{}
	p.i++ // '['
	for p.i < len(p.s) {
		p.skipSpace()
		if p.i < len(p.s) && p.s[p.i] == ']' {
			p.i++
			return v
		}
		var el *rendered
		if p.s[p.i] == '{' || p.s[p.i] == '[' {
			el = p.value(depth + 1)
		} else {
			el = &rendered{str: p.scalar(']')}
		}
		v.arr = append(v.arr, el)
		p.skipSpace()
		if p.i < len(p.s) && p.s[p.i] == ',' {
			p.i++
		}
		if len(v.arr) >= maxResources {
			break
		}
	}
	return v
}

// scalar reads a plain value up to the bracket close or the ", " that
// starts the next key=value (or the next element, in an array).
func (p *renderParser) scalar(close byte) string {
	start := p.i
	for p.i < len(p.s) {
		c := p.s[p.i]
		if c == close {
			break
		}
		if c == ',' && (close == ']' || nextIsKey(p.s[p.i+1:])) {
			break
		}
		p.i++
	}
	return strings.TrimSpace(p.s[start:p.i])
}

// nextIsKey reports whether s starts with a space and a key followed by
// "=": the rendering separates members with ", ", while a comma inside a
// value (a role session name may hold one) has no space after it.
func nextIsKey(s string) bool {
	if !strings.HasPrefix(s, " ") {
		return false
	}
	s = strings.TrimLeft(s, " ")
	n := 0
	for n < len(s) && (s[n] >= 'a' && s[n] <= 'z' || s[n] >= 'A' && s[n] <= 'Z' || s[n] >= '0' && s[n] <= '9' || s[n] == '_') {
		n++
	}
	return n > 0 && n < len(s) && s[n] == '='
}

func (p *renderParser) skipSpace() {
	for p.i < len(p.s) && p.s[p.i] == ' ' {
		p.i++
	}
}
