"""Read a written PDF back (pdfminer.six): every text line with its page, box and size.

The checks a reader would make by eye, made on the file itself: text too small
to read, lines printed over each other, text running off the page, headings
stranded at the foot of a page.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from pathlib import Path

from pdfminer.high_level import extract_pages
from pdfminer.layout import LAParams, LTChar, LTPage, LTTextContainer, LTTextLine

# Printers cannot reach the outermost few millimetres of a sheet: text must stay
# at least this far inside the page box (5 mm in points).
SAFE_EDGE_PT = 14.0


@dataclass(frozen=True, slots=True)
class Line:
    """One line of text as pdfminer groups it, in PDF points (origin bottom left)."""

    page: int
    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    size: float  # the largest glyph size on the line
    min_size: float  # the smallest

    @property
    def height(self) -> float:
        """Height of the line's box."""
        return self.y1 - self.y0


@dataclass(frozen=True, slots=True)
class Page:
    """One page: its number (from 1), its box and its lines top to bottom."""

    number: int
    width: float
    height: float
    lines: tuple[Line, ...]

    @property
    def text(self) -> str:
        """All text of the page, a line each."""
        return "\n".join(line.text for line in self.lines)


@dataclass(frozen=True, slots=True)
class PdfText:
    """The text of a whole PDF, and the size of every glyph in it."""

    pages: tuple[Page, ...]
    glyph_sizes: tuple[float, ...]

    @property
    def text(self) -> str:
        """All text, page after page."""
        return "\n".join(p.text for p in self.pages)

    @property
    def median_size(self) -> float:
        """Median glyph size in points (0 for a PDF without text)."""
        return statistics.median(self.glyph_sizes) if self.glyph_sizes else 0.0


def _lines(layout: LTPage, number: int) -> list[Line]:
    out: list[Line] = []
    for element in layout:
        if not isinstance(element, LTTextContainer):
            continue
        for line in element:
            if not isinstance(line, LTTextLine):
                continue
            sizes = [c.size for c in line if isinstance(c, LTChar) and c.get_text().strip()]
            text = " ".join(line.get_text().split())
            if not sizes or not text:
                continue
            out.append(Line(number, text, line.x0, line.y0, line.x1, line.y1,
                            max(sizes), min(sizes)))
    # Top to bottom, then left to right: the order a reader meets them.
    out.sort(key=lambda ln: (-round(ln.y1, 1), ln.x0))
    return out


def read_pdf(path: Path) -> PdfText:
    """Every page's text lines, and every visible glyph's size."""
    pages: list[Page] = []
    sizes: list[float] = []
    # Default grouping, except that boxes never merge lines across columns.
    params = LAParams(boxes_flow=None)
    for number, layout in enumerate(extract_pages(str(path), laparams=params), start=1):
        lines = _lines(layout, number)
        pages.append(Page(number, layout.width, layout.height, tuple(lines)))
        for element in layout:
            if isinstance(element, LTTextContainer):
                for line in element:
                    if isinstance(line, LTTextLine):
                        sizes.extend(c.size for c in line
                                     if isinstance(c, LTChar) and c.get_text().strip())
    return PdfText(tuple(pages), tuple(sizes))


def _overlap(a: Line, b: Line) -> bool:
    """True when two lines are printed over each other, not merely close."""
    across = min(a.x1, b.x1) - max(a.x0, b.x0)
    down = min(a.y1, b.y1) - max(a.y0, b.y0)
    # A glyph box spans the font's full size; neighbouring lines set solid
    # may touch. A third of the smaller line's height is real overprinting.
    return across > 1.0 and down > min(a.height, b.height) / 3


def layout_problems(pdf: PdfText, *, min_pt: float = 8.0) -> list[str]:
    """What a reader would object to: text under ``min_pt``, overlapping lines, text off
    the page (or in its unprintable edge). Empty when the PDF reads well."""
    problems: list[str] = []
    for page in pdf.pages:
        for line in page.lines:
            if line.min_size < min_pt:
                problems.append(f"page {page.number}: {line.min_size:.1f} pt text: "
                                f"{line.text[:60]!r}")
            edge = SAFE_EDGE_PT
            if (line.x0 < edge or line.y0 < edge or line.x1 > page.width - edge
                    or line.y1 > page.height - edge):
                problems.append(f"page {page.number}: text off the page at "
                                f"({line.x0:.0f}, {line.y0:.0f})-({line.x1:.0f}, {line.y1:.0f}): "
                                f"{line.text[:60]!r}")
        lines = page.lines
        for i, a in enumerate(lines):
            for b in lines[i + 1:]:
                if b.y1 < a.y0 - 1:
                    break  # sorted top to bottom: nothing further down can touch ``a``
                if _overlap(a, b):
                    problems.append(f"page {page.number}: {a.text[:40]!r} overlaps "
                                    f"{b.text[:40]!r}")
    return problems
