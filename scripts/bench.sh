#!/usr/bin/env bash
# Builds the Google Benchmark suite, runs it and prints, for every target in
# scripts/bench_targets.txt, measured vs target and their ratio; then the
# speed-up of every SCALE-Sim reference run over SCALE-Sim's own wall time
# (tests/data/scalesim/timings.csv; target >= 1000x); then DRAM trace mode on
# the reference simulators' own configurations and traces beside their speed
# (tests/data/dram/simspeed.csv; target >= 5 M requests/s, trace in memory as
# the peers were timed and read from a file as `qarch dram --trace` does).
# Exit 1 if a target is missed; a benchmark that failed, or (with no filter)
# a target no benchmark ran, counts as missed.
# Every benchmark runs BENCH_REPETITIONS times (default 5), interleaved in
# random order with the others, and the median repetition is what is
# compared: on a shared host a single run can be a third slower than usual.
# Usage: scripts/bench.sh [benchmark name filter regex]
set -euo pipefail
cd "$(dirname "$0")/.."
repetitions="${BENCH_REPETITIONS:-5}"
if ! [[ "$repetitions" =~ ^[1-9][0-9]{0,2}$ ]]; then
  echo "bench: BENCH_REPETITIONS='$repetitions': expected a whole number from 1 to 999" >&2
  exit 2
fi
scripts/install-deps.sh >/dev/null
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build >/dev/null
out=$(mktemp -d)
filter="${1:-.}"
for b in build/tests/bench/bench_*; do
  name=$(basename "$b")
  "$b" --benchmark_filter="$filter" --benchmark_repetitions="$repetitions" \
       --benchmark_enable_random_interleaving=true --benchmark_report_aggregates_only=true \
       --benchmark_out="$out/$name.json" --benchmark_out_format=json >/dev/null 2>&1 ||
    { echo "bench: $name failed"; exit 1; }
done
python3 - "$out" "$filter" <<'PY'
import csv, glob, json, os, re, shlex, sys
out, name_filter = sys.argv[1], sys.argv[2]
results = {}
for f in glob.glob(os.path.join(out, "*.json")):
    if os.path.getsize(f) == 0:  # the filter matched none of this binary's benchmarks
        continue
    binary = os.path.basename(f)[:-5]
    for b in json.load(open(f)).get("benchmarks", []):
        if b.get("error_occurred"):  # SkipWithError: a failed run is a miss, never a measurement
            results.setdefault(binary, []).append(dict(b, name=b.get("run_name", b["name"]), failed=True))
            continue
        if b.get("run_type") == "aggregate":  # repetitions: keep the median, under the run's name
            if b.get("aggregate_name") != "median":
                continue
            b = dict(b, name=b["run_name"])
        results.setdefault(binary, []).append(b)

def seconds(b):
    scale = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}[b.get("time_unit", "ns")]
    return b["real_time"] * scale

failed = 0
print(f"{'target':60} {'measured':>14} {'target':>12} {'ratio':>8}")
for line in open("scripts/bench_targets.txt"):
    if not line.strip() or line.startswith("#"):
        continue
    binary, regex, target, unit, what = shlex.split(line)
    target = float(target)
    hits = [b for b in results.get(binary, []) if re.search(regex, b["name"])]
    if not hits:
        # With no filter every target must have run: a benchmark renamed away is a miss.
        missed = name_filter == "."
        failed += missed
        print(f"{what:60} {'not run':>14}" + ("  MISSED" if missed else ""))
        continue
    errors = [b for b in hits if b.get("failed")]
    if errors:
        failed += 1
        print(f"{what[:60]:60} {'error':>14}  MISSED ({errors[0].get('error_message', '')})")
        continue
    for b in hits:
        if unit == "real_time_max_s":
            value = seconds(b); ratio = target / value if value else float("inf")
        else:
            value = b.get(unit, 0.0); ratio = value / target
        ok = ratio >= 1.0
        failed += not ok
        print(f"{what[:60]:60} {value:14.4g} {target:12.4g} {ratio:7.2f}x {'ok' if ok else 'MISSED'}")

timings = {(r["topology"], r["config"]): r for r in csv.DictReader(open("tests/data/scalesim/timings.csv"))}
print(f"\n{'SCALE-Sim reference run':40} {'SCALE-Sim s':>12} {'qarch s':>10} {'speed-up':>10}")
for b in results.get("bench_engine", []):
    m = re.match(r"RunScaleSim/([^/]+)/([^/]+)", b["name"])
    if not m:
        continue
    topology, config = m.group(1), m.group(2)
    layer_range = re.match(r"(.+)_L\d+-L\d+$", topology)
    r = timings.get((layer_range.group(1) if layer_range else topology, config))
    if r is None:
        continue
    if b.get("failed") or seconds(b) == 0:
        failed += 1
        print(f"{m.group(1) + ' ' + m.group(2):40} {'error':>12}  MISSED ({b.get('error_message', 'no time')})")
        continue
    # A layer-range topology was timed as chunks of the full one; otherwise the
    # full run's wall time, else the sum of its chunk wall times (a lower bound).
    ref = r["full_run_wall_s"] if r["full_run_status"] == "ok" and not layer_range else r["chunk_wall_sum_s"]
    if not ref:
        continue
    ratio = float(ref) / seconds(b)
    ok = ratio >= 1000
    failed += not ok
    print(f"{m.group(1) + ' ' + m.group(2):40} {float(ref):12.1f} {seconds(b):10.4f} {ratio:9.0f}x {'ok' if ok else 'MISSED'}")

# DRAM trace mode vs the reference simulators on the same configuration and
# saturated trace (simspeed.csv: one simulation at a time, trace pre-loaded).
peers = {}
for r in csv.DictReader(open("tests/data/dram/simspeed.csv")):
    peers.setdefault((r["config_name"], r["pattern"]), {})[r["simulator"]] = float(r["requests_per_wall_s"])
# "from file" is the same case read and parsed from a trace file while it
# replays, as `qarch dram --trace` runs it (wall time).
ours, from_file = {}, {}
for b in results.get("bench_memory", []):
    m = re.match(r"BM_DramTrace(Reference|File)/(.+?)/([a-z0-9_]+)(?:/real_time)?$", b["name"])
    if m:  # a failed run counts 0 requests/s: a miss
        (ours if m.group(1) == "Reference" else from_file)[(m.group(2), m.group(3))] = (
            0.0 if b.get("failed") else b.get("items_per_second", 0.0))
if ours:
    print(f"\n{'DRAM reference configuration (M requests/s)':52} {'qarch':>6} {'file':>6} {'fastest peer':>22} "
          f"{'speed-up':>9}")
for key, sims in peers.items():
    label = key[0].replace("|map=", " ") + " " + key[1]
    if not ours:  # the filter left these benchmarks out
        break
    if key not in ours:
        print(f"{label[:52]:52} {'not run':>6}")
        continue
    best_sim = max(sims, key=sims.get)
    value = ours[key]
    file_value = from_file.get(key)
    ok = value >= 5e6 and (file_value is None or file_value >= 5e6)
    failed += not ok
    file_text = f"{file_value / 1e6:6.2f}" if file_value is not None else f"{'-':>6}"
    print(f"{label[:52]:52} {value / 1e6:6.2f} {file_text} {best_sim:>13} {sims[best_sim] / 1e6:8.2f} "
          f"{value / sims[best_sim]:8.0f}x {'ok' if ok else 'MISSED (>= 5 M/s)'}")
sys.exit(1 if failed else 0)
PY
