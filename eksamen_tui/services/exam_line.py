"""One exam's line on the dashboard (`services.dashboard.exam_lines`), and
what it leads to (which desk Enter opens; `dashboard_leads` has the rest).

A module of its own, with nothing but the standard library: the dashboard's
data read by another process while the app starts (`dashboard_feed`)
arrives as these, and the app must not import the database layer to take
them in."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass
class ExamLine:
    exam_id: int
    course_code: str
    course_name: str
    exam_date: date
    exam_form: str
    candidates: int
    next_deadline_label: str
    next_deadline: date | None
    paper: str  # "mottatt", "mottatt for sent", "mangler", "mangler – for sent", "–"
    attendance: str  # "ferdig", "12 umerket", "–"
    grades: str  # "40/52", "–"
    open_cases: int
    overdue: list[str] = field(default_factory=list)  # what is late, in words
    grading_deadline: date | None = None  # the one in force
    grading_extended: bool = False  # an approved extension moved it
    scripts: str = ""  # answer-script custody in words ("" when none handed out)
    graded: tuple[int, int] = (0, 0)  # course grades (entered, expected): the grade desk's «samlet» figures
    unmarked: int = 0  # candidates without an attendance state: the attendance desk's «ikke registrert»
    published_on: date | None = None
    # every deadline in date order: (key, bokmål label, date, state in words or "" when not followed up here)
    deadlines: list[tuple[str, str, date, str]] = field(default_factory=list)


# the desks an exam's items are on, most urgent kind first (issue order)
DESK_ORDER = ("papers", "attendance", "grades", "appeals", "commissions", "after")
DESK_NAMES = {"papers": "F3 Eksamensoppgaver", "attendance": "F4 Oppmøte", "grades": "F5 Karakterer",
              "appeals": "F6 Begrunnelse og klage", "commissions": "F7 Kommisjonsskjema",
              "after": "F10 Etter eksamen"}


@dataclass(frozen=True)
class Lead:
    desk: str  # mode name of the desk
    reason: str  # in bokmål
    overdue: bool

    @property
    def text(self) -> str:
        return f"{DESK_NAMES[self.desk]}: {self.reason}" + (" (frist ute)" if self.overdue else "")


def leads_for(line, form_missing: bool, form_overdue: bool) -> list[Lead]:
    """What is still to do on the exam of a dashboard line (ExamLine),
    most urgent first: overdue before not yet due, then papers, attendance,
    grades, appeals, commission form."""
    found: list[Lead] = []
    if line.paper.lower().startswith("mangler"):
        found.append(Lead("papers", "oppgaven mangler", "oppgave" in line.overdue))
    if "umerket" in line.attendance:
        found.append(Lead("attendance", f"oppmøte: {line.attendance.split(' –')[0]}", "oppmøte" in line.overdue))
    if "/" in line.grades:
        done, expected = (int(part) for part in line.grades.split(" ")[0].split("/"))
        if done < expected:
            found.append(Lead("grades", f"sensur {done}/{expected}", "sensur" in line.overdue))
    if line.open_cases:
        found.append(Lead("appeals", f"{line.open_cases} åpne saker", False))
    if form_missing:
        found.append(Lead("commissions", "kommisjonsskjema mangler", form_overdue))
    if "mangler" in getattr(line, "scripts", ""):  # answer scripts not back: the «Etter eksamen» desk
        found.append(Lead("after", "besvarelser mangler", "besvarelser" in line.overdue))
    return sorted(found, key=lambda lead: (not lead.overdue, DESK_ORDER.index(lead.desk)))
