module github.com/blastradius-dev/blastradius

go 1.26.8
