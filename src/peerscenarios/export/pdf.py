"""Portfolio PDF: HTML laid out by QTextDocument on pages of Qt's QPdfWriter."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QCoreApplication,
    QIODevice,
    QMarginsF,
    QRectF,
    QSizeF,
    Qt,
)
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QColor,
    QFont,
    QGuiApplication,
    QPageLayout,
    QPageSize,
    QPainter,
    QPalette,
    QPdfWriter,
    QTextDocument,
)

from peerscenarios.core.reporting import STATE_NOTES, AttemptEntry, Portfolio, RoleCount
from peerscenarios.export.atomic import write_bytes
from peerscenarios.export.errors import ExportError
from peerscenarios.export.markdown import ESTIMATE_NOTE, hours_text, percent
from peerscenarios.export.text import fmt_time, h, h_inline

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]

RESOLUTION = 600  # dpi; text is vector either way, this only sets layout precision
MARGINS_MM = QMarginsF(18, 15, 18, 12)
FOOTER_MM = 9.0
FONT_FAMILIES = ["Noto Sans", "DejaVu Sans", "Segoe UI", "Helvetica Neue", "Arial",
                 "Liberation Sans"]
BODY_PT = 9.5

def _px(points: float) -> int:
    """Points as CSS pixels (96 per inch): QTextDocument ignores margins given in pt
    but scales px ones to the writer's resolution."""
    return round(points * 96 / 72)


# QTextDocument understands a CSS subset: tables take attributes for borders
# and padding; font sizes in pt follow the writer's resolution.
STYLE = f"""
body {{ color: #111; }}
h1 {{ font-size: 17pt; margin-bottom: {_px(2)}px; }}
h2 {{ font-size: 13pt; margin-top: {_px(16)}px; margin-bottom: {_px(5)}px; }}
h3 {{ font-size: 11pt; margin-top: {_px(16)}px; margin-bottom: {_px(2)}px; }}
h4 {{ font-size: 9.5pt; margin-top: {_px(8)}px; margin-bottom: {_px(3)}px; }}
p {{ margin-top: {_px(2)}px; margin-bottom: {_px(3)}px; }}
.meta {{ color: #444; font-size: 8.5pt; }}
.note {{ color: #444; font-size: 8.5pt; font-style: italic; }}
.back {{ color: #555; font-style: italic; }}
.bar {{ color: #333; }}
th {{ background-color: #e6e6e6; text-align: left; }}
"""

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


def _mm_to_px(mm: float) -> float:
    return mm / 25.4 * RESOLUTION


