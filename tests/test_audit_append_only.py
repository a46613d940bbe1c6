"""#13 item 7: the audit trail cannot be rewritten with plain SQL, on
either backend; the app's own writes still add rows."""
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from eksamen_tui.services import audit
from tests.factories import add_exam


def _audit_rows(ctx):
    with ctx.engine.connect() as conn:
        return conn.execute(text("SELECT id, clerk, old_value, new_value FROM auditentry ORDER BY id")).all()


@pytest.mark.parametrize("statement", [
    "UPDATE auditentry SET new_value = 'A' WHERE id = (SELECT MIN(id) FROM auditentry)",
    "UPDATE auditentry SET clerk = 'noen andre'",
    "DELETE FROM auditentry",
    "DELETE FROM auditentry WHERE id = (SELECT MAX(id) FROM auditentry)",
])
def test_audit_rows_cannot_be_changed_or_deleted(ctx, statement):
    exam = add_exam(ctx, candidates=1)
    with ctx.write() as s:
        audit.record(s, ctx, "exam", exam.id, "published_on", None, exam.exam_date)
        audit.record(s, ctx, "exam", exam.id, "rooms", "R1", "R2")
    before = _audit_rows(ctx)
    with pytest.raises(DBAPIError, match="revisjonssporet kan ikke endres eller slettes"):
        with ctx.engine.begin() as conn:
            conn.execute(text(statement))
    assert _audit_rows(ctx) == before
    with ctx.write() as s:  # appending still works
        audit.record(s, ctx, "exam", exam.id, "rooms", "R2", "R3")
    assert len(_audit_rows(ctx)) == len(before) + 1


@pytest.mark.postgres_only
def test_audit_table_cannot_be_truncated_on_postgres(ctx):
    exam = add_exam(ctx)
    with ctx.write() as s:
        audit.record(s, ctx, "exam", exam.id, "rooms", "R1", "R2")
    with pytest.raises(DBAPIError, match="revisjonssporet"):
        with ctx.engine.begin() as conn:
            conn.execute(text("TRUNCATE auditentry"))
    assert len(_audit_rows(ctx)) == 1
