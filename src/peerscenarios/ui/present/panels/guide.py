"""The facilitator's notes and discussion questions for the step (never on the projector)."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGroupBox, QLabel, QVBoxLayout, QWidget

from peerscenarios.core.markup import to_html
from peerscenarios.core.model import Node


class GuidePanel(QGroupBox):
    """The facilitator's notes and discussion questions for the node (never on the projector)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Facilitator notes", parent)
        self.text = QLabel(self)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)

    def show_node(self, node: Node) -> None:
        """Show the node's content warnings, facilitator notes and discussion questions."""
        parts: list[str] = []
        # Warnings first: the facilitator reads them before the room sees the step.
        if node.content_warnings:
            parts.append("<p><b>Content warning:</b> "
                         + html.escape(", ".join(node.content_warnings)) + "</p>")
        notes = node.facilitator.notes
        parts.append(to_html(notes) if notes else "<p><i>No notes for this step.</i></p>")
        if node.facilitator.discuss:
            items = "".join(f"<li>{html.escape(q)}</li>" for q in node.facilitator.discuss)
            parts.append(f"<p><b>Discussion questions</b></p><ul>{items}</ul>")
        self.text.setText("".join(parts))
