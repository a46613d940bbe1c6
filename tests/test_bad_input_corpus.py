"""Bad input through every command: wrong and extreme dates, missing,
unreadable and junk files, directories where files belong, bombs, other
programs' databases, bad --out and --db targets, impossible numbers.

Each case asserts the exit code (2: the input was refused), exactly one
line on stderr that says what and where, no traceback anywhere, the
database's full dump unchanged and every other file of the corpus
untouched (bytes and modes). The cases run through the CLI's own entry
point in-process (fast); a sample also runs as real processes.
"""
from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from tests.factories import add_exam, make_context
from tests.sheet_corpus import bomb_columns, bomb_rows, bomb_shared_strings

# The corpus pins its database by the SQLite file's bytes and dump, and many
# cases are SQLite files of other programs: it is about SQLite files.
pytestmark = pytest.mark.sqlite_only

EXAM_DAY = "2026-12-10"
AS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


@dataclass(frozen=True)
class Case:
    id: str
    argv: tuple[str, ...]
    words: str  # a piece of the one stderr line
    code: int = 2
    db: bool = True  # prepend --db {db}


def C(id: str, *argv: str, words: str, code: int = 2, db: bool = True) -> Case:
    return Case(id, argv, words, code, db)


CANDIDATES = ("import", "candidates")
COMMISSION = ("import", "commission")
PROTOCOL = ("export", "protocol")
FORMS = ("export", "commission")

