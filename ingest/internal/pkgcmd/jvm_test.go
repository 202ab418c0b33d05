package pkgcmd

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// Maven's default lifecycle runs every phase up to the one named. From
// compile on it resolves the project's dependencies, and javac may run
// annotation processors that they provide. From test on, Surefire runs the
// tests with every dependency on the class path, unless skipTests or
// maven.test.skip turns the tests off. -o resolves from the local
// repository only. Gradle's test, check and build run the tests, run and
// bootRun run the application, and -x leaves a task out.
func TestClassifyJava(t *testing.T) {
	certain := func(cause string) Effect {
		return Effect{Eco: Maven, Install: true, Run: RunCertain, Cause: cause}
	}
	compiles := func(cmd string) Effect {
		return Effect{Eco: Maven, Install: true, Run: RunMaybe,
			Cause: cmd + " compiles the project and javac may run annotation processors that dependencies provide"}
	}
	tests := []struct {
		cmd  string
		want Effect // zero: the command does nothing with packages
	}{
		// Maven, its wrapper and their Windows scripts
		{"mvn -B verify", certain("mvn verify")},
		{"./mvnw -B verify", certain("mvnw verify")},
		{"mvn.cmd test", certain("mvn test")},
		{`.\mvnw.cmd package`, certain("mvnw package")},
		{"mvn clean install", certain("mvn install")},
		{"mvn -V -q deploy", certain("mvn deploy")},
		{"mvn -P deploy package", certain("mvn package")},
		{"mvn -pl core -am test", certain("mvn test")},
		{"mvn -Dtest=WidgetTest test", certain("mvn test")},
		{"mvn -DskipTests=false verify", certain("mvn verify")},
		{"mvn -DskipITs install", certain("mvn install")},
		{"mvn integration-test", certain("mvn integration-test")},
		{"mvn exec:java -Dexec.mainClass=com.example.Main", certain("mvn exec:java")},
		{"mvn org.codehaus.mojo:exec-maven-plugin:3.1.0:java", certain("mvn exec:java")},
		{"./mvnw spring-boot:run", certain("mvnw spring-boot:run")},
		{"mvn -f service/pom.xml verify", Effect{Eco: Maven, Dir: "service", Install: true, Run: RunCertain, Cause: "mvn verify"}},
		{"mvn --file=service verify", Effect{Eco: Maven, Dir: "service", Install: true, Run: RunCertain, Cause: "mvn verify"}},
		// the tests are compiled, or not, but do not run
		{"mvn package -DskipTests", compiles("mvn package")},
		{"mvn -D skipTests install", compiles("mvn install")},
		{"mvn -Dmaven.test.skip=true verify", compiles("mvn verify")},
		{"mvn -Dmaven.test.skip deploy", compiles("mvn deploy")},
		{"mvn compile", compiles("mvn compile")},
		{"mvn test-compile", compiles("mvn test-compile")},
		// offline: nothing is fetched, and the build still runs
		{"mvn -o verify", Effect{Eco: Maven, Run: RunCertain, Cause: "mvn verify"}},
		{"mvn --offline compile", Effect{Eco: Maven, Run: RunMaybe,
			Cause: "mvn compile compiles the project and javac may run annotation processors that dependencies provide"}},
		// fetch only
		{"mvn dependency:go-offline", Effect{Eco: Maven, Install: true}},
		{"mvn -B dependency:resolve", Effect{Eco: Maven, Install: true}},
		{"mvn generate-sources", Effect{Eco: Maven, Install: true}},
		// neither
		{"mvn -v", Effect{}},
		{"mvn --version", Effect{}},
		{"./mvnw -h verify", Effect{}},
		{"mvn clean", Effect{}},
		{"mvn validate", Effect{}},
		{"mvn help:effective-pom", Effect{}},
		{"mvn versions:display-dependency-updates", Effect{}},
		{"mvn", Effect{}},

		// Gradle, its wrapper and the wrapper's Windows script
		{"./gradlew build", certain("gradlew build")},
		{"gradle test", certain("gradle test")},
		{`gradlew.bat check`, certain("gradlew check")},
		{"./gradlew :app:test", certain("gradlew :app:test")},
		{"./gradlew test --tests com.example.WidgetTest", certain("gradlew test")},
		{"./gradlew bootRun", certain("gradlew bootRun")},
		{"./gradlew run --args=serve", certain("gradlew run")},
		{"./gradlew testDebugUnitTest", certain("gradlew testDebugUnitTest")},
		{"./gradlew integrationTest", certain("gradlew integrationTest")},
		{"./gradlew clean build --no-daemon", certain("gradlew build")},
		{"./gradlew -p service build", Effect{Eco: Maven, Dir: "service", Install: true, Run: RunCertain, Cause: "gradlew build"}},
		{"./gradlew -Pprofile=ci -P env=test build", certain("gradlew build")},
		// build without its tests
		{"./gradlew build -x test", compiles("gradlew build")},
		{"./gradlew check --exclude-task=test", compiles("gradlew check")},
		{"./gradlew build -x :app:test", compiles("gradlew build")},
		{"./gradlew assemble", compiles("gradlew assemble")},
		{"./gradlew compileJava", compiles("gradlew compileJava")},
		{"./gradlew testClasses", compiles("gradlew testClasses")},
		{"./gradlew --offline test", Effect{Eco: Maven, Run: RunCertain, Cause: "gradlew test"}},
		// a task the build script defines
		{"./gradlew generateDocs", Effect{Eco: Maven, Install: true, Run: RunMaybe,
			Cause: "gradlew generateDocs runs a task of the build script that the input does not show"}},
		// neither
		{"gradle -v", Effect{}},
		{"./gradlew --version", Effect{}},
		{"./gradlew clean", Effect{}},
		{"./gradlew tasks --all", Effect{}},
		{"./gradlew help --task test", Effect{}},
		{"./gradlew build --dry-run", Effect{}},
		{"./gradlew build -m", Effect{}},
		{"./gradlew wrapper --gradle-version 8.5", Effect{}},
		{"./gradlew test -x test", Effect{}},
		{"./gradlew", Effect{}},
	}
	for _, tt := range tests {
		argv := strings.Fields(tt.cmd)
		got, ok := Classify(argv, nil)
		if ok != (tt.want.Eco != "") {
			t.Errorf("Classify(%q) ok = %v", tt.cmd, ok)
		}
		// TestNoDev checks NoDev of Maven and Gradle commands.
		if diff := cmp.Diff(got, tt.want, ignoreRuns, cmpopts.IgnoreFields(Effect{}, "NoDev")); diff != "" {
			t.Errorf("Classify(%q) (-got +want):\n%s", tt.cmd, diff)
		}
	}
}

// A task or goal name that does not look like one is not quoted.
func TestClassifyJavaQuotesPlainNames(t *testing.T) {
	got, _ := Classify([]string{"./gradlew", "canary-pkgcmd-0123456789-X9x9"}, nil)
	if strings.Contains(got.Cause, "canary") || !strings.Contains(got.Cause, "gradlew TASK") {
		t.Errorf("cause = %q, want the task as TASK", got.Cause)
	}
}

func TestJavaTool(t *testing.T) {
	for name, want := range map[string]string{
		"mvn": "mvn", "mvnw": "mvn", "mvn.cmd": "mvn", "mvnw.cmd": "mvn",
		"gradle": "gradle", "gradlew": "gradle", "gradlew.bat": "gradle", "gradle.bat": "gradle",
		"maven": "", "gradle-build": "", "mvnx": "",
	} {
		if got := JavaTool(name); got != want {
			t.Errorf("JavaTool(%q) = %q, want %q", name, got, want)
		}
	}
}
