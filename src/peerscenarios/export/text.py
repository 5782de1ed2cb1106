"""Small text helpers the writers share: local times, and escaping for Markdown, CSV and HTML."""

from __future__ import annotations

import html
import re
from datetime import datetime

from peerscenarios.core import markup

# Characters that make Markdown (or HTML inside Markdown) do something: a
# reflection must read exactly as typed and never become a link, image or tag.
# "!" is left alone: with "[" escaped it cannot start an image.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~])")
# A spreadsheet runs a cell that starts with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def fmt_time(moment: datetime | None) -> str:
    """``2026-03-02 13:05`` in the computer's local time, or an empty string."""
    if moment is None:
        return ""
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def fmt_date(moment: datetime) -> str:
    """``2026-03-02`` in local time."""
    return moment.astimezone().strftime("%Y-%m-%d")


def plain(scenario_text: str) -> str:
    """Scenario text (Markdown subset) with its markers removed."""
    return markup.to_plain(scenario_text)


def md_escape(text: str) -> str:
    """Escape ``text`` so Markdown shows it literally, on one line."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def md_quote(text: str) -> str:
    """A block quote of free text, line breaks kept, every line escaped."""
    lines = text.strip().splitlines() or [""]
    return "\n".join(f"> {md_escape(line)}".rstrip() for line in lines)


def csv_cell(value: object) -> object:
    """A value safe to put in a CSV cell: text that a spreadsheet would run as a formula
    gets a leading apostrophe, which spreadsheets show as plain text."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def h(text: str) -> str:
    """HTML-escape free text, keeping its line breaks."""
    return html.escape(text.strip(), quote=True).replace("\n", "<br>")


def h_inline(scenario_text: str) -> str:
    """Scenario text for HTML: markers removed, escaped, on one line."""
    return html.escape(" ".join(plain(scenario_text).split()), quote=True)


def text_bar(count: int, most: int, cells: int) -> str:
    """A bar of block characters, ``cells`` long for ``most``: a chart that still reads
    on a black-and-white printer and needs no image."""
    return "█" * (round(cells * count / most) if most else 0)
