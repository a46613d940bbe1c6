"""Problems found in an imported file, each located as precisely as we can
(file, sheet, row, column or cell); warnings travel beside errors."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One problem in a file, located as precisely as we can."""

    file: str
    message: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None  # a letter for xlsx ("C"), the header for csv
    severity: str = "error"  # error | warning
    cell: str | None = None  # a cell reference ("D12") when that is the clearest place

    def __str__(self) -> str:
        where = [self.file]
        if self.sheet:
            where.append(f"ark «{self.sheet}»")
        if self.cell:
            where.append(f"celle {self.cell}")
        elif self.row is not None and self.column:
            where.append(f"rad {self.row}, kolonne {self.column}")
        elif self.row is not None:
            where.append(f"rad {self.row}")
        elif self.column:
            where.append(f"kolonne {self.column}")
        return f"{', '.join(where)}: {self.message}"


class FileProblems(Exception):
    """Raised with every problem found; nothing has been written."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))
