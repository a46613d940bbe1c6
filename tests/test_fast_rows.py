"""excel.writer's row writer writes the same bytes as openpyxl's own save."""
from __future__ import annotations

import zipfile
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Border, Font, Side

from eksamen_tui.excel import writer

VALUES = ["tekst", "  innrykk", "slutt ", " ", "", "a & b < c > d \"q\" 'x'", "=1+1", "-3", "æøå – «»", "linje\nto",
          0, 1, -7, 2 ** 60, 1.5, 1e-20, 123456789.123456789, float("nan"), float("inf"), True, False, None,
          date(2026, 12, 6), datetime(2026, 12, 6, 9, 30)]


def _parts(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist() if name != "docProps/core.xml"}


def _normal_workbook():
    workbook = Workbook()
    sheet = workbook.active
    bold = Font(bold=True)
    thin = Side(style="thin")
    sheet.append(VALUES)
    writer.append_row(sheet, VALUES, bold)
    sheet.append([])
    sheet.append([None, None, "etter tomme"])
    sheet["B6"].border = Border(left=thin)  # a styled empty cell
    sheet["C7"] = "med kommentar"
    sheet["C7"].comment = Comment("merknad", "test")
    sheet["A8"] = "lenke"
    sheet["A8"].hyperlink = "https://example.org"
    sheet.row_dimensions[9].height = 30
    sheet.append(["høy rad", 3])
    sheet.merge_cells("A10:C10")
    sheet["A10"] = "flettet"
    sheet["A10"].font = bold
    for ref in ("A12", "B12", "C12"):
        sheet[ref].border = Border(top=thin, bottom=thin)
    sheet.merge_cells("A12:C12")  # merged cells keep their borders
    second = workbook.create_sheet("To")
    for number in range(300):
        second.append([f"K{number}", number, number / 7])
    return workbook


def test_a_normal_workbook_is_saved_byte_for_byte_as_openpyxl_does(tmp_path):
    _normal_workbook().save(tmp_path / "openpyxl.xlsx")
    writer.save_workbook(_normal_workbook(), tmp_path / "fast.xlsx")
    assert _parts(tmp_path / "fast.xlsx") == _parts(tmp_path / "openpyxl.xlsx")


def _write_only_workbook(fast: bool, monkeypatch):
    if not fast:
        monkeypatch.setattr(writer, "_use_fast_rows", lambda sheet: None)
    workbook = writer.new_write_only_workbook(font_size=9)
    sheet = workbook.create_sheet("Protokoll")
    writer.setup_print(sheet, title="Tittel & co", title_rows=(2, 2), widths=(10, 12), row_height=12)
    sheet.row_dimensions[3].height = 20
    writer.write_only_row(sheet, ["Overskrift"], Font(bold=True, size=13))
    writer.write_only_row(sheet, VALUES)
    writer.write_only_row(sheet, ["høy"])
    writer.write_only_row(sheet, [])
    for number in range(200):
        writer.write_only_row(sheet, [str(number), "B" if number % 3 else "", "ikke kontrollert" * (number % 2)])
    writer.write_only_row(sheet, VALUES, Font(italic=True))
    monkeypatch.undo()
    return workbook


def test_a_write_only_workbook_is_saved_byte_for_byte_as_openpyxl_does(tmp_path, monkeypatch):
    _write_only_workbook(False, monkeypatch).save(tmp_path / "openpyxl.xlsx")
    writer.save_workbook(_write_only_workbook(True, monkeypatch), tmp_path / "fast.xlsx")
    assert _parts(tmp_path / "fast.xlsx") == _parts(tmp_path / "openpyxl.xlsx")
