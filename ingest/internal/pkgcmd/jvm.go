package pkgcmd

import (
	"path"
	"regexp"
	"slices"
	"strings"
)

// JavaTool returns "mvn" when name, a program's base name, is Maven's
// command or the Maven Wrapper's script (mvn, mvnw, and their .cmd forms
// for Windows). It returns "gradle" for Gradle's command and the Gradle
// Wrapper's script (gradle, gradlew, and their .bat forms), else "".
func JavaTool(name string) string {
	name = strings.TrimSuffix(name, ".exe")
	switch {
	case strings.HasSuffix(name, ".cmd"):
		name = strings.TrimSuffix(name, ".cmd")
	case strings.HasSuffix(name, ".bat"):
		name = strings.TrimSuffix(name, ".bat")
	}
	switch name {
	case "mvn", "mvnw":
		return "mvn"
	case "gradle", "gradlew":
		return "gradle"
	}
	return ""
}

// MavenValueOptions are the options of mvn that take the next word as
// their value.
var MavenValueOptions = []string{"-b", "--builder", "-D", "--define", "-f", "--file", "-gs", "--global-settings",
	"-gt", "--global-toolchains", "-l", "--log-file", "-P", "--activate-profiles", "-pl", "--projects",
	"-rf", "--resume-from", "-s", "--settings", "-t", "--toolchains", "-T", "--threads", "--color"}

// GradleValueOptions are the options of gradle that take the next word
// as their value. -x and --exclude-task name a task that does not run.
var GradleValueOptions = []string{"-b", "--build-file", "-c", "--settings-file", "-g", "--gradle-user-home",
	"-I", "--init-script", "-p", "--project-dir", "-x", "--exclude-task", "--console", "--warning-mode",
	"--include-build", "--project-cache-dir", "--priority", "-F", "--dependency-verification", "-M", "--write-verification-metadata",
	"-P", "--project-prop", "-D", "--system-prop"}

// gradleTaskValueOptions are options of Gradle's built-in tasks that take
// the next word as their value (test --tests NAME, help --task NAME).
var gradleTaskValueOptions = []string{"--tests", "--task", "--args", "--configuration", "--dependency",
	"--gradle-version", "--distribution-type", "--type", "--dsl", "--project-name", "--package", "--test-framework"}

// javaWord matches a goal or task name plain enough to quote in a reason.
var javaWord = regexp.MustCompile(`^:?[A-Za-z][A-Za-z0-9:._-]{0,63}$`)

// javaName returns a goal or task as reasons quote it: itself when it
// looks like a name, else placeholder.
func javaName(s, placeholder string) string {
	digits := 0
	for _, c := range s {
		if c >= '0' && c <= '9' {
			digits++
		}
	}
	if !javaWord.MatchString(s) || digits > 4 {
		return placeholder
	}
	return s
}

// javaCompiles is the clause for a build that compiles the project and
// runs no tests. Up to JDK 22, javac runs the annotation processors it
// finds on the class path (Maven's default). From JDK 23 on, it runs them
// only when the build names a processor path (Gradle's annotationProcessor
// configuration) or enables processing, which the command does not show.
func javaCompiles(cmd string) string {
	return cmd + " compiles the project and javac may run annotation processors that dependencies provide"
}

// mavenPhases are the phases of Maven's default lifecycle in order.
// Running one runs every phase before it.
var mavenPhases = []string{"validate", "initialize", "generate-sources", "process-sources",
	"generate-resources", "process-resources", "compile", "process-classes", "generate-test-sources",
	"process-test-sources", "generate-test-resources", "process-test-resources", "test-compile",
	"process-test-classes", "test", "prepare-package", "package", "pre-integration-test",
	"integration-test", "post-integration-test", "verify", "install", "deploy"}

