package schema

import (
	"encoding/json"
	"fmt"
	"strconv"
)

// nodeID is the GraphQL ID scalar as this server writes it. graphql.ID
// writes its value with strconv.Quote, whose escapes (\x1b, \a) are not
// JSON, so an id holding a control character from a hostile input file
// failed every response that named it. nodeID writes the string as JSON
// does.
type nodeID string

// ImplementsGraphQLType reports that nodeID is the ID scalar.
func (nodeID) ImplementsGraphQLType(name string) bool { return name == "ID" }

// UnmarshalGraphQL reads an ID argument: a string, or an integer as
// GraphQL allows for IDs.
func (id *nodeID) UnmarshalGraphQL(input any) error {
	switch v := input.(type) {
	case string:
		*id = nodeID(v)
	case int32:
		*id = nodeID(strconv.Itoa(int(v)))
	default:
		return fmt.Errorf("invalid ID: %T is not a string or an integer", input)
	}
	return nil
}

// MarshalJSON writes the id as a JSON string.
func (id nodeID) MarshalJSON() ([]byte, error) { return json.Marshal(string(id)) }
