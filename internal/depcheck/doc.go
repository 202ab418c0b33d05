// Package depcheck holds a test that keeps the package layout's rules:
// dependencies point one way (cmd -> schema -> query -> graph, and
// cmd -> ingest -> graph), and each outside library is imported by the one
// package made for it.
package depcheck
