"""Rows a service is asked about by id: found, or a DomainError naming
what was not found (never None, NoResultFound or an integer overflow)."""
from __future__ import annotations

from typing import TypeVar

from sqlmodel import Session

from eksamen_tui.domain.errors import DomainError
from eksamen_tui.domain.parsing import parse_number

Row = TypeVar("Row")


def checked_id(ident: object, what: str) -> int:
    """An id as given by a caller: a whole number the database can hold."""
    return parse_number(ident, what=f"id for {what}")


def require(session: Session, model: type[Row], ident: object, what: str) -> Row:
    """The `model` row with primary key `ident`; `what` names it in bokmål
    («eksamen», «sak», «oppmelding») for the message when there is none."""
    number = checked_id(ident, what)
    row = session.get(model, number)
    if row is None:
        raise DomainError(f"Fant ingen {what} med id {number}")
    return row
