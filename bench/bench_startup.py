"""Cold start: process start to the first dashboard frame, next to a bare
Textual app started the same way in the same run.

Each sample is a fresh interpreter (`python -c ...`) running the app
headless; the child prints a monotonic timestamp when the first frame has
been drawn (and, for eksamen-tui, when the dashboard shows its data), and
the parent subtracts the time it spawned the child.

eksamen-tui is started two ways, interleaved: with the database unchanged
since the dashboard was last read (its snapshot is shown,
eksamen_tui.dashboard_snapshot), and after a change (the snapshot is
removed first, so the feed reads afresh).

    python -m bench.bench_startup [--runs 7] [--db PATH] [--json]
"""
from __future__ import annotations

import argparse
import json
import os
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
        print("FIRST", time.monotonic(), time.process_time(), flush=True)
        self.exit()
Bare().run(headless=True, size=(140, 45))
import resource
print("RSS", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, flush=True)
"""

EKSAMEN_APP = r"""
import time, sys
from datetime import date
# as the CLI starts the app (eksamen_tui.cli.run_app): the dashboard's data
# read by a second process while Textual starts
from eksamen_tui.dashboard_feed import DashboardFeed
feed = DashboardFeed.start(sys.argv[1], today=date.fromisoformat(sys.argv[2]))
from eksamen_tui.app import EksamenApp

class Timed(EksamenApp):
    # the app's own stylesheets, as absolute paths (this class has no file to resolve them from)
    CSS_PATH = [str((__import__("pathlib").Path(__import__("eksamen_tui.app").app.__file__).parent / path).resolve())
                for path in EksamenApp.CSS_PATH]
    seen = set()

    def on_mount(self):
        super().on_mount()
        self.call_after_refresh(self.first_frame)
    def first_frame(self):
        print("FIRST", time.monotonic(), time.process_time(), flush=True)
        # told by the dashboard itself when its rows and its cards are in
        # (no polling timer competing with the loading thread for the GIL)
        import screens.dashboard as dashboard

        app = self
        show, show_counts = dashboard.DashboardScreen._show, dashboard.DashboardScreen._show_counts
        def _show(screen, lines, forms=None):
            show(screen, lines, forms)
            app.mark("DATA", bool(lines))
        def _show_counts(screen, counts):
            show_counts(screen, counts)
            app.mark("COUNTS", True)
        dashboard.DashboardScreen._show, dashboard.DashboardScreen._show_counts = _show, _show_counts
        # on a loaded machine the feed's data can be drawn in the first frame already
        if getattr(self.screen, "_lines", None):
            self.mark("DATA", True)
        if getattr(self.screen, "_counts", None) is not None:
            self.mark("COUNTS", True)
    def mark(self, name, shown):
        if shown and name not in self.seen:
            self.seen.add(name)  # drawn at the next refresh
            self.call_after_refresh(lambda: print(name, time.monotonic(), time.process_time(), flush=True))
        if self.seen == {"DATA", "COUNTS"}:
            self.call_after_refresh(self.exit)
try:
    Timed(db=sys.argv[1], today=date.fromisoformat(sys.argv[2]), dashboard_feed=feed).run(headless=True, size=(140, 45))
finally:
    if feed is not None:
        feed.close()
