#!/usr/bin/env bash
# plot.sh RESULTS.json OUT.svg: throughput and p99 latency against concurrent connections for every target of an
# ingress benchmark run (bench/ingress.sh; the median of a point's rounds), drawn with gnuplot.
set -euo pipefail
results=$1 svg=$2
command -v gnuplot >/dev/null || { echo "plot: gnuplot missing (apt-get install gnuplot-nox)" >&2; exit 1; }
repo=$(cd "$(dirname "$0")/.." && pwd)
python=$("$repo/scripts/find-python.sh")
data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT
# One data file per target: connections, req/s, p99 in ms.
title=$("$python" - "$results" "$data" <<'PY'
import json, sys
results, data = json.load(open(sys.argv[1])), sys.argv[2]
def ms(text):
    for unit, factor in (("us", 0.001), ("ms", 1.0), ("s", 1000.0)):
        if text.endswith(unit):
            return float(text[: -len(unit)]) * factor
    return float("nan")
for target in ("refundsync", "node-peer", "nginx"):
    if "points" in results:  # the median of each point's rounds
        rows = sorted((int(c), p["rps_median"], p["p99_ms_median"]) for c, p in results["points"].get(target, {}).items())
    else:  # results written before rounds existed: one run per point
        rows = sorted((r["connections"], r["rps"], ms(r["p99"])) for r in results["runs"] if r["target"] == target)
    with open(f"{data}/{target}.dat", "w") as out:
        for row in rows:
            out.write("%d %.1f %.3f\n" % row)
print(f"refundsync ingress vs Node peer vs nginx, {results['machine']}, {results['date']}")
PY
)
gnuplot <<GNUPLOT
set terminal svg size 1000,420 dynamic font "sans,11"
set output "$svg"
set termoption noenhanced
set xrange [6:170]
set multiplot layout 1,2 title "$title"
set logscale x 2
set xtics (8, 32, 64, 128)
set xlabel "concurrent connections (wrk -t2)"
set key top left
set grid
set ylabel "requests/s"
set format y "%.0s%c"
plot "$data/refundsync.dat" using 1:2 with linespoints lw 2 title "refundsync", \
     "$data/node-peer.dat" using 1:2 with linespoints lw 2 title "Node peer", \
     "$data/nginx.dat" using 1:2 with linespoints lw 2 title "nginx (fixed 200)"
set ylabel "p99 latency (ms)"
set format y "%g"
set logscale y 10
plot "$data/refundsync.dat" using 1:3 with linespoints lw 2 title "refundsync", \
     "$data/node-peer.dat" using 1:3 with linespoints lw 2 title "Node peer", \
     "$data/nginx.dat" using 1:3 with linespoints lw 2 title "nginx (fixed 200)"
unset multiplot
GNUPLOT
echo "plot: $svg"
