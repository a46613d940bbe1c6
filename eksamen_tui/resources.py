"""Files the app reads at run time, found with importlib.resources.

The demo course list and the sample import files live in the top-level
`data/` folder of the source tree; the wheel ships that folder inside the
package as `eksamen_tui/data/` (see pyproject.toml, package-dir). So an
installed eksamen-tui reads them from its own package, wherever it is run
from, and a source checkout reads the same files from `data/`.
"""
from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path


def data_dir() -> Traversable:
    """The data folder: `eksamen_tui/data` in an installed package, else the
    checkout's `data/` beside the package."""
    shipped = files("eksamen_tui").joinpath("data")
    if shipped.is_dir():
        return shipped
    return Path(__file__).resolve().parent.parent / "data"


def data_file(*parts: str) -> Traversable:
    """A file under the data folder, e.g. data_file("samples", "x.csv")."""
    return data_dir().joinpath(*parts)


def read_text(*parts: str) -> str:
    return data_file(*parts).read_text(encoding="utf-8")
