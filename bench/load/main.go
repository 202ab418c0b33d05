// Command load measures `blastradius serve` under concurrent GraphQL
// clients on loopback. It ingests the example organisation into a
// temporary store and starts two servers on 127.0.0.1: one open, and one
// that requires a bearer token as serve does on any other address. Clients
// then post a mix of blast-radius, revocation-plan, node and stats queries
// for a fixed time. A share of the requests probe the server's
// limits (an oversized body, a query nested too deep, a missing or wrong
// token, a request past its time limit on a third server started with
// --timeout 1ns); each must be rejected with the documented status and
// code.
//
//	go build -o bin/blastradius ./cmd/blastradius
//	go run ./bench/load -bin bin/blastradius -clients 64 -duration 60s
//
// It prints throughput, p50 and p99 latency of the regular queries, and
// counts every response that differs from the expected one as an error.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"
)

const (
	examplePkg  = "pkg:npm/color-streamer@2.4.1"
	exampleTime = "2026-11-03T00:00:00Z"
	// token is the bearer token of the guarded server; it only ever
	// travels over loopback.
	token = "load-test-token-example"
)

func main() {
	bin := flag.String("bin", "bin/blastradius", "blastradius binary to test")
	org := flag.String("org", "examples/example-org", "folder to ingest")
	clients := flag.Int("clients", 64, "concurrent clients")
	duration := flag.Duration("duration", 60*time.Second, "how long the clients run (at most 10m)")
	seed := flag.Uint64("seed", 1, "seed of the request mix")
	flag.Parse()
	if *clients < 1 || *clients > 1024 {
		log.Fatal("load: -clients must be between 1 and 1024")
	}
	if *duration <= 0 || *duration > 10*time.Minute {
		log.Fatal("load: -duration must be between 0 and 10m")
	}
	if err := run(*bin, *org, *clients, *duration, *seed); err != nil {
		log.Fatal("load: ", err)
	}
}

func run(bin, org string, clients int, duration time.Duration, seed uint64) error {
	dir, err := os.MkdirTemp("", "blastradius-load-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	db := filepath.Join(dir, "graph.db")
	out, err := exec.Command(bin, "--db", db, "--log-level", "error", "ingest", "--org", "example-org", org).CombinedOutput()
	if err != nil {
		return fmt.Errorf("ingest %s: %v\n%s", org, err, out)
	}

	open, stopOpen, err := startServer(bin, db, "")
	if err != nil {
		return err
	}
	defer stopOpen()
	guarded, stopGuarded, err := startServer(bin, db, token)
	if err != nil {
		return err
	}
	defer stopGuarded()
	// A request timeout of 1ns expires before any query runs, so every
	// request to this server must end with a TIMEOUT error.
	hasty, stopHasty, err := startServer(bin, db, "", "--timeout", "1ns")
	if err != nil {
		return err
	}
	defer stopHasty()

	reqs := requestMix(open, guarded, hasty)
	res := drive(reqs, clients, duration, seed)
	res.print(os.Stdout, clients, duration)
	if res.errors() > 0 {
		return fmt.Errorf("%d responses differed from the expected ones", res.errors())
	}
	return nil
}

// freePort returns a loopback address with a port nothing listens on.
func freePort() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// startServer starts serve on a free loopback port, with a bearer token
// when tok is not empty and any extra serve flags, and waits until
// /healthz returns 200.
func startServer(bin, db, tok string, flags ...string) (string, func(), error) {
	addr, err := freePort()
	if err != nil {
		return "", nil, err
	}
	args := append([]string{"--db", db, "--log-level", "warn", "serve", "--listen", addr}, flags...)
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "BLASTRADIUS_TOKEN="+tok)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return "", nil, err
	}
	stop := func() {
		cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	}
	base := "http://" + addr
	for range 100 {
		resp, err := http.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return base, stop, nil
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	stop()
	return "", nil, fmt.Errorf("server on %s did not become healthy within 10s", addr)
}

// request is one kind of request in the mix, with the response it must
// get.
type request struct {
	name   string
	weight int
	probe  bool // tests a limit; left out of the latency figures
	url    string
	body   []byte
	header http.Header
	// status is the expected HTTP status; code, when set, the expected
	// extensions.code of the first error, else the response must have no
	// errors.
	status int
	code   string
}

