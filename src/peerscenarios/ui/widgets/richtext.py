"""Inert rich text: text views that render scenario Markdown and never load any resource."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import QEvent, Qt, QUrl
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QFrame, QLabel, QSizePolicy, QTextBrowser, QWidget

from peerscenarios.core.markup import to_html
from peerscenarios.core.taxonomy import ROLE_INFO, Role


class InertDocument(QTextDocument):
    """A QTextDocument that refuses every resource (images, stylesheets, files, URLs).

    markup.to_html already escapes everything but a few tags; this is the
    second lock on the door, so even a bug there cannot make the app fetch
    a remote or local file.
    """

    def loadResource(self, type: int, name: QUrl | str) -> Any:
        return None


class InertBrowser(QTextBrowser):
    """A read-only rich text view over an InertDocument; links are never followed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDocument(InertDocument(self))
        # A link in scenario text is shown, never followed: the app stays offline.
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setReadOnly(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        # Keyboard users can move through and select the text; Tab still leaves the view.
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard
                                     | Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setTabChangesFocus(True)

    def loadResource(self, type: int, name: QUrl | str) -> Any:
        # A document inside a text view asks the view for its resources: both refuse.
        return None


class RichLabel(QLabel):
    """A word-wrapped rich text QLabel that remembers its height for each width.

    QLabel keeps one text document and lays it out again whenever it is asked
    about a width other than the last one. A layout pass asks about several
    (the natural width, the column's width), and painting sets the width
    back, so the story and the feedback were laid out five or six times for
    each choice: half of the time from click to feedback. The heights are
    kept until the text, font or style changes.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._heights: dict[int, int] = {}

    def setText(self, text: str) -> None:
        if text != self.text():
            self._heights.clear()
        super().setText(text)

    def heightForWidth(self, width: int) -> int:
        height = self._heights.get(width)
        if height is None:
            height = self._heights[width] = super().heightForWidth(width)
        return height

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in _RELAYOUT_EVENTS:
            self._heights.clear()
        super().changeEvent(event)

    def setContentsMargins(self, *margins: Any) -> None:
        self._heights.clear()
        super().setContentsMargins(*margins)

    def setIndent(self, indent: int) -> None:
        self._heights.clear()
        super().setIndent(indent)

    def setMargin(self, margin: int) -> None:
        self._heights.clear()
        super().setMargin(margin)


# What changes a label's height at a given width, besides its text.
_RELAYOUT_EVENTS = frozenset({QEvent.Type.FontChange, QEvent.Type.StyleChange,
                              QEvent.Type.LayoutDirectionChange,
                              QEvent.Type.ContentsRectChange})


def rich_label(text_html: str = "", parent: QWidget | None = None) -> QLabel:
    """A word-wrapped QLabel for inert HTML: rich text format, links never opened."""
    label = RichLabel(parent)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setWordWrap(True)
    label.setOpenExternalLinks(False)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
    label.setText(text_html)
    return label


def esc(text: str) -> str:
    """HTML-escape plain text (names, ids, titles) for a rich text view."""
    return html.escape(text, quote=True)


def md(text: str) -> str:
    """Scenario Markdown as inert HTML."""
    return to_html(text)


def role_badge_html(role: Role) -> str:
    """The role's symbol and plain name, e.g. ``✚ Clinical drift`` (never colour alone)."""
    info = ROLE_INFO[role]
    return f"<b>{esc(info.symbol)}&nbsp;{esc(info.label)}</b>"


def role_text(role: Role) -> str:
    """Plain-text symbol and name of a role, for buttons, tables and accessible names."""
    info = ROLE_INFO[role]
    return f"{info.symbol} {info.label}"
