"""The feedback on a response: the role it reflects (symbol and words), why, and a better move."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from peerscenarios.core.engine import Outcome
from peerscenarios.core.markup import to_html
from peerscenarios.core.taxonomy import ROLE_INFO, Role
from peerscenarios.ui.theme import Colours
from peerscenarios.ui.widgets.richtext import esc, rich_label, role_text


class FeedbackPanel(QFrame):
    """Names the role a response reflects (symbol and words), says why and what would be better."""

    continue_requested = Signal()
    step_back_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("feedback")
        self.setAccessibleName("Feedback on your response")
        self._sheet = ""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 14)
        layout.setSpacing(8)
        self.intro = QLabel("This response reflects:", self)
        self.intro.setObjectName("muted")
        self.badge = QLabel(self)
        self.badge.setObjectName("roleBadge")
        self.badge.setWordWrap(True)
        self.said = rich_label("", self)
        self.why = rich_label("", self)
        self.better = rich_label("", self)
        for w in (self.intro, self.badge, self.said, self.why, self.better):
            layout.addWidget(w)
        buttons = QHBoxLayout()
        self.step_back_button = QPushButton("Step back and try another", self)
        self.step_back_button.setAccessibleName("Step back and try another response")
        self.continue_button = QPushButton("Continue", self)
        self.continue_button.setObjectName("primary")
        self.continue_button.setAccessibleName("Continue")
        buttons.addWidget(self.step_back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.continue_button)
        layout.addLayout(buttons)
        self._connect_signals()

    def _connect_signals(self) -> None:
        self.continue_button.clicked.connect(self.continue_requested)
        self.step_back_button.clicked.connect(self.step_back_requested)

    def show_outcome(self, outcome: Outcome, *, can_step_back: bool,
                     colours: Colours) -> None:
        """Fill the panel for a choice just made; its border takes the role's colour."""
        role = outcome.role
        info = ROLE_INFO[role]
        self.badge.setText(role_text(role))
        self.badge.setAccessibleName(f"This response reflects: {info.label}")
        self.said.setText(f"<p><b>You said:</b> “{esc(outcome.choice.text.strip())}”</p>")
        self.why.setText(f"<p><b>Why it matters</b></p>{to_html(outcome.feedback.why)}")
        better = outcome.feedback.better.strip()
        self.better.setVisible(bool(better))
        self.better.setText(
            f"<p><b>What a better response would do</b></p>{to_html(better)}" if better else "")
        self.step_back_button.setVisible(can_step_back)
        # Colour only repeats what the badge's symbol and words already say.
        drift = "true" if role is not Role.PEER else "false"
        # Both colours (as theme.role_colour maps roles to them) in one sheet, picked by
        # the drift property: a new style sheet re-polishes the panel and every child, so
        # it is set only when the theme changes.
        sheet = (f"QFrame#feedback {{ border-color: {colours.peer}; }}\n"
                 f'QFrame#feedback[drift="true"] {{ border-color: {colours.drift}; }}')
        if sheet != self._sheet:
            self._sheet = sheet
            self.setProperty("drift", drift)
            self.setStyleSheet(sheet)
        elif self.property("drift") != drift:
            self.setProperty("drift", drift)
            self.style().unpolish(self)
            self.style().polish(self)
        # The feedback itself is announced once by the player; the button only says where
        # it leads, so a screen reader does not read the whole feedback a second time.
        self.continue_button.setAccessibleDescription("Go on with the story")

    def spoken(self, outcome: Outcome) -> str:
        """The feedback as one announcement: the role, why it matters, the better move."""
        info = ROLE_INFO[outcome.role]
        text = f"This response reflects: {info.label}. {outcome.feedback.why.strip()}"
        better = outcome.feedback.better.strip()
        return text + (f" A better response would: {better}" if better else "")
