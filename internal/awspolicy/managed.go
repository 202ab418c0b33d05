package awspolicy

import "sync"

var (
	managedMu     sync.Mutex
	managedParsed = map[string]*Policy{}
)

// Managed returns the parsed document of an AWS managed policy that the
// package ships (see gen/managed.txt for the list). A managed policy not
// listed there is unknown: callers report it rather than guess.
func Managed(arn string) (*Policy, bool) {
	managedMu.Lock()
	defer managedMu.Unlock()
	if p, ok := managedParsed[arn]; ok {
		return p, p != nil
	}
	doc, ok := managedData[arn]
	if !ok {
		return nil, false
	}
	p, err := Parse(doc)
	if err != nil {
		p = nil
	}
	managedParsed[arn] = p
	return p, p != nil
}
