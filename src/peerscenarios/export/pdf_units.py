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

from peerscenarios.export.pdf_style import PROMPT_SPACE_PT, TABLE_MARGIN_PT

# A lookahead, so that split() leaves each heading at the start of the piece it opens.
_SECTION_START = re.compile(r"(?=<h[1-6][ >])")
# A piece of nothing but headings ("Attempts" directly above "Attempt 1") is no section yet.
_HEADINGS_ONLY = re.compile(r"(?:<h([1-6])[^>]*>.*?</h\1>)+", re.DOTALL)
_BODY = re.compile(r"<body[^>]*>(.*)</body>", re.DOTALL)
_GRID = re.compile(r"<table class='grid'[^>]*>(<thead>.*?</thead>)(.*?)</table>", re.DOTALL)
_ROW = re.compile(r"<tr>(.*?)</tr>", re.DOTALL)
_WIDTH = re.compile(r"<th width='(\d+%)'")
_CELL = re.compile(r"<td(?=[ >])")


_PROMPT = re.compile(r"(?=<p class='prompt'>)")


@dataclass(frozen=True, slots=True)
class Unit:
    """One piece to place: HTML, and for a table row its table's header (to repeat
    at the top of a page); ``space_before`` in points when cut from mid-section
    (the first paragraph of a document gets no top margin, so the flow adds it)."""

    html: str
    header: str | None = None
    space_before: float = 0.0


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
    # Cut from its table, a row would size its columns to its own text; the header's
    # widths keep it lined up with the rows placed above it.
    index = iter(widths)

    def width(match: re.Match[str]) -> str:
        return f"<td width='{next(index, '')}'" if widths else match.group(0)

    return f"<table class='rows' width='100%'><tr>{_CELL.sub(width, cells)}</tr></table>"


def _with_prompts(text: str, space_before: float) -> list[Unit]:
    """``text`` cut before each reflection prompt, so a prompt and its answer are
    placed (and kept on a page) together; a heading stays with the first prompt."""
    parts = [part for part in _PROMPT.split(text) if part]
    if len(parts) > 1 and _HEADINGS_ONLY.fullmatch(parts[0]):
        parts[:2] = [parts[0] + parts[1]]
    return [Unit(part, space_before=space_before if i == 0 else PROMPT_SPACE_PT)
            for i, part in enumerate(parts)]


def units(section: str, lead_rows: int = 1) -> list[Unit]:
    """A section as the pieces to place: its opening (heading, text, and each grid
    table's header and first row, or the first ``lead_rows`` rows of the first
    table, which stay with what comes before them), then every further row on
    its own (the text after the table stays with the last row), and each
    reflection's prompt with its answer."""
    out: list[Unit] = []
    rest = section
    space = 0.0
    lead = ""
    keep = max(1, lead_rows)
    while (match := _GRID.search(rest)) is not None:
        head, body = match.group(1), match.group(2)
        rows = _ROW.findall(body)
        # The last row is never kept in: it carries the text after the table.
        keep = max(1, min(keep, len(rows) - 1))
        table_open = rest[match.start():match.start(1)]
        first = "".join(f"<tr>{cells}</tr>" for cells in rows[:keep])
        lead += f"{rest[:match.start()]}{table_open}{head}{first}</table>"
        if len(rows) > keep:
            out.extend(_with_prompts(lead, space))
            widths = _WIDTH.findall(head)
            header = f"{table_open}{head}</table>"
            out.extend(Unit(_row_table(cells, widths), header=header) for cells in rows[keep:])
            # Rows placed as tables of their own lose the grid's bottom margin: the
            # text after them gets it back as space before.
            lead, space = "", TABLE_MARGIN_PT
        # lead_rows counts rows measured on the page, which only the first table has.
        keep = 1
        rest = rest[match.end():]
    lead += rest
    if not lead.strip():
        return out
    last = out[-1] if out else None
    if space and last is not None and last.header is not None and _GRID.search(lead) is None:
        # What follows a table ("Roles in this attempt: ...") stays with its last
        # row, or it could open the next page on its own.
        tail = _with_prompts(lead, 0.0)
        # "lastrow": a table's own space below it, before the text.
        row = last.html.replace("<table class='rows'", "<table class='rows lastrow'", 1)
        out[-1] = Unit(row + tail[0].html, header=last.header)
        out.extend(tail[1:])
    else:
        out.extend(_with_prompts(lead, space))
    return out


def continuation(section: str, kept_rows: int) -> str | None:
    """What follows the first ``kept_rows`` rows of the section's first grid table:
    the table again (its header row, then the rest of its rows) and everything
    after it. None when that would leave the table's last row behind (it carries
    the text after the table) or keep no row at all."""
    match = _GRID.search(section)
    if match is None:
        return None
    rows = _ROW.findall(match.group(2))
    if not 1 <= kept_rows < len(rows):
        return None
    table_open = section[match.start():match.start(1)]
    rest = "".join(f"<tr>{cells}</tr>" for cells in rows[kept_rows:])
    return f"{table_open}{match.group(1)}{rest}</table>{section[match.end():]}"
