"""Read what a running app shows, as plain text (for assertions)."""
from __future__ import annotations

import html
import re


def screen_text(app) -> str:
    """Every character drawn on the screen, through the public SVG export."""
    svg = app.export_screenshot()
    pieces = re.findall(r"<text[^>]*>(.*?)</text>", svg, flags=re.S)
    return html.unescape("".join(pieces)).replace("\xa0", " ")