// Where the default lifecycle starts to fetch dependencies, to compile,
// and to run the tests.
var (
	mavenFetchPhase   = slices.Index(mavenPhases, "generate-sources")
	mavenCompilePhase = slices.Index(mavenPhases, "compile")
	mavenTestPhase    = slices.Index(mavenPhases, "test")
	// mavenTestCompilePhase compiles the tests against the test-scoped
	// dependencies.
	mavenTestCompilePhase = slices.Index(mavenPhases, "test-compile")
)

// mavenRunGoals are plugin goals, by plugin prefix, that run the project's
// code with its dependencies on the class path.
var mavenRunGoals = set("exec:java", "exec:exec", "spring-boot:run", "spring-boot:start", "quarkus:dev",
	"quarkus:test", "jetty:run", "jetty:run-war", "tomcat7:run", "micronaut:run", "javafx:run",
	"surefire:test", "failsafe:integration-test")

// mavenFetchGoals are plugin goals that download the project's
// dependencies and run none of them.
var mavenFetchGoals = set("dependency:go-offline", "dependency:resolve", "dependency:copy-dependencies",
	"dependency:unpack-dependencies", "dependency:build-classpath")

// mavenGoal returns a goal given by the plugin's coordinates
// (org.codehaus.mojo:exec-maven-plugin:3.1.0:java) as prefix:goal, the
// prefix Maven derives from an artifactId named NAME-maven-plugin or
// maven-NAME-plugin. Any other goal or phase is returned as it is.
func mavenGoal(g string) string {
	parts := strings.Split(g, ":")
	if len(parts) < 3 {
		return g
	}
	artifact, goal := parts[1], parts[len(parts)-1]
	switch {
	case strings.HasSuffix(artifact, "-maven-plugin"):
		artifact = strings.TrimSuffix(artifact, "-maven-plugin")
	case strings.HasPrefix(artifact, "maven-") && strings.HasSuffix(artifact, "-plugin"):
		artifact = strings.TrimSuffix(strings.TrimPrefix(artifact, "maven-"), "-plugin")
	}
	return artifact + ":" + goal
}

// mavenProperty returns the value that mvn's -D options give a system
// property, "true" for -Dname alone, and whether one sets it.
func mavenProperty(args []string, name string) (string, bool) {
	value, set := "", false
	for i := 0; i < len(args); i++ {
		a := args[i]
		var def string
		switch {
		case (a == "-D" || a == "--define") && i+1 < len(args):
			def = args[i+1]
			i++
		case strings.HasPrefix(a, "-D") && len(a) > 2:
			def = a[2:]
		default:
			continue
		}
		k, v, hasValue := strings.Cut(def, "=")
		if k != name {
			continue
		}
		if !hasValue {
			v = "true"
		}
		value, set = v, true
	}
	return value, set
}

// mavenTestsOff reports whether mvn's options turn the tests off:
// -DskipTests (Surefire and Failsafe) and -Dmaven.test.skip (also their
// compilation), unless set to false.
func mavenTestsOff(args []string) bool {
	for _, p := range []string{"skipTests", "maven.test.skip"} {
		if v, ok := mavenProperty(args, p); ok && !strings.EqualFold(v, "false") {
			return true
		}
	}
	return false
}

// mavenTestSkip reports whether -Dmaven.test.skip leaves the tests
// uncompiled, as well as not run.
func mavenTestSkip(args []string) bool {
	v, ok := mavenProperty(args, "maven.test.skip")
	return ok && !strings.EqualFold(v, "false")
}

// optionValue returns the value of the last of the options names, written
// NAME VALUE or NAME=VALUE, before any "--", and whether one is given.
func optionValue(args []string, names ...string) (string, bool) {
	value, found := "", false
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			break
		}
		for _, n := range names {
			if a == n && i+1 < len(args) {
				value, found = args[i+1], true
				i++
				break
			}
			if v, ok := strings.CutPrefix(a, n+"="); ok && strings.HasPrefix(n, "--") {
				value, found = v, true
				break
			}
		}
	}
	return value, found
}

