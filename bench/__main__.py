"""Run every benchmark and print the figures against their targets.

    python -m bench                 # on bench/out/large.db (generated if missing)
    python -m bench --smoke         # a tiny database: checks that the scripts work
    python -m bench --json          # the figures as one JSON object
    python -m bench --markdown      # the table for BENCHMARKS.md, previous figures beside

Each scenario runs in a fresh interpreter so its peak memory is its own.
"""
from __future__ import annotations

import argparse
import json
import platform
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
DEFAULT_DB = ROOT / "out" / "large.db"

# summary key -> (what, target text, met?)
TARGETS = {
    "startup_ratio": ("cold start to the first dashboard frame / bare Textual app (same run)", "≤ 1.3×",
                      lambda v: v <= 1.3),
    "dashboard_data_ms": ("dashboard with its data (table and every card), after its first frame; "
                          "database unchanged since the dashboard was last read (its snapshot shown)", "≤ 300 ms",
                          lambda v: v <= 300),
    "dashboard_data_changed_ms": ("the same after a change since the dashboard was last read (read afresh)",
                                  "≤ 300 ms", lambda v: v <= 300),
    "desk_open_p95_ms": ("desk usable on the 2,000-candidate exam, p95 of 20 openings, slowest desk", "≤ 100 ms",
                         lambda v: v <= 100),
    "switch_visited_p95_ms": ("switching between visited desks, p95", "≤ 100 ms", lambda v: v <= 100),
    "first_visit_ms": ("first visit of a desk, slowest desk", "≤ 200 ms", lambda v: v <= 200),
    "entries_per_second": ("grade entries per second (1,000 posted keys)", "≥ 300", lambda v: v >= 300),
    "p95_handler_ms": ("grade entry handler latency p95", "≤ 5 ms", lambda v: v <= 5),
    "keys_entries_per_second": ("one-key paths (first/control entry, attendance, appeals), slowest, entries/s",
                                "≥ 300", lambda v: v >= 300),
    "keys_p95_handler_ms": ("one-key paths, worst handler p95", "≤ 5 ms", lambda v: v <= 5),
    "keys_counter_lag_frames": ("one-key paths, counters behind the handlers at most (frames)", "≤ 1",
                                lambda v: v <= 1),
    "import_candidates_s": ("10k-row candidate import (read, check, write)", "≤ 0.7 s", lambda v: v <= 0.7),
    "export_protocol_s": ("10k-row protocol export (.xlsx)", "≤ 0.7 s", lambda v: v <= 0.7),
    "forms_export_s": ("200 commission forms out", "≤ 2 s", lambda v: v <= 2),
    "forms_import_s": ("200 commission forms in", "≤ 2 s", lambda v: v <= 2),
    "peak_rss_mb": ("peak resident memory of the app process, worst scenario", "≤ 150 MB", lambda v: v <= 150),
}
PREVIOUS = ROOT / "previous.json"
SMOKE_CANDIDATES = 500  # rows imported with --smoke
DESKS = ("papers", "attendance", "grades", "appeals", "commissions", "after")


def child(*args: str) -> dict:
    out = subprocess.run([sys.executable, "-m", *args], capture_output=True, text=True, cwd=ROOT.parent)
    if out.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def machine() -> dict:
    cpu = "unknown"
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    memory = "unknown"
    try:
        kb = int(next(line.split()[1] for line in open("/proc/meminfo") if line.startswith("MemTotal")))
        memory = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration):
        pass
    import os

    return {"cpus": os.cpu_count(), "cpu": cpu, "memory": memory, "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version, "platform": platform.platform(),
            "load_at_start": os.getloadavg()[0]}


