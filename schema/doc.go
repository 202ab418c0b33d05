// Package schema serves the results of package query over GraphQL: the
// blast radius of compromised packages, secrets, identities or runtimes,
// the revocation plan for it, single nodes with their edges, and graph
// statistics, the review ranking of every credential and package by
// reach, and what-if comparisons of planned changes. The SDL is
// schema.graphql and review.graphql, embedded in the binary, and every
// type and field in it carries a description.
//
// [NewHandler] returns an http.Handler that answers POST and GET requests
// on /graphql and serves an explorer page on / that works without network
// access: its script and style are embedded too, and it loads nothing from
// other hosts.
//
// # Limits
//
// Every request is bounded: body size, query size, query nesting depth,
// run time, and the length of node lists (see [Options]). Errors carry an
// extensions.code of NOT_FOUND, BAD_INPUT, TIMEOUT, INTERNAL or
// UNAUTHENTICATED, and never a stack trace or the text of an input file.
//
// # Security
//
// The handler answers only requests whose Host header names a loopback
// address unless [Options.AllowedHosts] says otherwise, which stops web
// pages from reading the graph through DNS rebinding. With
// [Options.Token] set, /graphql also requires that bearer token.
//
// # Pagination
//
// review and whatIf's closed and opened lists page with first and after,
// and answer with edges (cursor and node) and pageInfo (hasNextPage and
// endCursor). A review is computed once per graph write and arguments and
// kept for paging.
//
// NOTE: blastRadius.reached and Node.edges are capped, not paginated: a
// client that needs more than [Options.MaxResults] of them cannot page
// through them.
package schema
