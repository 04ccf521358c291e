"""Summarises bench/table.sh's raw results (lines: build kind round route metric value) into issue 15's table.

Ratios are per round (each Tavolo run against the bare run just before it); the table shows the median over the
rounds and the spread (min-max). Usage: python3 bench/table.py <results> "<builds>" "<kinds>"
"""
import statistics
import sys
from collections import defaultdict

path, builds, kinds = sys.argv[1], sys.argv[2].split(), sys.argv[3].split()
data = defaultdict(dict)  # (build, kind, metric-key) -> {round: value}
cold = defaultdict(list)
for line in open(path):
    parts = line.split()
    if len(parts) == 5 and parts[3] == "cold":
        cold[(parts[0], parts[1])].append(float(parts[4]))
    elif len(parts) == 6:
        build, kind, rnd, route, metric, value = parts
        data[(build, kind, route, metric)][rnd] = float(value)
    elif len(parts) == 5:  # rss: build kind round rss value
        build, kind, rnd, metric, value = parts
        data[(build, kind, "-", metric)][rnd] = float(value)


def med(values):
    return statistics.median(values) if values else float("nan")


def spread(values, fmt):
    return f"{fmt.format(med(values))} ({fmt.format(min(values))}-{fmt.format(max(values))})" if values else "n/a"


routes = [("me", "GET /users/me"), ("get", "GET /orders/{id}"), ("post", "POST /orders")]
for kind in kinds:
    bare = data[("bare", kind, "hello", "rps")]
    header = ["", "bare"] + builds
    rows = [["bare /hello req/s", spread(list(bare.values()), "{:,.0f}")] + [""] * len(builds)]
    for route, name in routes:
        row = [f"{name} x bare", ""]
        for build in builds:
            own = data[(build, kind, route, "rps")]
            row.append(spread([own[r] / bare[r] for r in own if r in bare], "{:.2f}") + f" = {med(list(own.values())):,.0f}/s")
        rows.append(row)
    rows.append(["p99 bare /hello (ms)", spread(list(data[("bare", kind, "hello", "p99")].values()), "{:.2f}")] + [""] * len(builds))
    for route, name in routes:
        rows.append([f"p99 {name} (ms)", ""] + [spread(list(data[(b, kind, route, "p99")].values()), "{:.2f}") for b in builds])
    rows.append(["server CPU per request, bare /hello (us)", spread(list(data[("bare", kind, "hello", "cpu")].values()), "{:.1f}")] + [""] * len(builds))
    for route, name in routes:
        rows.append([f"server CPU per request, {name} (us)", ""] + [spread(list(data[(b, kind, route, "cpu")].values()), "{:.1f}") for b in builds])
    for route, name in routes:
        rows.append([f"in-process {name} at c=1 (ms)", ""] + [spread(list(data[(b, kind, route, "ms")].values()), "{:.3f}") for b in builds])
    rows.append(["peak RSS under load (MB)", spread(list(data[("bare", kind, "-", "rss")].values()), "{:.0f}")]
                + [spread(list(data[(b, kind, "-", "rss")].values()), "{:.0f}") for b in builds])
    rows.append(["peak anonymous memory under load (MB)", spread(list(data[("bare", kind, "-", "anon")].values()), "{:.0f}")]
                + [spread(list(data[(b, kind, "-", "anon")].values()), "{:.0f}") for b in builds])
    bare_cold = med(cold[("bare", kind)])
    if cold[("bare", kind)] and all(cold[(b, kind)] for b in builds):
        rows.append(["cold start, median of 7 (ms)", f"{bare_cold:.0f} ({min(cold[('bare', kind)]):.0f}-{max(cold[('bare', kind)]):.0f})"]
                    + [f"{med(cold[(b, kind)]):.0f} ({min(cold[(b, kind)]):.0f}-{max(cold[(b, kind)]):.0f}) = {med(cold[(b, kind)]) / bare_cold:.2f}x bare"
                       for b in builds])
    print(f"\n### {kind.upper()}\n")
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in rows:
        print("| " + " | ".join(row) + " |")
