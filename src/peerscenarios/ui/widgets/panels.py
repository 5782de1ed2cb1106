"""Pieces of the player: wrapping choice buttons, the feedback panel, reflection editors."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from peerscenarios.app.training import PendingPrompt
from peerscenarios.core.engine import Outcome
from peerscenarios.core.markup import to_html
from peerscenarios.core.model import Choice
from peerscenarios.core.taxonomy import ROLE_INFO, Role
from peerscenarios.ui.theme import Colours
from peerscenarios.ui.widgets.richtext import esc, rich_label, role_text

AUTOSAVE_DELAY_MS = 1000


def heading(text: str, parent: QWidget | None = None, *, level: int = 1) -> QLabel:
    """A heading label styled by the stylesheet (``heading`` or ``subheading``)."""
    label = QLabel(text, parent)
    label.setObjectName("heading" if level == 1 else "subheading")
    label.setWordWrap(True)
    label.setAccessibleName(text)
    return label


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
        layout = QHBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.setSpacing(12)
        self._number = QLabel(f"<b>{number}</b>", self)
        self._number.setTextFormat(Qt.TextFormat.RichText)
        self._number.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self._text = QLabel(self)
        self._text.setTextFormat(Qt.TextFormat.RichText)
        self._text.setWordWrap(True)
        self._text.setText(to_html(choice.text))
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
        return self.layout().totalSizeHint()

    def minimumSizeHint(self) -> QSize:
        return self.layout().totalMinimumSize()

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self.layout().totalHeightForWidth(width)


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
        description = f"{info.label}. {outcome.feedback.why.strip()}"
        if better:
            description += f" Better: {better}"
        self.continue_button.setAccessibleDescription(description)


class ReflectionEditor(QFrame):
    """One prompt: the question, a plain text editor and a "don't keep" option."""

    text_edited = Signal(str)  # prompt id
    keep_changed = Signal(str, bool)  # prompt id, keep

    def __init__(self, pending: PendingPrompt, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        self.prompt_id = pending.prompt.id
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        self.question = rich_label(to_html(pending.prompt.prompt), self)
        layout.addWidget(self.question)
        self.editor = QPlainTextEdit(self)
        self.editor.setAccessibleName(f"Your reflection: {pending.prompt.prompt.strip()}")
        self.editor.setPlaceholderText("Write as much or as little as you like. "
                                       "Nothing here is timed.")
        self.editor.setTabChangesFocus(True)
        self.editor.setMinimumHeight(110)
        self.editor.setPlainText(pending.text)
        layout.addWidget(self.editor)
        self.dont_keep = QCheckBox("Don't keep this reflection (it will not be saved anywhere)",
                                   self)
        self.dont_keep.setAccessibleName("Don't keep this reflection")
        layout.addWidget(self.dont_keep)
        self._connect_signals()

    def _connect_signals(self) -> None:
        self.editor.textChanged.connect(self.on_editor_text_changed)
        self.dont_keep.toggled.connect(self.on_dont_keep_toggled)

    @property
    def keep(self) -> bool:
        """False when the trainee ticked "don't keep"."""
        return not self.dont_keep.isChecked()

    @property
    def text(self) -> str:
        """What is written now."""
        return self.editor.toPlainText()

    @Slot()
    def on_editor_text_changed(self) -> None:
        self.text_edited.emit(self.prompt_id)

    @Slot(bool)
    def on_dont_keep_toggled(self, checked: bool) -> None:
        self.keep_changed.emit(self.prompt_id, not checked)


class ReflectionPanel(QWidget):
    """Reflection prompts with autosaved drafts; ``done`` fires when the trainee moves on.

    Drafts are written about a second after the last keystroke (a debounce,
    never a time limit), and whenever the panel is flushed (pause, close).
    """

    draft_ready = Signal(str, str)  # prompt id, text: autosave now
    draft_dropped = Signal(str)  # prompt id: the trainee chose not to keep it
    done = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Reflection")
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.title = heading("Take a moment to reflect", self, level=2)
        self._layout.addWidget(self.title)
        self.note = QLabel("Your reflections stay on this computer. Autosaved as you type.", self)
        self.note.setObjectName("muted")
        self.note.setWordWrap(True)
        self._layout.addWidget(self.note)
        self._editors_box = QVBoxLayout()
        self._layout.addLayout(self._editors_box)
        row = QHBoxLayout()
        self.status = QLabel("", self)
        self.status.setObjectName("muted")
        row.addWidget(self.status, 1)
        self.done_button = QPushButton("Save and continue", self)
        self.done_button.setObjectName("primary")
        self.done_button.setAccessibleName("Save reflection and continue")
        row.addWidget(self.done_button)
        self._layout.addLayout(row)
        self.editors: list[ReflectionEditor] = []
        self._dirty: set[str] = set()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(AUTOSAVE_DELAY_MS)
        self._connect_signals()

    def _connect_signals(self) -> None:
        self._timer.timeout.connect(self.on_timer_timeout)
        self.done_button.clicked.connect(self.on_done_button_clicked)

    def set_prompts(self, prompts: list[PendingPrompt], *, button_text: str) -> None:
        """Show these prompts (with any draft text), replacing the previous ones."""
        self._timer.stop()
        self._dirty.clear()
        for ed in self.editors:
            ed.hide()
            self._editors_box.removeWidget(ed)
            ed.deleteLater()
        self.editors = []
        for p in prompts:
            ed = ReflectionEditor(p, self)
            ed.text_edited.connect(self.on_editor_text_edited)
            ed.keep_changed.connect(self.on_editor_keep_changed)
            self._editors_box.addWidget(ed)
            self.editors.append(ed)
        self.status.setText("")
        self.done_button.setText(button_text)

    def flush(self) -> None:
        """Write pending drafts now (before pausing or closing)."""
        self._timer.stop()
        dirty, self._dirty = self._dirty, set()
        for ed in self.editors:
            if ed.prompt_id in dirty and ed.keep:
                self.draft_ready.emit(ed.prompt_id, ed.text)

    def focus_first(self) -> None:
        """Put the cursor in the first editor."""
        if self.editors:
            self.editors[0].editor.setFocus(Qt.FocusReason.OtherFocusReason)

    @Slot(str)
    def on_editor_text_edited(self, prompt_id: str) -> None:
        self._dirty.add(prompt_id)
        self._timer.start()

    @Slot(str, bool)
    def on_editor_keep_changed(self, prompt_id: str, keep: bool) -> None:
        if keep:
            self._dirty.add(prompt_id)
            self._timer.start()
        else:
            self._dirty.discard(prompt_id)
            self.draft_dropped.emit(prompt_id)
            self.status.setText("This reflection will not be kept.")

    @Slot()
    def on_timer_timeout(self) -> None:
        self.flush()
        self.status.setText("Draft saved")

    @Slot()
    def on_done_button_clicked(self) -> None:
        self._timer.stop()
        self._dirty.clear()
        self.done.emit()
