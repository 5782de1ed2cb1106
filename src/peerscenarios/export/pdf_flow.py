"""Flow HTML onto pages: one QTextDocument per section, placed one after another.

Why sections and not one document: a heading must never be left alone at the
foot of a page, and QTextDocument has no "keep with next". Moving a heading
inside one big document means changing it and laying out everything after it
again, once per moved heading; and changes made while its layout is still
incremental leave that layout inconsistent. A section (a heading and the text
up to the next heading) is laid out once, starting where the previous one
ended; if its heading would be stranded, it is laid out again at the top of
the next page. Tables inside a section still break across pages with their
header row repeated, which QTextDocument does itself.
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
    QTextFormat,
    QTextOption,
    QTextTable,
)

from peerscenarios.export.pdf_units import Unit, units

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
        bottom = _content_bottom(doc, self._px_scale)
        if bottom <= self.page_h:
            self._place(doc, bottom)
            return
        # The rows already seen to fit on this page stay with the opening piece.
        for piece in units(section, lead_rows=_rows_on_first_page(doc, self.page_h,
                                                                   self._px_scale)):
            self.add(piece)

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
        bottom = _content_bottom(doc, self._px_scale)
        if bottom > self.page_h and _keep_together(doc, self.page_h):
            bottom = _content_bottom(doc, self._px_scale)
        return doc, bottom

    def _move_on(self, doc: QTextDocument, start_y: float, bottom: float) -> bool:
        """True when a piece that runs over the page foot should rather start the next
        page: it is short (a quarter page), or it would leave just one or two lines
        on its first or last page, or its heading without text below it."""
        if bottom - start_y <= self.page_h * SHORT_PIECE:
            return True
        lines = _text_lines_by_page(doc, self.page_h)
        if (bottom - start_y < self.page_h and len(lines) > 1
                and min(lines[min(lines)], lines[max(lines)]) <= 2):
            return True
        return not self._heading_kept(doc, start_y)

    def _add_row(self, html: str, header: str) -> None:
        """A table row: whole on this page, or whole at the top of the next under its
        table's header row. Only a row too tall for that (over a third of a page)
        is split, and only if two of its lines fit on this page."""
        doc = self._document(html, self._y)
        bottom = _content_bottom(doc, self._px_scale)
        if bottom <= self.page_h:
            self._place(doc, bottom)
            return
        head = self._document(header, 0.0)
        head_bottom = _content_bottom(head, self._px_scale)
        moved = self._document(html, head_bottom)
        moved_bottom = _content_bottom(moved, self._px_scale)
        tall = moved_bottom - head_bottom > self.page_h / 3
        if tall and _lines_on_first_page(doc, self.page_h) >= 2:
            self._place(doc, bottom)
            return
        self._new_page()
        self._place(head, head_bottom)
        self._place(moved, moved_bottom)

    def _new_page(self) -> None:
        self.pages += 1
        self._y = 0.0

    def _place(self, doc: QTextDocument, bottom: float) -> None:
        """Give a laid-out piece its pages, from the current one on; ``bottom`` is
        where it ends."""
        last = max(0, int((bottom - 1) // self.page_h))
        placed = Placed(doc, self.pages - 1, last)
        if last:
            _find_crossings(placed, self.page_h)
        self.placed.append(placed)
        self.pages += last
        self._y = bottom - last * self.page_h

    def _heading_kept(self, doc: QTextDocument, start_y: float) -> bool:
        """False when the section's opening heading(s) would sit on its first page
        without ``keep_lines`` lines of their text below them."""
        layout = doc.documentLayout()
        block = doc.firstBlock().next()  # after the spacer
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


def _line_pages(doc: QTextDocument, first: QTextBlock, last: QTextBlock,
                page_h: float) -> list[tuple[int, float]]:
    """(page, height) of every line from block ``first`` to block ``last``."""
    layout = doc.documentLayout()
    out: list[tuple[int, float]] = []
    block = first
    while block.isValid():
        rect = layout.blockBoundingRect(block)
        lines = block.layout()
        for i in range(lines.lineCount()):
            line = lines.lineAt(i)
            # A line's y is relative to its block's box, in a cell as at the top level.
            out.append((int((rect.top() + line.y()) // page_h), line.height()))
        if block == last:
            break
        block = block.next()
    return out


def _break_before(block: QTextBlock) -> None:
    fmt = block.blockFormat()
    fmt.setPageBreakPolicy(QTextBlockFormat.PageBreakFlag.PageBreak_AlwaysBefore)
    QTextCursor(block).setBlockFormat(fmt)


def _move_row(table: QTextTable, row: int) -> bool:
    """Start ``row`` on the next page; False if that is already asked for."""
    if row == table.format().headerRowCount():
        # The first row below the header: move the whole table, or the header
        # would be left alone at the foot of the page.
        fmt = table.format()
        if fmt.pageBreakPolicy() & QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore:
            return False
        fmt.setPageBreakPolicy(QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore)
        table.setFormat(fmt)
        return True
    # A break before a cell's first paragraph moves its whole row (QTextDocument's rule).
    block = table.cellAt(row, 0).firstCursorPosition().block()
    if block.blockFormat().pageBreakPolicy() & QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore:
        return False
    _break_before(block)
    return True


def _row_should_move(doc: QTextDocument, table: QTextTable, row: int, page_h: float) -> bool:
    """True for a table row split over a page break that should not be: a short row
    (a third of a page or less) stays whole, a longer one leaves at least two lines."""
    per_cell = [
        _line_pages(doc, table.cellAt(row, c).firstCursorPosition().block(),
                    table.cellAt(row, c).lastCursorPosition().block(), page_h)
        for c in range(table.columns())
    ]
    pages = [page for lines in per_cell for page, _ in lines]
    if not pages or min(pages) == max(pages):
        return False
    start = min(pages)
    tallest = max(sum(height for _, height in lines) for lines in per_cell)
    before = max(sum(1 for page, _ in lines if page == start) for lines in per_cell)
    return tallest <= page_h / 3 or before < 2


def _fix_one_split(doc: QTextDocument, page_h: float) -> bool:
    """Fix the first page break that splits what should stay together: a short table
    row, or a paragraph leaving a single line at the foot of a page. True if fixed."""
    layout = doc.documentLayout()
    block = doc.firstBlock()
    while block.isValid():
        rect = layout.blockBoundingRect(block)
        if int(rect.top() // page_h) != int((rect.bottom() - 1) // page_h):
            # None outside a table, whatever the stubs say.
            table: QTextTable | None = QTextCursor(block).currentTable()
            if table is not None:
                row = table.cellAt(block.position()).row()
                if _row_should_move(doc, table, row, page_h) and _move_row(table, row):
                    return True
            else:
                pages = [page for page, _ in _line_pages(doc, block, block, page_h)]
                policy = block.blockFormat().pageBreakPolicy()
                if (len(pages) > 1 and pages.count(pages[0]) < 2
                        and not policy & QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore):
                    _break_before(block)
                    return True
        block = block.next()
    return False


def _keep_together(doc: QTextDocument, page_h: float) -> bool:
    """Move short table rows and orphaned first lines to the next page, one at a time
    (each move shifts what follows); True if anything moved. A change to a finished
    layout is laid out again consistently, and a piece is small, so this stays cheap."""
    moved = False
    for _ in range(100):  # a bound, never reached: each move settles one break for good
        if not _fix_one_split(doc, page_h):
            break
        doc.pageCount()
        moved = True
    return moved


def _text_lines_by_page(doc: QTextDocument, page_h: float) -> dict[int, int]:
    """How many lines of text (counted once per height) each page of the piece holds."""
    layout = doc.documentLayout()
    tops: set[tuple[int, int]] = set()
    block = doc.firstBlock()
    while block.isValid():
        if block.text():  # the spacer and the empty paragraph after a table hold no text
            rect = layout.blockBoundingRect(block)
            lines = block.layout()
            for i in range(lines.lineCount()):
                top = rect.top() + lines.lineAt(i).y()
                tops.add((int(top // page_h), round(top)))
        block = block.next()
    counts: dict[int, int] = {}
    for page, _ in tops:
        counts[page] = counts.get(page, 0) + 1
    return counts


def _rows_on_first_page(doc: QTextDocument, page_h: float, px_scale: float) -> int:
    """How many rows (below the header) of the first table with a header row end on
    the first page of the piece (cell padding and border included)."""
    layout = doc.documentLayout()
    for frame in doc.rootFrame().childFrames():
        if not isinstance(frame, QTextTable) or frame.format().headerRowCount() < 1:
            continue
        header = frame.format().headerRowCount()
        fitting = 0
        for row in range(header, frame.rows()):
            first = frame.cellAt(row, 0)
            end = (frame.cellAt(row + 1, 0).firstPosition() if row + 1 < frame.rows()
                   else frame.lastPosition())
            fmt = first.format().toTableCellFormat()
            below = (fmt.bottomPadding() + fmt.bottomBorder()) * px_scale
            block = first.firstCursorPosition().block()
            while block.isValid() and block.position() < end:
                if layout.blockBoundingRect(block).bottom() + below > page_h:
                    return fitting
                block = block.next()
            fitting += 1
        return fitting
    return 0


def _lines_on_first_page(doc: QTextDocument, page_h: float) -> int:
    """Lines of a one-row table's tallest cell on the page where the row starts."""
    tables = [f for f in doc.rootFrame().childFrames() if isinstance(f, QTextTable)]
    if not tables:
        return 0
    table = tables[0]
    counts = []
    for column in range(table.columns()):
        cell = table.cellAt(0, column)
        pages = [page for page, _ in _line_pages(doc, cell.firstCursorPosition().block(),
                                                 cell.lastCursorPosition().block(), page_h)]
        counts.append(pages.count(min(pages)) if pages else 0)
    return max(counts, default=0)


