"""Inert rich text: text views that render scenario Markdown and never load any resource."""

from __future__ import annotations

import html
import re
from typing import Any

from PySide6.QtCore import QEvent, QSize, Qt, QTextBoundaryFinder, QUrl
from PySide6.QtGui import QFont, QFontMetrics, QTextDocument
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
    """A word-wrapped rich text QLabel that is quick to lay out.

    QLabel keeps one text document and lays it out again whenever it is asked
    about a width other than the last one. A layout pass asks about several
    (the natural width, the column's width), and painting sets the width
    back, so the story and the feedback were laid out five or six times for
    each choice. This label keeps its height for each width until the text,
    font or style changes.

    With ``quick_hints`` (the feedback on a choice, whose width always comes
    from the column it is in), its size hints are worked out from the text's
    pieces instead of from three more layouts (with no wrapping, at 80
    characters, and at width 0, which puts each word on a line of its own):
    0.8 ms a label, for each new text. The minimum width is the widest piece
    between two places a line may break, measured in bold, so it is never
    narrower than Qt's own; the preferred width is the label's present width
    once a layout has placed it, and before that the longest paragraph on one
    line, up to 80 average characters. (Qt makes a short wrapped label's
    preferred width narrower, which matters where a label's hint sizes a
    window, as in a dialog: those labels keep Qt's hints.)
    """

    def __init__(self, parent: QWidget | None = None, *, quick_hints: bool = False) -> None:
        super().__init__(parent)
        self._quick_hints = quick_hints
        self._heights: dict[int, int] = {}
        self._hints: tuple[QSize, QSize] | None = None

    def _forget(self) -> None:
        self._heights.clear()
        self._hints = None

    def setText(self, text: str) -> None:
        if text != self.text():
            self._forget()
        super().setText(text)

    def heightForWidth(self, width: int) -> int:
        height = self._heights.get(width)
        if height is None:
            height = self._heights[width] = super().heightForWidth(width)
        return height

    def minimumSizeHint(self) -> QSize:
        if self._quick_hints and self.wordWrap():
            return self._size_hints()[0]
        return super().minimumSizeHint()

    def sizeHint(self) -> QSize:
        if self._quick_hints and self.wordWrap():
            return self._size_hints()[1]
        return super().sizeHint()

    def _size_hints(self) -> tuple[QSize, QSize]:
        if self._hints is None:
            bold = QFont(self.font())
            bold.setBold(True)
            metrics = QFontMetrics(bold)
            text = self.text()
            blocks = [b for b in html.unescape(_INLINE_TAG.sub("", _BLOCK_TAG.sub("\n", text)))
                      .split("\n") if b.strip()]
            # The widest piece a line can hold, broken where Qt may break a line (spaces,
            # and inside a long address after a slash or a hyphen).
            widest = max((metrics.horizontalAdvance(piece)
                          for block in blocks for piece in _line_pieces(block)), default=0)
            longest = max((metrics.horizontalAdvance(b) for b in blocks), default=0)
            if "<li" in text:
                indent = _LIST_INDENT_PX + metrics.horizontalAdvance("\u2022 ")
                widest += indent
                longest += indent
            margins = self.contentsMargins()
            frame = margins.left() + margins.right() + 2 * (self.margin() + _DOCUMENT_MARGIN_PX)
            minimum = QSize(widest + frame, metrics.lineSpacing() + 2 * _DOCUMENT_MARGIN_PX
                            + margins.top() + margins.bottom() + 2 * self.margin())
            if self.width() >= minimum.width():
                # Already placed by its layout: the width it has. The layouts above it ask
                # each label for its height at their preferred width less their margins; at
                # the present width that is the height the layout needs anyway (kept), where
                # any other width would cost one more layout of the text for each of them.
                width = self.width()
            else:
                # As Qt's: the text on one line, up to 80 average characters.
                width = max(minimum.width(),
                            min(longest + frame, self.fontMetrics().averageCharWidth() * 80
                                + frame, self.maximumWidth()))
            self._hints = (minimum, QSize(width, self.heightForWidth(width)))
        return self._hints

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in _RELAYOUT_EVENTS:
            self._forget()
        super().changeEvent(event)

    def setContentsMargins(self, *margins: Any) -> None:
        self._forget()
        super().setContentsMargins(*margins)

    def setIndent(self, indent: int) -> None:
        self._forget()
        super().setIndent(indent)

    def setMargin(self, margin: int) -> None:
        self._forget()
        super().setMargin(margin)


def _line_pieces(text: str) -> list[str]:
    """``text`` cut at each place a line may break (Unicode line breaking, as Qt lays out)."""
    finder = QTextBoundaryFinder(QTextBoundaryFinder.BoundaryType.Line, text)
    pieces, start = [], 0
    while (end := finder.toNextBoundary()) != -1:
        if end > start:
            pieces.append(text[start:end].rstrip())
        start = end
    return pieces


# Tags that end a line (a paragraph, a list item) and tags inside a word (bold, italic).
_BLOCK_TAG = re.compile(r"</?(?:p|ul|ol|li|br|div|h[1-6])\b[^>]*>", re.IGNORECASE)
_INLINE_TAG = re.compile(r"<[^>]*>")
# QTextDocument's defaults: the margin around a document and a list's indent.
_DOCUMENT_MARGIN_PX = 4
_LIST_INDENT_PX = 40


# What changes a label's height at a given width, besides its text.
_RELAYOUT_EVENTS = frozenset({QEvent.Type.FontChange, QEvent.Type.StyleChange,
                              QEvent.Type.LayoutDirectionChange,
                              QEvent.Type.ContentsRectChange})


def rich_label(text_html: str = "", parent: QWidget | None = None, *,
               quick_hints: bool = False) -> QLabel:
    """A word-wrapped QLabel for inert HTML: rich text format, links never opened."""
    label = RichLabel(parent, quick_hints=quick_hints)
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
