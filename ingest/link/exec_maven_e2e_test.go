package link

import (
	"context"
	"fmt"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blastradius-dev/blastradius/graph"
)

// TestLockfileExecutionMaven checks jobs that build Java projects: the
// Maven packages a pom.xml or a gradle.lockfile pins run when the job runs
// the tests, may run when it only compiles, and do not run when it only
// prints Maven's version. Maven packages have no install scripts.
func TestLockfileExecutionMaven(t *testing.T) {
	s := execStore(t)
	const (
		jackson = "pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.17.1"
		slf4j   = "pkg:maven/org.slf4j/slf4j-api@2.0.13"
		junit   = "pkg:maven/org.junit.jupiter/junit-jupiter@5.10.2"
	)
	maven := func(job string) string {
		return graph.GHAJobID("example-org/jvm-maven", ".github/workflows/ci.yml", job)
	}
	gradle := func(job string) string {
		return graph.GHAJobID("example-org/jvm-gradle", ".github/workflows/ci.yml", job)
	}

	es, err := s.EdgesByKind(context.Background(), graph.EdgeExecutes)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	reasons := map[string]string{}
	for _, e := range es {
		if e.To != jackson && e.To != slf4j && e.To != junit {
			continue
		}
		got = append(got, fmt.Sprintf("%s -> %s %s %s", e.From, e.To, e.Attr(attrPhase), e.Confidence))
		if e.To != junit {
			reasons[e.From] = e.Attr(graph.AttrReason)
		}
	}
	sort.Strings(got)
	want := []string{
		// ./mvnw -B verify runs the tests with jackson and the
		// test-scoped junit on the class path.
		maven("verify") + " -> " + jackson + " run certain",
		maven("verify") + " -> " + junit + " run certain",
		// -DskipTests still compiles the main code and the tests, and
		// javac may run processors it finds on either class path, the
		// test one holding the test-scoped junit.
		maven("package-no-tests") + " -> " + jackson + " run possible",
		maven("package-no-tests") + " -> " + junit + " run possible",
		// version: mvn -v prints Maven's version and runs nothing.
		// ./gradlew build runs the tests.
		gradle("build") + " -> " + slf4j + " run certain",
		// version: ./gradlew --version runs nothing.
	}
	sort.Strings(want)
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("EXECUTES (-got +want):\n%s", diff)
	}

	wantReasons := map[string]string{
		maven("verify"): "the job installs maven dependencies and pom.xml pins " + jackson +
			"; imported by the code the job builds and tests: the job runs mvnw verify",
		gradle("build"): "the job installs maven dependencies and gradle.lockfile pins " + slf4j +
			"; imported by the code the job builds and tests: the job runs gradlew build",
	}
	for job, want := range wantReasons {
		if got := reasons[job]; got != want {
			t.Errorf("reason of %s:\n got %q\nwant %q", job, got, want)
		}
	}
}
