"""Random keys on every desk that changes data (#12 item 10).

Each desk is opened on an exam (or a student) of the demo database, then
600 keys (thousands with EKSAMEN_KEYS) drawn from the desk's own bindings, digits, letters,
Enter, Esc, Tab and Backspace are typed, one at a time, each handled before
the next (a clerk at counter speed). Dialogs open and close on the way.

After every key, the audit rows it wrote are checked against what the desk
showed when the key was pressed; after every batch of keys, the database is
compared with what it was before the batch. The test fails when
- the app stopped or an internal error was logged (a crash caught by a desk
  is still a crash),
- a row changed that does not belong to the exam shown in the desk's
  header (or of the row under its cursor, on the desks that list several
  exams' rows),
- a row of one candidate changed that is neither the candidate number
  typed nor the row under the cursor at that key (or at the key that opened
  the dialog it was typed into). Exceptions: the desk's own whole-exam
  actions («a» rest attended, «s» send the exam's appeals) and «u», which
  takes back an earlier change,
- a row changed without an audit row for its exam and candidate.

Seeded and reproducible: the seed is in every failure message, and
`EKSAMEN_KEYS_SEED=1234` replays one (`EKSAMEN_KEYS_SEED=random` draws a
new one; `EKSAMEN_KEYS=5000` types more keys than the suite's 600 per desk;
`EKSAMEN_KEYS_TRACE=1` prints what each batch of keys did, with `-s`)."""
from __future__ import annotations

import asyncio
import os
import random
import re
import shutil
import sqlite3
from dataclasses import dataclass, field
from datetime import date, datetime, time

import pytest
from textual import events

from eksamen_tui.app import EksamenApp
from eksamen_tui.desks import DESKS
from eksamen_tui.services.context import open_context
from eksamen_tui.services.demo import write_demo_database
from tests.screen_text import screen_text

pytestmark = pytest.mark.sqlite_only  # the demo is a SQLite file; the desks' logic is the same on PostgreSQL

TODAY = date(2026, 11, 23)
KEYS = int(os.environ.get("EKSAMEN_KEYS", "600"))
BATCH = 40

# what a key sends (the character a terminal would deliver with it)
CHARACTERS = {"slash": "/", "plus": "+", "minus": "-", "space": " ", "enter": "\r", "escape": "\x1b",
              "tab": "\t", "backspace": "\x7f", "ctrl+r": "\x12", "up": None, "down": None, "home": None}
LETTERS = "abcdefghijklmnopqrstuvwxyzæøå"

# desk -> (table whose cursor row is "the row under the cursor", what its row keys are)
CURSOR_TABLES = {
    "attendance": ("#roster", "registration"),
    "grades": ("#protocol", "registration"),
    "appeals": ("#cases", "case"),
    "student": ("#registrations", "registration"),
    "commissions": ("#exams", "exam"),
}
# a desk's key that acts on the whole exam, and the audit rows it may write for any candidate of it
WHOLE_EXAM = {
    "attendance": {"a": lambda entry: entry["reason_code"] == "rest_attended"},
    "appeals": {"s": lambda entry: entry["entity"] == "case" and entry["field"] == "sent_to_commission_on"},
}
UNDO_KEYS = {"attendance": "u", "grades": "u"}

# tables and how a row leads to its exam / registration
EXAM_TABLES = ("exam", "paperdelivery", "commission", "scriptmovement", "scriptresolution", "gradingextension",
               "feeform", "guidelinespublication")
REGISTRATION_TABLES = ("registration", "grade", "case", "attendancechange")
AUDITED = {"registration": "registration", "grade": "grade", "case": "case"}  # table -> audit entity
OTHER_TABLES = ("commissionmember", "examiner", "student", "course", "exampart", "setting")


def seed_for(desk: str) -> int:
    wanted = os.environ.get("EKSAMEN_KEYS_SEED", "")
    if wanted == "random":
        return random.SystemRandom().randrange(10**6)
    if wanted:
        return int(wanted)
    return sum(map(ord, desk)) * 7919  # fixed per desk: the suite is reproducible


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("random-keys") / "demo.db"
    write_demo_database(path, today=TODAY)
    return path