CASES = [
    # --- deadlines: dates --------------------------------------------------------
    C("deadlines-year-1", "deadlines", "0001-01-01", words="1990"),
    C("deadlines-year-9999", "deadlines", "9999-12-31", words="2100"),
    C("deadlines-30-february", "deadlines", "2026-02-30", words="2026-02-30"),
    C("deadlines-us-order", "deadlines", "12/31/2026", words="12/31/2026"),
    C("deadlines-empty-date", "deadlines", "", words="Datoen mangler"),
    C("deadlines-words", "deadlines", "i morgen", words="i morgen"),
    C("deadlines-superscript-digits", "deadlines", "２０２６-12-10", words="Datoen"),
    C("deadlines-published-year-1", "deadlines", "--published", "0001-01-01", words="1990"),
    C("deadlines-unknown-profile", "deadlines", EXAM_DAY, "--profile", "uio", words="Ukjent profil «uio»"),
    C("deadlines-empty-profile", "deadlines", EXAM_DAY, "--profile", " ", words="Ukjent profil"),
    C("deadlines-no-date", "deadlines", words="oppgi en eksamensdato"),
    C("deadlines-two-dates", "deadlines", EXAM_DAY, "2026-12-11", words="unrecognized arguments"),
    # --- global options ----------------------------------------------------------
    C("today-year-1", "--today", "0001-01-01", "deadlines", EXAM_DAY, words="1990"),
    C("today-garbage", "--today", "x" * 5000, "deadlines", EXAM_DAY, words="--today"),
    C("unknown-command", "frobnicate", words="invalid choice"),
    C("db-foreign-sqlite", "--db", "{d}/foreign.sqlite", "settings", words="foreign.sqlite", db=False),
    C("db-junk-file", "--db", "{d}/junk.db", "settings", words="junk.db", db=False),
    C("db-newer-schema", "--db", "{d}/newer.db", "settings", words="newer.db", db=False),
    C("db-read-only", "--db", "{d}/readonly.db", "settings", "profile", "nhh", words="skrivebeskyttet", db=False),
    C("db-is-a-directory", "--db", "{d}/folder.db", "settings", words="er en mappe", db=False),
    C("db-missing-folder", "--db", "{d}/typo/x.db", "settings", words="finnes ikke", db=False),
    C("db-mangled-url", "--db", "postgresql+psycopg:/localhost/x", "settings", words="URL", db=False),
    C("db-empty", "--db", "", "settings", words="--db er tom", db=False),
    C("db-under-a-file", "--db", "{d}/plain.txt/x.db", "settings", words="plain.txt", db=False),
    C("db-foreign-for-import", "--db", "{d}/foreign.sqlite", *CANDIDATES, "{d}/good.csv", words="foreign.sqlite",
      db=False),
    C("db-foreign-for-export", "--db", "{d}/foreign.sqlite", *PROTOCOL, "TDT4100", "--out", "{tmp}/ut",
      words="foreign.sqlite", db=False),
    # --- demo ------------------------------------------------------------------------
    C("demo-onto-the-database", "demo", "{db}", words="finnes allerede"),
    C("demo-onto-a-folder", "demo", "{d}", words="finnes allerede"),
    C("demo-onto-a-foreign-file", "demo", "{d}/foreign.sqlite", words="finnes allerede"),
    C("demo-under-a-file", "demo", "{d}/plain.txt/demo.db", words="plain.txt"),
    C("demo-empty-path", "demo", "", words="PATH er tom"),
    C("demo-in-proc", "demo", "/proc/eksamen-demo.db", words="/proc"),
    # --- backup ------------------------------------------------------------------------
    C("backup-onto-itself", "backup", "{db}", words="selve databasen"),
    C("backup-into-its-own-folder", "backup", "{d}", words="selve databasen"),
    C("backup-onto-an-existing-file", "backup", "{d}/plain.txt", words="finnes allerede"),
    C("backup-empty-target", "backup", "", words="PATH er tom"),
    C("backup-under-a-file", "backup", "{d}/plain.txt/copy.db", words="plain.txt"),
    C("backup-into-proc", "backup", "/proc/eksamen-copy.db", words="/proc"),
    C("backup-of-a-missing-database", "--db", "{d}/nothing-here.db", "backup", "{tmp}/copy.db",
      words="finnes ikke", db=False),
    C("backup-of-a-folder", "--db", "{d}/folder.db", "backup", "{tmp}/copy.db", words="mappe", db=False),
    C("backup-of-a-foreign-file", "--db", "{d}/foreign.sqlite", "backup", "{tmp}/copy.db",
      words="foreign.sqlite", db=False),
    C("backup-of-junk", "--db", "{d}/junk.db", "backup", "{tmp}/copy.db", words="junk.db", db=False),
    C("backup-of-a-server", "--db", "postgresql+psycopg://nobody@127.0.0.1:1/x", "backup", "{tmp}/copy.db",
      words="SQLite-filer", db=False),
    # --- import candidates: files ------------------------------------------------------
    C("candidates-missing-file", *CANDIDATES, "{d}/nothing.csv", words="finnes ikke"),
    C("candidates-directory-named-csv", *CANDIDATES, "{d}/x.csv", words="er en mappe"),
    C("candidates-directory-named-xlsx", *CANDIDATES, "{d}/x.xlsx", words="er en mappe"),
    C("candidates-random-bytes-csv", *CANDIDATES, "{d}/random.csv", words="random.csv"),
    C("candidates-random-bytes-xlsx", *CANDIDATES, "{d}/random.xlsx", words="random.xlsx"),
    C("candidates-random-bytes-ods", *CANDIDATES, "{d}/random.ods", words="random.ods"),
    C("candidates-random-bytes-xls", *CANDIDATES, "{d}/random.xls", words="random.xls"),
    C("candidates-empty-csv", *CANDIDATES, "{d}/empty.csv", words="tom"),
    C("candidates-fifo", *CANDIDATES, "{d}/pipe.csv", words="pipe.csv"),
    C("candidates-unknown-suffix", *CANDIDATES, "{d}/plain.txt", words="ukjent filtype"),
    C("candidates-zip-not-a-workbook", *CANDIDATES, "{d}/zip.xlsx", words="zip.xlsx"),
    C("candidates-truncated-xlsx", *CANDIDATES, "{d}/truncated.xlsx", words="truncated.xlsx"),
    C("candidates-csv-named-xlsx", *CANDIDATES, "{d}/csv.xlsx", words="csv.xlsx"),
    C("candidates-utf16-csv", *CANDIDATES, "{d}/utf16.csv", words="utf16.csv"),
    C("candidates-only-a-header", *CANDIDATES, "{d}/header_only.csv", words="ingen kandidater"),
    C("candidates-no-header", *CANDIDATES, "{d}/no_header.csv", words="no_header.csv"),
    C("candidates-row-bomb", *CANDIDATES, "{d}/bomb_rows.xlsx", words="50 000"),
    C("candidates-column-bomb", *CANDIDATES, "{d}/bomb_columns.xlsx", words="kolonner"),
    C("candidates-shared-strings-bomb", *CANDIDATES, "{d}/bomb_strings.xlsx", words="grensen"),
    C("candidates-too-big", *CANDIDATES, "{d}/big.csv", words="grensen"),
    C("candidates-under-a-file", *CANDIDATES, "{d}/plain.txt/x.csv", words="x.csv"),
    C("candidates-empty-path", *CANDIDATES, "", words="FILE er tom"),
    # --- import candidates: rows ----------------------------------------------------------
    C("candidates-attempt-10-to-23", *CANDIDATES, "{d}/attempt_huge.csv", words="rad 2"),
    C("candidates-attempt-0", *CANDIDATES, "{d}/attempt_zero.csv", words="rad 2"),
    C("candidates-candidate-number-huge", *CANDIDATES, "{d}/candidate_huge.csv", words="rad 2"),
    C("candidates-date-year-1", *CANDIDATES, "{d}/date_year1.csv", words="rad 2"),
    C("candidates-date-30-february", *CANDIDATES, "{d}/date_feb30.csv", words="rad 2"),
    C("candidates-unknown-course", *CANDIDATES, "{d}/unknown_course.csv", words="ukjent emnekode"),
    C("candidates-student-number-letters", *CANDIDATES, "{d}/student_letters.csv", words="rad 2"),
    C("candidates-bad-language", *CANDIDATES, "{d}/bad_language.csv", words="målform"),
    C("candidates-latin1-bad-row", *CANDIDATES, "{d}/latin1.csv", words="latin1.csv"),
    # --- import commission ---------------------------------------------------------------
    C("commission-missing-path", *COMMISSION, "{d}/nothing", words="finner ikke"),
    C("commission-folder-without-forms", *COMMISSION, "{d}/no_forms", words="fant ingen kommisjonsskjema"),
    C("commission-random-bytes", *COMMISSION, "{d}/forms/random_kommisjonsskjema.xlsx", words="random_kommisjonsskjema"),
    C("commission-folder-of-junk", *COMMISSION, "{d}/forms", words="ble ikke importert"),
    C("commission-empty-path", *COMMISSION, "", words="PATH er tom"),
    # --- export protocol -----------------------------------------------------------------
    C("protocol-unknown-course", *PROTOCOL, "XYZ999", "--out", "{tmp}/ut", words="fant ingen eksamen for XYZ999"),
    C("protocol-climbing-code", *PROTOCOL, "../../x", "--out", "{tmp}/ut", words="fant ingen eksamen"),
    C("protocol-several-exams", *PROTOCOL, "DAT200", "--out", "{tmp}/ut", words="velg med --date"),
    C("protocol-date-year-1", *PROTOCOL, "TDT4100", "--date", "0001-01-01", words="1990"),
    C("protocol-wrong-date", *PROTOCOL, "TDT4100", "--date", "2026-12-11", "--out", "{tmp}/ut",
      words="fant ingen eksamen"),
    C("protocol-empty-out", *PROTOCOL, "TDT4100", "--out", "", words="--out er tom"),
    C("protocol-out-under-a-file", *PROTOCOL, "TDT4100", "--out", "{d}/plain.txt/ut", words="plain.txt"),
    C("protocol-out-in-proc", *PROTOCOL, "TDT4100", "--out", "/proc/eksamen-ut", words="/proc"),
    C("protocol-out-is-a-file-not-xlsx", *PROTOCOL, "TDT4100", "--out", "{d}/plain.txt", words="plain.txt"),
    # --- export commission -----------------------------------------------------------------
    C("forms-without-out", *FORMS, "TDT4100", words="--out"),
    C("forms-empty-out", *FORMS, "TDT4100", "--out", " ", words="--out er tom"),
    C("forms-from-after-to", *FORMS, "--from", "2026-12-31", "--to", "2026-01-01", "--out", "{tmp}/ut",
      words="er etter --to"),
    C("forms-nothing-matches", *FORMS, "XYZ999", "--out", "{tmp}/ut", words="fant ingen eksamener"),
    C("forms-from-year-9999", *FORMS, "--from", "9999-01-01", "--out", "{tmp}/ut", words="2100"),
    C("forms-out-is-a-file", *FORMS, "TDT4100", "--out", "{d}/plain.txt", words="plain.txt"),
    C("forms-out-under-a-file", *FORMS, "TDT4100", "--out", "{d}/plain.txt/ut", words="plain.txt"),
    # --- settings ---------------------------------------------------------------------------
    C("settings-unknown-profile", "settings", "profile", "uio", words="Ukjent profil"),
    C("settings-unknown-key", "settings", "set", "grading_days", "3", words="ukjent innstilling"),
    C("settings-negative", "settings", "set", "grading_days_after", "-1", words="bare sifrene"),
    C("settings-huge", "settings", "set", "grading_days_after", "1" + "0" * 23, words="for mange sifre"),
    C("settings-superscript", "settings", "set", "grading_days_after", "²", words="bare sifrene"),
    C("settings-flag-word", "settings", "set", "grading_roll_backward", "kanskje", words="ja eller nei"),
    C("settings-bad-closed-day", "settings", "closed-day", "add", "31.02", words="Ugyldig lokal fridag"),
    C("settings-closed-day-year-1", "settings", "closed-day", "add", "0001-01-01", words="1990"),
    C("settings-remove-absent-day", "settings", "closed-day", "remove", "05-17", words="ikke en lokal fridag"),
]