def render_pdf(body_html: str, *, title: str, footer: str, page_size: str = "A4",
               progress: Progress | None = None) -> bytes:
    """Lay out ``body_html`` on ``page_size`` ("A4" or "Letter") pages and return the PDF bytes.

    Every page carries ``footer`` on the left and "Page n of N" on the right.
    ``progress(done, total)`` is called per page. Safe on a worker thread once
    a QGuiApplication exists.
    """
    ensure_gui_app()
    buffer = QBuffer()
    buffer.setData(QByteArray())
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setResolution(RESOLUTION)
    size_id = QPageSize.PageSizeId.Letter if page_size.lower() == "letter" \
        else QPageSize.PageSizeId.A4
    writer.setPageLayout(QPageLayout(QPageSize(size_id), QPageLayout.Orientation.Portrait,
                                     MARGINS_MM, QPageLayout.Unit.Millimeter))
    writer.setTitle(title)
    writer.setCreator("PeerScenarios")

    font = QFont()
    font.setFamilies(FONT_FAMILIES)
    font.setPointSizeF(BODY_PT)
    width, height = float(writer.width()), float(writer.height())
    footer_px = _mm_to_px(FOOTER_MM)
    page_h = height - footer_px
    doc = QTextDocument()
    doc.setUndoRedoEnabled(False)
    doc.setDefaultFont(font)
    doc.setDefaultStyleSheet(STYLE)
    doc.setDocumentMargin(0)
    doc.setPageSize(QSizeF(width, page_h))
    doc.setHtml(body_html)
    # The layout is created only now, with the text already in place: created
    # earlier, it would lay out in steps driven by timers, which a plain worker
    # thread (no Qt event loop) cannot run. pageCount() lays out everything at once.
    doc.documentLayout().setPaintDevice(writer)
    pages = doc.pageCount()

    footer_font = QFont(font)
    footer_font.setPointSizeF(7.5)
    context = QAbstractTextDocumentLayout.PaintContext()
    palette = QPalette()
    palette.setColor(QPalette.ColorRole.Text, QColor("#111111"))
    context.palette = palette
    painter = QPainter()
    if not painter.begin(writer):
        raise ExportError("The PDF could not be started.", "Try Markdown or CSV instead.")
    try:
        for index in range(pages):
            if index:
                writer.newPage()
            painter.save()
            painter.setClipRect(QRectF(0, 0, width, page_h))
            painter.translate(0, -index * page_h)
            context.clip = QRectF(0, index * page_h, width, page_h)
            doc.documentLayout().draw(painter, context)
            painter.restore()
            painter.setFont(footer_font)
            painter.setPen(QColor("#555555"))
            band = QRectF(0, height - footer_px * 0.6, width, footer_px * 0.6)
            painter.drawLine(0, int(band.top()), int(width), int(band.top()))
            align = Qt.AlignmentFlag.AlignBottom
            painter.drawText(band, int(align | Qt.AlignmentFlag.AlignLeft), footer)
            painter.drawText(band, int(align | Qt.AlignmentFlag.AlignRight),
                             f"Page {index + 1} of {pages}")
            if progress is not None:
                progress(index + 1, pages)
    finally:
        painter.end()
    buffer.close()
    data = bytes(buffer.data().data())
    log.debug("pdf rendered: %d pages, %d bytes", pages, len(data))
    return data


def default_page_size() -> str:
    """Letter where the locale says so (US, Canada, ...), A4 elsewhere."""
    from PySide6.QtCore import QLocale

    letter = {QLocale.Country.UnitedStates, QLocale.Country.Canada, QLocale.Country.Mexico,
              QLocale.Country.Philippines, QLocale.Country.Chile, QLocale.Country.Colombia}
    override = os.environ.get("PEERSCENARIOS_PAGE_SIZE", "")
    if override.lower() in ("a4", "letter"):
        return override
    return "Letter" if QLocale.system().territory() in letter else "A4"


# ------------------------------------------------------------------ portfolio


def _bar(count: int, most: int) -> str:
    # Text blocks, not colour: the chart still reads on a black-and-white printer.
    cells = round(24 * count / most) if most else 0
    return "█" * cells


def _profile_table(profile: tuple[RoleCount, ...]) -> str:
    whole = sum(r.count for r in profile)
    most = max((r.count for r in profile), default=0)
    rows = "".join(
        f"<tr><td>{h(r.label)}</td><td align='right'>{r.count}</td>"
        f"<td align='right'>{percent(r.count, whole)}</td>"
        f"<td class='bar'>{_bar(r.count, most)}</td></tr>"
        for r in profile
    )
    return ("<table border='1' cellspacing='0' cellpadding='3' width='100%' "
            "style='border-collapse: collapse; border-color: #999'>"
            "<tr><th>Role</th><th>Choices</th><th>Share</th><th width='40%'></th></tr>"
            f"{rows}</table>")


def _summary_html(p: Portfolio) -> str:
    t = p.totals
    note = ESTIMATE_NOTE
    if t.unestimated_finished:
        note += (f" {t.unestimated_finished} finished attempt(s) of scenarios no longer in the "
                 "library are not counted.")
    rows = [
        ("Attempts", f"{t.attempts} ({t.finished} finished, {t.in_progress} in progress, "
                     f"{t.abandoned} stopped)"),
        ("Decisions", f"{t.decisions} (plus {t.stepped_back} stepped back and retried)"),
        ("Reflections written", str(t.reflections)),
        ("Estimated practice time", hours_text(t.estimated_minutes)),
    ]
    table = "".join(f"<tr><td><b>{h(k)}</b></td><td>{h(v)}</td></tr>" for k, v in rows)
    return (f"<h2>Summary</h2><table cellspacing='0' cellpadding='3'>{table}</table>"
            f"<p class='note'>{h(note)}</p>"
            "<h2>Boundary profile</h2>"
            "<p>How often each role was chosen across these attempts "
            "(stepped-back choices left out).</p>"
            f"{_profile_table(p.boundary_profile)}")


