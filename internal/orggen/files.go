package orggen

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// FileShape sets the proportions of an organisation written as input
// files. Nodes after ingestion grow about linearly with Repos.
type FileShape struct {
	Repos    int // repositories, each with a workflow and a lockfile
	TeamSize int // repositories per team; a team shares a deploy key and a role
	Families int // package families: a root package and its own subtree
	Direct   int // families each repository depends on directly
	Core     int // core packages that the families' leaves depend on
	Seed     uint64
}

// Per-repository yields of the real ingesters and linker, measured on
// generated organisations (see TestFilesIngest): about 16 nodes and 78
// edges per repository.
const nodesPerRepo = 16

// maxTeams bounds the number of teams of ForFileNodes.
const maxTeams = 100

// ForFileNodes returns a shape whose ingested graph has about n nodes.
func ForFileNodes(n int) FileShape {
	repos := max(n/nodesPerRepo, 8)
	// The linker matches every AWS principal against every resource, so
	// the number of teams (each brings a user, a role and two buckets)
	// stops growing at maxTeams and teams grow instead.
	teamSize := max(20, (repos+maxTeams-1)/maxTeams)
	return FileShape{
		Repos:    repos,
		TeamSize: teamSize,
		Families: max(repos/4, 4),
		Direct:   2,
		Core:     max(repos/200, 8),
		Seed:     1,
	}
}

// Account is the AWS account of every generated identity and resource.
const Account = "111122223333"

// Org is the GitHub organisation that owns every generated repository.
const Org = "example-org"

// FilesSummary counts what WriteFiles wrote.
type FilesSummary struct {
	Files    int
	Repos    int
	Teams    int
	Packages int
	Records  int // CloudTrail records
}

// fileGen holds the state of one WriteFiles run.
type fileGen struct {
	s    FileShape
	dir  string
	rnd  *rand.Rand
	zipf *rand.Zipf
	sum  FilesSummary
}

// RepoName returns the name of the i-th generated repository.
func RepoName(i int) string { return fmt.Sprintf("repo-%06d", i) }

// familyPackage returns the npm name and version of package k (0 is the
// root, 1 and 2 its children, 3 to 6 their children) of family f.
func familyPackage(f, k int) (name, version string) {
	return fmt.Sprintf("lib-%05d-%d", f, k), fmt.Sprintf("1.%d.%d", f%10, k)
}

func corePackage(c int) (name, version string) {
	return fmt.Sprintf("core-%04d", c), fmt.Sprintf("2.%d.0", c%7)
}

func coreBase(c int) (name, version string) {
	return fmt.Sprintf("core-base-%d", c%8), "3.0.0"
}

// FamilyPurl returns the purl of the root package of family f, a start of
// typical reach for a blast radius: the families are drawn with a
// Zipf-like popularity, so low numbers reach many repositories.
func FamilyPurl(f int) string {
	name, version := familyPackage(f, 0)
	return "pkg:npm/" + name + "@" + version
}

// WriteFiles writes the organisation under dir: one folder per repository
// under repos/ (a git config naming its origin, a GitHub Actions workflow,
// a package-lock.json), one Terraform module per team under infra/, IAM
// policy documents under policies/ and CloudTrail files under logs/. The
// same shape always gives the same files.
func WriteFiles(dir string, s FileShape) (FilesSummary, error) {
	r := rand.New(rand.NewPCG(s.Seed, s.Seed^0x6f726767656e))
	g := &fileGen{s: s, dir: dir, rnd: r, zipf: rand.NewZipf(r, 1.2, 8, uint64(s.Families-1))}
	teams := (s.Repos + s.TeamSize - 1) / s.TeamSize
	g.sum.Teams = teams
	g.sum.Packages = s.Families*7 + s.Core + min(s.Core, 8)
	for i := 0; i < s.Repos; i++ {
		if err := g.repo(i); err != nil {
			return g.sum, err
		}
	}
	for t := 0; t < teams; t++ {
		if err := g.team(t); err != nil {
			return g.sum, err
		}
	}
	if err := g.logs(teams); err != nil {
		return g.sum, err
	}
	return g.sum, nil
}

func (g *fileGen) write(rel string, body func(w *bufio.Writer)) error {
	path := filepath.Join(g.dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 64<<10)
	body(w)
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	g.sum.Files++
	return f.Close()
}

// deploys reports whether repository i has a deploy job; half do.
func deploys(i int) bool { return i%2 == 0 }

