"""Draws a reflection search hit's snippet with the matched words in bold and underlined."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, QSize
from PySide6.QtGui import QAbstractTextDocumentLayout, QPainter, QPalette, QTextDocument
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from peerscenarios.ui.models.reflections import ReflectionHitRole

if TYPE_CHECKING:
    from peerscenarios.storage import ReflectionHit

AnyIndex = QModelIndex | QPersistentModelIndex
# The stylesheet gives table cells 4 px of padding; the snippet keeps the same inset.
PADDING = 4


def snippet_html(hit: ReflectionHit) -> str:
    """The snippet as HTML: every part escaped, matches in <b><u> (never colour alone)."""
    return "".join(f"<b><u>{html.escape(text)}</u></b>" if match else html.escape(text)
                   for text, match in hit.snippet_parts)


class MatchDelegate(QStyledItemDelegate):
    """Paints the Match column from ``snippet_parts``; other roles are left to the model."""

    def _document(self, option: QStyleOptionViewItem, index: AnyIndex) -> QTextDocument | None:
        hit = index.data(ReflectionHitRole)
        if hit is None:
            return None
        doc = QTextDocument()
        doc.setDefaultFont(option.font)
        doc.setDocumentMargin(2)
        doc.setHtml(snippet_html(hit))
        # Never narrower than 80 px: a squeezed column would ask for an endless height.
        doc.setTextWidth(max(option.rect.width() - 2 * PADDING, 80))
        return doc

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        doc = self._document(opt, index)
        if doc is None:
            super().paint(painter, option, index)
            return
        # Let the style draw the background, selection and focus; we draw the text.
        opt.text = ""
        style = opt.widget.style() if opt.widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        ctx = QAbstractTextDocumentLayout.PaintContext()
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        role = (QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text)
        ctx.palette.setColor(QPalette.ColorRole.Text, opt.palette.color(role))
        painter.save()
        # Centred in the row and inset like the plain cells beside it.
        top = max(0.0, (opt.rect.height() - doc.size().height()) / 2)
        painter.translate(opt.rect.left() + PADDING, opt.rect.top() + top)
        painter.setClipRect(QRectF(0, -top, opt.rect.width() - PADDING, opt.rect.height()))
        doc.documentLayout().draw(painter, ctx)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: AnyIndex) -> QSize:
        doc = self._document(option, index)
        if doc is None:
            return super().sizeHint(option, index)
        return QSize(int(doc.idealWidth()) + 2 * PADDING,
                     int(doc.size().height()) + 2 * PADDING)


def install(view: QWidget, column: int) -> MatchDelegate:
    """Use a MatchDelegate for ``column`` of an item view."""
    delegate = MatchDelegate(view)
    view.setItemDelegateForColumn(column, delegate)  # type: ignore[attr-defined]
    return delegate
