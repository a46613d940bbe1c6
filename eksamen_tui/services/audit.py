"""The audit trail: every change to attendance, grades, commissions and
cases is written here in the same transaction as the change itself."""
from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlmodel import Session, select

from eksamen_tui.db.models import AuditEntry

if TYPE_CHECKING:
    from eksamen_tui.services.context import Context


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, bool):
        return "ja" if value else "nei"
    return str(value)


def record(
    session: Session,
    ctx: Context,
    entity: str,
    entity_id: int,
    field: str,
    old: Any,
    new: Any,
    *,
    reason_code: str | None = None,
    note: str = "",
) -> AuditEntry:
    """Add one audit row (who, when, what, old → new, why) to `session`."""
    entry = AuditEntry(
        at=ctx.now(),
        clerk=ctx.clerk,
        entity=entity,
        entity_id=entity_id,
        field=field,
        old_value=_text(old),
        new_value=_text(new),
        reason_code=reason_code,
        note=note,
    )
    session.add(entry)
    return entry


def record_core(conn, ctx: Context, entity: str, entity_id: int, field: str, old: Any, new: Any, *,
                reason_code: str | None = None, note: str = "") -> None:
    """`record` for hot paths that write through SQL Core on `conn`."""
    conn.execute(_INSERT, {
        "at": ctx.now(), "clerk": ctx.clerk, "entity": entity, "entity_id": entity_id, "field": field,
        "old_value": _text(old), "new_value": _text(new), "reason_code": reason_code, "note": note,
    })


_INSERT = AuditEntry.__table__.insert()


def history(session: Session, entity: str, entity_id: int) -> list[AuditEntry]:
    return list(
        session.exec(
            select(AuditEntry)
            .where(AuditEntry.entity == entity, AuditEntry.entity_id == entity_id)
            .order_by(AuditEntry.id)
        ).all()
    )


def recent(session: Session, limit: int = 200) -> list[AuditEntry]:
    return list(session.exec(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)).all())
