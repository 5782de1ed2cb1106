"""Measure a laid-out piece, and nudge what should not be split onto the next page.

Helpers for :mod:`.pdf_flow`, all on one QTextDocument laid out on pages of
``page_h`` device units. A line's y is relative to its paragraph's box, in a
table cell as at the top level, so its page is ``(box top + line y) // page_h``.
"""

from __future__ import annotations

from PySide6.QtGui import (
    QTextBlock,
    QTextBlockFormat,
    QTextCursor,
    QTextDocument,
    QTextFormat,
    QTextTable,
)


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


def keep_together(doc: QTextDocument, page_h: float) -> bool:
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


def text_lines_by_page(doc: QTextDocument, page_h: float) -> dict[int, int]:
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


def rows_on_first_page(doc: QTextDocument, page_h: float,
                       px_scale: float) -> tuple[int, float]:
    """How many rows (below the header) of the first table with a header row end on
    the first page of the piece (cell padding and border included), and where the
    last of them ends (0 when none does)."""
    layout = doc.documentLayout()
    for frame in doc.rootFrame().childFrames():
        if not isinstance(frame, QTextTable) or frame.format().headerRowCount() < 1:
            continue
        header = frame.format().headerRowCount()
        fitting, end_y = 0, 0.0
        for row in range(header, frame.rows()):
            first = frame.cellAt(row, 0)
            end = (frame.cellAt(row + 1, 0).firstPosition() if row + 1 < frame.rows()
                   else frame.lastPosition())
            fmt = first.format().toTableCellFormat()
            below = (fmt.bottomPadding() + fmt.bottomBorder()) * px_scale
            block = first.firstCursorPosition().block()
            row_end = 0.0
            while block.isValid() and block.position() < end:
                row_end = max(row_end, layout.blockBoundingRect(block).bottom() + below)
                block = block.next()
            if row_end > page_h:
                break
            fitting, end_y = fitting + 1, row_end
        return fitting, end_y
    return 0, 0.0


def body_row_height(doc: QTextDocument, row: int, px_scale: float) -> float:
    """The height row ``row`` (counted below the header) of the first table with a
    header row would take on a single page: its tallest cell's lines and padding."""
    for frame in doc.rootFrame().childFrames():
        if not isinstance(frame, QTextTable) or frame.format().headerRowCount() < 1:
            continue
        index = frame.format().headerRowCount() + row
        if index >= frame.rows():
            return 0.0
        tallest = 0.0
        for column in range(frame.columns()):
            cell = frame.cellAt(index, column)
            lines = _line_pages(doc, cell.firstCursorPosition().block(),
                                cell.lastCursorPosition().block(), 1e12)
            tallest = max(tallest, sum(height for _, height in lines))
        fmt = frame.cellAt(index, 0).format().toTableCellFormat()
        return tallest + (fmt.topPadding() + fmt.bottomPadding() + fmt.bottomBorder()) * px_scale
    return 0.0


def lines_on_first_page(doc: QTextDocument, page_h: float) -> int:
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


def content_bottom(doc: QTextDocument, px_scale: float) -> float:
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