# --- what the database holds ------------------------------------------------------
class Database:
    """Read the demo file directly (sqlite3), independent of the app."""

    def __init__(self, path) -> None:
        self.conn = sqlite3.connect(path)
        self.conn.row_factory = sqlite3.Row
        self.reg_exam = dict(self.conn.execute("SELECT id, exam_id FROM registration"))
        self.reg_number = dict(self.conn.execute("SELECT id, candidate_number FROM registration"))
        self.by_number = {(exam, number): reg for reg, exam in self.reg_exam.items()
                          for number in (self.reg_number[reg],)}
        self.exam_by_code_date = {
            (code, exam_date): exam_id for exam_id, code, exam_date in self.conn.execute(
                "SELECT exam.id, course.code, exam.exam_date FROM exam JOIN course ON course.id = exam.course_id")}

    def close(self) -> None:
        self.conn.close()

    def numbers_of(self, target: int, desk: str) -> list[int]:
        """Candidate numbers a clerk would type on the desk opened on `target`."""
        if desk == "student":
            return []
        if desk == "appeals":
            return sorted(number for reg, number in self.reg_number.items() if reg in set(self.case_reg().values()))
        return sorted(number for (exam, number) in self.by_number if exam == target)

    def case_reg(self) -> dict[int, int]:
        return dict(self.conn.execute('SELECT id, registration_id FROM "case"'))

    def commission_exam(self) -> dict[int, int]:
        return dict(self.conn.execute("SELECT id, exam_id FROM commission"))

    def snapshot(self) -> dict[str, dict]:
        tables = {}
        for table in (*EXAM_TABLES, *REGISTRATION_TABLES, *OTHER_TABLES):
            key = "key" if table == "setting" else "id"
            tables[table] = {row[key]: tuple(row) for row in self.conn.execute(f'SELECT * FROM "{table}"')}
        return tables

    def audit_since(self, after_id: int) -> list[dict]:
        return [dict(row) for row in self.conn.execute("SELECT * FROM auditentry WHERE id > ? ORDER BY id", (after_id,))]

    def last_audit_id(self) -> int:
        return self.conn.execute("SELECT coalesce(max(id), 0) FROM auditentry").fetchone()[0]

    def exam_of_header(self, title: str | None) -> int | None:
        """The exam a desk's header names («TFY4115 Fysikk – Skoleeksamen 06.11.2026»)."""
        match = re.match(r"(\S+) .*?(\d\d)\.(\d\d)\.(\d{4})", title or "")
        if not match:
            return None
        code, day, month, year = match.groups()
        return self.exam_by_code_date.get((code, f"{year}-{month}-{day}"))


# --- what the clerk had in front of them at each key ------------------------------
@dataclass
class Seen:
    key: str
    on_desk: bool  # the desk itself had the keyboard (no dialog, no other desk)
    header_exam: int | None
    cursor: tuple[str, int] | None  # ("registration" | "case" | "exam", id)
    typed: set[str]  # the number typed just before this key (as the desk shows it, and as the keys spell it)
    opener: int | None  # index of the key that opened the dialog open at this key


