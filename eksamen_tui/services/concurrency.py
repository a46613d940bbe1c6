"""Several counters on one database: what every write path shares.

- `UNCHECKED`: the default of a service's `seen=` argument for callers that
  are no clerk's screen (tests, scripts). Every desk passes what it showed:
  the old value, or None for "empty".
- `lock`: take the row lock on PostgreSQL (SELECT ... FOR UPDATE) before
  reading what a write depends on, so two counters cannot both read "empty"
  and both write. On SQLite a write transaction holds the database's write
  lock for its whole length, which serialises the same way.
- `refuse`: the refusal (ChangedMeanwhile) naming who changed it, to what,
  and when: «Kandidat 2508 ble satt til C av kari kl. 10:41».
- `change_marker` / `changed_entities`: the cheap change counter the desks
  poll (the newest audit rows; every change is audited).
"""
from __future__ import annotations

from contextlib import contextmanager
from datetime import date, datetime
from typing import Iterator

from sqlalchemy import event, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from eksamen_tui.dashboard_snapshot import MARKER_SQL, MARKER_WINDOW
from eksamen_tui.db.engine import read_engine
from eksamen_tui.db.models import AuditEntry
from eksamen_tui.domain.errors import ChangedMeanwhile, DomainError

# `Context` (services.context) is named in annotations only: context imports this
# module, so importing it back, even for type checking, would make a cycle.


class _Unchecked:
    def __repr__(self) -> str:
        return "UNCHECKED"


UNCHECKED = _Unchecked()  # `seen=` not given: the caller shows no value to compare


def is_checked(seen) -> bool:
    return seen is not UNCHECKED


def takes_row_locks(bind) -> bool:
    """SQLite has no row locks (a write transaction owns the whole file)."""
    return bind.get_bind().dialect.name != "sqlite" if hasattr(bind, "get_bind") else bind.dialect.name != "sqlite"


def lock(session_or_conn, table, ids) -> None:
    """SELECT ... FOR UPDATE the rows `ids` of `table` (PostgreSQL); the
    statements after it in the transaction see the latest committed rows."""
    if not takes_row_locks(session_or_conn):
        return
    ids = [ids] if isinstance(ids, int) else list(ids)
    if not ids:
        return
    table = getattr(table, "__table__", table)
    session_or_conn.execute(
        select(table.c.id).where(table.c.id.in_(ids)).order_by(table.c.id).with_for_update())


def last_change(session_or_conn, entity: str, entity_ids, field: str | None = None) -> tuple[str | None, datetime | None]:
    """Who made the newest audited change to `entity` rows `entity_ids`, and when."""
    ids = [entity_ids] if isinstance(entity_ids, int) else list(entity_ids)
    if not ids:
        return None, None
    t = AuditEntry.__table__
    query = select(t.c.clerk, t.c.at).where(t.c.entity == entity, t.c.entity_id.in_(ids))
    if field is not None:
        query = query.where(t.c.field == field)
    row = session_or_conn.execute(query.order_by(t.c.id.desc()).limit(1)).first()
    return (row.clerk, row.at) if row is not None else (None, None)


def when_text(at: datetime | None, today: date | None = None) -> str:
    if at is None:
        return ""
    if today is not None and at.date() != today:
        return f" {at:%d.%m.%Y} kl. {at:%H:%M}"
    return f" kl. {at:%H:%M}"


def refuse(subject: str, what: str, *, current, by: str | None, at: datetime | None, today: date | None = None,
           registration_id: int | None = None) -> ChangedMeanwhile:
    """The refusal to raise: «{subject} ble {what} av {by} kl. HH:MM – ingenting er endret»."""
    who = f" av {by}" if by else " av en annen saksbehandler"
    message = f"{subject} ble {what}{who}{when_text(at, today)} – ingenting er endret"
    return ChangedMeanwhile(message, current=current, by=by, at=at, registration_id=registration_id)