// team writes the Terraform module of team t and, for one team in ten,
// an IAM policy document.
func (g *fileGen) team(t int) error {
	var repos []int
	for i := t * g.s.TeamSize; i < min((t+1)*g.s.TeamSize, g.s.Repos); i++ {
		repos = append(repos, i)
	}
	if err := g.write(fmt.Sprintf("infra/team-%05d/main.tf", t), func(w *bufio.Writer) { g.terraform(w, t, repos) }); err != nil {
		return err
	}
	if t%10 == 0 {
		return g.write(fmt.Sprintf("policies/team-%05d-read.json", t), func(w *bufio.Writer) {
			fmt.Fprintf(w, `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": ["s3:GetObject", "s3:ListBucket"],
      "Resource": ["arn:aws:s3:::example-org-team-%05d-data", "arn:aws:s3:::example-org-team-%05d-data/*"]
    }
  ]
}
`, t, t)
		})
	}
	return nil
}

func (g *fileGen) repo(i int) error {
	name := RepoName(i)
	g.sum.Repos++
	root := "repos/" + name + "/"
	if err := g.write(root+".git/config", func(w *bufio.Writer) {
		fmt.Fprintf(w, "[remote \"origin\"]\n\turl = https://github.com/%s/%s.git\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n", Org, name)
	}); err != nil {
		return err
	}
	npmToken := g.rnd.IntN(10) < 3
	if err := g.write(root+".github/workflows/ci.yml", func(w *bufio.Writer) { g.workflow(w, i, npmToken) }); err != nil {
		return err
	}
	families := map[int]bool{}
	for len(families) < g.s.Direct {
		families[int(g.zipf.Uint64())] = true
	}
	core := -1
	if g.rnd.IntN(4) == 0 {
		core = g.rnd.IntN(g.s.Core)
	}
	return g.write(root+"package-lock.json", func(w *bufio.Writer) { g.lockfile(w, name, sortedKeys(families), core) })
}

func (g *fileGen) workflow(w *bufio.Writer, i int, npmToken bool) {
	name := RepoName(i)
	fmt.Fprintf(w, "name: ci\non:\n  push:\n    branches: [main]\n  pull_request:\n\npermissions:\n  contents: read\n\njobs:\n")
	fmt.Fprintf(w, "  build:\n    runs-on: ubuntu-latest\n")
	if npmToken {
		fmt.Fprintf(w, "    env:\n      NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}\n")
	}
	fmt.Fprintf(w, "    steps:\n      - uses: actions/checkout@v4\n      - uses: actions/setup-node@v4\n        with:\n          node-version: 20\n      - run: npm ci\n      - run: npm test\n\n")
	fmt.Fprintf(w, "  lint:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: echo lint %s\n\n", name)
	if deploys(i) {
		t := i / g.s.TeamSize
		fmt.Fprintf(w, "  deploy:\n    runs-on: ubuntu-latest\n    needs: build\n    if: github.ref == 'refs/heads/main'\n")
		fmt.Fprintf(w, "    permissions:\n      contents: read\n      id-token: write\n")
		fmt.Fprintf(w, "    env:\n      AWS_ACCESS_KEY_ID: ${{ secrets.DEPLOY_KEY_ID }}\n      AWS_SECRET_ACCESS_KEY: ${{ secrets.DEPLOY_KEY_SECRET }}\n")
		fmt.Fprintf(w, "    steps:\n      - uses: actions/checkout@v4\n      - uses: aws-actions/configure-aws-credentials@v4\n        with:\n")
		fmt.Fprintf(w, "          role-to-assume: arn:aws:iam::%s:role/team-%05d-deploy\n          aws-region: us-east-1\n", Account, t)
		fmt.Fprintf(w, "      - run: aws s3 sync ./dist s3://example-org-team-%05d-assets/\n", t)
	} else {
		fmt.Fprintf(w, "  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: echo test %s\n", name)
	}
}

// pkgEntry is one locked package and its dependencies.
type pkgEntry struct {
	name, version string
	deps          [][2]string // name and version
	hook          bool
}

// family adds the packages family f pulls in: its seven packages and the
// core packages its leaves depend on.
func (g *fileGen) family(f int, into map[string]*pkgEntry) {
	for k := 0; k < 7; k++ {
		name, version := familyPackage(f, k)
		e := &pkgEntry{name: name, version: version, hook: (f*7+k)%97 == 0}
		if k < 3 {
			for _, c := range []int{2*k + 1, 2*k + 2} {
				n, v := familyPackage(f, c)
				e.deps = append(e.deps, [2]string{n, v})
			}
		} else {
			c := (f*4 + k) % g.s.Core
			n, v := corePackage(c)
			e.deps = append(e.deps, [2]string{n, v})
			g.core(c, into)
		}
		into[name] = e
	}
}

