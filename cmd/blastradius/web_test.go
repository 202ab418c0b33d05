package main

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
	"github.com/blastradius-dev/blastradius/graph/memstore"
)

// chromium finds a Chromium or Chrome binary: $BLASTRADIUS_CHROMIUM, then
// Debian's /usr/bin/chromium, then the usual names on PATH.
func chromium() string {
	if p := os.Getenv("BLASTRADIUS_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// The expected drawing, worked out by hand from
// examples/example-org/EXPECTED.md: the node of every name it lists as
// reached, in the layer of its kind, with the ids graph/ids.go spells.
var wantLayers = map[string]string{
	"pkg:npm/color-streamer@2.4.1": "package",

	"runtime:gha:example-org/web-app/.github/workflows/deploy.yml#deploy": "runtime",
	"runtime:gha:example-org/web-app/.github/workflows/deploy.yml#lint":   "runtime",

	"secret:gha:example-org/web-app/CI_AWS_ACCESS_KEY_ID":                          "secret",
	"secret:gha:example-org/web-app/CI_AWS_SECRET_ACCESS_KEY":                      "secret",
	"secret:gha:token:example-org/web-app/.github/workflows/deploy.yml#deploy":     "secret",
	"secret:gha:token:example-org/web-app/.github/workflows/deploy.yml#lint":       "secret",
	"secret:gha:oidc:example-org/web-app/.github/workflows/deploy.yml#deploy":      "secret",
	"secret:aws:access-key:arn:aws:iam::111122223333:user/ci-deployer/ci":          "secret",
	"arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/reporting-bot-key":  "secret",
	"secret:aws:access-key:arn:aws:iam::111122223333:user/reporting-bot/reporting": "secret",

	"github:token:example-org/web-app/.github/workflows/deploy.yml#deploy": "identity",
	"github:token:example-org/web-app/.github/workflows/deploy.yml#lint":   "identity",
	"oidc:gha:example-org/web-app/.github/workflows/deploy.yml#deploy":     "identity",
	"arn:aws:iam::111122223333:role/web-deploy":                            "identity",
	"arn:aws:iam::111122223333:user/ci-deployer":                           "identity",
	"arn:aws:iam::111122223333:user/reporting-bot":                         "identity",

	"arn:aws:s3:::example-org-web-assets":                           "resource",
	"arn:aws:dynamodb:us-east-1:111122223333:table/customer-orders": "resource",
	"arn:aws:s3:::example-org-finance-exports":                      "resource",
	"repo:github.com/example-org/web-app":                           "resource",
}

const (
	webDeploy     = "arn:aws:iam::111122223333:role/web-deploy"
	reportingBot  = "arn:aws:iam::111122223333:user/reporting-bot"
	reportingKey  = "arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/reporting-bot-key"
	oidcSubject   = "oidc:gha:example-org/web-app/.github/workflows/deploy.yml#deploy"
	financeBucket = "arn:aws:s3:::example-org-finance-exports"
	ordersTable   = "arn:aws:dynamodb:us-east-1:111122223333:table/customer-orders"
)

// drawing is what the page drew, read back from its SVG and plan.
type drawing struct {
	Nodes  map[string]string // id -> layer
	Edges  map[string]string // "from KIND to" -> line style
	Legend []string
	Plan   map[string]int    // id -> step number
	Also   map[string]string // id an item also contains -> the item's id
	Errors []string
}

const readDrawing = `(() => {
  const nodes = {}, edges = {}, plan = {}, also = {};
  for (const g of document.querySelectorAll('#graph .node')) nodes[g.dataset.id] = g.dataset.layer;
  for (const p of document.querySelectorAll('#graph path.edge')) edges[p.dataset.from + ' ' + p.dataset.kind + ' ' + p.dataset.to] = p.dataset.style;
  for (const b of document.querySelectorAll('#plan input[type=checkbox]')) {
    plan[b.dataset.id] = Number(b.dataset.step);
    const more = b.closest('li').querySelector('[data-also]');
    if (more) for (const id of more.dataset.also.split(' ')) also[id] = b.dataset.id;
  }
  const legend = [...document.querySelectorAll('#legend > span')].map(s => s.className);
  return JSON.stringify({Nodes: nodes, Edges: edges, Plan: plan, Also: also, Legend: legend});
})()`

func TestWebViewInChromium(t *testing.T) {
	exe := chromium()
	if exe == "" {
		msg := "no Chromium binary found (looked for $BLASTRADIUS_CHROMIUM, /usr/bin/chromium, chromium, google-chrome): " +
			"install Debian's package with `sudo apt-get install -y chromium` to run the web view's browser test"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	db := exampleDB(t)
	addr := startServe(t, db)

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1600, 1000),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	defer cancelCtx()
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()

	// Script errors and console errors (which include refused loads:
	// a Content Security Policy violation) fail the test.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium %s: %v", exe, err)
	}
	var mu sync.Mutex
	var pageErrors []string
	err := chromedp.Listen(ctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch e := ev.(type) {
		case *runtime.EventExceptionThrown:
			pageErrors = append(pageErrors, (&chromedp.ExceptionError{ExceptionDetails: e.ExceptionDetails}).Error())
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.ConsoleAPICalledTypeError {
				pageErrors = append(pageErrors, "console error")
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}

	err = chromedp.Do(ctx,
		chromedp.Navigate("http://"+addr+"/"),
		chromedp.WaitVisible(chromedp.ID("start")),
		chromedp.SetValue(chromedp.ID("kind"), "packages"),
		chromedp.SendKeys(chromedp.ID("start"), examplePkg),
		chromedp.SendKeys(chromedp.ID("since"), exampleTime),
		chromedp.Click(chromedp.ID("go")),
		chromedp.WaitVisible(chromedp.CSS(`#graph .node[data-id="`+financeBucket+`"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#plan input[type=checkbox]`)),
	)
	if err != nil {
		t.Fatalf("drive the page: %v", err)
	}
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](readDrawing))
	if err != nil {
		t.Fatal(err)
	}
	csp, err := chromedp.Run(ctx, chromedp.Evaluate[string](`fetch("/").then(r => r.headers.get("Content-Security-Policy"))`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	var got drawing
	if err := json.Unmarshal([]byte(raw), &got); err != nil {
		t.Fatal(err)
	}

	if diff := cmp.Diff(got.Nodes, wantLayers); diff != "" {
		t.Errorf("nodes drawn, by layer (-got +want):\n%s", diff)
	}
	for id := range got.Nodes {
		for _, trap := range []string{"NPM_TOKEN", "billing-deploy", "card-processor", "release.yml"} {
			if strings.Contains(id, trap) {
				t.Errorf("node %s drawn: EXPECTED.md keeps %s out of the blast radius", id, trap)
			}
		}
	}

	// Line styles. The logs show reporting-bot reading customer-orders,
	// the web-deploy session reading prod/reporting-bot-key and the OIDC
	// subject assuming web-deploy. No log shows use of the finance bucket,
	// which the inputs declare. No edge of the example is possible,
	// because the inputs decide every condition.
	for _, tc := range []struct{ edge, style string }{
		{reportingBot + " CAN_ACCESS " + ordersTable, "used"},
		{webDeploy + " CAN_READ_SECRET " + reportingKey, "used"},
		{oidcSubject + " CAN_ASSUME " + webDeploy, "used"},
		{reportingBot + " CAN_ACCESS " + financeBucket, "live"},
		{"runtime:gha:example-org/web-app/.github/workflows/deploy.yml#deploy EXPOSES secret:gha:example-org/web-app/CI_AWS_ACCESS_KEY_ID", "live"},
		{"pkg:npm/color-streamer@2.4.1 EXECUTES runtime:gha:example-org/web-app/.github/workflows/deploy.yml#lint", "live"},
	} {
		if s, ok := got.Edges[tc.edge]; !ok || s != tc.style {
			t.Errorf("edge %s: drawn %v with style %q, want style %q", tc.edge, ok, s, tc.style)
		}
	}
	for e, s := range got.Edges {
		if s == "possible" {
			t.Errorf("edge %s drawn as possible; every edge of the example is certain", e)
		}
	}
	// One hop into each reached node: 20 reached, 20 edges.
	if len(got.Edges) != len(wantLayers)-1 {
		t.Errorf("got %d edges, want %d (one explaining hop per reached node)", len(got.Edges), len(wantLayers)-1)
	}
	wantLegend := []string{"legend-used", "legend-live", "legend-possible", "legend-unverified"}
	if diff := cmp.Diff(got.Legend, wantLegend); diff != "" {
		t.Errorf("legend (-got +want):\n%s", diff)
	}

	// The plan of EXPECTED.md: contain both jobs (their tokens die with
	// them), then the ci-deployer key and web-deploy's sessions, then the
	// reporting-bot key. The jobs share a workflow, so one item, the
	// deploy job's, contains both.
	wantPlan := map[string]int{
		"runtime:gha:example-org/web-app/.github/workflows/deploy.yml#deploy":      1,
		"secret:gha:oidc:example-org/web-app/.github/workflows/deploy.yml#deploy":  1,
		"secret:gha:token:example-org/web-app/.github/workflows/deploy.yml#deploy": 1,
		"secret:gha:token:example-org/web-app/.github/workflows/deploy.yml#lint":   1,
		"secret:aws:access-key:arn:aws:iam::111122223333:user/ci-deployer/ci":      2,
		webDeploy: 2,
		"secret:aws:access-key:arn:aws:iam::111122223333:user/reporting-bot/reporting": 3,
	}
	if diff := cmp.Diff(got.Plan, wantPlan); diff != "" {
		t.Errorf("plan checklist, id to step (-got +want):\n%s", diff)
	}
	wantAlso := map[string]string{
		"runtime:gha:example-org/web-app/.github/workflows/deploy.yml#lint": "runtime:gha:example-org/web-app/.github/workflows/deploy.yml#deploy",
	}
	if diff := cmp.Diff(got.Also, wantAlso); diff != "" {
		t.Errorf("runtimes an item also contains (-got +want):\n%s", diff)
	}
	if !strings.Contains(csp, "default-src 'self'") || strings.Contains(csp, "http") {
		t.Errorf("Content-Security-Policy %q: want only 'self' sources", csp)
	}

	// Clicking the finance bucket explains it hop by hop, each hop with the
	// file and line it was read from: the lockfile entry, the deploy job
	// (line 22), then the Terraform blocks of the role (60), its policy
	// (76), the secret version (114), the access key (106) and the user
	// policy (122).
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`#graph .node[data-id="`+financeBucket+`"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#detail #path .hop-pos`)),
	)
	if err != nil {
		t.Fatalf("click a node: %v", err)
	}
	hopPos, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('#detail #path .hop-pos')].map(e => e.textContent)`))
	if err != nil {
		t.Fatal(err)
	}
	nodePos, err := chromedp.Run(ctx, chromedp.TextContent(chromedp.CSS(`#detail .node-pos`)))
	if err != nil {
		t.Fatal(err)
	}
	title, err := chromedp.Run(ctx, chromedp.TextContent(chromedp.CSS(`#detail h2`)))
	if err != nil {
		t.Fatal(err)
	}
	var hops []string
	for _, p := range hopPos {
		hops = append(hops, path.Base(p))
	}
	wantHops := []string{"package-lock.json:15", "deploy.yml:22", "deploy.yml:22", "main.tf:60", "main.tf:76", "main.tf:114", "main.tf:106", "main.tf:122"}
	if diff := cmp.Diff(hops, wantHops); diff != "" {
		t.Errorf("path of %s, file:line per hop (-got +want):\n%s", financeBucket, diff)
	}
	if title != "example-org-finance-exports" || !strings.HasSuffix(nodePos, "infra/main.tf") && !strings.Contains(nodePos, "infra/main.tf:") {
		t.Errorf("detail of %s: title %q, read from %q; want the bucket's name and a position in infra/main.tf", financeBucket, title, nodePos)
	}

	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	shot := os.Getenv("BLASTRADIUS_WEB_SCREENSHOT")
	if shot == "" {
		shot = filepath.Join(os.TempDir(), "blastradius-web-view.png")
	}
	if err := os.WriteFile(shot, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot of the web view: %s", shot)

	// The canary inputs plant secret values; the page, with every node's
	// detail opened in turn, must show none of them.
	canaryDB := filepath.Join(t.TempDir(), "graph.db")
	if out, errs, code := run(t, "--db", canaryDB, "--log-level", "error", "ingest", "--org", "example-org", "testdata/canary"); code != exitOK {
		t.Fatalf("ingest canaries: exit %d\n%s\n%s", code, out, errs)
	}
	canaryAddr := startServe(t, canaryDB)
	var seen strings.Builder
	for _, start := range []struct{ hash, node string }{
		{"#runtimes=build", "secret:gha:inline:example-org/repo/.github/workflows/ci.yml#build/HARDCODED_TOKEN"},
		{"#identities=canary-app", "arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db"},
	} {
		err := chromedp.Do(ctx,
			chromedp.Navigate("about:blank"),
			chromedp.Navigate("http://"+canaryAddr+"/"+start.hash),
			chromedp.WaitVisible(chromedp.CSS(`#graph .node[data-id="`+start.node+`"]`)),
		)
		if err != nil {
			t.Fatalf("open %s: %v", start.hash, err)
		}
		text, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
		  let out = document.documentElement.outerHTML;
		  for (const g of document.querySelectorAll('#graph .node')) {
		    g.dispatchEvent(new MouseEvent('click', {bubbles: true}));
		    out += document.getElementById('detail').outerHTML;
		  }
		  return out;
		})()`))
		if err != nil {
			t.Fatal(err)
		}
		seen.WriteString(text)
	}
	if !strings.Contains(seen.String(), "HARDCODED_TOKEN") {
		t.Fatal("the canary pages do not show the planted credential's name: the check below would pass vacuously")
	}
	for _, c := range canaries {
		if strings.Contains(seen.String(), c) {
			t.Errorf("canary %s shown in the web view", c)
		}
	}

	// A graph made by hand has what the example lacks: a possible edge, a
	// node known only from a reference, and a label holding markup, which
	// must show as text.
	fixtureAddr := startServe(t, fixtureDB(t))
	err = chromedp.Do(ctx,
		chromedp.Navigate("about:blank"),
		chromedp.Navigate("http://"+fixtureAddr+"/#packages="+fixturePkg),
		chromedp.WaitVisible(chromedp.CSS(`#graph .node[data-id="secret:fixture/ref-only"]`)),
	)
	if err != nil {
		t.Fatalf("open the hand-made graph: %v", err)
	}
	raw, err = chromedp.Run(ctx, chromedp.Evaluate[string](readDrawing))
	if err != nil {
		t.Fatal(err)
	}
	var fixture drawing
	if err := json.Unmarshal([]byte(raw), &fixture); err != nil {
		t.Fatal(err)
	}
	wantEdges := map[string]string{
		"pkg:npm/fixture-pkg@1.0.0 EXECUTES runtime:fixture/job":     "live",
		"runtime:fixture/job EXPOSES secret:fixture/maybe":           "possible",
		"runtime:fixture/job EXPOSES secret:fixture/ref-only":        "unverified",
		"runtime:fixture/job EXPOSES secret:fixture/markup-in-label": "live",
	}
	if diff := cmp.Diff(fixture.Edges, wantEdges); diff != "" {
		t.Errorf("hand-made graph, edge styles (-got +want):\n%s", diff)
	}

	// No edge leaves the fixture's secrets, so the detail of one shows that
	// no input shows what it acts as, and that of the job does not.
	badges := func(id string) string {
		t.Helper()
		err := chromedp.Do(ctx,
			chromedp.Click(chromedp.CSS(`#graph .node[data-id="`+id+`"]`)),
			chromedp.WaitVisible(chromedp.CSS(`#detail h2`)),
		)
		if err != nil {
			t.Fatalf("click %s: %v", id, err)
		}
		text, err := chromedp.Run(ctx, chromedp.Evaluate[string](`[...document.querySelectorAll('#detail .badge')].map(e => e.textContent).join("|")`))
		if err != nil {
			t.Fatal(err)
		}
		return text
	}
	if got := badges("secret:fixture/markup-in-label"); !strings.Contains(got, "no input shows what it acts as") {
		t.Errorf("badges of a secret no edge leaves: %q, want the dead-end badge", got)
	}
	if got := badges("runtime:fixture/job"); strings.Contains(got, "no input shows") {
		t.Errorf("badges of the job: %q, want no dead-end badge", got)
	}
	injected, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('img, #graph foreignObject').length`))
	if err != nil {
		t.Fatal(err)
	}
	label, err := chromedp.Run(ctx, chromedp.TextContent(chromedp.CSS(`#graph .node[data-id="secret:fixture/markup-in-label"] text`)))
	if err != nil {
		t.Fatal(err)
	}
	if injected != 0 || !strings.HasPrefix(label, "<img") {
		t.Errorf("label with markup: %d elements injected, label drawn as %q; want 0 and the text itself", injected, label)
	}

	// Assuming application flaws, from a link or the checkbox, the view
	// follows the job's input into the victim runtime, as a possible step.
	err = chromedp.Do(ctx,
		chromedp.Navigate("about:blank"),
		chromedp.Navigate("http://"+fixtureAddr+"/#packages="+fixturePkg+"&flaws=1"),
		chromedp.WaitVisible(chromedp.CSS(`#graph .node[data-id="runtime:fixture/victim"]`)),
	)
	if err != nil {
		t.Fatalf("open the hand-made graph assuming application flaws: %v", err)
	}
	raw, err = chromedp.Run(ctx, chromedp.Evaluate[string](readDrawing))
	if err != nil {
		t.Fatal(err)
	}
	var flawed drawing
	if err := json.Unmarshal([]byte(raw), &flawed); err != nil {
		t.Fatal(err)
	}
	if got := flawed.Edges["runtime:fixture/job CAN_INVOKE runtime:fixture/victim"]; got != "possible" {
		t.Errorf("application input step drawn as %q, want possible", got)
	}
	checked, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById('flaws').checked`))
	if err != nil {
		t.Fatal(err)
	}
	if !checked {
		t.Error("the link's flaws=1 does not check the box")
	}

	// With two snapshots, the history section lists what the second run
	// removed: the deploy job's reference to CI_AWS_SECRET_ACCESS_KEY and
	// so the path to that secret.
	historyDB, _, _ := twoSnapshots(t)
	historyAddr := startServe(t, historyDB)
	err = chromedp.Do(ctx,
		chromedp.Navigate("about:blank"),
		chromedp.Navigate("http://"+historyAddr+"/#packages="+examplePkg),
		chromedp.WaitVisible(chromedp.CSS(`#graph .node[data-id="`+financeBucket+`"]`)),
		chromedp.WaitVisible(chromedp.ID("snapshot")),
		chromedp.Click(chromedp.ID("compare")),
		chromedp.WaitVisible(chromedp.CSS(`#changes li`)),
	)
	if err != nil {
		t.Fatalf("compare snapshots: %v", err)
	}
	changes, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('#changes li')].map(e => e.textContent)`))
	if err != nil {
		t.Fatal(err)
	}
	wantChanges := []string{
		"- edge " + deployJob + " -EXPOSES-> " + ciSecretKeyID,
		"- path " + examplePkg + " <-EXECUTES- " + deployJob + " -EXPOSES-> " + ciSecretKeyID,
	}
	if diff := cmp.Diff(changes, wantChanges); diff != "" {
		t.Errorf("history section (-got +want):\n%s", diff)
	}

	mu.Lock()
	defer mu.Unlock()
	sort.Strings(pageErrors)
	if len(pageErrors) > 0 {
		t.Errorf("the page reported errors: %v", pageErrors)
	}
}

const fixturePkg = "pkg:npm/fixture-pkg@1.0.0"

// fixtureDB writes a small graph by hand: a job that runs fixturePkg and
// exposes a secret certainly, one possibly, one that no input declares
// (only the edge names it), and one whose label holds markup.
func fixtureDB(t *testing.T) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "graph.db")
	s, err := memstore.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	pos := graph.Pos{File: "fixture.yml", Line: 3}
	nodes := []graph.Node{
		{ID: fixturePkg, Kind: graph.NodePackage, Label: "fixture-pkg@1.0.0", Pos: pos,
			Attrs: map[string]string{"ecosystem": "npm", "name": "fixture-pkg", "version": "1.0.0"}},
		{ID: "runtime:fixture/job", Kind: graph.NodeRuntime, Label: "job", Pos: pos},
		{ID: "runtime:fixture/victim", Kind: graph.NodeRuntime, Label: "victim", Pos: pos},
		{ID: "secret:fixture/maybe", Kind: graph.NodeSecret, Label: "maybe", Pos: pos},
		{ID: "secret:fixture/markup-in-label", Kind: graph.NodeSecret, Label: `<img src=x onerror="document.title='x'">`, Pos: pos},
	}
	edges := []graph.Edge{
		{From: "runtime:fixture/job", To: fixturePkg, Kind: graph.EdgeExecutes, Confidence: graph.Certain, Pos: pos},
		{From: "runtime:fixture/job", To: "secret:fixture/maybe", Kind: graph.EdgeExposes, Confidence: graph.Possible, Pos: pos},
		{From: "runtime:fixture/job", To: "secret:fixture/ref-only", Kind: graph.EdgeExposes, Confidence: graph.Certain, Pos: pos},
		{From: "runtime:fixture/job", To: "secret:fixture/markup-in-label", Kind: graph.EdgeExposes, Confidence: graph.Certain, Pos: pos},
		// Followed only when the view assumes application flaws.
		{From: "runtime:fixture/job", To: "runtime:fixture/victim", Kind: graph.EdgeCanInvoke, Confidence: graph.Certain, Pos: pos},
	}
	if err := s.Write(context.Background(), &graph.Batch{Time: time.Now().UTC(), Nodes: nodes, Edges: edges}, nil); err != nil {
		t.Fatal(err)
	}
	return db
}