def _dump_hash(path: Path) -> str:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return hashlib.sha256("\n".join(conn.iterdump()).encode()).hexdigest()
    finally:
        conn.close()


_digests: dict[tuple, str] = {}


def _digest(path: Path, info: os.stat_result) -> str:
    """The file's SHA-256, remembered by its identity and change stamps:
    any write (or chmod, rename onto it) moves the ctime, which user code
    cannot set back. Only a digest taken well after the file's last change
    is remembered (a change within the same clock tick would otherwise keep
    the stamp). The 60 MB big.csv is hashed once, not twice per case."""
    import time

    key = (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)
    if key in _digests:
        return _digests[key]
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if time.time_ns() - info.st_ctime_ns > 2_000_000_000:
        _digests[key] = digest
    return digest


def _tree(folder: Path, skip: set[str]) -> dict[str, tuple]:
    """Every entry under `folder`: kind, mode and (for files) a hash."""
    found = {}
    for path in sorted(folder.rglob("*")):
        name = path.relative_to(folder).as_posix()
        if name in skip or name.endswith(("-wal", "-shm")):
            continue
        info = path.lstat()
        digest = _digest(path, info) if stat.S_ISREG(info.st_mode) else None
        found[name] = (stat.S_IFMT(info.st_mode), stat.S_IMODE(info.st_mode), digest)
    return found