import resource
print("RSS", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, flush=True)
"""


# Bytecode as an installed app has it (pip compiles .pyc files when it
# installs; an editable install writes them on the first run): the children
# may cache it, in a folder of the benchmark's own, even where the
# environment says PYTHONDONTWRITEBYTECODE (otherwise every sample would
# compile the app's ~50 modules from source, ~0.15 s of CPU no clerk pays).
# The warm-up samples fill it, for the bare app and eksamen-tui alike.
PYCACHE = Path(tempfile.gettempdir()) / "eksamen-tui-bench-pycache"


def child_env() -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
    return env


def sample(code: str, *args: str) -> dict[str, float]:
    start = time.monotonic()
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120,
                         env=child_env())
    marks = {}
    for line in out.stdout.splitlines():
        if line.startswith(("FIRST", "DATA", "COUNTS")):
            name, value, cpu = line.split()
            marks[name] = float(value) - start
            marks[name + "_cpu"] = float(cpu)  # CPU time of the app's process so far (load-independent)
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
    from eksamen_tui.dashboard_snapshot import snapshot_path

    sample(BARE_APP)  # warm the OS file cache for both, equally
    sample(EKSAMEN_APP, str(db), today.isoformat())  # (its reading becomes the snapshot)
    bare, first, data, counts, after_first, rss, bare_rss = [], [], [], [], [], [], []
    bare_cpu, first_cpu, after_first_cpu = [], [], []
    changed_after_first, changed_first = [], []
    for _ in range(runs):  # interleaved, so all see the same load on the machine
        # a start after another counter's change: the snapshot is stale, the
        # feed reads afresh (deleting it takes the same path as a stale key)
        snapshot_path(db).unlink(missing_ok=True)
        marks = sample(EKSAMEN_APP, str(db), today.isoformat())
        changed_first.append(marks["FIRST"])
        changed_after_first.append(max(marks.get("DATA", float("nan")), marks.get("COUNTS", float("nan")))
                                   - marks["FIRST"])
        # and with nothing changed since the last reading (what that start kept)
        marks = sample(BARE_APP)
        bare.append(marks["FIRST"])
        bare_cpu.append(marks["FIRST_cpu"])
        bare_rss.append(marks.get("rss_mb", float("nan")))
        marks = sample(EKSAMEN_APP, str(db), today.isoformat())
        first.append(marks["FIRST"])
        data.append(marks.get("DATA", float("nan")))
        counts.append(marks.get("COUNTS", float("nan")))
        after_first.append(max(marks.get("DATA", float("nan")), marks.get("COUNTS", float("nan"))) - marks["FIRST"])
        rss.append(marks.get("rss_mb", float("nan")))
        first_cpu.append(marks["FIRST_cpu"])
        after_first_cpu.append(max(marks.get("DATA_cpu", float("nan")), marks.get("COUNTS_cpu", float("nan")))
                               - marks["FIRST_cpu"])
    result = {
        "runs": runs,
        "bare_textual_first_frame_s": statistics.median(bare),
        "eksamen_first_frame_s": statistics.median(first),
        "eksamen_dashboard_data_s": statistics.median(data),
        "eksamen_dashboard_counts_s": statistics.median(counts),
        # table and every card drawn, measured from the app's own first frame
        "dashboard_data_after_first_frame_ms": 1000 * statistics.median(after_first),
        # the same when the database changed since the dashboard was last read
        "dashboard_data_after_first_frame_changed_ms": 1000 * statistics.median(changed_after_first),
        "eksamen_first_frame_changed_s": statistics.median(changed_first),
        # the same in CPU time of the app's own process (all its threads): what
        # the work costs, whatever else the machine runs meanwhile
        "bare_textual_first_frame_cpu_s": statistics.median(bare_cpu),
        "eksamen_first_frame_cpu_s": statistics.median(first_cpu),
        "dashboard_data_after_first_frame_cpu_ms": 1000 * statistics.median(after_first_cpu),
        "bare_textual_peak_rss_mb": max(bare_rss),
        # each sample's own peak (RUSAGE_SELF inside the app's process)
        "peak_rss_mb": max(rss),
    }
    result["ratio_first_frame"] = result["eksamen_first_frame_s"] / result["bare_textual_first_frame_s"]
    result["ratio_first_frame_cpu"] = result["eksamen_first_frame_cpu_s"] / result["bare_textual_first_frame_cpu_s"]
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
        print(f"{'  the same, changed since (ms)':<40} {result['dashboard_data_after_first_frame_changed_ms']:>8.0f}")
        print(f"{'ratio first frame / bare':<40} {result['ratio_first_frame']:>8.2f}")
        print(f"{'ratio dashboard data / bare':<40} {result['ratio_dashboard_data']:>8.2f}")
        print(f"{'CPU: bare app to first frame (s)':<40} {result['bare_textual_first_frame_cpu_s']:>8.3f}")
        print(f"{'CPU: eksamen-tui to first frame (s)':<40} {result['eksamen_first_frame_cpu_s']:>8.3f}")
        print(f"{'CPU: data after first frame (ms)':<40} {result['dashboard_data_after_first_frame_cpu_ms']:>8.0f}")
        print(f"{'CPU: ratio first frame / bare':<40} {result['ratio_first_frame_cpu']:>8.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