@dataclass
class Witness:
    """Fed by the app's message hook: the state of the desk at each key,
    read before the key is handled."""

    app: EksamenApp
    desk: str
    db: Database
    screen: object = None
    seen: list[Seen] = field(default_factory=list)
    _opener: int | None = None
    _digits: str = ""

    def hook(self, message) -> None:
        if isinstance(message, events.Key) and not message.is_forwarded and self.screen is not None:
            self.seen.append(self._look(message.key))

    def _look(self, key: str) -> Seen:
        screen = self.screen
        on_desk = self.app.screen is screen
        if on_desk:
            self._opener = None
        elif self._opener is None:
            self._opener = max(len(self.seen) - 1, 0)
        cursor = None
        selector, kind = CURSOR_TABLES.get(self.desk, (None, None))
        if self.desk == "after" and getattr(screen, "view", "") == "fees":
            selector, kind = "#fees", "exam"  # a list of every exam's examiners: the row names its exam
        if selector is not None:
            table = screen.query_one(selector)
            if table.row_count:
                row_key = (table.cursor_key if hasattr(table, "cursor_key")  # EntryTable, else a DataTable
                           else table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)
                cursor = (kind, int(row_key.split(":")[0]))
        typed = {number for number in (getattr(screen, "_number", ""), self._digits) if number}
        if len(key) == 1 and key.isdigit():  # the number the keys spell (Backspace takes one back)
            self._digits += key
        elif key == "backspace":
            self._digits = self._digits[:-1]
        else:
            self._digits = ""
        return Seen(key, on_desk, self.db.exam_of_header(screen.sub_title), cursor, typed, self._opener)


