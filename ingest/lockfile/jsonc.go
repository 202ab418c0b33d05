package lockfile

// stripJSONC returns a copy of a JSONC document (JSON with // and /* */
// comments and trailing commas, as bun.lock writes it) as plain JSON. Each
// comment and trailing comma becomes spaces, and line breaks stay, so
// every byte keeps its offset and errors keep their lines and columns. A
// comma that follows no value is kept, so that the decoder reports it.
func stripJSONC(data []byte) []byte {
	out := make([]byte, len(data))
	copy(out, data)
	comma := -1   // offset of a comma that only space and comments follow so far
	var last byte // the last byte read outside space and comments
	for i := 0; i < len(out); i++ {
		c := out[i]
		switch {
		case c == '"':
			// Skip the string, escapes included.
			for i++; i < len(out) && out[i] != '"'; i++ {
				if out[i] == '\\' {
					i++
				}
			}
		case c == '/' && i+1 < len(out) && out[i+1] == '/':
			for ; i < len(out) && out[i] != '\n'; i++ {
				out[i] = ' '
			}
			continue
		case c == '/' && i+1 < len(out) && out[i+1] == '*':
			out[i], out[i+1] = ' ', ' '
			for i += 2; i < len(out) && !(out[i] == '*' && i+1 < len(out) && out[i+1] == '/'); i++ {
				if out[i] != '\n' {
					out[i] = ' '
				}
			}
			if i < len(out) {
				out[i], out[i+1] = ' ', ' '
				i++
			}
			continue
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			continue
		case c == '}' || c == ']':
			if comma >= 0 {
				out[comma] = ' '
			}
		}
		comma = -1
		if c == ',' && last != ',' && last != ':' && last != '[' && last != '{' && last != 0 {
			comma = i
		}
		last = c
	}
	return out
}