// javaOperands returns the words of args that are not options or the
// values of options that take the next word.
func javaOperands(args []string, valueOptions ...[]string) []string {
	var out []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case slices.ContainsFunc(valueOptions, func(opts []string) bool { return slices.Contains(opts, a) }):
			i++
		case strings.HasPrefix(a, "-"):
		default:
			out = append(out, a)
		}
	}
	return out
}

// mavenDir returns the folder of the pom.xml that mvn -f names (a POM
// file or its folder), or "".
func mavenDir(args []string) string {
	f, ok := optionValue(args, "-f", "--file")
	if !ok || strings.HasPrefix(f, "-") {
		return ""
	}
	if strings.HasSuffix(f, ".xml") {
		f = path.Dir(f)
	}
	if f == "." {
		return ""
	}
	return f
}

// mavenCommand reads mvn ARGS. Every lifecycle phase from generate-sources
// on, and the dependency goals that copy or list the class path, resolve
// the project's dependencies, downloading the missing ones unless -o keeps
// Maven offline. Phases from compile on run javac, and phases from test on
// run the tests, unless the tests are off (mavenTestsOff). Plugin goals
// such as exec:java and spring-boot:run run the project. -v and -h print
// and stop; -V prints the version and goes on.
func mavenCommand(prog string, args []string) Effect {
	for _, a := range args {
		switch a {
		case "-v", "--version", "-h", "--help", "-ep", "--encrypt-password", "-emp", "--encrypt-master-password":
			return Effect{}
		}
	}
	offline := slices.Contains(args, "-o") || slices.Contains(args, "--offline")
	e := Effect{Eco: Maven, Dir: mavenDir(args)}
	fetch, tests := false, false
	for _, g := range javaOperands(args, MavenValueOptions) {
		g = mavenGoal(g)
		phase := slices.Index(mavenPhases, g)
		// test-compile puts the test-scoped dependencies on javac's class
		// path, where it looks for annotation processors. -DskipTests
		// still compiles the tests, but -Dmaven.test.skip does not.
		if mavenTestGoals[g] || phase >= mavenTestCompilePhase && !mavenTestSkip(args) {
			tests = true
		}
		switch {
		case mavenRunGoals[g] || phase >= mavenTestPhase && !mavenTestsOff(args):
			fetch = true
			if e.Run != RunCertain {
				e.Run, e.Cause = RunCertain, prog+" "+javaName(g, "GOAL")
			}
		case phase >= mavenCompilePhase:
			fetch = true
			if e.Run == RunNone {
				e.Run, e.Cause = RunMaybe, javaCompiles(prog+" "+g)
			}
		case phase >= mavenFetchPhase || mavenFetchGoals[g]:
			fetch = true
		}
	}
	if !fetch || offline && e.Run == RunNone {
		return Effect{}
	}
	// Only compiling and running the tests loads the test-scoped
	// dependencies.
	e.Install, e.NoDev = !offline, !tests
	return e
}

// mavenTestGoals are the goals of mavenRunGoals that run the tests, with
// the test-scoped dependencies on their class path.
var mavenTestGoals = set("quarkus:test", "surefire:test", "failsafe:integration-test")

// gradleCertain are Gradle tasks that run the project's code with its
// dependencies: the tests (test, check, build and their kin, and any task
// whose name ends in Test) and the application (run, bootRun).
var gradleCertain = set("test", "check", "build", "buildNeeded", "buildDependents", "run", "bootRun",
	"bootTestRun", "connectedCheck", "deviceCheck", "jmh", "quarkusDev")

// gradleTestsIn are the tasks that run the tests of build and check, and
// so do not when -x leaves them out.
var gradleTestsIn = set("build", "buildNeeded", "buildDependents", "check")

// gradleCompiles are Gradle tasks that compile the project and run no
// tests, besides those whose name starts with compile or assemble.
var gradleCompiles = set("classes", "testClasses", "jar", "bootJar", "war", "bootWar", "shadowJar", "javadoc")

