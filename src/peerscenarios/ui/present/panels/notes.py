"""Notes the facilitator types during the session, saved with the group record."""

from __future__ import annotations

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QGroupBox, QLabel, QPlainTextEdit, QVBoxLayout, QWidget


class SessionNotesPanel(QGroupBox):
    """Notes the facilitator types during the session; saved with the group record."""

    notes_edited = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Session notes (saved with the record)", parent)
        self.editor = QPlainTextEdit(self)
        self.editor.setAccessibleName("Session notes")
        self.editor.setPlaceholderText("What came up in the discussion… "
                                       "(no names: the record is about the group)")
        # Tab leaves the notes for the panels below; a tab character is of no use here.
        self.editor.setTabChangesFocus(True)
        self.editor.setMinimumHeight(70)
        self.editor.setMaximumHeight(160)
        self.status = QLabel(self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.editor)
        layout.addWidget(self.status)
        self._connect_signals()

    def _connect_signals(self) -> None:
        self.editor.textChanged.connect(self.on_editor_text_changed)

    @Slot()
    def on_editor_text_changed(self) -> None:
        self.status.setText("Saving…")
        self.notes_edited.emit(self.editor.toPlainText())
