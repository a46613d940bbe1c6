"""The desks' footer: the keys of the desk first, sized to the terminal.

Below 140 columns the F-keys that switch desks leave the footer (one
«F2–F12 pulter» reminder instead; F1 and the palette name them all), so
the desk's own keys are not cut. Below 100 columns (80×24) each key is
shown with a short word, and a few secondary keys leave it too; every key
still works and is listed on F1 and in the palette. Keys at the end that
would run under the palette key are left out rather than cut.

The footer is one widget drawing one line (a click on a key presses it).
Textual's Footer mounts a widget per key: some twenty per desk, each
styled and laid out, which cost every desk's first frame ~40 ms, and
each change of the desk's keys rebuilt them all."""
from __future__ import annotations

from rich.cells import cell_len
from rich.style import Style as RichStyle
from textual.content import Content
from textual.markup import escape
from textual.widget import Widget

# the footer's tiers by terminal width (as the desks' layouts)
NARROW_BELOW, WIDE_FROM = 100, 140

# binding id -> a short word for 80 columns
SHORT = {
    "attendance.attended": "Møtt", "attendance.no_show": "Ikke", "attendance.withdrew_during": "Tr.under",
    "attendance.blank": "Blank", "attendance.valid_absence": "Gyldig", "attendance.withdrawn": "Tr.før",
    "attendance.rest": "Resten", "attendance.undo": "Angre", "attendance.documentation": "Dok.",
    "grades.letter": "Kar.", "grades.passed": "B", "grades.failed": "IB", "grades.undo": "Angre",
    "grades.control": "Kontroll", "grades.resolve": "Avvik", "grades.correct": "Rett", "grades.part": "Del",
    "grades.publish": "Kunngjør", "grades.export": "Protokoll",
    "papers.register": "Registrer", "papers.search": "Søk", "papers.overview": "Oversikt", "papers.receipt": "Kvitt.",
    "appeals.new": "Ny sak", "appeals.view_open": "Åpne", "appeals.view_overdue": "Frist", "appeals.view_all": "Alle",
    "appeals.given": "Begr.gitt", "appeals.send": "Send", "appeals.grade": "Ny kar.", "appeals.further": "Videre",
    "appeals.formal": "Formell", "appeals.close": "Lukk", "appeals.reopen": "Gjenåpne",
    "commissions.import": "Importer", "commissions.export_blank": "Tomme", "commissions.export_filled": "Utfylt",
    "commissions.directory": "Sensorer",
    "after.search": "Søk", "after.hand_out": "Utlever", "after.return": "Retur", "after.resolve": "Avklar",
    "after.extend": "Utsett", "after.guidelines": "Veil.", "after.fees": "Honorar", "after.resits": "Konte",
    "after.custody": "Besv.", "after.fee_sent": "Sendt", "after.fee_confirmed": "Bekr.",
    "student.withdraw": "Trekk", "student.documentation": "Dok.", "student.case": "Ny sak",
    "app.help": "Hjelp",
}
# below 140 columns, keys that do one kind of thing share one word: "m i t b g f Status"
GROUPS = {
    **dict.fromkeys(("attendance.attended", "attendance.no_show", "attendance.withdrew_during", "attendance.blank",
                     "attendance.valid_absence", "attendance.withdrawn"), "Status"),
    **dict.fromkeys(("grades.letter", "grades.passed", "grades.failed"), "Karakter"),
    **dict.fromkeys(("appeals.view_open", "appeals.view_overdue", "appeals.view_all"), "Vis"),
    **dict.fromkeys(("after.fees", "after.resits", "after.custody"), "Liste"),
    **dict.fromkeys(("after.fee_sent", "after.fee_confirmed"), "Honorar"),
}
# binding ids left out at 80 columns (on F1 and in the palette)
SECONDARY = {
    "attendance.history", "attendance.overdue", "attendance.export", "attendance.change_exam",
    "grades.change_exam", "grades.history", "grades.part", "grades.undo",
    "papers.history",
    "appeals.type", "appeals.exam", "appeals.history", "appeals.export", "appeals.formal", "appeals.reopen",
    "commissions.export_directory", "commissions.history", "commissions.search_directory",
    "after.export", "after.guidelines", "after.search",
    "app.help",
}


# the F-key reminder below 140 columns, longest first: the first that fits
REMINDERS = {"narrow": ("F1 hjelp · F2–F12 pulter", "F1 hjelp"), "medium": ("F2–F12 pulter",)}  # (none when wide)


def tier(width: int) -> str:
    return "narrow" if width < NARROW_BELOW else ("wide" if width >= WIDE_FROM else "medium")


def shown(bindings, width: int):
    """(binding, enabled, tooltip, description) the footer shows at `width`, in order."""
    level = tier(width)
    result = []
    for binding, enabled, tooltip in bindings:
        if not binding.show:
            continue
        if level != "wide" and (binding.id or "").startswith("app.desk."):
            continue
        description = binding.description
        if level != "wide":
            description = SHORT.get(binding.id, description)
        if level == "narrow" and binding.id in SECONDARY:
            continue
        result.append((binding, enabled, tooltip, description))
    return result


