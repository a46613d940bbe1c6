"""Migration 0003 on a database written by the first release that already
broke the rules (two counters raced): duplicate current grades become
history, examiners sharing an e-mail are merged, both audited; duplicate
grade appeals stop the upgrade with a message and change nothing."""
import sqlite3

import pytest

from eksamen_tui.db.engine import make_engine
from eksamen_tui.db.migrations import upgrade
from tests.test_migrations import _dump, _release_db

pytestmark = pytest.mark.sqlite_only


def _raced(path) -> tuple[int, int]:
    conn = sqlite3.connect(path)
    grade_id, registration_id = conn.execute(
        "SELECT id, registration_id FROM grade WHERE is_current = 1 AND part_id IS NULL ORDER BY id LIMIT 1").fetchone()
    conn.execute("INSERT INTO grade (registration_id, part_id, value, status, source, control_value, is_current, "
                 "entered_by, entered_at, controlled_by, controlled_at) SELECT registration_id, part_id, 'A', "
                 "'provisional', 'entry', NULL, 1, 'ola', entered_at, NULL, NULL FROM grade WHERE id = ?", (grade_id,))
    examiner = conn.execute("SELECT id, email FROM examiner WHERE email <> '' ORDER BY id LIMIT 1").fetchone()
    conn.execute("INSERT INTO examiner (name, email, employer, is_external) VALUES ('Dobbel', ?, '', 0)",
                 (examiner[1],))
    twin = conn.execute("SELECT max(id) FROM examiner").fetchone()[0]
    commission = conn.execute("SELECT max(id) FROM commission").fetchone()[0]
    conn.execute("INSERT INTO commissionmember (commission_id, examiner_id, role, is_paid) VALUES (?, ?, 'sensor', 0)",
                 (commission, twin))
    conn.commit()
    conn.close()
    return registration_id, examiner[0]


def test_raced_duplicates_are_resolved_and_audited(tmp_path):
    path = _release_db(tmp_path)
    registration_id, examiner_id = _raced(path)
    upgrade(make_engine(path))
    conn = sqlite3.connect(path)
    current = conn.execute("SELECT value, entered_by FROM grade WHERE registration_id = ? AND is_current = 1 "
                           "AND part_id IS NULL", (registration_id,)).fetchall()
    assert current == [("A", "ola")]  # the newest stays current, the older one is history
    assert conn.execute("SELECT count(*) FROM grade WHERE registration_id = ? AND is_current = 0",
                        (registration_id,)).fetchone()[0] >= 1
    email = conn.execute("SELECT email FROM examiner WHERE id = ?", (examiner_id,)).fetchone()[0]
    assert conn.execute("SELECT count(*) FROM examiner WHERE email = ?", (email,)).fetchone()[0] == 1
    assert conn.execute("SELECT count(*) FROM commissionmember WHERE examiner_id = ?", (examiner_id,)).fetchone()[0] >= 1
    assert conn.execute("SELECT count(*) FROM auditentry WHERE reason_code = 'upgrade_duplicate'").fetchone()[0] == 2
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("UPDATE grade SET is_current = 1 WHERE registration_id = ?", (registration_id,))


def test_duplicate_grade_appeals_stop_the_upgrade_untouched(tmp_path):
    path = _release_db(tmp_path)
    conn = sqlite3.connect(path)
    registration_id = conn.execute("SELECT registration_id FROM grade LIMIT 1").fetchone()[0]
    for _ in range(2):
        conn.execute("INSERT INTO \"case\" (registration_id, case_type, received_on, in_time, override_reason, "
                     "needs_further_assessment) VALUES (?, 'grade_appeal', '2026-11-20', 1, '', 0)", (registration_id,))
    conn.commit()
    conn.close()
    before = _dump(path)
    with pytest.raises(RuntimeError, match=f"2 klager på karakter for oppmelding {registration_id}"):
        upgrade(make_engine(path))
    after = _dump(path)
    assert {t: rows for t, rows in after.items() if t in before} == before