def run(db: Path, *, smoke: bool, scale: float) -> dict:
    figures: dict = {"machine": machine()}
    if not db.exists():
        from bench.generate_large import generate

        start = time.perf_counter()
        figures["generated"] = generate(db, scale=scale)
        figures["generate_s"] = time.perf_counter() - start
    figures["database_mb"] = db.stat().st_size / 1024 / 1024
    from bench.bench_startup import run as startup

    figures["startup"] = startup(2 if smoke else 7, db, __import__("datetime").date(2026, 11, 23))
    figures["desks"] = child("bench.scenarios", "desks", str(db), *(["3"] if smoke else []))
    figures["entry"] = child("bench.bench_grade_entry", "--json", "--db", str(db),
                             *(["--entries", "50"] if smoke else ["--entries", "1000"]))
    figures["keys"] = child("bench.bench_keys", "--json", "--db", str(db), *(["--smoke"] if smoke else []))
    # smoke: the same code paths on fewer rows (the figures are not checked then)
    figures["import_candidates"] = child("bench.scenarios", "import_candidates", str(db),
                                         *([str(SMOKE_CANDIDATES)] if smoke else []))
    figures["forms"] = child("bench.scenarios", "forms", str(db))
    figures["export_protocol"] = child("bench.scenarios", "export_protocol", str(db))
    # many clerks: own fresh databases (SQLite, and PostgreSQL when reachable)
    figures["many_clerks"] = child("bench.bench_clerks", "--json", *(["--smoke"] if smoke else []))
    figures["machine"]["load_at_end"] = __import__("os").getloadavg()[0]  # other work on the machine meanwhile
    rss = {k: figures[k]["peak_rss_mb"] for k in ("startup", "desks", "entry", "import_candidates", "forms",
                                                  "export_protocol")}
    figures["peak_rss_by_scenario_mb"] = rss
    desks = figures["desks"]
    figures["summary"] = {
        "startup_ratio": figures["startup"]["ratio_first_frame"],
        "dashboard_data_ms": figures["startup"]["dashboard_data_after_first_frame_ms"],
        "dashboard_data_changed_ms": figures["startup"]["dashboard_data_after_first_frame_changed_ms"],
        "desk_open_p95_ms": desks["open_p95_max_ms"],
        "switch_visited_p95_ms": desks["switch_visited_p95_ms"],
        "first_visit_ms": desks["first_visit_max_ms"],
        "entries_per_second": figures["entry"]["entries_per_second"],
        "p95_handler_ms": figures["entry"]["p95_handler_ms"],
        "keys_entries_per_second": figures["keys"]["slowest_entries_per_second"],
        "keys_p95_handler_ms": figures["keys"]["worst_p95_handler_ms"],
        "keys_counter_lag_frames": figures["keys"]["worst_counter_lag_frames"],
        "import_candidates_s": figures["import_candidates"]["total_s"],
        "export_protocol_s": figures["export_protocol"]["total_s"],
        "forms_export_s": figures["forms"]["export_s"],
        "forms_import_s": figures["forms"]["import_s"],
        "peak_rss_mb": max(rss.values()),
    }
    return figures


def report(figures: dict) -> str:
    lines = [f"{'figure':<72} {'measured':>10}  {'target':<10} met"]
    for key, value in figures["summary"].items():
        label, target, ok = TARGETS[key]
        lines.append(f"{label:<72} {value:>10.2f}  {target:<10} {'yes' if ok(value) else 'NO'}")
    lines.append("")
    lines.append("details:")
    for key in ("startup", "desks", "entry", "import_candidates", "forms", "export_protocol"):
        detail = ", ".join(f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}" for k, v in figures[key].items())
        lines.append(f"  {key}: {detail}")
    if "many_clerks" in figures:
        from bench.bench_clerks import report as clerks_report

        lines.append("")
        lines.append(clerks_report(figures["many_clerks"]))
        lines.append("")
    if "generate_s" in figures:
        lines.append(f"  generated in {figures['generate_s']:.1f} s: {figures['generated']}")
    lines.append(f"  database: {figures['database_mb']:.0f} MB; machine: {figures['machine']}")
    return "\n".join(lines)


def _number(value: float) -> str:
    if value >= 100:
        return f"{value:,.0f}"
    return f"{value:.2f}" if value < 10 else f"{value:.1f}"


