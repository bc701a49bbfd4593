#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""Turn the VSBENCH lines of a bench boot into the table, results.json
and plot.png (tests/bench/run-bench.sh calls this).

    report.py full|lat|bw|smoke CONSOLE_TXT OUTDIR

full (and lat, the trapped reads only, and bw, BAR0's bandwidth only): prints the table of medians, ratios and target verdicts; a missed
target is a verdict, not an error.  smoke: prints one VSLICE-RESULT line
per metric (produced, finite, positive) plus the JSON and the plot.
Exits non-zero only when the console holds no benchmark data at all.
"""
import json
import math
import re
import statistics
import sys
import time

STACKS = ("vslice", "mbochs", "mdpy", "parent")


def parse(path):
    runs = {}  # stack -> metric -> [value per round]
    config, errors, profile, perf, sites, ended = {}, [], {}, {}, {}, False
    with open(path, errors="replace") as f:
        for line in f:
            line = line.strip()
            if line.startswith("VSLICE-DMESG-BEGIN"):
                break
            words = line.split()
            if not words:
                continue
            if words[0] == "VSBENCH-CONFIG":
                config.update(w.split("=", 1) for w in words[1:] if "=" in w)
            elif words[0] == "VSBENCH-DATA" and len(words) == 5:
                try:
                    value = float(words[4])
                except ValueError:
                    value = float("nan")
                runs.setdefault(words[1], {}).setdefault(words[3], []).append(value)
            elif words[0] == "VSBENCH-ERROR":
                errors.append(line[len("VSBENCH-ERROR "):])
            elif words[0] == "VSBENCH-PROF" and len(words) >= 5:
                profile.setdefault(words[1], []).append(
                    {"function": " ".join(words[4:]), "calls": int(words[2]),
                     "total_us": float(words[3])})
            elif words[0] == "VSBENCH-PERF" and len(words) >= 5:
                perf.setdefault(words[1], {}).setdefault(words[2], []).append(
                    {"percent": float(words[3]), "symbol": " ".join(words[4:])})
            elif words[0] == "VSBENCH-PERFSITE" and len(words) == 5:
                sites.setdefault(words[1], {}).setdefault(words[2], []).append(
                    {"percent": float(words[3]), "site": words[4]})
            elif words[0] == "VSBENCH-END":
                ended = True
    for kinds in sites.values():
        for rows in kinds.values():
            rows.sort(key=lambda r: -r["percent"])
    return runs, config, errors, profile, perf, sites, ended


def medians(runs):
    out = {}
    for stack, metrics in runs.items():
        for metric, values in metrics.items():
            good = [v for v in values if math.isfinite(v)]
            out.setdefault(stack, {})[metric] = statistics.median(good) if good else None
    return out


def live_counts(config):
    return [int(x) for x in config.get("live", "").split(",") if x]


def reopen_sizes(config):
    return [int(x) for x in config.get("reopen_mib", "").split(",") if x]


def ms(x):
    return None if x is None else x / 1000


def ratio(a, b):
    if a is None or b is None or b == 0:
        return None
    return a / b


def target(metric, a, b, op, bound, r="ratio"):
    if r == "ratio":
        r = ratio(a, b)
    if not op or bound is None:
        verdict = "reported"
    elif r is None:
        verdict = "NO DATA"
    else:
        verdict = "met" if (r >= bound if op == ">=" else r <= bound) else "MISSED"
    return {"metric": metric, "vslice": a, "reference": b, "ratio": r, "op": op or None,
            "bound": bound, "verdict": verdict}


def flatness(d, config):
    rates = [d.get(f"cycle_rate@{n}") for n in live_counts(config)]
    rates = [r for r in rates if r]
    return min(rates) / max(rates) if len(rates) > 1 else None


def per_s(us):
    """A rate from a time in microseconds."""
    return None if not us else 1e6 / us


def paired(runs, a, b, inverse=False):
    """Median over the rounds of a round's a / b (b / a with inverse).

    a and b are (stack, metric).  Each round measures the two stacks one
    after the other (in alternating order), so a round's ratio compares
    them under the same load; a host whose load swings between rounds
    moves the two medians apart, but not the ratios.
    """
    xs = runs.get(a[0], {}).get(a[1], [])
    ys = runs.get(b[0], {}).get(b[1], [])
    vals = [(y / x if inverse else x / y) for x, y in zip(xs, ys)
            if math.isfinite(x) and math.isfinite(y) and x and y]
    return statistics.median(vals) if vals else None


def targets(med, config, runs):
    """The issue's targets, each vslice against its reference, same boot.

    The ratio of a target is the median of the rounds' own ratios
    (paired()); the vslice and reference columns are each side's median.
    """
    v, m, p = med.get("vslice", {}), med.get("mbochs", {}), med.get("parent", {})
    d = med.get("mdpy", {})
    rows = []

    def vs(stack, key, ref_stack=None, ref_key=None):
        return paired(runs, ("vslice", key), (ref_stack or stack, ref_key or key))

    for live in live_counts(config):
        key = f"cycle_rate@{live}"
        rows.append(target(f"create+remove cycles/s, {live} live", v.get(key), m.get(key),
                           ">=", 1.0, r=vs("mbochs", key)))
    # Flatness is a property of one stack: its own min/max over the scan.
    rows.append(target("cycles/s flatness over the scan, min/max", flatness(v, config),
                       flatness(m, config), ">=", 0.8, r=flatness(v, config)))
    rows.append(target("config read 4 B, ns", v.get("cfg_read_ns"), m.get("cfg_read_ns"),
                       "<=", 1.1, r=vs("mbochs", "cfg_read_ns")))
    rows.append(target("dispi ID read 2 B, ns", v.get("mmio_read_ns"), m.get("mmio_read_ns"),
                       "<=", 1.1, r=vs("mbochs", "mmio_read_ns")))
    rows.append(target("BAR0 write MB/s (ref: parent resource0)", v.get("bar0_warm_MBps"),
                       p.get("res0_warm_MBps"), ">=", 0.9,
                       r=vs("parent", "bar0_warm_MBps", ref_key="res0_warm_MBps")))
    # mmap and a first write pass, faults included, against resource0,
    # whose mmap maps every page up front: what a VMM's guest first pays.
    rows.append(target("BAR0 first pass MB/s, faults incl. (ref: resource0)",
                       v.get("bar0_cold_MBps"), p.get("res0_cold_MBps"), ">=", 0.9,
                       r=vs("parent", "bar0_cold_MBps", ref_key="res0_cold_MBps")))
    rows.append(target("RAM KiB per touched 64 MiB instance", v.get("ram_kib_per_instance"),
                       m.get("ram_kib_per_instance"), "<=", 0.01,
                       r=vs("mbochs", "ram_kib_per_instance")))
    # A create's slice is clean before anyone asks (the scrubber zeroes free
    # VRAM, placement prefers clean blocks): its first open waits for nothing.
    rows.append(target("create -> usable device fd, us", v.get("create_to_fd_us"),
                       m.get("create_to_fd_us"), "<=", 1.0, r=vs("mbochs", "create_to_fd_us")))
    # The display: the plane query against mbochs' (each asked as QEMU
    # asks it: region vs dma-buf, the same 1024x768x32 plane), and the
    # frame read through the plane's region against mdpy's.
    if config.get("gfx_n", "0") != "0":
        rows.append(target("plane query, ns (ref: mbochs, dma-buf plane)", v.get("gfx_query_ns"),
                           m.get("gfx_query_ns"), "<=", 1.1, r=vs("mbochs", "gfx_query_ns")))
        rows.append(target("1024x768x32 frame reads/s via the region mmap (ref: mdpy)",
                           per_s(v.get("frame_read_us")), per_s(d.get("frame_read_us")),
                           ">=", 0.9, r=paired(runs, ("vslice", "frame_read_us"),
                                               ("mdpy", "frame_read_us"), inverse=True)))
    return rows


def fmt(x, digits=1):
    if x is None:
        return "-"
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    if abs(x) < 10:
        return f"{x:.{max(digits, 2)}f}"
    return f"{x:.{digits}f}"


def median_of(*xs):
    vals = [x for x in xs if x is not None]
    return statistics.median(vals) if vals else None


def table(med, runs, config, rows):
    v, m, p = med.get("vslice", {}), med.get("mbochs", {}), med.get("parent", {})
    # None without floors (a --bw run): results.json holds no NaN.
    floor_file = median_of(v.get("floor_pread_ns"), m.get("floor_pread_ns"))
    floor_zero = median_of(v.get("floor_zero_ns"), m.get("floor_zero_ns"))
    out = []
    head = ("metric", "vslice", "reference", "ratio", "target", "verdict")
    lines = []
    for t in rows:
        tgt = f"{t['op']} {t['bound']:g}" if t["op"] else ""
        a = t["vslice"]
        lines.append((t["metric"], fmt(a, 2 if a is not None and a < 10 else 1),
                      fmt(t["reference"], 2 if t["reference"] is not None and t["reference"] < 10
                          else 1), fmt(t["ratio"], 3), tgt, t["verdict"]))
    info = [
        ("4 B pread floor: file in the initramfs, ns", v.get("floor_pread_ns"),
         m.get("floor_pread_ns")),
        ("4 B pread floor: /dev/zero, ns", v.get("floor_zero_ns"), m.get("floor_zero_ns")),
    ]
    # The driver's cost: each read less the floor measured in the same
    # run (the floors of the two stacks' runs differ with the host's load).
    for what, key in (("config read", "cfg_read_ns"), ("dispi read", "mmio_read_ns")):
        for fname, fkey in (("file", "floor_pread_ns"), ("/dev/zero", "floor_zero_ns")):
            info.append((f"{what} above the {fname} floor, ns",
                         per_run(runs, "vslice", key, fkey, lambda a, b: a - b),
                         per_run(runs, "mbochs", key, fkey, lambda a, b: a - b)))
        a = per_run(runs, "vslice", key, "floor_zero_ns", lambda a, b: a / b)
        b = per_run(runs, "mbochs", key, "floor_zero_ns", lambda a, b: a / b)
        info.append((f"{what} in /dev/zero floors (load-neutral)", a, b))
    info += [
        ("BAR0 write MB/s, mbochs (system RAM), ref: vslice", m.get("bar0_warm_MBps"),
         v.get("bar0_warm_MBps")),
        ("BAR0 first pass MB/s, mbochs, ref: vslice", m.get("bar0_cold_MBps"),
         v.get("bar0_cold_MBps")),
        ("remove -> instance gone, us", v.get("remove_to_gone_us"), m.get("remove_to_gone_us")),
    ]
    # The tenant boundary: what clearing a closed slice for its next user
    # costs, against a userspace memset of the same VRAM (resource0).
    for mib in reopen_sizes(config):
        info.append((f"close -> next open, {mib} MiB slice written, ms (ref: memset resource0)",
                     ms(v.get(f"reopen_us@{mib}")), ms(p.get(f"res0_memset_us@{mib}"))))
        info.append((f"close -> first read shows zeros, {mib} MiB, ms (ref: memset resource0)",
                     ms(v.get(f"reopen_zero_us@{mib}")), ms(p.get(f"res0_memset_us@{mib}"))))
        # mbochs frees a closed device's pages; the next user's are zeroed
        # as it touches them.
        if m.get(f"reopen_us@{mib}") is not None:
            info.append((f"  mbochs close -> next open, {mib} MB, ms (ref: vslice)",
                         ms(m.get(f"reopen_us@{mib}")), ms(v.get(f"reopen_us@{mib}"))))
            info.append((f"  mbochs close -> first read shows zeros, {mib} MB, ms (ref: vslice)",
                         ms(m.get(f"reopen_zero_us@{mib}")), ms(v.get(f"reopen_zero_us@{mib}"))))
        else:
            info.append((f"  mbochs close -> next open, {mib} MB: mbochs has no such type",
                         None, None))
    if config.get("gfx_n", "0") != "0":
        d = med.get("mdpy", {})
        info += [
            ("plane query, mdpy (region plane), ns (ref: vslice)", d.get("gfx_query_ns"),
             v.get("gfx_query_ns")),
            ("plane query in /dev/zero floors (load-neutral; ref: mbochs)",
             per_run(runs, "vslice", "gfx_query_ns", "gfx_floor_ns", lambda a, b: a / b),
             per_run(runs, "mbochs", "gfx_query_ns", "gfx_floor_ns", lambda a, b: a / b)),
            ("frame read, us (ref: mdpy)", v.get("frame_read_us"), d.get("frame_read_us")),
            ("frame read in anonymous-memory copies (load-neutral; ref: mdpy)",
             per_run(runs, "vslice", "frame_read_us", "frame_floor_us", lambda a, b: a / b),
             per_run(runs, "mdpy", "frame_read_us", "frame_floor_us", lambda a, b: a / b)),
            ("frame copy out of anonymous memory, us (ref: mdpy's run)", v.get("frame_floor_us"),
             d.get("frame_floor_us")),
            ("frame read through the GPU's resource0 (same VRAM), us (ref: vslice's region)",
             p.get("res0_frame_read_us"), v.get("frame_read_us")),
            ("mmap + first frame read, faults incl., us (ref: mdpy)", v.get("frame_cold_us"),
             d.get("frame_cold_us")),
            ("flip: query moving the region + new frame read, us (ref: steady read)",
             v.get("frame_flip_us"), v.get("frame_read_us")),
        ]
    for live in live_counts(config):
        info.append((f"  create in a cycle, {live} live, us", v.get(f"cycle_create_us@{live}"),
                     m.get(f"cycle_create_us@{live}")))
        info.append((f"  remove in a cycle, {live} live, us", v.get(f"cycle_remove_us@{live}"),
                     m.get(f"cycle_remove_us@{live}")))
    for label, a, b in info:
        lines.append((label, fmt(a), fmt(b), fmt(ratio(a, b), 3), "", "reported"))
    widths = [max(len(str(r[i])) for r in [head] + lines) for i in range(len(head))]
    for i, r in enumerate([head] + lines):
        cells = [str(c).ljust(widths[0]) if j == 0 else str(c).rjust(widths[j])
                 for j, c in enumerate(r)]
        out.append("| " + " | ".join(cells) + " |")
        if i == 0:
            out.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(out), floor_file, floor_zero


def per_run(runs, stack, key, ref, op):
    """Median over the rounds of op(key, ref), both from the same run."""
    a, b = runs.get(stack, {}).get(key, []), runs.get(stack, {}).get(ref, [])
    vals = [op(x, y) for x, y in zip(a, b) if math.isfinite(x) and math.isfinite(y) and y]
    return statistics.median(vals) if vals else None


def plot(med, runs, config, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    v, m, p = med.get("vslice", {}), med.get("mbochs", {}), med.get("parent", {})
    fig, ax = plt.subplots(2, 2, figsize=(12, 9))
    lives = live_counts(config)

    a = ax[0][0]
    for stack, d, style in (("vslice", v, "o-"), ("mbochs", m, "s--")):
        xs = [n for n in lives if d.get(f"cycle_rate@{n}")]
        a.plot(xs, [d[f"cycle_rate@{n}"] for n in xs], style, label=stack)
        for n in xs:  # every round, to show the spread behind the median
            vals = runs.get(stack, {}).get(f"cycle_rate@{n}", [])
            a.plot([n] * len(vals), vals, ".", color=a.lines[-1].get_color(), alpha=0.3)
    a.set_xscale("log", base=2)
    a.set_xlabel("live instances")
    a.set_ylabel("create+remove cycles / s")
    a.set_title("sysfs create+remove rate (median, rounds as dots)")
    a.legend()
    a.set_ylim(bottom=0)

    a = ax[0][1]
    d = med.get("mdpy", {})
    labels = ["floor\nfile", "floor\n/dev/zero", "config\nvslice", "config\nmbochs",
              "dispi ID\nvslice", "dispi ID\nmbochs", "plane\nvslice", "plane\nmbochs",
              "plane\nmdpy"]
    floors = [x for x in (v.get("floor_pread_ns"), m.get("floor_pread_ns")) if x]
    zeros = [x for x in (v.get("floor_zero_ns"), m.get("floor_zero_ns")) if x]
    vals = [statistics.median(floors) if floors else 0, statistics.median(zeros) if zeros else 0,
            v.get("cfg_read_ns") or 0, m.get("cfg_read_ns") or 0,
            v.get("mmio_read_ns") or 0, m.get("mmio_read_ns") or 0,
            v.get("gfx_query_ns") or 0, m.get("gfx_query_ns") or 0, d.get("gfx_query_ns") or 0]
    a.bar(labels, vals, color=["grey", "grey", "C0", "C1", "C0", "C1", "C0", "C1", "C2"])
    a.set_ylabel("ns per pread / ioctl")
    a.set_title("trapped reads and the plane query through the VFIO device fd")

    a = ax[1][0]
    labels = ["vslice\nBAR0", "parent\nresource0", "mbochs\nBAR0"]
    warm = [v.get("bar0_warm_MBps") or 0, p.get("res0_warm_MBps") or 0, m.get("bar0_warm_MBps") or 0]
    cold = [v.get("bar0_cold_MBps") or 0, p.get("res0_cold_MBps") or 0, m.get("bar0_cold_MBps") or 0]
    xs = range(len(labels))
    a.bar([x - 0.2 for x in xs], warm, 0.4, label="steady state", color="C0")
    a.bar([x + 0.2 for x in xs], cold, 0.4, label="first pass (faults)", color="C2")
    a.set_xticks(list(xs), labels)
    a.set_ylabel("MB/s")
    a.set_title(f"write bandwidth through mmap, {config.get('big_mib', '?')} MiB")
    a.set_ylim(0, 1.25 * max(warm + cold + [1]))  # room for the legend
    a.legend(loc="upper right")

    a = ax[1][1]
    vals = [v.get("ram_kib_per_instance") or 0, m.get("ram_kib_per_instance") or 0]
    a.bar(["vslice", "mbochs"], [max(x, 1) for x in vals], color=["C0", "C1"])
    a.set_yscale("log")
    a.set_ylabel("KiB of RAM per instance (log)")
    a.set_title(f"RAM per touched {config.get('big_mib', '?')} MiB instance")
    for i, x in enumerate(vals):
        a.annotate(fmt(x), (i, max(x, 1)), ha="center", va="bottom")

    fig.suptitle(f"vslice vs upstream mbochs (and mdpy) on mdev.ko, one boot of"
                 f" {config.get('kernel', '?')}"
                 f" under QEMU TCG, {config.get('rounds', '?')} rounds")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in ("full", "lat", "bw", "smoke"):
        print(__doc__, file=sys.stderr)
        return 64
    mode, console, outdir = sys.argv[1:]
    runs, config, errors, profile, perf, sites, ended = parse(console)
    med = medians(runs)
    rows = targets(med, config, runs)
    text, floor_file, floor_zero = table(med, runs, config, rows)
    result = {
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "mode": mode,
        "config": config,
        "complete": ended,
        "medians": med,
        "runs": runs,
        "floor_ns": {"file": floor_file, "dev_zero": floor_zero},
        "targets": [],
        "profile": profile,
        "perf": perf,
        "perf_sites": sites,
        "errors": errors,
    }
    result["targets"] = rows
    with open(f"{outdir}/results.json", "w") as f:
        json.dump(result, f, indent=1, allow_nan=False, default=str)
    plot_error = None
    try:
        plot(med, runs, config, f"{outdir}/plot.png")
    except Exception as e:  # the JSON and the table still stand without a plot
        plot_error = f"{type(e).__name__}: {e}"

    if mode == "smoke":
        def res(ok, name, why):
            status = "PASS" if ok else "FAIL"
            print(f"VSLICE-RESULT: {status} bench/smoke/{name}" + ("" if ok else f": {why}"))
        res(ended, "complete", "the guest did not print VSBENCH-END")
        res(not errors, "no-errors", "; ".join(errors[:3]))
        expected = [("vslice", k) for k in (
            "floor_pread_ns", "floor_zero_ns", "cfg_read_ns", "mmio_read_ns", "bar0_cold_MBps",
            "bar0_warm_MBps", "create_to_fd_us", "remove_to_gone_us", "ram_kib_per_instance")]
        expected += [("mbochs", k) for _, k in expected]
        for stack in ("vslice", "mbochs", "mdpy"):
            expected += [(stack, "gfx_query_ns"), (stack, "gfx_floor_ns")]
        for stack in ("vslice", "mdpy"):
            expected += [(stack, f"frame_{k}_us") for k in ("cold", "read", "floor")]
        expected += [("vslice", "frame_flip_us"), ("parent", "res0_frame_read_us")]
        expected += [("parent", "res0_cold_MBps"), ("parent", "res0_warm_MBps")]
        for live in live_counts(config) or [1]:
            for stack in ("vslice", "mbochs"):
                expected += [(stack, f"cycle_rate@{live}"), (stack, f"cycle_create_us@{live}"),
                             (stack, f"cycle_remove_us@{live}")]
        for mib in reopen_sizes(config) or [64, 256]:
            expected += [("vslice", f"reopen_us@{mib}"), ("vslice", f"reopen_zero_us@{mib}"),
                         ("parent", f"res0_memset_us@{mib}")]
        expected += [("mbochs", f"reopen{z}_us@{config.get('big_mib', '64')}") for z in ("", "_zero")]
        rounds = int(config.get("rounds", "1"))
        for stack, key in expected:
            vals = runs.get(stack, {}).get(key, [])
            ok = len(vals) == rounds and all(math.isfinite(x) and x > 0 for x in vals)
            res(ok, f"{stack}-{key}", f"got {vals}, want {rounds} finite positive values")
        for r in result["targets"]:
            if r["op"]:
                name = "".join(c if c.isalnum() else "-" for c in r["metric"].lower())
                res(r["ratio"] is not None and math.isfinite(r["ratio"]),
                    "target/" + "-".join(w for w in name.split("-") if w), "ratio not computed")
        res(plot_error is None, "plot", plot_error or "")
    else:
        print(text)
        missed = [r for r in result["targets"] if r["verdict"] == "MISSED"]
        met = [r for r in result["targets"] if r["verdict"] == "met"]
        print(f"\ntargets: {len(met)} met, {len(missed)} missed"
              + (f", {sum(r['verdict'] == 'NO DATA' for r in result['targets'])} without data"
                 if any(r["verdict"] == "NO DATA" for r in result["targets"]) else ""))
        for r in missed:
            print(f"  MISSED: {r['metric']}: ratio {fmt(r['ratio'], 3)}, target {r['op']} {r['bound']:g}")
        for e in errors:
            print(f"  error in the guest: {e}")
        if profile:
            # The generic ancestors (device_add, really_probe ...) lead any
            # such list; show the handlers, the drivers' own functions and
            # the VFIO registration they share.
            key = re.compile(r"^(create_store|remove_store|vgpu_|memset|mbochs_|vfio_mdev_"
                             r"|vfio_register|vfio_unregister|mdev_probe|mdev_remove)")
            print("\nprofile of create+remove cycles (ftrace function_graph; wall time per call,"
                  " inflated by the tracer):")
            for stack, rows_ in profile.items():
                picked = [p for p in rows_ if key.match(p["function"])]
                print(f"  {stack}: " + ", ".join(
                    f"{p['function']} {p['total_us'] / p['calls'] / 1000:.1f} ms"
                    for p in picked))
        for kind, what in (("cfg", "config read"), ("mmio", "dispi ID read"),
                           ("gfx", "plane query")):
            if not any(kind in perf.get(st, {}) for st in ("vslice", "mbochs")):
                continue
            print(f"\nperf, {what} in a loop (cpu-clock samples, % of the run):")
            # The drivers' own functions, plus the hardened-usercopy checks
            # that only a copy of a non-constant length triggers.
            own = re.compile(r"\] (vgpu_|vfio_mdev_|read_byte|dispi_|mbochs_|mdev_access"
                             r"|handle_mmio|handle_pci|__check_object_size|check_stack_object)")
            for st in ("vslice", "mbochs"):
                syms = perf.get(st, {}).get(kind, [])
                print(f"  {st}: " + ", ".join(f"{p['symbol']} {p['percent']:.1f}%"
                                              for p in syms[:12]))
                mine = [p for p in syms if own.search(p["symbol"])]
                print(f"    the driver's own functions and the checks it triggers: {sum(p['percent'] for p in mine):.1f}% ("
                      + ", ".join(f"{p['symbol'][4:]} {p['percent']:.1f}%" for p in mine) + ")")
                hot = sites.get(st, {}).get(kind, [])
                if hot:
                    print("    hottest instructions: " + ", ".join(
                        f"{h['site']} {h['percent']:.1f}%" for h in hot[:6]))
        if plot_error:
            print(f"plot.png not written: {plot_error}")
    return 0 if runs else 1


if __name__ == "__main__":
    sys.exit(main())
