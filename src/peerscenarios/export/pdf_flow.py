"""Flow HTML onto pages: one QTextDocument per section (or piece), placed in turn.

Why not one document: QTextDocument has no "keep with next" and no "keep
together". It leaves a heading alone at the foot of a page, splits a table row
anywhere, and moving things inside one big document means laying out all that
follows again, once per move (and a change made while its layout is still
incremental leaves that layout inconsistent). So each section (a heading and
the text up to the next heading) is laid out on its own, from where the
previous one ended. Most fit on the page and are placed whole. When a table
runs over the page foot, the page shows the section down to the table's last
whole row and the rest (the header row again, the other rows, what follows)
starts the next page as a section of its own. Any other section that runs
over is cut into pieces (:mod:`.pdf_units`): the opening, each further table
row (kept whole, under its table's header row again at the top of a new page)
and each reflection; a piece that would strand a heading or a line or two
goes whole to the next page.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field

from PySide6.QtCore import QPointF, QRectF, QSizeF
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QColor,
    QFont,
    QPagedPaintDevice,
    QPainter,
    QTextBlock,
    QTextBlockFormat,
    QTextCursor,
    QTextDocument,
    QTextOption,
)

from peerscenarios.export.pdf_measure import (
    body_row_height,
    content_bottom,
    keep_together,
    lines_on_first_page,
    rows_on_first_page,
    text_lines_by_page,
)
from peerscenarios.export.pdf_units import Unit, continuation, units

# A piece at most this part of a page high is never split over a page break.
SHORT_PIECE = 0.25


@dataclass
class Placed:
    """A section laid out and given its place: pages ``first_page`` onwards.

    ``crossing[j]`` lists the paragraphs that run onto the section's page j
    from the page before, with the lines of theirs that are on page j.
    """

    doc: QTextDocument
    first_page: int
    last_local_page: int
    crossing: dict[int, list[tuple[QTextBlock, list[int]]]] = field(default_factory=dict)
    # Where to stop painting on the last page, when the rest of the document is
    # placed again elsewhere (None: paint it all).
    limit: float | None = None


class Flow:
    """Lays sections out on pages ``page_w`` x ``page_h`` (device units of ``device``).

    ``style`` is the shared CSS; ``keep_lines`` is how many lines of text a
    heading needs below it on its page, and ``min_room`` the least room in
    which that can fit (below it a section starts the next page untried).
    ``point`` is the size of a point in device units.
    """

    def __init__(self, device: QPagedPaintDevice, *, page_w: float, page_h: float,
                 style: str, font: QFont, px_scale: float, keep_lines: int,
                 min_room: float, point: float) -> None:
        self._device = device
        self.page_w = page_w
        self.page_h = page_h
        self._style = style
        self._font = font
        self._px_scale = px_scale
        self._keep_lines = keep_lines
        self._min_room = min_room
        self._point = point
        self._prototype = self._template()
        # Sections not yet painted, in page order (each ends no earlier than the last).
        self.placed: deque[Placed] = deque()
        self.pages = 1
        self._y = 0.0  # where the next section starts on page ``pages - 1``

    def _template(self) -> QTextDocument:
        """An empty document with the shared settings; sections are clones of it, so the
        style sheet is parsed once."""
        doc = QTextDocument()
        doc.setUseDesignMetrics(True)  # widths independent of hinting: as measured, so printed
        option = doc.defaultTextOption()
        # A pasted link has no spaces: let it break anywhere rather than run off the page.
        option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        doc.setDefaultTextOption(option)
        doc.setDefaultFont(self._font)
        doc.setDefaultStyleSheet(self._style)
        doc.setDocumentMargin(0)
        # No page size yet, so no layout runs while a section's text is put together.
        doc.setPageSize(QSizeF(0, 0))
        return doc

    def _document(self, html: str, start_y: float) -> QTextDocument:
        doc = self._prototype.clone()
        doc.setUndoRedoEnabled(False)
        doc.setDocumentMargin(0)  # not carried over by clone(): 4 px would come back
        # The device before the text: a layout made before it knows the device
        # measures fonts for the screen, and prints them 6-8 times too small.
        doc.documentLayout().setPaintDevice(self._device)
        doc.setHtml(html)
        if start_y > 0:
            # An empty first paragraph exactly ``start_y`` tall places the section
            # below what is already on its first page. (Its height is in CSS
            # pixels, which the layout scales to the device.)
            cursor = QTextCursor(doc)
            cursor.insertBlock()
            spacer = QTextBlockFormat()
            spacer.setLineHeight(start_y / self._px_scale,
                                 QTextBlockFormat.LineHeightTypes.FixedHeight.value)
            QTextCursor(doc.firstBlock()).setBlockFormat(spacer)
        doc.setPageSize(QSizeF(self.page_w, self.page_h))
        doc.pageCount()  # the whole layout, at once
        return doc

    def add_section(self, section: str) -> None:
        """Lay out one section after the previous one: whole when it fits on this
        page (most do), else piece by piece (:func:`.pdf_units.units`)."""
        if self._y > 0 and self.page_h - self._y < self._min_room:
            self._new_page()  # no room for a heading and its first lines: do not even try
        doc = self._document(section, self._y)
        bottom = content_bottom(doc, self._px_scale)
        if bottom <= self.page_h:
            self._place(doc, bottom)
            return
        kept, kept_bottom = rows_on_first_page(doc, self.page_h, self._px_scale)
        rest = continuation(section, kept)
        if rest is not None and self._row_moves_whole(doc, kept):
            # The usual case, a table that runs over the page foot: this page shows
            # the document down to the last row that fits, and the rest starts the
            # next page with the table's header row again, laid out as a section.
            self._place(doc, kept_bottom, limit=kept_bottom)
            self._new_page()
            self.add_section(rest)
            return
        # The rows already seen to fit on this page stay with the opening piece.
        for piece in units(section, lead_rows=kept):
            self.add(piece)

    def _row_moves_whole(self, doc: QTextDocument, kept: int) -> bool:
        """True when the first row that does not fit is short enough to go whole to
        the next page (a third of a page); a taller one is split where it is."""
        return body_row_height(doc, kept, self._px_scale) <= self.page_h / 3

    def add(self, unit: Unit) -> None:
        """Lay out one piece after the previous one."""
        if unit.header is not None:
            self._add_row(unit.html, unit.header)
            return
        start_y = self._y + unit.space_before * self._point
        if start_y > 0 and self.page_h - start_y < self._min_room:
            self._new_page()  # no room for a heading and its first lines: do not even try
            start_y = 0.0
        doc, bottom = self._fitted(unit.html, start_y)
        if start_y > 0 and bottom > self.page_h and self._move_on(doc, start_y, bottom):
            self._new_page()
            doc, bottom = self._fitted(unit.html, 0.0)
        self._place(doc, bottom)

    def _fitted(self, html: str, start_y: float) -> tuple[QTextDocument, float]:
        """The piece laid out from ``start_y``, short rows and lone lines moved on;
        with its bottom."""
        doc = self._document(html, start_y)
        bottom = content_bottom(doc, self._px_scale)
        if bottom > self.page_h and keep_together(doc, self.page_h):
            bottom = content_bottom(doc, self._px_scale)
        return doc, bottom

    def _move_on(self, doc: QTextDocument, start_y: float, bottom: float) -> bool:
        """True when a piece that runs over the page foot should rather start the next
        page: it is short (a quarter page), or it would leave just one or two lines
        on its first or last page, or its heading without text below it."""
        if bottom - start_y <= self.page_h * SHORT_PIECE:
            return True
        lines = text_lines_by_page(doc, self.page_h)
        if (bottom - start_y < self.page_h and len(lines) > 1
                and min(lines[min(lines)], lines[max(lines)]) <= 2):
            return True
        return not self._heading_kept(doc)

    def _add_row(self, html: str, header: str) -> None:
        """A table row: whole on this page, or whole at the top of the next under its
        table's header row. Only a row too tall for that (over a third of a page)
        is split, and only if two of its lines fit on this page."""
        doc = self._document(html, self._y)
        bottom = content_bottom(doc, self._px_scale)
        if bottom <= self.page_h:
            self._place(doc, bottom)
            return
        head = self._document(header, 0.0)
        head_bottom = content_bottom(head, self._px_scale)
        moved = self._document(html, head_bottom)
        moved_bottom = content_bottom(moved, self._px_scale)
        tall = moved_bottom - head_bottom > self.page_h / 3
        if tall and lines_on_first_page(doc, self.page_h) >= 2:
            self._place(doc, bottom)
            return
        self._new_page()
        self._place(head, head_bottom)
        self._place(moved, moved_bottom)

    def _new_page(self) -> None:
        self.pages += 1
        self._y = 0.0

    def _place(self, doc: QTextDocument, bottom: float, *, limit: float | None = None) -> None:
        """Give a laid-out piece its pages, from the current one on; ``bottom`` is
        where it ends (``limit``: where to stop painting it)."""
        last = max(0, int((bottom - 1) // self.page_h))
        placed = Placed(doc, self.pages - 1, last, limit=limit)
        if last:
            _find_crossings(placed, self.page_h)
        self.placed.append(placed)
        self.pages += last
        self._y = bottom - last * self.page_h

    def _heading_kept(self, doc: QTextDocument) -> bool:
        """False when the piece's opening heading(s) would sit on its first page
        without ``keep_lines`` lines of their text below them. (Only asked of a
        piece placed below others, so its first paragraph is the spacer.)"""
        layout = doc.documentLayout()
        block = doc.firstBlock().next()
        if not block.isValid() or not block.blockFormat().headingLevel():
            return True
        tops: set[int] = set()
        while block.isValid() and len(tops) < self._keep_lines:
            rect = layout.blockBoundingRect(block)
            if block.blockFormat().headingLevel():
                if rect.bottom() > self.page_h:
                    return False  # the heading itself would not fit
            else:
                lines = block.layout()
                for i in range(lines.lineCount()):
                    tops.add(round(rect.top() + lines.lineAt(i).y()))
            block = block.next()
        return all(top < self.page_h for top in sorted(tops)[: self._keep_lines])

    def on_page(self, page: int) -> Iterator[tuple[Placed, int]]:
        """The sections with something on ``page``, each with its own page number there."""
        for placed in self.placed:
            local = page - placed.first_page
            if local < 0:
                break  # this one and all after it start on later pages
            if local <= placed.last_local_page:
                yield placed, local

    def draw(self, painter: QPainter, page: int, color: QColor,
             context: QAbstractTextDocumentLayout.PaintContext) -> None:
        """Paint the body of ``page``; the painter's origin is the body's top left."""
        for placed, local in self.on_page(page):
            _draw_section_page(painter, placed, local, self.page_w, self.page_h, color, context)

    def release(self, page: int) -> None:
        """Drop sections that end before ``page``: painted, no longer needed."""
        while self.placed and self.placed[0].first_page + self.placed[0].last_local_page < page:
            self.placed.popleft()


def _find_crossings(placed: Placed, page_h: float) -> None:
    """Note every paragraph that runs over one of the section's page breaks."""
    layout = placed.doc.documentLayout()
    block = placed.doc.firstBlock()
    while block.isValid():
        rect = layout.blockBoundingRect(block)
        if int(rect.top() // page_h) != int((rect.bottom() - 1) // page_h):
            lines = block.layout()
            by_page: dict[int, list[int]] = {}
            for i in range(lines.lineCount()):
                # A line's y is relative to its block's box, in a cell as at the top level.
                by_page.setdefault(int((rect.top() + lines.lineAt(i).y()) // page_h), []).append(i)
            for page in sorted(by_page)[1:]:
                placed.crossing.setdefault(page, []).append((block, by_page[page]))
        block = block.next()


def _draw_section_page(painter: QPainter, placed: Placed, local: int, page_w: float,
                       page_h: float, color: QColor,
                       context: QAbstractTextDocumentLayout.PaintContext) -> None:
    """Paint the section's page ``local``.

    QTextLayout::draw also paints the last line *above* the area it is asked
    to paint: on screen the clip hides it, but in a PDF it stays in the text
    layer, and search, copy and screen readers would meet that line twice.
    So a paragraph that runs onto this page from the page before is hidden
    from the layout's own painting, and only its lines on this page are drawn.
    """
    layout = placed.doc.documentLayout()
    crossing = placed.crossing.get(local, [])
    height = page_h
    if placed.limit is not None and local == placed.last_local_page:
        height = placed.limit - local * page_h
    painter.save()
    painter.setClipRect(QRectF(0, 0, page_w, height))
    painter.translate(0, -local * page_h)
    # A hair inside the page: a line that only touches its edge belongs to the
    # neighbouring page and must not be painted (invisibly) here as well.
    context.clip = QRectF(0, local * page_h + 0.5, page_w, height - 1)
    for block, _ in crossing:
        block.setVisible(False)
    try:
        layout.draw(painter, context)
    finally:
        for block, _ in crossing:
            block.setVisible(True)
    painter.setPen(color)
    for block, lines in crossing:
        origin: QPointF = layout.blockBoundingRect(block).topLeft()
        text = block.layout()
        for i in lines:
            text.lineAt(i).draw(painter, origin)
    painter.restore()

