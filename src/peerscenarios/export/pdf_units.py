"""Cut the writers' HTML into the pieces the PDF flow places one by one (no Qt).

A *section* is a heading with the text up to the next heading. Inside a
section, each row of a ``grid`` table after the first becomes a piece of its
own, so that a row is kept whole on a page (QTextDocument would split it
anywhere, leaving a single line at the foot of a page) and the table's header
row can be set again above it at the top of a new page.

This relies on the writers' own HTML: headings only at the top level, tables
not nested, and every "<" of user text escaped, so none of the patterns below
can match inside a text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SECTION_START = re.compile(r"(?=<h[1-6][ >])")
_HEADINGS_ONLY = re.compile(r"(?:<h([1-6])[^>]*>.*?</h\1>)+", re.DOTALL)
_BODY = re.compile(r"<body[^>]*>(.*)</body>", re.DOTALL)
_GRID = re.compile(r"<table class='grid'[^>]*>(<thead>.*?</thead>)(.*?)</table>", re.DOTALL)
_ROW = re.compile(r"<tr>(.*?)</tr>", re.DOTALL)
_WIDTH = re.compile(r"<th width='(\d+%)'")
_CELL = re.compile(r"<td(?=[ >])")


@dataclass(frozen=True, slots=True)
class Unit:
    """One piece to place: HTML, and for a table row its table's header (to repeat
    at the top of a page); ``after_table`` when it follows a table it was cut from."""

    html: str
    header: str | None = None
    after_table: bool = False


def sections(body_html: str) -> list[str]:
    """``body_html`` cut before each heading; a heading directly followed by another
    heading stays with it, so a run of headings always has text after it."""
    match = _BODY.search(body_html)
    inner = match.group(1) if match else body_html
    out: list[str] = []
    pending = ""
    for part in _SECTION_START.split(inner):
        pending += part
        if pending and not _HEADINGS_ONLY.fullmatch(pending):
            out.append(pending)
            pending = ""
    if pending:
        out.append(pending)
    return out


def _row_table(cells: str, widths: list[str]) -> str:
    """One row as a table of its own, its columns as wide as the header's."""
    index = iter(widths)

    def width(match: re.Match[str]) -> str:
        return f"<td width='{next(index, '')}'" if widths else match.group(0)

    return f"<table class='rows' width='100%'><tr>{_CELL.sub(width, cells)}</tr></table>"


def units(section: str) -> list[Unit]:
    """A section as the pieces to place: its opening (heading, text, and each grid
    table's header and first row, which stay with what comes before them), then
    every further row on its own, then whatever follows the table."""
    out: list[Unit] = []
    rest = section
    after_table = False
    lead = ""
    while (match := _GRID.search(rest)) is not None:
        head, body = match.group(1), match.group(2)
        rows = _ROW.findall(body)
        table_open = rest[match.start():match.start(1)]
        first = f"<tr>{rows[0]}</tr>" if rows else ""
        lead += f"{rest[:match.start()]}{table_open}{head}{first}</table>"
        if len(rows) > 1:
            out.append(Unit(lead, after_table=after_table))
            widths = _WIDTH.findall(head)
            header = f"{table_open}{head}</table>"
            out.extend(Unit(_row_table(cells, widths), header=header) for cells in rows[1:])
            lead, after_table = "", True
        rest = rest[match.end():]
    lead += rest
    if lead.strip():
        out.append(Unit(lead, after_table=after_table))
    return out
