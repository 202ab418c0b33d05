#!/bin/sh
# Log benchmark: `blastradius ingest` against jq extracting the same fields
# from the same generated CloudTrail file, at two sizes ten times apart.
# Prints wall time, throughput and peak resident memory of each, and the
# ratios. See docs/benchmarks.md for the method and the figures.
#
#   bench/logs/run.sh [RECORDS]          (default 100000; the second size is ten times larger)
#
# Environment: RUNS (default 3) runs per tool and size, the best kept;
# BENCH_DIR (default a new temporary folder) for the generated files;
# SKIP_LARGE_JQ=1 to leave jq out at the larger size, which needs about
# seven times the file's size in memory.
set -eu

records=${1:-100000}
runs=${RUNS:-3}
dir=${BENCH_DIR:-$(mktemp -d)}
cd "$(dirname "$0")/../.."

if ! command -v jq >/dev/null; then
	echo "bench/logs: jq not found; install it (apt-get install -y jq)" >&2
	exit 1
fi
if [ ! -x /usr/bin/time ]; then
	echo "bench/logs: /usr/bin/time not found; install it (apt-get install -y time)" >&2
	exit 1
fi

go build -o "$dir/blastradius" ./cmd/blastradius
go build -o "$dir/loggen" ./bench/loggen

# The fields both tools read: the caller, the call, where it came from,
# when, and what it named.
cat >"$dir/fields.jq" <<'JQ'
.Records[] | {
  identity: (.userIdentity.arn // .userIdentity.invokedBy // .userIdentity.principalId),
  eventSource, eventName, sourceIPAddress, userAgent, eventTime,
  resources: [(.resources // [])[] | .ARN]
}
JQ

# measure TOOL FILE: runs TOOL on FILE $runs times and prints, for the run
# with the best wall time, the wall time and CPU time (user and system) in
# seconds and the peak RSS in KiB.
measure() {
	best=""
	for i in $(seq "$runs"); do
		rm -rf "$dir/db"
		mkdir -p "$dir/db"
		case $1 in
		blastradius)
			/usr/bin/time -f "%e %M %U %S" -o "$dir/time" "$dir/blastradius" --db "$dir/db/graph.db" --log-level error ingest "$2" >/dev/null
			;;
		jq)
			/usr/bin/time -f "%e %M %U %S" -o "$dir/time" jq -c -f "$dir/fields.jq" "$2" >/dev/null
			;;
		esac
		t=$(tail -1 "$dir/time" | awk '{ printf "%s %s %.2f", $1, $2, $3 + $4 }')
		if [ -z "$best" ] || [ "$(echo "$t $best" | awk '{print ($1 < $4)}')" = 1 ]; then
			best=$t
		fi
	done
	echo "$best"
}

printf '%-9s %8s %-12s %7s %6s %8s %11s %9s\n' records file_MB tool wall_s cpu_s MB/s records/s peak_MiB
for n in "$records" $((records * 10)); do
	file="$dir/trail-$n.json"
	[ -f "$file" ] || "$dir/loggen" -records "$n" -out "$file"
	mb=$(du -m "$file" | cut -f1)
	br=$(measure blastradius "$file")
	if [ "$n" -gt "$records" ] && [ "${SKIP_LARGE_JQ:-0}" = 1 ]; then
		jqr="- - -"
	else
		jqr=$(measure jq "$file")
	fi
	for tool in blastradius jq; do
		if [ $tool = blastradius ]; then r=$br; else r=$jqr; fi
		echo "$n $mb $tool $r" | awk '{
			if ($4 == "-") { printf "%-9s %8s %-12s %7s\n", $1, $2, $3, "skipped"; next }
			printf "%-9s %8d %-12s %7.2f %6.2f %8.1f %11.0f %9.1f\n", $1, $2, $3, $4, $6, $2/$4, $1/$4, $5/1024 }'
	done
	echo "$br $jqr" | awk '$4 != "-" { printf "ratio: blastradius %.1fx faster than jq (wall), %.1fx (cpu); peak memory %.1f%% of jq'"'"'s\n", $4/$1, $6/$3, 100*$2/$5 }'
done
echo "files in $dir"
