"""The desks' footer: the keys of the desk first, sized to the terminal.

Below 140 columns the F-keys that switch desks leave the footer (one
«F2–F12 pulter» reminder instead; F1 and the palette name them all), so
the desk's own keys are not cut. Below 100 columns (80×24) each key is
shown with a short word, and a few secondary keys leave it too; every key
still works and is listed on F1 and in the palette. Keys at the end that
would run under the palette key are left out rather than cut."""
from __future__ import annotations

from rich.cells import cell_len
from textual.widgets import Footer
from textual.widgets._footer import FooterKey, FooterLabel, KeyGroup

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


class DeskFooter(Footer):
    """Textual's Footer, with the desk's keys sized to the terminal (see the
    module). It is rebuilt only when what it shows changes: Textual asks on
    every focus move and binding refresh, and rebuilding mounts some twenty
    widgets (their styles, then their garbage) each time."""

    # Textual's compact footer puts no space after a group's word, so the
    # next key ran into it («Statusa Resten»)
    DEFAULT_CSS = """
    DeskFooter.-compact FooterLabel {
        margin: 0 1 0 0;
    }
    /* the compact keys' margin left the last column to what scrolled under the docked palette key */
    DeskFooter.-compact FooterKey.-command-palette {
        margin-right: 0;
    }
    """

    _tier: str | None = None
    _shown: tuple | None = None  # what the footer's widgets show now (see `_plan`)

    def __init__(self, *args, compact: bool = True, **kwargs) -> None:
        super().__init__(*args, compact=compact, **kwargs)  # compact: more keys fit on one line

    def _key_classes(self, *classes: str) -> str:
        # a key made with its "-compact" class is not restyled when the
        # footer's compact flag reaches it (twenty keys, each a restyle)
        return " ".join(classes + (("-compact",) if self.compact else ()))

    def on_resize(self, event) -> None:
        if tier(self.app.size.width) != self._tier:
            self.call_after_refresh(self.recompose)
        else:  # which keys and reminder fit may have changed
            self.call_after_refresh(self._recompose_if_changed)

    def bindings_changed(self, screen) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen:
            self.call_after_refresh(self._recompose_if_changed)

    async def _recompose_if_changed(self) -> None:
        if self.is_attached and self._plan() != self._shown:
            await self.recompose()

    def _plan(self) -> tuple:
        """What the footer shows at this width: (tier, entries, palette
        entry), each entry a group word and its keys (binding, enabled,
        tooltip, description); a plain key has the group word None."""
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
        if self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE:
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
        display = self.app.get_key_display
        room = width
        if palette is not None:  # docked at the right: its border, key and word
            binding = palette[0]
            room -= 1 + cell_len(display(binding)) + 1 + cell_len(binding.description)
        used, kept = 0, []
        for group, members in entries:  # each as the compact footer draws it (see DEFAULT_CSS), its margin last
            if group is None:
                binding, _, _, description = members[0]
                needed = cell_len(display(binding)) + 1 + cell_len(description) + 1
            else:
                needed = 1 + sum(cell_len(display(binding)) for binding, *_ in members) + 1 + cell_len(group) + 1
            if used + needed - 1 > room:
                break
            kept.append((group, members))
            used += needed
        reminder = next((text for text in REMINDERS.get(level, ()) if used + cell_len(text) <= room), "")
        return kept, reminder

    def _forget_removed_keys(self) -> None:
        """Drop the data bindings of keys a recompose removed. Textual keeps
        each bound key in the footer's watcher list until `compact` changes,
        which it never does after mount, so every rebuild kept its old keys
        (and their styles) alive for as long as the footer lived."""
        for watchers in getattr(self, "__watchers", {}).values():
            watchers[:] = [(node, callback) for node, callback in watchers if not (node._closing or node._closed)]

    def compose(self):
        self._forget_removed_keys()
        if not self._bindings_ready:
            return
        plan = self._plan()
        self._shown = plan
        level, entries, palette, reminder = plan
        self._tier = level
        grouped = level != "wide"
        self.styles.grid_size_columns = sum(len(members) for _, members in entries) + bool(reminder)
        for group, members in entries:
            if group is not None:
                with KeyGroup(classes="-compact"):
                    for binding, enabled, tooltip, _ in members:
                        yield FooterKey(binding.key, self.app.get_key_display(binding), "", binding.action,
                                        disabled=not enabled, tooltip=tooltip or binding.description,
                                        classes=self._key_classes("-grouped")).data_bind(compact=Footer.compact)
                yield FooterLabel(group)
            else:
                binding, enabled, tooltip, description = members[0]
                yield FooterKey(binding.key, self.app.get_key_display(binding), description, binding.action,
                                disabled=not enabled, tooltip=tooltip,
                                classes=self._key_classes()).data_bind(compact=Footer.compact)
        if reminder:
            yield FooterLabel(reminder)
        if palette is not None:
            binding, enabled = palette
            yield FooterKey(binding.key, self.app.get_key_display(binding), binding.description, binding.action,
                            classes=self._key_classes("-command-palette"), disabled=not enabled,
                            tooltip=binding.tooltip or binding.description)
