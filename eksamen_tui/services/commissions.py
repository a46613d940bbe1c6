"""Commission queries and changes (ordinary and appeal commissions), and
the F7 desk's overview of the exams' commission status, which the
dashboard's card counts from."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from itertools import groupby
from operator import itemgetter

from sqlalchemy import select as core_select
from sqlmodel import Session, select

from eksamen_tui.db.models import Commission, CommissionMember, Course, Exam, Examiner
from eksamen_tui.domain.commission_rules import MemberInfo, appeal_commission_problems, ordinary_commission_problems
from eksamen_tui.domain.vocabulary import CommissionKind
from eksamen_tui.services.context import Context
from eksamen_tui.services.queries import of_part


def find_commission(session: Session, exam_id: int, kind: CommissionKind, part_id: int | None = None) -> Commission | None:
    """The exam's commission of `kind`, or None."""
    query = select(Commission).where(Commission.exam_id == exam_id, Commission.kind == kind)
    query = query.where(of_part(Commission.part_id, part_id))
    return session.exec(query.order_by(Commission.number)).first()


def commission_members(session: Session, commission_id: int) -> list[MemberInfo]:
    rows = session.exec(
        select(Examiner)
        .join(CommissionMember, CommissionMember.examiner_id == Examiner.id)
        .where(CommissionMember.commission_id == commission_id)
        .order_by(Examiner.name)
    ).all()
    return [MemberInfo(key=str(e.id), name=e.name, is_external=e.is_external) for e in rows]


def commission_counts(ctx: Context) -> dict[str, int]:
    """For the dashboard: the same counts F7 shows (from its overview):
    forms missing, appeal commissions missing, exams past the form deadline."""
    summary = commission_summary(commission_overview(ctx))
    return {key: summary[key] for key in ("form_missing", "appeal_missing", "overdue")}


# --- the desk's overview ------------------------------------------------------------

@dataclass
class CommissionStatus:
    exam_id: int
    course_code: str
    exam_form: str
    exam_date: date
    deadline: date
    status: str  # "no form" … in bokmål
    overdue: bool


_EXAM, _COURSE = Exam.__table__, Course.__table__
_COMMISSION, _MEMBER, _EXAMINER = Commission.__table__, CommissionMember.__table__, Examiner.__table__


def commission_overview(ctx: Context, days_back: int = 7, days_ahead: int = 60) -> list[CommissionStatus]:
    """Every exam from `days_back` days ago to `days_ahead` days ahead with
    its commission status and form deadline, by deadline."""
    today = ctx.today()
    in_window = (_EXAM.c.exam_date >= today - timedelta(days=days_back),
                 _EXAM.c.exam_date <= today + timedelta(days=days_ahead))
    # SQL Core, not the ORM: two months hold thousands of exams and ~10,000
    # members, and building ORM rows for them was most of the time
    with ctx.read() as s:
        conn = s.connection()
        exams = conn.execute(core_select(_EXAM.c.id, _COURSE.c.code, _EXAM.c.exam_form, _EXAM.c.exam_date)
                             .join_from(_EXAM, _COURSE, _COURSE.c.id == _EXAM.c.course_id)
                             .where(*in_window)).all()
        # members streamed exam by exam, each exam's status decided as its
        # members pass: only one exam's members are held at a time (holding
        # every member of two months' commissions at once was ~4 MB at peak)
        members = conn.execute(
            core_select(_COMMISSION.c.exam_id, _COMMISSION.c.kind, _EXAMINER.c.id, _EXAMINER.c.name,
                        _EXAMINER.c.is_external)
            .join_from(_COMMISSION, _MEMBER, _MEMBER.c.commission_id == _COMMISSION.c.id)
            .join(_EXAMINER, _EXAMINER.c.id == _MEMBER.c.examiner_id)
            .where(_COMMISSION.c.exam_id.in_(core_select(_EXAM.c.id).where(*in_window).scalar_subquery()),
                   of_part(_COMMISSION.c.part_id, None))
            .order_by(_COMMISSION.c.exam_id)
            .execution_options(yield_per=1000))
        infos: dict[int, MemberInfo] = {}  # one per examiner: most sit on several commissions
        statuses: dict[int, str] = {}
        for exam_id, rows in groupby(members, key=itemgetter(0)):
            ordinary: list[MemberInfo] = []
            appeal: list[MemberInfo] = []
            for _, kind, examiner_id, name, external in rows:
                info = infos.get(examiner_id)
                if info is None:
                    info = infos[examiner_id] = MemberInfo(str(examiner_id), name, external)
                if kind == CommissionKind.ORDINARY:
                    ordinary.append(info)
                elif kind == CommissionKind.APPEAL:
                    appeal.append(info)
            statuses[exam_id] = _commission_status(ctx, ordinary, appeal)
    result = []
    deadlines: dict[date, date] = {}  # the deadline once per exam date
    for exam_id, course_code, exam_form, exam_date in exams:
        status = statuses.get(exam_id, "skjema mangler")
        deadline = deadlines.get(exam_date)
        if deadline is None:
            deadline = deadlines[exam_date] = ctx.rules.commission_form(exam_date)
        result.append(CommissionStatus(exam_id, course_code, exam_form, exam_date, deadline, status,
                                       status != "komplett" and deadline < today))
    result.sort(key=lambda r: (r.deadline, r.course_code))
    return result


def _commission_status(ctx: Context, ordinary: list[MemberInfo], appeal: list[MemberInfo]) -> str:
    """An exam's commission status by the domain's rules, the same ones the
    form import and sending appeals apply."""
    if not ordinary:
        return "skjema mangler"
    if ordinary_commission_problems(ordinary, requires_external=ctx.profile.ordinary_commission_requires_external):
        return "ufullstendig"
    if not appeal:
        return "klagekommisjon mangler"
    if appeal_commission_problems(appeal, ordinary):
        return "klagekommisjon ufullstendig"
    return "komplett"


def commission_summary(overview: list[CommissionStatus]) -> dict:
    """The counts F7 shows above its list and the dashboard shows on its
    card, from the same overview rows: exams per status, forms missing,
    appeal commissions missing, and exams past the form deadline."""
    by_status: dict[str, int] = {}
    for row in overview:
        by_status[row.status] = by_status.get(row.status, 0) + 1
    return {
        "exams": len(overview),
        "by_status": dict(sorted(by_status.items())),
        "form_missing": by_status.get("skjema mangler", 0),
        "appeal_missing": by_status.get("klagekommisjon mangler", 0),
        "overdue": sum(1 for row in overview if row.overdue),
    }
