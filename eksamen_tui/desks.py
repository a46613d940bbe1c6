"""The desks the app offers: mode name -> (bokmål title, key, "module:Class"
in the screens package). Its own module so that the app and the screens
(the palette) both read it without importing each other."""
from __future__ import annotations

DESKS: dict[str, tuple[str, str, str]] = {
    "dashboard": ("Oversikt", "f2", "screens.dashboard:DashboardScreen"),
    "papers": ("Eksamensoppgaver", "f3", "screens.papers:PapersScreen"),
    "attendance": ("Oppmøte", "f4", "screens.attendance:AttendanceScreen"),
    "grades": ("Karakterer", "f5", "screens.grades:GradesScreen"),
    "appeals": ("Begrunnelse og klage", "f6", "screens.appeals:AppealsScreen"),
    "commissions": ("Kommisjonsskjema", "f7", "screens.commissions:CommissionsScreen"),
    "student": ("Student", "f8", "screens.student:StudentScreen"),
    "audit_log": ("Endringslogg", "f9", "screens.audit_log:AuditLogScreen"),
    "after": ("Etter eksamen", "f10", "screens.after_exam:AfterExamScreen"),
    "settings": ("Innstillinger", "f12", "screens.settings:SettingsScreen"),
}
