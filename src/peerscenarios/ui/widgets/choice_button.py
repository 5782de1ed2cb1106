"""A large response button whose text wraps, numbered with the key that picks it."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QFont,
    QFontMetrics,
    QPainter,
    QPaintEvent,
    QPalette,
    QTextDocument,
)
from PySide6.QtWidgets import QPushButton, QSizePolicy, QWidget

from peerscenarios.core.markup import to_html
from peerscenarios.core.model import Choice

# Room inside the button's frame: left/right, top/bottom, and between number and words.
PAD_X = 14
PAD_Y = 10
GAP = 12


class ChoiceButton(QPushButton):
    """A large, focusable button whose words wrap; its accessible name is the response.

    QPushButton cannot wrap text, so the button lays its number and words out
    itself with a QTextDocument and paints them over its own frame. Child
    labels would do the same, but a screen reader in browse mode then reads
    every response twice (the button's name, then the label inside it).
    """

    def __init__(self, number: int, choice: Choice, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.choice = choice
        self.number = number
        self.setObjectName("choice")
        self.setAccessibleName(choice.text)
        self.setAccessibleDescription(f"Response {number}; press {number} to choose it")
        # Tab reaches it (and Enter or Space then answers); a click does not take focus:
        # the feedback that follows puts focus on its Continue button at once, and moving
        # it to the response first only repainted the story and the response for nothing.
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.setCheckable(False)
        self.setAutoDefault(True)  # Enter answers with the focused response, as Space does
        self._doc = QTextDocument(self)
        self._doc.setDocumentMargin(0)
        self._doc.setHtml(to_html(choice.text))
        # Setting the document's font or width lays it all out again, even to the same
        # value: each is set only when it changed, and heights are kept per width (the
        # press and the release each repaint the button on the way to the feedback).
        self._doc_font: QFont | None = None
        self._heights: dict[int, int] = {}
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    # ------------------------------------------------------------- layout

    def _number_width(self) -> int:
        bold = self.font()
        bold.setBold(True)
        return QFontMetrics(bold).horizontalAdvance(str(self.number))

    def _text_width(self, width: int) -> float:
        return max(40.0, width - 2 * PAD_X - GAP - self._number_width())

    def _sync_font(self) -> None:
        font = self.font()
        if self._doc_font is None or font != self._doc_font:
            self._doc.setDefaultFont(font)
            self._doc_font = QFont(font)
            self._heights.clear()

    def _laid_out(self, width: int) -> QTextDocument:
        self._sync_font()
        text_width = self._text_width(width)
        if self._doc.textWidth() != text_width:
            self._doc.setTextWidth(text_width)
        return self._doc

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        self._sync_font()
        height = self._heights.get(width)
        if height is None:
            text_h = self._laid_out(width).size().height()
            line_h = QFontMetrics(self.font()).height()
            height = int(max(text_h, line_h)) + 2 * PAD_Y + 4  # + the frame's border
            self._heights[width] = height
        return height

    def sizeHint(self) -> QSize:
        width = max(300, self.width())
        return QSize(width, self.heightForWidth(width))

    def minimumSizeHint(self) -> QSize:
        return QSize(200, self.heightForWidth(200))

    # ------------------------------------------------------------- painting

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)  # the frame, hover and focus from the stylesheet; no text
        doc = self._laid_out(self.width())
        painter = QPainter(self)
        colour = self.palette().color(QPalette.ColorRole.ButtonText)
        bold = self.font()
        bold.setBold(True)
        text_h = doc.size().height()
        top = max(PAD_Y, (self.height() - text_h) / 2)
        painter.setFont(bold)
        painter.setPen(colour)
        line_h = QFontMetrics(bold).height()
        # Number and words share one vertical alignment (the number once sat higher
        # than a one-line response).
        painter.drawText(QRectF(PAD_X, top, self._number_width() + 2, line_h),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, str(self.number))
        painter.translate(QPointF(PAD_X + self._number_width() + GAP, top))
        context = QAbstractTextDocumentLayout.PaintContext()
        context.palette.setColor(QPalette.ColorRole.Text, colour)
        doc.documentLayout().draw(painter, context)
        painter.end()
