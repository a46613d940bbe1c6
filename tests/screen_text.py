"""Read what a running app shows, as plain text (for assertions)."""
from __future__ import annotations

import html
import re


def screen_text(app) -> str:
    """Every character drawn on the screen, through the public SVG export."""
    svg = app.export_screenshot()
    pieces = re.findall(r"<text[^>]*>(.*?)</text>", svg, flags=re.S)
    return html.unescape("".join(pieces)).replace("\xa0", " ")


async def settle(app, pilot) -> None:
    """Let the app finish what a key started: messages, workers, a refresh."""
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


async def open_exam_on_desk(app, pilot, desk_key: str, code: str) -> None:
    """Go to a desk with its function key, type the course code, Enter."""
    await pilot.pause()
    await pilot.press(desk_key)
    await pilot.pause()
    await pilot.press(*code.lower())
    await settle(app, pilot)
    await pilot.press("enter")
    await pilot.pause()
