"""Labels and response buttons keep text layouts per width and measure again on any change."""

from __future__ import annotations

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QWidget
from pytestqt.qtbot import QtBot

from peerscenarios.ui.widgets.richtext import RichLabel, rich_label

STORY = ("<p>Dana hasn't slept. <b>She says</b> the new case manager talks over her, and "
         "she is thinking of <i>not going back</i> to the clinic at all this month.</p>")
WIDTHS = (120, 300, 640, 300, 120)


KEEP: list[QWidget] = []


def twins(qtbot: QtBot, *, quick_hints: bool = False) -> tuple[RichLabel, QLabel]:
    parent = QWidget()
    qtbot.addWidget(parent)  # closed after the test; the module keeps it alive until then
    KEEP[:] = [parent]
    cached = rich_label(STORY, parent, quick_hints=quick_hints)
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


TEXTS = (STORY,
         "<p><b>You said:</b> “I can drive you there on Thursday.”</p>",
         "<ul><li>Ask what she wants</li><li>Offer <i>choices</i>, not instructions</li></ul>",
         "<p>See https://example.org/a/very/long/path/that/never/breaks/anywhere/at/all</p>",
         "<p>Short.</p><p>Two paragraphs, <b>bold</b><i>italic</i>joined.</p>")


def test_the_minimum_width_is_never_narrower_than_qts(qtbot: QtBot) -> None:
    # Qt works its minimum out by laying the text out at width 0 (each word on a line);
    # the label's estimate from its widest word in bold may be wider, never narrower,
    # so no word is ever cut.
    cached, plain = twins(qtbot, quick_hints=True)
    for text in TEXTS:
        for label in (cached, plain):
            label.setText(text)
        ours, qts = cached.minimumSizeHint(), plain.minimumSizeHint()
        assert ours.width() >= qts.width(), text
        assert ours.width() <= qts.width() * 1.3 + 60, text  # and not wildly wider
        assert ours.height() > 0
        hint = cached.sizeHint()
        assert hint.width() >= ours.width()
        assert hint.height() >= cached.heightForWidth(max(hint.width(), 1)) or \
            hint.height() == cached.heightForWidth(cached.width())


def test_without_quick_hints_the_hints_are_qts(qtbot: QtBot) -> None:
    cached, plain = twins(qtbot)
    for text in TEXTS:
        for label in (cached, plain):
            label.setText(text)
        assert cached.sizeHint() == plain.sizeHint()
        assert cached.minimumSizeHint() == plain.minimumSizeHint()


def test_a_response_button_keeps_heights_per_width_and_measures_again_after_a_font_change(
        qtbot: QtBot) -> None:
    from peerscenarios.core.model import Choice, Feedback
    from peerscenarios.core.taxonomy import Role
    from peerscenarios.ui.widgets.choice_button import ChoiceButton

    choice = Choice(id="c1", text="I'd like to hear more about what a good day used to look "
                    "like for you, before the job and the move.", role=Role.PEER,
                    feedback=Feedback(why="Open question.", better=""), next="n2")
    parent = QWidget()
    qtbot.addWidget(parent)
    KEEP[:] = [parent]
    kept = ChoiceButton(1, choice, parent)

    def fresh(font: QFont | None = None) -> ChoiceButton:
        button = ChoiceButton(1, choice, parent)
        if font is not None:
            button.setFont(font)
        return button

    widths = (200, 320, 700, 320, 200)
    assert [kept.heightForWidth(w) for w in widths] == [fresh().heightForWidth(w)
                                                        for w in widths]
    big = QFont(kept.font())
    big.setPointSize(big.pointSize() * 2)
    kept.setFont(big)
    after = [kept.heightForWidth(w) for w in widths]
    assert after == [fresh(big).heightForWidth(w) for w in widths]
    assert after[1] > fresh().heightForWidth(320)
