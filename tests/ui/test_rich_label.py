"""Rich labels remember heights per width, and forget them whenever the answer could change."""

from __future__ import annotations

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QWidget
from pytestqt.qtbot import QtBot

from peerscenarios.ui.widgets.richtext import RichLabel, rich_label

STORY = ("<p>Dana hasn't slept. <b>She says</b> the new case manager talks over her, and "
         "she is thinking of <i>not going back</i> to the clinic at all this month.</p>")
WIDTHS = (120, 300, 640, 300, 120)


KEEP: list[QWidget] = []


def twins(qtbot: QtBot) -> tuple[RichLabel, QLabel]:
    parent = QWidget()
    qtbot.addWidget(parent)  # closed after the test; the module keeps it alive until then
    KEEP[:] = [parent]
    cached = rich_label(STORY, parent)
    assert isinstance(cached, RichLabel)
    plain = QLabel(parent)  # the same settings, no memory
    plain.setTextFormat(cached.textFormat())
    plain.setWordWrap(True)
    plain.setText(STORY)
    return cached, plain


def test_heights_match_a_plain_label(qtbot: QtBot) -> None:
    cached, plain = twins(qtbot)
    for w in WIDTHS:
        assert cached.heightForWidth(w) == plain.heightForWidth(w)


def test_new_text_font_and_margins_are_measured_again(qtbot: QtBot) -> None:
    cached, plain = twins(qtbot)
    before = [cached.heightForWidth(w) for w in WIDTHS]
    longer = STORY + "<p>" + "She wants to talk about it before group starts. " * 6 + "</p>"
    cached.setText(longer)
    plain.setText(longer)
    assert [cached.heightForWidth(w) for w in WIDTHS] == [plain.heightForWidth(w)
                                                          for w in WIDTHS]
    assert cached.heightForWidth(300) > before[1]
    big = QFont(cached.font())
    big.setPointSize(big.pointSize() * 2)
    cached.setFont(big)
    plain.setFont(big)
    assert [cached.heightForWidth(w) for w in WIDTHS] == [plain.heightForWidth(w)
                                                          for w in WIDTHS]
    cached.setContentsMargins(0, 20, 0, 20)
    plain.setContentsMargins(0, 20, 0, 20)
    assert cached.heightForWidth(300) == plain.heightForWidth(300)
