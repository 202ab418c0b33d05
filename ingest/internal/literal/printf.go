package literal

import (
	"regexp"
	"strings"
)

// printfCommand matches the start of a printf command, up to its format.
// bash's printf -v NAME (-vNAME too) stores the text in the variable NAME
// instead of printing it.
var printfCommand = regexp.MustCompile(`(?:^|[\s;&|(])printf\s+(?:-v\s*[A-Za-z_][A-Za-z0-9_]*(?:\[[^\]\s]*\])?\s+)?(?:--\s+)?`)

// tokenKey matches the end of a printf format's text that writes an npm
// token setting: _authToken=, _auth=, _password= or npmAuthToken:, and
// the quote that may open the value, escaped or not.
var tokenKey = regexp.MustCompile(`(?:_(?:authToken|password|auth)\s*=|npmAuthToken\s*:)\s*\\?["']?$`)

// printfTokens returns the npm tokens that the printf commands of a line
// write, as in printf '//%s/:_authToken=%s\n' HOST VALUE >> ~/.npmrc: the
// arguments that fill a conversion right after a token key of the
// format. printf reuses its format while arguments remain, so each pass
// over the format gives a token.
func printfTokens(line string) []offsetFinding {
	var out []offsetFinding
	for _, loc := range printfCommand.FindAllStringIndex(line, -1) {
		words := commandWords(line, loc[1])
		if len(words) < 2 {
			continue
		}
		positions, perPass := tokenArguments(unquote(words[0].text))
		if len(positions) == 0 || perPass == 0 {
			continue
		}
		args := words[1:]
		for pass := 0; pass*perPass < len(args); pass++ {
			for _, k := range positions {
				i := pass*perPass + k
				if i >= len(args) {
					break
				}
				if v := unquote(args[i].text); literalValue(v) {
					out = append(out, offsetFinding{Finding{Kind: "npm registry token", Value: v}, args[i].offset})
				}
			}
		}
	}
	return out
}

// tokenArguments returns the positions, from 0, of the arguments that
// fill the conversions of a printf format that come right after a token
// key, and how many arguments one pass over the format takes. Every
// conversion takes one argument, and a * width or precision one more.
// %% is the character %, and takes none.
func tokenArguments(format string) (positions []int, perPass int) {
	for i := 0; i < len(format); i++ {
		if format[i] != '%' {
			continue
		}
		start := i
		i++
		if i < len(format) && format[i] == '%' {
			continue
		}
		// Flags, width, precision and length modifiers come before the
		// conversion's letter.
		for i < len(format) && strings.IndexByte("-+ #0'123456789.*hlLqjzt", format[i]) >= 0 {
			if format[i] == '*' {
				perPass++
			}
			i++
		}
		if i == len(format) {
			break
		}
		if tokenKey.MatchString(format[:start]) {
			positions = append(positions, perPass)
		}
		perPass++
	}
	return positions, perPass
}

// shellWord is a word of a command as written, quotes included, and its
// offset in the line.
type shellWord struct {
	text   string
	offset int
}

// commandWords returns the words of the command that starts at
// line[from:], up to the first ;, &, |, ), < or > outside quotes. A file
// descriptor number right before a redirection, as in 2>/dev/null, is
// not a word.
func commandWords(line string, from int) []shellWord {
	var out []shellWord
	var quote byte
	start := -1
	flush := func(end int) {
		if start >= 0 {
			out = append(out, shellWord{line[start:end], start})
			start = -1
		}
	}
	for i := from; i < len(line); i++ {
		c := line[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
			if start < 0 {
				start = i
			}
		case c == ' ' || c == '\t':
			flush(i)
		case strings.IndexByte(";&|)<>", c) >= 0:
			if start >= 0 && (c == '<' || c == '>') && strings.Trim(line[start:i], "0123456789") == "" {
				start = -1
			}
			flush(i)
			return out
		default:
			if start < 0 {
				start = i
			}
		}
	}
	flush(len(line))
	return out
}