func (g *fileGen) core(c int, into map[string]*pkgEntry) {
	name, version := corePackage(c)
	bn, bv := coreBase(c)
	into[name] = &pkgEntry{name: name, version: version, deps: [][2]string{{bn, bv}}}
	into[bn] = &pkgEntry{name: bn, version: bv}
}

func (g *fileGen) lockfile(w *bufio.Writer, repo string, families []int, core int) {
	pkgs := map[string]*pkgEntry{}
	var direct [][2]string
	for _, f := range families {
		g.family(f, pkgs)
		n, v := familyPackage(f, 0)
		direct = append(direct, [2]string{n, v})
	}
	if core >= 0 {
		g.core(core, pkgs)
		n, v := corePackage(core)
		direct = append(direct, [2]string{n, v})
	}
	fmt.Fprintf(w, "{\n  \"name\": %q,\n  \"version\": \"1.0.0\",\n  \"lockfileVersion\": 3,\n  \"requires\": true,\n  \"packages\": {\n", repo)
	fmt.Fprintf(w, "    \"\": {\n      \"name\": %q,\n      \"version\": \"1.0.0\",\n      \"dependencies\": {", repo)
	writeDeps(w, direct, "        ")
	fmt.Fprintf(w, "}\n    }")
	names := make([]string, 0, len(pkgs))
	for n := range pkgs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		e := pkgs[n]
		fmt.Fprintf(w, ",\n    \"node_modules/%s\": {\n      \"version\": %q,\n", e.name, e.version)
		fmt.Fprintf(w, "      \"resolved\": \"https://registry.npmjs.org/%s/-/%s-%s.tgz\",\n", e.name, e.name, e.version)
		fmt.Fprintf(w, "      \"integrity\": \"sha512-%s\"", integrity(e.name+"@"+e.version))
		if e.hook {
			fmt.Fprintf(w, ",\n      \"hasInstallScript\": true")
		}
		if len(e.deps) > 0 {
			fmt.Fprintf(w, ",\n      \"dependencies\": {")
			writeDeps(w, e.deps, "        ")
			fmt.Fprintf(w, "}")
		}
		fmt.Fprintf(w, "\n    }")
	}
	fmt.Fprintf(w, "\n  }\n}\n")
}

func writeDeps(w *bufio.Writer, deps [][2]string, indent string) {
	for i, d := range deps {
		if i > 0 {
			w.WriteString(",")
		}
		fmt.Fprintf(w, "\n%s%q: \"^%s\"", indent, d[0], d[1])
	}
	w.WriteString("\n" + indent[:len(indent)-2])
}

// integrity returns a fixed fake digest of the right shape for a name.
func integrity(s string) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	var h uint64 = 14695981039346656037
	for i := 0; i < len(s); i++ {
		h = (h ^ uint64(s[i])) * 1099511628211
	}
	var sb strings.Builder
	for i := 0; i < 86; i++ {
		h = h*6364136223846793005 + 1442695040888963407
		sb.WriteByte(alphabet[h>>58])
	}
	return sb.String() + "=="
}

// terraform writes a team's module: a deploy user whose key is stored as
// an Actions secret in every deploying repository of the team, a narrow
// OIDC deploy role, buckets, and for team 0 a few administrator roles.
func (g *fileGen) terraform(w *bufio.Writer, t int, repos []int) {
	fmt.Fprintf(w, "provider \"aws\" {\n  region              = \"us-east-1\"\n  allowed_account_ids = [%q]\n}\n\n", Account)
	fmt.Fprintf(w, "provider \"github\" {\n  owner = %q\n}\n\n", Org)
	fmt.Fprintf(w, "resource \"aws_s3_bucket\" \"assets\" {\n  bucket = \"example-org-team-%05d-assets\"\n}\n\n", t)
	fmt.Fprintf(w, "resource \"aws_s3_bucket\" \"data\" {\n  bucket = \"example-org-team-%05d-data\"\n}\n\n", t)
	fmt.Fprintf(w, "resource \"aws_iam_user\" \"deploy\" {\n  name = \"team-%05d-deployer\"\n}\n\n", t)
	fmt.Fprintf(w, "resource \"aws_iam_access_key\" \"deploy\" {\n  user = aws_iam_user.deploy.name\n}\n\n")
	fmt.Fprintf(w, `resource "aws_iam_user_policy" "deploy" {
  name = "upload-assets"
  user = aws_iam_user.deploy.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["s3:PutObject", "s3:GetObject"]
      Resource = ["${aws_s3_bucket.assets.arn}/*"]
    }]
  })
}

`)
	var subs []string
	for _, i := range repos {
		if !deploys(i) {
			continue
		}
		subs = append(subs, fmt.Sprintf("%q", "repo:"+Org+"/"+RepoName(i)+":ref:refs/heads/main"))
		for _, s := range [][2]string{{"DEPLOY_KEY_ID", "id"}, {"DEPLOY_KEY_SECRET", "secret"}} {
			fmt.Fprintf(w, "resource \"github_actions_secret\" \"r%d_%s\" {\n  repository      = %q\n  secret_name     = %q\n  plaintext_value = aws_iam_access_key.deploy.%s\n}\n\n",
				i, strings.ToLower(s[0]), RepoName(i), s[0], s[1])
		}
	}
	if len(subs) > 0 {
		g.role(w, "deploy", fmt.Sprintf("team-%05d-deploy", t), subs,
			`Action = ["s3:PutObject", "s3:DeleteObject"]
      Resource = ["${aws_s3_bucket.assets.arn}/*"]`)
	}
	if t == 0 && len(subs) > 0 {
		for a := 0; a < 3; a++ {
			g.role(w, fmt.Sprintf("admin_%d", a), fmt.Sprintf("platform-admin-%d", a), subs[:1], `Action = "*"
      Resource = "*"`)
		}
	}
}

