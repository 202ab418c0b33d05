package actions

import (
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
)

// Each image build of a job, pushed or not, is a Runtime that lists the
// job's secrets it receives. The inputs come from a build argument with a
// secret's expression, one named after a variable of the step's env, a
// BuildKit secret read from a variable, and the inputs of
// docker/build-push-action. A build argument with no secret in its value
// gives no entry.
func TestBuildRuntimes(t *testing.T) {
	res, err := parseBytes(t, testRepo, ".github/workflows/ci.yml", []byte(`on: push
jobs:
  build:
    runs-on: ubuntu-latest
    env:
      NPMRC: ${{ secrets.NPMRC }}
    steps:
      - uses: actions/checkout@v4
      - run: |
          echo building
          docker build --build-arg NPM_TOKEN=${{ secrets.NPM_TOKEN }} --build-arg VERSION=1.2 -t app .
      - run: docker buildx build --secret id=npmrc,env=NPMRC --build-arg GH_PAT -f web/Dockerfile web
        env:
          GH_PAT: ${{ secrets.PAT }}
      - uses: docker/build-push-action@v6
        with:
          context: api
          build-args: |
            NODE_ENV=production
            TOKEN=${{ secrets.API_TOKEN }}
          secrets: |
            "gh=${{ github.token }}"
          secret-envs: npmrc=NPMRC
`))
	if err != nil {
		t.Fatal(err)
	}
	job := graph.GHAJobID(testRepo, ".github/workflows/ci.yml", "build")
	var got []string
	for _, n := range res.Nodes {
		if n.Kind == graph.NodeRuntime && n.Attr("type") == graph.RuntimeImageBuild {
			got = append(got, n.ID+" "+n.Attr(graph.AttrDockerfile)+" ("+n.Attr(graph.AttrBuildContext)+") "+n.Attr(graph.AttrBuildInputs)+" job="+n.Attr(graph.AttrJob))
		}
	}
	for _, e := range res.Edges {
		if e.Kind == graph.EdgeCanModify && e.Attr(graph.AttrVia) == "build" {
			got = append(got, e.From+" -> "+e.To)
		}
	}
	sort.Strings(got)
	want := []string{
		job + " -> " + graph.ImageBuildID(job, 11),
		job + " -> " + graph.ImageBuildID(job, 12),
		job + " -> " + graph.ImageBuildID(job, 15),
		graph.ImageBuildID(job, 11) + " Dockerfile (.) build-arg:NPM_TOKEN=NPM_TOKEN job=" + job,
		graph.ImageBuildID(job, 12) + " web/Dockerfile (web) build-arg:GH_PAT=PAT,build-secret:npmrc=NPMRC job=" + job,
		graph.ImageBuildID(job, 15) + " api/Dockerfile (api) build-arg:TOKEN=API_TOKEN,build-secret:gh=GITHUB_TOKEN,build-secret:npmrc=NPMRC job=" + job,
	}
	sort.Strings(want)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("image builds (-want +got):\n%s", diff)
	}
}
