"""Small building blocks shared by the screens: headings and labels a screen reader reads."""

from __future__ import annotations

from typing import cast

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QBoxLayout,
    QComboBox,
    QLabel,
    QSplitter,
    QWidget,
)

from peerscenarios.ui.widgets.richtext import rich_label


def heading(text: str, parent: QWidget | None = None, *, level: int = 1) -> QLabel:
    """A heading label styled by the stylesheet (``heading`` or ``subheading``).

    Its visible text is its accessible text; no separate name is set, so the
    two can never drift apart.
    """
    label = QLabel(text, parent)
    label.setObjectName("heading" if level == 1 else "subheading")
    label.setWordWrap(True)
    return label


def reading_label(parent: QWidget | None = None, text_html: str = "") -> QLabel:
    """Rich text a keyboard and screen-reader user can land on and read (story, warnings).

    Keyboard-selectable text makes the label a focus stop that exposes its
    words through the accessibility Text interface; focus there means a
    stray Enter or Space does nothing.
    """
    label = rich_label(text_html, parent)
    label.setObjectName("reading")  # the stylesheet draws its focus ring
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                  | Qt.TextInteractionFlag.TextSelectableByKeyboard)
    label.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    return label


# WCAG 2.2's minimum target size is 24 by 24 CSS pixels; a few more leave room for the
# focus ring. Check boxes count their label as part of the target, as Qt does for clicks.
MIN_TARGET_PX = 28


class PlacedSizeHint:
    """Mixin for a QWidget whose width its parent decides: once placed, its preferred size
    is its present width with the height for it.

    QWidget's own hint asks the layout for the height at the children's preferred
    widths, which for wrapped text is a text layout at a width nothing uses, done
    again for each new text (the feedback on every choice).
    """

    def sizeHint(self) -> QSize:
        widget = cast(QWidget, self)
        if widget.testAttribute(Qt.WidgetAttribute.WA_WState_Polished) and widget.width() > 0:
            width = max(widget.width(), widget.minimumSizeHint().width())
            return QSize(width, widget.heightForWidth(width))
        return cast(QSize, super().sizeHint())  # type: ignore[misc]


class PlacedWidget(PlacedSizeHint, QWidget):
    """A plain container with ``PlacedSizeHint``."""


def comfortable_targets(root: QWidget, px: int = MIN_TARGET_PX) -> None:
    """Give every button, check box, combo and spin box under ``root`` at least ``px`` height."""
    for widget in root.findChildren(QWidget):
        if isinstance(widget, QAbstractButton | QComboBox | QAbstractSpinBox):
            widget.setMinimumHeight(max(px, widget.minimumHeight()))


class ButtonRow(QWidget):
    """Buttons in a row (some at the left, some at the right) that stack when they do not fit.

    At the largest text size on a small screen two long buttons side by side
    ran past the edge; stacked, every button stays whole and in reading order.
    """

    def __init__(self, parent: QWidget | None, left: list[QWidget],
                 right: list[QWidget]) -> None:
        super().__init__(parent)
        self._box = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)
        self._box.setContentsMargins(0, 0, 0, 0)
        self._buttons = [*left, *right]
        for w in left:
            self._box.addWidget(w)
        self._stretch = self._box.count()
        self._box.addStretch(1)
        for w in right:
            self._box.addWidget(w)

    def _needed(self) -> int:
        shown = [w for w in self._buttons if not w.isHidden()]
        return sum(w.sizeHint().width() for w in shown) + self._box.spacing() * len(shown)

    def resizeEvent(self, event: QResizeEvent) -> None:
        stacked = self.width() < self._needed()
        direction = (QBoxLayout.Direction.TopToBottom if stacked
                     else QBoxLayout.Direction.LeftToRight)
        if self._box.direction() != direction:
            self._box.setDirection(direction)
        super().resizeEvent(event)

    def minimumSizeHint(self) -> QSize:
        # Never wider than the widest button: the row stacks rather than force the page wide.
        widest = max((w.minimumSizeHint().width() for w in self._buttons), default=0)
        return QSize(widest, super().minimumSizeHint().height())


def read_in_order(splitter: QSplitter) -> None:
    """Let a screen reader meet a splitter's parts in the order they are shown.

    The accessibility tree lists a widget's children in their stacking order,
    and QSplitter puts a part created inside it before the parts made earlier,
    so a screen reader read a list's details pane before the list. Lowering
    each part, last first, puts them in order (they never overlap, so nothing
    changes on screen), with the splitter's handles after them.
    """
    for index in reversed(range(splitter.count())):
        part = splitter.widget(index)
        if part is not None:
            part.lower()