func gql(query string, vars map[string]any) []byte {
	b, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		panic(err)
	}
	return b
}

const radiusQuery = `query R($start: StartInput!, $since: String) {
  blastRadius(start: $start, since: $since) {
    total truncated counts { kind count }
    reached { node { id kind label } depth confidence live usedAfterCompromise
      path { from kind to confidence reason } }
  }
}`

const planQuery = `query P($start: StartInput!, $since: String) {
  revocationPlan(start: $start, since: $since) {
    steps { number title why items { kind node { id } } }
  }
}`

const nodeQuery = `query N($id: ID!) {
  node(id: $id) { id kind label attrs { key value } edges(direction: OUT) { kind to confidence } }
}`

// deepQuery nests node and its edges past the default depth limit of 12.
func deepQuery() string {
	var b strings.Builder
	b.WriteString(`{ node(id: "arn:aws:iam::111122223333:role/web-deploy") { `)
	for range 8 {
		b.WriteString(`edges(direction: OUT) { toNode { `)
	}
	b.WriteString("id")
	for range 8 {
		b.WriteString(" } }")
	}
	b.WriteString(" } }")
	return b.String()
}

func requestMix(open, guarded, hasty string) []request {
	pkg := map[string]any{"start": map[string]any{"packages": []string{examplePkg}}, "since": exampleTime}
	rng := map[string]any{"start": map[string]any{"packages": []string{"pkg:npm/color-streamer@>=2.4.0 <2.5.0"}}, "since": exampleTime}
	ident := map[string]any{"start": map[string]any{"identities": []string{"ci-deployer"}}}
	jsonCT := http.Header{"Content-Type": {"application/json"}}
	withToken := func(tok string) http.Header {
		h := jsonCT.Clone()
		if tok != "" {
			h.Set("Authorization", "Bearer "+tok)
		}
		return h
	}
	huge := append([]byte(`{"query": "{ stats { nodes } }", "padding": "`), bytes.Repeat([]byte("x"), 2<<20)...)
	huge = append(huge, `"}`...)
	return []request{
		{name: "blastRadius(package)", weight: 30, url: open + "/graphql", body: gql(radiusQuery, pkg), header: jsonCT, status: 200},
		{name: "blastRadius(range)", weight: 10, url: open + "/graphql", body: gql(radiusQuery, rng), header: jsonCT, status: 200},
		{name: "blastRadius(identity)", weight: 15, url: open + "/graphql", body: gql(radiusQuery, ident), header: jsonCT, status: 200},
		{name: "revocationPlan", weight: 15, url: open + "/graphql", body: gql(planQuery, pkg), header: jsonCT, status: 200},
		{name: "node", weight: 10, url: open + "/graphql", body: gql(nodeQuery, map[string]any{"id": "arn:aws:iam::111122223333:role/web-deploy"}), header: jsonCT, status: 200},
		{name: "stats", weight: 5, url: open + "/graphql", body: gql(`{ stats { nodes edges } }`, nil), header: jsonCT, status: 200},
		{name: "blastRadius(token)", weight: 5, url: guarded + "/graphql", body: gql(radiusQuery, pkg), header: withToken(token), status: 200},
		{name: "probe: body over 1 MiB", weight: 2, probe: true, url: open + "/graphql", body: huge, header: jsonCT, status: 413, code: "BAD_INPUT"},
		{name: "probe: query too deep", weight: 3, probe: true, url: open + "/graphql", body: gql(deepQuery(), nil), header: jsonCT, status: 200, code: "BAD_INPUT"},
		{name: "probe: no token", weight: 3, probe: true, url: guarded + "/graphql", body: gql(`{ stats { nodes } }`, nil), header: withToken(""), status: 401, code: "UNAUTHENTICATED"},
		{name: "probe: wrong token", weight: 2, probe: true, url: guarded + "/graphql", body: gql(`{ stats { nodes } }`, nil), header: withToken("not-the-token"), status: 401, code: "UNAUTHENTICATED"},
		{name: "probe: timeout", weight: 2, probe: true, url: hasty + "/graphql", body: gql(radiusQuery, pkg), header: jsonCT, status: 200, code: "TIMEOUT"},
	}
}

// outcome is the result of one request.
type outcome struct {
	kind    int
	latency time.Duration
	err     string // empty when the response was the expected one
}

