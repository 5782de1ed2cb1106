"""Fits a table's columns to its width: each shown column whole, none behind a scroll bar."""

from __future__ import annotations

import heapq
from dataclasses import dataclass

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtWidgets import QHeaderView, QStyledItemDelegate, QStyleOptionViewItem, QTableView


@dataclass(frozen=True, slots=True)
class ColumnPlan:
    """Which columns a table must show, which it may, and which one takes the spare width.

    ``required`` columns are always shown; ``optional`` ones are added in that
    order while their full width still fits; ``stretch`` (one of the required)
    gets whatever width is left. ``flexible`` is a column of long text (a
    summary) that is shown only when at least ``flexible_min`` pixels are
    left for it, and then takes the spare width instead of ``stretch``.
    """

    required: tuple[int, ...]
    optional: tuple[int, ...] = ()
    stretch: int = 0
    flexible: int | None = None
    flexible_min: int = 240
    # When the stretch column gets less than it needs, its text wraps and each row is
    # as tall as its own wrapped text, rather than being cut.
    wrap_stretch: bool = False
    # Columns that wrap in a view whose rows size themselves, with the largest share of
    # the width each may take (a scenario title beside a reflection's text).
    max_share: tuple[tuple[int, float], ...] = ()


# Cells measured through the delegate per column; the rest are ranked by text width only.
MEASURED_CELLS = 3


def content_width(view: QTableView, column: int) -> int:
    """The width a column needs to show its header and every cell without cutting them.

    Qt's ``sizeHintForColumn`` asks the delegate (and, with a style sheet, the
    style's rules) about every cell: about 50 microseconds a cell, 11 ms for
    the library's 31 rows on the way to the first paint. The cells here are
    plain text with the same padding, so the widest cell is the one with the
    widest text: the texts are ranked by their width in the view's font, and
    only the few widest go through the delegate. Same result, a tenth of the time.
    """
    header = view.horizontalHeader().sectionSizeHint(column)
    model = view.model()
    rows = [r for r in range(model.rowCount()) if not view.isRowHidden(r)]
    if len(rows) <= MEASURED_CELLS:
        return max(view.sizeHintForColumn(column), header)
    metrics = view.fontMetrics()

    def text_width(row: int) -> int:
        return metrics.horizontalAdvance(str(model.index(row, column).data() or ""))

    widest = heapq.nlargest(MEASURED_CELLS, rows, key=text_width)
    cells = max(view.sizeHintForIndex(model.index(r, column)).width() for r in widest)
    # sizeHintForColumn counts the grid line too.
    return max(cells + (1 if view.showGrid() else 0), header)


def plan_widths(plan: ColumnPlan, needs: dict[int, int], available: int) -> dict[int, int]:
    """Column -> width for the columns to show (absent ones are hidden).

    Pure arithmetic, so the choice can be tested without a window: required
    columns first, optional ones while they fit, the rest to the stretch or
    flexible column.
    """
    needs = dict(needs)
    for c, share in plan.max_share:
        needs[c] = min(needs[c], int(available * share))
    widths = {c: needs[c] for c in plan.required}
    used = sum(widths.values())
    for c in plan.optional:
        if used + needs[c] <= available:
            widths[c] = needs[c]
            used += needs[c]
    spare = available - used
    if plan.flexible is not None and spare >= plan.flexible_min:
        widths[plan.flexible] = spare
    else:
        # Too narrow even for the required columns: the stretch column gives up
        # width (its text wraps or is elided) rather than pushing the rest away.
        widths[plan.stretch] = max(needs[plan.stretch] + spare, 48)
    return widths


class SingleLineDelegate(QStyledItemDelegate):
    """Draws a cell on one line (elided) in a view that otherwise wraps its text.

    A long summary wrapped into a row would make every row several lines tall;
    it stays one line, and the details pane shows it whole.
    """

    def initStyleOption(self, option: QStyleOptionViewItem,
                        index: QModelIndex | QPersistentModelIndex, /) -> None:
        super().initStyleOption(option, index)
        option.features &= ~QStyleOptionViewItem.ViewItemFeature.WrapText


class ColumnFitter(QObject):
    """Keeps a table's columns fitted to its width as it resizes, refills or changes font.

    Qt's ResizeToContents mode measures once and misses a font change from the
    text-size setting, which is how "Prac…" ended up beside a 300-pixel number
    column; this measures again whenever the rows or the font change, and on a
    mere resize only shares the width out again. ``fitted`` follows each fit
    (row heights may have changed with the widths).
    """

    fitted = Signal()

    def __init__(self, view: QTableView, plan: ColumnPlan) -> None:
        super().__init__(view)
        self.view = view
        self.plan = plan
        self._needs: dict[int, int] | None = None
        self._wrapped = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.fit)
        header = view.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        view.installEventFilter(self)
        view.viewport().installEventFilter(self)
        model = view.model()
        for signal in (model.modelReset, model.rowsInserted, model.rowsRemoved,
                       model.dataChanged, model.layoutChanged):
            signal.connect(self.remeasure)

    @Slot()
    def schedule(self) -> None:
        """Fit again once the current event is handled (many changes, one fit)."""
        self._timer.start()

    @Slot()
    def remeasure(self) -> None:
        """The rows or the font changed: measure the columns again at the next fit."""
        self._needs = None
        self._timer.start()

    def _measure(self) -> dict[int, int]:
        view = self.view
        count = view.model().columnCount()
        # Qt measures a hidden column as nearly empty: show each one to measure it.
        for c in range(count):
            if view.isColumnHidden(c):
                view.setColumnHidden(c, False)
        return {c: content_width(view, c) for c in range(count)}

    @Slot()
    def fit(self) -> None:
        """Show and size the columns for the view's current width."""
        self._timer.stop()
        view = self.view
        if self._needs is None:
            self._needs = self._measure()
        needs = self._needs
        widths = plan_widths(self.plan, needs, view.viewport().width())
        header = view.horizontalHeader()
        for c in needs:
            view.setColumnHidden(c, c not in widths)
            if c in widths and header.sectionSize(c) != widths[c]:
                header.resizeSection(c, widths[c])
        if self.plan.wrap_stretch:
            self._fit_rows(widths[self.plan.stretch] < needs[self.plan.stretch],
                           widths[self.plan.stretch])
        self.fitted.emit()

    def _fit_rows(self, squeezed: bool, width: int) -> None:
        """One line per row, or, with the stretch column squeezed, what its text needs."""
        view = self.view
        rows = view.verticalHeader()
        fm = view.fontMetrics()
        one_line = fm.lineSpacing() + 10
        rows.setDefaultSectionSize(one_line)
        view.setWordWrap(squeezed)
        if not squeezed and not self._wrapped:
            return
        model = view.model()
        # The cell's text area: the width less the stylesheet's padding and a margin.
        room = QRect(0, 0, max(width - 12, 20), 100_000)
        for r in range(model.rowCount()):
            height = one_line
            if squeezed:
                text = str(model.index(r, self.plan.stretch).data() or "")
                height = max(one_line, fm.boundingRect(
                    room, Qt.TextFlag.TextWordWrap, text).height() + 10)
            if rows.sectionSize(r) != height:
                rows.resizeSection(r, height)
        self._wrapped = squeezed

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self.remeasure()
        elif kind in (QEvent.Type.Resize, QEvent.Type.Show):
            self.schedule()
        return super().eventFilter(watched, event)
