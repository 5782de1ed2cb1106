"""The feedback on a response: the role it reflects (symbol and words), why, and a better move."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QFrame, QLabel, QPushButton, QVBoxLayout, QWidget

from peerscenarios.core.engine import Outcome
from peerscenarios.core.markup import to_html
from peerscenarios.core.taxonomy import ROLE_INFO, Role
from peerscenarios.ui.theme import Colours, role_colour
from peerscenarios.ui.widgets.common import ButtonRow, PlacedSizeHint
from peerscenarios.ui.widgets.richtext import esc, rich_label, role_text

BORDER_PX = 3
RADIUS_PX = 8


class FeedbackPanel(PlacedSizeHint, QFrame):
    """Names the role a response reflects (symbol and words), says why and what would be better."""

    continue_requested = Signal()
    step_back_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("feedback")
        self.setAccessibleName("Feedback on your response")
        self.drift = False
        self.border_colour = QColor()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 14)
        layout.setSpacing(8)
        self.intro = QLabel("This response reflects:", self)
        self.intro.setObjectName("muted")
        self.badge = QLabel(self)
        self.badge.setObjectName("roleBadge")
        self.badge.setWordWrap(True)
        # New text with every choice: size hints from the words, not from three layouts.
        self.said = rich_label("", self, quick_hints=True)
        self.why = rich_label("", self, quick_hints=True)
        self.better = rich_label("", self, quick_hints=True)
        for w in (self.intro, self.badge, self.said, self.why, self.better):
            layout.addWidget(w)
        self.step_back_button = QPushButton("Step back and try another", self)
        self.step_back_button.setAccessibleName("Step back and try another response")
        self.continue_button = QPushButton("Continue", self)
        self.continue_button.setObjectName("primary")
        self.continue_button.setAccessibleName("Continue")
        layout.addWidget(ButtonRow(self, [self.step_back_button], [self.continue_button]))
        self._connect_signals()

    def _connect_signals(self) -> None:
        self.continue_button.clicked.connect(self.continue_requested)
        self.step_back_button.clicked.connect(self.step_back_requested)

    def show_outcome(self, outcome: Outcome, *, can_step_back: bool,
                     colours: Colours) -> None:
        """Fill the panel for a choice just made; its border takes the role's colour."""
        role = outcome.role
        self.badge.setText(role_text(role))
        self.said.setText(f"<p><b>You said:</b> “{esc(outcome.choice.text.strip())}”</p>")
        self.why.setText(f"<p><b>Why it matters</b></p>{to_html(outcome.feedback.why)}")
        better = outcome.feedback.better.strip()
        self.better.setVisible(bool(better))
        self.better.setText(
            f"<p><b>What a better response would do</b></p>{to_html(better)}" if better else "")
        self.step_back_button.setVisible(can_step_back)
        # Colour only repeats what the badge's symbol and words already say; drift is
        # dashed as well, so the border reads in greyscale too. It is painted here rather
        # than by a style-sheet property: re-polishing the panel and every child on each
        # choice cost a few milliseconds of the click.
        self.drift = role is not Role.PEER
        self.border_colour = QColor(role_colour(colours, role))
        self.update()
        # The feedback itself is announced once by the player; the button only says where
        # it leads, so a screen reader does not read the whole feedback a second time.
        self.continue_button.setAccessibleDescription("Go on with the story")

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)  # the background and radius from the stylesheet
        if not self.border_colour.isValid():
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pen = QPen(self.border_colour, BORDER_PX)
        pen.setStyle(Qt.PenStyle.DashLine if self.drift else Qt.PenStyle.SolidLine)
        painter.setPen(pen)
        half = BORDER_PX / 2
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(half, half, -half, -half),
                                RADIUS_PX, RADIUS_PX)
        painter.end()

    def spoken(self, outcome: Outcome) -> str:
        """The feedback as one announcement: the role, why it matters, the better move."""
        info = ROLE_INFO[outcome.role]
        text = f"This response reflects: {info.label}. {outcome.feedback.why.strip()}"
        better = outcome.feedback.better.strip()
        return text + (f" A better response would: {better}" if better else "")