class DeskFooter(Widget):
    """The desk's keys on one line, the palette key at the right (see the
    module). It draws again only when what it shows changes."""

    ALLOW_SELECT = False
    DEFAULT_CSS = """
    DeskFooter {
        dock: bottom;
        height: 1;
        background: $footer-background;
        color: $footer-description-foreground;
        text-wrap: nowrap;
        link-style-hover: none;
        link-background-hover: $block-hover-background;
    }
    """

    @property
    def link_style(self) -> RichStyle:
        # each key keeps its own colours (Textual paints every link, i.e.
        # every key here, in the one link colour); the mouse still lights it
        return RichStyle()

    _shown: tuple | None = None  # the plan drawn last (see `_plan`)

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def _bindings_changed(self, screen) -> None:
        # (as Textual's Footer: not while the terminal has lost focus, when
        # only the app's own keys are active for a moment)
        if screen.app.app_focus and screen is self.screen and self._plan() != self._shown:
            self.refresh()

    def render(self) -> Content:
        plan = self._plan()
        self._shown = plan
        level, entries, palette, reminder = plan
        parts = []
        for group, members in entries:
            if group is None:
                binding, enabled, _, description = members[0]
                parts.append(self._key(binding, enabled, description))
            else:  # the keys side by side, then their one word: «mitbgf Status»
                keys = [self._key(binding, enabled, "") for binding, enabled, *_ in members]
                parts.append(Content.assemble(*keys, " ", group))
        if reminder:
            parts.append(Content(reminder))
        line = Content(" ").join(parts)
        if palette is None:
            return line
        binding, enabled = palette
        right = Content.assemble(Content.styled("▏", "$foreground 20%"),
                                 self._key(binding, enabled, binding.description))
        return Content.assemble(line, " " * max(0, self.size.width - line.cell_length - right.cell_length), right)

    def _key(self, binding, enabled: bool, description: str) -> Content:
        """One key as a link that presses it, with its word (if any)."""
        action = f"app.simulate_key({binding.key!r})" if enabled else "app.bell"
        word = f" {escape(description)}" if description else ""
        key = Content.from_markup(f"[@click={action}][bold $footer-key-foreground]{escape(self._display(binding))}[/]{word}[/]")
        return key if enabled else key.stylize("dim")

    def _display(self, binding) -> str:
        return self.app.get_key_display(binding)

    def _plan(self) -> tuple:
        """What the footer shows at this width: (tier, entries, palette
        entry, reminder), each entry a group word and its keys (binding,
        enabled, tooltip, description); a plain key has the group word None."""
        width = self.app.size.width
        level = tier(width)
        active_bindings = self.screen.active_bindings
        active = [(binding, enabled, tooltip) for (_, binding, enabled, tooltip) in active_bindings.values()]
        by_action: dict[str, tuple] = {}
        for item in shown(active, width):
            by_action.setdefault(item[0].action, item)
        items = list(by_action.values())
        grouped = level != "wide"
        entries = []
        index = 0
        while index < len(items):
            group = GROUPS.get(items[index][0].id) if grouped else None
            members = [items[index]]
            while group and index + len(members) < len(items) and GROUPS.get(items[index + len(members)][0].id) == group:
                members.append(items[index + len(members)])
            entries.append((group if len(members) > 1 else None, tuple(members)))
            index += len(members)
        palette = None
        if self.app.ENABLE_COMMAND_PALETTE:
            found = active_bindings.get(self.app.COMMAND_PALETTE_BINDING)
            if found is not None:
                _, binding, enabled, _ = found
                palette = (binding, enabled)
        entries, reminder = self._fit(level, entries, palette, width)
        return level, tuple(entries), palette, reminder

    def _fit(self, level: str, entries: list, palette, width: int) -> tuple[list, str]:
        """The entries that fit whole before the palette key (in order: the
        desk's own keys come first, so what gives way is at the end, and
        every key still works and is on F1 and in the palette), and the
        F-key reminder that fits after them: the long one, a shorter one,
        or none. A key or reminder cut in half («F1 hjel») helps nobody."""
        room = width
        if palette is not None:  # at the right: its bar, key, a blank and word
            binding = palette[0]
            room -= 1 + cell_len(self._display(binding)) + 1 + cell_len(binding.description)
        used, kept = 0, []
        for group, members in entries:  # each as `render` draws it, one blank between
            if group is None:
                binding, _, _, description = members[0]
                needed = cell_len(self._display(binding)) + 1 + cell_len(description)
            else:
                needed = sum(cell_len(self._display(binding)) for binding, *_ in members) + 1 + cell_len(group)
            if used + bool(kept) + needed > room:
                break
            kept.append((group, members))
            used += bool(kept[:-1]) + needed
        reminder = next((text for text in REMINDERS.get(level, ()) if used + bool(kept) + cell_len(text) <= room), "")
        return kept, reminder
