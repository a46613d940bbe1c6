"""The benchmark scripts run end to end on a tiny database (figures are
checked to exist and be sane, not against targets: the full run is not CI)."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow("every benchmark script end to end in a subprocess: a database generated, "
                  "candidates imported, keys typed in the app")
def test_benchmarks_smoke(tmp_path):
    out = subprocess.run([sys.executable, "-m", "bench", "--smoke", "--json", "--db", str(tmp_path / "smoke.db")],
                         capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    figures = json.loads(out.stdout)
    summary = figures["summary"]
    assert set(summary) == {"startup_ratio", "dashboard_data_ms", "dashboard_data_changed_ms", "desk_open_p95_ms",
                            "switch_visited_p95_ms", "first_visit_ms", "entries_per_second", "p95_handler_ms", "keys_entries_per_second",
                            "keys_p95_handler_ms", "keys_counter_lag_frames", "import_candidates_s",
                            "export_protocol_s", "forms_export_s", "forms_import_s", "peak_rss_mb"}
    assert all(value > 0 for value in summary.values())
    assert figures["entry"]["entered_in_database"] == 50
    for path in ("first_entry", "control_entry", "attendance", "appeal_regrading"):  # every key entered
        assert figures["keys"][path]["entered"] == figures["keys"][path]["keys"] > 0, path
    from bench.__main__ import SMOKE_CANDIDATES

    assert figures["import_candidates"]["imported"] == SMOKE_CANDIDATES
    assert figures["forms"]["imported_ok"] == figures["forms"]["forms"] > 0
    assert figures["generated"]["registration"] >= 2000
    # every desk opened the exam: a figure per desk, from its own interpreter's memory
    assert all(figures["desks"][f"open_{desk}_p95_ms"] > 0 for desk in
               ("papers", "attendance", "grades", "appeals", "commissions", "after"))
    assert set(figures["peak_rss_by_scenario_mb"]) == {"startup", "desks", "entry", "import_candidates", "forms",
                                                       "export_protocol"}


def test_markdown_table_names_every_target():
    """The BENCHMARKS.md table comes from the figures: one row per target."""
    from bench.__main__ import TARGETS, markdown

    desks = {f"{kind}_{desk}_{what}": 1.0 for desk in ("papers", "attendance", "grades", "appeals", "commissions",
                                                        "after")
             for kind, what in (("open", "p95_ms"), ("open", "median_ms"), ("first_visit", "ms"),
                                ("first_visit", "with_data_ms"))}
    desks.update(switch_visited_p95_ms=1.0, switch_visited_median_ms=1.0)
    figures = {"summary": {key: 1.0 for key in TARGETS}, "desks": desks,
               "startup": {"bare_textual_first_frame_s": 0.3, "runs": 7, "bare_textual_peak_rss_mb": 30,
                           "eksamen_first_frame_s": 0.4, "eksamen_dashboard_data_s": 0.5,
                           "eksamen_dashboard_counts_s": 0.6},
               "peak_rss_by_scenario_mb": {"desks": 99.0}, "database_mb": 1.0,
               "machine": {"cpus": 2, "cpu": "x", "memory": "1 GiB", "platform": "p", "python": "3", "sqlite": "3"}}
    table = markdown(figures, {"date": "2026-11-23", "summary": {"peak_rss_mb": 124}})
    rows = [line for line in table.splitlines() if line.startswith("| ") and "≤" in line or "≥" in line]
    assert len(rows) == len(TARGETS)
    assert "| 124 |" in table and "previous (2026-11-23)" in table


@pytest.mark.slow("two clerk processes on one SQLite file")
def test_many_clerks_smoke_refuses_doubles_and_loses_nothing():
    """Two clerk processes on the same 20 candidates (SQLite): every grade
    written once, every other attempt refused naming the other clerk."""
    out = subprocess.run([sys.executable, "-m", "bench.bench_clerks", "--smoke", "--json"],
                         capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    (run,) = json.loads(out.stdout)["runs"]
    assert (run["clerks"], run["mode"], run["calls"]) == (2, "same", 40)
    assert run["written"] == 20 and run["refused_changed_meanwhile"] == 20
    assert run["escaped_errors"] == run["locked_errors"] == run["lost"] == run["doubled"] == 0
