"""A large response button whose text wraps, numbered with the key that picks it."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QWidget

from peerscenarios.core.markup import to_html
from peerscenarios.core.model import Choice


class ChoiceButton(QPushButton):
    """A large, focusable button whose text wraps; its accessible name is the choice text.

    QPushButton cannot wrap text, so a word-wrapped label sits inside it and
    the button takes its size from that label.
    """

    def __init__(self, number: int, choice: Choice, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.choice = choice
        self.number = number
        self.setObjectName("choice")
        self.setAccessibleName(choice.text)
        self.setAccessibleDescription(f"Response {number}; press {number} to choose it")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCheckable(False)
        self.setAutoDefault(True)  # Enter answers with the focused response, as Space does
        layout = self._layout = QHBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.setSpacing(12)
        self._number = QLabel(f"<b>{number}</b>", self)
        self._number.setTextFormat(Qt.TextFormat.RichText)
        self._number.setAlignment(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft)
        self._text = QLabel(self)
        self._text.setTextFormat(Qt.TextFormat.RichText)
        self._text.setWordWrap(True)
        self._text.setText(to_html(choice.text))
        # Number and words share one vertical alignment (the number once sat higher
        # than a one-line response).
        self._text.setAlignment(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft)
        for lab in (self._number, self._text):
            # Clicks fall through to the button; the labels are only its face.
            lab.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            lab.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        layout.addWidget(self._number, 0)
        layout.addWidget(self._text, 1)
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def sizeHint(self) -> QSize:
        return self._layout.totalSizeHint()

    def minimumSizeHint(self) -> QSize:
        return self._layout.totalMinimumSize()

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._layout.totalHeightForWidth(width)
