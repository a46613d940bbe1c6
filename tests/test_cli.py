"""The command line, run as a real process."""
import json
import subprocess
import sys


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
