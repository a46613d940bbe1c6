"""Files with personal data: private modes, sanitised names that stay in
their folder, never overwritten, written atomically (#13 items 4 and 5)."""
import os
import stat

import pytest

from eksamen_tui.export_files import (ExportError, export_name, out_argument, private_folder, safe_part, write_private,
                                      write_text)


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.mark.parametrize("raw, expected", [
    ("../../x", "x"), ("/etc/passwd", "etcpasswd"), ("TDT4100", "TDT4100"), ("Skole eksamen", "Skoleeksamen"),
    ("..", "ukjent"), ("", "ukjent"), ("a\\b:c*?<>|d", "abcd"), ("Målform-Ø", "Målform-Ø"), ("-lead.", "lead"),
])
def test_a_name_part_keeps_only_letters_digits_and_dashes(raw, expected):
    assert safe_part(raw) == expected


def test_a_hostile_course_code_cannot_leave_the_folder(tmp_path):
    from datetime import date

    name = export_name("../../x", date(2026, 12, 10), "Skoleeksamen", "protokoll", suffix=".xlsx")
    assert name == "x_2026-12-10_Skoleeksamen_protokoll.xlsx"
    written = write_text(tmp_path / name, "data")
    assert written.parent == tmp_path and written.read_text() == "data"


def test_files_are_0600_and_new_folders_0700(tmp_path):
    old_umask = os.umask(0o022)  # the usual umask, which would give 0644 / 0755
    try:
        written = write_text(tmp_path / "ny" / "under" / "fil.txt", "hemmelig")
    finally:
        os.umask(old_umask)
    assert mode(written) == 0o600
    assert mode(tmp_path / "ny") == 0o700 and mode(tmp_path / "ny" / "under") == 0o700
    os.chmod(tmp_path, 0o755)  # an existing folder is the clerk's: left as it is
    write_text(tmp_path / "annen.txt", "x")
    assert mode(tmp_path) == 0o755


def test_an_existing_file_is_never_overwritten(tmp_path):
    first = write_text(tmp_path / "liste.txt", "første")
    second = write_text(tmp_path / "liste.txt", "andre")
    third = write_text(tmp_path / "liste.txt", "tredje")
    assert [p.name for p in (first, second, third)] == ["liste.txt", "liste (2).txt", "liste (3).txt"]
    assert [p.read_text() for p in (first, second, third)] == ["første", "andre", "tredje"]


def test_a_crash_while_writing_leaves_no_file_and_no_temporary(tmp_path):
    def half_then_crash(temporary):
        temporary.write_bytes(b"PK\x03\x04 halv fil")
        raise RuntimeError("strømbrudd")

    with pytest.raises(RuntimeError):
        write_private(tmp_path / "protokoll.xlsx", half_then_crash)
    assert list(tmp_path.iterdir()) == []


def test_a_failed_export_leaves_the_earlier_file_intact(tmp_path):
    earlier = write_text(tmp_path / "protokoll.txt", "gyldig")

    def crash(temporary):
        temporary.write_text("halv")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_private(earlier, crash)
    assert earlier.read_text() == "gyldig" and sorted(p.name for p in tmp_path.iterdir()) == ["protokoll.txt"]


def test_the_file_appears_complete_under_its_name(tmp_path):
    seen = []

    def write(temporary):
        temporary.write_text("innhold")
        seen.append((temporary.parent == tmp_path, temporary.name.startswith("."), (tmp_path / "f.txt").exists()))

    write_private(tmp_path / "f.txt", write)
    assert seen == [(True, True, False)]  # written beside the target, hidden, and the name was not there yet


@pytest.mark.parametrize("text", ["", "   "])
def test_an_empty_out_is_an_error_not_the_current_folder(text):
    with pytest.raises(ExportError, match="--out er tom"):
        out_argument(text)
    assert out_argument(None) is None


def test_bad_targets_give_a_message_naming_the_path(tmp_path):
    blocker = tmp_path / "fil"
    blocker.write_text("x")
    with pytest.raises(ExportError, match="er en fil, ikke en mappe"):
        write_text(blocker / "under" / "a.txt", "x")
    with pytest.raises(ExportError, match="er en fil, ikke en mappe"):
        private_folder(blocker)
    with pytest.raises(ExportError, match="er en mappe"):
        write_text(tmp_path, "x")
    assert blocker.read_text() == "x"


def test_a_batch_names_its_files_only_when_all_are_written(tmp_path):
    """PrivateBatch (200 commission forms): private files, a taken name gets
    a number, no temporary left; a failure half-way names none of them."""
    from eksamen_tui.export_files import PrivateBatch

    (tmp_path / "a.txt").write_text("old")
    with PrivateBatch() as batch:
        batch.add(tmp_path / "a.txt", lambda temporary: temporary.write_text("new a"))
        batch.add(tmp_path / "b.txt", lambda temporary: temporary.write_text("b"))
        assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".")) == ["a.txt"]
    assert [p.name for p in batch.written] == ["a (2).txt", "b.txt"]
    assert (tmp_path / "a.txt").read_text() == "old" and (tmp_path / "a (2).txt").read_text() == "new a"
    assert all(mode(p) == 0o600 for p in batch.written)

    def crash(temporary):
        raise OSError("disk gone")

    folder = tmp_path / "half"
    with pytest.raises(ExportError):
        with PrivateBatch() as batch:
            batch.add(folder / "c.txt", lambda temporary: temporary.write_text("c"))
            batch.add(folder / "d.txt", crash)
    assert list(folder.iterdir()) == []
