"""One source of truth for counts (issue 12, item 5): the dashboard's figures
are the desks' own, exam by exam, on the whole demo database; the demo
computes course grades from parts as the grade desk does; a deadline on the
dashboard says done / not done / overdue in words.

The issue saw TFY4115 as 144/144 on the dashboard and 0/144 course grades on
F5, and the commission counts of the dashboard and F7 disagree."""
from collections import Counter
from datetime import timedelta

import pytest
from sqlmodel import select

from eksamen_tui.app import EksamenApp
from eksamen_tui.db.models import Exam, ExamPart
from eksamen_tui.domain.attendance import AttendanceState
from eksamen_tui.domain.grade_rules import compute_course_grade
from eksamen_tui.domain.scales import GradeScale
from eksamen_tui.services import appeals, attendance, commission_forms, dashboard, grades, papers
from eksamen_tui.services.context import open_context
from eksamen_tui.services.demo import REFERENCE_TODAY
from tests.factories import copy_demo_database
from tests.screen_text import screen_text, settle


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = copy_demo_database(tmp_path_factory.mktemp("demo") / "demo.db", today=REFERENCE_TODAY)
    ctx = open_context(str(path), clerk="kari", today=lambda: REFERENCE_TODAY)
    yield ctx
    ctx.engine.dispose()


def every_line(ctx):
    return dashboard.exam_lines(ctx, days_back=400, days_ahead=400, limit=10_000)


def test_the_dashboard_line_of_every_exam_has_the_desks_figures(demo):
    lines = every_line(demo)
    with demo.read() as s:
        exams = {exam.id: exam for exam in s.exec(select(Exam)).all()}
    assert {line.exam_id for line in lines} == set(exams)  # every exam of the demo is walked
    today = demo.today()
    for line in lines:
        exam = exams[line.exam_id]
        roster = attendance.exam_roster(demo, exam.id)  # F4
        assert line.candidates == len(roster), line.course_code
        assert line.unmarked == attendance.state_counts(roster)[AttendanceState.REGISTERED], line.course_code
        progress = grades.progress_of(grades.protocol(demo, exam.id), GradeScale(exam.grade_scale))  # F5 «samlet»
        assert line.graded == (progress.entered, progress.expected), line.course_code
        if exam.published_on is None and exam.exam_date < today and progress.expected:
            assert line.grades.startswith(f"{progress.entered}/{progress.expected}"), line.course_code
        assert line.open_cases == len(appeals.case_list(demo, exam_id=exam.id)), line.course_code  # F6
        latest = papers.paper_context(demo, exam.id).latest  # F3
        if latest is not None:
            assert line.paper == ("mottatt for sent" if latest.is_late else "mottatt"), line.course_code


def test_the_dashboard_cards_are_the_desks_counts(demo):
    counts = dashboard.desk_counts(demo)
    # F7: the summary above its list
    summary = commission_forms.commission_summary(commission_forms.commission_overview(demo))
    assert counts["commissions"] == {"form_missing": summary["by_status"].get("skjema mangler", 0),
                                     "appeal_missing": summary["by_status"].get("klagekommisjon mangler", 0),
                                     "overdue": summary["overdue"]}
    # F3: the overview's states
    states = Counter(p.state for p in papers.paper_overview(demo))
    assert counts["papers"]["received"] == states["received"] + states["late_received"]
    assert counts["papers"]["late"] == states["missing_late"]
    # F6: the open cases list
    assert counts["cases"]["open"] == len(appeals.case_list(demo))
    # F5: unpublished exams of the last 90 days, course grades as the desk counts them
    today = demo.today()
    entered = expected = 0
    with demo.read() as s:
        recent = s.exec(select(Exam).where(Exam.exam_date < today, Exam.exam_date >= today - timedelta(days=90),
                                           Exam.published_on.is_(None))).all()
    for exam in recent:
        progress = grades.progress_of(grades.protocol(demo, exam.id), GradeScale(exam.grade_scale))
        entered, expected = entered + progress.entered, expected + progress.expected
    assert (counts["grades"]["entered"], counts["grades"]["expected"]) == (entered, expected)


def test_the_demo_computes_course_grades_from_parts_as_the_desk_does(demo):
    with demo.read() as s:
        exams_with_parts = {exam_id for exam_id in s.exec(select(ExamPart.exam_id)).all()}
        exams = {e.id: e for e in s.exec(select(Exam).where(Exam.id.in_(exams_with_parts))).all()}
        parts = {exam_id: s.exec(select(ExamPart).where(ExamPart.exam_id == exam_id).order_by(ExamPart.id)).all()
                 for exam_id in exams}
    checked = 0
    for exam_id, exam in exams.items():
        course = {row.registration_id: row for row in grades.protocol(demo, exam_id)}
        by_part = {part.id: {row.registration_id: row for row in grades.protocol(demo, exam_id, part.id)}
                   for part in parts[exam_id]}
        for registration_id, row in course.items():
            part_rows = [by_part[part.id][registration_id] for part in parts[exam_id]]
            if any(r.grade is None for r in part_rows):
                assert row.grade is None
                continue
            expected = compute_course_grade([(part.weight, r.grade) for part, r in zip(parts[exam_id], part_rows)],
                                            GradeScale(exam.grade_scale))
            assert (row.grade, row.status) == (expected, "computed"), (exam_id, registration_id)
            checked += 1
    assert checked > 100  # TFY4115 and the other courses with parts have graded candidates


def test_every_dashboard_deadline_says_done_not_done_or_overdue_in_words(demo):
    lines = every_line(demo)
    words = Counter(state for line in lines for _, _, _, state in line.deadlines)
    assert {"utført", "ikke utført", "forsinket"} <= set(words)
    today = demo.today()
    for line in lines:
        states = {key: (day, state) for key, _, day, state in line.deadlines}
        day, state = states["publication"]
        assert state == ("utført" if line.published_on else ("forsinket" if day < today else "ikke utført"))
        day, state = states["attendance_registration"]
        if line.unmarked and line.exam_date < today:
            assert state == ("forsinket" if day < today else "ikke utført"), line.course_code


async def test_the_dashboard_shows_states_in_words_not_ticks(demo):
    app = EksamenApp(ctx=demo)
    async with app.run_test(size=(150, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("up")
        await settle(app, pilot)
        text = screen_text(app)
    assert "✓" not in text
    assert "Sensurfrist:" in text and ("– utført" in text or "– ikke utført" in text or "– forsinket" in text)
