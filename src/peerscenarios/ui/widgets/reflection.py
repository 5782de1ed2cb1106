"""Reflection prompts with plain text editors, autosaved drafts and a "don't keep" option."""

from __future__ import annotations

import itertools

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QKeySequence, QShortcut, QTextCursor
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from peerscenarios.app.training import PendingPrompt
from peerscenarios.core.markup import to_html
from peerscenarios.ui.widgets.announce import announce
from peerscenarios.ui.widgets.common import heading
from peerscenarios.ui.widgets.richtext import rich_label

AUTOSAVE_DELAY_MS = 1000


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
        # Tab moves on (a tab character has no place in a reflection): Save is one key away.
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
        self.note = QLabel("Your reflections stay on this computer. Autosaved as you type "
                           "(Ctrl+S saves now); Ctrl+Enter saves and goes on.", self)
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
        self.done_button.setAccessibleDescription("Keeps what you wrote (Ctrl+Enter)")
        row.addWidget(self.done_button)
        self._layout.addLayout(row)
        self.editors: list[ReflectionEditor] = []
        self._dirty: set[str] = set()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(AUTOSAVE_DELAY_MS)
        # Ctrl+Enter saves from inside the editor, where Enter itself starts a new line.
        self._save_keys = [QShortcut(QKeySequence(k), self) for k in ("Ctrl+Return", "Ctrl+Enter")]
        # Ctrl+S writes the draft now and says so (autosave stays silent for screen readers).
        self._draft_key = QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self)
        for shortcut in (*self._save_keys, self._draft_key):
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.setAutoRepeat(False)
        self._connect_signals()

    def _connect_signals(self) -> None:
        self._timer.timeout.connect(self.on_timer_timeout)
        for shortcut in self._save_keys:
            shortcut.activated.connect(self.done_button.click)
        self._draft_key.activated.connect(self.on_draft_key_activated)
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
        # Tab goes from the writing to Save, then to the "don't keep" boxes: the main
        # action is one key away, and nothing else sits between the editor and it.
        chain: list[QWidget] = [ed.editor for ed in self.editors]
        chain += [self.done_button, *(ed.dont_keep for ed in self.editors)]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

    def flush(self) -> None:
        """Write pending drafts now (before pausing or closing)."""
        self._timer.stop()
        dirty, self._dirty = self._dirty, set()
        for ed in self.editors:
            # A reflection marked "don't keep" is never written, not even as a draft.
            if ed.prompt_id in dirty and ed.keep:
                self.draft_ready.emit(ed.prompt_id, ed.text)

    def focus_first(self) -> None:
        """Put the cursor in the first editor, at the end of any text kept from before."""
        if self.editors:
            editor = self.editors[0].editor
            editor.moveCursor(QTextCursor.MoveOperation.End)
            editor.setFocus(Qt.FocusReason.OtherFocusReason)

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
    def on_draft_key_activated(self) -> None:
        self._dirty.update(ed.prompt_id for ed in self.editors if ed.keep)
        self.flush()
        self.status.setText("Draft saved")
        announce(self.status, "Draft saved")

    @Slot()
    def on_timer_timeout(self) -> None:
        self.flush()
        self.status.setText("Draft saved")

    @Slot()
    def on_done_button_clicked(self) -> None:
        # No draft is flushed: the texts go on whole, to be saved as reflections or dropped.
        self._timer.stop()
        self._dirty.clear()
        self.done.emit()
