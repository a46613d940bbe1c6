"""The benchmark scripts run end to end on a tiny database (figures are
checked to exist and be sane, not against targets: the full run is not CI)."""
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_benchmarks_smoke(tmp_path):
    out = subprocess.run([sys.executable, "-m", "bench", "--smoke", "--json", "--db", str(tmp_path / "smoke.db")],
                         capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    figures = json.loads(out.stdout)
    summary = figures["summary"]
    assert set(summary) == {"startup_ratio", "desk_ms", "entries_per_second", "p95_handler_ms",
                            "import_candidates_s", "export_protocol_s", "peak_rss_mb"}
    assert all(value > 0 for value in summary.values())
    assert figures["entry"]["entered_in_database"] == 50
    assert figures["import_candidates"]["imported"] == 10_000
    assert figures["forms"]["imported_ok"] == figures["forms"]["forms"] > 0
    assert figures["generated"]["registration"] >= 2000


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