def _csv(path: Path, *rows: str, encoding: str = "utf-8") -> None:
    header = "Emnekode;Eksamensdato;Studentnr;Kandidatnr;Navn;Målform;Forsøk"
    path.write_bytes("\n".join([header, *rows]).encode(encoding) + b"\n")


def _fresh_database(path: Path, *, version: str | None = None) -> None:
    """A fresh eksamen-tui database in one file; `version` fakes its schema revision."""
    from eksamen_tui.db.engine import make_engine
    from eksamen_tui.db.migrations import upgrade

    engine = make_engine(path)
    upgrade(engine)
    engine.dispose()
    conn = sqlite3.connect(path)
    if version:
        conn.execute("UPDATE alembic_version SET version_num = ?", (version,))
        conn.commit()
    conn.execute("PRAGMA journal_mode=DELETE")
    conn.close()


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """The corpus folder: a small eksamen-tui database and hostile files."""
    d = tmp_path_factory.mktemp("corpus")
    ctx = make_context(d)
    add_exam(ctx, code="TDT4100", exam_date=date(2026, 12, 10), candidates=5)
    add_exam(ctx, code="DAT200", name="Algoritmer", exam_date=date(2026, 10, 27), candidates=3)
    add_exam(ctx, code="DAT200", name="Algoritmer", exam_date=date(2026, 12, 2), candidates=3)
    db = Path(ctx.engine.url.database)
    ctx.engine.dispose()
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA journal_mode=DELETE")  # one file, so the tree below is stable
    (d / "plain.txt").write_text("not a database\n")
    (d / "x.csv").mkdir()
    (d / "x.xlsx").mkdir()
    (d / "folder.db").mkdir()
    (d / "no_forms").mkdir()
    (d / "no_forms" / "notes.txt").write_text("ingen skjema her")
    forms = d / "forms"
    forms.mkdir()
    (forms / "random_kommisjonsskjema.xlsx").write_bytes(os.urandom(3000))
    (forms / "folder_kommisjonsskjema.xlsx").mkdir()
    random_bytes = os.urandom(4096)
    for name in ("random.csv", "random.xlsx", "random.ods", "random.xls", "junk.db"):
        (d / name).write_bytes(random_bytes)
    (d / "empty.csv").write_bytes(b"")
    os.mkfifo(d / "pipe.csv")
    with zipfile.ZipFile(d / "zip.xlsx", "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    good = d / "good.csv"
    _csv(good, f"TDT4100;10.12.2026;654321;301;Ny Student;bokmål;1")
    (d / "truncated.xlsx").write_bytes((Path(__file__).parent / "data" / "sheets" / "fs_standard.ods").read_bytes()[:700])
    (d / "csv.xlsx").write_bytes(good.read_bytes())
    _csv(d / "utf16.csv", "TDT4100;10.12.2026;654321;301;Ny Student;bokmål;1", encoding="utf-16-le")
    _csv(d / "header_only.csv")
    (d / "no_header.csv").write_text("TDT4100;10.12.2026;654321;301;Ny Student\n")
    bomb_rows(d / "bomb_rows.xlsx")
    bomb_columns(d / "bomb_columns.xlsx")
    bomb_shared_strings(d / "bomb_strings.xlsx")
    with open(d / "big.csv", "wb") as handle:  # sparse: 60 MB on paper, nothing on disk
        handle.truncate(60 * 1024 * 1024)
    _csv(d / "attempt_huge.csv", "TDT4100;10.12.2026;654321;301;Ny Student;bokmål;" + "1" + "0" * 23)
    _csv(d / "attempt_zero.csv", "TDT4100;10.12.2026;654321;301;Ny Student;bokmål;0")
    _csv(d / "candidate_huge.csv", "TDT4100;10.12.2026;654321;" + "9" * 25 + ";Ny Student;bokmål;1")
    _csv(d / "date_year1.csv", "TDT4100;01.01.0001;654321;301;Ny Student;bokmål;1")
    _csv(d / "date_feb30.csv", "TDT4100;30.02.2026;654321;301;Ny Student;bokmål;1")
    _csv(d / "unknown_course.csv", "XYZ999;10.12.2026;654321;301;Ny Student;bokmål;1")
    _csv(d / "student_letters.csv", "TDT4100;10.12.2026;65a321;301;Ny Student;bokmål;1")
    _csv(d / "bad_language.csv", "TDT4100;10.12.2026;654321;301;Ny Student;klingon;1")
    _csv(d / "latin1.csv", "TDT4100;10.12.2026;654321;301;Åse Ørn;bokmål;x", encoding="latin-1")
    conn = sqlite3.connect(d / "foreign.sqlite")
    conn.execute("CREATE TABLE contacts (id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute("INSERT INTO contacts (name) VALUES ('Kari')")
    conn.commit()
    conn.close()
    _fresh_database(d / "newer.db", version="9999")  # a schema from a newer release
    _fresh_database(d / "readonly.db")
    os.chmod(d / "readonly.db", 0o400)
    return d, db


def run_cli(argv: list[str], capsys) -> tuple[int, str, str]:
    from eksamen_tui.cli import main

    try:
        code = main(argv)
    except SystemExit as exit_:  # argparse's usage errors
        code = exit_.code if isinstance(exit_.code, int) else 2
    out = capsys.readouterr()
    return code, out.out, out.err


def _argv(case: Case, folder: Path, db: Path, tmp: Path) -> list[str]:
    argv = [part.replace("{d}", str(folder)).replace("{db}", str(db)).replace("{tmp}", str(tmp))
            for part in case.argv]
    return (["--db", str(db)] if case.db else []) + argv


def test_the_corpus_is_big_enough():
    assert len(CASES) >= 60
    assert len({case.id for case in CASES}) == len(CASES)
    commands = {case.argv[case.argv.index("--db") + 2 if "--db" in case.argv else 0] for case in CASES}
    assert {"deadlines", "demo", "backup", "import", "export", "settings"} <= commands


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_bad_input_is_one_line_and_changes_nothing(case, world, tmp_path, capsys, monkeypatch):
    folder, db = world
    monkeypatch.setenv("EKSAMEN_LOG_DIR", str(tmp_path / "logs"))
    monkeypatch.chdir(tmp_path)
    before_dump = _dump_hash(db)
    before_tree = _tree(folder, {db.name})
    code, out, err = run_cli(_argv(case, folder, db, tmp_path), capsys)
    lines = [line for line in err.splitlines() if line.strip()]
    assert "Traceback" not in out + err
    assert code == case.code, (code, out, err)
    assert len(lines) == 1, err
    assert lines[0].startswith("eksamen-tui: ") and "intern feil" not in lines[0], lines[0]
    assert case.words in lines[0], lines[0]
    assert not (tmp_path / "logs").exists()  # no internal error was logged
    assert _dump_hash(db) == before_dump
    assert _tree(folder, {db.name}) == before_tree
    assert not (tmp_path / "ut").exists() or not any((tmp_path / "ut").iterdir())
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "logs") in ([], ["ut"])


REAL_PROCESS = ["deadlines-year-1", "db-foreign-sqlite", "demo-onto-the-database", "backup-onto-itself",
                "candidates-random-bytes-csv", "candidates-row-bomb", "commission-folder-without-forms",
                "protocol-empty-out", "settings-huge", "unknown-command"]


@pytest.mark.parametrize("case_id", REAL_PROCESS)
def test_a_sample_as_real_processes(case_id, world, tmp_path):
    folder, db = world
    case = next(case for case in CASES if case.id == case_id)
    before = _dump_hash(db), _tree(folder, {db.name})
    env = {**os.environ, "EKSAMEN_LOG_DIR": str(tmp_path / "logs")}
    out = subprocess.run([sys.executable, "-m", "eksamen_tui", *_argv(case, folder, db, tmp_path)],
                         capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    assert out.returncode == case.code, out.stderr
    assert "Traceback" not in out.stdout + out.stderr
    assert len(out.stderr.strip().splitlines()) == 1 and case.words in out.stderr
    assert (_dump_hash(db), _tree(folder, {db.name})) == before


@pytest.mark.skipif(AS_ROOT, reason="root reads and writes whatever the permissions say")
@pytest.mark.parametrize("target", ["unreadable.csv", "unwritable/ut"])
def test_permissions(world, tmp_path, capsys, target):
    folder, db = world
    path = tmp_path / target
    if target.endswith(".csv"):
        _csv(path, "TDT4100;10.12.2026;654321;301;Ny Student;bokmål;1")
        os.chmod(path, 0)
        argv = ["--db", str(db), *CANDIDATES, str(path)]
    else:
        path.parent.mkdir()
        os.chmod(path.parent, 0o500)
        argv = ["--db", str(db), *PROTOCOL, "TDT4100", "--out", str(path)]
    before = _dump_hash(db)
    code, out, err = run_cli(argv, capsys)
    assert code == 2 and len(err.strip().splitlines()) == 1 and "Traceback" not in out + err
    assert _dump_hash(db) == before
