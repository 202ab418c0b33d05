// Command neo4jping exits 0 when a Neo4j server's database is online and
// ready for the Neo4j store: the readiness check of scripts/neo4j-local,
// since Bolt accepts connections before the database is online.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/blastradius-dev/blastradius/graph/neo4jstore"
)

func main() {
	uri := flag.String("uri", "bolt://127.0.0.1:7687", "Bolt URI of the server")
	timeout := flag.Duration("timeout", 10*time.Second, "time allowed for the check")
	flag.Parse()
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	s, err := neo4jstore.Open(ctx, neo4jstore.Config{URI: *uri, Namespace: "readiness-check"})
	if err == nil {
		_, err = s.Stats(ctx)
		s.Close()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "neo4jping:", err)
		os.Exit(1)
	}
}
