"""Keeps the small stage at 16:9, centred, whatever room the presenter view gives it."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QSizePolicy, QWidget


class AspectBox(QWidget):
    """Keeps one child at 16:9, centred, whatever the box's size (the small stage)."""

    def __init__(self, child: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.child = child
        child.setParent(self)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def sizeHint(self) -> QSize:
        return QSize(480, 270)

    def minimumSizeHint(self) -> QSize:
        return QSize(240, 135)

    def resizeEvent(self, event: QResizeEvent) -> None:
        # The projector's shape, so the small stage wraps its lines where the room's does.
        w, h = self.width(), self.height()
        cw = min(w, h * 16 // 9)
        ch = cw * 9 // 16
        self.child.setGeometry((w - cw) // 2, (h - ch) // 2, cw, ch)