@dataclass
class Checker:
    """After every key: the audit rows it wrote belong to what the clerk
    had in front of them at that key (or at the key before: some desks
    write in a worker; or at the key that opened the dialog the key was
    typed into). After every batch: every row that changed in the database
    has an audit row for the same exam and candidate."""

    desk: str
    seed: int
    db: Database
    witness: Witness
    changed_before: set[int] = field(default_factory=set)  # registrations changed so far
    problems: list[str] = field(default_factory=list)
    changes: int = 0  # audit rows written
    batch_entries: list[dict] = field(default_factory=list)
    grade_reg: dict[int, int] = field(default_factory=dict)  # grade id -> registration, as first seen

    def start(self) -> None:
        self.tables = self.db.snapshot()
        self.audit_id = self.db.last_audit_id()
        self.case_reg, self.commission_exam = self.db.case_reg(), self.db.commission_exam()

    def _where(self, index: int) -> str:
        keys = " ".join(s.key for s in self.witness.seen[max(0, index - 12):index + 1])
        return f"[seed {self.seed}, {self.desk}, key {index}, keys up to it {keys!r}]"

    def after_key(self) -> None:
        """The audit rows written since the last key, checked against it."""
        entries = self.db.audit_since(self.audit_id)
        if not entries:
            return
        self.audit_id = entries[-1]["id"]
        self.case_reg, self.commission_exam = self.db.case_reg(), self.db.commission_exam()
        seen = self.witness.seen
        index = len(seen) - 1
        looks = [i for i in (index, index - 1) if i >= 0]
        looks += [seen[i].opener for i in looks if seen[i].opener is not None]
        exams, regs = self._focus([seen[i] for i in looks])
        keys = {seen[i].key for i in looks}
        for entry in entries:
            exam, reg = self._lead_entry(entry)
            what = (f"audit {entry['entity']}.{entry['field']} {entry['old_value']}→{entry['new_value']} "
                    f"({entry['reason_code']})")
            self._allowed(exam, reg, exams, regs, keys, entry, f"{self._where(index)} {what}")
            entry["_lead"] = (exam, reg)
            if reg is not None:
                self.changed_before.add(reg)
        self.batch_entries += entries
        self.changes += len(entries)

    def _allowed(self, exam, reg, exams, regs, keys, entry, where) -> None:
        if exam is None or exam not in exams:
            self.problems.append(f"{where}: exam {exam} is not the desk's exam {sorted(exams)}")
            return
        if reg is None or reg in regs:
            return
        for key, fits in WHOLE_EXAM.get(self.desk, {}).items():
            if key in keys and fits(entry):
                return
        if UNDO_KEYS.get(self.desk) in keys and reg in self.changed_before:
            return
        self.problems.append(
            f"{where}: candidate {self.db.reg_number.get(reg)} (registration {reg}) was neither typed "
            f"nor under the cursor ({sorted(self.db.reg_number.get(r) for r in regs)})")

    def _lead_entry(self, entry: dict) -> tuple[int | None, int | None]:
        """The exam and registration an audit row is about."""
        entity, entity_id = entry["entity"], entry["entity_id"]
        if entity == "registration":
            return self.db.reg_exam.get(entity_id), entity_id
        if entity == "grade":
            # an undone first entry deletes its grade: its registration is
            # then known from when the grade was written, or from the batch's start
            reg = self.db.conn.execute("SELECT registration_id FROM grade WHERE id = ?", (entity_id,)).fetchone()
            reg_id = reg[0] if reg else self.grade_reg.get(entity_id)
            if reg_id is None and (row := self.tables.get("grade", {}).get(entity_id)):
                reg_id = row[1]
            if reg_id is None:
                return None, None
            self.grade_reg[entity_id] = reg_id
            return self.db.reg_exam.get(reg_id), reg_id
        if entity == "case":
            reg = self.case_reg.get(entity_id)
            return self.db.reg_exam.get(reg), reg
        if entity == "exam":
            return entity_id, None
        if entity == "commission":
            return self.commission_exam.get(entity_id), None
        table = entity.replace("_", "")
        if table in EXAM_TABLES:
            row = self.db.conn.execute(f'SELECT exam_id FROM "{table}" WHERE id = ?', (entity_id,)).fetchone()
            return (row[0], None) if row else (None, None)
        return None, None

    def _lead_row(self, table: str, row: tuple) -> tuple[int | None, int | None]:
        if table in EXAM_TABLES:
            return (row[0] if table == "exam" else row[1]), None
        if table == "registration":
            return row[1], row[0]
        if table in ("grade", "case", "attendancechange"):
            return self.db.reg_exam.get(row[1]), row[1]
        if table == "commissionmember":
            return self.commission_exam.get(row[1]), None
        return None, None

    def after_batch(self, batch: int) -> None:
        """Every row that changed in the batch has an audit row of the same
        exam (and candidate)."""
        after = self.db.snapshot()
        leads = {entry["_lead"] for entry in self.batch_entries}
        lead_exams = {exam for exam, _ in leads}
        audited = {(entry["entity"], entry["entity_id"]) for entry in self.batch_entries}
        where = f"[seed {self.seed}, {self.desk}, batch {batch} (keys up to {len(self.witness.seen) - 1})]"
        for table, rows in after.items():
            before = self.tables[table]
            for row_id in rows.keys() | before.keys():
                old, new = before.get(row_id), rows.get(row_id)
                if old == new:
                    continue
                exam, reg = self._lead_row(table, new or old)
                what = f"{table} row {row_id} {'added' if old is None else 'removed' if new is None else 'changed'}"
                if table in AUDITED and (AUDITED[table], row_id) not in audited:
                    self.problems.append(f"{where} {what} without an audit row: {old} → {new}")
                elif exam is None or (exam, reg) not in leads and (reg is not None or exam not in lead_exams):
                    self.problems.append(f"{where} {what} (exam {exam}, registration {reg}) without an audit row "
                                         f"for it: {old} → {new}")
        self.tables = after
        self.batch_entries = []

    def _focus(self, looks: list[Seen]) -> tuple[set[int], set[int]]:
        """The exams and registrations the clerk had in front of them."""
        exams, regs = set(), set()
        for s in looks:
            exam = s.header_exam
            if s.cursor is not None:
                kind, row_id = s.cursor
                reg = {"registration": row_id, "case": self.case_reg.get(row_id)}.get(kind)
                if reg is not None:
                    regs.add(reg)
                    exams.add(self.db.reg_exam[reg])
                elif kind == "exam":
                    exams.add(row_id)
            if exam is not None:
                exams.add(exam)
                regs.update(self.db.by_number[(exam, int(n))] for n in s.typed if (exam, int(n)) in self.db.by_number)
        return exams, regs


# --- typing ---------------------------------------------------------------------------
async def handled(node) -> None:
    """Until `node` has handled what is already in its queue."""
    done = asyncio.Event()
    if node.call_later(done.set):
        await done.wait()


