"""Paginated PDF pages from HTML: page sizes, the shared style, Qt's QPdfWriter.

Every PDF the app writes (learner portfolio, group-session record) is made
here: text on A4 or US Letter pages (the locale's, unless chosen), a running
title on every page after the first, a footer with "Page n of N".
:mod:`.pdf_flow` places the text on the pages.

How the units work (the cause of the unreadable PDFs of the past): the layout
of a QTextDocument measures text in the pixels of its paint device, so sizes
in points come out right only if the layout has the PDF writer as its device
*before* any text is laid out. Made earlier, part of the layout measures with
the screen's 96 dpi while the page is counted in the writer's dpi, and that
text prints 6-7 times too small. Lengths in CSS pixels (margins, padding,
borders) are scaled by the layout from the screen's pixels to the device's;
:func:`_px_scale` measures that factor instead of assuming 96 dpi.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable

from PySide6.QtCore import (
    QAbstractEventDispatcher,
    QBuffer,
    QByteArray,
    QCoreApplication,
    QEventLoop,
    QIODevice,
    QLocale,
    QMarginsF,
    QRectF,
    QSizeF,
    Qt,
)
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QColor,
    QFont,
    QFontMetricsF,
    QGuiApplication,
    QPageLayout,
    QPageSize,
    QPainter,
    QPalette,
    QPdfWriter,
    QPen,
    QTextDocument,
)

from peerscenarios.export.errors import ExportError
from peerscenarios.export.pdf_flow import Flow
from peerscenarios.export.pdf_style import (
    BODY_PT,
    FONT_FAMILIES,
    MARGIN_PT,
    MUTED_COLOR,
    RULE_COLOR,
    TEXT_COLOR,
    style_sheet,
)
from peerscenarios.export.pdf_units import sections

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]

# Page sizes by the name the dialog and the command line use.
PAGE_SIZES: dict[str, QPageSize.PageSizeId] = {
    "a4": QPageSize.PageSizeId.A4,
    "letter": QPageSize.PageSizeId.Letter,
}
PAGE_SIZE_LABELS: dict[str, str] = {"a4": "A4", "letter": "US Letter"}
PAGE_SIZE_ENV = "PEERSCENARIOS_PAGE_SIZE"
# Where US Letter is the usual paper (CLDR's measurement data); A4 everywhere else.
_LETTER_TERRITORIES = frozenset({
    QLocale.Country.UnitedStates, QLocale.Country.Canada, QLocale.Country.Mexico,
    QLocale.Country.Philippines, QLocale.Country.Chile, QLocale.Country.Colombia,
    QLocale.Country.CostaRica, QLocale.Country.Guatemala, QLocale.Country.Nicaragua,
    QLocale.Country.Panama, QLocale.Country.PuertoRico, QLocale.Country.ElSalvador,
    QLocale.Country.Venezuela, QLocale.Country.Belize,
})

# Layout precision only: text stays vector at any resolution. 720 dpi makes a
# point exactly ten device units.
RESOLUTION = 720
MARGINS_MM = QMarginsF(18, 14, 18, 12)  # left, top, right, bottom
HEADER_PT = 22.0  # running title band above the body (left empty on page 1)
FOOTER_PT = 22.0  # footer band below the body
# A heading needs this much room below it on its page (in body lines), or it
# starts the next page: a heading is never left alone at the foot of a page.
KEEP_WITH_NEXT_LINES = 5

# Keep a reference: an application created here must outlive every export.
_own_app: QGuiApplication | None = None


def ensure_gui_app() -> None:
    """Make sure a QGuiApplication exists (fonts need one); create an offscreen one if not.

    In the desktop app one always exists already; the command line has none.
    """
    global _own_app
    app = QCoreApplication.instance()
    if app is None:
        # Offscreen: exporting from a terminal must not need a display.
        _own_app = QGuiApplication(["peerscenarios-export", "-platform", "offscreen"])
    elif not isinstance(app, QGuiApplication):
        raise ExportError("PDF export needs the graphical part of Qt, which is not running.",
                          "Export as Markdown or CSV instead.")


def page_size_key(value: str) -> str:
    """``"a4"`` or ``"letter"`` for any spelling of either; ExportError for anything else."""
    key = value.strip().lower().replace("us ", "").replace("us-", "")
    if key not in PAGE_SIZES:
        raise ExportError(f"“{value}” is not a page size this app knows.",
                          "Choose A4 or Letter.")
    return key


def default_page_size(locale: QLocale | None = None) -> str:
    """``"letter"`` where the locale's territory uses US Letter (US, Canada, ...), else ``"a4"``.

    The environment variable PEERSCENARIOS_PAGE_SIZE (``a4`` or ``letter``)
    overrides the locale.
    """
    override = os.environ.get(PAGE_SIZE_ENV, "").strip().lower()
    if override in PAGE_SIZES:
        return override
    territory = (locale or QLocale.system()).territory()
    return "letter" if territory in _LETTER_TERRITORIES else "a4"


def _writer(device: QIODevice, page_size: str, title: str) -> QPdfWriter:
    writer = QPdfWriter(device)
    writer.setResolution(RESOLUTION)
    writer.setPageLayout(QPageLayout(QPageSize(PAGE_SIZES[page_size]),
                                     QPageLayout.Orientation.Portrait, MARGINS_MM,
                                     QPageLayout.Unit.Millimeter))
    writer.setTitle(title)
    writer.setCreator("PeerScenarios")
    return writer


def _px_scale(writer: QPdfWriter) -> float:
    """Device units per CSS pixel, as QTextDocument's layout applies it on ``writer``.

    Measured on a one-line document rather than computed from the screen's
    dpi, so it holds on any screen (or none).
    """
    probe = QTextDocument()
    probe.documentLayout().setPaintDevice(writer)
    probe.setDocumentMargin(100)
    probe.setPageSize(QSizeF(1e6, 1e6))
    probe.setPlainText("x")
    top = probe.documentLayout().blockBoundingRect(probe.firstBlock()).top()
    return top / 100 if top > 0 else 1.0


def _font(points: float) -> QFont:
    font = QFont()
    font.setFamilies(FONT_FAMILIES)
    font.setPointSizeF(points)
    return font


def _draw_margin_text(painter: QPainter, rect: QRectF, left: str, right: str,
                      font: QFont, rule_y: float) -> None:
    """One line of running text: ``left`` elided to fit beside ``right``, and a rule."""
    painter.setFont(font)
    metrics = QFontMetricsF(font, painter.device())
    right_w = metrics.horizontalAdvance(right) if right else 0.0
    gap = metrics.horizontalAdvance("    ")
    shown = metrics.elidedText(left, Qt.TextElideMode.ElideRight, rect.width() - right_w - gap)
    painter.setPen(QPen(QColor(RULE_COLOR), 0))
    painter.drawLine(int(rect.left()), int(rule_y), int(rect.right()), int(rule_y))
    painter.setPen(QColor(MUTED_COLOR))
    flags = Qt.AlignmentFlag.AlignVCenter
    painter.drawText(rect, int(flags | Qt.AlignmentFlag.AlignLeft), shown)
    if right:
        painter.drawText(rect, int(flags | Qt.AlignmentFlag.AlignRight), right)


def render_pdf(body_html: str, *, title: str, footer: str, page_size: str = "a4",
               progress: Progress | None = None) -> bytes:
    """Lay out ``body_html`` on ``page_size`` (``"a4"`` or ``"letter"``) pages; the PDF bytes.

    Every page after the first carries ``title`` as a running title; every page
    carries ``footer`` on the left and "Page n of N" on the right.
    ``progress(done, total)`` is called per page. Safe on a worker thread once
    a QGuiApplication exists. ExportError for an unknown page size.
    """
    key = page_size_key(page_size)
    ensure_gui_app()
    # QTextDocument's layout arms timers as it goes; a thread that Qt did not
    # start (a plain Python thread) has no event dispatcher for them, and Qt
    # warns. An idle event loop gives the thread one; it never runs.
    idle_loop = QEventLoop() if QAbstractEventDispatcher.instance() is None else None
    buffer = QBuffer()
    buffer.setData(QByteArray())
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = _writer(buffer, key, title)
    unit = writer.logicalDpiY() / 72  # device units per point
    scale = _px_scale(writer)

    def px(points: float) -> float:
        return round(points * unit / scale, 2)

    width = float(writer.width())
    header_h, footer_h = HEADER_PT * unit, FOOTER_PT * unit
    flow = Flow(writer, page_w=width,
                page_h=float(writer.height()) - header_h - footer_h,
                style=style_sheet(px), font=_font(BODY_PT), px_scale=scale,
                keep_lines=KEEP_WITH_NEXT_LINES,
                # Less than a heading and one line of text: nothing could be kept there.
                min_room=3 * BODY_PT * 1.15 * unit, point=unit)
    for section in sections(body_html):
        flow.add_section(section)
    pages = flow.pages

    context = QAbstractTextDocumentLayout.PaintContext()
    palette = QPalette()
    palette.setColor(QPalette.ColorRole.Text, QColor(TEXT_COLOR))
    context.palette = palette
    margin_font = _font(MARGIN_PT)
    painter = QPainter()
    if not painter.begin(writer):
        raise ExportError("The PDF could not be started.", "Try Markdown or CSV instead.")
    try:
        for index in range(pages):
            if index:
                writer.newPage()
            painter.save()
            painter.translate(0, header_h)
            flow.draw(painter, index, QColor(TEXT_COLOR), context)
            painter.restore()
            # Sections end in page order: dropping the painted ones keeps a long
            # portfolio from holding every laid-out document until the last page.
            flow.release(index + 1)
            # Page 1 opens with the title as a heading; a running title would repeat it.
            if index:
                band = QRectF(0, 0, width, header_h * 0.6)
                _draw_margin_text(painter, band, title, "", margin_font, band.bottom())
            band = QRectF(0, float(writer.height()) - footer_h * 0.6, width, footer_h * 0.6)
            _draw_margin_text(painter, band, footer, f"Page {index + 1} of {pages}",
                              margin_font, band.top())
            if progress is not None:
                progress(index + 1, pages)
    finally:
        painter.end()
    buffer.close()
    data = bytes(buffer.data().data())
    log.debug("pdf rendered: %d pages, %d bytes", pages, len(data))
    # Held until here: the layout's timers needed the dispatcher for the whole render.
    del idle_loop
    return data
