"""Prints the last result line of a results file for people (used by run.sh)."""
import json
import sys

row = json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])
if row["kind"] == "http":
    extra = f"  NON-2XX {row['non_2xx']}" if row.get("non_2xx") else ""
    print(f"    {row['name']:<32} c={row['connections']:<3} {row['rps']:>10.0f} req/s  p50 {row['p50_ms']:.2f} ms  p99 {row['p99_ms']:.2f} ms{extra}")
elif row["kind"] == "cli":
    print(f"    {row['name']:<34} {row['mean_ms']:8.1f} ms ± {row['stddev_ms']:.1f}")
