// Package scale holds the scale benchmarks of the embedded store: an
// organisation written as input files by internal/orggen at a chosen
// number of nodes, ingested by the blastradius command, then opened and
// queried. With -neo4j the same graph is bulk-loaded into a Neo4j server
// and the same blast radius is asked of it as one Cypher query.
//
//	go test -run '^$' -bench Scale -benchtime 1x ./bench/scale -sizes 10000,100000
//
// The output is benchstat's format: one line per size with custom
// metrics. The plot command turns those lines into an SVG chart.
package scale
