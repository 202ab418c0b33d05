package registry

import (
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

// ToolLogins are the credentials that earlier lines of a job stored in
// the files that cargo, gem, twine, Maven, Gradle and NuGet read a registry
// token from when no option or variable gives one. cargo login writes
// $CARGO_HOME/credentials.toml, kept here by registry name ("" for
// crates.io). gem push reads the rubygems_api_key of ~/.gem/credentials.
// twine reads the password of the ~/.pypirc section named for the
// repository it uploads to. Maven reads server passwords from settings.xml and Gradle project
// properties from gradle.properties. NuGet reads API keys and source
// passwords from NuGet.Config, which nuget setapikey and dotnet nuget add
// source write.
//
// The credentials are names, of secrets or variables, as the reader that
// records them names them. A job's files outlive the script that writes
// them, so one ToolLogins serves every script of a job, in order.
type ToolLogins struct {
	cargo map[string][]string
	gem   []string
	maven []string
	// nuget is keyed by the registry a login is for, "source:NAME" for
	// a source that a later push names, and "*" when the line does not
	// show which (NuGetLoginKeys).
	nuget map[string][]string
	// pypi is keyed by the ~/.pypirc section that contains a password,
	// "*" when the line does not show which.
	pypi map[string][]string
	// pypircDelim is the delimiter of a here-document that is being
	// written to ~/.pypirc, "" outside one, and pypircSection is the
	// section that the writes to the file opened last.
	pypircDelim, pypircSection string
}

var (
	// cargoLogin matches cargo login, with its toolchain and options, and
	// captures the registry that --registry names.
	cargoLogin = regexp.MustCompile(`\bcargo\s+(?:\+\S+\s+)?login\b(?:[^;&|]*?\s--registry(?:=|\s+)([A-Za-z0-9_-]+))?`)
	// cargoCredentials matches a write to Cargo's credentials file.
	cargoCredentials = regexp.MustCompile(`\.cargo/credentials(?:\.toml)?\b`)
	// gemCredentials matches RubyGems' credentials file and its key.
	gemCredentials = regexp.MustCompile(`\.gem/credentials\b|:rubygems_api_key:`)
	// mavenCredentials matches a write to Maven's settings.xml, a server
	// password in it, a write to Gradle's gradle.properties, and a line
	// that sets a Maven Central, Sonatype or Nexus password property, as
	// the body of a here-document does.
	mavenCredentials = regexp.MustCompile(`\.m2/settings\.xml\b|<password>|\bgradle\.properties\b|\b(?:mavenCentral|sonatype|ossrh|nexus)[A-Za-z]*(?:Password|Token)\s*[=:]`)
	// nugetCredentials matches the commands that store a NuGet API key or
	// source password, and a NuGet.Config's stored password.
	nugetCredentials = regexp.MustCompile(`(?i)\bnuget(?:\.exe)?\s+setapikey\b|\bnuget\s+(?:add|update)\s+source\b|\bClearTextPassword\b|\bnuget\.config\b`)
)

// Record records the credentials that one line of a script stores for
// cargo, gem, twine, Maven, Gradle or NuGet. For cargo they are a cargo login's
// (its argument, or the input a pipe gives it) and a write to Cargo's
// credentials file (taken to be for crates.io). For gem they are a line
// that writes ~/.gem/credentials or its :rubygems_api_key: entry, as the
// body of a here-document does. For twine they are the passwords that a
// line writes to ~/.pypirc (recordPyPIRC). For the others, they are a line
// that writes settings.xml or gradle.properties, or stores a NuGet key or
// password. secrets returns the credentials that a text reads.
func (t *ToolLogins) Record(line string, secrets func(string) []string) {
	if t.recordPyPIRC(line, secrets) {
		return
	}
	tl := toolLoginsOf(line)
	if !tl.cargo && !tl.gem && !tl.maven && !tl.nuget {
		return
	}
	found := secrets(line)
	if len(found) == 0 {
		return
	}

	if tl.cargo {
		if t.cargo == nil {
			t.cargo = map[string][]string{}
		}
		t.cargo[tl.cargoRegistry] = append(t.cargo[tl.cargoRegistry], found...)
	}
	if tl.gem {
		t.gem = append(t.gem, found...)
	}
	if tl.maven {
		t.maven = append(t.maven, mavenLogins(line, secrets, found)...)
	}
	if tl.nuget {
		if t.nuget == nil {
			t.nuget = map[string][]string{}
		}
		for _, key := range NuGetLoginKeys(line) {
			t.nuget[key] = append(t.nuget[key], found...)
		}
	}
}

// AddGem records credentials that gem push reads from
// ~/.gem/credentials, written there other than by a script line.
func (t *ToolLogins) AddGem(creds []string) {
	t.gem = append(t.gem, creds...)
}

// For returns the credentials stored earlier for the tool of a release
// command of ecosystem eco. cargo's are those for the registry that
// --registry names (or crates.io), and gem's count for gem push and rake
// release. twine's count for an upload to the ~/.pypirc section that -r
// names, [pypi] without one. Maven's and Gradle's count for their
// releases, and NuGet's for a push that gives no API key.
func (t *ToolLogins) For(eco string, words []string) []string {
	var out []string
	switch eco {
	case "cargo":
		name := ""
		for i, w := range words {
			if v, ok := strings.CutPrefix(w, "--registry="); ok {
				name = v
			} else if w == "--registry" && i+1 < len(words) {
				name = words[i+1]
			}
		}
		if name == "crates-io" {
			name = ""
		}
		if slices.ContainsFunc(words, func(w string) bool { return w == "--index" || strings.HasPrefix(w, "--index=") }) &&
			ReleaseHost(eco, words) != CratesIORegistry {
			// A login is stored by registry name; an index URL of
			// another registry matches none that the input shows.
			return nil
		}
		out = append(out, t.cargo[name]...)
	case "gem":
		out = append(out, t.gem...)
	case "maven":
		// A signing key's passphrase written beside the password logs in
		// nowhere.
		for _, c := range t.maven {
			if !NotUploadSecret(c) {
				out = append(out, c)
			}
		}
	case "nuget":
		if NuGetAPIKey(words) != "" {
			return nil
		}
		out = append(out, t.nuget["*"]...)
		switch src := ReleaseOption(eco, words); {
		case src == "":
			out = append(out, t.nuget[NuGetRegistry]...)
		case ConfiguredRegistry(eco, words):
			out = append(out, t.nuget["source:"+strings.ToLower(src)]...)
		case ReleaseHost(eco, words) != "":
			out = append(out, t.nuget[ReleaseHost(eco, words)]...)
		}
	case "pypi":
		// twine takes no credentials from ~/.pypirc for an upload to a
		// --repository-url. A section other than pypi and testpypi
		// names its repository's URL in the file, and the release is not
		// taken to go there (ReleaseHost), so its password counts for none.
		if !twineUpload(words) || flagValue(words, "--repository-url") != "" {
			return nil
		}
		section := flagValue(words, "--repository", "-r")
		if section == "" {
			section = "pypi"
		}
		if section != "pypi" && section != "testpypi" {
			return nil
		}
		out = append(out, t.pypi["*"]...)
		out = append(out, t.pypi[section]...)
	}
	return out
}

// twineUpload reports whether a release command is twine's, run as twine
// or as python -m twine.
func twineUpload(words []string) bool {
	if len(words) > 2 && (words[0] == "python" || words[0] == "python3") && words[1] == "-m" {
		words = words[2:]
	}
	return len(words) > 0 && toolName(words[0]) == "twine"
}

var (
	// pypircWrite matches a write to twine's settings file: a redirection
	// or tee into it, or a copy, move or link onto it.
	pypircWrite = regexp.MustCompile(`(?:>|\btee\b|\b(?:cp|mv|install|ln)\s)[^|;&<>]*?["']?[^\s"'<>|;&]*\.pypirc\b`)
	// hereDocument matches the start of a here-document, <<DELIMITER or
	// <<-DELIMITER with the delimiter quoted or not, and captures the
	// delimiter.
	hereDocument = regexp.MustCompile(`<<-?\s*["']?([A-Za-z_][A-Za-z0-9_]*)["']?`)
	// pypircHeader captures the name of a section header of .pypirc.
	pypircHeader = regexp.MustCompile(`\[([A-Za-z0-9_.-]+)\]`)
	// pypircKey captures a key of a .pypirc section and its value, which
	// may hold ${{ }} expressions and ends at a quote or at a backslash, as
	// that of printf's \n does.
	pypircKey = regexp.MustCompile(`(username|password|repository)\s*[=:]\s*("[^"]*"|'[^']*'|(?:\$\{\{[^}]*\}\}|[^\s"'\\])+)`)
)

// recordPyPIRC records the passwords that a line writes to ~/.pypirc. It
// reports whether the line belongs to a here-document written there, whose
// lines are the file's content (pypircContent). Any other line that writes
// the file, as echo, printf or cp do, counts as one command (pypircContent).
// A line that only reads it, as twine's --config-file does, stores nothing.
func (t *ToolLogins) recordPyPIRC(line string, secrets func(string) []string) bool {
	if t.pypircDelim != "" {
		if strings.TrimSpace(line) == t.pypircDelim {
			t.pypircDelim = ""
		} else {
			t.pypircContent(line, secrets, false)
		}
		return true
	}
	if !strings.Contains(line, ".pypirc") || !pypircWrite.MatchString(line) {
		return false
	}
	if m := hereDocument.FindStringSubmatch(line); m != nil {
		t.pypircDelim, t.pypircSection = m[1], ""
		return true
	}
	t.pypircContent(line, secrets, true)
	return false
}

// pypircContent records the passwords of a line of ~/.pypirc content or,
// when command is set, of a command that writes the file. A [section]
// header opens a section, and the variables of a password value log in for
// the section open before it. A command whose password values read no
// variable, as printf with %s, gives its other variables instead, except
// those of user names and repository URLs. They count for the section of
// its last password key or header, or for any section when it shows
// neither, as when the whole file comes from a variable.
func (t *ToolLogins) pypircContent(line string, secrets func(string) []string, command bool) {
	headers := pypircHeader.FindAllStringSubmatchIndex(line, -1)
	sectionAt := func(at int) string {
		section := t.pypircSection
		for _, h := range headers {
			if h[0] < at {
				section = line[h[2]:h[3]]
			}
		}
		return section
	}
	var skip []string
	recorded := false
	last := ""
	for _, m := range pypircKey.FindAllStringSubmatchIndex(line, -1) {
		value := line[m[4]:m[5]]
		if line[m[2]:m[3]] != "password" {
			skip = append(skip, secrets(value)...)
			continue
		}
		last = sectionAt(m[0])
		if found := secrets(value); len(found) > 0 {
			t.addPyPI(last, found)
			recorded = true
		}
	}
	if command && !recorded {
		var rest []string
		for _, s := range secrets(line) {
			if !slices.Contains(skip, s) {
				rest = append(rest, s)
			}
		}
		if last == "" && len(headers) > 0 {
			last = sectionAt(len(line))
		}
		if len(rest) > 0 {
			t.addPyPI(last, rest)
		}
	}
	if len(headers) > 0 {
		t.pypircSection = sectionAt(len(line))
	}
}

// addPyPI records the passwords of a ~/.pypirc section, which is "" when
// the line does not show it.
func (t *ToolLogins) addPyPI(section string, creds []string) {
	if section == "" {
		section = "*"
	}
	if t.pypi == nil {
		t.pypi = map[string][]string{}
	}
	t.pypi[section] = append(t.pypi[section], creds...)
}

// toolLogin lists the tools that one script line stores a credential for.
type toolLogin struct {
	// cargoRegistry is the registry that cargo login --registry names,
	// "" for crates.io.
	cargoRegistry            string
	cargo, gem, maven, nuget bool
}

// toolLoginsOf reads which tools' credentials a script line stores. Every
// script line comes here and few name a tool's credentials, so each
// pattern runs only when a word it needs is on the line.
func toolLoginsOf(line string) toolLogin {
	var tl toolLogin
	if strings.Contains(line, "cargo") {
		if m := cargoLogin.FindStringSubmatch(line); m != nil {
			tl.cargoRegistry, tl.cargo = m[1], true
		} else if cargoCredentials.MatchString(line) {
			tl.cargo = true
		}
	}
	if tl.cargoRegistry == "crates-io" {
		tl.cargoRegistry = ""
	}
	tl.gem = (strings.Contains(line, "credentials") || strings.Contains(line, "rubygems_api_key")) && gemCredentials.MatchString(line)
	tl.maven = (strings.Contains(line, "settings.xml") || strings.Contains(line, "<password>") || strings.Contains(line, "gradle.properties") ||
		strings.Contains(line, "Password") || strings.Contains(line, "Token")) && mavenCredentials.MatchString(line)
	tl.nuget = (containsFold(line, "nuget") || containsFold(line, "cleartextpassword")) && nugetCredentials.MatchString(line)
	return tl
}

var (
	// settingsElement captures an element of settings.xml written on one
	// line and its text: <username>...</username>.
	settingsElement = regexp.MustCompile(`<([A-Za-z][\w.-]*)>([^<]*)</([A-Za-z][\w.-]*)>`)
	// propertyAssignment captures a Gradle property that a line sets
	// (name=value or name: value) and its value, which may hold ${{ }}
	// expressions.
	propertyAssignment = regexp.MustCompile(`([A-Za-z][\w.-]*)\s*[=:]\s*("[^"]*"|'[^']*'|(?:\$\{\{[^}]*\}\}|[^\s"';&|])+)`)
)

// mavenLogins returns those of a line's credentials found that log in to a
// Maven repository. The text of a settings.xml <username>, <passphrase> or
// <privateKey>, and the value of a user name or signing property
// (ossrhUsername=, signing.password=, <gpg.passphrase>), log in nowhere.
func mavenLogins(line string, secrets func(string) []string, found []string) []string {
	var skip []string
	for _, m := range settingsElement.FindAllStringSubmatch(line, -1) {
		if m[1] != m[3] {
			continue
		}
		if tag := strings.ToLower(m[1]); tag == "username" || tag == "passphrase" || tag == "privatekey" || NotUploadSecret(m[1]) {
			skip = append(skip, secrets(m[2])...)
		}
	}
	for _, m := range propertyAssignment.FindAllStringSubmatch(line, -1) {
		name := strings.ToLower(m[1])
		if strings.HasSuffix(name, "username") || strings.HasSuffix(name, "user") || NotUploadSecret(m[1]) {
			skip = append(skip, secrets(m[2])...)
		}
	}
	var out []string
	for _, s := range found {
		if !slices.Contains(skip, s) {
			out = append(out, s)
		}
	}
	return out
}

var (
	// nugetSetAPIKey matches nuget setapikey, whose key is for the
	// source its -Source option names, nuget.org without one.
	nugetSetAPIKey = regexp.MustCompile(`(?i)\bsetapikey\b`)
	// nugetSourceOption captures the value of a NuGet -Source option.
	nugetSourceOption = regexp.MustCompile(`(?i)\s-{1,2}(?:source|src|s)(?:=|\s+)["']?([^\s"';&|]+)`)
	// nugetAddSource captures the URL of dotnet nuget add source.
	nugetAddSource = regexp.MustCompile(`(?i)\bnuget\s+add\s+source\s+["']?([^\s"';&|]+)`)
	// nugetSourceName captures the name that --name or -Name gives a
	// source that nuget adds or updates.
	nugetSourceName = regexp.MustCompile(`(?i)\bnuget\s+(?:add|update)\s+source\b[^;&|]*?\s-{1,2}n(?:ame)?(?:=|\s+)["']?([^\s"';&|]+)`)
	// nugetUpdateSource captures the name of the source that dotnet nuget
	// update source changes.
	nugetUpdateSource = regexp.MustCompile(`(?i)\bnuget\s+update\s+source\s+["']?([^\s"';&|-][^\s"';&|]*)`)
)

// NuGetLoginKeys returns the keys under which a line's NuGet login is
// kept: the registry of nuget setapikey's -Source (nuget.org without one)
// or of the URL that dotnet nuget add source adds, and "source:NAME" for
// the name a source gets. A line that shows neither, as a NuGet.Config
// write, gives "*", which a push to any source reads. A password that
// dotnet nuget add source stores for nuget.org gives none.
func NuGetLoginKeys(line string) []string {
	var keys []string
	if m := nugetAddSource.FindStringSubmatch(line); m != nil && strings.Contains(m[1], "://") {
		if NuGetHost(m[1]) == NuGetRegistry && !nugetSetAPIKey.MatchString(line) {
			// nuget.org takes a push with an API key only, so a password
			// stored for it logs in nowhere.
			return nil
		}
		keys = append(keys, NuGetHost(m[1]))
	}
	if m := nugetSourceName.FindStringSubmatch(line); m != nil {
		keys = append(keys, "source:"+strings.ToLower(m[1]))
	} else if m := nugetUpdateSource.FindStringSubmatch(line); m != nil {
		keys = append(keys, "source:"+strings.ToLower(m[1]))
	}
	if nugetSetAPIKey.MatchString(line) {
		switch m := nugetSourceOption.FindStringSubmatch(line); {
		case m == nil || strings.EqualFold(m[1], "nuget.org"):
			keys = append(keys, NuGetRegistry)
		case strings.Contains(m[1], "://"):
			keys = append(keys, NuGetHost(m[1]))
		default:
			keys = append(keys, "source:"+strings.ToLower(m[1]))
		}
	}
	if len(keys) == 0 {
		return []string{"*"}
	}
	return keys
}

// containsFold reports whether s may contain the lower-case ASCII word w
// in any case as a (?i) pattern reads it. Such a pattern also matches
// U+017F (long s) for s and U+212A (Kelvin sign) for k, which take more
// bytes than the letters. So a line with any byte outside ASCII counts as
// containing w, and the pattern decides.
func containsFold(s, w string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return true
		}
	}
	for i := 0; i+len(w) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(w)], w) {
			return true
		}
	}
	return false
}

// ScriptLogins records the logins of one script's lines into a job's
// ToolLogins in order, so that a release reads those of the lines before
// it and of its own line.
type ScriptLogins struct {
	logins  *ToolLogins
	lines   []logicalLine
	secrets func(string) []string
}

// Script returns the ScriptLogins of a script. secrets returns the
// credentials that a text reads, as for Record.
func (t *ToolLogins) Script(script string, secrets func(string) []string) *ScriptLogins {
	// A here-document ends with its script.
	t.pypircDelim = ""
	return &ScriptLogins{logins: t, lines: logicalLines(script), secrets: secrets}
}

// Through records the logical lines not yet recorded that start at or
// before line, from 1, as Release.Line counts.
func (s *ScriptLogins) Through(line int) {
	for len(s.lines) > 0 && s.lines[0].start+1 <= line {
		s.logins.Record(s.lines[0].text, s.secrets)
		s.lines = s.lines[1:]
	}
}

// Rest records the lines not yet recorded, for the scripts after this
// one.
func (s *ScriptLogins) Rest() {
	for _, l := range s.lines {
		s.logins.Record(l.text, s.secrets)
	}
	s.lines = nil
}