async def press(app, key: str) -> None:
    """One key, as the terminal sends it; returns when the app, the focused
    widget and each of its parents (where the key bubbles), then the app's
    bindings, have handled it."""
    chain, node = [app], app.focused or app.screen
    while node is not None and node is not app:
        chain.append(node)
        node = node.parent
    event = events.Key(key, CHARACTERS[key] if key in CHARACTERS else key if len(key) == 1 else None)
    event.set_sender(app)
    app._driver.send_message(event)
    for node in (*chain, app):
        await handled(node)


async def quiet(app) -> None:
    """Workers finished and what they posted back handled."""
    for _ in range(3):
        for _ in range(2000):  # (a cancelled exclusive worker makes wait_for_complete raise)
            if not any(worker.is_running for worker in app.workers):
                break
            await asyncio.sleep(0.005)
        await handled(app)
        await handled(app.screen)


def own_keys(desk: str) -> list[str]:
    """The keys of the desk's own bindings (not the app's F-keys)."""
    import importlib

    module_name, class_name = DESKS[desk][2].split(":")
    screen_class = getattr(importlib.import_module(module_name), class_name)
    return sorted({key.strip() for binding in screen_class.BINDINGS for key in binding.key.split(",")
                   if not re.fullmatch(r"f\d+", key.strip())})


def key_pool(desk: str) -> list[str]:
    # weights: the desk's keys and digits most, letters, then moving and leaving
    own = [key for key in own_keys(desk) if key != "slash"]  # «/» comes with something to search for
    return (own * 4 + list("0123456789") * 4 + list(LETTERS) + ["enter"] * 8 + ["escape"] * 8
            + ["tab"] * 2 + ["backspace", "up", "down", "space", "ctrl+r"])


def random_keys(rng: random.Random, pool: list[str], own: list[str], numbers: list[int],
                searches: list[str], gestures: list[list[str]]) -> list[str]:
    """KEYS keys: single keys from `pool`; now and then a candidate number
    of the list followed by one of the desk's keys (what a clerk types
    most), so that changes happen, not only refusals; and now and then «/»,
    a search (a course code, a student number) and Enter."""
    keys: list[str] = []
    while len(keys) < KEYS:
        draw = rng.random()
        if numbers and draw < 0.3:
            keys += [*str(rng.choice(numbers)), rng.choice(own + ["enter"])]
        elif searches and draw < 0.33:
            keys += ["slash", *rng.choice(searches).lower(), "enter"]
        elif gestures and draw < 0.36:
            keys += rng.choice(gestures)
        else:
            keys.append(rng.choice(pool))
    return keys[:KEYS]


# desk -> how to open it: (target kind, what)
OPEN = {
    "papers": ("exam", ("TPK4100", "2026-11-25")),
    "attendance": ("exam", ("TDT4171", "2026-11-16")),
    "grades": ("exam", ("AOS130", "2026-11-17")),
    "appeals": ("exam", ("SOS1001", "2026-10-26")),
    "commissions": ("exam", ("TDT4120", "2026-12-01")),
    "after": ("exam", ("TMA4100", "2026-11-02")),
    "student": ("student", ("TFY4115", "2026-11-06")),  # a student registered for this exam (and others)
}


# what a clerk does on a desk in a few keys besides one key per candidate
GESTURES = {
    "papers": [["alt+l", *"ola", "ctrl+r"], ["alt+l", *"kari nordmann", "enter", "ctrl+r"]],
    "appeals": [["down"], ["up"], ["3"], ["1"], ["g", "enter", "enter"], ["s", "j"], ["l", "j"], ["o", "escape"]],
}


def searches_for(db: Database, desk: str) -> list[str]:
    """What the desk's «/» search is given: the course codes of the opened
    exam (most often) and of one more exam; the student's number; a name."""
    if desk == "student":
        return [db.conn.execute("SELECT student_number FROM student WHERE id = ?",
                                (target_of(db, desk),)).fetchone()[0]]
    if desk == "commissions":
        return ["berg", "olsen", "ntnu"]
    code = OPEN[desk][1][0]
    return [code, code, code, "TMA4100" if code != "TMA4100" else "TDT4120"]