@contextmanager
def integrity_as_refusal(message: str) -> Iterator[None]:
    """A unique constraint that fires (another counter won a race that the
    locks did not cover) becomes a refusal in words, not a traceback."""
    try:
        yield
    except IntegrityError as error:
        raise ChangedMeanwhile(message) from error


# --- the database's own guard: unique indexes (migration 0003) ---------------------

# index name (PostgreSQL) or "table.column" (SQLite's message) -> the refusal
_CONSTRAINT_REFUSALS = {
    "uq_grade_current_whole": "Kandidaten fikk karakter ved en annen skranke samtidig",
    "uq_grade_current_part": "Kandidaten fikk karakter ved en annen skranke samtidig",
    "uq_case_grade_appeal": "Klagen på karakteren ble registrert ved en annen skranke samtidig",
    "uq_commission_appeal_whole": "Klagekommisjonen ble opprettet ved en annen skranke samtidig",
    "uq_commission_appeal_part": "Klagekommisjonen ble opprettet ved en annen skranke samtidig",
    "uq_examiner_email": "En sensor med samme e-postadresse ble registrert ved en annen skranke samtidig",
}
_SQLITE_TABLES = {
    "grade.registration_id": "uq_grade_current_whole",
    "case.registration_id": "uq_case_grade_appeal",
    "commission.exam_id": "uq_commission_appeal_whole",
    "examiner.email": "uq_examiner_email",
}


# index name -> (table, audited entity, the index's key column, extra condition on the table's rows)
_GUARD_ROWS = {
    "uq_grade_current_whole": ("grade", "grade", "registration_id", None),
    "uq_grade_current_part": ("grade", "grade", "registration_id", None),
    "uq_case_grade_appeal": ("case", "case", "registration_id", ("case_type", "grade_appeal")),
    "uq_commission_appeal_whole": ("commission", "commission", "exam_id", ("kind", "appeal")),
    "uq_commission_appeal_part": ("commission", "commission", "exam_id", ("kind", "appeal")),
    "uq_examiner_email": ("examiner", "examiner", "email", None),
}


def _key_values(name: str, original, context) -> list:
    """The values of the guard index's key column in the refused write:
    PostgreSQL names it («Key (registration_id)=(5) already exists.»);
    otherwise from the statement's parameters."""
    column = _GUARD_ROWS[name][2]
    detail = getattr(getattr(original, "diag", None), "message_detail", None) or ""
    if detail.startswith("Key (") and ")=(" in detail:
        columns = detail[5:detail.index(")=(")].split(", ")
        values = detail[detail.index(")=(") + 3:].rsplit(")", 1)[0].split(", ")
        if column in columns and len(values) == len(columns):
            return [values[columns.index(column)]]
    compiled = getattr(getattr(context, "execution_context", None), "compiled_parameters", None) or []
    return [params[column] for params in compiled if isinstance(params, dict) and params.get(column) is not None]


def _who_holds(name: str, original, context) -> tuple[str | None, datetime | None]:
    """Who made the change the refused write collided with, and when: the
    newest audit row of the committed row(s) the guard index protects."""
    from sqlmodel import SQLModel

    engine = getattr(context, "engine", None)
    if engine is None:
        return None, None
    try:
        values = _key_values(name, original, context)
        if not values:
            return None, None
        table_name, entity, column, extra = _GUARD_ROWS[name]
        table = SQLModel.metadata.tables[table_name]
        key = table.c[column]
        values = [int(v) for v in values] if column.endswith("_id") else [str(v) for v in values]
        query = select(table.c.id).where(key.in_(values))
        if extra is not None:
            query = query.where(table.c[extra[0]] == extra[1])
        with read_engine(engine).connect() as conn:
            ids = list(conn.execute(query).scalars())
            return last_change(conn, entity, ids) if ids else (None, None)
    except Exception:  # noqa: BLE001 - naming the clerk is a courtesy; the refusal stands without it
        return None, None


