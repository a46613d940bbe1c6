"""Run every benchmark and print the figures against their targets.

    python -m bench                 # on bench/out/large.db (generated if missing)
    python -m bench --smoke         # a tiny database: checks that the scripts work
    python -m bench --json          # the figures as one JSON object

Each scenario runs in a fresh interpreter so its peak memory is its own.
"""
from __future__ import annotations

import argparse
import json
import platform
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
DEFAULT_DB = ROOT / "out" / "large.db"

TARGETS = {
    "startup_ratio": ("cold start / bare Textual", "≤ 1.5×", lambda v: v <= 1.5),
    "desk_ms": ("slowest desk usable", "≤ 150 ms", lambda v: v <= 150),
    "entries_per_second": ("grade entries per second", "≥ 300", lambda v: v >= 300),
    "p95_handler_ms": ("grade entry p95 handler", "≤ 5 ms", lambda v: v <= 5),
    "import_candidates_s": ("10k-row candidate import", "≤ 1 s", lambda v: v <= 1),
    "export_protocol_s": ("10k-row protocol export", "≤ 1 s", lambda v: v <= 1),
    "peak_rss_mb": ("largest peak resident memory", "≤ 150 MB", lambda v: v <= 150),
}


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
            "sqlite": sqlite3.sqlite_version, "platform": platform.platform()}


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
    figures["startup"]["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    figures["desks"] = child("bench.scenarios", "desks", str(db))
    figures["entry"] = child("bench.bench_grade_entry", "--json", "--db", str(db),
                             *(["--entries", "50"] if smoke else ["--entries", "1000"]))
    figures["import_candidates"] = child("bench.scenarios", "import_candidates", str(db))
    figures["forms"] = child("bench.scenarios", "forms", str(db))
    figures["export_protocol"] = child("bench.scenarios", "export_protocol", str(db))
    # many clerks: own fresh databases (SQLite, and PostgreSQL when reachable)
    figures["many_clerks"] = child("bench.bench_clerks", "--json", *(["--smoke"] if smoke else []))
    desk_times = {k: v for k, v in figures["desks"].items() if k.endswith("_ms") and "all_rows" not in k}
    rss = [figures[k]["peak_rss_mb"] for k in ("startup", "desks", "entry", "import_candidates", "forms",
                                                "export_protocol")]
    figures["summary"] = {
        "startup_ratio": figures["startup"]["ratio_first_frame"],
        "desk_ms": max(desk_times.values()),
        "entries_per_second": figures["entry"]["entries_per_second"],
        "p95_handler_ms": figures["entry"]["p95_handler_ms"],
        "import_candidates_s": figures["import_candidates"]["total_s"],
        "export_protocol_s": figures["export_protocol"]["total_s"],
        "peak_rss_mb": max(rss),
    }
    return figures


def report(figures: dict) -> str:
    lines = [f"{'figure':<34} {'measured':>12}  {'target':<10} met"]
    for key, value in figures["summary"].items():
        label, target, ok = TARGETS[key]
        lines.append(f"{label:<34} {value:>12.2f}  {target:<10} {'yes' if ok(value) else 'NO'}")
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path)
    parser.add_argument("--smoke", action="store_true", help="tiny database, few repetitions")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if args.smoke:
        db = args.db or Path(tempfile.mkdtemp()) / "smoke.db"
        scale = 0.002
    else:
        db = args.db or DEFAULT_DB
        scale = 1.0
    db.parent.mkdir(parents=True, exist_ok=True)
    figures = run(db, smoke=args.smoke, scale=scale)
    print(json.dumps(figures, indent=2, default=str) if args.json else report(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