func drive(reqs []request, clients int, duration time.Duration, seed uint64) *results {
	var total int
	for _, r := range reqs {
		total += r.weight
	}
	client := &http.Client{
		Timeout:   40 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients},
	}

	ctx, cancel := context.WithTimeout(context.Background(), duration)
	defer cancel()
	per := make([][]outcome, clients)
	var wg sync.WaitGroup
	start := time.Now()
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rnd := rand.New(rand.NewPCG(seed, uint64(c)))
			for ctx.Err() == nil {
				pick := rnd.IntN(total)
				k := 0
				for pick >= reqs[k].weight {
					pick -= reqs[k].weight
					k++
				}
				t0 := time.Now()
				msg := do(client, reqs[k])
				if ctx.Err() != nil && msg != "" {
					break // cut off by the end of the run
				}
				per[c] = append(per[c], outcome{kind: k, latency: time.Since(t0), err: msg})
			}
		}()
	}
	wg.Wait()

	res := &results{reqs: reqs, elapsed: time.Since(start)}
	for _, o := range per {
		res.all = append(res.all, o...)
	}
	return res
}

// do sends one request and returns "" when the response is the expected
// one, else what differed.
func do(client *http.Client, r request) string {
	req, err := http.NewRequest(http.MethodPost, r.url, bytes.NewReader(r.body))
	if err != nil {
		return err.Error()
	}
	req.Header = r.header.Clone()

	resp, err := client.Do(req)
	if err != nil {
		return "transport: " + err.Error()
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return "read body: " + err.Error()
	}
	if resp.StatusCode != r.status {
		return fmt.Sprintf("status %d, want %d", resp.StatusCode, r.status)
	}

	var gr struct {
		Data   json.RawMessage `json:"data"`
		Errors []struct {
			Message    string         `json:"message"`
			Extensions map[string]any `json:"extensions"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(body, &gr); err != nil {
		return "decode response: " + err.Error()
	}
	if r.code == "" {
		if len(gr.Errors) > 0 {
			return fmt.Sprintf("error %v: %s", gr.Errors[0].Extensions["code"], gr.Errors[0].Message)
		}
		if len(gr.Data) == 0 || string(gr.Data) == "null" {
			return "no data"
		}
		return ""
	}

	if len(gr.Errors) == 0 {
		return "accepted, want code " + r.code
	}
	if got := fmt.Sprint(gr.Errors[0].Extensions["code"]); got != r.code {
		return fmt.Sprintf("code %s, want %s", got, r.code)
	}
	return ""
}

type results struct {
	reqs    []request
	all     []outcome
	elapsed time.Duration
}

func (r *results) errors() int {
	n := 0
	for _, o := range r.all {
		if o.err != "" {
			n++
		}
	}
	return n
}

func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(p * float64(len(sorted)-1))
	return sorted[i]
}

func (r *results) print(w io.Writer, clients int, duration time.Duration) {
	var lat []time.Duration
	count := make([]int, len(r.reqs))
	errs := make([]int, len(r.reqs))
	first := map[int]string{}
	for _, o := range r.all {
		count[o.kind]++
		if o.err != "" {
			errs[o.kind]++
			if _, ok := first[o.kind]; !ok {
				first[o.kind] = o.err
			}
		}
		if !r.reqs[o.kind].probe && o.err == "" {
			lat = append(lat, o.latency)
		}
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	secs := r.elapsed.Seconds()
	fmt.Fprintf(w, "clients %d, duration %v (ran %.1fs), requests %d\n", clients, duration, secs, len(r.all))
	fmt.Fprintf(w, "queries: %d ok, %.1f/s, p50 %v, p99 %v, max %v\n",
		len(lat), float64(len(lat))/secs,
		percentile(lat, 0.50).Round(time.Microsecond*100), percentile(lat, 0.99).Round(time.Microsecond*100),
		percentile(lat, 1).Round(time.Microsecond*100))
	fmt.Fprintf(w, "errors: %d\n\n", r.errors())
	fmt.Fprintf(w, "%-26s %8s %7s  %s\n", "REQUEST", "COUNT", "ERRORS", "FIRST ERROR")
	for k, q := range r.reqs {
		fmt.Fprintf(w, "%-26s %8d %7d  %s\n", q.name, count[k], errs[k], first[k])
	}
}
