package observe

import (
	"bytes"
	"encoding/json"
	"strconv"
	"time"
)

// Time is a timestamp as logs write it: RFC 3339 with or without
// fractional seconds, "2006-01-02 15:04:05" with optional fractional
// seconds (UTC), or a number of seconds or milliseconds since 1970, as a
// JSON number or string. Anything else leaves it zero without failing the
// record.
type Time struct{ time.Time }

// UnmarshalJSON reads any of the forms Time accepts.
func (t *Time) UnmarshalJSON(b []byte) error {
	t.Time = time.Time{}
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var s string
		if json.Unmarshal(b, &s) != nil {
			return nil
		}
		t.Time = ParseTime(s)
		return nil
	}
	t.Time = ParseTime(string(b))
	return nil
}

// ParseTime parses the forms Time accepts, returning the zero time for
// anything else.
func ParseTime(s string) time.Time {
	if s == "" || s == "null" {
		return time.Time{}
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999", "2006-01-02 15:04:05.999999999Z07:00"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC()
		}
	}
	n, err := strconv.ParseFloat(s, 64)
	if err != nil || n <= 0 {
		return time.Time{}
	}
	// Seconds until the year 5138, milliseconds after.
	if n < 1e11 {
		return time.Unix(0, int64(n*1e9)).UTC()
	}
	return time.UnixMilli(int64(n)).UTC()
}