def markdown(figures: dict, previous: dict | None = None) -> str:
    """The BENCHMARKS.md table: every figure against its target, the
    previous figures beside them, then the details, the baseline and the
    machine, all from this one run."""
    previous = previous or {}
    old = previous.get("summary", {})
    startup, desks = figures["startup"], figures["desks"]
    lines = [f"| figure | measured | target | met | previous ({previous.get('date', '–')}) |", "|---|---|---|---|---|"]
    for key, value in figures["summary"].items():
        label, target, ok = TARGETS[key]
        before = old.get(key)
        lines.append(f"| {label} | **{_number(value)}** | {target} | {'yes' if ok(value) else '**no**'} | "
                     f"{'–' if before is None else _number(before)} |")
    lines += ["", "| desk (2,000-candidate exam) | opening p95 / median ms | first visit ms (with its list) |",
              "|---|---|---|"]
    for name in DESKS:
        lines.append(f"| {name} | {_number(desks[f'open_{name}_p95_ms'])} / {_number(desks[f'open_{name}_median_ms'])}"
                     f" | {_number(desks[f'first_visit_{name}_ms'])} ({_number(desks[f'first_visit_{name}_with_data_ms'])})"
                     " |")
    lines.append(f"| switching between visited desks | p95 {_number(desks['switch_visited_p95_ms'])} / median "
                 f"{_number(desks['switch_visited_median_ms'])} | |")
    keys = figures.get("keys", {})
    paths = [name for name in ("first_entry", "control_entry", "attendance", "appeal_regrading")
             if isinstance(keys.get(name), dict) and "cpu_ms_per_entry" in keys[name]]
    if paths:  # CPU per entry depends far less on other work on the machine than the wall-clock rates
        cpu = {name.replace("_", " "): keys[name]["cpu_ms_per_entry"] for name in paths}
        if "cpu_ms_per_entry" in figures.get("entry", {}):
            cpu["grade entry"] = figures["entry"]["cpu_ms_per_entry"]
        lines += ["", "Process CPU per entry over each 1,000-key burst (keys, draws and database; less dependent "
                  "on the machine's load than the rates above): "
                  + ", ".join(f"{name} {ms:.1f} ms" for name, ms in cpu.items())
                  + f"; the slowest is {1000 / max(cpu.values()):,.0f} entries/s of CPU."]
    if "eksamen_first_frame_cpu_s" in startup:
        lines += ["", f"Start-up in process CPU: bare Textual app {startup['bare_textual_first_frame_cpu_s']:.3f} s, "
                  f"eksamen-tui's first frame {startup['eksamen_first_frame_cpu_s']:.3f} s "
                  f"({startup['ratio_first_frame_cpu']:.2f}×), the dashboard's data "
                  f"{startup['dashboard_data_after_first_frame_cpu_ms']:,.0f} ms of CPU after its first frame."]
    if "warm_up_after_dashboard_ms" in desks:
        lines += ["", f"First visits are measured after the app's warm-up (the desks' modules and styles read, the "
                  f"garbage collector settled), which ended {desks['warm_up_after_dashboard_ms']:,.0f} ms after the "
                  "dashboard's data."]
    lines += ["",
              f"Bare Textual app, first frame: {startup['bare_textual_first_frame_s']:.3f} s (median of "
              f"{startup['runs']}, peak {startup['bare_textual_peak_rss_mb']:.0f} MB); eksamen-tui first frame "
              f"{startup['eksamen_first_frame_s']:.3f} s, table {startup['eksamen_dashboard_data_s']:.3f} s, every "
              f"card {startup['eksamen_dashboard_counts_s']:.3f} s from process start.",
              "",
              "Peak resident memory per scenario (RUSAGE_SELF in the process that runs it, each in a fresh "
              "interpreter): " + ", ".join(f"{k.replace('_', ' ')} {v:.0f} MB"
                                           for k, v in figures["peak_rss_by_scenario_mb"].items()) + ".",
              ""]
    m = figures["machine"]
    lines.append(f"Machine: {m['cpus']} cores ({m['cpu']}), {m['memory']} RAM, {m['platform']}, Python {m['python']}, "
                 f"SQLite {m['sqlite']}; database {figures['database_mb']:.0f} MB. Load average (1 min) at the "
                 f"start / end of the run: {m.get('load_at_start', float('nan')):.1f} / "
                 f"{m.get('load_at_end', float('nan')):.1f} (a quiet machine is below 1).")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path)
    parser.add_argument("--smoke", action="store_true", help="tiny database, few repetitions")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--markdown", action="store_true", help="the BENCHMARKS.md table (previous figures beside)")
    parser.add_argument("--previous", type=Path, default=PREVIOUS, help="figures of the previous run (JSON)")
    args = parser.parse_args(argv)
    if args.smoke:
        db = args.db or Path(tempfile.mkdtemp()) / "smoke.db"
        scale = 0.002
    else:
        db = args.db or DEFAULT_DB
        scale = 1.0
    db.parent.mkdir(parents=True, exist_ok=True)
    figures = run(db, smoke=args.smoke, scale=scale)
    if args.json:
        print(json.dumps(figures, indent=2, default=str))
    elif args.markdown:
        previous = json.loads(args.previous.read_text(encoding="utf-8")) if args.previous.exists() else None
        print(markdown(figures, previous))
    else:
        print(report(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