def _attempt_html(a: AttemptEntry) -> str:
    parts = [f"<h3>Attempt {a.number}: {h_inline(a.scenario_title)}</h3>"]
    meta = [f"{h(a.mode.capitalize())}, {h(a.status)}",
            f"started {h(fmt_time(a.started_at))}"]
    if a.finished_at is not None:
        meta.append(f"finished {h(fmt_time(a.finished_at))}")
    meta.append(f"scenario {h(a.scenario_id)} (version {h(a.content_hash[:12] or 'unknown')})")
    parts.append(f"<p class='meta'>{' · '.join(meta)}</p>")
    if a.ending_node_id is not None:
        ending = h_inline(a.ending_title) if a.ending_title else h(f"[{a.ending_node_id}]")
        parts.append(f"<p><b>Ending:</b> {ending}</p>")
    note = STATE_NOTES.get(a.scenario_state.value)
    if note:
        parts.append(f"<p class='note'>{h(note)}</p>")
    if a.decisions:
        rows = []
        for d in a.decisions:
            role = h(d.role_label)
            cls = ""
            if d.stepped_back:
                role += "<br><span class='back'>stepped back</span>"
                cls = " class='back'"
            rows.append(
                f"<tr><td align='right'>{d.seq}</td><td{cls}>{h_inline(d.choice_display)}</td>"
                f"<td>{role}</td><td>{h_inline(d.feedback)}</td></tr>"
            )
        parts.append(
            "<table border='1' cellspacing='0' cellpadding='3' width='100%' "
            "style='border-collapse: collapse; border-color: #999'>"
            # <thead>: QTextDocument repeats the header row when a table breaks across pages.
            "<thead><tr><th width='4%'>#</th><th width='34%'>Response chosen</th>"
            "<th width='16%'>Role</th><th width='46%'>Feedback shown</th></tr></thead>"
            f"{''.join(rows)}</table>"
        )
    tally = ", ".join(f"{h(r.label)} {r.count}" for r in a.role_tally if r.count)
    if tally:
        parts.append(f"<p class='meta'>Roles in this attempt: {tally}</p>")
    if a.reflections:
        parts.append("<h4>Reflections</h4>")
        for r in a.reflections:
            # A shaded box rather than <blockquote>: its indent is not scaled to the page.
            parts.append(f"<p><b>{h_inline(r.prompt_display)}</b></p>"
                         "<table width='100%' cellspacing='0' cellpadding='5' "
                         f"bgcolor='#f1f1f1'><tr><td>{h(r.text)}</td></tr></table>")
    return "".join(parts)


def portfolio_html(portfolio: Portfolio) -> str:
    """The portfolio as self-contained HTML (no external resources; all text escaped)."""
    p = portfolio
    head = (f"<h1>Learner portfolio: {h(p.profile_name)}</h1>"
            f"<p class='meta'>Attempts: {h(p.range_text)} · generated "
            f"{h(fmt_time(p.generated_at))} (local time) · PeerScenarios, offline practice "
            "for peer support specialists</p>")
    body = [head, _summary_html(p), "<h2>Attempts</h2>"]
    if not p.attempts:
        body.append("<p>No attempts in this range.</p>")
    body.extend(_attempt_html(a) for a in p.attempts)
    return f"<html><body>{''.join(body)}</body></html>"


def write_pdf(portfolio: Portfolio, path: Path, *, progress: Progress | None = None,
              page_size: str | None = None) -> Path:
    """Write the portfolio as a PDF (A4 or Letter, page numbers), atomically, mode 0600.

    ``page_size`` defaults to the locale's. Returns the absolute path; raises
    ExportError if it cannot be written.
    """
    data = render_pdf(portfolio_html(portfolio),
                      title=f"Learner portfolio: {portfolio.profile_name}",
                      footer=f"Learner portfolio · {portfolio.profile_name} · "
                             f"{portfolio.range_text}",
                      page_size=page_size or default_page_size(), progress=progress)
    return write_bytes(Path(path), data)
