package export

import (
	"bufio"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"

	"github.com/blastradius-dev/blastradius/query"
)

// WriteRunbook writes a revocation plan as a Markdown runbook: one
// section per step, one checklist item per thing to contain or revoke,
// each with its command and the log query that shows use has stopped.
// The commands are printed for a person to run; nothing here runs them.
func WriteRunbook(w io.Writer, p *query.Plan) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "# Incident runbook: %s\n\n", inline(p.Query))
	fmt.Fprintln(bw, "Work through the steps in order; items within a step can be done in any order.")
	fmt.Fprintln(bw, "Every command is printed for you to review and run; blastradius never runs them.")
	if names := Placeholders(p); len(names) > 0 {
		fmt.Fprintf(bw, "Replace these placeholders in the commands before you run them: %s.\n", codes(names))
		if slices.Contains(names, RevocationTime) {
			fmt.Fprintf(bw, "%s is the time you carried out the item, in RFC 3339 (2026-11-03T12:00:00Z).\n", code(RevocationTime))
		}
		if slices.Contains(names, CompromiseTime) {
			fmt.Fprintf(bw, "%s %s, which `--since` fills in.\n", code(CompromiseTime), CompromiseTimeForm)
		}
	}
	if len(p.Steps) == 0 {
		fmt.Fprintln(bw, "\nNothing to contain or revoke: the blast radius holds no runtime or credential.")
	}
	for _, s := range p.Steps {
		fmt.Fprintf(bw, "\n## Step %d: %s\n\n%s\n", s.Number, inline(s.Title), inline(s.Why))
		for i, it := range s.Items {
			name := code(it.Node.ID)
			if it.Node.Label != "" && it.Node.Label != it.Node.ID {
				name = inline(it.Node.Label) + " " + name
			}
			fmt.Fprintf(bw, "\n### %d.%d %s %s\n\n", s.Number, i+1, it.Kind, name)
			var flags []string
			if len(it.Strangers) > 0 {
				flags = append(flags, "used from sources first seen after the compromise: "+codes(it.Strangers))
			}
			if it.InUse {
				flags = append(flags, "in use")
			}
			if it.LongLived {
				flags = append(flags, "long-lived")
			}
			if len(flags) > 0 {
				fmt.Fprintf(bw, "Note: %s.\n\n", strings.Join(flags, "; "))
			}
			// Steps to carry out get a checkbox; what only informs them
			// (a token that expires by itself, the order) is plain text.
			// An expiring token's action may end with a check of what the
			// token pushed, which is a step.
			if it.Kind == "expire" {
				expiry, check, found := strings.Cut(it.Action, ". Check ")
				if found {
					expiry += "."
				}
				fmt.Fprintf(bw, "%s\n", inline(expiry))
				if found {
					fmt.Fprintf(bw, "- [ ] Check %s\n", inline(check))
				}
			} else {
				fmt.Fprintf(bw, "- [ ] %s\n", inline(it.Action))
			}
			if len(it.Also) > 0 {
				if it.Kind == "contain" {
					fmt.Fprintf(bw, "\nThe same command also contains %s.\n", codes(it.Also))
				} else {
					fmt.Fprintf(bw, "\nThe same holds for %s.\n", codes(it.Also))
				}
			}
			if it.Command != "" {
				fmt.Fprintf(bw, "\n%s\n", fenced(it.Command))
			}
			if len(it.YieldedBy) > 0 {
				fmt.Fprintf(bw, "\nOnly after revoking %s, each of which can re-read or re-mint it.\n\n", codes(it.YieldedBy))
			}
			if len(it.Consumers) > 0 {
				fmt.Fprintf(bw, "- [ ] Put the replacement only in %s\n", codes(it.Consumers))
			}
			switch {
			case len(it.ReadBy) > 0 && len(it.Consumers) > 0:
				fmt.Fprintf(bw, "- [ ] Check that %s, which read it from there, work with the replacement\n", codes(it.ReadBy))
			case len(it.ReadBy) > 0:
				fmt.Fprintf(bw, "- [ ] Check that %s, which read it, work with the replacement\n", codes(it.ReadBy))
			}
			switch {
			case it.Verify != "" && it.Kind == "check":
				// A check's command runs again, since a change may come
				// in before the revocations end.
				fmt.Fprintf(bw, "- [ ] Run it again once the credentials that can change it are revoked:\n\n%s\n", fenced(it.Verify))
			case it.Verify != "":
				fmt.Fprintf(bw, "- [ ] Check that use has stopped:\n\n%s\n", fenced(it.Verify))
			}
		}
	}
	return bw.Flush()
}

// RevocationTime is the placeholder that the plan's log queries use for
// the time a credential was revoked, a time that only the responder has.
const RevocationTime = "<revocation time>"

// CompromiseTime is the placeholder for the compromise time in the
// commands of a plan made without --since. A check compares it as text
// with times in UTC, so it is written in UTC too.
const CompromiseTime = "<compromise time>"

// CompromiseTimeForm is the form in which to write CompromiseTime.
const CompromiseTimeForm = "is when the compromise began, in UTC in RFC 3339 (2026-11-03T09:00:00Z)"

// placeholderPattern matches the placeholders the plan writes into
// commands, such as <region> or <id of ci>.
var placeholderPattern = regexp.MustCompile(`<[a-z][^<>'"]*>`)

// Placeholders returns the distinct placeholders of the plan's commands
// and log queries, in the order they first appear.
func Placeholders(p *query.Plan) []string {
	var found []string
	for _, s := range p.Steps {
		for _, it := range s.Items {
			for _, m := range placeholderPattern.FindAllString(it.Command+"\n"+it.Verify, -1) {
				if !slices.Contains(found, m) {
					found = append(found, m)
				}
			}
		}
	}
	return found
}

// inline keeps text from the input on one line and free of HTML.
func inline(s string) string {
	return strings.NewReplacer("\n", " ", "\r", " ", "<", "&lt;", ">", "&gt;").Replace(s)
}

func code(s string) string {
	return "`" + strings.NewReplacer("`", "'", "\n", " ", "\r", " ").Replace(s) + "`"
}

func codes(list []string) string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = code(s)
	}
	return strings.Join(out, ", ")
}

// fenced returns a command as a fenced code block whose fence is longer
// than any run of backticks in the command, so that no line of the
// command can close it and the block holds the command unchanged. A
// carriage return becomes a space because Markdown reads it as a line end.
func fenced(s string) string {
	s = strings.ReplaceAll(s, "\r", " ")
	fence := strings.Repeat("`", max(3, LongestBacktickRun(s)+1))
	return fence + "sh\n" + s + "\n" + fence
}

// LongestBacktickRun returns the length of the longest run of backticks in
// s: Markdown code delimited by a longer run holds s unchanged.
func LongestBacktickRun(s string) int {
	longest, run := 0, 0
	for _, c := range s {
		if c == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	return longest
}
