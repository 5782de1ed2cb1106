"""Filter combo boxes with a visible label linked as their buddy, and refilling them in place."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QSize, Qt, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QStyle,
    QStyleOptionComboBox,
    QWidget,
)


class FilterCombo(QComboBox):
    """A combo box exactly as wide as its "All ..." choice, or its current one if longer.

    Qt sizes a combo by a count of 'x' widths, which at the largest text size
    makes five filters need three lines; this measures the real words, so the
    closed box never cuts its text and takes no more room than that.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.currentIndexChanged.connect(self.on_current_index_changed)

    def _fit(self, text_width: int) -> QSize:
        opt = QStyleOptionComboBox()
        self.initStyleOption(opt)
        fm = self.fontMetrics()
        # One average character of slack: advance widths leave out a glyph's overhang,
        # and a cut final letter reads as a different word.
        inner = QSize(text_width + fm.averageCharWidth(), fm.height())
        return self.style().sizeFromContents(QStyle.ContentsType.CT_ComboBox, opt, inner, self)

    def sizeHint(self) -> QSize:
        fm = self.fontMetrics()
        texts = [self.itemText(0), self.currentText()] if self.count() else [""]
        size = self._fit(max(fm.horizontalAdvance(t) for t in texts))
        return size.expandedTo(QSize(0, super().sizeHint().height()))

    def minimumSizeHint(self) -> QSize:
        # Never squeezed below its words: the flow layout moves the filter to the next
        # line instead, which keeps every choice readable at the largest text.
        return self.sizeHint()

    @Slot(int)
    def on_current_index_changed(self, _index: int) -> None:
        # A longer choice widens the box; the layout only asks again when told.
        self.updateGeometry()


def labelled_combo(label_text: str, name: str,
                   parent: QWidget) -> tuple[QWidget, QLabel, QComboBox]:
    """A label and a combo box side by side in one cell, the label the combo's buddy.

    On Linux Qt reports a combo box's current value as its name; the buddy
    gives it a labelled-by relation, so a screen reader says "Competency,
    All competencies" instead of the value alone. ``name`` is also set as the
    accessible name, which Windows and macOS read.
    """
    cell = QWidget(parent)
    row = QHBoxLayout(cell)
    row.setContentsMargins(0, 0, 0, 0)
    row.setSpacing(6)
    label = QLabel(label_text, cell)
    combo = FilterCombo(cell)
    combo.setAccessibleName(name)
    label.setBuddy(combo)
    row.addWidget(label)
    row.addWidget(combo, 1)
    return cell, label, combo


def fill_combo(combo: QComboBox, everything: str,
               items: Iterable[tuple[str, Any, str | None]]) -> bool:
    """Replace a filter's choices with ``everything`` (data None) then ``items``.

    Each item is (text, data, tooltip or None). The current choice is kept
    if it is still offered; returns False if it had to fall back to
    ``everything``. No change signal is sent: the caller applies the filter.
    """
    current = combo.currentData()
    # A refill after a library reload is not the trainee's choice: no signal, so the
    # list is filtered (and the count announced) only once, by the caller.
    combo.blockSignals(True)
    combo.clear()
    combo.addItem(everything, None)
    for text, data, tip in items:
        combo.addItem(text, data)
        if tip:
            combo.setItemData(combo.count() - 1, tip, Qt.ItemDataRole.ToolTipRole)
    # A tag that left the library with its last scenario falls back to "All": keeping
    # a choice that is no longer offered would hide every scenario with no visible cause.
    found = combo.findData(current) if current is not None else 0
    combo.setCurrentIndex(max(found, 0))
    combo.blockSignals(False)
    return current is None or found >= 0
