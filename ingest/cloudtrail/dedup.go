package cloudtrail

import (
	"crypto/sha256"
	"sync"
	"time"
)

// maxEvents bounds the event ids one run remembers to drop repeated
// records. Each costs an estimated 40 bytes with the map's overhead, so
// some 160 MiB at the limit. Past it, records of new events are no longer
// checked for repeats.
const maxEvents = 4 << 20

// eventKey is a digest of an eventID, or of an event: its eventID, time,
// source and name. Ids are UUIDs in practice, but the digest keeps the
// set's entries small whatever the input holds.
type eventKey [16]byte

// setEventID records the record's eventID. An empty id sets nothing.
func (r *record) setEventID(id []byte) {
	if len(id) == 0 {
		return
	}
	sum := sha256.Sum256(id)
	copy(r.eventKey[:], sum[:])
	r.eventKeySet = true
}

// events is the set of CloudTrail events one run has counted, shared by
// the files that run parses, which may be read at the same time.
type events struct {
	mu   sync.Mutex
	seen map[eventKey]struct{}
}

// claim reports whether the event is new to the run, and records it. A
// record without an eventID is always new. Two records are one event when
// their eventID, time, source and name agree: sample and test logs reuse
// ids for different calls, which CloudTrail never does. When the set is
// full, claim reports every event as new and sets full.
//
// Claims are never undone: a file is rejected only when none of its
// records could be decoded (see failAt), so a rejected file claims none.
func (s *events) claim(r *record) (isNew, full bool) {
	if !r.eventKeySet {
		return true, false
	}
	h := sha256.New()
	h.Write(r.eventKey[:])
	h.Write([]byte(r.time().UTC().Format(time.RFC3339Nano)))
	for _, f := range []string{r.EventTime, r.Timestamp, r.EventSource, r.EventName} {
		h.Write([]byte{0})
		h.Write([]byte(f))
	}
	var key eventKey
	copy(key[:], h.Sum(nil))

	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.seen[key]; ok {
		return false, false
	}
	if len(s.seen) >= maxEvents {
		return true, true
	}
	if s.seen == nil {
		s.seen = map[eventKey]struct{}{}
	}
	s.seen[key] = struct{}{}
	return true, false
}
