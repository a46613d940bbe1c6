"""The command line, run as a real process."""
import json
import subprocess
import sys

import pytest


def run(*args, env=None):
    return subprocess.run([sys.executable, "-m", "eksamen_tui", *args], capture_output=True, text=True, env=env)


def test_deadlines_json_has_every_key():
    out = run("deadlines", "2026-12-10", "--json", "--published", "2027-01-04")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    for key in ("paper_delivery", "obligatory_activities", "commission_form", "withdrawal",
                "valid_absence_documentation", "grading", "explanation_request", "appeal"):
        assert key in data
    assert data["paper_delivery"] == "2026-12-03"
    assert data["grading"] == "2027-01-11"
    assert data["explanation_request"] == "2027-01-11"
    assert data["appeal"] == "2027-01-25"


def test_deadlines_profile_changes_the_paper_deadline():
    ntnu = json.loads(run("deadlines", "2026-12-10", "--json").stdout)
    nhh = json.loads(run("deadlines", "2026-12-10", "--json", "--profile", "nhh").stdout)
    assert (ntnu["paper_delivery"], nhh["paper_delivery"]) == ("2026-12-03", "2026-12-01")


def test_deadlines_text_lists_labels():
    out = run("deadlines", "2026-12-10")
    assert "Sensurfrist" in out.stdout and "2027-01-11" in out.stdout


def test_bad_date_and_unknown_profile_exit_2_with_one_line():
    for args in (("deadlines", "10.13.2026"), ("deadlines", "2026-12-10", "--profile", "uio")):
        out = run(*args)
        assert out.returncode == 2
        assert len(out.stderr.strip().splitlines()) == 1
        assert out.stdout == ""


def test_deadlines_after_publication_alone():
    out = run("deadlines", "--published", "2027-01-04", "--json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == {"explanation_request": "2027-01-11", "appeal": "2027-01-25",
                                      "appeal_send": "2027-02-15"}
    text = run("deadlines", "--published", "2027-01-04")
    assert "Klagefrist" in text.stdout and "Sensurfrist" not in text.stdout


def test_deadlines_needs_a_date():
    out = run("deadlines")
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr.strip().splitlines() == ["eksamen-tui: oppgi en eksamensdato, --published DATO eller begge"]


def _one_line(out, code):
    assert out.returncode == code, (out.stdout, out.stderr)
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in out.stderr, out.stderr
    return lines[0]


@pytest.mark.slow("several CLI processes, one writing the demo database")
def test_demo_and_backup_refuse_existing_files_and_the_database_itself(tmp_path):
    import hashlib

    db = tmp_path / "real.db"
    assert run("--today", "2026-11-23", "demo", str(db)).returncode == 0
    digest = hashlib.sha256(db.read_bytes()).hexdigest()
    assert "finnes allerede" in _one_line(run("demo", str(db)), 2)
    assert "finnes allerede" in _one_line(run("demo", str(tmp_path)), 2)
    assert "selve databasen" in _one_line(run("--db", str(db), "backup", str(db)), 2)
    assert "selve databasen" in _one_line(run("--db", str(db), "backup", str(tmp_path)), 2)
    other = tmp_path / "other.txt"
    other.write_text("keep me")
    assert "finnes allerede" in _one_line(run("--db", str(db), "backup", str(other)), 2)
    assert other.read_text() == "keep me"
    assert hashlib.sha256(db.read_bytes()).hexdigest() == digest
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.txt", "real.db"]


def test_a_killed_demo_leaves_nothing_under_its_name(tmp_path):
    import signal
    import time

    target = tmp_path / "demo.db"
    process = subprocess.Popen([sys.executable, "-m", "eksamen_tui", "--today", "2026-11-23", "demo", str(target)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while not any(p.name.endswith(".tmp") for p in tmp_path.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert not target.exists()
    out = run("--today", "2026-11-23", "demo", str(target))
    assert out.returncode == 0, out.stderr
    assert target.exists()


def test_an_unexpected_error_is_one_line_with_a_log_file(tmp_path, monkeypatch, capsys):
    import argparse

    from eksamen_tui.cli import run_command

    monkeypatch.setenv("EKSAMEN_LOG_DIR", str(tmp_path / "logs"))

    def broken(args):
        return {}["no such key"]

    assert run_command(broken, argparse.Namespace(command="test")) == 1
    err = capsys.readouterr().err
    (line,) = err.strip().splitlines()
    assert line.startswith("eksamen-tui: intern feil (KeyError) – se logg ")
    (log,) = (tmp_path / "logs").iterdir()
    assert str(log) in line and "no such key" in log.read_text() and "Traceback" in log.read_text()
    assert oct(log.stat().st_mode & 0o777) == "0o600"