def target_of(db: Database, desk: str) -> int:
    kind, (code, exam_date) = OPEN[desk]
    exam = db.exam_by_code_date[(code, exam_date)]
    if kind == "exam":
        return exam
    return db.conn.execute(
        "SELECT r.student_id FROM registration r WHERE r.exam_id = ? AND "
        "(SELECT count(*) FROM registration o WHERE o.student_id = r.student_id) > 1 ORDER BY r.candidate_number",
        (exam,)).fetchone()[0]


@pytest.mark.parametrize("desk", list(OPEN))
async def test_random_keys_stay_on_the_desks_exam_and_candidate(desk, demo_file, tmp_path, monkeypatch):
    import textual.screen

    # fewer frames drawn per second (each key is still drawn when the screen updates):
    # the test types far faster than a clerk
    monkeypatch.setattr(textual.screen, "UPDATE_PERIOD", 0.1)
    path = tmp_path / "demo.db"
    shutil.copy(demo_file, path)
    seed = seed_for(desk)
    print(f"random keys on {desk}: seed {seed} (replay: EKSAMEN_KEYS_SEED={seed})")
    rng = random.Random(seed)
    pool = key_pool(desk)
    db = Database(path)
    keys = random_keys(rng, pool, own_keys(desk), db.numbers_of(target_of(db, desk), desk),
                       searches_for(db, desk) if "slash" in own_keys(desk) else [], GESTURES.get(desk, []))
    ctx = open_context(str(path), clerk="kari", today=lambda: TODAY)
    ctx.clock = lambda: datetime.combine(TODAY, time(10, 0))
    app = EksamenApp(ctx=ctx)
    witness = Witness(app, desk, db)
    checker = Checker(desk, seed, db, witness)
    desk_key = DESKS[desk][1]
    try:
        async with app.run_test(size=(120, 30), message_hook=witness.hook) as pilot:
            await pilot.pause()
            app.open_desk(desk, target_of(db, desk))
            for _ in range(100):  # some desks load their list in a worker first
                await quiet(app)
                await pilot.pause()
                if app.screen.sub_title:
                    break
            witness.screen = app.screen
            assert witness.screen.sub_title, f"{desk} did not open its target"
            checker.start()
            for batch, start in enumerate(range(0, len(keys), BATCH)):
                for key in keys[start:start + BATCH]:
                    if app.current_mode != desk:  # «h» opened the Endringslogg: back to the desk
                        await press(app, desk_key)
                        if app.current_mode != desk:
                            app.switch_mode(desk)
                    await press(app, key)
                    assert app.is_running, f"[seed {seed}] the app stopped at key {start}: {key!r}"
                    checker.after_key()
                await quiet(app)
                checker.after_key()
                if os.environ.get("EKSAMEN_KEYS_TRACE"):  # what each batch did, for a replay
                    message = witness.screen.query("#message")
                    print(batch, type(app.screen).__name__, app.focused, repr(" ".join(keys[start:start + BATCH])),
                          "|", str(message.first().render())[:150] if message else "")
                checker.after_batch(batch)
                assert not checker.problems, "\n".join(checker.problems[:10])
            await pilot.pause()
            screen_text(app)  # the last state draws
            on_desk = sum(s.on_desk for s in witness.seen)
            print(f"{len(witness.seen)} keys, {on_desk} with the desk in front; {checker.changes} audit rows "
                  f"({len(checker.changed_before)} candidates)")
            logs = sorted((tmp_path / "logs").glob("*")) if (tmp_path / "logs").exists() else []
            assert not logs, f"[seed {seed}] internal errors logged: " + "; ".join(
                log.read_text(errors="replace")[-600:] for log in logs[:3])
    except Exception as error:
        raise AssertionError(f"random keys on {desk}, seed {seed} (EKSAMEN_KEYS_SEED={seed}): {error!r}") from error
    finally:
        db.close()