def constraint_refusal(error: BaseException, context=None) -> ChangedMeanwhile | None:
    """The refusal for an IntegrityError from one of the guard indexes, or
    None for any other error. With the failed statement's `context` it names
    the clerk whose change holds the place (the newest audit row of it)."""
    if not (isinstance(error, IntegrityError) or type(error).__name__ in ("IntegrityError", "UniqueViolation")):
        return None
    original = getattr(error, "orig", None) or error
    name = getattr(getattr(original, "diag", None), "constraint_name", None)
    if name is None:
        text = str(original or error)
        if "UNIQUE constraint failed:" in text:
            columns = text.split("UNIQUE constraint failed:", 1)[1].strip()
            name = _SQLITE_TABLES.get(columns.split(",")[0].strip())
    if name not in _CONSTRAINT_REFUSALS:
        return None
    by, at = _who_holds(name, original, context) if context is not None else (None, None)
    who = f" (av {by}{when_text(at)})" if by else ""
    return ChangedMeanwhile(f"{_CONSTRAINT_REFUSALS[name]}{who} – ingenting er endret. Se på verdien som står nå.",
                            by=by, at=at)


def _integrity_as_refusal(context):
    return constraint_refusal(context.sqlalchemy_exception or context.original_exception, context)


# Every engine, every code path (Core, ORM, scripts): a write that would
# break a guard index is a refusal in words, never a traceback.
event.listen(Engine, "handle_error", _integrity_as_refusal)


# --- the change counter the desks poll ------------------------------------------------

# The marker's statement is shared with the dashboard's snapshot, which
# reads it with sqlite3 before the database layer is imported (its window:
# see there).
WINDOW = MARKER_WINDOW

_AUDIT = AuditEntry.__table__


def change_marker(ctx: Context) -> tuple[int, int]:
    """(newest audit id, audit rows in the window below it): changes when
    any counter commits a change. One statement, on indexed reads."""
    with read_engine(ctx.engine).connect() as conn:
        newest, count = conn.execute(text(MARKER_SQL), {"window": WINDOW}).one()
    return int(newest), int(count)


def changed_entities(ctx: Context, since_id: int) -> dict[str, set[int]]:
    """entity -> ids changed in audit rows after `since_id` - WINDOW."""
    result: dict[str, set[int]] = {}
    with read_engine(ctx.engine).connect() as conn:
        for entity, entity_id in conn.execute(
                select(_AUDIT.c.entity, _AUDIT.c.entity_id).where(_AUDIT.c.id > since_id - WINDOW)):
            result.setdefault(entity, set()).add(entity_id)
    return result


def registrations_touched(ctx: Context, exam_id: int, changed: dict[str, set[int]]) -> tuple[set[int], bool]:
    """Which registrations of `exam_id` the audited changes `changed` touch
    (their grades, state, cases), and whether the exam itself changed
    (published, candidates imported): then a desk reloads everything."""
    from eksamen_tui.db.models import Case, Grade, Registration

    whole = exam_id in changed.get("exam", set())
    reg, grade, case = Registration.__table__, Grade.__table__, Case.__table__
    touched: set[int] = set()
    with read_engine(ctx.engine).connect() as conn:
        for entity, table, column in (("registration", reg, reg.c.id), ("grade", grade, grade.c.registration_id),
                                      ("case", case, case.c.registration_id)):
            ids = list(changed.get(entity, ()))
            for start in range(0, len(ids), 5000):
                query = select(column).where(table.c.id.in_(ids[start:start + 5000]))
                if table is not reg:
                    query = query.join(reg, reg.c.id == column)
                touched.update(conn.execute(query.where(reg.c.exam_id == exam_id)).scalars())
    return touched, whole


__all__ = ["UNCHECKED", "ChangedMeanwhile", "DomainError", "change_marker", "changed_entities", "integrity_as_refusal",
           "is_checked", "last_change", "lock", "refuse", "registrations_touched", "takes_row_locks", "when_text"]