// gradleNone are Gradle's built-in tasks that neither fetch the project's
// dependencies nor run its code.
var gradleNone = set("clean", "help", "tasks", "projects", "properties", "wrapper", "init",
	"buildEnvironment", "dependencies", "dependencyInsight", "javaToolchains", "outgoingVariants",
	"resolvableConfigurations", "components", "model", "dependentComponents", "artifactTransforms")

// gradleCommand reads gradle ARGS. A task may be given by its path
// (:app:test), which runs that project's task. Any task but the built-in
// ones that print reports is taken to resolve the project's dependencies,
// downloading the missing ones unless --offline. -x leaves a task out, so
// build -x test compiles without running the tests. --dry-run (-m) runs
// no task; -v and -h print and stop.
//
// NOTE: Gradle also accepts task names abbreviated in camel case (bR for
// bootRun); those are read as tasks of the build script.
func gradleCommand(prog string, args []string) Effect {
	for _, a := range args {
		switch a {
		case "-v", "--version", "-h", "--help", "-?", "-m", "--dry-run":
			return Effect{}
		}
	}
	excluded := map[string]bool{}
	for i, a := range args {
		switch {
		case (a == "-x" || a == "--exclude-task") && i+1 < len(args):
			excluded[taskName(args[i+1])] = true
		case strings.HasPrefix(a, "--exclude-task="):
			excluded[taskName(a[len("--exclude-task="):])] = true
		}
	}

	offline := slices.Contains(args, "--offline")
	e := Effect{Eco: Maven}
	if d, ok := optionValue(args, "-p", "--project-dir"); ok && d != "." {
		e.Dir = d
	}

	fetch, tests := false, false
	for _, t := range javaOperands(args, GradleValueOptions, gradleTaskValueOptions) {
		name := taskName(t)
		switch {
		case excluded[name] || gradleNone[name]:
			continue
		case (gradleCertain[name] || strings.HasSuffix(name, "Test")) &&
			!(gradleTestsIn[name] && (excluded["test"] || excluded["check"])):
			fetch = true
			// run, bootRun, jmh and quarkusDev start the application
			// with its runtime class path; the others run tests.
			tests = tests || !gradleApp[name]
			if e.Run != RunCertain {
				e.Run, e.Cause = RunCertain, prog+" "+javaName(t, "TASK")
			}
		case gradleCompiles[name] || gradleTestsIn[name] || strings.HasPrefix(name, "compile") ||
			strings.HasPrefix(name, "assemble"):
			fetch = true
			if e.Run == RunNone {
				e.Run, e.Cause = RunMaybe, javaCompiles(prog+" "+javaName(t, "TASK"))
			}
		default:
			fetch = true
			// A task of the build script may run the tests.
			tests = true
			if e.Run == RunNone {
				e.Run, e.Cause = RunMaybe, prog+" "+javaName(t, "TASK")+" runs a task of the build script that the input does not show"
			}
		}
	}
	if !fetch || offline && e.Run == RunNone {
		return Effect{}
	}
	// Only the tests load the modules that test configurations resolve.
	e.Install, e.NoDev = !offline, !tests
	return e
}

// gradleApp are the tasks of gradleCertain that start the application
// rather than tests.
var gradleApp = set("run", "bootRun", "jmh", "quarkusDev")

// taskName returns the name of a Gradle task given by its path
// (:app:test is test).
func taskName(t string) string {
	return t[strings.LastIndexByte(t, ':')+1:]
}

// javaCommand reads mvn and gradle, run directly or through their wrapper
// scripts. Maven and Gradle fetch the project's Maven packages, and
// neither runs code of a package while it downloads it.
func javaCommand(name string, args []string) Effect {
	prog := strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(name, ".exe"), ".cmd"), ".bat")
	if JavaTool(name) == "mvn" {
		return mavenCommand(prog, args)
	}
	return gradleCommand(prog, args)
}
