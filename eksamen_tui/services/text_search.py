"""Accent- and case-insensitive text search that runs the same on every
backend (SQLite's lower() folds ASCII only; PostgreSQL's depends on the
database's locale). Accents go (é → e, ü → u, ñ → n); the Norwegian letters
æ, ø and å stay letters of their own, folded to lower case only."""
from __future__ import annotations

from sqlalchemy import func

# lower-case letter -> what it searches as
_ACCENTS = {
    "á": "a", "à": "a", "â": "a", "ä": "a", "é": "e", "è": "e", "ê": "e", "ë": "e", "í": "i", "ï": "i",
    "ó": "o", "ô": "o", "ö": "o",
    "ú": "u", "ü": "u", "ñ": "n", "ç": "c",
}
_NORWEGIAN = {"æ": "æ", "ø": "ø", "å": "å"}
_TABLE = {**_ACCENTS, **_NORWEGIAN}
# SQLite's lower() folds ASCII only and its parser allows only ~30 nested
# calls: upper-case forms are folded for the letters that begin names.
_UPPER_TOO = "éäöüæøå"


def fold_text(text: str) -> str:
    """`text` as `folded` folds the database's values."""
    return "".join(_TABLE.get(ch, ch) for ch in text.strip().lower())


def folded(column):
    """SQL expression: `column` lower-cased and without accents, the same on every backend."""
    expression = func.lower(column)
    for letter, plain in _TABLE.items():
        if letter in _UPPER_TOO:
            expression = func.replace(expression, letter.upper(), plain)
        if letter != plain:
            expression = func.replace(expression, letter, plain)
    return expression


def escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
