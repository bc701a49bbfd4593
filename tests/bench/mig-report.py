#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""Turn the VSBENCH-MIG lines of a migration bench boot (the Debian 13
libvirt lab host, tests/libvirt/flow-migrate.sh bench) into the table and
results.json (tests/bench/mig-bench.sh calls this).

    mig-report.py CONSOLE_TXT OUTDIR

Prints the table in the format of tests/bench/report.py: each figure of
the pre-copy migration ("vslice") against the stop-copy-only one
("reference", the same guest between vGPUs created with
vslice_gpu.precopy=N) in the same boot, medians over the rounds, and the
issue's targets: idle stop-copy bytes <= 1% of the slice, idle downtime
<= 0.5x the stop-copy-only downtime.  A missed target is a verdict, not
an error.  Exits non-zero only when the console holds no migration
figures at all.
"""
import json
import math
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from report import fmt, target  # noqa: E402  (the same table format)

METRICS = ("total_ms", "downtime_ms", "setup_ms", "vfio_bytes", "precopy_bytes",
           "stopcopy_bytes", "qemu_precopy_bytes", "qemu_stopcopy_bytes", "ram_bytes",
           "ram_downtime_bytes", "precopy_states", "redraws")


def num(v):
    """A figure, or None for one the flow could not give ("nan")."""
    try:
        x = float(v)
    except ValueError:
        return None
    return x if math.isfinite(x) else None


def parse(path):
    config, runs, errors, ended = {}, [], [], None
    with open(path, errors="replace") as f:
        for line in f:
            words = line.split()
            if not words:
                continue
            kv = dict(w.split("=", 1) for w in words[1:] if "=" in w)
            if words[0] == "VSBENCH-MIG-CONFIG":
                config.update(kv)
            elif words[0] == "VSBENCH-MIG":
                run = {k: kv.get(k, "") for k in ("copy", "load", "round", "status")}
                run.update({m: num(kv.get(m, "nan")) for m in METRICS})
                runs.append(run)
            elif words[0] == "VSBENCH-MIG-ERROR":
                errors.append(line.strip()[len("VSBENCH-MIG-ERROR "):])
            elif words[0] == "VSBENCH-MIG-END":
                ended = kv.get("failures", "?")
    return config, runs, errors, ended


def medians(runs):
    """(copy, load) -> metric -> median over the completed rounds."""
    out = {}
    for copy in ("precopy", "stopcopy"):
        for load in ("idle", "busy"):
            done = [r for r in runs if r["copy"] == copy and r["load"] == load
                    and r["status"] == "completed"]
            out[f"{copy}/{load}"] = {
                m: (statistics.median([r[m] for r in done if r[m] is not None])
                    if any(r[m] is not None for r in done) else None)
                for m in METRICS}
            out[f"{copy}/{load}"]["rounds"] = len(done)
    return out


def scale(x, by):
    return None if x is None else x / by


def targets(med, config):
    slice_bytes = float(config.get("slice_mib", "64")) * 1024 * 1024
    pi, si = med["precopy/idle"], med["stopcopy/idle"]
    pct = scale(pi["stopcopy_bytes"], slice_bytes / 100)
    ref_pct = scale(si["stopcopy_bytes"], slice_bytes / 100)
    return [
        # An absolute bound: the ratio column holds the figure itself.
        target("idle: stop-copy bytes, % of the slice (ref: stop-copy-only)", pct, ref_pct,
               "<=", 1.0, r=pct),
        target("idle: downtime, ms (ref: stop-copy-only)", pi["downtime_ms"], si["downtime_ms"],
               "<=", 0.5),
    ]


def table(med, rows):
    mib, kib = 1024 * 1024, 1024
    info = []
    for load in ("idle", "busy"):
        p, s = med[f"precopy/{load}"], med[f"stopcopy/{load}"]
        if load == "busy":
            info += [
                ("busy: downtime, ms (ref: stop-copy-only)", p["downtime_ms"], s["downtime_ms"]),
                ("busy: stop-copy bytes, MiB (ref: stop-copy-only)",
                 scale(p["stopcopy_bytes"], mib), scale(s["stopcopy_bytes"], mib)),
            ]
        else:
            info.append(("idle: stop-copy bytes, KiB (ref: stop-copy-only)",
                         scale(p["stopcopy_bytes"], kib), scale(s["stopcopy_bytes"], kib)))
        info += [
            (f"{load}: total migration time, ms (ref: stop-copy-only)", p["total_ms"],
             s["total_ms"]),
            (f"{load}: pre-copy bytes of the vGPU, MiB (ref: stop-copy-only)",
             scale(p["precopy_bytes"], mib), scale(s["precopy_bytes"], mib)),
            (f"{load}: RAM sent while stopped, KiB (ref: stop-copy-only)",
             scale(p["ram_downtime_bytes"], kib), scale(s["ram_downtime_bytes"], kib)),
            (f"{load}: setup time, ms (ref: stop-copy-only)", p["setup_ms"], s["setup_ms"]),
        ]
    info.append(("busy: frames the guest drew, 5 s before the migration to its end (ref: stop-copy-only)",
                 med["precopy/busy"]["redraws"], med["stopcopy/busy"]["redraws"]))
    head = ("metric", "vslice", "reference", "ratio", "target", "verdict")
    lines = []
    for t in rows:
        tgt = f"{t['op']} {t['bound']:g}" if t["op"] else ""
        lines.append((t["metric"], fmt(t["vslice"], 2), fmt(t["reference"], 2),
                      fmt(t["ratio"], 3), tgt, t["verdict"]))
    for label, a, b in info:
        r = a / b if a is not None and b else None
        lines.append((label, fmt(a), fmt(b), fmt(r, 3), "", "reported"))
    widths = [max(len(str(r[i])) for r in [head] + lines) for i in range(len(head))]
    out = []
    for i, r in enumerate([head] + lines):
        cells = [str(c).ljust(widths[0]) if j == 0 else str(c).rjust(widths[j])
                 for j, c in enumerate(r)]
        out.append("| " + " | ".join(cells) + " |")
        if i == 0:
            out.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(out)


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 64
    console, outdir = sys.argv[1:]
    config, runs, errors, ended = parse(console)
    med = medians(runs)
    rows = targets(med, config)
    result = {
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "config": config,
        "complete": ended is not None,
        "flow_failures": ended,
        "runs": runs,
        "medians": med,
        "targets": rows,
        "errors": errors,
    }
    with open(f"{outdir}/results.json", "w") as f:
        json.dump(result, f, indent=1, default=str, allow_nan=False)
    print(f"vGPU live migration, {config.get('type', '?')} ({config.get('slice_mib', '?')} MiB),"
          f" a {config.get('guest_mib', '?')} MiB guest showing {config.get('mode', '?')},"
          f" QEMU {config.get('qemu', '?')}, kernel {config.get('kernel', '?')};"
          f" pre-copy against stop-copy-only, {config.get('rounds', '?')} round(s);"
          f" stop-copy bytes from the {config.get('stopcopy_bytes_from', '?')}\n")
    print(table(med, rows))
    missed = [r for r in rows if r["verdict"] == "MISSED"]
    met = [r for r in rows if r["verdict"] == "met"]
    nodata = [r for r in rows if r["verdict"] == "NO DATA"]
    print(f"\ntargets: {len(met)} met, {len(missed)} missed"
          + (f", {len(nodata)} without data" if nodata else ""))
    for r in missed:
        print(f"  MISSED: {r['metric']}: {fmt(r['ratio'], 3)}, target {r['op']} {r['bound']:g}")
    for e in errors:
        print(f"  ERROR: {e}")
    if ended is None:
        print("  the flow did not print VSBENCH-MIG-END: the benchmark stopped part-way")
    return 0 if runs else 1


if __name__ == "__main__":
    sys.exit(main())