def _content_bottom(doc: QTextDocument, px_scale: float) -> float:
    """Where the section's text (or its last table) ends, in its own coordinates."""
    layout = doc.documentLayout()
    block = doc.lastBlock()
    # After a table, QTextDocument keeps an empty paragraph: it is not content.
    while not block.text() and block.previous().isValid():
        block = block.previous()
    bottom = layout.blockBoundingRect(block).bottom()
    frames = doc.rootFrame().childFrames()
    if frames and isinstance(frames[-1], QTextTable):
        # The table's own box runs on below its last row (margins and more):
        # measure the last row, so that space after a table matches the rest.
        table = frames[-1]
        cell = table.cellAt(table.rows() - 1, 0)
        fmt = cell.format().toTableCellFormat()
        below = (fmt.bottomPadding() + fmt.bottomBorder()) * px_scale
        # The last row's paragraphs run from its first cell to the end of the table.
        row_block = cell.firstCursorPosition().block()
        end = table.lastPosition()
        while row_block.isValid() and row_block.position() <= end:
            bottom = max(bottom, layout.blockBoundingRect(row_block).bottom() + below)
            row_block = row_block.next()
    elif frames:
        bottom = max(bottom, layout.frameBoundingRect(frames[-1]).bottom())
    return bottom


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
    painter.save()
    painter.setClipRect(QRectF(0, 0, page_w, page_h))
    painter.translate(0, -local * page_h)
    # A hair inside the page: a line that only touches its edge belongs to the
    # neighbouring page and must not be painted (invisibly) here as well.
    context.clip = QRectF(0, local * page_h + 0.5, page_w, page_h - 1)
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

