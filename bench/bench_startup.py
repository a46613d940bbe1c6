"""Cold start: process start to the first dashboard frame, next to a bare
Textual app started the same way in the same run.

Each sample is a fresh interpreter (`python -c ...`) running the app
headless; the child prints a monotonic timestamp when the first frame has
been drawn (and, for eksamen-tui, when the dashboard shows its data), and
the parent subtracts the time it spawned the child.

    python -m bench.bench_startup [--runs 7] [--db PATH] [--json]
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

BARE_APP = r"""
import time, sys
from textual.app import App
from textual.widgets import Header, Footer, Static
class Bare(App):
    def compose(self):
        yield Header(); yield Static("bare"); yield Footer()
    def on_mount(self):
        self.call_after_refresh(self.first_frame)
    def first_frame(self):
        print("FIRST", time.monotonic(), flush=True)
        self.exit()
Bare().run(headless=True, size=(140, 45))
import resource
print("RSS", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, flush=True)
"""

EKSAMEN_APP = r"""
import time, sys
from datetime import date
from eksamen_tui.app import EksamenApp

class Timed(EksamenApp):
    CSS_PATH = str(__import__("pathlib").Path(__import__("eksamen_tui.app").app.__file__).with_name("app.tcss"))

    def on_mount(self):
        super().on_mount()
        self.call_after_refresh(self.first_frame)
    def first_frame(self):
        print("FIRST", time.monotonic(), flush=True)
        self.set_interval(0.005, self.poll)
    seen = set()
    def poll(self):
        from textual.widgets import DataTable
        if self.ctx is None or self.screen.__class__.__name__ != "DashboardScreen":
            return
        if "DATA" not in self.seen and self.screen.query_one("#exams", DataTable).row_count:
            self.seen.add("DATA")  # the table's rows are in (drawn at the next refresh)
            self.call_after_refresh(print, "DATA", time.monotonic(), flush=True)
        if "COUNTS" not in self.seen and getattr(self.screen, "_counts", None) is not None:
            self.seen.add("COUNTS")  # every card's counts are in
            self.call_after_refresh(print, "COUNTS", time.monotonic(), flush=True)
        if self.seen == {"DATA", "COUNTS"}:
            self.call_after_refresh(self.exit)
Timed(db=sys.argv[1], today=date.fromisoformat(sys.argv[2])).run(headless=True, size=(140, 45))
import resource
print("RSS", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, flush=True)
"""


def sample(code: str, *args: str) -> dict[str, float]:
    start = time.monotonic()
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120)
    marks = {}
    for line in out.stdout.splitlines():
        if line.startswith(("FIRST", "DATA", "COUNTS")):
            name, value = line.split()
            marks[name] = float(value) - start
        elif line.startswith("RSS"):
            marks["rss_mb"] = float(line.split()[1])
    if "FIRST" not in marks:
        raise RuntimeError(f"no frame reported: {out.stderr[-2000:]}")
    return marks


def run(runs: int, db: Path | None, today: date) -> dict:
    if db is None:
        from eksamen_tui.services.demo import write_demo_database

        db = Path(tempfile.mkdtemp()) / "demo.db"
        write_demo_database(db, today=today)
    sample(BARE_APP)  # warm the OS file cache for both, equally
    sample(EKSAMEN_APP, str(db), today.isoformat())
    bare, first, data, counts, after_first, rss, bare_rss = [], [], [], [], [], [], []
    for _ in range(runs):  # interleaved, so both see the same load on the machine
        marks = sample(BARE_APP)
        bare.append(marks["FIRST"])
        bare_rss.append(marks.get("rss_mb", float("nan")))
        marks = sample(EKSAMEN_APP, str(db), today.isoformat())
        first.append(marks["FIRST"])
        data.append(marks.get("DATA", float("nan")))
        counts.append(marks.get("COUNTS", float("nan")))
        after_first.append(max(marks.get("DATA", float("nan")), marks.get("COUNTS", float("nan"))) - marks["FIRST"])
        rss.append(marks.get("rss_mb", float("nan")))
    result = {
        "runs": runs,
        "bare_textual_first_frame_s": statistics.median(bare),
        "eksamen_first_frame_s": statistics.median(first),
        "eksamen_dashboard_data_s": statistics.median(data),
        "eksamen_dashboard_counts_s": statistics.median(counts),
        # table and every card drawn, measured from the app's own first frame
        "dashboard_data_after_first_frame_ms": 1000 * statistics.median(after_first),
        "bare_textual_peak_rss_mb": max(bare_rss),
        # each sample's own peak (RUSAGE_SELF inside the app's process)
        "peak_rss_mb": max(rss),
    }
    result["ratio_first_frame"] = result["eksamen_first_frame_s"] / result["bare_textual_first_frame_s"]
    result["ratio_dashboard_data"] = result["eksamen_dashboard_data_s"] / result["bare_textual_first_frame_s"]
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--db", type=Path)
    parser.add_argument("--today", type=date.fromisoformat, default=date(2026, 11, 23))
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    result = run(args.runs, args.db, args.today)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(f"{'measure (median of %d)' % args.runs:<40} {'seconds':>8}")
        print(f"{'bare Textual app, first frame':<40} {result['bare_textual_first_frame_s']:>8.3f}")
        print(f"{'eksamen-tui, first dashboard frame':<40} {result['eksamen_first_frame_s']:>8.3f}")
        print(f"{'eksamen-tui, dashboard with data':<40} {result['eksamen_dashboard_data_s']:>8.3f}")
        print(f"{'eksamen-tui, dashboard with counts':<40} {result['eksamen_dashboard_counts_s']:>8.3f}")
        print(f"{'data after first frame (ms)':<40} {result['dashboard_data_after_first_frame_ms']:>8.0f}")
        print(f"{'ratio first frame / bare':<40} {result['ratio_first_frame']:>8.2f}")
        print(f"{'ratio dashboard data / bare':<40} {result['ratio_dashboard_data']:>8.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
