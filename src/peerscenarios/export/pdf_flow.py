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

import re
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
    QTextTable,
)

# Sections start at headings; our HTML has headings only at the top level and
# escapes every "<" of user text, so this cannot match inside a text.
_SECTION_START = re.compile(r"(?=<h[1-6][ >])")
_HEADINGS_ONLY = re.compile(r"(?:<h([1-6])[^>]*>.*?</h\1>)+", re.DOTALL)
_BODY = re.compile(r"<body[^>]*>(.*)</body>", re.DOTALL)


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
    """

    def __init__(self, device: QPagedPaintDevice, *, page_w: float, page_h: float,
                 style: str, font: QFont, px_scale: float, keep_lines: int,
                 min_room: float) -> None:
        self._device = device
        self.page_w = page_w
        self.page_h = page_h
        self._style = style
        self._font = font
        self._px_scale = px_scale
        self._keep_lines = keep_lines
        self._min_room = min_room
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

    def add(self, html: str) -> None:
        """Lay out one section after the previous one."""
        start_y = self._y
        if start_y > 0 and self.page_h - start_y < self._min_room:
            self.pages += 1  # no room for a heading and its first lines: do not even try
            start_y = 0.0
        doc = self._document(html, start_y)
        if start_y > 0 and not self._heading_kept(doc, start_y):
            self.pages += 1
            start_y = 0.0
            doc = self._document(html, start_y)
        bottom = _content_bottom(doc, self._px_scale)
        last = max(0, int((bottom - 1) // self.page_h))
        placed = Placed(doc, self.pages - 1, last)
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
        row = table.rows() - 1
        for column in range(table.columns()):
            cell = table.cellAt(row, column)
            fmt = cell.format().toTableCellFormat()
            below = (fmt.bottomPadding() + fmt.bottomBorder()) * px_scale
            last = cell.lastCursorPosition().block()
            bottom = max(bottom, layout.blockBoundingRect(last).bottom() + below)
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