func (g *fileGen) role(w *bufio.Writer, local, name string, subs []string, statement string) {
	fmt.Fprintf(w, `resource "aws_iam_role" %q {
  name = %q
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Federated = "arn:aws:iam::%s:oidc-provider/token.actions.githubusercontent.com" }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = {
        StringEquals = { "token.actions.githubusercontent.com:aud" = "sts.amazonaws.com" }
        StringLike   = { "token.actions.githubusercontent.com:sub" = [%s] }
      }
    }]
  })
}

resource "aws_iam_role_policy" %q {
  name = %q
  role = aws_iam_role.%s.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      %s
    }]
  })
}

`, local, name, Account, strings.Join(subs, ", "), local, name, local, statement)
}

// logs writes CloudTrail files in which one team in ten uses its deploy
// key: a small share of the stored credentials is seen in use.
func (g *fileGen) logs(teams int) error {
	const perFile = 50
	start := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	for f := 0; f*perFile*10 < teams; f++ {
		var used []int
		for t := f * perFile * 10; t < min((f+1)*perFile*10, teams); t += 10 {
			used = append(used, t)
		}
		err := g.write(fmt.Sprintf("logs/%s_CloudTrail_us-east-1_20261101T%04dZ_generated.json", Account, f%2400), func(w *bufio.Writer) {
			w.WriteString("{\"Records\": [\n")
			n := 0
			for _, t := range used {
				for k := 0; k < 5; k++ {
					if n > 0 {
						w.WriteString(",\n")
					}
					at := start.Add(time.Duration(t*5+k) * time.Minute)
					g.record(w, t, k, at)
					n++
				}
			}
			w.WriteString("\n]}\n")
			g.sum.Records += n
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func (g *fileGen) record(w *bufio.Writer, t, k int, at time.Time) {
	user := fmt.Sprintf("team-%05d-deployer", t)
	key := fmt.Sprintf("AKIAEXAMPLE%09d", t)
	fmt.Fprintf(w, `{"eventVersion": "1.10", "userIdentity": {"type": "IAMUser", "principalId": "AIDAEXAMPLE%09d", "arn": "arn:aws:iam::%s:user/%s", "accountId": %q, "accessKeyId": %q, "userName": %q}, `,
		t, Account, user, Account, key, user)
	fmt.Fprintf(w, `"eventTime": %q, "eventSource": "s3.amazonaws.com", "eventName": "PutObject", "awsRegion": "us-east-1", "sourceIPAddress": "198.51.100.%d", "userAgent": "aws-cli/2.15.0", `,
		at.Format(time.RFC3339), 10+t%200)
	fmt.Fprintf(w, `"requestParameters": {"bucketName": "example-org-team-%05d-assets", "key": "build-%d.tgz"}, "responseElements": null, "requestID": "req-%d-%d", "eventID": "ev-%d-%d", "readOnly": false, "eventType": "AwsApiCall", "recipientAccountId": %q, `,
		t, k, t, k, t, k, Account)
	fmt.Fprintf(w, `"resources": [{"type": "AWS::S3::Object", "ARN": "arn:aws:s3:::example-org-team-%05d-assets/build-%d.tgz"}, {"accountId": %q, "type": "AWS::S3::Bucket", "ARN": "arn:aws:s3:::example-org-team-%05d-assets"}]}`,
		t, k, Account, t)
}
