#!/usr/bin/python3
"""CSV loading: Flowbench's CsvReader against pandas.read_csv on the same file.

Usage: /usr/bin/python3 bench/csv_vs_pandas.py [--bench-exe PATH] [--rows N] [--repeat K]

Generates (once) a deterministic numeric CSV in bench/data/ (numpy seed 0, standard normal
values written as "%.6f", header c0..c19), then times, one after another in this invocation:
  (a) bench_csv (CsvReader::readFile), one fresh process per run, best of K, with the default
      threads (all cores, at most 8) and with 1 thread;
  (b) pandas.read_csv with the default C engine, and with engine="pyarrow" when pyarrow is
      installed, each in a fresh process per run, best of K.
Prints a table with the ratio pandas / flowbench and the memory check: the peak RSS increase
of the Flowbench load must stay under 1.5x the size of the parsed doubles.
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
COLS = 20

PANDAS_RUN = r"""
import json, resource, sys, time
import pandas as pd

def cpu_seconds():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime

def status_mb(key):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024.0
    return -1.0

path, engine = sys.argv[1], sys.argv[2]
baseline = status_mb("VmRSS")
cpu_start = cpu_seconds()
start = time.perf_counter()
df = pd.read_csv(path) if engine == "c" else pd.read_csv(path, engine=engine)
seconds = time.perf_counter() - start
cpu = cpu_seconds() - cpu_start
peak = status_mb("VmHWM")
print(json.dumps({"seconds": seconds, "cpu_seconds": cpu, "rows": int(df.shape[0]), "cols": int(df.shape[1]),
                  "peak_rss_mb": peak, "rss_increase_mb": peak - baseline}))
"""


def generate(path, rows):
    """Writes the benchmark file once; a .stamp file records what was written."""
    stamp = path + ".stamp"
    want = f"rows={rows} cols={COLS} seed=0 fmt=%.6f"
    if os.path.exists(path) and os.path.exists(stamp) and open(stamp).read() == want:
        return
    import numpy as np
    print(f"generating {path} ({rows} x {COLS}) ...", flush=True)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    rng = np.random.default_rng(0)
    tmp = path + ".tmp"
    block = 100_000
    with open(tmp, "w") as f:
        f.write(",".join(f"c{j}" for j in range(COLS)) + "\n")
        for start in range(0, rows, block):
            values = rng.standard_normal((min(block, rows - start), COLS))
            np.savetxt(f, values, fmt="%.6f", delimiter=",")
    os.replace(tmp, path)
    with open(stamp, "w") as f:
        f.write(want)


def best_of(cmd, repeat):
    runs = []
    for _ in range(repeat):
        out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
        runs.append(json.loads(out.strip().splitlines()[-1]))
    return min(runs, key=lambda r: r["seconds"]), runs


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.machine()


def find_bench_exe():
    for build in ("build-csv", "build", "build-release"):
        exe = os.path.join(ROOT, build, "bench", "bench_csv")
        if os.path.exists(exe):
            return exe
    sys.exit("bench_csv not found: build it (ninja -C build-csv bench_csv) or pass --bench-exe")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bench-exe", default=None)
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    exe = args.bench_exe or find_bench_exe()
    path = os.path.join(HERE, "data", f"numeric_{args.rows}x{COLS}.csv")
    generate(path, args.rows)
    size_mb = os.path.getsize(path) / 2**20
    parsed_mb = args.rows * COLS * 8 / 2**20

    # Warm the page cache so that no contender pays for the disk.
    with open(path, "rb") as f:
        while f.read(1 << 24):
            pass

    results = []
    fb, fb_runs = best_of([exe, path], args.repeat)
    results.append(("flowbench CsvReader", fb, fb_runs))
    one, one_runs = best_of([exe, path, "1"], args.repeat)
    results.append(("flowbench CsvReader, 1 thread", one, one_runs))
    engines = ["c"]
    try:
        import pyarrow  # noqa: F401
        engines.append("pyarrow")
    except ImportError:
        print("pyarrow is not installed: pandas engine='pyarrow' skipped")
    for engine in engines:
        r, runs = best_of([sys.executable, "-c", PANDAS_RUN, path, engine], args.repeat)
        results.append((f"pandas.read_csv (engine={engine})", r, runs))

    import pandas
    print()
    print(f"file: {path} ({size_mb:.0f} MiB, {args.rows} x {COLS}); parsed doubles: {parsed_mb:.0f} MiB")
    print(f"machine: {cpu_model()}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; "
          f"python {platform.python_version()}, pandas {pandas.__version__}")
    print()
    header = (f"| {'loader':36} | {'best s':>7} | {'runs s':>20} | {'CPU s (best run)':>16} "
              f"| {'RSS increase MiB':>16} | {'pandas/flowbench':>16} |")
    print(header)
    print("|" + "|".join("-" * (len(c)) for c in header.split("|")[1:-1]) + "|")
    for name, r, runs in results:
        assert r["rows"] == args.rows and r["cols"] == COLS, (name, r)
        ratio = r["seconds"] / fb["seconds"]
        times = ", ".join(f"{x['seconds']:.2f}" for x in runs)
        print(f"| {name:36} | {r['seconds']:7.3f} | {times:>20} | {r['cpu_seconds']:16.2f} "
              f"| {r['rss_increase_mb']:16.0f} | {ratio:15.2f}x |")
    print()
    pandas_c = results[2][1]
    ratio = pandas_c["seconds"] / fb["seconds"]
    mem = fb["rss_increase_mb"] / parsed_mb
    print(f"speed: pandas / flowbench = {ratio:.2f} ({'OK' if ratio >= 1 else 'SLOWER than pandas'})")
    print(f"memory: flowbench RSS increase / parsed bytes = {fb['rss_increase_mb']:.0f} / {parsed_mb:.0f} MiB"
          f" = {mem:.2f} ({'OK, < 1.5' if mem < 1.5 else 'TOO HIGH, >= 1.5'})")
    return 0 if ratio >= 1 and mem < 1.5 else 1


if __name__ == "__main__":
    sys.exit(main())
