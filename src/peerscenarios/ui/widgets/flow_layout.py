"""A layout that places widgets in a row and wraps to a new row when the width runs out."""

from __future__ import annotations

from PySide6.QtCore import QMargins, QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import QLayout, QLayoutItem, QWidget


class FlowLayout(QLayout):
    """Rows of items, left to right, wrapping as the width requires (no horizontal scrolling).

    Used where a row of controls must survive the largest text size on a
    small screen: the filters and the heading buttons of a screen move onto
    a second line instead of being cut or pushed behind a scroll bar. With
    ``fill`` each line is stretched to the full width, so wrapped rows still
    look aligned; without it items keep their natural width and lines follow
    the layout's alignment (left, or right for a row of buttons). With
    ``grow_expanding_only`` only items that expand (a search field) take the
    spare width.
    """

    def __init__(self, parent: QWidget | None = None, spacing: int = 8, *,
                 fill: bool = True, grow_expanding_only: bool = False) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._gap = spacing
        self._fill = fill
        self._expanding_only = grow_expanding_only
        self.setContentsMargins(0, 0, 0, 0)

    # ------------------------------------------------------------ QLayout API

    def addItem(self, item: QLayoutItem, /) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int, /) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int, /) -> QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def spacing(self) -> int:
        return self._gap

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation.Horizontal

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int, /) -> int:
        return self._place(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect, /) -> None:
        super().setGeometry(rect)
        self._place(rect, move=True)

    def sizeHint(self) -> QSize:
        # As wide as everything on one line; the height follows heightForWidth.
        width = sum(i.sizeHint().width() for i in self._visible())
        width += self._gap * max(0, len(self._visible()) - 1)
        height = max((i.sizeHint().height() for i in self._visible()), default=0)
        return self._with_margins(QSize(width, height))

    def minimumSize(self) -> QSize:
        # The widest single item: anything wider wraps.
        size = QSize()
        for item in self._visible():
            size = size.expandedTo(item.minimumSize())
        return self._with_margins(size)

    # --------------------------------------------------------------- helpers

    def _visible(self) -> list[QLayoutItem]:
        return [i for i in self._items if not i.isEmpty()]

    def _with_margins(self, size: QSize) -> QSize:
        m: QMargins = self.contentsMargins()
        return QSize(size.width() + m.left() + m.right(), size.height() + m.top() + m.bottom())

    def _greedy(self, width: int, cap: int) -> list[list[QLayoutItem]]:
        lines: list[list[QLayoutItem]] = [[]]
        used = 0
        for item in self._visible():
            w = item.sizeHint().width()
            if lines[-1] and (used + self._gap + w > width or len(lines[-1]) >= cap):
                lines.append([])
                used = 0
            used += (self._gap if lines[-1] else 0) + w
            lines[-1].append(item)
        return [line for line in lines if line]

    def _lines(self, width: int) -> list[list[QLayoutItem]]:
        # Fill lines greedily, then even them out: five filters on two lines read
        # better as three and two than as four and a lonely one.
        items = len(self._visible())
        lines = self._greedy(width, items)
        if len(lines) > 1:
            per_line = -(-items // len(lines))
            balanced = self._greedy(width, per_line)
            if len(balanced) == len(lines):
                return balanced
        return lines

    def _place(self, rect: QRect, *, move: bool) -> int:
        """Lay the items out in ``rect`` (or only measure); returns the height used."""
        m = self.contentsMargins()
        area = rect.adjusted(m.left(), m.top(), -m.right(), -m.bottom())
        y = area.y()
        for line in self._lines(area.width()):
            height = max(i.sizeHint().height() for i in line)
            natural = sum(i.sizeHint().width() for i in line) + self._gap * (len(line) - 1)
            # Share the line's spare width out: to the items that want to grow (a
            # search field) if any, else to all in proportion; never past a maximum.
            spare = max(0, area.width() - natural)
            growing = [i for i in line if i.expandingDirections() & Qt.Orientation.Horizontal]
            if not growing and not self._expanding_only:
                growing = line
            total = sum(i.sizeHint().width() for i in growing) or 1
            x = area.x()
            if not self._fill:
                if self.alignment() & Qt.AlignmentFlag.AlignRight:
                    x += spare
                spare = 0
            for item in line:
                hint = item.sizeHint().width()
                extra = spare * hint // total if item in growing else 0
                w = min(hint + extra, item.maximumSize().width())
                w = min(w, area.width())
                if move:
                    item.setGeometry(QRect(QPoint(x, y), QSize(w, height)))
                x += w + self._gap
            y += height + self._gap
        return y - self._gap - rect.y() + m.bottom() if self._visible() else m.top() + m.bottom()
